import { novitaBalance, novitaVideoUrlExpiresAt } from './accountFacts';
import { isObject, readErrorField, readNumber, readString } from './fields';
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
	withoutOmissions,
	type ModelRow,
	type Omission,
} from './modelTable';
import type {
	ApiAction,
	ProviderAdapter,
	ProviderError,
	ProviderId,
	TaskSnapshot,
	TaskStatus,
} from './types';

/**
 * Novita AI's v3 async API, which MyRouter and HighwayAPI serve unchanged under their own hosts:
 * one endpoint per model (and per tier where the tier is not a field), one task-result route.
 */

/** The endpoint of a tier, and the `mode` value it takes where the tier is a field. */
interface NovitaTarget {
	path: string;
	mode?: string;
}

/**
 * Every model Novita documents [C] (novita.ai/docs/api-reference/model-apis-<slug>); MyRouter
 * (docs.myrouter.ai/docs/models/reference-<slug>) and HighwayAPI (docs.jiekou.ai/en/docs/models/
 * reference-<slug>) document the same slugs and bodies, less the omissions below. Images are a URL
 * or base64 on every page, the prefix unstated: raw first, as Kling itself takes it.
 */
const MODELS: ReadonlyArray<ModelRow<NovitaTarget>> = [
	{
		model: 'v2.1',
		form: {
			image: 'image',
			// Kling's own page forbids a data: prefix, and the clients seen send raw base64 ([3P]); a
			// HighwayAPI note asks for a data URI instead ([3P]), so that is the form tried second.
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
	{
		// model-apis-kling-2.5-turbo-i2v: the slug has no "v"; `mode` takes only "pro".
		model: 'v2.5-turbo',
		form: {
			image: 'image',
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'string',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
		},
		tiers: { professional: { path: '/v3/async/kling-2.5-turbo-i2v', mode: 'pro' } },
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// model-apis-kling-v2.6-pro-i2v: `sound` defaults to true (paid audio), so it is always sent.
		model: 'v2.6',
		form: {
			image: 'image',
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
			sound: { field: 'sound', on: true, off: false },
			aspectRatio: 'aspect_ratio',
		},
		tiers: { professional: { path: '/v3/async/kling-v2.6-pro-i2v' } },
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// model-apis-kling-v3.0-{std,pro,4k}-i2v: one slug per tier, 3 to 15 s, `end_image`.
		model: 'v3.0',
		form: {
			image: 'image',
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'integer',
			negativePrompt: 'negative_prompt',
			guidance: 'cfg_scale',
			sound: { field: 'sound', on: true, off: false },
			endImage: 'end_image',
			// [C] `multi_prompt: [{prompt, duration}]` (std page; the pro page's example shows strings
			// [?]); "Cannot be used together with end_image". `prompt` is required on every tier's
			// page, but the pro page (novita.ai/docs …kling-v3.0-pro-i2v; MyRouter's pro page is
			// reported to say the same) calls multi_prompt "Mutually exclusive with prompt" [C]:
			// the prompt goes along first, then once the shots alone after a 400 naming either. Every
			// tier: the body is the same, the pages disagree between tiers.
			storyboard: {
				field: 'multi_prompt',
				entry: 'promptDuration',
				shotDuration: 'integer',
				prompt: 'alongside',
				promptAlternate: true,
				withEndFrame: false,
			},
		},
		tiers: {
			standard: { path: '/v3/async/kling-v3.0-std-i2v' },
			professional: { path: '/v3/async/kling-v3.0-pro-i2v' },
			'4k': { path: '/v3/async/kling-v3.0-4k-i2v' },
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
	{
		// model-apis-kling-o1-i2v: `last_image`, `aspect_ratio`; no negative prompt, no cfg_scale.
		// HighwayAPI documents the same endpoint and body [C] (docs.jiekou.ai/en/docs/models/reference-kling-o1-i2v).
		// One tier: Kling runs O1 in pro unless told otherwise.
		model: 'o1',
		form: {
			image: 'image',
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'integer',
			aspectRatio: 'aspect_ratio',
			endImage: 'last_image',
		},
		tiers: { professional: { path: '/v3/async/kling-o1-i2v' } },
		durations: FIVE_OR_TEN_SECONDS,
	},
];

/** What a white label does not document (research.md §3): not offered there. */
const OMISSIONS: Partial<Record<ProviderId, Omission[]>> = {
	// No reference-kling-v3.0-4k-i2v page at docs.myrouter.ai.
	myRouter: [{ model: 'v3.0', modes: ['4k'] }],
	// HighwayAPI's 3.0 page's multi_prompt was not read.
	highwayApi: [{ model: 'v3.0', formMembers: ['storyboard'] }],
};

const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	TASK_STATUS_QUEUED: 'queued',
	TASK_STATUS_PROCESSING: 'processing',
	TASK_STATUS_SUCCEED: 'succeeded', // [C] Novita's enum
	TASK_STATUS_SUCCEEDED: 'succeeded', // [3P] PPIO clients accept both spellings
	TASK_STATUS_FAILED: 'failed',
	TASK_STATUS_CANCELED: 'cancelled', // [3P]
	TASK_STATUS_CANCELLED: 'cancelled',
};

/** Out of balance: [C] Novita's 400 BILLING_BALANCE_NOT_ENOUGH; [C] JieKou's (and [3P] Novita's) 403 NOT_ENOUGH_BALANCE. */
const BALANCE_REASONS = new Set(['BILLING_BALANCE_NOT_ENOUGH', 'NOT_ENOUGH_BALANCE']);
/** [C] Novita's error table: a 500 whose reason is the task's own failure, not the server's. */
const TASK_FAILED_REASON = 'TASK_FAILED';

function submitBuilder(
	models: ReadonlyArray<ModelRow<NovitaTarget>>,
): ProviderAdapter['submit']['build'] {
	return (request, options) => {
		const { row, target } = routeOf(models, request);
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
}

function parseSubmit(body: unknown): string {
	return requireTaskId(isObject(body) ? readString(body.task_id) : undefined, 'task_id');
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	if (!isObject(body) || !isObject(body.task)) throw new Error('the answer has no task object');
	const task = body.task;
	const providerStatus = readString(task.status) ?? '';
	const videos = Array.isArray(body.videos) ? body.videos : [];
	const videoUrl = videos
		.map((video) => (isObject(video) ? readString(video.video_url) : undefined))
		.find(Boolean);
	const snapshot: TaskSnapshot = {
		taskId: readString(task.task_id) ?? taskId,
		...readStatusWord(providerStatus, STATUS_BY_PROVIDER_STATUS, videoUrl, upperCase),
	};
	const { status } = snapshot;
	if (videoUrl) snapshot.videoUrl = videoUrl;
	const videoUrlExpiresAt = videoUrl ? novitaVideoUrlExpiresAt(videos) : undefined;
	if (videoUrlExpiresAt) snapshot.videoUrlExpiresAt = videoUrlExpiresAt;

	const progress = readNumber(task.progress_percent);
	if (progress !== undefined) snapshot.progress = progress;
	const eta = readNumber(task.eta);
	if (eta !== undefined && status !== 'succeeded') snapshot.etaSeconds = Math.max(0, eta);

	if (status === 'failed' || status === 'cancelled') {
		const reason = readErrorField(task.reason);
		snapshot.error = failedTaskError(
			reason,
			`the task ended with ${providerStatus}`,
			providerStatus,
		);
	}
	return snapshot;
}

/** The documented body is `{code, reason, message, metadata}`; some gateways answer `{error: {message}}` ([3P]). */
const readError = errorReader((_statusCode, body, action: ApiAction): ProviderError => {
	const nested = readErrorField(body.error);
	const reason = readString(body.reason) ?? nested?.code;
	const error: ProviderError = {
		message: readString(body.message) ?? nested?.message ?? reason,
		code: reason ?? readString(body.code),
	};
	const reasonWord = reason?.toUpperCase();
	if (reasonWord && BALANCE_REASONS.has(reasonWord)) error.meaning = 'balance';
	else if (reasonWord === TASK_FAILED_REASON && (action === 'status' || action === 'result'))
		error.meaning = 'taskFailed';
	return error;
});

function novitaStyleProvider(
	id: ProviderId,
	displayName: string,
	credentialType: string,
	keyPageUrl: string,
	billingPageUrl: string,
): ProviderAdapter {
	const models = withoutOmissions(MODELS, OMISSIONS[id] ?? []);
	return {
		id,
		displayName,
		credentialType,
		keyPageUrl,
		billingPageUrl,
		offers: models.map(offerOf),
		reportsProgress: true,
		taskIdPattern: /^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/,
		taskIdExample: '830d9c90-d53f-4c5a-8009-6f3d2a1b9e47',
		submit: { build: submitBuilder(models), parse: parseSubmit },
		status: {
			build: (taskId) => ({
				method: 'GET',
				path: '/v3/async/task-result',
				qs: { task_id: taskId },
			}),
			parse: parseStatus,
		},
		// The model is the endpoint slug: a 404 of a submission is a model not (or no longer) served.
		readError: readingModelNotServed(readError, true),
		// Only Novita documents its balance request; MyRouter's and HighwayAPI's are unknown.
		...(id === 'novita' && { balance: novitaBalance }),
	};
}

// Billing pages: Novita's docs link its console's /billing pages; MyRouter's billing FAQ names
// /billing/transactions as the billing overview; HighwayAPI documents none, so its site is named.
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
	'https://myrouter.ai/billing/transactions',
);
export const highwayApi = novitaStyleProvider(
	'highwayApi',
	'HighwayAPI',
	'highwayApi',
	'https://highwayapi.ai',
	'https://highwayapi.ai',
);
