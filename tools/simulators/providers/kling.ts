import { createHmac, timingSafeEqual } from 'node:crypto';

import type { SimTask } from '../tasks';
import type { ResponseShapes } from '../types';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, AuthKeys, ProviderAdapter, StatusView } from './adapter';
import { klingMultiShotProblem } from './shots';
import { imageProblem, textProblem } from './validation';

/**
 * The official Kling API. Shapes from copies of Kling's pages [3P] and Kling's own client code
 * (KwaiVGI, [C]): the `{code, message, request_id, data}` envelope, the error codes, string
 * durations, raw base64 images, `external_task_id`, and JWTs checked for signature, issuer, expiry
 * and not-before.
 */

const IMAGE2VIDEO = '/v1/videos/image2video';
const OMNI_VIDEO = '/v1/videos/omni-video';

const COLLECTIONS: Record<string, string> = {
	[IMAGE2VIDEO]: 'image2video',
	[OMNI_VIDEO]: 'omni-video',
};

/** image2video model names and what each takes [3P capability map]. */
interface ModelRules {
	durations: string[];
	modes: string[];
	endFrameModes: string[];
	soundModes: string[];
	endFrameWithSound: boolean;
	promptRequired: boolean;
	/** v3 [3P]: `multi_shot`, `shot_type`, `multi_prompt: [{index, prompt, duration}]`. */
	multiShot?: boolean;
}

const FIVE_OR_TEN = ['5', '10'];
const THREE_TO_FIFTEEN = Array.from({ length: 13 }, (_, index) => String(index + 3));

const IMAGE2VIDEO_MODELS: Record<string, ModelRules> = {
	'kling-v2-1': {
		durations: FIVE_OR_TEN,
		modes: ['std', 'pro'],
		endFrameModes: ['pro'],
		soundModes: [],
		endFrameWithSound: true,
		promptRequired: false,
	},
	'kling-v2-1-master': {
		durations: FIVE_OR_TEN,
		modes: [],
		endFrameModes: [],
		soundModes: [],
		endFrameWithSound: true,
		promptRequired: false,
	},
	'kling-v2-5-turbo': {
		durations: FIVE_OR_TEN,
		modes: ['std', 'pro'],
		endFrameModes: ['pro'],
		soundModes: [],
		endFrameWithSound: true,
		promptRequired: false,
	},
	'kling-v2-6': {
		durations: FIVE_OR_TEN,
		modes: ['std', 'pro'],
		endFrameModes: ['pro'],
		soundModes: ['pro'],
		endFrameWithSound: false,
		promptRequired: false,
	},
	'kling-v3': {
		durations: THREE_TO_FIFTEEN,
		modes: ['std', 'pro'],
		endFrameModes: ['std', 'pro'],
		soundModes: ['std', 'pro'],
		endFrameWithSound: true,
		promptRequired: true,
		multiShot: true,
	},
};

/** omni-video model names and the first-frame lengths each takes: O1 5 or 10 s [3P], 3.0 Omni 3 to 15 s [3P]. */
const OMNI_DURATIONS: Record<string, string[]> = {
	'kling-video-o1': FIVE_OR_TEN,
	'kling-v3-omni': THREE_TO_FIFTEEN,
};
const OMNI_MODELS = Object.keys(OMNI_DURATIONS);

