import type { IDataObject } from 'n8n-workflow';

import { TERMINAL_STATUSES, type TaskSnapshot } from '../providers';
import { durationClassOf } from '../waiting/durationModel';
import { MIN_PARK_MS } from '../waiting/schedule';
import type { TaskHints, TaskPoller, WatchedTask } from '../waiting/poller';
import type { OperationContext } from './operationContext';
import { describedBy, hintsFromInput, hintsJson, readTime } from './taskHints';
import { deliverTask, snapshotJson } from './taskResults';

/**
 * A round of the push loop (Wait for Completion with "Woken By", after a Wait node resumed by the
 * provider's call or its time limit). The call is only a hint: its tag names the item to look at,
 * and that task is asked about like any other, never taken at the call's word. Besides the named
 * tasks, a round asks only those due by their own schedule: a few sentinels per batch on their
 * first round, and each task once its expected finish has passed without a call. Everything else
 * is handed on at once, so the execution parks again. Until a call has named a task that had
 * ended, a due task found ended in a round no call named anything in means the calls are not
 * arriving: the loop turns into the durable loop (every task asked each round) for good, so a loop
 * whose calls never come is at worst about as late as one without push. Once calls have arrived,
 * such a task is only a call that came late or not at all: it is delivered, and nothing changes.
 */

/** First-round sentinels per duration class: the same few as the poller's scouts, or one in 20. */
const MIN_SENTINELS = 3;
const SENTINEL_SHARE = 0.05;
/**
 * How long past its expected finish a task waits for its call before it is asked about: longer
 * than the first retry of a call n8n refused while a round ran (Novita 10 s, fal 15 s in the
 * simulators), so a refused call is not taken for a lost one.
 */
const CALL_GRACE_MS = 20_000;
/**
 * A task with a sharp eta of its own is asked about this long after that eta when no call came: a
 * call n8n refused (409) while a round ran is then caught by the next round anyone's call starts,
 * not by the provider's retry 10 s or more later. Found still running, its fresher eta is sharper.
 */
const ETA_MARGIN_MS = 1_500;
/**
 * An eta this far off at most is sharp enough to wait on; a vaguer one (asked minutes ahead) is
 * asked again when the task may first finish, for a sharper one.
 */
const SHARP_ETA_ERROR_MS = 10_000;
/**
 * A task never asked is first asked this far (as a share of the time left) towards the earliest
 * finish its class's asked tasks' etas allow: a few sentinels do not show the class's whole spread.
 */
const FIRST_CHECK_SHARE = 0.85;
/** A task this close to its check is asked now rather than after another park. */
const DUE_TOLERANCE_MS = 1_000;

interface PushEntry {
	task: WatchedTask;
	hints: TaskHints;
	json: IDataObject | undefined;
	waitingSince: number;
	tag?: string;
	nextCheckAt?: number;
	/** Set once the task has its own eta: its latest plausible finish. */
	expectedFinishAt?: number;
	named: boolean;
}

interface Left {
	entry: PushEntry;
	snapshot?: TaskSnapshot;
}

/** Whether an earlier round found the calls missing: then every round asks about every task. */
export function callsMissedIn(items: Array<{ json: IDataObject }>): boolean {
	return items.some((item) => item.json?.callbacksMissed === true);
}

/** What the next round needs to know of the item's push (added to every unfinished item). */
export function pushJson(json: IDataObject | undefined): IDataObject {
	return {
		...(typeof json?.callbackTag === 'string' && { callbackTag: json.callbackTag }),
		...(json?.callbacksMissed === true && { callbacksMissed: true }),
	};
}

