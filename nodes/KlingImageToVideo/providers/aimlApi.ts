import { isObject, readErrorField, readString } from './fields';
import { FIVE_OR_TEN_SECONDS, offerOf, requestFields, routeOf, type ModelRow } from './modelTable';
import type { ProviderAdapter, ProviderError, TaskSnapshot, TaskStatus } from './types';

/** AI/ML API: one generations endpoint, the model and tier chosen by model id. No eta. */

/** AI/ML documents 3–4 minutes for a 5 s video and 6–8 for 10 s. */
const PUBLISHED_SECONDS_V21 = { standard: 210, professional: 270, master: 330 };

const MODELS: ReadonlyArray<ModelRow<string>> = [
	{
		model: 'v2.1',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: false,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
		},
		tiers: {
			standard: 'kling-video/v2.1/standard/image-to-video',
			professional: 'kling-video/v2.1/pro/image-to-video',
			master: 'klingai/v2.1-master-image-to-video',
		},
		durations: FIVE_OR_TEN_SECONDS,
		publishedSeconds: PUBLISHED_SECONDS_V21,
	},
];

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

const buildSubmit: ProviderAdapter['buildSubmit'] = (request, options) => {
	const { row, target } = routeOf(MODELS, request);
	const { fields, alternates } = requestFields(request, row.form, options.alternates);
	return {
		call: { method: 'POST', path: GENERATIONS_PATH, body: { model: target, ...fields } },
		alternates,
	};
};

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

function readError(statusCode: number, body: unknown): ProviderError | undefined {
	if (statusCode >= 200 && statusCode < 300) return undefined;
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
	billingPageUrl: 'https://aimlapi.com/app/billing/',
	offers: MODELS.map(offerOf),
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
	readError,
};
