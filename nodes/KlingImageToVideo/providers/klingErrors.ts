import { isObject, readNumber, readString } from './fields';
import type { ApiAction, ErrorMeaning, ProviderError } from './types';

/** How Kling's error answers are read: the envelope's code, and what each documented code means. */

/** Kling's envelope: `{code, message, request_id, data}`; `code` 0 is success. */
function readCode(body: unknown): number | undefined {
	return isObject(body) ? readNumber(body.code) : undefined;
}

/** What each documented code stands for [3P: copies of Kling's error table]. */
const CODES: ReadonlyArray<{ codes: [number, number]; status: number; meaning?: ErrorMeaning }> = [
	{ codes: [1000, 1002], status: 401 },
	// Not yet valid (clock skew) and expired: a freshly minted token may pass.
	{ codes: [1003, 1004], status: 401, meaning: 'tokenRejected' },
	// Account exception, in arrears, resource pack used up or expired: money, never retried.
	{ codes: [1100, 1102], status: 429, meaning: 'balance' },
	{ codes: [1103, 1103], status: 403 },
	{ codes: [1200, 1201], status: 400 },
	{ codes: [1202, 1203], status: 404 },
	{ codes: [1300, 1301], status: 400 },
	{ codes: [1302, 1302], status: 429, meaning: 'throttled' },
	// Concurrency over the resource pack's limit: a slot frees when a running task ends.
	{ codes: [1303, 1303], status: 429, meaning: 'concurrencyLimit' },
	// The IP allow-list refused this machine: a 429 that waiting does not fix.
	{ codes: [1304, 1304], status: 403 },
	{ codes: [5000, 5000], status: 500 },
	{ codes: [5001, 5001], status: 503 },
	{ codes: [5002, 5002], status: 504 },
];

const RESOURCE_NOT_FOUND = 1203;

export function readError(
	statusCode: number,
	body: unknown,
	action: ApiAction,
): ProviderError | undefined {
	const isSuccess = statusCode >= 200 && statusCode < 300;
	const code = readCode(body);
	// A refusal may come as HTTP 200 with a non-zero code (a third-party client reports it live):
	// read by the code, it is a definite refusal that created nothing.
	if (isSuccess && (code === undefined || code === 0)) return undefined;
	const known =
		code === undefined
			? undefined
			: CODES.find(({ codes: [from, to] }) => code >= from && code <= to);
	const error: ProviderError = {};
	if (isObject(body)) {
		const message = readString(body.message);
		if (message !== undefined) error.message = message;
	}
	if (code !== undefined) error.code = String(code);
	if (known?.meaning) error.meaning = known.meaning;
	if (known && known.status !== statusCode) error.statusCode = known.status;
	else if (!known && isSuccess) error.statusCode = 400;
	// A status call for a task that lives under the other route; for a lookup, only "resource does
	// not exist" says the submission never arrived (an unknown route or method must not count).
	if (action === 'status' && (statusCode === 404 || known?.status === 404))
		error.meaning = 'notFound';
	if (action === 'findSubmission' && code === RESOURCE_NOT_FOUND) error.meaning = 'notFound';
	return error;
}
