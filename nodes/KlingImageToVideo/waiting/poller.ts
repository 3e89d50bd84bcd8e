import type { IExecuteFunctions, NodeOperationError } from 'n8n-workflow';

import {
	TERMINAL_STATUSES,
	type KlingModel,
	type ProviderAdapter,
	type TaskSnapshot,
	type VideoMode,
} from '../providers';
import type { StatusAnswer } from '../transport/providerClient';
import { SleepGroup } from './abortableSleep';
import { durationClassOf, DurationModel } from './durationModel';
import { RequestBudget } from './requestBudget';
import { statusUnavailableError, stillRunningError, timeoutError } from './taskErrors';
import type { DurationEstimate } from './durationModel';
import {
	batchCheckAfterMs,
	etaDrift,
	etaErrors,
	nextCheck,
	nextPollAt,
	predictFinish,
	recordObservation,
	type FinishPrediction,
	type ScheduleSettings,
	type TaskTimeline,
} from './schedule';

/**
 * Waits for many tasks at once. Each task follows its own schedule, all of them share one request
 * budget and one duration model, so a run of 100 items costs about as many requests per task as a
 * run of one, and every task learns from the ones that finish before it.
 */

/** What the poller needs of a provider connection: one status request at a time, and redaction. */
export interface StatusSource {
	readonly provider: Pick<ProviderAdapter, 'id' | 'displayName' | 'reportsProgress' | 'offers'>;
	fetchStatus(taskId: string, itemIndex: number, model?: KlingModel): Promise<StatusAnswer>;
	redact(text: string): string;
}

export interface WatchedTask {
	taskId: string;
	itemIndex: number;
	/** Where known: picks the status route at providers that keep some models apart (Kling's O1). */
	model?: KlingModel;
	timeline: TaskTimeline;
	deadline: number;
	/** Set when the timeout counts from before this run (a loop of runs): from then on. */
	timeoutFrom?: number;
	retryAt?: number;
	failuresInARow: number;
	lastProblem?: string;
	etaRecorded: boolean;
	/** Status answers that said "succeeded" without a video URL so far. */
	succeededWithoutUrl: number;
	/** Whether a status word the adapter did not know was logged for this task (once is enough). */
	unrecognizedStatusLogged: boolean;
}

export interface TaskHints {
	/** When the task was submitted, if known (by this run, or from the Submit operation's output). */
	submittedAt?: number;
	model?: KlingModel;
	mode?: VideoMode;
	/** Seconds of video. */
	duration?: number;
}

export interface PollerOptions {
	timeoutMs: number;
	/** The user's poll interval, a floor between two requests about one task. */
	minGapMs: number;
	signal: AbortSignal;
}

/** Scouts per mode and length: enough to learn the span early, few enough to stay cheap. */
const SCOUTS_PER_CLASS = 3;
const RETRY_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000, 15_000, 30_000];
const CHECK_ONCE_ATTEMPTS = 4;
/** A provider may attach the video URL a moment after it reports success: ask again after these gaps. */
const LATE_URL_GAPS_MS = [1_000, 3_000, 6_000];
const DEFAULT_MIN_GAP_MS = 1_000;
const GOLDEN_RATIO_FRACTION = 0.618_033_988_75;

export class TaskPoller {
	private readonly model: DurationModel;
	/** Task loops sleep here; a lesson learned by the shared model wakes them to reconsider. */
	private readonly sleepers: SleepGroup;
	private readonly scoutsByClass = new Map<string, number>();
	private readonly tasksByClass = new Map<string, number>();
	private tracked = 0;
	private statusRequests = 0;

	constructor(
		private readonly ctx: IExecuteFunctions,
		private readonly client: StatusSource,
		private readonly options: PollerOptions,
		private readonly budget = new RequestBudget(),
	) {
		this.sleepers = new SleepGroup(options.signal);
		this.model = new DurationModel(({ model, mode }) =>
			model && mode
				? client.provider.offers.find((offer) => offer.model === model)?.publishedSeconds?.[mode]
				: undefined,
		);
	}

	get requestCount(): number {
		return this.statusRequests;
	}

