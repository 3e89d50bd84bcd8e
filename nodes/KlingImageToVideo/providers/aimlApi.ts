import { isObject, readErrorField, readString, toDataUri } from './fields';
import {
	VIDEO_MODES,
	type ApiCall,
	type GenerationRequest,
	type ProviderAdapter,
	type TaskSnapshot,
	type TaskStatus,
	type VideoMode,
} from './types';

/** AI/ML API: one generations endpoint, the mode chosen by model id, duration as an integer. No eta. */

const MODEL_BY_MODE: Record<VideoMode, string> = {
	standard: 'kling-video/v2.1/standard/image-to-video',
	professional: 'kling-video/v2.1/pro/image-to-video',
	master: 'klingai/v2.1-master-image-to-video',
};

const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	queued: 'queued',
	waiting: 'queued',
	generating: 'processing',
	active: 'processing',
	processing: 'processing',
	completed: 'succeeded',
	success: 'succeeded',
	error: 'failed',
	failed: 'failed',
	cancelled: 'cancelled',
	canceled: 'cancelled',
};

const GENERATIONS_PATH = '/v2/video/generations';

function buildSubmit(request: GenerationRequest): ApiCall {
	const body: ApiCall['body'] = {
		model: MODEL_BY_MODE[request.mode],
		image_url:
			request.image.kind === 'url'
				? request.image.url
				: toDataUri(request.image.base64, request.image.mimeType),
		duration: request.duration,
		cfg_scale: request.guidanceScale,
	};
	if (request.prompt) body.prompt = request.prompt;
	if (request.negativePrompt) body.negative_prompt = request.negativePrompt;
	return { method: 'POST', path: GENERATIONS_PATH, body };
}

function parseSubmit(body: unknown): string {
	const taskId = isObject(body)
		? (readString(body.id) ?? readString(body.generation_id))
		: undefined;
	if (taskId === undefined) throw new Error('the answer has no generation id');
	return taskId;
}

function readVideoUrl(video: unknown): string | undefined {
	if (Array.isArray(video)) return video.map(readVideoUrl).find(Boolean);
	return isObject(video) ? readString(video.url) : readString(video);
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	if (!isObject(body) || readString(body.status) === undefined)
		throw new Error('the answer has no status');
	const providerStatus = readString(body.status)!.toLowerCase();
	const status = STATUS_BY_PROVIDER_STATUS[providerStatus] ?? 'processing';
	const snapshot: TaskSnapshot = { taskId: readString(body.id) ?? taskId, status };

	const videoUrl = readVideoUrl(body.video);
	if (videoUrl) snapshot.videoUrl = videoUrl;

	if (status === 'failed' || status === 'cancelled') {
		const error = readErrorField(body.error);
		snapshot.error = {
			message: error?.message || `the generation ended with status ${providerStatus}`,
		};
		if (error?.code) snapshot.error.code = error.code;
	}
	return snapshot;
}

function parseError(body: unknown) {
	if (!isObject(body)) return {};
	const message = Array.isArray(body.message)
		? body.message.map(readString).filter(Boolean).join('; ')
		: undefined;
	return {
		message: message || readString(body.message) || readErrorField(body.error)?.message,
		code: readString(body.statusCode) ?? readErrorField(body.error)?.code,
	};
}

export const aimlApi: ProviderAdapter = {
	id: 'aimlApi',
	displayName: 'AI/ML API',
	credentialType: 'aimlApi',
	keyPageUrl: 'https://aimlapi.com/app/keys',
	modes: VIDEO_MODES,
	promptRequired: false,
	reportsProgress: false,
	taskIdPattern: /^[A-Za-z0-9][A-Za-z0-9_.:/-]{7,255}$/,
	taskIdExample: '9b1b6d5f-2c7e-4c1a-9d4e-0f6a7b8c9d0e:kling-video/v2.1/standard/image-to-video',
	buildSubmit,
	parseSubmit,
	buildStatus: (taskId) => ({
		method: 'GET',
		path: GENERATIONS_PATH,
		qs: { generation_id: taskId },
	}),
	parseStatus,
	parseError,
};
