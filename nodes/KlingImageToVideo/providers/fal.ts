import { isObject, readNumber, readString, readValidationDetail } from './fields';
import {
	errorReader,
	failedTaskError,
	readingModelNotServed,
	readStatusWord,
	requireTaskId,
	upperCase,
} from './kit';
import {
	FIVE_OR_TEN_SECONDS,
	offerOf,
	requestFields,
	routeOf,
	THREE_TO_FIFTEEN_SECONDS,
	type ModelRow,
	type RequestForm,
} from './modelTable';
import type { StoryboardForm } from '../requestFields';
import type {
	ApiAction,
	ApiCall,
	GenerationRequest,
	ProviderAdapter,
	ProviderError,
	RefusalAdvice,
	TaskSnapshot,
	TaskStatus,
} from './types';

/**
 * fal.ai's queue: a request is submitted to the model's own path, and its status and result are
 * read under the app id (`fal-ai/kling-video`), not the model path. The status says only
 * COMPLETED; the video, or the error, comes from the result request. Sources: fal's client code
 * (fal-ai/fal-js, fal-ai/fal) and its generated endpoint types, and fal's docs [C].
 */

const APP_ID = 'fal-ai/kling-video';

/**
 * Images go as URLs, or as data URIs: fal's CDN docs say models accept URLs and "some" accept data
 * URIs, and fal's own clients build data URIs for inputs [C]; no Kling page confirms it [?]. The
 * bytes travel in the one request to the API host: no upload to a storage host, where the key
 * would have to go too.
 */
const V2_FORM: RequestForm = {
	image: 'image_url',
	imageBytes: 'dataUri',
	promptRequired: true,
	duration: 'string',
	negativePrompt: 'negative_prompt',
	guidance: 'cfg_scale',
	endImage: 'tail_image_url',
};

/** 2.6 and later: `start_image_url`, `end_image_url`, and audio unless told otherwise. */
const V26_FORM: RequestForm = {
	image: 'start_image_url',
	imageBytes: 'dataUri',
	promptRequired: true,
	duration: 'string',
	negativePrompt: 'negative_prompt',
	// generate_audio defaults to true: it is always sent, so silence is not paid for as sound.
	sound: { field: 'generate_audio', on: true, off: false },
	endImage: 'end_image_url',
};

/** [3P copy of fal's docs] `multi_prompt`, a list of {prompt, duration}, with `shot_type: "customize"`. */
const SHOTS_FORM: StoryboardForm = {
	field: 'multi_prompt',
	entry: 'promptDuration',
	shotDuration: 'string',
	shotType: { field: 'shot_type', custom: 'customize' },
	prompt: 'either',
};

