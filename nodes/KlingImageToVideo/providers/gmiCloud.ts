import { isObject, readErrorField, readString, readValidationDetail } from './fields';
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
import type { ProviderAdapter, ProviderError, TaskSnapshot, TaskStatus } from './types';

/** GMI Cloud's request queue: the model id picks model and tier, the parameters go in `payload`. No eta. */

/** The model id of a tier, and the `mode` (or `resolution`) value it takes where the tier is a field. */
interface GmiTarget {
	modelId: string;
	mode?: string;
	resolution?: string;
}

/**
 * GMI's model quickstarts [C] (docs.gmicloud.ai/model-quickstarts/video/<model id>); 2.1 from its
 * usage guide. GMI documents no O1 model (only third-party lists name one), so none is offered; its
 * kling-v3-omni page documents multi-shot and elements but no image-to-video payload, so no 3.0 Omni.
 */
const MODELS: ReadonlyArray<ModelRow<GmiTarget>> = [
	{
		model: 'v2.1',
		form: {
			image: 'image',
			// [C] The 2.1 guide says "Base64 or URL" without an example; GMI forwards to Kling, whose
			// page forbids a data: prefix ([3P]), so raw base64 goes first and a data URI second.
			imageBytes: 'rawBase64',
			promptRequired: false,
			duration: 'string',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
		},
		tiers: {
			// [C] GMI's usage guide is titled with this id ("Kling-Image2Video-V2.1-Standard API Usage Guide").
			standard: { modelId: 'Kling-Image2Video-V2.1-Standard' },
			// [3P] only third-party clients show the Pro id; kept from 0.1.0, where saved workflows use it.
			professional: { modelId: 'Kling-Image2Video-V2.1-Pro' },
			master: { modelId: 'Kling-Image2Video-V2.1-Master' },
		},
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// kling-v2-5-turbo: "Support image URL" (URLs only), `mode` "pro", prompt required.
		model: 'v2.5-turbo',
		form: {
			image: 'image',
			promptRequired: true,
			duration: 'string',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
		},
		tiers: { professional: { modelId: 'kling-v2-5-turbo', mode: 'pro' } },
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// kling-v2-6: URLs only, `mode` "pro", no negative prompt listed. `sound` [?]: the page's table
		// says "yes"/"no" with default "no", its example sends "on" (as its 3.0 page and Kling do), and
		// "off" is on neither: off leaves the field out (the documented silent default, under both
		// readings); on sends the example's "on", and "yes" once if a 400 names the field. `cfg_scale`
		// is typed string in the table but sent as the number 0.5 in the example: sent as a number.
		model: 'v2.6',
		form: {
			image: 'image',
			promptRequired: true,
			duration: 'string',
			guidance: 'cfg_scale',
			sound: { field: 'sound', on: 'on', alternate: { on: 'yes' } },
		},
		tiers: { professional: { modelId: 'kling-v2-6', mode: 'pro' } },
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// kling-v3-image-to-video: one 720p tier, no mode field, no cfg_scale; `image_tail`; 3 to 15 s
		// with the default written "5" (a string). "Base64 string or URL": raw base64 first, as Kling
		// (which GMI forwards to) refuses a data: prefix; a data: URI once if a 400 names the image.
		model: 'v3.0',
		form: {
			image: 'image',
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'string',
			negativePrompt: 'negative_prompt',
			sound: { field: 'sound', on: 'on', off: 'off' },
			endImage: 'image_tail',
		},
		tiers: { standard: { modelId: 'kling-v3-image-to-video' } },
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
	{
		// kling-3-0-turbo-i2v: the image is `first_frame` (a URL: no base64 on the page), prompt
		// optional, the tier a `resolution` of "720p" or "1080p", 3 to 15 s (a string, as on its 3.0
		// page). No sound, end frame or negative prompt.
		model: 'v3.0-turbo',
		form: { image: 'first_frame', promptRequired: false, duration: 'string' },
		tiers: {
			standard: { modelId: 'kling-3.0-turbo-i2v', resolution: '720p' },
			professional: { modelId: 'kling-3.0-turbo-i2v', resolution: '1080p' },
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
];

/**
 * [C] The quickstart tables: queued, processing, success, failed; the API reference prose also says
 * dispatched and finished. `completed` is not on GMI's pages but is read as done all the same;
 * [3P] a third-party GMI client knows `created`, before queued.
 */
const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	created: 'queued',
	queued: 'queued',
	dispatched: 'queued',
	processing: 'processing',
	success: 'succeeded',
	succeeded: 'succeeded',
	finished: 'succeeded',
	completed: 'succeeded',
	failed: 'failed',
	cancelled: 'cancelled',
	canceled: 'cancelled',
};

const REQUESTS_PATH = '/api/v1/ie/requestqueue/apikey/requests';

const buildSubmit: ProviderAdapter['submit']['build'] = (request, options) => {
	const { row, target } = routeOf(MODELS, request);
	const { fields, alternates } = requestFields(request, row.form, options.alternates);
	const payload = {
		...fields,
		...(target.mode && { mode: target.mode }),
		...(target.resolution && { resolution: target.resolution }),
	};
	return {
		call: { method: 'POST', path: REQUESTS_PATH, body: { model: target.modelId, payload } },
		alternates,
	};
};

function parseSubmit(body: unknown): string {
	return requireTaskId(isObject(body) ? readString(body.request_id) : undefined, 'request_id');
}

/**
 * [C] `outcome.video_url` (2.1 guide) and `outcome.media_urls[].url` (newer quickstarts);
 * [3P] `outcome.url` (the genblaze connector) and `outcome.medias[]` (a third-party GMI client),
 * each list entry an object with a url or the URL itself.
 */
function readVideoUrl(outcome: Record<string, unknown>): string | undefined {
	const direct = readString(outcome.video_url) ?? readString(outcome.url);
	if (direct) return direct;
	const lists = [outcome.media_urls, outcome.medias].filter(Array.isArray);
	return lists
		.flat()
		.map((media) => (isObject(media) ? readString(media.url) : readString(media)))
		.find(Boolean);
}

/**
 * Why a request failed: [C] none documented; `error` (a string or `{code, message}`, top level
 * or in the outcome), and [3P] `error_message`, `outcome.message`, `outcome.fail_reason` (a
 * third-party GMI client; where it reads error_message is not sure, so both places).
 */
function readFailure(body: Record<string, unknown>, outcome: Record<string, unknown>) {
	const texts = [
		body.error_message,
		outcome.error_message,
		outcome.message,
		outcome.fail_reason,
	].map(readString);
	const text = texts.find(Boolean);
	return (
		readErrorField(outcome.error) ??
		readErrorField(body.error) ??
		(text !== undefined ? { message: text } : undefined)
	);
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	if (!isObject(body) || readString(body.status) === undefined)
		throw new Error('the answer has no status');
	const rawStatus = readString(body.status)!;
	const providerStatus = rawStatus.toLowerCase();
	const outcome = isObject(body.outcome) ? body.outcome : {};
	const videoUrl = readVideoUrl(outcome);
	const snapshot: TaskSnapshot = {
		taskId: readString(body.request_id) ?? taskId,
		...readStatusWord(rawStatus, STATUS_BY_PROVIDER_STATUS, videoUrl, lowerCase),
	};
	const { status } = snapshot;
	if (videoUrl) snapshot.videoUrl = videoUrl;

	if (status === 'failed' || status === 'cancelled') {
		const error = readFailure(body, outcome);
		snapshot.error = failedTaskError(error, `the request ended with status ${providerStatus}`);
	}
	return snapshot;
}

/** No error body is documented: a `message`, an `error` string or `{error: {message}}`, or a `detail`. */
const readError = errorReader((_statusCode, body): ProviderError => {
	const error = readErrorField(body.error);
	return {
		message: readString(body.message) ?? error?.message ?? readValidationDetail(body.detail),
		code: readString(body.code) ?? error?.code,
	};
});

export const gmiCloud: ProviderAdapter = {
	id: 'gmiCloud',
	displayName: 'GMI Cloud',
	credentialType: 'gmiCloudApi',
	keyPageUrl: 'https://console.gmicloud.ai',
	billingPageUrl: 'https://console.gmicloud.ai/user-setting/credits-coupons', // [C] "Credits & Coupons"
	offers: MODELS.map(offerOf),
	reportsProgress: false,
	taskIdPattern: /^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/,
	taskIdExample: '3f2b8c1e-6d4a-4f0b-9a7e-2c5d8e1f0a3b',
	submit: { build: buildSubmit, parse: parseSubmit },
	status: {
		build: (taskId) => ({ method: 'GET', path: `${REQUESTS_PATH}/${encodeURIComponent(taskId)}` }),
		parse: parseStatus,
	},
	readError: readingModelNotServed(readError),
};
