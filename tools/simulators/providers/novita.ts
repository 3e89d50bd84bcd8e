import type { SimTask } from '../tasks';
import type { NovitaShots, ProviderId, RequestForms, ResponseShapes } from '../types';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, ProviderAdapter, StatusView } from './adapter';
import { shotsProblem } from './shots';
import { schemaProblem, textProblem, type FieldRule, type RequestSchema } from './validation';

const IMAGE = { kind: 'image', accepted: ['url', 'rawBase64'], required: true } satisfies FieldRule;
const OPTIONAL_IMAGE: FieldRule = { ...IMAGE, required: false };
const PROMPT: FieldRule = { kind: 'text', required: true };
const TEXT: FieldRule = { kind: 'text' };
const STRING_5_OR_10: FieldRule = { kind: 'oneOf', values: ['5', '10'] };
const INTEGER_5_OR_10: FieldRule = { kind: 'oneOf', values: [5, 10] };
const INTEGER_3_TO_15: FieldRule = {
	kind: 'oneOf',
	values: Array.from({ length: 13 }, (_, index) => index + 3),
};
const UNIT: FieldRule = { kind: 'unitNumber' };
/** `extra.webhook` (Novita's completion callback) is documented on every async endpoint. */
const EXTRA: FieldRule = { kind: 'unused' };

/**
 * [C] `prompt` required on every 3.0 page; the pro page also calls `multi_prompt` "Mutually
 * exclusive with prompt". Which of the two the API enforces is the `novitaShots` reading.
 */
function v3Prompt(reading: NovitaShots): FieldRule {
	return {
		kind: 'check',
		problem: (field, value, body) => {
			if (body.multi_prompt === undefined || reading === 'promptAlongside')
				return textProblem(field, value, true);
			if (reading === 'promptExclusive' && value !== undefined)
				return `${field} is mutually exclusive with multi_prompt`;
			return textProblem(field, value, false);
		},
	};
}

const v3Schema = (reading: NovitaShots): RequestSchema => ({
	image: IMAGE,
	prompt: v3Prompt(reading),
	negative_prompt: TEXT,
	duration: INTEGER_3_TO_15,
	cfg_scale: UNIT,
	sound: { kind: 'boolean' },
	end_image: OPTIONAL_IMAGE,
	// [C] `multi_prompt: [{prompt, duration}]`, "Cannot be used together with end_image".
	multi_prompt: {
		kind: 'check',
		problem: (field, value, body) =>
			value !== undefined && body.end_image !== undefined
				? 'end_image cannot be used together with multi_prompt'
				: shotsProblem(field, value, { entries: ['objects'], duration: 'integer' }),
	},
	extra: EXTRA,
});

/**
 * Each documented endpoint: its slug (the task's model) and request schema [C], from
 * novita.ai/docs/api-reference/model-apis-<slug>. `notAt`: white labels whose docs lack the page.
 */
const SUBMIT_ENDPOINTS: Record<
	string,
	{ model: string; schema: RequestSchema | typeof v3Schema; notAt?: ProviderId[] }
> = {
	'/v3/async/kling-v2.1-i2v': {
		model: 'kling-v2.1-i2v',
		schema: {
			image: IMAGE,
			prompt: PROMPT,
			negative_prompt: TEXT,
			mode: { kind: 'oneOf', values: ['Standard', 'Professional'] },
			duration: STRING_5_OR_10,
			guidance_scale: UNIT,
			extra: EXTRA,
		},
	},
	'/v3/async/kling-v2.1-i2v-master': {
		model: 'kling-v2.1-i2v-master',
		schema: {
			image: IMAGE,
			prompt: PROMPT,
			negative_prompt: TEXT,
			duration: STRING_5_OR_10,
			guidance_scale: UNIT,
			extra: EXTRA,
		},
	},
	'/v3/async/kling-2.5-turbo-i2v': {
		model: 'kling-2.5-turbo-i2v',
		schema: {
			image: IMAGE,
			prompt: PROMPT,
			negative_prompt: TEXT,
			mode: { kind: 'oneOf', values: ['pro'] },
			duration: STRING_5_OR_10,
			cfg_scale: UNIT,
			extra: EXTRA,
		},
	},
	'/v3/async/kling-v2.6-pro-i2v': {
		model: 'kling-v2.6-pro-i2v',
		schema: {
			image: IMAGE,
			prompt: PROMPT,
			negative_prompt: TEXT,
			duration: INTEGER_5_OR_10,
			cfg_scale: UNIT,
			sound: { kind: 'boolean' },
			aspect_ratio: { kind: 'oneOf', values: ['16:9', '9:16', '1:1'] },
			voice_list: { kind: 'unused' },
			extra: EXTRA,
		},
	},
	'/v3/async/kling-v3.0-std-i2v': { model: 'kling-v3.0-std-i2v', schema: v3Schema },
	'/v3/async/kling-v3.0-pro-i2v': { model: 'kling-v3.0-pro-i2v', schema: v3Schema },
	'/v3/async/kling-v3.0-4k-i2v': {
		model: 'kling-v3.0-4k-i2v',
		schema: v3Schema,
		notAt: ['myRouter'],
	},
	'/v3/async/kling-o1-i2v': {
		model: 'kling-o1-i2v',
		schema: {
			image: IMAGE,
			prompt: PROMPT,
			duration: INTEGER_5_OR_10,
			aspect_ratio: { kind: 'oneOf', values: ['16:9', '9:16', '1:1'] },
			last_image: OPTIONAL_IMAGE,
			extra: EXTRA,
		},
	},
};