const MODELS: ReadonlyArray<ModelRow<string>> = [
	{
		model: 'v2.1',
		form: V2_FORM,
		tiers: {
			standard: `${APP_ID}/v2.1/standard/image-to-video`,
			professional: `${APP_ID}/v2.1/pro/image-to-video`,
			master: `${APP_ID}/v2.1/master/image-to-video`,
		},
		durations: FIVE_OR_TEN_SECONDS,
		// tail_image_url is in the pro schema only.
		endFrameModes: ['professional'],
		// fal's 2.1 Pro page: "approximately 5m".
		publishedSeconds: { professional: 300 },
	},
	{
		model: 'v2.5-turbo',
		form: V2_FORM,
		tiers: {
			standard: `${APP_ID}/v2.5-turbo/standard/image-to-video`,
			professional: `${APP_ID}/v2.5-turbo/pro/image-to-video`,
		},
		durations: FIVE_OR_TEN_SECONDS,
		endFrameModes: ['professional'],
	},
	{
		model: 'v2.6',
		// No cfg_scale in the 2.6 schema; no standard tier for image-to-video.
		form: V26_FORM,
		tiers: { professional: `${APP_ID}/v2.6/pro/image-to-video` },
		durations: FIVE_OR_TEN_SECONDS,
		// Kling itself takes an end frame on 2.6 only without sound [3P]; fal's schema does not say [?].
		endFrameWithSound: false,
	},
	{
		model: 'v3.0',
		// Prompt or multi_prompt: a prompt is required unless custom shots replace it. [3P copy of
		// fal's docs] `multi_prompt` (a list of {prompt, duration}) with `shot_type: "customize"`.
		form: {
			...V26_FORM,
			guidance: 'cfg_scale',
			storyboard: SHOTS_FORM,
			// [3P copy of fal's docs] `elements`, an image set each (frontal + references), named
			// @Element1… in the prompt. Its counts are not recorded [?]: AI/ML API's (4 of 1–4) are kept,
			// and a frontal image is asked for, which both readings take.
			elements: {
				field: 'elements',
				frontal: 'frontal_image_url',
				references: 'reference_image_urls',
				maxElements: 4,
				maxReferences: 4,
				frontalRequired: true,
				promptName: '@Element{n}',
			},
		},
		tiers: {
			standard: `${APP_ID}/v3/standard/image-to-video`,
			professional: `${APP_ID}/v3/pro/image-to-video`,
			'4k': `${APP_ID}/v3/4k/image-to-video`,
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
	{
		model: 'o1',
		// No negative prompt, guidance or audio. The schema says 3 to 10 s, fal's model page "5 or
		// 10-second" [?]: both readings take 5 and 10.
		form: {
			image: 'start_image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'string',
			endImage: 'end_image_url',
		},
		tiers: {
			standard: `${APP_ID}/o1/standard/image-to-video`,
			professional: `${APP_ID}/o1/image-to-video`,
		},
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// O3 is 3.0 Omni [C]: `image_url`, `end_image_url`, `prompt` or `multi_prompt`, in pro and
		// 4K. A standard O3 image-to-video endpoint appears only in third-party notes [3P]: not
		// offered. Lengths are not recorded for O3 [?]: Kling's 3.0 family's 3 to 15 s, as a string
		// like every fal Kling duration. Sound, negative prompt and guidance are not in its fields.
		model: 'v3.0-omni',
		form: {
			image: 'image_url',
			imageBytes: 'dataUri',
			promptRequired: true,
			duration: 'string',
			endImage: 'end_image_url',
			// [C] `prompt` or `multi_prompt`; the shots as on 3.0.
			storyboard: SHOTS_FORM,
		},
		tiers: {
			professional: `${APP_ID}/o3/pro/image-to-video`,
			'4k': `${APP_ID}/o3/4k/image-to-video`,
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
];

const buildSubmit: ProviderAdapter['submit']['build'] = (request, options) => {
	const { row, target } = routeOf(MODELS, request);
	const { fields } = requestFields(request, row.form, options.alternates);
	// Raw base64 is no form fal documents for a file input: no second encoding to try.
	return {
		call: { method: 'POST', path: `/${target}`, body: fields },
		alternates: [],
		refusalAdvice: bytesAdvice(request, row.form),
	};
};

/**
 * [?] fal: "Some models also accept data URIs … URLs are the universal format" [C]; whether its
 * Kling endpoints do is not shown. Where an endpoint refuses the data URI sent in an image field
 * (a validation 422 naming it [C: fal's error shape]), the user is told to send a URL instead;
 * nothing is sent again (uploading the bytes to fal's storage would need another host).
 */
function bytesAdvice(request: GenerationRequest, form: RequestForm): RefusalAdvice[] {
	const frames = [
		{ image: request.image, fields: [form.image], source: 'Image Source', label: 'the image' },
		{
			image: request.endImage,
			fields: typeof form.endImage === 'string' ? [form.endImage] : (form.endImage ?? []),
			source: 'End Image Source',
			label: 'the end image',
		},
	];
	return frames
		.filter((frame) => frame.image?.kind === 'bytes' && frame.fields.length > 0)
		.map(({ fields, source, label }) => ({
			fields,
			message: `pass ${label} as a URL (${source}: URL)`,
			description: `fal.ai did not take ${label} sent as bytes (a data: URI) in ${fields.join(', ')}: fal accepts data URIs for some models only, links for all. Set ${source} to URL and give a link fal can download. No task was created, so nothing was charged, and nothing was sent again.`,
		}));
}

function parseSubmit(body: unknown): string {
	return requireTaskId(isObject(body) ? readString(body.request_id) : undefined, 'request_id');
}

const requestPath = (taskId: string) => `/${APP_ID}/requests/${encodeURIComponent(taskId)}`;

/** fal's three words [C]; FAILED and CANCELLED appear only in third-party schemas [3P]. */
const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	IN_QUEUE: 'queued',
	IN_PROGRESS: 'processing',
	COMPLETED: 'succeeded',
	FAILED: 'failed',
	ERROR: 'failed',
	CANCELLED: 'cancelled',
	CANCELED: 'cancelled',
};

/**
 * A status answer. COMPLETED covers failures too: fal's Python client reads `error` and
 * `error_type` from it [C]; without them the outcome is in the result, which the transport asks for.
 */
function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	const providerStatus = isObject(body) ? readString(body.status) : undefined;
	if (!isObject(body) || providerStatus === undefined) throw new Error('the answer has no status');
	// The video is never in a status answer (the result has it), so a new word means still running.
	const snapshot: TaskSnapshot = {
		taskId: readString(body.request_id) ?? taskId,
		...readStatusWord(providerStatus, STATUS_BY_PROVIDER_STATUS, undefined, upperCase),
	};
	const queuePosition = readNumber(body.queue_position);
	if (snapshot.status === 'queued' && queuePosition !== undefined)
		snapshot.queuePosition = queuePosition;
	const error = readString(body.error);
	if (error !== undefined && (snapshot.status === 'succeeded' || snapshot.status === 'failed')) {
		snapshot.status = 'failed';
		snapshot.error = { message: error, code: readString(body.error_type) ?? providerStatus };
	} else if (snapshot.status === 'failed' || snapshot.status === 'cancelled') {
		snapshot.error = failedTaskError(undefined, `the request ended with status ${providerStatus}`);
	}
	return snapshot;
}

/** The result: `{video: {url, content_type, file_name, file_size}}` [C]. */
function parseResult(taskId: string, body: unknown): TaskSnapshot {
	const video = isObject(body) && isObject(body.video) ? body.video : undefined;
	const videoUrl = readString(video?.url);
	return { taskId, status: 'succeeded', ...(videoUrl && { videoUrl }) };
}

/** fal's error body: `detail` as a string (request errors) or a list of `{loc, msg, type}` (model errors) [C]. */
function readDetail(detail: unknown): { message?: string; type?: string } {
	const first = Array.isArray(detail) ? detail.find(isObject) : undefined;
	return { message: readValidationDetail(detail), type: readString(first?.type) };
}

/**
 * A locked account: `403 {"detail": "User is locked. Reason: Exhausted balance. Top up your
 * balance at fal.ai/dashboard/billing."}` or `Reason: TOP_UP` [3P, issues at fal-ai/fal]. An
 * "Admin lock" is not a balance problem.
 */
const BALANCE_LOCK = /exhausted balance|reason:\s*top_?up|insufficient (balance|credit)/i;

/** Statuses whose meaning does not depend on whose words are in the body. */
const NOT_THE_TASK = new Set([401, 403, 404, 408, 429]);

const readError = errorReader((statusCode, body, action: ApiAction): ProviderError => {
	const detail = readDetail(body.detail);
	const errorType = readString(body.error_type);
	const error: ProviderError = {};
	const message = detail.message ?? readString(body.message) ?? readString(body.error);
	if (message !== undefined) error.message = message;
	const code = errorType ?? detail.type;
	if (code !== undefined) error.code = code;
	if (
		statusCode === 402 ||
		((statusCode === 401 || statusCode === 403) && BALANCE_LOCK.test(message ?? ''))
	)
		error.meaning = 'balance';
	// After COMPLETED, an error in fal's own shape is the request's outcome (a 422 model error, or a
	// request error with its error_type); an unknown 5xx body (a gateway) is worth asking again.
	const falShaped = body.detail !== undefined && (statusCode < 500 || errorType !== undefined);
	if (action === 'result' && falShaped && !NOT_THE_TASK.has(statusCode))
		error.meaning = 'taskFailed';
	return error;
});

/** Request ids are UUIDs; loosely checked, as for the others. */
const TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/;

export const fal: ProviderAdapter = {
	id: 'fal',
	displayName: 'fal.ai',
	credentialType: 'falQueueApi',
	keyPageUrl: 'https://fal.ai/dashboard/keys',
	billingPageUrl: 'https://fal.ai/dashboard/billing',
	offers: MODELS.map(offerOf),
	reportsProgress: false,
	taskIdPattern: TASK_ID,
	taskIdExample: '80e732af-660e-45cd-bd63-580e4f2a94cc',
	submit: { build: buildSubmit, parse: parseSubmit },
	status: {
		build: (taskId): ApiCall => ({ method: 'GET', path: `${requestPath(taskId)}/status` }),
		parse: parseStatus,
	},
	result: {
		build: (taskId): ApiCall => ({ method: 'GET', path: requestPath(taskId) }),
		parse: parseResult,
	},
	// The model is the path: a 404 of a submission is an endpoint fal does not (or no longer) serve.
	readError: readingModelNotServed(readError, true),
};
