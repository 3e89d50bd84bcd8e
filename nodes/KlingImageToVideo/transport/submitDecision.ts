import type { AlternateForm, ErrorMeaning } from '../providers';
import type { TransportTimings } from './timings';

/**
 * The rules of a submission, as a pure function: given what one attempt got back, what happened
 * so far and what the provider can do, what to do next. A request that may have reached the
 * provider is never sent again blindly (a second attempt could buy a second video): definite
 * refusals are retried, uncertain ones are looked up where the provider can look them up.
 */

/** What one submission attempt got back, as far as the rules need to know. */
export type SubmitOutcome =
	| { kind: 'network'; requestMayHaveArrived: boolean; summary: string }
	| { kind: 'accepted'; taskId: string }
	/** A success answer whose task id could not be read. */
	| { kind: 'noTaskId'; statusCode: number }
	| {
			kind: 'refused';
			/** The HTTP status, or the one an error in a 2xx body stands for. */
			statusCode: number;
			meaning?: ErrorMeaning;
			/** A CDN's own refusal code: the API never saw the request. */
			edgeCode?: string;
			retryAfterMs?: number;
			/** The alternate form whose field the refusal names, where it names one. */
			namedForm?: AlternateForm;
			/** ": <the provider's words>", redacted, or empty. */
			said: string;
	  };

export interface SubmitState {
	/** Definite refusals retried so far (429, never connected). */
	refusals: number;
	/** Submissions sent again after a lookup found they never arrived. */
	resubmissions: number;
	tokenRenewed: boolean;
	/** Waits for a free slot under the account's concurrency limit. */
	capacityWaits: number;
	/** Since the first attempt. */
	elapsedMs: number;
}

export interface SubmitCapabilities {
	/** Whether the provider can look a submission up by its id. */
	findsSubmissions: boolean;
}

export type SubmitDecision =
	| { kind: 'done'; taskId: string }
	| {
			kind: 'resend';
			waitMs: number;
			because: 'notSent' | 'tokenRejected' | 'concurrencyLimit' | 'throttled' | 'neverArrived';
	  }
	/** The refusal named a field that has another documented form: send that form. */
	| { kind: 'switchForm'; form: AlternateForm; refusal: string }
	/** The request may have arrived: ask the provider for it by the submission id. */
	| { kind: 'lookUp'; uncertainty: string }
	/** A resent submission was refused: maybe as a duplicate of the first, which may show up late. */
	| { kind: 'lookUpRefusedResend' }
	| { kind: 'fail'; because: 'unreachable' | 'refused' }
	| { kind: 'fail'; because: 'uncertain'; uncertainty: string };

export const EMPTY_SUBMIT_STATE: SubmitState = {
	refusals: 0,
	resubmissions: 0,
	tokenRenewed: false,
	capacityWaits: 0,
	elapsedMs: 0,
};

/** How often a submission is sent again after lookups found it never arrived. */
export const RESUBMISSIONS = 2;

type Timings = Pick<
	TransportTimings,
	'submitBackoffMs' | 'maxSubmitRetryWaitMs' | 'capacityPatienceMs' | 'capacityBackoffMs'
>;

export function decideAfterSubmitAnswer(
	outcome: SubmitOutcome,
	state: SubmitState,
	capabilities: SubmitCapabilities,
	timings: Timings,
): SubmitDecision {
	const canRetry = state.refusals < timings.submitBackoffMs.length;
	const uncertain = (uncertainty: string): SubmitDecision =>
		capabilities.findsSubmissions
			? { kind: 'lookUp', uncertainty }
			: { kind: 'fail', because: 'uncertain', uncertainty };

	switch (outcome.kind) {
		case 'accepted':
			return { kind: 'done', taskId: outcome.taskId };
		case 'noTaskId':
			return uncertain(`it answered ${outcome.statusCode} without a task id`);
		case 'network':
			if (outcome.requestMayHaveArrived) return uncertain(outcome.summary);
			if (!canRetry) return { kind: 'fail', because: 'unreachable' };
			return {
				kind: 'resend',
				waitMs: timings.submitBackoffMs[state.refusals],
				because: 'notSent',
			};
	}

	const { statusCode, meaning, edgeCode } = outcome;
	// Each request signs a new token: one more try with a fresh one.
	if (meaning === 'tokenRejected' && !state.tokenRenewed)
		return { kind: 'resend', waitMs: 0, because: 'tokenRejected' };
	if (meaning === 'concurrencyLimit') {
		// Not a request rate: the status requests that see running tasks end go on unslowed.
		const backoff = timings.capacityBackoffMs;
		const waitMs = Math.max(
			outcome.retryAfterMs ?? 0,
			backoff[Math.min(state.capacityWaits, backoff.length - 1)],
		);
		if (state.elapsedMs + waitMs > timings.capacityPatienceMs)
			return { kind: 'fail', because: 'refused' };
		return { kind: 'resend', waitMs, because: 'concurrencyLimit' };
	}
	const throttled = meaning !== 'balance' && (statusCode === 429 || meaning === 'throttled');
	if (throttled && canRetry) {
		const waitMs = outcome.retryAfterMs ?? timings.submitBackoffMs[state.refusals];
		if (waitMs > timings.maxSubmitRetryWaitMs) return { kind: 'fail', because: 'refused' };
		return { kind: 'resend', waitMs, because: 'throttled' };
	}
	// A validation refusal creates no task, so trying the other form cannot charge twice; a
	// refusal with a meaning (an empty balance) never switches.
	const isValidationRefusal = (statusCode === 400 || statusCode === 422) && !edgeCode && !meaning;
	if (isValidationRefusal && outcome.namedForm)
		return { kind: 'switchForm', form: outcome.namedForm, refusal: `${statusCode}${outcome.said}` };
	if (statusCode >= 500 && !edgeCode && meaning !== 'balance')
		return uncertain(`it answered ${statusCode}${outcome.said}`);
	if (state.resubmissions > 0) return { kind: 'lookUpRefusedResend' };
	return { kind: 'fail', because: 'refused' };
}

/** What a lookup by submission id found, once a "not found" has held. */
export type LookupOutcome =
	{ kind: 'found'; taskId: string } | { kind: 'notFound' } | { kind: 'unknown' };

export function decideAfterLookup(
	lookup: LookupOutcome,
	state: Pick<SubmitState, 'resubmissions'>,
	uncertainty: string,
): Extract<SubmitDecision, { kind: 'done' | 'resend' | 'fail' }> {
	if (lookup.kind === 'found') return { kind: 'done', taskId: lookup.taskId };
	if (lookup.kind === 'notFound' && state.resubmissions < RESUBMISSIONS)
		return { kind: 'resend', waitMs: 0, because: 'neverArrived' };
	return { kind: 'fail', because: 'uncertain', uncertainty };
}
