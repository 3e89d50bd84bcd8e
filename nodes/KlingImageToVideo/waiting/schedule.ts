import { TERMINAL_STATUSES, type TaskSnapshot } from '../providers';
import type { DurationModel } from './durationModel';

/**
 * When to ask about a task next. The aim is to learn the moment a video is ready with few
 * requests: follow the provider's eta where it gives one (refine while the eta is coarse, then aim
 * at the predicted finish), otherwise poll sparsely until the expected window and densely inside
 * it, the window learned from the tasks of this run that already finished.
 */

export interface Observation {
	at: number;
	snapshot: TaskSnapshot;
}

export interface TaskTimeline {
	/** When the task was submitted (known) or when waiting for it began (not known). */
	startedAt: number;
	startKnown: boolean;
	durationClass: string;
	/** Scouts poll early so that their siblings can learn from them. */
	isScout: boolean;
	/** 0..1, different for each task of a run: spreads first looks so they do not all queue at once. */
	spread: number;
	polls: number;
	lastPollAt?: number;
	last?: Observation;
	previous?: Observation;
	/** First answer after which the task should have been done by its own eta, while it is still not. */
	dueSince?: number;
	/** The finishes the provider's eta predicted (the latest few), to learn how good its eta is. */
	etaPredictions: Array<{ at: number; finishAt: number }>;
}

export interface ScheduleSettings {
	/** Never ask about one task more often than this (the user's "Poll Interval" is a floor here). */
	minGapMs: number;
	/** Whether the provider reports an eta: without one, siblings probe sparsely until a task finishes. */
	providerReportsEta: boolean;
	/** How far off the provider's eta may be, relative to the time left (learned during the run). */
	etaRelativeError: number;
	/** Tasks of the same mode and length waited on in this run: a lone task has nobody to scout for. */
	tasksInClass: number;
}

/** First look at a scout: catches queue position, an early eta and immediate failures. */
export const SCOUT_FIRST_POLL_MS = 4_000;
/** Non-scouts give the scouts this head start before deciding when to look. */
const SIBLING_FIRST_POLL_MS = 6_000;
/** Where, in the expected span, a non-scout first looks when siblings already told us the span. */
const FIRST_POLL_FROM = 0.8;
const FIRST_POLL_TO = 1.0;

/** The eta is in whole seconds: it cannot be trusted to better than this. */
const ETA_MIN_ERROR_MS = 700;
const ETA_PREDICTIONS_KEPT = 4;
/** When the eta is at least this precise, poll at the predicted finish instead of refining first. */
const AIM_TOLERANCE_MS = 2_000;
/** Aim a little after the predicted finish: an early look costs a request, a late one only a moment. */
const AIM_DELAY_FRACTION = 0.6;

/** Without an eta: polls spread over the expected window, and the bounds of their spacing. */
const POLLS_PER_WINDOW = 24;
const MIN_WINDOW_GAP_MS = 1_500;
const MAX_GAP_MS = 10_000;
/** Scouts without an eta probe at a fraction of the time elapsed, to find the real span quickly. */
const PROBE_FRACTION_OF_ELAPSED = 0.3;
/**
 * Without an eta, until a task of the run finishes, the others look at geometric intervals from a
 * fifth of the published time: a provider several times faster than published is still caught,
 * and a slow one costs a few looks, not one every few seconds. Scouts alone are not enough: the
 * first few tasks may happen to be the slowest.
 */
const SIBLING_PROBE_FROM = 0.2;
const SIBLING_PROBE_RATIO = 1.6;
/** Where the published time is right, tasks start finishing around it: from there, look densely. */
const SIBLING_DENSE_FROM = 1.0;
/** Past the expected window (or a stale eta), back off as a fraction of the time overdue. */
const OVERDUE_FRACTION = 0.3;
const MIN_OVERDUE_GAP_MS = 1_000;

function clamp(value: number, min: number, max: number): number {
	return Math.min(max, Math.max(min, value));
}

export interface FinishPrediction {
	/** Moment the task is expected to finish. */
	at: number;
	/** How far off that moment may plausibly be. */
	errorMs: number;
}

/** Where the provider's eta, or failing that its progress rate, says the task will finish. */
export function predictFinish(
	task: TaskTimeline,
	etaRelativeError: number,
): FinishPrediction | undefined {
	const last = task.last;
	if (!last || (last.snapshot.status !== 'processing' && last.snapshot.status !== 'queued'))
		return undefined;
	const eta = last.snapshot.etaSeconds;
	if (eta !== undefined && (eta > 0 || last.snapshot.status === 'processing')) {
		const remainingMs = eta * 1000;
		return {
			at: last.at + remainingMs,
			errorMs: Math.max(ETA_MIN_ERROR_MS, etaRelativeError * remainingMs),
		};
	}
	const previous = task.previous;
	const progress = last.snapshot.progress;
	const previousProgress = previous?.snapshot.progress;
	if (
		previous &&
		progress !== undefined &&
		previousProgress !== undefined &&
		progress > previousProgress
	) {
		const ratePerMs = (progress - previousProgress) / (last.at - previous.at);
		const remainingMs = Math.max(0, (100 - progress) / ratePerMs);
		return {
			at: last.at + remainingMs,
			errorMs: Math.max(ETA_MIN_ERROR_MS, 2 * etaRelativeError * remainingMs),
		};
	}
	return undefined;
}

