import { randomUUID } from 'node:crypto';
import type { SimTask } from '../tasks';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, ProviderAdapter, StatusView } from './adapter';
import type { AimlEndFrameField, RequestForms } from '../types';
import { elementsProblem, shotsProblem } from './shots';
import { schemaProblem, textProblem, type FieldRule, type RequestSchema } from './validation';

const IMAGE_URL = {
	kind: 'image',
	accepted: ['url', 'dataUri', 'rawBase64'],
	required: true,
} satisfies FieldRule;
const TAIL_IMAGE: FieldRule = { ...IMAGE_URL, required: false };
const TEXT: FieldRule = { kind: 'text' };
const PROMPT: FieldRule = { kind: 'text', required: true };
const INTEGER_5_OR_10: FieldRule = { kind: 'oneOf', values: [5, 10] };
const INTEGER_3_TO_15: FieldRule = {
	kind: 'oneOf',
	values: Array.from({ length: 13 }, (_, index) => index + 3),
};
const UNUSED: FieldRule = { kind: 'unused' };

const V21_SCHEMA: RequestSchema = {
	model: UNUSED,
	image_url: IMAGE_URL,
	prompt: TEXT,
	negative_prompt: TEXT,
	duration: INTEGER_5_OR_10,
	cfg_scale: { kind: 'unitNumber' },
	// [C] "URL of the image for Static Brush Application Area"
	static_mask: {
		kind: 'check',
		problem: (field, value) =>
			value === undefined || (typeof value === 'string' && /^https?:\/\/\S+$/i.test(value))
				? undefined
				: `${field} must be an image URL`,
	},
	dynamic_masks: UNUSED,
	camera_control: UNUSED,
};

const SHOT_ENTRIES = {
	both: ['objects', 'strings'],
	objects: ['objects'],
	strings: ['strings'],
} as const;

/** `prompt` or `multi_prompt`, not both; the prompt required without shots where `promptRequired`. */
const promptOrShots = (promptRequired: boolean): FieldRule => ({
	kind: 'check',
	problem: (field, value, body) =>
		body.multi_prompt !== undefined
			? value === undefined
				? undefined
				: 'prompt and multi_prompt cannot be used together'
			: textProblem(field, value, promptRequired),
});

/**
 * [C] video-v3-*-image-to-video.json: `prompt` or `multi_prompt`, not both; `shot_type` "customize"
 * | "intelligent" (v3-omni-*: also "intelligence").
 */
const v3Schema = (
	shots: keyof typeof SHOT_ENTRIES,
	shotTypes: readonly string[] = ['customize', 'intelligent'],
): RequestSchema => ({
	model: UNUSED,
	image_url: IMAGE_URL,
	prompt: promptOrShots(true),
	multi_prompt: {
		kind: 'check',
		problem: (field, value) =>
			shotsProblem(field, value, { entries: SHOT_ENTRIES[shots], duration: 'integer' }),
	},
	// [?] The schema's name, and the one the same docs' example sends: both taken (see END_FRAME_READ).
	tail_image_url: TAIL_IMAGE,
	last_image_url: TAIL_IMAGE,
	duration: INTEGER_3_TO_15,
	// [C] up to 4, each reference_image_urls (1–4, required), frontal_image_url, video_url.
	elements: {
		kind: 'check',
		problem: (field, value) =>
			elementsProblem(field, value, { maxElements: 4, maxReferences: 4, frontalRequired: false }),
	},
	shot_type: { kind: 'oneOf', values: [...shotTypes] },
	generate_audio: { kind: 'boolean' },
	negative_prompt: TEXT,
	cfg_scale: { kind: 'unitNumber' },
	provider: UNUSED,
});

/** [C] v3-*-turbo-*: `prompt` (≤3072) or `multi_prompt`, 1–6 objects {prompt ≤3072, duration int 1–15}; no shot_type. */
const TURBO_SCHEMA: RequestSchema = {
	model: UNUSED,
	image_url: IMAGE_URL,
	prompt: promptOrShots(false),
	multi_prompt: {
		kind: 'check',
		problem: (field, value) =>
			shotsProblem(field, value, {
				entries: ['objects'],
				duration: 'integer',
				maxChars: 3072,
				maxSeconds: 15,
			}),
	},
	duration: INTEGER_3_TO_15,
};