export async function pushRound(
	ctx: OperationContext,
	taskIds: Map<number, string>,
	wokenTags: Set<string>,
): Promise<void> {
	const { run } = ctx;
	const items = run.ctx.getInputData();
	const poller = ctx.createPoller();
	const now = Date.now();
	const entries = new Map<number, PushEntry>();
	for (const [itemIndex, taskId] of taskIds) {
		const json = items[itemIndex]?.json;
		const hints = hintsFromInput(json);
		const waitingSince = hints.submittedAt ?? readTime(json?.waitingSince) ?? now;
		const tag = typeof json?.callbackTag === 'string' ? json.callbackTag : undefined;
		entries.set(itemIndex, {
			task: poller.track(taskId, itemIndex, hints, waitingSince),
			hints,
			json,
			waitingSince,
			tag,
			nextCheckAt: readTime(json?.nextCheckAt),
			expectedFinishAt: readTime(json?.expectedFinishAt),
			named: tag !== undefined && wokenTags.has(tag),
		});
	}
	const sentinels = pickSentinels([...entries.values()]);
	const isDue = (entry: PushEntry) =>
		entry.named ||
		sentinels.has(entry) ||
		(entry.nextCheckAt !== undefined && entry.nextCheckAt <= now + DUE_TOLERANCE_MS) ||
		entry.task.deadline <= now;
	const wokenByKnownCall = [...entries.values()].some((entry) => entry.named);
	let foundUncalled = false;
	let namedEnded = false;
	const left: Left[] = [];

	await run.forEachItem([...entries.keys()], async (itemIndex) => {
		const entry = entries.get(itemIndex)!;
		if (!isDue(entry)) {
			left.push({ entry });
			return;
		}
		run.noteTaskStarted(itemIndex, entry.task.taskId);
		const snapshot = await poller.checkOnce(entry.task);
		const ended = TERMINAL_STATUSES.includes(snapshot.status);
		// A success whose video URL is late is asked about again soon, as a task still running.
		if (ended && (snapshot.status !== 'succeeded' || snapshot.videoUrl)) {
			if (entry.named) namedEnded = true;
			// A task checked by its own eta may just have had its call refused: no sign of lost calls.
			else if (entry.expectedFinishAt === undefined) foundUncalled = true;
			const { json, binary } = await deliverTask(ctx, poller, entry.task, snapshot, {
				...describedBy(entry.hints),
				done: true,
			});
			run.succeed(itemIndex, json, binary);
			return;
		}
		if (Date.now() >= entry.task.deadline) throw poller.timeoutError(entry.task);
		left.push({ entry, snapshot });
	});

	const callsArrived = namedEnded || items.some((item) => item.json?.callbacksArrived === true);
	const callsMissed = callsMissedIn(items) || (foundUncalled && !wokenByKnownCall && !callsArrived);
	const firstChecks = firstChecksByClass(poller, left);
	const checks = left.map((item) =>
		callsMissed
			? Date.now()
			: nextCheckAtOf(poller, item, item.snapshot !== undefined && !callsArrived, firstChecks),
	);
	const soonest = Math.min(...checks);
	const checkAfterSeconds = Math.max(1, Math.ceil((soonest - Date.now()) / 1000));
	left.forEach((item, index) =>
		run.succeed(item.entry.task.itemIndex, {
			...leftJson(ctx, item),
			checkAfterSeconds,
			nextCheckAt: new Date(checks[index]).toISOString(),
			...expectedFinishJson(poller, item),
			...(callsMissed && { callbacksMissed: true }),
			...(callsArrived && { callbacksArrived: true }),
		}),
	);
}

/** Per duration class, the first few tasks never looked at: they learn the class's span. */
function pickSentinels(entries: PushEntry[]): Set<PushEntry> {
	const fresh = new Map<string, PushEntry[]>();
	for (const entry of entries) {
		if (entry.nextCheckAt !== undefined) continue;
		const durationClass = durationClassOf(entry.hints);
		fresh.set(durationClass, [...(fresh.get(durationClass) ?? []), entry]);
	}
	const sentinels = new Set<PushEntry>();
	for (const group of fresh.values()) {
		const count = Math.max(MIN_SENTINELS, Math.ceil(SENTINEL_SHARE * group.length));
		for (const entry of group.slice(0, count)) sentinels.add(entry);
	}
	return sentinels;
}