function firstPollAt(
	task: TaskTimeline,
	model: DurationModel,
	now: number,
	settings: ScheduleSettings,
): number {
	if (!task.startKnown) return now;
	if (task.isScout) return task.startedAt + SCOUT_FIRST_POLL_MS;
	const estimate = model.estimate(task.durationClass);
	const afterScouts = task.startedAt + SIBLING_FIRST_POLL_MS;
	if (estimate.source === 'prior') {
		if (settings.providerReportsEta) return afterScouts;
		// Without an eta: a first look early in the published time, phases spread over one step.
		const start = SIBLING_PROBE_FROM * estimate.expectedMs * SIBLING_PROBE_RATIO ** task.spread;
		return Math.max(afterScouts, task.startedAt + start);
	}
	const fraction = FIRST_POLL_FROM + task.spread * (FIRST_POLL_TO - FIRST_POLL_FROM);
	return Math.max(afterScouts, task.startedAt + fraction * estimate.lowMs);
}

function overdueGap(overdueMs: number): number {
	return clamp(OVERDUE_FRACTION * overdueMs, MIN_OVERDUE_GAP_MS, MAX_GAP_MS);
}

/** Keeps the last two answers, the eta's predictions, and notes when a task outlives its own eta. */
export function recordObservation(
	task: TaskTimeline,
	observation: Observation,
	etaRelativeError: number,
): void {
	task.previous = task.last;
	task.last = observation;
	const prediction = predictFinish(task, etaRelativeError);
	if (prediction && prediction.at <= observation.at) task.dueSince ??= observation.at;
	else task.dueSince = undefined;
	const eta = observation.snapshot.etaSeconds;
	if (observation.snapshot.status === 'processing' && eta !== undefined && eta > 0) {
		task.etaPredictions = [
			...task.etaPredictions,
			{ at: observation.at, finishAt: observation.at + eta * 1000 },
		].slice(-ETA_PREDICTIONS_KEPT);
	}
}

/**
 * How far an earlier eta of the task was from its latest one, relative to the time it announced:
 * a sample of the eta's error available long before any task finishes (the latest eta, announcing
 * a much shorter wait, is the more precise of the two).
 */
export function etaDrift(task: TaskTimeline): number | undefined {
	const [earlier, latest] = task.etaPredictions.slice(-2);
	if (!earlier || !latest || latest === earlier) return undefined;
	const earlierHorizon = earlier.finishAt - earlier.at;
	const latestHorizon = latest.finishAt - latest.at;
	if (earlierHorizon < ETA_ERROR_MIN_HORIZON_MS || latestHorizon > earlierHorizon / 2)
		return undefined;
	return Math.abs(earlier.finishAt - latest.finishAt) / earlierHorizon;
}

/** Minimum time an eta must have announced for its error to say anything (whole seconds, brackets). */
const ETA_ERROR_MIN_HORIZON_MS = 5_000;
/** The finish is only known within the gap between two looks: use etas whose horizon dwarfs it. */
const ETA_ERROR_MAX_BRACKET_SHARE = 0.25;

/**
 * How far off each of the task's etas was, relative to the time it announced, once the task is
 * known to have finished somewhere in [finishedAfter, finishedBy].
 */
export function etaErrors(task: TaskTimeline, finishedAfter: number, finishedBy: number): number[] {
	const finishedAt = (finishedAfter + finishedBy) / 2;
	return task.etaPredictions
		.map((prediction) => ({ ...prediction, horizon: prediction.finishAt - prediction.at }))
		.filter(
			({ horizon }) =>
				horizon >= ETA_ERROR_MIN_HORIZON_MS &&
				finishedBy - finishedAfter <= ETA_ERROR_MAX_BRACKET_SHARE * horizon,
		)
		.map(({ finishAt, horizon }) => Math.abs(finishAt - finishedAt) / horizon);
}

// Every plan below counts from the last answer, not from "now": recomputing a plan (when the
// shared model learns something) must not keep pushing the same poll into the future.

function aimAt(task: TaskTimeline, prediction: FinishPrediction, lastAt: number): number {
	if (task.dueSince !== undefined) return lastAt + overdueGap(lastAt - task.dueSince);
	if (prediction.errorMs <= AIM_TOLERANCE_MS)
		return prediction.at + AIM_DELAY_FRACTION * prediction.errorMs;
	return Math.max(lastAt, prediction.at - prediction.errorMs);
}

