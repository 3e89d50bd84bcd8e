import type { IDataObject } from 'n8n-workflow';

import { readTaskId } from '../input/readGenerationRequest';
import { VIDEO_MODES, type VideoDuration, type VideoMode } from '../providers';
import type { TaskHints } from '../waiting/poller';
import type { OperationContext } from './operationContext';
import { finishTask } from './taskResults';

/**
 * What the Submit operation put on the item (submittedAt, mode, duration) tells the poller how far
 * along a task probably is; without it the task is treated as just submitted.
 */
export function hintsFromInput(json: IDataObject | undefined): TaskHints {
	const hints: TaskHints = {};
	const submittedAt = typeof json?.submittedAt === 'string' ? Date.parse(json.submittedAt) : NaN;
	if (Number.isFinite(submittedAt)) hints.submittedAt = submittedAt;
	if (VIDEO_MODES.includes(json?.mode as VideoMode)) hints.mode = json!.mode as VideoMode;
	const duration = Number(json?.duration);
	if (duration === 5 || duration === 10) hints.duration = duration as VideoDuration;
	return hints;
}

/** Waits for existing tasks, all items together, and returns each video. */
export async function waitForCompletion(
	ctx: OperationContext,
	itemIndexes: number[],
): Promise<void> {
	const { run, provider } = ctx;
	const items = run.ctx.getInputData();
	const taskIds = await run.checkEach(itemIndexes, (itemIndex) => {
		if (ctx.downloadVideo(itemIndex)) ctx.outputBinaryPropertyName(itemIndex);
		return readTaskId(run.ctx, itemIndex, provider);
	});
	const poller = ctx.createPoller();

	await run.forEachItem([...taskIds.keys()], async (itemIndex) => {
		const taskId = taskIds.get(itemIndex)!;
		run.noteTaskStarted(itemIndex, taskId);
		const task = poller.track(taskId, itemIndex, hintsFromInput(items[itemIndex]?.json));
		const { json, binary } = await finishTask(ctx, poller, task);
		run.succeed(itemIndex, json, binary);
	});
}
