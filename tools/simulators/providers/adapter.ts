import type { SimTask } from '../tasks';
import type { ImageBytesForm, TaskStatus } from '../types';

/**
 * What an API request asks for, once the provider's routes are matched. `collection` separates
 * routes whose tasks do not know each other (Kling's image2video and omni-video).
 */
export type ApiRoute =
	| { kind: 'submit'; endpointModel?: string; collection?: string }
	| { kind: 'status'; taskId: string; collection?: string }
	/** fal: the outcome of a COMPLETED request. */
	| { kind: 'result'; taskId: string }
	/** Kling: the task list (its credential test), and the same route asked by external_task_id. */
	| { kind: 'list'; collection?: string; pageSize: number }
	| { kind: 'lookup'; collection?: string; pageSize: number; externalId: string }
	| { kind: 'balance'; legacy?: boolean }
	| { kind: 'models' }
	/** fal: the price of an endpoint (its credential test). */
	| { kind: 'pricing'; endpointId?: string };

/** The keys a simulator accepts, and its clock for signed tokens. */
export interface AuthKeys {
	apiKey: string;
	accessKey: string;
	secretKey: string;
	/** ms since the epoch, as the provider's clock reads it. */
	now: number;
}

/** An error answer: its HTTP status and the reason the provider's error shape is built from. */
export interface Refusal {
	status: number;
	reason: string;
}

/** The provider-neutral state of a task at the moment a status response is built. */
export interface StatusView {
	status: Exclude<TaskStatus, 'unknown'>;
	etaSeconds: number;
	progressPercent: number;
	/** 0..1 through the processing phase (GMI reports 'dispatched' at its start). */
	processingFraction: number;
	/** Queued tasks created before this one and not started yet (while queued). */
	queuePosition?: number;
	/** The API's origin, for providers that answer with absolute URLs (fal). */
	origin: string;
	/** A freshly signed URL, issued only once the task succeeded. */
	videoUrl?: string;
	thumbnailUrl?: string;
	videoUrlTtlSeconds: number;
	time: number;
	/** The provider's word for the status when the test replaces the documented one (statusWords). */
	statusWord?: string;
}

/** Per-simulator limits on what a submission may carry, beyond the provider's documented ones. */
export interface SubmitChecks {
	/** Image bytes accepted only in this form (URLs always). */
	imageBytes?: ImageBytesForm;
}

/** Error reasons the simulator raises; each provider renders them in its own error shape. */
export type ErrorReason =
	| 'INVALID_REQUEST_BODY'
	| 'INVALID_API_KEY'
	| 'NOT_ENOUGH_BALANCE'
	| 'TASK_NOT_FOUND'
	| 'NOT_FOUND'
	| 'RATE_LIMIT_EXCEEDED'
	| 'INTERNAL_SERVER_ERROR'
	| 'BAD_GATEWAY'
	| 'SERVICE_UNAVAILABLE'
	| 'GATEWAY_TIMEOUT'
	| 'PAYLOAD_TOO_LARGE';

export interface ApiError {
	status: number;
	reason: string;
	message?: string;
	path: string;
}

/** One provider's routes, validation and response shapes; the simulator core owns timing, faults and recording. */
export interface ProviderAdapter {
	route(method: string, path: string, query: URLSearchParams): ApiRoute | undefined;
	/**
	 * The accepted model name (and the client's own id for the task, where it sends one, and what
	 * it read from fields with two readings), or the message of the 400.
	 */
	validateSubmit(
		route: ApiRoute,
		body: unknown,
		checks: SubmitChecks,
	): { model: string; externalId?: string; readAs?: SimTask['readAs'] } | { error: string };
	/** How a submission of a model the provider no longer serves is refused (default: 404, as an unknown path). */
	modelRefusal?(model: string): Omit<ApiError, 'path'>;
	submitResponse(task: SimTask, origin: string): unknown;
	statusResponse(task: SimTask, view: StatusView): unknown;
	/** Where the provider answers a task's state with an HTTP error instead (Novita's 500 TASK_FAILED). */
	statusError?(task: SimTask, view: StatusView): Omit<ApiError, 'path'> | undefined;
	errorBody(error: ApiError): unknown;
	balanceResponse(insufficient: boolean, route: ApiRoute): unknown;
	modelsResponse(): unknown;

	/** The error reason for a refused key, or undefined when accepted (default: `Bearer <apiKey>`). */
	authorize?(authorization: string | undefined, keys: AuthKeys): string | undefined;
	/** The HTTP status an error is sent with, where the provider differs (fal's 422, Kling's 200 refusals). */
	httpStatusOf?(status: number, reason: string): number;
	/** How a submission is refused for balance (default 403 NOT_ENOUGH_BALANCE). */
	balanceRefusal?: Refusal;
	/** Past the `concurrency` option: refuse new tasks (Kling) or queue them (fal). */
	concurrency?: 'refuse' | 'queue';
	concurrencyRefusal?: Refusal;
	/** A second task with the same client id (default: accepted). */
	duplicateRefusal?: Refusal;
	/** The list and lookup routes' answer, newest first. */
	listResponse?(entries: Array<{ task: SimTask; view: StatusView }>): unknown;
	/** fal's result route: the outcome of a succeeded task, a failed one, or one still running. */
	resultResponse?(task: SimTask, view: StatusView): unknown;
	resultError?(task: SimTask): { status: number; body: unknown };
	pendingResult?(task: SimTask): { status: number; body: unknown };
	pricingResponse?(endpointId?: string): unknown;
}

/** The reason an injected HTTP fault carries when the test names only a status. */
export function reasonForStatus(status: number): ErrorReason | string {
	const reasons: Record<number, ErrorReason> = {
		400: 'INVALID_REQUEST_BODY',
		401: 'INVALID_API_KEY',
		403: 'NOT_ENOUGH_BALANCE',
		404: 'TASK_NOT_FOUND',
		413: 'PAYLOAD_TOO_LARGE',
		429: 'RATE_LIMIT_EXCEEDED',
		500: 'INTERNAL_SERVER_ERROR',
		502: 'BAD_GATEWAY',
		503: 'SERVICE_UNAVAILABLE',
		504: 'GATEWAY_TIMEOUT',
	};
	return reasons[status] ?? `HTTP_${status}`;
}

/** Plain-English default messages, overridable per provider. */
export function defaultMessage(reason: string): string {
	const messages: Record<string, string> = {
		INVALID_REQUEST_BODY: 'invalid request body',
		INVALID_API_KEY: 'invalid api key',
		NOT_ENOUGH_BALANCE: 'not enough balance',
		BILLING_BALANCE_NOT_ENOUGH: 'insufficient balance',
		TASK_FAILED: 'Task execution failed',
		TASK_NOT_FOUND: 'task not found',
		NOT_FOUND: 'not found',
		RATE_LIMIT_EXCEEDED: 'rate limit exceeded, please retry later',
		INTERNAL_SERVER_ERROR: 'internal server error',
		BAD_GATEWAY: 'bad gateway',
		SERVICE_UNAVAILABLE: 'service unavailable',
		GATEWAY_TIMEOUT: 'gateway timeout',
		PAYLOAD_TOO_LARGE: 'request body too large',
	};
	return messages[reason] ?? reason.toLowerCase().replace(/_/g, ' ');
}

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}
