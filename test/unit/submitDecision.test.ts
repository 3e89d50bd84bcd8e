import {
	decideAfterLookup,
	decideAfterSubmitAnswer,
	EMPTY_SUBMIT_STATE,
	type SubmitDecision,
	type SubmitOutcome,
	type SubmitState,
} from '../../nodes/KlingImageToVideo/transport/submitDecision';
import { DEFAULT_TIMINGS } from '../../nodes/KlingImageToVideo/transport/timings';

const fresh = EMPTY_SUBMIT_STATE;
const state = (changes: Partial<SubmitState>): SubmitState => ({ ...fresh, ...changes });
const refused = (
	statusCode: number,
	details: Omit<Extract<SubmitOutcome, { kind: 'refused' }>, 'kind' | 'statusCode' | 'said'> & {
		said?: string;
	} = {},
): SubmitOutcome => ({ kind: 'refused', statusCode, said: '', ...details });

const finder = { findsSubmissions: true };
const noFinder = { findsSubmissions: false };

type Row = [string, SubmitOutcome, SubmitState, typeof finder, SubmitDecision];

const rows: Row[] = [
	[
		'an accepted task is done',
		{ kind: 'accepted', taskId: 't-1' },
		fresh,
		noFinder,
		{ kind: 'done', taskId: 't-1' },
	],
	[
		'a 200 without a task id is looked up where the provider can look it up',
		{ kind: 'noTaskId', statusCode: 200 },
		fresh,
		finder,
		{ kind: 'lookUp', uncertainty: 'it answered 200 without a task id' },
	],
	[
		'a 200 without a task id fails as unconfirmed where it cannot be looked up',
		{ kind: 'noTaskId', statusCode: 200 },
		fresh,
		noFinder,
		{ kind: 'fail', because: 'uncertain', uncertainty: 'it answered 200 without a task id' },
	],
	[
		'a connection that never opened is sent again after the first pause',
		{ kind: 'network', requestMayHaveArrived: false, summary: 'the connection was refused' },
		fresh,
		noFinder,
		{ kind: 'resend', waitMs: 1_000, because: 'notSent' },
	],
	[
		'the third connection never opened waits the third pause',
		{ kind: 'network', requestMayHaveArrived: false, summary: 'the connection was refused' },
		state({ refusals: 2 }),
		noFinder,
		{ kind: 'resend', waitMs: 8_000, because: 'notSent' },
	],
	[
		'after the last pause, a connection that never opened fails as unreachable',
		{ kind: 'network', requestMayHaveArrived: false, summary: 'the connection was refused' },
		state({ refusals: 3 }),
		noFinder,
		{ kind: 'fail', because: 'unreachable' },
	],
	[
		'a timeout may have reached the provider: looked up, never resent blindly',
		{
			kind: 'network',
			requestMayHaveArrived: true,
			summary: 'no answer came before the request timeout',
		},
		fresh,
		finder,
		{ kind: 'lookUp', uncertainty: 'no answer came before the request timeout' },
	],
	[
		'a reset connection without a lookup fails as unconfirmed',
		{ kind: 'network', requestMayHaveArrived: true, summary: 'the connection was reset' },
		fresh,
		noFinder,
		{ kind: 'fail', because: 'uncertain', uncertainty: 'the connection was reset' },
	],
	[
		// Kling's 1003/1004, a token not yet valid or expired: each request signs a fresh one.
		'a refused token is sent once more with a fresh one',
		refused(401, { meaning: 'tokenRejected' }),
		fresh,
		finder,
		{ kind: 'resend', waitMs: 0, because: 'tokenRejected' },
	],
	[
		'a token refused again fails',
		refused(401, { meaning: 'tokenRejected' }),
		state({ tokenRenewed: true }),
		finder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		// Kling's 1303: the account runs as many tasks as its plan allows.
		'a full account waits for a slot, the first capacity pause',
		refused(429, { meaning: 'concurrencyLimit' }),
		fresh,
		finder,
		{ kind: 'resend', waitMs: 5_000, because: 'concurrencyLimit' },
	],
	[
		'a full account waits what Retry-After says when it is longer',
		refused(429, { meaning: 'concurrencyLimit', retryAfterMs: 12_000 }),
		fresh,
		finder,
		{ kind: 'resend', waitMs: 12_000, because: 'concurrencyLimit' },
	],
	[
		'the capacity pauses stop growing at the last one',
		refused(429, { meaning: 'concurrencyLimit' }),
		state({ capacityWaits: 9, elapsedMs: 60_000 }),
		finder,
		{ kind: 'resend', waitMs: 30_000, because: 'concurrencyLimit' },
	],
	[
		'a full account fails once the next pause would pass 15 minutes of patience',
		refused(429, { meaning: 'concurrencyLimit' }),
		state({ capacityWaits: 9, elapsedMs: 15 * 60_000 - 29_999 }),
		finder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		'a 429 is sent again after the first pause',
		refused(429),
		fresh,
		noFinder,
		{ kind: 'resend', waitMs: 1_000, because: 'throttled' },
	],
	[
		// Kling's 1302 is a rate limit whatever the HTTP status it comes with.
		'a throttling code is read as a 429',
		refused(429, { meaning: 'throttled' }),
		state({ refusals: 1 }),
		noFinder,
		{ kind: 'resend', waitMs: 3_000, because: 'throttled' },
	],
	[
		'a 429 with Retry-After waits that long',
		refused(429, { retryAfterMs: 20_000 }),
		fresh,
		noFinder,
		{ kind: 'resend', waitMs: 20_000, because: 'throttled' },
	],
	[
		'a 429 asking for more than a minute fails instead of waiting',
		refused(429, { retryAfterMs: 60_001 }),
		fresh,
		noFinder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		'a 429 after the last pause fails',
		refused(429),
		state({ refusals: 3 }),
		noFinder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		// Kling's 1100-1102 (resource pack used up) stand for a 429: the user must top up.
		'an empty balance fails at once, even as a 429',
		refused(429, { meaning: 'balance' }),
		fresh,
		finder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		// A HighwayAPI note asks for a data URI where Novita takes raw base64.
		'a 400 naming a field with another documented form switches to it',
		refused(400, { namedForm: 'imageEncoding', said: ': image is not valid' }),
		fresh,
		noFinder,
		{ kind: 'switchForm', form: 'imageEncoding', refusal: '400: image is not valid' },
	],
	[
		// fal's 422 validation `detail`, read as "field: message".
		'a 422 naming a field with another documented form switches to it',
		refused(422, { namedForm: 'soundValues', said: ': generate_audio: invalid' }),
		fresh,
		noFinder,
		{ kind: 'switchForm', form: 'soundValues', refusal: '422: generate_audio: invalid' },
	],
	[
		// Novita's 400 BILLING_BALANCE_NOT_ENOUGH.
		'a 400 with a meaning never switches form',
		refused(400, { meaning: 'balance', namedForm: 'imageEncoding' }),
		fresh,
		noFinder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		// Cloudflare's `error code: 1010` in front of the API.
		'a CDN refusal never switches form',
		refused(400, { edgeCode: '1010', namedForm: 'imageEncoding' }),
		fresh,
		noFinder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		'a 400 that names no alternate field fails',
		refused(400, { said: ': prompt is required' }),
		fresh,
		finder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		'a 500 may have created the task: looked up',
		refused(500, { said: ': internal error' }),
		fresh,
		finder,
		{ kind: 'lookUp', uncertainty: 'it answered 500: internal error' },
	],
	[
		'a 502 without a lookup fails as unconfirmed',
		refused(502),
		fresh,
		noFinder,
		{ kind: 'fail', because: 'uncertain', uncertainty: 'it answered 502' },
	],
	[
		'a CDN 5xx never reached the API: it fails as refused',
		refused(503, { edgeCode: '1015' }),
		fresh,
		finder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		'a 5xx about the balance fails as refused',
		refused(500, { meaning: 'balance' }),
		fresh,
		finder,
		{ kind: 'fail', because: 'refused' },
	],
	[
		'a refusal of a submission sent again may be of a duplicate id: looked up longer',
		refused(400, { said: ': duplicate external_task_id' }),
		state({ resubmissions: 1 }),
		finder,
		{ kind: 'lookUpRefusedResend' },
	],
];