	/**
	 * Starts following a task. Its timeout counts from now, or from `timeoutFrom` for a loop that
	 * waits over several runs (from the task's submission, so a stuck task cannot go round forever).
	 */
	track(
		taskId: string,
		itemIndex: number,
		hints: TaskHints = {},
		timeoutFrom?: number,
	): WatchedTask {
		const now = Date.now();
		const durationClass = durationClassOf(hints);
		const startKnown = hints.submittedAt !== undefined && hints.submittedAt <= now;
		this.tasksByClass.set(durationClass, (this.tasksByClass.get(durationClass) ?? 0) + 1);
		const scouts = this.scoutsByClass.get(durationClass) ?? 0;
		const isScout = startKnown && scouts < SCOUTS_PER_CLASS;
		if (isScout) this.scoutsByClass.set(durationClass, scouts + 1);
		return {
			taskId,
			itemIndex,
			...(hints.model && { model: hints.model }),
			timeline: {
				startedAt: startKnown ? hints.submittedAt! : now,
				startKnown,
				durationClass,
				isScout,
				// Golden-ratio steps: any number of tasks lands evenly spread over 0..1.
				spread: (this.tracked++ * GOLDEN_RATIO_FRACTION) % 1,
				polls: 0,
				etaPredictions: [],
			},
			deadline: (timeoutFrom ?? now) + this.options.timeoutMs,
			...(timeoutFrom !== undefined && { timeoutFrom }),
			failuresInARow: 0,
			etaRecorded: false,
			succeededWithoutUrl: 0,
			unrecognizedStatusLogged: false,
		};
	}

	/** Polls until the task reaches a terminal status (succeeded, failed or cancelled) and returns it. */
	async waitUntilDone(task: WatchedTask): Promise<TaskSnapshot> {
		return (await this.waitAtMostUntil(task, Infinity))!;
	}

	/**
	 * Polls until the task reaches a terminal status, or until `holdUntil` when its next look would
	 * come later: then returns the task as last seen (undefined if no answer came), not yet done.
	 */
	async waitAtMostUntil(task: WatchedTask, holdUntil: number): Promise<TaskSnapshot | undefined> {
		for (;;) {
			const now = Date.now();
			const lastLookDone =
				task.timeline.lastPollAt !== undefined && task.timeline.lastPollAt >= task.deadline;
			if (lastLookDone) throw this.timeoutError(task);
			const target = Math.min(task.retryAt ?? this.scheduledAt(task, now), task.deadline);
			// A task that succeeded is not handed on unfinished: its late video URL is a few seconds away.
			const holds = task.timeline.last?.snapshot.status !== 'succeeded';
			// The hold ends before the next look: hand the task on as last seen, no extra request.
			if (holds && target >= holdUntil && now >= holdUntil) return task.timeline.last?.snapshot;
			const wakeAt = holds ? Math.min(target, holdUntil) : target;

			if (wakeAt > now) {
				// Woken early when the shared model learns something: then the plan is made again.
				await this.sleepers.sleep(wakeAt - now);
				continue;
			}
			task.retryAt = undefined;
			const snapshot = await this.pollOnce(task);
			if (snapshot && this.expectsLateUrl(task, snapshot)) continue;
			if (snapshot && TERMINAL_STATUSES.includes(snapshot.status)) {
				const seconds = Math.round((Date.now() - task.timeline.startedAt) / 1000);
				this.ctx.logger.debug(
					`Kling task ${task.taskId} ${snapshot.status} after ${seconds} s and ${task.timeline.polls} status requests`,
					{ itemIndex: task.itemIndex, provider: this.client.provider.id },
				);
				return snapshot;
			}
		}
	}

	/**
	 * Seconds until the given unfinished tasks, going on together, are next worth a look from outside
	 * the node (see nextCheck and batchCheckAfterMs).
	 */
	checkAfterSeconds(tasks: WatchedTask[]): number {
		const now = Date.now();
		const checks = tasks.map((task) =>
			nextCheck(task.timeline, this.model, now, this.scheduleSettings(task)),
		);
		return Math.ceil(batchCheckAfterMs(checks) / 1000);
	}

	/** What the run knows of a task's finish: its own eta where it gave one, and its class's span. */
	finishOutlook(task: WatchedTask): { prediction?: FinishPrediction; estimate: DurationEstimate } {
		const prediction = predictFinish(task.timeline, this.model.etaRelativeError());
		return { prediction, estimate: this.model.estimate(task.timeline.durationClass) };
	}

	/** The error of a task still running at its deadline (its Timeout), as waiting raises it. */
	timeoutError(task: WatchedTask): NodeOperationError {
		const name = this.client.provider.displayName;
		return timeoutError(this.ctx.getNode(), name, task, this.options.timeoutMs);
	}

	/** One answer about the task, retrying briefly when the provider or the network stumbles. */
	async checkOnce(task: WatchedTask): Promise<TaskSnapshot> {
		for (let attempt = 1; attempt <= CHECK_ONCE_ATTEMPTS; attempt++) {
			if (task.retryAt !== undefined) await this.sleepers.sleepUntil(task.retryAt);
			task.retryAt = undefined;
			const snapshot = await this.pollOnce(task);
			if (snapshot) return snapshot;
		}
		const name = this.client.provider.displayName;
		throw statusUnavailableError(this.ctx.getNode(), name, task, CHECK_ONCE_ATTEMPTS);
	}

