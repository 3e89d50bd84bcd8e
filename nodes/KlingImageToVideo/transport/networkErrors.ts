/**
 * What a thrown request error means for us: was it a cancellation, and could the request have
 * reached the provider? The second question decides whether a submission may ever be repeated.
 */

/** Failures that happen before a byte of the request leaves this machine. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
	'EADDRNOTAVAIL',
	'ERR_INVALID_URL',
	'ERR_TLS_CERT_ALTNAME_INVALID',
	'CERT_HAS_EXPIRED',
	'DEPTH_ZERO_SELF_SIGNED_CERT',
	'SELF_SIGNED_CERT_IN_CHAIN',
	'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
]);

const CANCEL_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

const TIMEOUT_CODES = new Set([
	'ECONNABORTED',
	'ETIMEDOUT',
	'ESOCKETTIMEDOUT',
	'UND_ERR_HEADERS_TIMEOUT',
]);

export interface NetworkFailure {
	code: string;
	requestMayHaveArrived: boolean;
	timedOut: boolean;
	cancelled: boolean;
	/** A short, key-free description for messages: never the raw error, which may carry request headers. */
	summary: string;
}

function findCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const candidate = current as { code?: unknown; name?: unknown; cause?: unknown };
		if (typeof candidate.code === 'string' && /^[A-Z_]+$/.test(candidate.code))
			return candidate.code;
		if (candidate.name === 'AbortError') return 'ABORT_ERR';
		current = candidate.cause;
	}
	return undefined;
}

export function describeNetworkFailure(error: unknown): NetworkFailure {
	const code = findCode(error) ?? 'UNKNOWN';
	const timedOut = TIMEOUT_CODES.has(code);
	const cancelled = CANCEL_CODES.has(code);
	let summary = `the connection failed (${code})`;
	if (code === 'ECONNREFUSED') summary = 'the connection was refused';
	else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
		summary = 'the host name could not be resolved';
	else if (code === 'ECONNRESET' || code === 'EPIPE') summary = 'the connection was reset';
	else if (code === 'ERR_BAD_RESPONSE') summary = 'the answer broke off before it was complete';
	else if (timedOut) summary = 'no answer came before the request timeout';
	else if (cancelled) summary = 'the request was cancelled';
	return { code, requestMayHaveArrived: !NOT_SENT_CODES.has(code), timedOut, cancelled, summary };
}