function byExpectedDuration(
	task: TaskTimeline,
	model: DurationModel,
	lastAt: number,
	settings: ScheduleSettings,
): number {
	const estimate = model.estimate(task.durationClass);
	const windowStart = task.startKnown ? task.startedAt + estimate.lowMs : lastAt;
	const windowEnd = task.startedAt + estimate.highMs;
	const windowGap = clamp(
		(estimate.highMs - estimate.lowMs) / POLLS_PER_WINDOW,
		MIN_WINDOW_GAP_MS,
		MAX_GAP_MS,
	);
	const elapsed = lastAt - task.startedAt;

	const siblingWithoutEta =
		!settings.providerReportsEta && task.startKnown && !task.isScout && settings.tasksInClass > 1;
	// Until a task of the run finishes, the published time is only a guess: probe geometrically
	// until it, then as densely as the window allows.
	const denseFrom = task.startedAt + SIBLING_DENSE_FROM * estimate.expectedMs;
	if (siblingWithoutEta && estimate.source === 'prior' && lastAt < denseFrom)
		return Math.min(denseFrom, lastAt + Math.max(windowGap, (SIBLING_PROBE_RATIO - 1) * elapsed));
	if (lastAt >= windowEnd) return lastAt + Math.max(windowGap, overdueGap(lastAt - windowEnd));
	if (lastAt >= windowStart) return lastAt + windowGap;
	if (task.isScout && settings.tasksInClass > 1 && estimate.source === 'prior') {
		return lastAt + clamp(PROBE_FRACTION_OF_ELAPSED * elapsed, MIN_WINDOW_GAP_MS, windowGap);
	}
	// A learned window is trusted. A published one may be off: with an eta the eta takes over soon;
	// without one, a lone task approaches the window by halving the distance.
	if (estimate.source !== 'prior') return windowStart;
	return Math.min(windowStart, lastAt + Math.max(windowGap, (windowStart - lastAt) / 2));
}

/** The moment of the next status request for a task, never sooner than the floor allows. */
export function nextPollAt(
	task: TaskTimeline,
	model: DurationModel,
	now: number,
	settings: ScheduleSettings,
): number {
	let target: number;
	const lastAt = task.lastPollAt;
	if (task.polls === 0 || lastAt === undefined) {
		target = firstPollAt(task, model, now, settings);
	} else {
		const prediction = predictFinish(task, settings.etaRelativeError);
		target = prediction
			? aimAt(task, prediction, lastAt)
			: byExpectedDuration(task, model, lastAt, settings);
	}
	const floor = task.lastPollAt === undefined ? -Infinity : task.lastPollAt + settings.minGapMs;
	return Math.max(target, floor, now);
}

/**
 * The durable loop (Submit Task or Wait for Completion → n8n's Wait node → Wait for Completion)
 * pays for a round with a save to the database and a resume. n8n's Wait node parks an execution
 * only from 65 s on, and compares the time left when it runs (a few ms under what it was given).
 */
export const MIN_PARK_MS = 66_000;
/** A task expected to finish within this gets its exact wait: a short in-memory wait beats a park. */
export const NEAR_FINISH_MS = 30_000;

/** When a task is next worth a look from outside the node, and whether its finish is near. */
export interface NextCheck {
	afterMs: number;
	/** The provider's eta puts the task within NEAR_FINISH_MS of its finish: a short wait is exact. */
	near: boolean;
}

/**
 * How long until a task is next worth a look, for a workflow that waits outside the node (a Wait
 * node fed with it). A task the provider's eta puts within half a minute of its finish gets the
 * in-memory schedule's next look; every other unfinished task gets at least MIN_PARK_MS, aimed at
 * the earliest moment it may plausibly be done, so that the Wait node parks the execution in the
 * database and a round is not spent on a task that cannot be ready yet. 0 for a finished task.
 */
export function nextCheck(
	task: TaskTimeline,
	model: DurationModel,
	now: number,
	settings: ScheduleSettings,
): NextCheck {
	const last = task.last?.snapshot;
	if (last && TERMINAL_STATUSES.includes(last.status)) return { afterMs: 0, near: true };
	// A task that outlived its own eta has shown the eta wrong: no reason to hurry back.
	const prediction =
		task.dueSince === undefined ? predictFinish(task, settings.etaRelativeError) : undefined;
	if (prediction && prediction.at - now <= NEAR_FINISH_MS)
		return { afterMs: Math.max(0, nextPollAt(task, model, now, settings) - now), near: true };
	let earliest: number;
	if (prediction) earliest = prediction.at - prediction.errorMs;
	else if (!task.startKnown) earliest = now;
	else {
		// Published times may be far off (see SIBLING_PROBE_FROM); learned ones are trusted.
		const estimate = model.estimate(task.durationClass);
		earliest =
			task.startedAt +
			(estimate.source === 'prior' ? SIBLING_PROBE_FROM * estimate.expectedMs : estimate.lowMs);
	}
	return { afterMs: Math.max(MIN_PARK_MS, earliest - now), near: false };
}

/**
 * One wait for tasks that go on together (a Wait node waits once for all its items): the soonest
 * look any of them is worth, but a park unless all of them are near their finish. Otherwise a batch
 * whose finishes spread over minutes would always have one task near and never leave memory, the
 * worker held and a restart fatal, round after round.
 */
export function batchCheckAfterMs(checks: NextCheck[]): number {
	if (checks.length === 0) return 0;
	const soonest = Math.min(...checks.map((check) => check.afterMs));
	return checks.every((check) => check.near) ? soonest : Math.max(MIN_PARK_MS, soonest);
}