describe('what a submission does after an answer', () => {
	it.each(rows)('%s', (_name, outcome, attemptState, capabilities, decision) => {
		expect(decideAfterSubmitAnswer(outcome, attemptState, capabilities, DEFAULT_TIMINGS)).toEqual(
			decision,
		);
	});

	it('takes its pauses from the timings it is given', () => {
		const fast = { ...DEFAULT_TIMINGS, submitBackoffMs: [5, 10] };
		expect(decideAfterSubmitAnswer(refused(429), state({ refusals: 1 }), noFinder, fast)).toEqual({
			kind: 'resend',
			waitMs: 10,
			because: 'throttled',
		});
		expect(decideAfterSubmitAnswer(refused(429), state({ refusals: 2 }), noFinder, fast)).toEqual({
			kind: 'fail',
			because: 'refused',
		});
	});
});

describe('what a submission does after a lookup by its id', () => {
	const uncertainty = 'it answered 500';
	it.each<[string, Parameters<typeof decideAfterLookup>[0], number, SubmitDecision]>([
		[
			'found: carried on with',
			{ kind: 'found', taskId: 't-9' },
			0,
			{ kind: 'done', taskId: 't-9' },
		],
		[
			'never arrived: sent again',
			{ kind: 'notFound' },
			0,
			{ kind: 'resend', waitMs: 0, because: 'neverArrived' },
		],
		[
			'never arrived a second time: sent again',
			{ kind: 'notFound' },
			1,
			{ kind: 'resend', waitMs: 0, because: 'neverArrived' },
		],
		[
			'never arrived after two resends: fails as unconfirmed',
			{ kind: 'notFound' },
			2,
			{ kind: 'fail', because: 'uncertain', uncertainty },
		],
		[
			'the lookup got no answer: fails as unconfirmed',
			{ kind: 'unknown' },
			0,
			{ kind: 'fail', because: 'uncertain', uncertainty },
		],
	])('%s', (_name, lookup, resubmissions, decision) => {
		expect(decideAfterLookup(lookup, { resubmissions }, uncertainty)).toEqual(decision);
	});
});