const OMNI_SHOT_TYPES = ['customize', 'intelligent', 'intelligence'];

/**
 * Each model id and its request schema [C], from aimlapi/api-docs
 * docs/api-references/video-models/Kling-AI/*.json. The docs type duration as an integer.
 */
const modelSchemas = (forms: RequestForms): Record<string, RequestSchema> => ({
	'kling-video/v2.1/standard/image-to-video': V21_SCHEMA,
	'kling-video/v2.1/pro/image-to-video': V21_SCHEMA,
	'klingai/v2.1-master-image-to-video': { ...V21_SCHEMA, provider: UNUSED },
	'klingai/v2.5-turbo/pro/image-to-video': {
		model: UNUSED,
		image_url: IMAGE_URL,
		prompt: PROMPT,
		negative_prompt: TEXT,
		duration: INTEGER_5_OR_10,
		cfg_scale: { kind: 'unitNumber' },
		provider: UNUSED,
	},
	'klingai/video-v2-6-pro-image-to-video': {
		model: UNUSED,
		image_url: IMAGE_URL,
		prompt: PROMPT,
		negative_prompt: TEXT,
		duration: INTEGER_5_OR_10,
		generate_audio: { kind: 'boolean' },
		provider: UNUSED,
	},
	'klingai/video-v3-standard-image-to-video': v3Schema(forms.aimlShots ?? 'both'),
	'klingai/video-v3-pro-image-to-video': v3Schema(forms.aimlShots ?? 'both'),
	'klingai/video-o1-image-to-video': {
		model: UNUSED,
		image_url: IMAGE_URL,
		prompt: PROMPT,
		last_image_url: TAIL_IMAGE,
		duration: INTEGER_5_OR_10,
		provider: UNUSED,
	},
	// v3-standard-turbo-… / v3-turbo-pro-…: no audio, end frame, negative, cfg_scale or provider.
	'klingai/video-v3-standard-turbo-image-to-video': TURBO_SCHEMA,
	'klingai/video-v3-turbo-pro-image-to-video': TURBO_SCHEMA,
	'klingai/video-v3-omni-720p-image-to-video': v3Schema(forms.aimlShots ?? 'both', OMNI_SHOT_TYPES),
	'klingai/video-v3-omni-1080p-image-to-video': v3Schema(
		forms.aimlShots ?? 'both',
		OMNI_SHOT_TYPES,
	),
});

const V3_MODELS = [
	'klingai/video-v3-standard-image-to-video',
	'klingai/video-v3-pro-image-to-video',
];

/** The 3.0 end frame fields a reading of the docs looks at, first found first. */
const END_FRAME_READ: Record<AimlEndFrameField, readonly string[]> = {
	either: ['tail_image_url', 'last_image_url'],
	tailImageUrl: ['tail_image_url'],
	lastImageUrl: ['last_image_url'],
};

/** The end frame a model reads from a valid body, under the requestForms reading for 3.0. */
function endFrameRead(
	model: string,
	body: Record<string, unknown>,
	reading: AimlEndFrameField,
): string | undefined {
	const fields = V3_MODELS.includes(model)
		? END_FRAME_READ[reading]
		: ['tail_image_url', 'last_image_url'];
	return fields.map((field) => body[field]).find((value) => typeof value === 'string') as
		string | undefined;
}

/** [C] v3-omni-*: tail_image_url is "Not supported when generate_audio is enabled", and it defaults to true. */
const OMNI_MODELS = [
	'klingai/video-v3-omni-720p-image-to-video',
	'klingai/video-v3-omni-1080p-image-to-video',
];

// The documented path and the legacy one both take POST (submit) and GET ?generation_id= (status).
const GENERATION_PATHS = ['/v2/video/generations', '/v2/generate/video/kling/generation'];

const STATUS_NAMES = {
	queued: 'queued',
	processing: 'generating',
	succeeded: 'completed',
	failed: 'error',
	cancelled: 'error', // [G] AI/ML API documents no cancelled status
} as const;

