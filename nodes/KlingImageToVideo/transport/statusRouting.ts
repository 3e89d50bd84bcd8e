import type { ApiCall, KlingModel, TaskSnapshot } from '../providers';
import { isHtml, isThrottle, parseRetryAfterMs, type ProviderHttp, type ReadAnswer } from './http';
import type { TransportMessages } from './messages';

/**
 * Status and result requests: which route to ask (a provider may keep tasks under several), and
 * what each answer means for the waiting loop: a snapshot, worth asking again, or an error.
 */

export type StatusAnswer =
	| { kind: 'snapshot'; snapshot: TaskSnapshot }
	| { kind: 'retryable'; reason: string; retryAfterMs?: number; throttled: boolean };

type AskAnswer = StatusAnswer | { kind: 'refused'; answer: ReadAnswer };

export class StatusRouting {
	/** The status path that knew each task, where a provider keeps tasks under several routes. */
	private readonly statusPaths = new Map<string, string>();

	constructor(
		private readonly http: ProviderHttp,
		private readonly messages: TransportMessages,
	) {}

	/**
	 * Asks once (on each route that may know the task, until one does). Failures that a later
	 * attempt may fix come back as `retryable`; the rest throw. `model`, where known, picks the
	 * route first asked.
	 */
	async fetchStatus(taskId: string, itemIndex: number, model?: KlingModel): Promise<StatusAnswer> {
		const answer = await this.askStatus(taskId, itemIndex, model);
		const { result } = this.http.provider;
		if (
			answer.kind !== 'snapshot' ||
			answer.snapshot.status !== 'succeeded' ||
			answer.snapshot.videoUrl ||
			!result
		)
			return answer;
		// The status only says "completed": the outcome, video or error, is in the result.
		const outcome = await this.ask(result.build(taskId), 'result', taskId);
		if (outcome.kind === 'refused')
			throw this.messages.refusal(outcome.answer, itemIndex, { action: 'status', taskId });
		return outcome;
	}

	private async askStatus(
		taskId: string,
		itemIndex: number,
		model?: KlingModel,
	): Promise<StatusAnswer> {
		const { status } = this.http.provider;
		const calls = status.calls?.(taskId, model) ?? [status.build(taskId)];
		const knownPath = this.statusPaths.get(taskId);
		const ordered = [...calls].sort(
			(a, b) => Number(b.path === knownPath) - Number(a.path === knownPath),
		);
		let firstRefusal: ReadAnswer | undefined;
		for (const call of ordered) {
			const answer = await this.ask(call, 'status', taskId);
			if (answer.kind !== 'refused') {
				if (answer.kind === 'snapshot') this.statusPaths.set(taskId, call.path);
				return answer;
			}
			firstRefusal ??= answer.answer;
			// Another route may know the task: only "not found" moves on to it.
			if (answer.answer.error?.meaning !== 'notFound') break;
		}
		throw this.messages.refusal(firstRefusal!, itemIndex, { action: 'status', taskId });
	}

	/** One status or result request, read; a definite refusal is returned for the caller to report. */
	private async ask(
		call: ApiCall,
		action: 'status' | 'result',
		taskId: string,
	): Promise<AskAnswer> {
		const result = await this.http.send(call);
		if (result.kind === 'network') {
			return { kind: 'retryable', reason: result.failure.summary, throttled: false };
		}
		const answer = this.http.read(result, action);
		const { statusCode, error } = answer;
		if (!error) {
			if (answer.text !== undefined) {
				const what = isHtml(answer.text) ? 'an HTML page instead of JSON' : 'malformed JSON';
				return { kind: 'retryable', reason: `the status answer was ${what}`, throttled: false };
			}
			const { provider } = this.http;
			const parse = action === 'result' ? provider.result!.parse : provider.status.parse;
			try {
				return { kind: 'snapshot', snapshot: parse(taskId, answer.json) };
			} catch (parseError) {
				return {
					kind: 'retryable',
					reason: `the status answer was not understood (${(parseError as Error).message})`,
					throttled: false,
				};
			}
		}
		if (error.meaning === 'taskFailed') {
			const details = this.http.safeDetails(answer);
			return {
				kind: 'snapshot',
				snapshot: {
					taskId,
					status: 'failed',
					error: {
						message: details.message ?? `the provider answered ${statusCode}`,
						...(details.code && { code: details.code }),
					},
				},
			};
		}
		if (isThrottle(answer)) {
			const retryAfterMs = parseRetryAfterMs(answer.headers['retry-after']);
			return {
				kind: 'retryable',
				reason: `the provider asked to slow down (${statusCode})`,
				retryAfterMs,
				throttled: true,
			};
		}
		if (statusCode >= 500 || statusCode === 408 || error.meaning === 'tokenRejected') {
			return {
				kind: 'retryable',
				reason: `the provider answered ${statusCode}${this.http.said(answer)}`,
				throttled: false,
			};
		}
		return { kind: 'refused', answer };
	}
}