/** Kling's codes per simulator error reason, and the HTTP status each comes with [3P error table]. */
const CODES: Record<string, { code: number; status: number; message: string }> = {
	INVALID_API_KEY: { code: 1000, status: 401, message: 'Authorization failed' },
	MISSING_TOKEN: { code: 1001, status: 401, message: 'Authorization is empty' },
	INVALID_TOKEN: { code: 1002, status: 401, message: 'Authorization is invalid' },
	TOKEN_NOT_YET_VALID: { code: 1003, status: 401, message: 'Authorization is not yet valid' },
	TOKEN_EXPIRED: { code: 1004, status: 401, message: 'Authorization has expired' },
	ACCOUNT_EXCEPTION: { code: 1100, status: 429, message: 'Account exception' },
	ACCOUNT_ARREARS: { code: 1101, status: 429, message: 'Account in arrears' },
	NOT_ENOUGH_BALANCE: {
		code: 1102,
		status: 429,
		message: 'Resource pack exhausted or expired',
	},
	NO_PERMISSION: { code: 1103, status: 403, message: 'No permission for the resource' },
	INVALID_REQUEST_BODY: { code: 1201, status: 400, message: 'Invalid request parameters' },
	DUPLICATE_EXTERNAL_ID: {
		code: 1201,
		status: 400,
		message: 'external_task_id already exists',
	},
	PAYLOAD_TOO_LARGE: { code: 1201, status: 400, message: 'Request body too large' },
	NOT_FOUND: { code: 1202, status: 404, message: 'Invalid request method' },
	TASK_NOT_FOUND: { code: 1203, status: 404, message: 'Requested resource does not exist' },
	CONTENT_REFUSED: { code: 1301, status: 400, message: 'Content security policy triggered' },
	RATE_LIMIT_EXCEEDED: { code: 1302, status: 429, message: 'Requests are too frequent' },
	CONCURRENCY_LIMIT: {
		code: 1303,
		status: 429,
		message: 'Concurrency or QPS exceeds the resource pack limit',
	},
	IP_NOT_ALLOWED: { code: 1304, status: 429, message: 'IP whitelist policy triggered' },
	INTERNAL_SERVER_ERROR: { code: 5000, status: 500, message: 'Internal server error' },
	BAD_GATEWAY: { code: 5000, status: 502, message: 'Internal server error' },
	SERVICE_UNAVAILABLE: { code: 5001, status: 503, message: 'Service temporarily unavailable' },
	GATEWAY_TIMEOUT: { code: 5002, status: 504, message: 'Server internal timeout' },
};

const KLING_STATUS = {
	queued: 'submitted',
	processing: 'processing',
	succeeded: 'succeed',
	failed: 'failed',
	cancelled: 'failed',
} as const;

function requestId(): string {
	return `sim-${Math.random().toString(36).slice(2, 14)}`;
}

const ok = (data: unknown) => ({ code: 0, message: 'SUCCEED', request_id: requestId(), data });

