import { isObject, readErrorField, readStatusWord, readString } from './fields';
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
			// [C] The docs build `data:{mime};base64,…` for image_url; no example sends raw base64.
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

/** [C] The poll schema's queued/generating/completed/error, and the words older docs used (complete, waiting, active). */
const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	queued: 'queued',
	waiting: 'queued',
	generating: 'processing',
	active: 'processing',
	processing: 'processing',
	completed: 'succeeded',
	complete: 'succeeded',
	success: 'succeeded',
	error: 'failed',
	failed: 'failed',
	cancelled: 'cancelled',
	canceled: 'cancelled',
};

/** [C] The 403 "You've run out of credits. Please top up your balance …" (not the 429 free-tier limit). */
const OUT_OF_CREDITS = /run out of credits|top up your balance/i;

/** [C] X-Client-Request-Id: 1–128 characters from A–Z a–z 0–9 . _ : - (others are silently dropped). */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

const GENERATIONS_PATH = '/v2/video/generations';

const buildSubmit: ProviderAdapter['buildSubmit'] = (request, options) => {
	const { row, target } = routeOf(MODELS, request);
	const { fields, alternates } = requestFields(request, row.form, options.alternates);
	// Recorded as client_request_id in the usage logs: an unconfirmed submission can be found by it.
	const headers = CLIENT_REQUEST_ID.test(options.submissionId)
		? { 'X-Client-Request-Id': options.submissionId }
		: undefined;
	return {
		call: {
			method: 'POST',
			path: GENERATIONS_PATH,
			...(headers && { headers }),
			body: { model: target, ...fields },
		},
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
	const videoUrl = readVideoUrl(body.video);
	const { status, unrecognizedStatus } = readStatusWord(
		providerStatus,
		STATUS_BY_PROVIDER_STATUS,
		videoUrl,
	);
	const snapshot: TaskSnapshot = { taskId: readString(body.id) ?? taskId, status };
	if (unrecognizedStatus !== undefined) snapshot.unrecognizedStatus = readString(body.status);
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

/** [C] `{message, path, requestId, statusCode, timestamp}`, message sometimes a list; `{error: {message}}` also read. */
function readError(statusCode: number, body: unknown): ProviderError | undefined {
	if (statusCode >= 200 && statusCode < 300) return undefined;
	if (!isObject(body)) return {};
	const nested = readErrorField(body.error);
	const messages = Array.isArray(body.message)
		? body.message.map(readString).filter(Boolean).join('; ')
		: undefined;
	const message = messages || readString(body.message) || nested?.message;
	const error: ProviderError = { message, code: readString(body.statusCode) ?? nested?.code };
	if (message && OUT_OF_CREDITS.test(message)) error.meaning = 'balance';
	return error;
}

export const aimlApi: ProviderAdapter = {
	id: 'aimlApi',
	displayName: 'AI/ML API',
	credentialType: 'aimlApi',
	keyPageUrl: 'https://aimlapi.com/app/keys',
	billingPageUrl: 'https://aimlapi.com/app/billing/', // [C] named in its own 403 "run out of credits"
	submissionIdHint:
		'AI/ML API records it as client_request_id in its usage logs (GET https://api.aimlapi.com/v2/logs?period=24h with your key), next to the generation and its cost',
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
