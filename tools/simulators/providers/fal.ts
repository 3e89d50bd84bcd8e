import type { SimTask } from '../tasks';
import type { RequestForms, ResponseShapes } from '../types';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, AuthKeys, ProviderAdapter, StatusView } from './adapter';
import { elementsProblem, shotsProblem } from './shots';
import { imageProblem, textProblem, unitNumberProblem } from './validation';

/**
 * fal.ai's queue [C: fal-js queue.ts and generated endpoint types, fal's Python client, docs]:
 * submit to the model path, status and result under the app id, `Authorization: Key`, statuses
 * IN_QUEUE (with queue_position) / IN_PROGRESS / COMPLETED, errors in `detail`, and a failed
 * request that still reads COMPLETED, its error coming from the result request.
 */

const APP_ID = 'fal-ai/kling-video';
const APP_PATH = `/${APP_ID}`;
const PRICING_PATH = '/v1/models/pricing';

interface EndpointSchema {
	image: 'image_url' | 'start_image_url';
	endImage?: 'tail_image_url' | 'end_image_url';
	durations: string[];
	guidance: boolean;
	negativePrompt: boolean;
	audio: boolean;
	/** 3.0, O3 [3P copy of fal's docs]: `multi_prompt` with `shot_type: "customize"`, or `prompt`, not both. */
	shots?: boolean;
	/** 3.0 [3P copy of fal's docs]: `elements`. */
	elements?: boolean;
}

const FIVE_OR_TEN = ['5', '10'];
const V2: EndpointSchema = {
	image: 'image_url',
	durations: FIVE_OR_TEN,
	guidance: true,
	negativePrompt: true,
	audio: false,
};
const V2_WITH_TAIL: EndpointSchema = { ...V2, endImage: 'tail_image_url' };
const V3: EndpointSchema = {
	image: 'start_image_url',
	endImage: 'end_image_url',
	durations: Array.from({ length: 13 }, (_, index) => String(index + 3)),
	guidance: true,
	negativePrompt: true,
	audio: true,
	shots: true,
	elements: true,
};
const O1: EndpointSchema = {
	image: 'start_image_url',
	endImage: 'end_image_url',
	durations: Array.from({ length: 8 }, (_, index) => String(index + 3)),
	guidance: false,
	negativePrompt: false,
	audio: false,
};

const O3: EndpointSchema = { ...O1, image: 'image_url', durations: V3.durations, shots: true };

/** The image-to-video endpoints under the app, by their subpath. */
const ENDPOINTS: Record<string, EndpointSchema> = {
	'v2.1/standard/image-to-video': V2,
	'v2.1/master/image-to-video': V2,
	'v2.1/pro/image-to-video': V2_WITH_TAIL,
	'v2.5-turbo/standard/image-to-video': V2,
	'v2.5-turbo/pro/image-to-video': V2_WITH_TAIL,
	'v2.6/pro/image-to-video': {
		...V3,
		durations: FIVE_OR_TEN,
		guidance: false,
		shots: false,
		elements: false,
	},
	'v3/standard/image-to-video': V3,
	'v3/pro/image-to-video': V3,
	'v3/4k/image-to-video': V3,
	'o1/image-to-video': O1,
	'o1/standard/image-to-video': O1,
	// [C] O3 (3.0 Omni): `image_url`, `end_image_url`, `prompt` or `multi_prompt`; lengths not
	// recorded [?], 3 to 15 s here.
	'o3/pro/image-to-video': O3,
	'o3/4k/image-to-video': O3,
};

const KNOWN_FIELDS = [
	'prompt',
	'duration',
	'negative_prompt',
	'cfg_scale',
	'generate_audio',
	'image_url',
	'start_image_url',
	'tail_image_url',
	'end_image_url',
	'multi_prompt',
	'shot_type',
	'elements',
];