/**
 * Per duration class, when a task never asked is first asked: short of the earliest finish the
 * etas of the tasks asked now allow, so that it gets an eta of its own before it may finish.
 */
function firstChecksByClass(poller: TaskPoller, left: Left[]): Map<string, number> {
	const firstChecks = new Map<string, number>();
	for (const { entry, snapshot } of left) {
		if (!snapshot) continue;
		const { prediction } = poller.finishOutlook(entry.task);
		if (!prediction) continue;
		const durationClass = durationClassOf(entry.hints);
		const earliest =
			Date.now() + FIRST_CHECK_SHARE * (prediction.at - prediction.errorMs - Date.now());
		firstChecks.set(durationClass, Math.min(earliest, firstChecks.get(durationClass) ?? earliest));
	}
	return firstChecks;
}

/**
 * When a task is next asked about without a call. A task carrying its own check keeps it, unless
 * it was asked now. A task with its own eta: a vague eta is asked again where the task may first
 * finish; a sharp one just after that eta. A task never asked, in a class
 * whose asked tasks have an eta, is first asked short of the earliest of those finishes. Otherwise
 * its class's latest finish plus the grace for its call. Until a call has arrived, a task asked
 * without an eta (a sentinel) is looked at again after each park: it is what notices calls that
 * never come. Never past the Timeout.
 */
function nextCheckAtOf(
	poller: TaskPoller,
	{ entry, snapshot }: Left,
	watching: boolean,
	firstChecks: Map<string, number>,
): number {
	const { task } = entry;
	let at: number;
	if (!snapshot && entry.nextCheckAt !== undefined) at = entry.nextCheckAt;
	else {
		const { prediction, estimate } = poller.finishOutlook(task);
		const firstCheck = snapshot ? undefined : firstChecks.get(durationClassOf(entry.hints));
		if (prediction)
			// Running past its latest plausible finish: asked again no sooner than it is overdue,
			// so an eta stuck at zero is not asked about in every round.
			at = Math.max(
				Date.now() + Math.max(DUE_TOLERANCE_MS, overdueMs(entry)),
				prediction.errorMs > SHARP_ETA_ERROR_MS
					? prediction.at - prediction.errorMs
					: prediction.at + ETA_MARGIN_MS,
			);
		else if (firstCheck !== undefined) at = firstCheck;
		else if (watching) at = Date.now() + MIN_PARK_MS;
		else at = task.timeline.startedAt + estimate.highMs + CALL_GRACE_MS;
	}
	return Math.min(at, task.deadline);
}

const overdueMs = (entry: PushEntry) =>
	entry.expectedFinishAt === undefined ? 0 : Date.now() - entry.expectedFinishAt;

/** The latest plausible finish by the task's own eta; once passed, kept: it measures the overdue. */
function expectedFinishJson(poller: TaskPoller, { entry, snapshot }: Left): IDataObject {
	const { prediction } = snapshot ? poller.finishOutlook(entry.task) : { prediction: undefined };
	const at =
		overdueMs(entry) > 0 || !prediction
			? entry.expectedFinishAt
			: prediction.at + prediction.errorMs;
	return at === undefined ? {} : { expectedFinishAt: new Date(at).toISOString() };
}

function leftJson(ctx: OperationContext, { entry, snapshot }: Left): IDataObject {
	const { task, hints, json, waitingSince } = entry;
	const inputStatus = json?.status === 'processing' ? 'processing' : 'queued';
	return {
		...(snapshot
			? snapshotJson(ctx, snapshot)
			: { provider: ctx.provider.id, taskId: task.taskId, status: inputStatus }),
		done: false,
		...hintsJson(hints),
		...(hints.submittedAt === undefined && {
			waitingSince: new Date(waitingSince).toISOString(),
		}),
		...pushJson(json),
	};
}