// [C] docs/errors-and-messages/errors-with-status-code-4xx.md
const MESSAGES: Record<string, string> = {
	INVALID_API_KEY:
		'This request requires a valid API key. You can create a new API key on the Billing page: https://aimlapi.com/app/keys',
	NOT_ENOUGH_BALANCE:
		"You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
	TASK_NOT_FOUND: 'Generation not found',
	RATE_LIMIT_EXCEEDED: 'Too Many Requests',
};

/** AI/ML API's v2 video generation API; `forms` picks a reading where its docs allow two. */
export function aimlApiAdapter(forms: RequestForms = {}): ProviderAdapter {
	const MODELS = modelSchemas(forms);
	return {
		route(method, path, query): ApiRoute | undefined {
			if (GENERATION_PATHS.includes(path)) {
				if (method === 'POST') return { kind: 'submit' };
				if (method === 'GET') return { kind: 'status', taskId: query.get('generation_id') ?? '' };
			}
			// [C] GET /v2/billing is current; /v1/billing/balance is legacy, "scheduled for future deprecation".
			if (method === 'GET' && path === '/v2/billing') return { kind: 'balance' };
			if (method === 'GET' && path === '/v1/billing/balance')
				return { kind: 'balance', legacy: true };
			return undefined;
		},

		validateSubmit(_route, body, checks) {
			if (!isObject(body)) return { error: 'request body must be a JSON object' };
			const model = typeof body.model === 'string' ? body.model : '';
			if (!Object.prototype.hasOwnProperty.call(MODELS, model)) {
				return { error: `model must be one of ${Object.keys(MODELS).join(', ')}` };
			}
			const problem = schemaProblem(body, MODELS[model], checks);
			if (problem) return { error: problem };
			if (
				OMNI_MODELS.includes(model) &&
				body.tail_image_url !== undefined &&
				body.generate_audio !== false
			)
				return {
					error:
						'tail_image_url is not supported when generate_audio is enabled; set generate_audio to false to use a tail frame',
				};
			const endFrame = endFrameRead(model, body, forms.aimlEndFrame ?? 'either');
			return { model, readAs: endFrame === undefined ? {} : { endFrame } };
		},

		// [C] its 400 validation of `model`, as for an id it does not know.
		modelRefusal: (model) => ({
			status: 400,
			reason: 'INVALID_REQUEST_BODY',
			message: `model must be one of ${Object.keys(MODELS)
				.filter((id) => id !== model)
				.join(', ')}`,
		}),

		submitResponse: (task) => ({ id: task.id, status: 'queued' }),

		statusResponse(task: SimTask, view: StatusView) {
			const response: Record<string, unknown> = {
				id: task.id,
				status: view.statusWord ?? STATUS_NAMES[view.status],
			};
			if (view.videoUrl) {
				response.video = { url: view.videoUrl };
				const duration =
					isObject(task.body) && typeof task.body.duration === 'number' ? task.body.duration : 5;
				response.meta = { usage: { credits_used: duration * 52500 } }; // [G] amount
			}
			if (view.status === 'failed' || view.status === 'cancelled') {
				response.error = {
					name: view.status === 'cancelled' ? 'Cancelled' : 'GenerationError',
					message:
						task.outcome.reason ??
						(view.status === 'cancelled' ? 'Generation was cancelled' : 'Generation failed'),
				};
			}
			return response;
		},

		errorBody: (error: ApiError) => ({
			message: error.message ?? MESSAGES[error.reason] ?? defaultMessage(error.reason),
			path: error.path,
			requestId: randomUUID(),
			statusCode: error.status,
			timestamp: new Date().toISOString(),
		}),

		balanceResponse: (insufficient, route) =>
			route.kind === 'balance' && route.legacy
				? {
						balance: insufficient ? 0 : 551564495,
						lowBalance: insufficient,
						lowBalanceThreshold: 10000,
						lastUpdated: new Date().toISOString(),
						autoDebitStatus: 'disabled',
						status: 'current',
						statusExplanation: 'Balance is current and up to date',
					}
				: { current_balance: insufficient ? 0 : 123.45, currency: 'USD' },

		modelsResponse: () => ({}),
	};
}
