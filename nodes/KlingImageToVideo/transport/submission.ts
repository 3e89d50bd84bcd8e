import type { AlternateForm, GenerationRequest, RefusalAdvice, SubmitPlan } from '../providers';
import { callbackSecrets, taggedCallbackUrl, withCallback } from '../providers/callbacks';
import { sleepUnlessAborted } from './cancellation';
import { isThrottle, parseRetryAfterMs, type ProviderHttp, type ReadAnswer } from './http';
import type { TransportMessages } from './messages';
import type { NetworkFailure } from './networkErrors';
import {
	decideAfterLookup,
	decideAfterSubmitAnswer,
	EMPTY_SUBMIT_STATE,
	type LookupOutcome,
	type SubmitOutcome,
	type SubmitState,
} from './submitDecision';
import type { TransportTimings } from './timings';

/** One attempt, read: what the rules look at, and the answer or failure the messages quote. */
interface Attempt {
	outcome: SubmitOutcome;
	answer?: ReadAnswer;
	failure?: NetworkFailure;
	/** What the adapter advises for a refusal that names the field it is about. */
	advice?: RefusalAdvice;
}

/**
 * Sends one submission and carries out what decideAfterSubmitAnswer says after each answer:
 * the waits, the form switches, the lookups by submission id, and the errors for the user.
 */
export class Submission {
	constructor(
		private readonly http: ProviderHttp,
		private readonly messages: TransportMessages,
		private readonly timings: TransportTimings,
	) {}

	async submit(request: GenerationRequest, itemIndex: number): Promise<string> {
		const { provider } = this.http;
		// The item's tag on the callback address is its submission id: one id for both.
		const submissionId =
			request.callbackTag ?? newSubmissionId(this.http.ctx.getExecutionId?.(), itemIndex);
		const alternates = new Set<AlternateForm>();
		/** What the provider said about each form it refused before the one sent now. */
		const refusedForms: string[] = [];
		const state: SubmitState = { ...EMPTY_SUBMIT_STATE };
		const startedAt = Date.now();
		const capabilities = { findsSubmissions: provider.findSubmission !== undefined };
		// The callback address carries n8n's resume token: kept out of every message like a key.
		// The tag is not secret (it is the submission id that messages name): hidden is the bare URL.
		if (request.callbackUrl) this.http.hideSecrets(callbackSecrets(request.callbackUrl));
		const callbackUrl = request.callbackUrl && taggedCallbackUrl(request.callbackUrl, submissionId);
		for (;;) {
			const built = provider.submit.build(request, { submissionId, alternates });
			const call = withCallback(provider.id, built.call, callbackUrl);
			const plan = { ...built, call };
			const { outcome, answer, failure, advice } = await this.attempt(plan);
			state.elapsedMs = Date.now() - startedAt;
			const first = decideAfterSubmitAnswer(outcome, state, capabilities, this.timings);
			const decision =
				first.kind === 'lookUp'
					? decideAfterLookup(
							await this.findSubmission(submissionId, request, itemIndex, first.uncertainty),
							state,
							first.uncertainty,
						)
					: first;
			switch (decision.kind) {
				case 'done':
					return decision.taskId;
				case 'switchForm':
					alternates.add(decision.form);
					refusedForms.push(decision.refusal);
					continue;
				case 'lookUpRefusedResend':
					return await this.findRefusedResubmission(answer!, request, itemIndex, submissionId);
				case 'resend':
					if (decision.because === 'notSent' || decision.because === 'throttled') state.refusals++;
					if (decision.because === 'throttled') this.http.options.onThrottled?.(decision.waitMs);
					if (decision.because === 'tokenRejected') state.tokenRenewed = true;
					if (decision.because === 'concurrencyLimit') state.capacityWaits++;
					if (decision.because === 'neverArrived') state.resubmissions++;
					await sleepUnlessAborted(decision.waitMs, this.http.options.signal);
					continue;
				case 'fail':
					if (decision.because === 'uncertain')
						throw this.messages.uncertainSubmission(itemIndex, decision.uncertainty, submissionId);
					if (decision.because === 'unreachable')
						throw this.messages.unreachable(itemIndex, failure!);
					throw this.messages.refusal(answer!, itemIndex, {
						action: 'submit',
						model: request.model,
						refusedForms,
						advice,
					});
			}
		}
	}

	/** Sends one attempt and reads it into what the rules look at. */
	private async attempt(plan: SubmitPlan): Promise<Attempt> {
		const result = await this.http.send(plan.call);
		if (result.kind === 'network') {
			const { failure } = result;
			const { requestMayHaveArrived, summary } = failure;
			return { outcome: { kind: 'network', requestMayHaveArrived, summary }, failure };
		}
		const answer = this.http.read(result, 'submit');
		const { statusCode, error } = answer;
		if (!error) {
			try {
				const taskId = this.http.provider.submit.parse(answer.json);
				return { outcome: { kind: 'accepted', taskId }, answer };
			} catch {
				return { outcome: { kind: 'noTaskId', statusCode }, answer };
			}
		}
		const said = `${error.message ?? ''} ${error.code ?? ''} ${answer.text ?? ''}`;
		const outcome: SubmitOutcome = {
			kind: 'refused',
			statusCode,
			meaning: error.meaning,
			edgeCode: answer.edgeCode,
			retryAfterMs: parseRetryAfterMs(answer.headers['retry-after']),
			namedForm: formNamedBy(plan, said),
			said: this.http.said(answer),
		};
		const advice = plan.refusalAdvice?.find(({ fields }) => namesAField(said, fields));
		return { outcome, answer, ...(advice && { advice }) };
	}

