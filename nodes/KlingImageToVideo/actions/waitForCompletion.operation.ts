import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { readTaskId } from '../input/readGenerationRequest';
import { readWokenBy } from '../input/readWokenBy';
import { invalidInput } from '../shared/itemError';
import { TERMINAL_STATUSES, type TaskSnapshot, type TaskStatus } from '../providers';
import type { TaskHints, WatchedTask } from '../waiting/poller';
import type { OperationContext } from './operationContext';
import { callsMissedIn, pushJson, pushRound } from './pushRound';
import { describedBy, hintsFromInput, hintsJson, readTime } from './taskHints';
import { deliverTask, snapshotJson } from './taskResults';

/** How long one run waits at most, and what becomes of tasks still running then. */
interface Hold {
	seconds: number;
	passOn: boolean;
	/** The push loop's calls come through a relay that resends a refused call within seconds. */
	callbacksRelayed: boolean;
}

/** An item whose task was still running when the hold ended, handed on for another round. */
interface Unfinished {
	task: WatchedTask;
	snapshot?: TaskSnapshot;
	hints: TaskHints;
	inputStatus?: TaskStatus;
	waitingSince: number;
	input?: IDataObject;
}

const STILL_RUNNING: readonly TaskStatus[] = ['queued', 'processing'];

function readHold(ctx: IExecuteFunctions): Hold | undefined {
	const options = ctx.getNodeParameter('waitOptions', 0, {}) as IDataObject;
	const seconds = options.holdAtMostSeconds;
	if (seconds === undefined || seconds === null || seconds === '') return undefined;
	const value = Number(seconds);
	if (!Number.isFinite(value) || value <= 0)
		throw invalidInput(ctx, 0, '"Hold At Most (Seconds)" must be a number of seconds above 0');
	return {
		seconds: value,
		passOn: options.stillRunningAfterHold === 'passOn',
		callbacksRelayed: options.callbacksRelayed === true,
	};
}

/**
 * Waits for existing tasks, all items together, and returns each video. With "Hold At Most" the
 * run waits no longer than that; tasks still running then fail, or go on unfinished with
 * `done: false` and `checkAfterSeconds`, for a loop through n8n's Wait node that frees the process
 * between rounds. In that loop the Timeout counts from the task's submission (or, for a task id
 * from elsewhere, from the first round: `waitingSince`), so a stuck task cannot go round forever.
 */
export async function waitForCompletion(
	ctx: OperationContext,
	itemIndexes: number[],
): Promise<void> {
	const { run, provider } = ctx;
	const items = run.ctx.getInputData();
	const hold = readHold(run.ctx);
	const taskIds = await run.checkEach(itemIndexes, (itemIndex) => {
		if (ctx.downloadVideo(itemIndex)) ctx.outputBinaryPropertyName(itemIndex);
		return readTaskId(run.ctx, itemIndex, provider);
	});
	// The push loop: a round woken by a call asks about the task it names, not about all of them,
	// where a call n8n refused (409) while a round ran still comes soon: through a relay that sends
	// it again each second, or where the route's eta times each task's own check. Otherwise (fal,
	// Kling without a relay) it would wait for the provider's resend (a p95 lag of 51 to 109 s at
	// fal, against 12.8 s), so there every round asks about every task, as without push.
	const narrowed = hold?.passOn && (provider.reportsProgress || hold.callbacksRelayed);
	const wokenTags = narrowed ? readWokenBy(run.ctx) : undefined;
	if (wokenTags && !callsMissedIn(items)) return await pushRound(ctx, taskIds, wokenTags);
	const poller = ctx.createPoller();
	const startedAt = Date.now();
	const holdUntil = hold ? startedAt + hold.seconds * 1000 : Infinity;
	const unfinished: Unfinished[] = [];

	await run.forEachItem([...taskIds.keys()], async (itemIndex) => {
		const taskId = taskIds.get(itemIndex)!;
		run.noteTaskStarted(itemIndex, taskId);
		const json = items[itemIndex]?.json;
		const hints = hintsFromInput(json);
		const waitingSince = hints.submittedAt ?? readTime(json?.waitingSince) ?? startedAt;
		const task = poller.track(taskId, itemIndex, hints, hold?.passOn ? waitingSince : undefined);
		const snapshot = await poller.waitAtMostUntil(task, holdUntil);
		if (snapshot && TERMINAL_STATUSES.includes(snapshot.status)) {
			const { json, binary } = await deliverTask(ctx, poller, task, snapshot, {
				...describedBy(hints),
				done: true,
			});
			run.succeed(itemIndex, json, binary);
			return;
		}
		// Only a hold ends a wait early (without one, the wait ends with the task or the timeout).
		if (hold && !hold.passOn) throw poller.stillRunningError(task, hold.seconds);
		const inputStatus = STILL_RUNNING.find((status) => status === json?.status);
		unfinished.push({ task, snapshot, hints, inputStatus, waitingSince, input: json });
	});

	// One value for all of them, computed once every task has had its look: the Wait node waits
	// once for every item it gets, with the first item's value.
	const checkAfterSeconds = poller.checkAfterSeconds(unfinished.map(({ task }) => task));
	for (const item of unfinished)
		run.succeed(item.task.itemIndex, unfinishedJson(ctx, item, checkAfterSeconds));
}

function unfinishedJson(
	ctx: OperationContext,
	{ task, snapshot, hints, inputStatus, waitingSince, input }: Unfinished,
	checkAfterSeconds: number,
): IDataObject {
	return {
		...(snapshot
			? snapshotJson(ctx, snapshot)
			: { provider: ctx.provider.id, taskId: task.taskId, status: inputStatus ?? 'queued' }),
		done: false,
		checkAfterSeconds,
		...hintsJson(hints),
		// Without a submission time, the next round counts the Timeout from here.
		...(hints.submittedAt === undefined && {
			waitingSince: new Date(waitingSince).toISOString(),
		}),
		...pushJson(input),
	};
}
