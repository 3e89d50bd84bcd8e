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

/** GMI Cloud's request queue: the model id picks the mode, the parameters go in `payload`. No eta. */

const MODEL_BY_MODE: Record<VideoMode, string> = {
	standard: 'Kling-Image2Video-V2.1-Standard',
	professional: 'Kling-Image2Video-V2.1-Pro',
	master: 'Kling-Image2Video-V2.1-Master',
};

const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	queued: 'queued',
	dispatched: 'queued',
	processing: 'processing',
	success: 'succeeded',
	succeeded: 'succeeded',
	failed: 'failed',
	cancelled: 'cancelled',
	canceled: 'cancelled',
};

const REQUESTS_PATH = '/api/v1/ie/requestqueue/apikey/requests';

function buildSubmit(request: GenerationRequest): ApiCall {
	const payload: Record<string, string | number> = {
		image:
			request.image.kind === 'url'
				? request.image.url
				: toDataUri(request.image.base64, request.image.mimeType),
		duration: String(request.duration),
		cfg_scale: request.guidanceScale,
	};
	if (request.prompt) payload.prompt = request.prompt;
	if (request.negativePrompt) payload.negative_prompt = request.negativePrompt;
	return {
		method: 'POST',
		path: REQUESTS_PATH,
		body: { model: MODEL_BY_MODE[request.mode], payload },
	};
}

function parseSubmit(body: unknown): string {
	const taskId = isObject(body) ? readString(body.request_id) : undefined;
	if (taskId === undefined) throw new Error('the answer has no request_id');
	return taskId;
}

/** The docs show `outcome.video_url`; live answers reportedly carry `outcome.media_urls[0].url`. */
function readVideoUrl(outcome: Record<string, unknown>): string | undefined {
	const direct = readString(outcome.video_url);
	if (direct) return direct;
	const mediaUrls = Array.isArray(outcome.media_urls) ? outcome.media_urls : [];
	return mediaUrls
		.map((media) => (isObject(media) ? readString(media.url) : readString(media)))
		.find(Boolean);
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	if (!isObject(body) || readString(body.status) === undefined)
		throw new Error('the answer has no status');
	const providerStatus = readString(body.status)!.toLowerCase();
	const status = STATUS_BY_PROVIDER_STATUS[providerStatus] ?? 'processing';
	const snapshot: TaskSnapshot = { taskId: readString(body.request_id) ?? taskId, status };
	const outcome = isObject(body.outcome) ? body.outcome : {};

	const videoUrl = readVideoUrl(outcome);
	if (videoUrl) snapshot.videoUrl = videoUrl;

	if (status === 'failed' || status === 'cancelled') {
		const error = readErrorField(outcome.error) ?? readErrorField(body.error);
		snapshot.error = {
			message: error?.message || `the request ended with status ${providerStatus}`,
		};
		if (error?.code) snapshot.error.code = error.code;
	}
	return snapshot;
}

function parseError(body: unknown) {
	if (!isObject(body)) return {};
	const error = readErrorField(body.error);
	return {
		message: readString(body.message) ?? error?.message ?? readString(body.detail),
		code: readString(body.code) ?? error?.code,
	};
}

export const gmiCloud: ProviderAdapter = {
	id: 'gmiCloud',
	displayName: 'GMI Cloud',
	credentialType: 'gmiCloudApi',
	keyPageUrl: 'https://console.gmicloud.ai',
	modes: VIDEO_MODES,
	promptRequired: false,
	reportsProgress: false,
	taskIdPattern: /^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/,
	taskIdExample: '3f2b8c1e-6d4a-4f0b-9a7e-2c5d8e1f0a3b',
	buildSubmit,
	parseSubmit,
	buildStatus: (taskId) => ({
		method: 'GET',
		path: `${REQUESTS_PATH}/${encodeURIComponent(taskId)}`,
	}),
	parseStatus,
	parseError,
};
