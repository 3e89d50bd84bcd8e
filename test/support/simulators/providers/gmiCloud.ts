import type { SimTask } from '../tasks';
import type { ResponseShapes } from '../types';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, ProviderAdapter, StatusView } from './adapter';
import { imageProblem, textProblem, unitNumberProblem } from './validation';

const MODELS = [
	'Kling-Image2Video-V2.1-Standard',
	'Kling-Image2Video-V2.1-Pro',
	'Kling-Image2Video-V2.1-Master',
];
const REQUESTS_PATH = '/api/v1/ie/requestqueue/apikey/requests';
const MODELS_PATH = '/api/v1/ie/requestqueue/apikey/models';

// GMI reports 'dispatched' when a worker picks a request up; modelled as the first tenth of processing.
const DISPATCHED_FRACTION = 0.1;

const seconds = (ms: number) => Math.floor(ms / 1000);

/** GMI Cloud's request-queue API; `shapes` picks between the documented and third-party response shapes. */
export function gmiCloudAdapter(shapes: ResponseShapes): ProviderAdapter {
	const videoShape = shapes.gmiVideoUrl ?? 'outcome.video_url';
	const failureShape = shapes.gmiFailure ?? 'error.string';

	function outcome(task: SimTask, view: StatusView): unknown {
		if (view.videoUrl) {
			const thumbnail_image_url = view.thumbnailUrl;
			if (videoShape === 'outcome.media_urls')
				return { media_urls: [{ url: view.videoUrl }], thumbnail_image_url };
			if (videoShape === 'outcome.url') return { url: view.videoUrl, thumbnail_image_url };
			return { video_url: view.videoUrl, thumbnail_image_url };
		}
		if (view.status === 'failed' && failureShape === 'outcome.error')
			return { error: failureReason(task) };
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
			if (typeof body.model !== 'string' || !MODELS.includes(body.model)) {
				return { error: `model must be one of ${MODELS.join(', ')}` };
			}
			const payload = body.payload;
			if (!isObject(payload)) return { error: 'payload must be an object' };
			const problem =
				imageProblem('payload.image', payload.image, {
					accepted: ['url', 'rawBase64', 'dataUri'],
					only: checks.imageBytes,
					checkAspect: true,
				}) ??
				textProblem('payload.prompt', payload.prompt, false) ??
				textProblem('payload.negative_prompt', payload.negative_prompt, false) ??
				(payload.duration !== undefined && payload.duration !== '5' && payload.duration !== '10'
					? 'payload.duration must be the string "5" or "10"'
					: undefined) ??
				unitNumberProblem('payload.cfg_scale', payload.cfg_scale);
			return problem ? { error: problem } : { model: body.model };
		},

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
			if (view.status === 'failed' && failureShape === 'error.object') {
				response.error = { code: 'GENERATION_FAILED', message: failureReason(task) };
			}
			return response;
		},

		// [G] GMI documents no error body; a single error string is what its other endpoints return.
		errorBody: (error: ApiError) => ({ error: error.message ?? defaultMessage(error.reason) }),

		balanceResponse: () => ({}),

		modelsResponse: () => ({
			model_ids: [...MODELS, 'Kling-Text2Video-V2.1-Master', 'Veo3', 'Veo3-Fast'],
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
