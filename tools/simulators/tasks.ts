import { now } from './clock';
import type { TaskOutcome, TaskSelector, TaskStatus } from './types';

/** One generation task; its status is derived from the clock, so no timer runs per task. */
export class SimTask {
	/** First status response that reported the terminal status: detection lag = this - finishedAt. */
	firstReportedTerminalAt?: number;
	/** Status requests that named this task, faulted ones included. */
	statusCalls = 0;
	/** The client's own id for the task, where it sent one (Kling's external_task_id). */
	externalId?: string;
	/** The route family the task was created on, where status routes are separate (Kling's omni-video). */
	collection?: string;
	/** Status answers that reported success without the video URL (the videoUrlLate option). */
	answersWithoutUrl = 0;
	/**
	 * What the simulated API read from fields its docs name or value two ways (the end frame, the
	 * sound switch), under the requestForms reading: what the video is made with.
	 */
	readAs: { endFrame?: string; sound?: boolean } = {};

	constructor(
		readonly id: string,
		/** 0-based creation order (what latency functions and { index } selectors use). */
		readonly index: number,
		/** The provider's model name (Novita family: the endpoint, e.g. kling-v2.1-i2v-master). */
		readonly model: string,
		/** The submitted JSON, as parsed. */
		readonly body: unknown,
		readonly createdAt: number,
		/** End of the queued phase. */
		public processingStartsAt: number,
		/** When the task reaches its terminal status. */
		public finishesAt: number,
		public outcome: TaskOutcome,
		/** The generation seed a provider reports back. */
		readonly seed: number,
	) {}

	/** When the simulator considers the task done (= finishesAt once that moment has passed). */
	get finishedAt(): number | undefined {
		return now() >= this.finishesAt ? this.finishesAt : undefined;
	}

	get status(): TaskStatus {
		return this.statusAt(now());
	}

	statusAt(time: number): TaskStatus {
		if (this.outcome.status === 'unknown') return 'unknown';
		if (time < this.processingStartsAt) return 'queued';
		if (time < this.finishesAt) return 'processing';
		return this.outcome.status;
	}

	/** Fraction of the processing phase done at `time`, 0..1. */
	processingFraction(time: number): number {
		const span = this.finishesAt - this.processingStartsAt;
		if (time >= this.finishesAt) return 1;
		if (span <= 0 || time <= this.processingStartsAt) return 0;
		return (time - this.processingStartsAt) / span;
	}

	/** Keeps the clock-derived fields when a test logs or snapshots a task. */
	toJSON(): object {
		return { ...this, finishedAt: this.finishedAt, status: this.status };
	}
}

interface OutcomeRule {
	selector: TaskSelector;
	outcome: TaskOutcome;
}

/** Outcome decisions for tasks not created yet ('next', 'all', { index }, predicates). */
export class OutcomeRules {
	private rules: OutcomeRule[] = [];

	/** Applies to existing tasks now and remembers what must apply to future ones. */
	set(selector: TaskSelector, outcome: TaskOutcome, existing: SimTask[]): void {
		if (typeof selector === 'object' && 'taskId' in selector) {
			const task = existing.find((candidate) => candidate.id === selector.taskId);
			if (!task) throw new Error(`setTaskOutcome: no task ${selector.taskId}`);
			task.outcome = { ...outcome };
			return;
		}
		if (typeof selector === 'object' && selector.index < existing.length) {
			existing[selector.index].outcome = { ...outcome };
			return;
		}
		if (typeof selector === 'function') {
			for (const task of existing) if (selector(task)) task.outcome = { ...outcome };
		}
		this.rules.push({ selector, outcome });
	}

	/**
	 * The outcome for a task being created. The most specific rule wins ({ index }, then 'next', then
	 * predicates, then 'all'; the latest among equals); { index } and 'next' rules are used up.
	 */
	claim(task: SimTask): TaskOutcome {
		const latestFirst = [...this.rules].reverse();
		const rule =
			latestFirst.find(
				(r) =>
					typeof r.selector === 'object' &&
					'index' in r.selector &&
					r.selector.index === task.index,
			) ??
			latestFirst.find((r) => r.selector === 'next') ??
			latestFirst.find((r) => typeof r.selector === 'function' && r.selector(task)) ??
			latestFirst.find((r) => r.selector === 'all');
		if (!rule) return { status: 'succeeded' };
		if (rule.selector === 'next' || typeof rule.selector === 'object') {
			this.rules = this.rules.filter((r) => r !== rule);
		}
		return { ...rule.outcome };
	}

	clear(): void {
		this.rules = [];
	}
}