/** The `detail` list of a validation error (FastAPI/Pydantic style), naming the field. */
function validationDetail(message: string) {
	const field = /^[a-z_]+/.exec(message)?.[0];
	return [{ loc: field ? ['body', field] : ['body'], msg: message, type: 'value_error' }];
}

function validate(
	schema: EndpointSchema,
	body: Record<string, unknown>,
	forms: RequestForms,
): string | undefined {
	const unknown = Object.keys(body).find(
		(field) =>
			!KNOWN_FIELDS.includes(field) ||
			(field === 'cfg_scale' && !schema.guidance) ||
			(field === 'negative_prompt' && !schema.negativePrompt) ||
			(field === 'generate_audio' && !schema.audio) ||
			((field === 'image_url' || field === 'start_image_url') && field !== schema.image) ||
			((field === 'tail_image_url' || field === 'end_image_url') && field !== schema.endImage) ||
			((field === 'multi_prompt' || field === 'shot_type') && !schema.shots) ||
			(field === 'elements' && !schema.elements),
	);
	if (unknown) return `${unknown} is not a field of this endpoint`;
	if (body.duration !== undefined && !schema.durations.includes(body.duration as string))
		return `duration must be one of ${schema.durations.map((d) => `'${d}'`).join(', ')}`;
	if (body.generate_audio !== undefined && typeof body.generate_audio !== 'boolean')
		return 'generate_audio must be a boolean';
	const images = {
		accepted: (forms.falDataUris === 'refused' ? ['url'] : ['url', 'dataUri']) as Array<
			'url' | 'dataUri'
		>,
	};
	return (
		imageProblem(schema.image, body[schema.image], images) ??
		(schema.endImage && body[schema.endImage] !== undefined
			? imageProblem(schema.endImage, body[schema.endImage], images)
			: undefined) ??
		promptProblem(body) ??
		// [3P copy of fal's docs] image sets named @Element1…; counts as AI/ML API's [?].
		elementsProblem('elements', body.elements, {
			maxElements: 4,
			maxReferences: 4,
			frontalRequired: true,
		}) ??
		textProblem('negative_prompt', body.negative_prompt, false) ??
		unitNumberProblem('cfg_scale', body.cfg_scale)
	);
}

/** `prompt` or `multi_prompt`, not both; shots as `{prompt, duration}` with string durations. */
function promptProblem(body: Record<string, unknown>): string | undefined {
	if (body.multi_prompt === undefined) {
		if (body.shot_type !== undefined) return 'shot_type needs multi_prompt';
		return textProblem('prompt', body.prompt, true);
	}
	if (body.prompt !== undefined) return 'prompt and multi_prompt cannot be used together';
	if (body.shot_type !== undefined && body.shot_type !== 'customize')
		return "shot_type must be 'customize'";
	return shotsProblem('multi_prompt', body.multi_prompt, {
		entries: ['objects'],
		duration: 'string',
	});
}

