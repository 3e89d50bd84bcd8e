import { randomUUID } from 'node:crypto';
import type { SimTask } from '../tasks';
import { defaultMessage, isObject } from './adapter';
import type { ApiError, ApiRoute, ProviderAdapter, StatusView } from './adapter';
import { imageProblem, textProblem, unitNumberProblem } from './validation';

const MODELS = [
	'kling-video/v2.1/standard/image-to-video',
	'kling-video/v2.1/pro/image-to-video',
	'klingai/v2.1-master-image-to-video',
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

/** AI/ML API's v2 video generation API. */
export const aimlApiAdapter: ProviderAdapter = {
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
		if (typeof body.model !== 'string' || !MODELS.includes(body.model)) {
			return { error: `model must be one of ${MODELS.join(', ')}` };
		}
		const problem =
			imageProblem('image_url', body.image_url, {
				accepted: ['url', 'dataUri', 'rawBase64'],
				only: checks.imageBytes,
			}) ??
			textProblem('prompt', body.prompt, false) ??
			textProblem('negative_prompt', body.negative_prompt, false) ??
			(body.duration !== undefined && body.duration !== 5 && body.duration !== 10
				? 'duration must be the integer 5 or 10'
				: undefined) ??
			unitNumberProblem('cfg_scale', body.cfg_scale);
		return problem ? { error: problem } : { model: body.model };
	},

	submitResponse: (task) => ({ id: task.id, status: 'queued' }),

	statusResponse(task: SimTask, view: StatusView) {
		const response: Record<string, unknown> = {
			id: task.id,
			status: view.statusWord ?? STATUS_NAMES[view.status],
		};
		if (view.videoUrl) {
			response.video = { url: view.videoUrl };
			const duration = isObject(task.body) && task.body.duration === 10 ? 10 : 5;
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
