import type { SimTask } from '../tasks';
import type { ProviderId, ResponseShapes } from '../types';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, ProviderAdapter, StatusView } from './adapter';
import { imageProblem, textProblem, unitNumberProblem } from './validation';

const SUBMIT_ENDPOINTS: Record<string, string> = {
	'/v3/async/kling-v2.1-i2v': 'kling-v2.1-i2v',
	'/v3/async/kling-v2.1-i2v-master': 'kling-v2.1-i2v-master',
};

const STATUS_NAMES = {
	queued: 'TASK_STATUS_QUEUED',
	processing: 'TASK_STATUS_PROCESSING',
	succeeded: 'TASK_STATUS_SUCCEED',
	failed: 'TASK_STATUS_FAILED',
	cancelled: 'TASK_STATUS_CANCELED', // [3P]
} as const;

/**
 * Novita's v3 async API, which MyRouter and HighwayAPI serve unchanged (white labels); `shapes`
 * picks how a failed task is reported.
 */
export function novitaAdapter(provider: ProviderId, shapes: ResponseShapes): ProviderAdapter {
	return {
		...novitaApi,
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

const novitaApi: ProviderAdapter = {
	route(method, path, query): ApiRoute | undefined {
		if (method === 'POST' && SUBMIT_ENDPOINTS[path])
			return { kind: 'submit', endpointModel: SUBMIT_ENDPOINTS[path] };
		if (method === 'GET' && path === '/v3/async/task-result')
			return { kind: 'status', taskId: query.get('task_id') ?? '' };
		if (method === 'GET' && path === '/openapi/v1/billing/balance/detail')
			return { kind: 'balance' };
		return undefined;
	},

	validateSubmit(route, body, checks) {
		const model = route.kind === 'submit' ? (route.endpointModel ?? '') : '';
		if (!isObject(body)) return { error: 'request body must be a JSON object' };
		const problem =
			imageProblem('image', body.image, {
				accepted: ['url', 'rawBase64'],
				only: checks.imageBytes,
			}) ??
			textProblem('prompt', body.prompt, true) ??
			textProblem('negative_prompt', body.negative_prompt, false) ??
			(body.duration !== undefined && body.duration !== '5' && body.duration !== '10'
				? 'duration must be the string "5" or "10"'
				: undefined) ??
			unitNumberProblem('guidance_scale', body.guidance_scale) ??
			(model === 'kling-v2.1-i2v' &&
			body.mode !== undefined &&
			body.mode !== 'Standard' &&
			body.mode !== 'Professional'
				? 'mode must be "Standard" or "Professional"'
				: undefined);
		return problem ? { error: problem } : { model };
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
				task_type:
					task.model === 'kling-v2.1-i2v-master' ? 'KLING_V2.1_I2V_MASTER' : 'KLING_V2.1_I2V',
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