/** Novita names task types after the slug: kling-v2.1-i2v-master is KLING_V2.1_I2V_MASTER. */
const taskTypeOf = (model: string) => model.toUpperCase().replace(/-/g, '_');

const STATUS_NAMES = {
	queued: 'TASK_STATUS_QUEUED',
	processing: 'TASK_STATUS_PROCESSING',
	succeeded: 'TASK_STATUS_SUCCEED',
	failed: 'TASK_STATUS_FAILED',
	cancelled: 'TASK_STATUS_CANCELED', // [3P]
} as const;

/**
 * Novita's v3 async API, which MyRouter and HighwayAPI serve unchanged (white labels), each with
 * the endpoints its docs list; `shapes` picks how a failed task is reported.
 */
export function novitaAdapter(
	provider: ProviderId,
	shapes: ResponseShapes,
	forms: RequestForms = {},
): ProviderAdapter {
	return {
		...novitaApi(provider, forms.novitaShots ?? 'both'),
		// [C] Novita answers 400 BILLING_BALANCE_NOT_ENOUGH; JieKou/HighwayAPI (and Novita, in [3P]
		// quotes) 403 NOT_ENOUGH_BALANCE; MyRouter is taken to answer like the gateway.
		balanceRefusal:
			provider === 'novita'
				? { status: 400, reason: 'BILLING_BALANCE_NOT_ENOUGH' }
				: { status: 403, reason: 'NOT_ENOUGH_BALANCE' },
		...(shapes.novitaFailure === 'http500' && { statusError: taskFailed }),
	};
}

/** [C] Novita's error table: TASK_FAILED, HTTP 500, "Task execution failed". */
function taskFailed(task: SimTask, view: StatusView) {
	if (view.status !== 'failed') return undefined;
	return { status: 500, reason: 'TASK_FAILED', message: task.outcome.reason };
}

/** The endpoints and answers the three share; `provider` decides which model endpoints exist. */
function novitaApi(provider: ProviderId, shots: NovitaShots): ProviderAdapter {
	const endpoint = (path: string) => {
		const found = Object.prototype.hasOwnProperty.call(SUBMIT_ENDPOINTS, path)
			? SUBMIT_ENDPOINTS[path]
			: undefined;
		return found && !found.notAt?.includes(provider) ? found : undefined;
	};
	return {
		route(method, path, query): ApiRoute | undefined {
			if (method === 'POST' && endpoint(path)) return { kind: 'submit', endpointModel: path };
			if (method === 'GET' && path === '/v3/async/task-result')
				return { kind: 'status', taskId: query.get('task_id') ?? '' };
			if (method === 'GET' && path === '/openapi/v1/billing/balance/detail')
				return { kind: 'balance' };
			return undefined;
		},

		validateSubmit(route, body, checks) {
			const found = route.kind === 'submit' ? endpoint(route.endpointModel ?? '') : undefined;
			if (!found) return { error: 'no such model endpoint' };
			if (!isObject(body)) return { error: 'request body must be a JSON object' };
			// Novita's webhook page: `extra.webhook.url`, the address called when the task ends.
			if (provider === 'novita' && body.extra !== undefined) {
				const problem = webhookProblem(body.extra);
				if (problem) return { error: problem };
			}
			const schema = typeof found.schema === 'function' ? found.schema(shots) : found.schema;
			const problem = schemaProblem(body, schema, checks);
			return problem ? { error: problem } : { model: found.model };
		},

		submitResponse: (task) => ({ task_id: task.id }),

		statusResponse(task: SimTask, view: StatusView) {
			const done = view.status !== 'queued' && view.status !== 'processing';
			return {
				extra: {
					seed: String(task.seed),
					debug_info: {
						request_info: '',
						submit_time_ms: String(task.createdAt),
						execute_time_ms: view.status === 'queued' ? '0' : String(task.processingStartsAt),
						complete_time_ms: done ? String(task.finishesAt) : '0',
					},
				},
				task: {
					task_id: task.id,
					task_type: taskTypeOf(task.model),
					status: view.statusWord ?? STATUS_NAMES[view.status],
					reason:
						view.status === 'failed' || view.status === 'cancelled'
							? (task.outcome.reason ?? '')
							: '',
					eta: view.etaSeconds,
					progress_percent: view.progressPercent,
				},
				images: [],
				videos: view.videoUrl
					? [
							{
								video_url: view.videoUrl,
								video_url_ttl: String(view.videoUrlTtlSeconds),
								video_type: 'mp4',
							},
						]
					: [],
				audios: [],
			};
		},

		errorBody: (error: ApiError) => ({
			code: error.status,
			reason: error.reason,
			message: error.message ?? defaultMessage(error.reason),
			metadata: {},
		}),

		balanceResponse: (insufficient) =>
			insufficient
				? {
						availableBalance: '0',
						cashBalance: '0',
						creditLimit: '0',
						pendingCharges: '0',
						outstandingInvoices: '0',
					}
				: {
						availableBalance: '1000000',
						cashBalance: '800000',
						creditLimit: '200000',
						pendingCharges: '0',
						outstandingInvoices: '0',
					},

		modelsResponse: () => ({}),
	};
}

/** `extra: {webhook: {url}}` with an http(s) address, as Novita's webhook page shows it. */
function webhookProblem(extra: unknown): string | undefined {
	const webhook = isObject(extra) ? extra.webhook : undefined;
	if (!isObject(webhook)) return 'extra.webhook must be an object';
	const url = webhook.url;
	if (typeof url !== 'string' || !/^https?:\/\/[^\s]+$/.test(url))
		return 'extra.webhook.url must be an http(s) URL';
	return undefined;
}
