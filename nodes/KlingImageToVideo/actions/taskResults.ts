import {
	NodeApiError,
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type JsonObject,
} from 'n8n-workflow';

import type { VideoFacts } from '../media/mp4Facts';
import type { TaskSnapshot } from '../providers';
import { sleepUnlessAborted } from '../transport/cancellation';
import type { TaskPoller, WatchedTask } from '../waiting/poller';
import { downloadVideo } from '../transport/videoDownload';
import { withholdsVideoFile } from './agentOutput';
import type { OperationContext } from './operationContext';

/** Turning a finished task into what the user sees: the output json, the video, or a clear error. */

/** The output json, the same shape for every provider. */
export function snapshotJson(ctx: OperationContext, snapshot: TaskSnapshot): IDataObject {
	return {
		provider: ctx.provider.id,
		taskId: snapshot.taskId,
		status: snapshot.status,
		...(snapshot.videoUrl && snapshot.status === 'succeeded' && { videoUrl: snapshot.videoUrl }),
		...(snapshot.videoUrlExpiresAt &&
			snapshot.status === 'succeeded' && { videoUrlExpiresAt: snapshot.videoUrlExpiresAt }),
		...(snapshot.cost && { cost: { ...snapshot.cost } }),
		...(snapshot.progress !== undefined && { progress: snapshot.progress }),
		...(snapshot.queuePosition !== undefined && { queuePosition: snapshot.queuePosition }),
		...(snapshot.error && {
			error: { ...snapshot.error, message: ctx.client.redact(snapshot.error.message) },
		}),
	};
}

/** A task that ended without a video becomes an error naming the task and the provider's reason. */
export function requireVideo(
	ctx: OperationContext,
	snapshot: TaskSnapshot,
	itemIndex: number,
): string {
	const name = ctx.provider.displayName;
	const node = ctx.run.ctx.getNode();
	const context = { taskId: snapshot.taskId, taskStatus: snapshot.status };
	if (snapshot.status === 'succeeded' && snapshot.videoUrl) return snapshot.videoUrl;

	let error: NodeOperationError;
	if (snapshot.status === 'succeeded') {
		error = new NodeOperationError(
			node,
			`Task ${snapshot.taskId} succeeded at ${name} but no video URL came with it`,
			{
				itemIndex,
				description:
					'Ask again with "Get Status" in a minute; if the URL is still missing, contact the provider with this task id.',
			},
		);
	} else {
		const reason = ctx.client.redact(snapshot.error?.message ?? 'no reason given');
		const code = snapshot.error?.code ? ` (${snapshot.error.code})` : '';
		const verb = snapshot.status === 'cancelled' ? 'was cancelled' : 'failed';
		error = new NodeOperationError(
			node,
			`Task ${snapshot.taskId} ${verb} at ${name}: ${reason}${code}`,
			{
				itemIndex,
				description:
					snapshot.status === 'cancelled'
						? 'The task was cancelled at the provider (from its dashboard or by the provider). Submit the item again if you still want the video.'
						: 'The provider could not make this video. Often the image or prompt was refused by its content rules, or it had an internal problem; adjust the input if the reason points to it, then submit the item again.',
			},
		);
	}
	Object.assign(error.context, context);
	throw error;
}

/** What a poster checks before publishing, read from the stored file itself. */
function videoJson(
	binary: IBinaryData,
	facts: (VideoFacts & { bytes: number }) | undefined,
): IDataObject | undefined {
	if (!facts) return undefined;
	const { width, height, durationSeconds, bytes } = facts;
	return { width, height, durationSeconds, bytes, mimeType: binary.mimeType };
}

const DOWNLOAD_ATTEMPTS = 4;
const URL_REFRESHES = 2;
const DOWNLOAD_BACKOFF_MS = [1_000, 3_000, 6_000];

function fileNameFor(taskId: string): string {
	return `${taskId.replace(/[^A-Za-z0-9._-]+/g, '_')}.mp4`;
}

/**
 * Stores the video of a finished task and says which URL served it. Incomplete or failed transfers
 * are retried; a refused URL (signed URLs expire) is replaced by a fresh one from the provider.
 */
export async function fetchVideo(
	ctx: OperationContext,
	poller: TaskPoller,
	task: WatchedTask,
	videoUrl: string,
): Promise<{ binary: IBinaryData; url: string; video?: IDataObject }> {
	let url = videoUrl;
	let refreshes = 0;
	let problem = '';
	for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
		const outcome = await ctx.downloads.run(
			async () =>
				await downloadVideo(ctx.run.ctx, url, fileNameFor(task.taskId), {
					timeoutMs: ctx.requestTimeoutMs,
					signal: ctx.run.signal,
				}),
		);
		ctx.client.throwIfCancelled();
		if (outcome.kind === 'stored')
			return { binary: outcome.binary, url, video: videoJson(outcome.binary, outcome.facts) };
		if (outcome.kind === 'urlRejected' && refreshes < URL_REFRESHES) {
			refreshes++;
			problem = `the video host refused the URL (${outcome.statusCode})`;
			const fresh = await poller.checkOnce(task);
			url = fresh.videoUrl ?? url;
			continue;
		}
		problem =
			outcome.kind === 'urlRejected'
				? `the video host refused the URL (${outcome.statusCode})`
				: outcome.reason;
		if (attempt < DOWNLOAD_ATTEMPTS)
			await sleepUnlessAborted(DOWNLOAD_BACKOFF_MS[attempt - 1], ctx.run.signal);
	}
	const error = new NodeApiError(ctx.run.ctx.getNode(), { message: problem } as JsonObject, {
		message: `Could not download the video of task ${task.taskId}: ${problem}`,
		description: `The task succeeded at ${ctx.provider.displayName}; its video stays available for a while. Run "Wait for Completion" with task id ${task.taskId} to fetch it again, or turn off "Download Video" and use videoUrl.`,
		itemIndex: task.itemIndex,
	});
	Object.assign(error.context, { taskId: task.taskId, taskStatus: 'succeeded' });
	throw error;
}

/** Waits for a task, then returns its output: the json and, when asked, the video as binary. */
export async function finishTask(
	ctx: OperationContext,
	poller: TaskPoller,
	task: WatchedTask,
	extraJson: IDataObject = {},
): Promise<{ json: IDataObject; binary?: Record<string, IBinaryData> }> {
	return await deliverTask(ctx, poller, task, await poller.waitUntilDone(task), extraJson);
}

/** The output of a task that ended: the json and, when asked, the video; an error if it has none. */
export async function deliverTask(
	ctx: OperationContext,
	poller: TaskPoller,
	task: WatchedTask,
	snapshot: TaskSnapshot,
	extraJson: IDataObject = {},
): Promise<{ json: IDataObject; binary?: Record<string, IBinaryData> }> {
	const videoUrl = requireVideo(ctx, snapshot, task.itemIndex);
	const json = { ...snapshotJson(ctx, snapshot), ...extraJson };
	if (!ctx.downloadVideo(task.itemIndex)) return { json };
	const { binary, url, video } = await fetchVideo(ctx, poller, task, videoUrl);
	const withFacts = { ...json, videoUrl: url, ...(video && { video }) };
	if (withholdsVideoFile(ctx.run.ctx, task.itemIndex)) return { json: withFacts };
	return {
		json: withFacts,
		binary: { [ctx.outputBinaryPropertyName(task.itemIndex)]: binary },
	};
}
