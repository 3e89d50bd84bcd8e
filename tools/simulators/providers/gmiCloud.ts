import type { SimTask } from '../tasks';
import type { GmiSoundValues, RequestForms, ResponseShapes } from '../types';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, ProviderAdapter, StatusView } from './adapter';
import { schemaProblem, type FieldRule, type RequestSchema } from './validation';

const IMAGE = {
	kind: 'image',
	accepted: ['url', 'rawBase64', 'dataUri'],
	required: true,
	checkAspect: true,
} satisfies FieldRule;
/** kling-v2-5-turbo and kling-v2-6: "Support image URL". */
const IMAGE_URL_ONLY: FieldRule = { kind: 'image', accepted: ['url'], required: true };
const TEXT: FieldRule = { kind: 'text' };
const PROMPT: FieldRule = { kind: 'text', required: true };
const STRING_5_OR_10: FieldRule = { kind: 'oneOf', values: ['5', '10'] };
const UNIT: FieldRule = { kind: 'unitNumber' };

const V21_PAYLOAD: RequestSchema = {
	image: IMAGE,
	prompt: TEXT,
	negative_prompt: TEXT,
	duration: STRING_5_OR_10,
	cfg_scale: UNIT,
};

/**
 * Each model id and its payload schema [C]: the 2.1 usage guide and
 * docs.gmicloud.ai/model-quickstarts/video/<model id>. The Pro 2.1 id is [3P].
 */
function payloadSchemas(soundValues: GmiSoundValues): Record<string, RequestSchema> {
	return {
		'Kling-Image2Video-V2.1-Standard': V21_PAYLOAD,
		'Kling-Image2Video-V2.1-Pro': V21_PAYLOAD,
		'Kling-Image2Video-V2.1-Master': V21_PAYLOAD,
		'kling-v2-5-turbo': {
			image: IMAGE_URL_ONLY,
			prompt: PROMPT,
			negative_prompt: TEXT,
			duration: STRING_5_OR_10,
			mode: { kind: 'oneOf', values: ['pro'] },
			cfg_scale: UNIT,
		},
		'kling-v2-6': {
			image: IMAGE_URL_ONLY,
			prompt: PROMPT,
			// [?] the table says yes/no (default no), the example sends "on".
			sound: { kind: 'oneOf', values: SOUND_VALUES[soundValues] },
			duration: STRING_5_OR_10,
			mode: { kind: 'oneOf', values: ['pro'] },
			cfg_scale: UNIT,
		},
		'kling-v3-image-to-video': {
			image: IMAGE,
			prompt: PROMPT,
			image_tail: { ...IMAGE, required: false },
			negative_prompt: TEXT,
			duration: { kind: 'oneOf', values: Array.from({ length: 13 }, (_, i) => String(i + 3)) },
			sound: { kind: 'oneOf', values: ['on', 'off'] },
		},
		// [C] kling-3-0-turbo-i2v: `first_frame`, optional prompt, `resolution` 720p/1080p, 3 to 15 s.
		'kling-3.0-turbo-i2v': {
			first_frame: IMAGE_URL_ONLY,
			prompt: TEXT,
			resolution: { kind: 'oneOf', values: ['720p', '1080p'] },
			duration: { kind: 'oneOf', values: Array.from({ length: 13 }, (_, i) => String(i + 3)) },
		},
	};
}

/** The words that turn sound on; anything else taken, or no field at all, is silent (the default). */
const SOUND_ON = ['on', 'yes'];

const SOUND_VALUES: Record<GmiSoundValues, string[]> = {
	both: ['on', 'off', 'yes', 'no'],
	onOff: ['on', 'off'],
	yesNo: ['yes', 'no'],
};

const REQUESTS_PATH = '/api/v1/ie/requestqueue/apikey/requests';
const MODELS_PATH = '/api/v1/ie/requestqueue/apikey/models';

// GMI reports 'dispatched' when a worker picks a request up; modelled as the first tenth of processing.
const DISPATCHED_FRACTION = 0.1;

const seconds = (ms: number) => Math.floor(ms / 1000);