function requestUrls(origin: string, taskId: string) {
	const base = `${origin}${APP_PATH}/requests/${taskId}`;
	return { response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
}

const FAL_STATUS = {
	queued: 'IN_QUEUE',
	processing: 'IN_PROGRESS',
	succeeded: 'COMPLETED',
	failed: 'COMPLETED',
	cancelled: 'COMPLETED',
} as const;

/** A failed request's result: a model error (422, default) or a request error with its type (504). */
function failedResult(task: SimTask, shapes: ResponseShapes): { status: number; body: unknown } {
	const reason = task.outcome.reason ?? 'the model could not process the request';
	if (shapes.falFailure === 'requestError')
		return { status: 504, body: { detail: reason, error_type: 'request_timeout' } };
	return {
		status: 422,
		body: { detail: [{ loc: ['body'], msg: reason, type: 'content_policy_violation' }] },
	};
}

/**
 * `forms.falDataUris: 'refused'` refuses image bytes in any image field as a validation 422.
 * `shapes.falFailure`: 'result' (default: COMPLETED, the error only from the result, as a 422),
 * 'requestError' (the result answers 504 with an error_type), or 'statusError' (COMPLETED carries
 * `error` and `error_type`, as fal's Python client reads them, and the result answers 422 too).
 */
export function falAdapter(shapes: ResponseShapes, forms: RequestForms = {}): ProviderAdapter {
	return {
		route(method, path, query): ApiRoute | undefined {
			if (method === 'GET' && path === PRICING_PATH)
				return { kind: 'pricing', endpointId: query.get('endpoint_id') ?? undefined };
			if (!path.startsWith(`${APP_PATH}/`)) return undefined;
			const rest = path.slice(APP_PATH.length + 1);
			const request = /^requests\/([^/]+)(\/status)?$/.exec(rest);
			if (request && method === 'GET') {
				const taskId = decodeURIComponent(request[1]);
				return request[2] ? { kind: 'status', taskId } : { kind: 'result', taskId };
			}
			if (method === 'POST' && ENDPOINTS[rest]) return { kind: 'submit', endpointModel: rest };
			return undefined;
		},

		validateSubmit(route, body) {
			const endpoint = route.kind === 'submit' ? (route.endpointModel ?? '') : '';
			if (!isObject(body)) return { error: 'body must be a JSON object' };
			const problem = validate(ENDPOINTS[endpoint], body, forms);
			return problem ? { error: problem } : { model: endpoint };
		},

		submitResponse: (task, origin) => ({
			request_id: task.id,
			gateway_request_id: task.id,
			...requestUrls(origin, task.id),
			queue_position: 0,
		}),

		statusResponse(task: SimTask, view: StatusView) {
			const failed = view.status === 'failed' || view.status === 'cancelled';
			return {
				status: FAL_STATUS[view.status],
				request_id: task.id,
				...requestUrls(view.origin, task.id),
				...(view.status === 'queued' && { queue_position: view.queuePosition ?? 0 }),
				...(view.status !== 'queued' && { logs: null }),
				...(view.status !== 'queued' &&
					view.status !== 'processing' && {
						metrics: { inference_time: (task.finishesAt - task.processingStartsAt) / 1000 },
					}),
				...(failed &&
					shapes.falFailure === 'statusError' && {
						error: task.outcome.reason ?? 'the model could not process the request',
						error_type: 'content_policy_violation',
					}),
			};
		},

		resultResponse: (task, view) => ({
			video: {
				url: view.videoUrl,
				content_type: 'video/mp4',
				file_name: `${task.id}.mp4`,
				file_size: 2048,
			},
		}),
		resultError: (task) => failedResult(task, shapes),
		pendingResult: () => ({ status: 400, body: { detail: 'Request is still in progress' } }),

		errorBody: (error: ApiError) => {
			if (error.reason === 'INVALID_REQUEST_BODY')
				return { detail: validationDetail(error.message ?? 'invalid request') };
			if (error.reason === 'NOT_ENOUGH_BALANCE')
				return {
					detail:
						error.message ??
						'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.',
				};
			return {
				detail: error.message ?? defaultMessage(error.reason),
				...(error.status >= 500 && { error_type: 'runner_server_error' }),
			};
		},
		// Pydantic validation errors are 422 at fal.
		httpStatusOf: (status, reason) => (reason === 'INVALID_REQUEST_BODY' ? 422 : status),

		authorize: (authorization: string | undefined, keys: AuthKeys) =>
			/^Key\s+(.+)$/i.exec(authorization ?? '')?.[1] === keys.apiKey
				? undefined
				: 'INVALID_API_KEY',
		balanceRefusal: { status: 403, reason: 'NOT_ENOUGH_BALANCE' },
		concurrency: 'queue',

		pricingResponse: (endpointId) => ({
			prices: endpointId
				? [{ endpoint_id: endpointId, unit_price: 0.056, unit: 'second', currency: 'USD' }]
				: [],
			next_cursor: null,
			has_more: false,
		}),
		balanceResponse: () => ({}),
		modelsResponse: () => ({}),
	};
}