	/**
	 * After an uncertain submission, asks the provider for it by our submission id: found, never
	 * created (a "not found" that held), or unknown (the provider does not answer).
	 */
	private async findSubmission(
		submissionId: string,
		request: GenerationRequest,
		itemIndex: number,
		uncertainty: string,
	): Promise<LookupOutcome> {
		let lookup = await this.lookUp(submissionId, request);
		if (lookup.kind === 'notFound') {
			// The request may still be on its way in: only a "not found" that holds counts.
			await sleepUnlessAborted(this.timings.findConfirmMs, this.http.options.signal);
			lookup = await this.lookUp(submissionId, request);
		}
		if (lookup.kind === 'unknown') return lookup;
		this.http.ctx.logger.debug(
			lookup.kind === 'notFound'
				? `Kling submission ${submissionId} never arrived; sending it again`
				: `Kling submission ${submissionId} found as task ${lookup.taskId} after: ${this.http.redact(uncertainty)}`,
			{ itemIndex, provider: this.http.provider.id },
		);
		return lookup;
	}

	/** One lookup by submission id, asked again while the provider or the network stumbles. */
	private async lookUp(submissionId: string, request: GenerationRequest): Promise<LookupOutcome> {
		const finder = this.http.provider.findSubmission;
		if (!finder) return { kind: 'unknown' };
		const backoff = this.timings.findBackoffMs;
		for (let attempt = 0; attempt <= backoff.length; attempt++) {
			if (attempt > 0) await sleepUnlessAborted(backoff[attempt - 1], this.http.options.signal);
			const result = await this.http.send(finder.build(submissionId, request));
			if (result.kind === 'network') continue;
			const answer = this.http.read(result, 'findSubmission');
			if (!answer.error) {
				let taskId: string | undefined;
				try {
					taskId = finder.parse(answer.json, submissionId);
				} catch {
					continue;
				}
				return taskId === undefined ? { kind: 'notFound' } : { kind: 'found', taskId };
			}
			if (answer.error.meaning === 'notFound') return { kind: 'notFound' };
			const transient =
				answer.statusCode >= 500 ||
				answer.statusCode === 408 ||
				isThrottle(answer) ||
				answer.error.meaning === 'tokenRejected';
			if (!transient) break;
		}
		return { kind: 'unknown' };
	}

	/**
	 * A submission sent again with the same id after lookups found nothing, and now refused: the
	 * refusal may be of a duplicate id, the first attempt's task showing up late in lookups. It is
	 * looked for a while longer; found, it is carried on with. Not found, the first attempt is still
	 * unconfirmed either way, so the user is told a task may exist, never "no task was created".
	 */
	private async findRefusedResubmission(
		answer: ReadAnswer,
		request: GenerationRequest,
		itemIndex: number,
		submissionId: string,
	): Promise<string> {
		for (const waitMs of [0, ...this.timings.findBackoffMs]) {
			await sleepUnlessAborted(waitMs, this.http.options.signal);
			const lookup = await this.lookUp(submissionId, request);
			if (lookup.kind === 'found') return lookup.taskId;
			if (lookup.kind === 'unknown') break;
		}
		throw this.messages.uncertainSubmission(
			itemIndex,
			`it did not confirm the first attempt, and refused a second one with the same id (${answer.statusCode}${this.http.said(answer)})`,
			submissionId,
		);
	}
}

/**
 * Unique per submission: lets a provider that records it (tracing, lookup) tell our attempts
 * apart. At most 128 characters from [A-Za-z0-9._:-], which every client-id field we send fits.
 */
export function newSubmissionId(executionId: string | undefined, itemIndex: number): string {
	const execution = String(executionId ?? 'run').slice(0, 64);
	const random = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
	return `n8n-${execution}-${itemIndex}-${random}`.replace(/[^A-Za-z0-9._:-]/g, '_');
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether a refusal's words name one of these request fields. */
function namesAField(said: string, fields: readonly string[]): boolean {
	return fields.some((field) =>
		new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(field)}([^A-Za-z0-9_]|$)`, 'i').test(said),
	);
}

/** The alternate form whose request field a refusal's words name, if any. */
export function formNamedBy(
	plan: Pick<SubmitPlan, 'alternates'>,
	said: string,
): AlternateForm | undefined {
	return plan.alternates.find(({ fields }) => namesAField(said, fields))?.form;
}
