import { aimlApiBalance } from './accountFacts';
import { isObject, readErrorField, readString } from './fields';
import {
	errorReader,
	failedTaskError,
	readingModelNotServed,
	lowerCase,
	readStatusWord,
	requireTaskId,
} from './kit';
import {
	FIVE_OR_TEN_SECONDS,
	offerOf,
	requestFields,
	routeOf,
	THREE_TO_FIFTEEN_SECONDS,
	type ModelRow,
} from './modelTable';
import type { ElementsForm, StoryboardForm } from '../requestFields';
import type { ProviderAdapter, ProviderError, TaskSnapshot, TaskStatus } from './types';

/** AI/ML API: one generations endpoint, the model and tier chosen by model id. No eta. */

/**
 * Seconds for a 5 s video, from the one example run each model page quotes [C]: 2.1 "3–4 minutes
 * for a 5-second video" (pro; standard a little faster, master "5–6"), 2.6 "~1 min 50 sec", 3.0
 * standard "~3 min 55 sec" and pro "~6 min 41 sec" for 10 s (halved here), O1 "~1 min 19 sec".
 * 2.5 Turbo publishes none.
 */
const PUBLISHED_SECONDS = {
	'v2.1': { standard: 210, professional: 270, master: 330 },
	'v2.6': { professional: 110 },
	'v3.0': { standard: 118, professional: 200 },
	o1: { professional: 79 },
} as const;

/**
 * [C] 3.0's `prompt` or `multi_prompt`, not both; `shot_type` "customize" | "intelligent". The
 * schema types multi_prompt items as strings, its description speaks of per-shot durations [?]:
 * objects first, strings once after a 400/422 naming the field.
 */
const V3_STORYBOARD: StoryboardForm = {
	field: 'multi_prompt',
	entry: 'promptDuration',
	shotDuration: 'integer',
	shotType: { field: 'shot_type', custom: 'customize', auto: 'intelligent' },
	prompt: 'either',
	textAlternate: true,
};

/**
 * [C] 3.0's `elements`: up to 4, each `reference_image_urls` (1–4, required) and an optional
 * `frontal_image_url` (a `video_url` too, which the node does not send).
 */
const V3_ELEMENTS: ElementsForm = {
	field: 'elements',
	frontal: 'frontal_image_url',
	references: 'reference_image_urls',
	maxElements: 4,
	maxReferences: 4,
	frontalRequired: false,
};

/**
 * Every Kling image-to-video schema in aimlapi/api-docs, docs/api-references/video-models/Kling-AI
 * [C]. `image_url` takes a link or base64; the docs' own example sends a data: URI. `provider` is
 * left at its default. 3.0 takes `prompt` or `multi_prompt`: a prompt is required unless custom shots
 * replace it (the storyboard field).
 */