function decodeJson(part: string): Record<string, unknown> | undefined {
	try {
		const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
		return isObject(value) ? value : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Checks `Authorization: Bearer <token>`: a single API key, or a JWT signed with the secret key:
 * header {"alg":"HS256","typ":"JWT"}, signature, iss = access key, exp and nbf against the clock.
 */
function authorize(authorization: string | undefined, keys: AuthKeys): string | undefined {
	const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
	if (!token) return 'MISSING_TOKEN';
	if (token === keys.apiKey) return undefined;
	const parts = token.split('.');
	if (parts.length !== 3) return 'INVALID_API_KEY';
	const [headerPart, claimsPart, signaturePart] = parts;
	const header = decodeJson(headerPart);
	const claims = decodeJson(claimsPart);
	if (!header || !claims || header.alg !== 'HS256' || header.typ !== 'JWT') return 'INVALID_TOKEN';
	const expected = createHmac('sha256', keys.secretKey)
		.update(`${headerPart}.${claimsPart}`)
		.digest();
	const given = Buffer.from(signaturePart, 'base64url');
	if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'INVALID_TOKEN';
	if (claims.iss !== keys.accessKey) return 'INVALID_API_KEY';
	const now = Math.floor(keys.now / 1000);
	if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number') return 'INVALID_TOKEN';
	if (now >= claims.exp) return 'TOKEN_EXPIRED';
	if (now < claims.nbf) return 'TOKEN_NOT_YET_VALID';
	return undefined;
}

function stringField(body: Record<string, unknown>, field: string): string | undefined {
	const value = body[field];
	if (value === undefined) return undefined;
	return typeof value === 'string' ? value : `${field} must be a string`;
}

/** Images: an http(s) URL or raw base64; a data URI is refused, as reported live [3P]. */
function klingImageProblem(field: string, value: unknown): string | undefined {
	if (typeof value === 'string' && value.startsWith('data:'))
		return 'File is not in a valid base64 format';
	return imageProblem(field, value, { accepted: ['url', 'rawBase64'], checkAspect: true });
}

function validateImage2Video(body: Record<string, unknown>): string | undefined {
	const modelName = body.model_name;
	if (typeof modelName !== 'string' || !IMAGE2VIDEO_MODELS[modelName])
		return `model_name must be one of ${Object.keys(IMAGE2VIDEO_MODELS).join(', ')}`;
	const rules = IMAGE2VIDEO_MODELS[modelName];
	const mode = body.mode ?? 'std';
	if (rules.modes.length > 0 ? !rules.modes.includes(String(mode)) : body.mode !== undefined)
		return `mode ${JSON.stringify(body.mode)} is not supported by ${modelName}`;
	if (body.cfg_scale !== undefined) return `cfg_scale is not supported by ${modelName}`;
	if (body.duration !== undefined && typeof body.duration !== 'string')
		return 'duration must be a string';
	if (body.duration !== undefined && !rules.durations.includes(body.duration as string))
		return `duration value '${String(body.duration)}' is invalid`;
	const sound = body.sound;
	if (sound !== undefined) {
		if (rules.soundModes.length === 0) return `sound is not supported by ${modelName}`;
		if (sound !== 'on' && sound !== 'off') return 'sound must be "on" or "off"';
		if (sound === 'on' && !rules.soundModes.includes(String(mode)))
			return `sound is not supported in ${String(mode)} mode`;
	}
	if (body.image_tail !== undefined) {
		if (!rules.endFrameModes.includes(String(mode)))
			return `image_tail is not supported by ${modelName} in ${String(mode)} mode`;
		if (sound === 'on' && !rules.endFrameWithSound)
			return 'image_tail is not supported together with sound';
	}
	return (
		klingImageProblem('image', body.image) ??
		(body.image_tail === undefined
			? undefined
			: klingImageProblem('image_tail', body.image_tail)) ??
		klingMultiShotProblem(body, rules) ??
		textProblem('negative_prompt', body.negative_prompt, false)
	);
}

function validateOmniVideo(body: Record<string, unknown>): string | undefined {
	if (typeof body.model_name !== 'string' || !OMNI_MODELS.includes(body.model_name))
		return `model_name must be one of ${OMNI_MODELS.join(', ')}`;
	for (const field of ['negative_prompt', 'cfg_scale', 'sound', 'aspect_ratio', 'image'])
		if (body[field] !== undefined) return `${field} is not a parameter of omni-video image input`;
	if (body.mode !== undefined && body.mode !== 'std' && body.mode !== 'pro')
		return 'mode must be std or pro';
	const durations = OMNI_DURATIONS[body.model_name];
	if (typeof body.duration !== 'string' || !durations.includes(body.duration))
		return durations === FIVE_OR_TEN
			? 'Duration only supports 5 or 10 seconds with a first frame'
			: `Duration only supports ${durations[0]} to ${durations[durations.length - 1]} seconds`;
	if (!Array.isArray(body.image_list) || body.image_list.length === 0)
		return 'image_list is required';
	const frames = body.image_list.filter(isObject);
	if (frames.length !== body.image_list.length) return 'image_list entries must be objects';
	const first = frames.filter((frame) => frame.type === 'first_frame');
	const end = frames.filter((frame) => frame.type === 'end_frame');
	if (first.length !== 1) return 'image_list needs one first_frame';
	if (end.length > 1 || frames.length > first.length + end.length)
		return 'image_list types must be first_frame or end_frame';
	for (const frame of frames) {
		const problem = klingImageProblem('image_list.image_url', frame.image_url);
		if (problem) return problem;
	}
	// [3P] 3.0 Omni takes v3's multi-shot fields on the omni route; O1 none.
	return klingMultiShotProblem(body, {
		promptRequired: true,
		multiShot: body.model_name === 'kling-v3-omni',
	});
}

function taskData(task: SimTask, view: StatusView | undefined): Record<string, unknown> {
	const status = view?.status ?? 'queued';
	const updated = view
		? Math.max(task.createdAt, Math.min(view.time, task.finishesAt))
		: task.createdAt;
	return {
		task_id: task.id,
		task_status: KLING_STATUS[status],
		task_status_msg:
			status === 'failed' || status === 'cancelled' ? (task.outcome.reason ?? '') : '',
		task_info: task.externalId === undefined ? {} : { external_task_id: task.externalId },
		created_at: task.createdAt,
		updated_at: Math.round(updated),
		...(view?.videoUrl && {
			final_unit_deduction: '1',
			task_result: { videos: [{ id: `${task.id}-0`, url: view.videoUrl, duration: '5.1' }] },
		}),
	};
}

/** One resource pack as `GET /account/costs` lists it [C*]. */
function klingPack(name: string, status: string, total: number, remaining: number) {
	return {
		resource_pack_name: name,
		resource_pack_id: `${name}-id`,
		resource_pack_type: 'decreasing_total',
		total_quantity: total,
		remaining_quantity: remaining,
		purchase_time: 1_750_000_000_000,
		effective_time: 1_750_000_000_000,
		invalid_time: 1_790_000_000_000,
		status,
	};
}

/** `shapes.klingRefusals: 'http200'` answers refusals with HTTP 200 and the code, as one client reports [3P]. */
export function klingAdapter(shapes: ResponseShapes): ProviderAdapter {
	return {
		route(method, path, query): ApiRoute | undefined {
			const collection = COLLECTIONS[path];
			if (collection && method === 'POST') return { kind: 'submit', collection };
			if (collection && method === 'GET') {
				const pageSize = Number(query.get('pageSize') ?? '30');
				const externalId = query.get('external_task_id') ?? undefined;
				return externalId === undefined
					? { kind: 'list', collection, pageSize }
					: { kind: 'lookup', collection, pageSize, externalId };
			}
			// [C*] the account's resource packs, bought between start_time and end_time (ms).
			if (method === 'GET' && path === '/account/costs') return { kind: 'balance' };
			const status = /^(\/v1\/videos\/(?:image2video|omni-video))\/([^/]+)$/.exec(path);
			if (status && method === 'GET')
				return {
					kind: 'status',
					taskId: decodeURIComponent(status[2]),
					collection: COLLECTIONS[status[1]],
				};
			return undefined;
		},

		validateSubmit(route, body) {
			if (!isObject(body)) return { error: 'request body must be a JSON object' };
			const problem =
				route.kind === 'submit' && route.collection === 'omni-video'
					? validateOmniVideo(body)
					: validateImage2Video(body);
			const externalId = stringField(body, 'external_task_id');
			if (problem) return { error: problem };
			if (externalId?.endsWith('must be a string')) return { error: externalId };
			return { model: String(body.model_name), ...(externalId && { externalId }) };
		},

		// Kling 2.1 is reported retired on 2026-09-15 [3P]; the refusal's words are not recorded [?]:
		// code 1201 and the words of a model_name it does not know.
		modelRefusal: (model) => ({
			status: 400,
			reason: 'INVALID_REQUEST_BODY',
			message: `model_name ${model} is not supported: the model is offline`,
		}),

		submitResponse: (task) => ok(taskData(task, undefined)),
		statusResponse: (task, view) => ok(taskData(task, view)),
		listResponse: (entries) => ok(entries.map(({ task, view }) => taskData(task, view))),

		errorBody: (error: ApiError) => ({
			code: CODES[error.reason]?.code ?? 5000,
			message: error.message ?? CODES[error.reason]?.message ?? defaultMessage(error.reason),
			request_id: requestId(),
		}),
		httpStatusOf: (status, reason) =>
			shapes.klingRefusals === 'http200' && status === 400 && reason !== 'NOT_FOUND' ? 200 : status,

		authorize,
		balanceRefusal: { status: 429, reason: 'NOT_ENOUGH_BALANCE' },
		concurrency: 'refuse',
		concurrencyRefusal: { status: 429, reason: 'CONCURRENCY_LIMIT' },
		duplicateRefusal: { status: 400, reason: 'DUPLICATE_EXTERNAL_ID' },

		balanceResponse: (insufficient) =>
			ok({
				code: 0,
				msg: 'success',
				resource_pack_subscribe_infos: [
					klingPack('video-pack-a', 'online', 1000, insufficient ? 0 : 250),
					klingPack('video-pack-b', 'online', 500, insufficient ? 0 : 120.5),
					klingPack('video-pack-old', 'expired', 500, 40),
				],
			}),
		modelsResponse: () => ok([]),
	};
}
