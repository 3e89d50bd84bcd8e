import { now, type TimerSet } from './clock';
import { isObject } from './providers/adapter';
import type { SimTask } from './tasks';
import type { ProviderId } from './types';

/**
 * Callbacks as the three routes that document one send them (providers-2026.md §3, §8.5): the
 * official Kling API on every status change (submitted, processing, the end), fal.ai once the
 * request ends, Novita AI once the task ends. A call answered with anything but 2xx (n8n answers
 * 409 while the execution runs) is sent again where the route documents retries: fal 10 times in
 * 2 hours, Novita 5 times; Kling documents none.
 */

export type CallbackEvent = 'submitted' | 'processing' | 'finished' | 'early';

export interface CallbackOptions {
	/** Calls never sent, as if every delivery failed: all of them, or those the predicate picks. */
	drop?: boolean | ((task: SimTask, event: CallbackEvent) => boolean);
	/** Each call is sent twice, a moment apart (fal: "the same webhook may arrive twice"). */
	duplicate?: boolean;
	/** One extra call shortly after the task is created, claiming it ended (a forged or confused sender). */
	early?: boolean;
	/** Gaps between attempts, replacing the route's own (tests keep them short). */
	retryDelaysMs?: readonly number[];
	/** How long a receiver may take to answer (Novita: 5 s). */
	timeoutMs?: number;
}

export interface CallbackRecord {
	taskId: string;
	event: CallbackEvent;
	/** 0 for the first delivery, then each retry. */
	attempt: number;
	at: number;
	/** The receiver's HTTP status, or 'error' when no answer came. */
	status: number | 'error';
}

const MINUTE = 60_000;
/** fal: "retry 10 times in the span of 2 hours"; the spacing is not documented. */
const FAL_RETRIES_MS = [
	15_000,
	30_000,
	MINUTE,
	2 * MINUTE,
	4 * MINUTE,
	8 * MINUTE,
	15 * MINUTE,
].concat([30 * MINUTE, 30 * MINUTE, 30 * MINUTE]);
/** Novita: "retry up to five times"; the spacing is not documented. */
const NOVITA_RETRIES_MS = [10_000, 30_000, MINUTE, 2 * MINUTE, 5 * MINUTE];
const DUPLICATE_GAP_MS = 300;
const EARLY_AFTER_MS = 500;
const DEFAULT_TIMEOUT_MS = 5_000;

/** The callback address the submission carried, where this route reads one. */
export function callbackUrlOf(
	provider: ProviderId,
	body: unknown,
	query: Record<string, string>,
): string | undefined {
	if (provider === 'fal') return query.fal_webhook;
	if (!isObject(body)) return undefined;
	if (provider === 'kling')
		return typeof body.callback_url === 'string' ? body.callback_url : undefined;
	if (provider === 'novita') {
		const webhook = isObject(body.extra) ? body.extra.webhook : undefined;
		return isObject(webhook) && typeof webhook.url === 'string' ? webhook.url : undefined;
	}
	return undefined;
}

export class CallbackSender {
	readonly sent: CallbackRecord[] = [];

	constructor(
		private readonly provider: ProviderId,
		private readonly timers: TimerSet,
		private readonly options: CallbackOptions = {},
	) {}

	/** Plans the calls for a task just created with a callback address. */
	schedule(task: SimTask, url: string): void {
		const events: CallbackEvent[] =
			this.provider === 'kling' ? ['submitted', 'processing', 'finished'] : ['finished'];
		for (const event of events) this.at(task, url, event, () => this.dueAt(task, event));
		if (this.options.early) this.at(task, url, 'early', () => task.createdAt + EARLY_AFTER_MS);
	}

	private dueAt(task: SimTask, event: CallbackEvent): number {
		if (event === 'submitted') return task.createdAt;
		if (event === 'processing') return task.processingStartsAt;
		return task.finishesAt;
	}

	/** Waits for the event's moment (read again when the timer fires: a task may finish sooner). */
	private at(task: SimTask, url: string, event: CallbackEvent, due: () => number): void {
		const wait = () => {
			const left = due() - now();
			if (left > 0) return this.timers.after(Math.min(left, 10_000), wait);
			if (this.dropped(task, event)) return;
			void this.deliver(task, url, event, 0);
			if (this.options.duplicate)
				this.timers.after(DUPLICATE_GAP_MS, () => void this.deliver(task, url, event, 0));
		};
		wait();
	}

	private dropped(task: SimTask, event: CallbackEvent): boolean {
		const { drop } = this.options;
		return typeof drop === 'function' ? drop(task, event) : drop === true;
	}

	private retryDelays(): readonly number[] {
		if (this.options.retryDelaysMs) return this.options.retryDelaysMs;
		if (this.provider === 'fal') return FAL_RETRIES_MS;
		if (this.provider === 'novita') return NOVITA_RETRIES_MS;
		return [];
	}

	private async deliver(
		task: SimTask,
		url: string,
		event: CallbackEvent,
		attempt: number,
	): Promise<void> {
		let status: number | 'error';
		try {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json', ...this.headers(task) },
				body: JSON.stringify(this.body(task, event)),
				signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
			});
			status = response.status;
			await response.arrayBuffer().catch(() => undefined);
		} catch {
			status = 'error';
		}
		this.sent.push({ taskId: task.id, event, attempt, at: now(), status });
		const delivered = typeof status === 'number' && status >= 200 && status < 300;
		const delay = this.retryDelays()[attempt];
		if (!delivered && delay !== undefined)
			this.timers.after(delay, () => void this.deliver(task, url, event, attempt + 1));
	}

	/** fal signs its calls; the headers are there, the node reads none of them. */
	private headers(task: SimTask): Record<string, string> {
		if (this.provider !== 'fal') return {};
		return {
			'x-fal-webhook-request-id': task.id,
			'x-fal-webhook-user-id': 'sim-user',
			'x-fal-webhook-timestamp': String(Math.floor(now() / 1000)),
			'x-fal-webhook-signature': 'sim-signature',
		};
	}

	/** Each route's documented body; the node never reads it, so it states the task's status only. */
	private body(task: SimTask, event: CallbackEvent): unknown {
		const ended = event === 'finished' || event === 'early';
		const outcome = event === 'early' ? 'succeeded' : task.outcome.status;
		if (this.provider === 'fal')
			return {
				request_id: task.id,
				gateway_request_id: task.id,
				status: outcome === 'succeeded' ? 'OK' : 'ERROR',
				payload: {},
				error: outcome === 'succeeded' ? null : 'simulated failure',
			};
		if (this.provider === 'novita')
			return {
				event_type: 'ASYNC_TASK_RESULT',
				payload: {
					task: {
						task_id: task.id,
						status: outcome === 'succeeded' ? 'TASK_STATUS_SUCCEED' : 'TASK_STATUS_FAILED',
					},
					videos: [],
				},
			};
		const word = !ended ? event : outcome === 'succeeded' ? 'succeed' : 'failed';
		return {
			task_id: task.id,
			task_status: word,
			task_status_msg: '',
			created_at: task.createdAt,
			updated_at: now(),
			task_info: { external_task_id: task.externalId },
			task_result: { videos: [] },
		};
	}
}
