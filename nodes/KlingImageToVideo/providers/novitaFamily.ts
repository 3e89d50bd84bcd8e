import { isObject, readErrorField, readNumber, readString } from './fields';
import { FIVE_OR_TEN_SECONDS, offerOf, requestFields, routeOf, type ModelRow } from './modelTable';
import type { ProviderAdapter, ProviderError, ProviderId, TaskSnapshot, TaskStatus } from './types';

/**
 * Novita AI's v3 async API, which MyRouter and HighwayAPI serve unchanged under their own hosts:
 * one endpoint per model (and per tier where the tier is not a field), one task-result route.
 */

/** The endpoint of a tier, and the `mode` value it takes where the tier is a field. */
interface NovitaTarget {
	path: string;
	mode?: string;
}

const MODELS: ReadonlyArray<ModelRow<NovitaTarget>> = [
	{
		model: 'v2.1',
		form: {
			image: 'image',
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'string',
			negativePrompt: 'negative_prompt',
			guidance: 'guidance_scale',
		},
		tiers: {
			standard: { path: '/v3/async/kling-v2.1-i2v', mode: 'Standard' },
			professional: { path: '/v3/async/kling-v2.1-i2v', mode: 'Professional' },
			master: { path: '/v3/async/kling-v2.1-i2v-master' },
		},
		durations: FIVE_OR_TEN_SECONDS,
	},
];

const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	TASK_STATUS_QUEUED: 'queued',
	TASK_STATUS_PROCESSING: 'processing',
	TASK_STATUS_SUCCEED: 'succeeded',
	TASK_STATUS_FAILED: 'failed',
	TASK_STATUS_CANCELED: 'cancelled',
	TASK_STATUS_CANCELLED: 'cancelled',
};

const buildSubmit: ProviderAdapter['buildSubmit'] = (request, options) => {
	const { row, target } = routeOf(MODELS, request);
	const { fields, alternates } = requestFields(request, row.form, options.alternates);
	return {
		call: {
			method: 'POST',
			path: target.path,
			body: { ...fields, ...(target.mode && { mode: target.mode }) },
		},
		alternates,
	};
};

function parseSubmit(body: unknown): string {
	const taskId = isObject(body) ? readString(body.task_id) : undefined;
	if (taskId === undefined) throw new Error('the answer has no task_id');
	return taskId;
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	if (!isObject(body) || !isObject(body.task)) throw new Error('the answer has no task object');
	const task = body.task;
	const providerStatus = readString(task.status) ?? '';
	const status = STATUS_BY_PROVIDER_STATUS[providerStatus.toUpperCase()] ?? 'processing';
	const snapshot: TaskSnapshot = { taskId: readString(task.task_id) ?? taskId, status };

	const progress = readNumber(task.progress_percent);
	if (progress !== undefined) snapshot.progress = progress;
	const eta = readNumber(task.eta);
	if (eta !== undefined && status !== 'succeeded') snapshot.etaSeconds = Math.max(0, eta);

	const videos = Array.isArray(body.videos) ? body.videos : [];
	const videoUrl = videos
		.map((video) => (isObject(video) ? readString(video.video_url) : undefined))
		.find(Boolean);
	if (videoUrl) snapshot.videoUrl = videoUrl;

	if (status === 'failed' || status === 'cancelled') {
		const reason = readErrorField(task.reason);
		snapshot.error = {
			message: reason?.message || `the task ended with ${providerStatus}`,
			code: providerStatus,
		};
	}
	return snapshot;
}

function readError(statusCode: number, body: unknown): ProviderError | undefined {
	if (statusCode >= 200 && statusCode < 300) return undefined;
	if (!isObject(body)) return {};
	return {
		message: readString(body.message) ?? readString(body.reason),
		code: readString(body.reason) ?? readString(body.code),
	};
}

const offers = MODELS.map(offerOf);

function novitaStyleProvider(
	id: ProviderId,
	displayName: string,
	credentialType: string,
	keyPageUrl: string,
	billingPageUrl: string,
): ProviderAdapter {
	return {
		id,
		displayName,
		credentialType,
		keyPageUrl,
		billingPageUrl,
		offers,
		reportsProgress: true,
		taskIdPattern: /^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/,
		taskIdExample: '830d9c90-d53f-4c5a-8009-6f3d2a1b9e47',
		buildSubmit,
		parseSubmit,
		buildStatus: (taskId) => ({
			method: 'GET',
			path: '/v3/async/task-result',
			qs: { task_id: taskId },
		}),
		parseStatus,
		readError,
	};
}

export const novita = novitaStyleProvider(
	'novita',
	'Novita AI',
	'novitaApi',
	'https://novita.ai/settings/key-management',
	'https://novita.ai/billing',
);
export const myRouter = novitaStyleProvider(
	'myRouter',
	'MyRouter',
	'myRouterApi',
	'https://myrouter.ai',
	'https://myrouter.ai',
);
export const highwayApi = novitaStyleProvider(
	'highwayApi',
	'HighwayAPI',
	'highwayApi',
	'https://highwayapi.ai',
	'https://highwayapi.ai',
);