const MODELS: ReadonlyArray<ModelRow<string>> = [
	{
		// No tail_image_url in the 2.1 schemas.
		model: 'v2.1',
		form: {
			image: 'image_url',
			// [C] The docs build `data:{mime};base64,…` for image_url; no example sends raw base64.
			imageBytes: 'dataUri',
			promptRequired: false,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
			// [C] The v2.1-pro page: `static_mask`, "URL of the image for Static Brush Application
			// Area (Mask image created by users using the motion brush)".
			staticMask: 'static_mask',
		},
		// Only the pro page documents it.
		staticMaskModes: ['professional'],
		tiers: {
			standard: 'kling-video/v2.1/standard/image-to-video',
			professional: 'kling-video/v2.1/pro/image-to-video',
			master: 'klingai/v2.1-master-image-to-video',
		},
		durations: FIVE_OR_TEN_SECONDS,
		publishedSeconds: PUBLISHED_SECONDS['v2.1'],
	},
	{
		// v2.5-turbo-pro-image-to-video.json: only a pro id; prompt required.
		model: 'v2.5-turbo',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
		},
		tiers: { professional: 'klingai/v2.5-turbo/pro/image-to-video' },
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// video-v2-6-pro-image-to-video.json: `generate_audio` defaults to true; no cfg_scale.
		model: 'v2.6',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			sound: { field: 'generate_audio', on: true, off: false },
		},
		tiers: { professional: 'klingai/video-v2-6-pro-image-to-video' },
		durations: FIVE_OR_TEN_SECONDS,
		publishedSeconds: PUBLISHED_SECONDS['v2.6'],
	},
	{
		// video-v3-{standard,pro}-image-to-video.json: 3 to 15 s, audio on by default. The end frame
		// [?]: the schema names it `tail_image_url`, the same docs' example
		// (kling-ai/v3-standard-image-to-video.md) sends `last_image_url`: the image goes under both,
		// so it is read whichever the live API takes.
		model: 'v3.0',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
			sound: { field: 'generate_audio', on: true, off: false },
			endImage: ['tail_image_url', 'last_image_url'],
			storyboard: V3_STORYBOARD,
			elements: V3_ELEMENTS,
		},
		tiers: {
			standard: 'klingai/video-v3-standard-image-to-video',
			professional: 'klingai/video-v3-pro-image-to-video',
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
		publishedSeconds: PUBLISHED_SECONDS['v3.0'],
	},
	{
		// video-o1-image-to-video.json: `last_image_url`; no negative prompt, no cfg_scale. One tier,
		// named as Kling's default for O1 (pro).
		model: 'o1',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'integer',
			endImage: 'last_image_url',
		},
		tiers: { professional: 'klingai/video-o1-image-to-video' },
		durations: FIVE_OR_TEN_SECONDS,
		publishedSeconds: PUBLISHED_SECONDS.o1,
	},
	{
		// v3-standard-turbo-… and v3-turbo-pro-…: `prompt` optional (≤3072), 3 to 15 s; no audio,
		// end frame, negative prompt, cfg_scale or provider field.
		model: 'v3.0-turbo',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: false,
			duration: 'integer',
			// [C] `multi_prompt`: 1–6 objects `{prompt (≤3072), duration (int 1–15)}`, mutually
			// exclusive with `prompt`; the schema has no shot_type, so no automatic shots.
			storyboard: {
				field: 'multi_prompt',
				entry: 'promptDuration',
				shotDuration: 'integer',
				prompt: 'either',
				maxShotChars: 3072,
			},
		},
		tiers: {
			standard: 'klingai/video-v3-standard-turbo-image-to-video',
			professional: 'klingai/video-v3-turbo-pro-image-to-video',
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
	{
		// v3-omni-{720p,1080p}-image-to-video.json: as v3; `tail_image_url` is "Not supported when
		// generate_audio is enabled", and audio is on by default (sent off unless asked for).
		model: 'v3.0-omni',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
			sound: { field: 'generate_audio', on: true, off: false },
			endImage: 'tail_image_url',
			// [C] as v3 (subject references included); `shot_type` also takes "intelligence".
			storyboard: V3_STORYBOARD,
			elements: V3_ELEMENTS,
		},
		tiers: {
			standard: 'klingai/video-v3-omni-720p-image-to-video',
			professional: 'klingai/video-v3-omni-1080p-image-to-video',
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
		endFrameWithSound: false,
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

const buildSubmit: ProviderAdapter['submit']['build'] = (request, options) => {
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
	return requireTaskId(taskId, 'generation id');
}

function readVideoUrl(video: unknown): string | undefined {
	if (Array.isArray(video)) return video.map(readVideoUrl).find(Boolean);
	return isObject(video) ? readString(video.url) : readString(video);
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	if (!isObject(body) || readString(body.status) === undefined)
		throw new Error('the answer has no status');
	const rawStatus = readString(body.status)!;
	const providerStatus = rawStatus.toLowerCase();
	const videoUrl = readVideoUrl(body.video);
	const snapshot: TaskSnapshot = {
		taskId: readString(body.id) ?? taskId,
		...readStatusWord(rawStatus, STATUS_BY_PROVIDER_STATUS, videoUrl, lowerCase),
	};
	const { status } = snapshot;
	if (videoUrl) snapshot.videoUrl = videoUrl;

	if (status === 'failed' || status === 'cancelled') {
		const error = readErrorField(body.error);
		snapshot.error = failedTaskError(error, `the generation ended with status ${providerStatus}`);
	}
	return snapshot;
}

/** [C] `{message, path, requestId, statusCode, timestamp}`, message sometimes a list; `{error: {message}}` also read. */
const readError = errorReader((_statusCode, body): ProviderError => {
	const nested = readErrorField(body.error);
	const messages = Array.isArray(body.message)
		? body.message.map(readString).filter(Boolean).join('; ')
		: undefined;
	const message = messages || readString(body.message) || nested?.message;
	const error: ProviderError = { message, code: readString(body.statusCode) ?? nested?.code };
	if (message && OUT_OF_CREDITS.test(message)) error.meaning = 'balance';
	return error;
});

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
	submit: { build: buildSubmit, parse: parseSubmit },
	status: {
		build: (taskId) => ({ method: 'GET', path: GENERATIONS_PATH, qs: { generation_id: taskId } }),
		parse: parseStatus,
	},
	// A 400/422 whose validation names the model: the id is no longer served.
	readError: readingModelNotServed(readError),
	balance: aimlApiBalance,
};