	/**
	 * "Succeeded" without a video URL: asks again a few times, shortly, before the task is handed on
	 * without one (and its item fails naming the task).
	 */
	private expectsLateUrl(task: WatchedTask, snapshot: TaskSnapshot): boolean {
		if (snapshot.status !== 'succeeded' || snapshot.videoUrl) return false;
		const gapMs = LATE_URL_GAPS_MS[task.succeededWithoutUrl++];
		if (gapMs === undefined || Date.now() + gapMs > task.deadline) return false;
		this.ctx.logger.debug(
			`Kling task ${task.taskId} succeeded without a video URL; asking again in ${gapMs / 1000} s`,
			{ itemIndex: task.itemIndex, provider: this.client.provider.id },
		);
		task.retryAt = Date.now() + gapMs;
		return true;
	}

	private scheduledAt(task: WatchedTask, now: number): number {
		return nextPollAt(task.timeline, this.model, now, this.scheduleSettings(task));
	}

	private scheduleSettings(task: WatchedTask): ScheduleSettings {
		return {
			minGapMs: Math.max(DEFAULT_MIN_GAP_MS, this.options.minGapMs),
			providerReportsEta: this.client.provider.reportsProgress,
			etaRelativeError: this.model.etaRelativeError(),
			tasksInClass: this.tasksByClass.get(task.timeline.durationClass) ?? 1,
		};
	}

	/** Sends one status request within the shared budget; returns undefined when it must be retried. */
	private async pollOnce(task: WatchedTask): Promise<TaskSnapshot | undefined> {
		await this.budget.acquire(this.sleepers);
		const timeline = task.timeline;
		const sentAt = Date.now();
		const previousPollAt = timeline.lastPollAt;
		timeline.polls++;
		timeline.lastPollAt = sentAt;
		this.statusRequests++;

		const answer = await this.client.fetchStatus(task.taskId, task.itemIndex, task.model);
		if (answer.kind === 'retryable') {
			if (answer.throttled) this.budget.throttled(answer.retryAfterMs);
			const backoff = RETRY_BACKOFF_MS[Math.min(task.failuresInARow, RETRY_BACKOFF_MS.length - 1)];
			task.failuresInARow++;
			task.lastProblem = this.client.redact(answer.reason);
			task.retryAt = Date.now() + Math.max(backoff, answer.retryAfterMs ?? 0);
			return undefined;
		}

		this.budget.succeeded();
		task.failuresInARow = 0;
		task.lastProblem = undefined;
		const snapshot = answer.snapshot;
		if (snapshot.unrecognizedStatus !== undefined && !task.unrecognizedStatusLogged) {
			task.unrecognizedStatusLogged = true;
			const word = this.client.redact(snapshot.unrecognizedStatus).slice(0, 100);
			this.ctx.logger.debug(
				`Kling task ${task.taskId}: ${this.client.provider.displayName} answered the unknown status ${JSON.stringify(word)}, read as ${snapshot.status}`,
				{ itemIndex: task.itemIndex, provider: this.client.provider.id },
			);
		}
		const etasBefore = timeline.etaPredictions.length;
		recordObservation(timeline, { at: sentAt, snapshot }, this.model.etaRelativeError());
		const drift = timeline.etaPredictions.length > etasBefore ? etaDrift(timeline) : undefined;
		if (drift !== undefined) this.model.recordEtaError(drift);
		// A task asked again for its late video URL finished already: its span was learned then.
		if (task.succeededWithoutUrl === 0) this.learnFrom(task, snapshot, sentAt, previousPollAt);
		return snapshot;
	}

	private learnFrom(
		task: WatchedTask,
		snapshot: TaskSnapshot,
		at: number,
		previousPollAt?: number,
	): void {
		const { timeline } = task;
		if (snapshot.status === 'succeeded' && previousPollAt !== undefined) {
			// The task finished somewhere between the previous look and this one.
			for (const error of etaErrors(timeline, previousPollAt, at)) this.model.recordEtaError(error);
		}
		if (!timeline.startKnown) return;
		if (TERMINAL_STATUSES.includes(snapshot.status)) {
			if (snapshot.status === 'succeeded') {
				const finishedAt = previousPollAt === undefined ? at : (previousPollAt + at) / 2;
				this.model.recordFinished(timeline.durationClass, finishedAt - timeline.startedAt);
				this.sleepers.wakeAll();
			}
			return;
		}
		if (
			!task.etaRecorded &&
			snapshot.status === 'processing' &&
			snapshot.etaSeconds !== undefined &&
			snapshot.etaSeconds > 0
		) {
			task.etaRecorded = true;
			this.model.recordEtaTotal(
				timeline.durationClass,
				at + snapshot.etaSeconds * 1000 - timeline.startedAt,
			);
			this.sleepers.wakeAll();
		}
	}

	/** The error of a task still running when a run that holds at most `holdSeconds` gives it up. */
	stillRunningError(task: WatchedTask, holdSeconds: number): NodeOperationError {
		return stillRunningError(
			this.ctx.getNode(),
			this.client.provider.displayName,
			task,
			holdSeconds,
		);
	}
}
