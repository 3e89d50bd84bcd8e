import { isObject, readErrorField, readNumber, readString } from './fields';
import {
	VIDEO_MODES,
	type ApiCall,
	type GenerationRequest,
	type ProviderAdapter,
	type ProviderId,
	type TaskSnapshot,
	type TaskStatus,
} from './types';

/**
 * Novita AI's v3 async API, which MyRouter and HighwayAPI serve unchanged under their own hosts.
 * Master is a separate endpoint without `mode`; images go as a URL or raw base64 (no data: prefix).
 */

const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	TASK_STATUS_QUEUED: 'queued',
	TASK_STATUS_PROCESSING: 'processing',
	TASK_STATUS_SUCCEED: 'succeeded',
	TASK_STATUS_FAILED: 'failed',
	TASK_STATUS_CANCELED: 'cancelled',
	TASK_STATUS_CANCELLED: 'cancelled',
};

function buildSubmit(request: GenerationRequest): ApiCall {
	const body: ApiCall['body'] = {
		image: request.image.kind === 'url' ? request.image.url : request.image.base64,
		prompt: request.prompt,
		duration: String(request.duration),
		guidance_scale: request.guidanceScale,
	};
	if (request.negativePrompt) body.negative_prompt = request.negativePrompt;
	if (request.mode === 'master') {
		return { method: 'POST', path: '/v3/async/kling-v2.1-i2v-master', body };
	}
	body.mode = request.mode === 'professional' ? 'Professional' : 'Standard';
	return { method: 'POST', path: '/v3/async/kling-v2.1-i2v', body };
}

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

function parseError(body: unknown) {
	if (!isObject(body)) return {};
	return {
		message: readString(body.message) ?? readString(body.reason),
		code: readString(body.reason) ?? readString(body.code),
	};
}

function novitaStyleProvider(
	id: ProviderId,
	displayName: string,
	credentialType: string,
	keyPageUrl: string,
): ProviderAdapter {
	return {
		id,
		displayName,
		credentialType,
		keyPageUrl,
		modes: VIDEO_MODES,
		promptRequired: true,
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
		parseError,
	};
}

export const novita = novitaStyleProvider(
	'novita',
	'Novita AI',
	'novitaApi',
	'https://novita.ai/settings/key-management',
);
export const myRouter = novitaStyleProvider(
	'myRouter',
	'MyRouter',
	'myRouterApi',
	'https://myrouter.ai',
);
export const highwayApi = novitaStyleProvider(
	'highwayApi',
	'HighwayAPI',
	'highwayApi',
	'https://highwayapi.ai',
);
