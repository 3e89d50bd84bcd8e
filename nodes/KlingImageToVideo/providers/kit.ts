import { isObject } from './fields';
import type { ApiAction, ProviderAdapter, ProviderError, TaskSnapshot, TaskStatus } from './types';

/**
 * What every adapter does the same way, written once: reading the new task's id, the first steps
 * of reading an error answer, status words, and a failed task's error.
 */

/** The new task's id, or the plain Error the transport reads as "answered without a task id". */
export function requireTaskId(taskId: string | undefined, field: string): string {
	if (taskId === undefined) throw new Error(`the answer has no ${field}`);
	return taskId;
}

/**
 * An error reader for an API that reports errors by HTTP status: a 2xx answer is no error, and a
 * non-2xx one without a JSON object says nothing beyond its status. `read` sees the rest.
 */
export function errorReader(
	read: (statusCode: number, body: Record<string, unknown>, action: ApiAction) => ProviderError,
): (statusCode: number, body: unknown, action: ApiAction) => ProviderError | undefined {
	return (statusCode, body, action) => {
		if (statusCode >= 200 && statusCode < 300) return undefined;
		if (!isObject(body)) return {};
		return read(statusCode, body, action);
	};
}

/**
 * The shared status of a provider's status word, looked up as `normalize` spells it. A word no
 * source shows is read from the rest of the answer: with a video URL the task is done; without
 * one it still runs, and the word is kept as the provider wrote it so the poller can log it (a
 * new spelling must not leave a finished task waiting until timeout).
 */
export function readStatusWord(
	word: string,
	known: Readonly<Record<string, TaskStatus>>,
	videoUrl: string | undefined,
	normalize: (word: string) => string = (raw) => raw,
): Pick<TaskSnapshot, 'status' | 'unrecognizedStatus'> {
	const key = normalize(word);
	const status = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : undefined;
	if (status) return { status };
	return { status: videoUrl ? 'succeeded' : 'processing', unrecognizedStatus: word };
}

export const upperCase = (word: string): string => word.toUpperCase();
export const lowerCase = (word: string): string => word.toLowerCase();

/** A failed task's error: the provider's reason where it gives one, else what its status says. */
export function failedTaskError(
	reason: { message?: string; code?: string } | undefined,
	fallback: string,
	code: string | undefined = reason?.code,
): NonNullable<TaskSnapshot['error']> {
	return { message: reason?.message || fallback, ...(code && { code }) };
}

/**
 * How providers word a refusal of a model they do not know or no longer offer: AI/ML API's and
 * the simulators' "model must be one of", Kling's "model_name" refusals, "unknown model",
 * "model ... not supported / not found / retired / deprecated / offline". A field refusal that
 * merely mentions the model ("not a parameter of this model") does not match.
 */
const MODEL_NOT_SERVED: readonly RegExp[] = [
	/\bmodel(?:_name|_id| name| id)?\b[^.;]*?\b(?:must be one of|not (?:found|supported|available|offered|served|exist)|(?:does not|doesn't) exist|no longer|retired|deprecated|offline|unknown|unsupported|invalid)/i,
	/\b(?:unknown|unsupported|invalid|retired|deprecated|unavailable)\s+model\b/i,
];

export function saysModelNotServed(message: string | undefined): boolean {
	return message !== undefined && MODEL_NOT_SERVED.some((pattern) => pattern.test(message));
}

/**
 * An error reader that also tells a submission refused for its model: a 4xx whose words say so,
 * or, where the model is the endpoint path (Novita's family, fal), a 404 of the submission.
 * A meaning the adapter found first (an empty balance) stands.
 */
export function readingModelNotServed(
	read: ProviderAdapter['readError'],
	notFoundMeansModel = false,
): ProviderAdapter['readError'] {
	return (statusCode, body, action) => {
		const error = read(statusCode, body, action);
		if (action !== 'submit' || !error || error.meaning) return error;
		const status = error.statusCode ?? statusCode;
		if (status < 400 || status >= 500) return error;
		if ((notFoundMeansModel && status === 404) || saysModelNotServed(error.message))
			return { ...error, meaning: 'modelNotServed' };
		return error;
	};
}