/** GMI Cloud's request-queue API; `shapes` picks between the documented and third-party response shapes. */
export function gmiCloudAdapter(shapes: ResponseShapes, forms: RequestForms = {}): ProviderAdapter {
	const schemas = payloadSchemas(forms.gmiSoundValues ?? 'both');
	const videoShape = shapes.gmiVideoUrl ?? 'outcome.video_url';
	const failureShape = shapes.gmiFailure ?? 'error.string';

	function outcome(task: SimTask, view: StatusView): unknown {
		if (view.videoUrl) {
			const thumbnail_image_url = view.thumbnailUrl;
			if (videoShape === 'outcome.media_urls')
				return { media_urls: [{ url: view.videoUrl }], thumbnail_image_url };
			if (videoShape === 'outcome.url') return { url: view.videoUrl, thumbnail_image_url };
			if (videoShape === 'outcome.medias')
				return { medias: [{ type: 'video', url: view.videoUrl }], thumbnail_image_url };
			if (videoShape === 'outcome.medias.strings')
				return { medias: [view.videoUrl], thumbnail_image_url };
			return { video_url: view.videoUrl, thumbnail_image_url };
		}
		if (view.status !== 'failed') return null;
		if (failureShape === 'outcome.error') return { error: failureReason(task) };
		if (failureShape === 'outcome.message') return { message: failureReason(task) };
		if (failureShape === 'outcome.fail_reason') return { fail_reason: failureReason(task) };
		return null;
	}

	return {
		route(method, path): ApiRoute | undefined {
			if (method === 'POST' && path === REQUESTS_PATH) return { kind: 'submit' };
			if (method === 'GET' && path.startsWith(`${REQUESTS_PATH}/`)) {
				const taskId = decodeURIComponent(path.slice(REQUESTS_PATH.length + 1));
				return taskId && !taskId.includes('/') ? { kind: 'status', taskId } : undefined;
			}
			if (method === 'GET' && path === MODELS_PATH) return { kind: 'models' };
			return undefined;
		},

		validateSubmit(_route, body, checks) {
			if (!isObject(body)) return { error: 'request body must be a JSON object' };
			const model = typeof body.model === 'string' ? body.model : '';
			if (!Object.prototype.hasOwnProperty.call(schemas, model)) {
				return { error: `model must be one of ${Object.keys(schemas).join(', ')}` };
			}
			const payload = body.payload;
			if (!isObject(payload)) return { error: 'payload must be an object' };
			const problem =
				schemaProblem(body, { model: { kind: 'unused' }, payload: { kind: 'unused' } }, checks) ??
				schemaProblem(payload, schemas[model], checks, 'payload.');
			if (problem) return { error: problem };
			const takesSound = 'sound' in schemas[model];
			const endFrame = typeof payload.image_tail === 'string' ? payload.image_tail : undefined;
			return {
				model,
				readAs: {
					...(takesSound && { sound: SOUND_ON.includes(payload.sound as string) }),
					...(endFrame !== undefined && { endFrame }),
				},
			};
		},

		modelRefusal: (model) => ({
			status: 400,
			reason: 'INVALID_REQUEST_BODY',
			message: `model must be one of ${Object.keys(schemas)
				.filter((id) => id !== model)
				.join(', ')}`,
		}),

		submitResponse: (task) => ({
			request_id: task.id,
			model: task.model,
			status: 'queued',
			created_at: seconds(task.createdAt),
			updated_at: seconds(task.createdAt),
			queued_at: seconds(task.createdAt),
		}),

		statusResponse(task: SimTask, view: StatusView) {
			const status = view.statusWord ?? gmiStatus(view);
			const response: Record<string, unknown> = {
				request_id: task.id,
				model: task.model,
				status,
				created_at: seconds(task.createdAt),
				updated_at: seconds(Math.min(view.time, task.finishesAt)),
				queued_at: seconds(task.createdAt),
				outcome: outcome(task, view),
				payload: isObject(task.body) ? task.body.payload : undefined,
			};
			if (view.status === 'failed' && failureShape === 'error.string')
				response.error = failureReason(task);
			if (view.status === 'failed' && failureShape === 'error_message')
				response.error_message = failureReason(task);
			if (view.status === 'failed' && failureShape === 'error.object') {
				response.error = { code: 'GENERATION_FAILED', message: failureReason(task) };
			}
			return response;
		},

		// [G] GMI documents no error body; a single error string is what its other endpoints return.
		errorBody: (error: ApiError) => ({ error: error.message ?? defaultMessage(error.reason) }),

		balanceResponse: () => ({}),

		modelsResponse: () => ({
			model_ids: [...Object.keys(schemas), 'Kling-Text2Video-V2.1-Master', 'Veo3', 'Veo3-Fast'],
		}),
	};
}

function gmiStatus(view: StatusView): string {
	switch (view.status) {
		case 'queued':
			return 'queued';
		case 'processing':
			return view.processingFraction < DISPATCHED_FRACTION ? 'dispatched' : 'processing';
		case 'succeeded':
			return 'success';
		case 'failed':
			return 'failed';
		case 'cancelled':
			return 'cancelled';
	}
}

function failureReason(task: SimTask): string {
	return task.outcome.reason ?? 'video generation failed';
}
