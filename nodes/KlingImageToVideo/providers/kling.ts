import type { IDataObject } from 'n8n-workflow';

import { klingBalance, klingTaskCost, klingVideoUrlExpiresAt } from './accountFacts';
import { isObject, readString } from './fields';
import { readError } from './klingErrors';
import {
	failedTaskError,
	lowerCase,
	readingModelNotServed,
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
	type RequestForm,
} from './modelTable';
import type { StoryboardForm } from '../requestFields';
import type {
	ApiCall,
	GenerationRequest,
	KlingModel,
	ProviderAdapter,
	TaskSnapshot,
	TaskStatus,
} from './types';

/**
 * Kling's own API (Kuaishou). Sources: Kling's client code (KwaiVGI ComfyUI-KLingAI-API and
 * kling-waic-express, [C]) covers the fields up to Kling 2.1, the JWT and the envelope; everything
 * about 2.5 Turbo, 2.6, 3.0 and O1, the error table and the queries comes from third-party copies
 * of Kling's pages ([3P]): Kling's own pages were not read. Where the copies disagree, both readings
 * are accepted.
 */

/** Image-to-video proper, and the omni route that O1 lives on (with its own status path). */
const IMAGE2VIDEO = '/v1/videos/image2video';
const OMNI_VIDEO = '/v1/videos/omni-video';

type Route = typeof IMAGE2VIDEO | typeof OMNI_VIDEO;

interface KlingTarget {
	route: Route;
	modelName: string;
	/** Kling's tier field; unset where the tier is a model of its own (2.1 Master). */
	mode?: 'std' | 'pro';
}

const tier = (modelName: string, mode?: 'std' | 'pro'): KlingTarget => ({
	route: IMAGE2VIDEO,
	modelName,
	...(mode && { mode }),
});

/**
 * Image-to-video fields: an image URL or raw base64 (Kling's own client sends no data: prefix, and
 * a data URI is reported refused with 1201 [3P]), a string duration, `image_tail` for the end frame.
 * No `cfg_scale`: the copies say it is for v1.x models only, and v2.x refuses it [3P].
 */
const IMAGE2VIDEO_FORM: RequestForm = {
	image: 'image',
	imageBytes: 'rawBase64',
	promptRequired: false,
	duration: 'string',
	negativePrompt: 'negative_prompt',
	endImage: 'image_tail',
};

/**
 * Legacy v3 and 3.0 Omni [3P]: `multi_shot`, `shot_type` "customize" | "intelligence",
 * `multi_prompt: [{index, prompt, duration}]`, up to 6 shots of up to 512 characters adding up to
 * the total.
 */
const MULTI_SHOT: StoryboardForm = {
	field: 'multi_prompt',
	entry: 'indexed',
	shotDuration: 'string',
	flag: 'multi_shot',
	shotType: { field: 'shot_type', custom: 'customize', auto: 'intelligence' },
	prompt: 'either',
	maxShotChars: 512,
};

/** O1 names its frames in `image_list`; these two field names are turned into that list below. */
const FIRST_FRAME = 'first_frame';
const END_FRAME = 'end_frame';

const MODELS: ReadonlyArray<ModelRow<KlingTarget>> = [
	{
		model: 'v2.1',
		form: IMAGE2VIDEO_FORM,
		tiers: {
			standard: tier('kling-v2-1', 'std'),
			professional: tier('kling-v2-1', 'pro'),
			master: tier('kling-v2-1-master'),
		},
		durations: FIVE_OR_TEN_SECONDS,
		// Capability map [3P]: end frames in pro only; Master lists none.
		endFrameModes: ['professional'],
	},
	{
		model: 'v2.5-turbo',
		form: IMAGE2VIDEO_FORM,
		tiers: {
			standard: tier('kling-v2-5-turbo', 'std'),
			professional: tier('kling-v2-5-turbo', 'pro'),
		},
		durations: FIVE_OR_TEN_SECONDS,
		endFrameModes: ['professional'],
	},
	{
		model: 'v2.6',
		// `sound` is the string "on"/"off", default off, from 2.6 on [3P].
		form: { ...IMAGE2VIDEO_FORM, sound: { field: 'sound', on: 'on', off: 'off' } },
		tiers: {
			standard: tier('kling-v2-6', 'std'),
			professional: tier('kling-v2-6', 'pro'),
		},
		durations: FIVE_OR_TEN_SECONDS,
		// Capability map [3P]: std makes silent video only; end frames in pro, without sound.
		soundModes: ['professional'],
		endFrameModes: ['professional'],
		endFrameWithSound: false,
	},
	{
		model: 'v3.0',
		// A single-shot 3.0 request needs a prompt [3P]. No v3 capability map was found: end frame
		// and sound are offered in both tiers, as the field descriptions allow.
		form: {
			...IMAGE2VIDEO_FORM,
			promptRequired: true,
			sound: { field: 'sound', on: 'on', off: 'off' },
			storyboard: MULTI_SHOT,
		},
		tiers: { standard: tier('kling-v3', 'std'), professional: tier('kling-v3', 'pro') },
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
	{
		model: 'o1',
		// Omni route [3P]: prompt required, no negative prompt, frames in `image_list`; a first-frame
		// video is 5 or 10 s.
		form: {
			image: FIRST_FRAME,
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'string',
			endImage: END_FRAME,
		},
		tiers: {
			standard: { route: OMNI_VIDEO, modelName: 'kling-video-o1', mode: 'std' },
			professional: { route: OMNI_VIDEO, modelName: 'kling-video-o1', mode: 'pro' },
		},
		durations: FIVE_OR_TEN_SECONDS,
	},
	{
		// The omni route takes 3.0 Omni as "3.0 Omni and earlier" [C*], named kling-v3-omni [3P];
		// its frames as O1's, 3 to 15 s like 3.0. Sound is not shown for it there: not offered.
		// 3.0 Turbo is only on Kling's new path-based API, which takes an API key, not the access
		// and secret key this credential signs its JWT with: not offered here.
		model: 'v3.0-omni',
		form: {
			image: FIRST_FRAME,
			imageBytes: 'rawBase64',
			promptRequired: true,
			duration: 'string',
			endImage: END_FRAME,
			// [3P] as v3 (§8.3); withImageList leaves these fields as they are.
			storyboard: MULTI_SHOT,
		},
		tiers: {
			standard: { route: OMNI_VIDEO, modelName: 'kling-v3-omni', mode: 'std' },
			professional: { route: OMNI_VIDEO, modelName: 'kling-v3-omni', mode: 'pro' },
		},
		durations: THREE_TO_FIFTEEN_SECONDS,
	},
];

/** O1's frames as Kling takes them: `image_list: [{image_url, type}]`. */
function withImageList(fields: IDataObject): IDataObject {
	const { [FIRST_FRAME]: first, [END_FRAME]: end, ...rest } = fields;
	return {
		...rest,
		image_list: [
			{ image_url: first, type: FIRST_FRAME },
			...(end === undefined ? [] : [{ image_url: end, type: END_FRAME }]),
		],
	};
}

const buildSubmit: ProviderAdapter['submit']['build'] = (request, options) => {
	const { row, target } = routeOf(MODELS, request);
	const { fields } = requestFields(request, row.form, options.alternates);
	const body: IDataObject = {
		model_name: target.modelName,
		...(target.mode && { mode: target.mode }),
		...(target.route === OMNI_VIDEO ? withImageList(fields) : fields),
		// Our id for this submission: an uncertain one can be looked up instead of paid twice.
		external_task_id: options.submissionId,
	};
	// Kling's own client and the copies agree on raw base64: no second image encoding to try.
	return { call: { method: 'POST', path: target.route, body }, alternates: [] };
};

function parseSubmit(body: unknown): string {
	const data = isObject(body) && isObject(body.data) ? body.data : undefined;
	return requireTaskId(readString(data?.task_id), 'data.task_id');
}

/** `succeed` is Kling's word [3P]; `succeeded` is what its newer task API reportedly says [?]. */
const STATUS_BY_PROVIDER_STATUS: Record<string, TaskStatus> = {
	submitted: 'queued',
	processing: 'processing',
	succeed: 'succeeded',
	succeeded: 'succeeded',
	failed: 'failed',
};

/** The task in `data`: one object, or a list holding it (both shapes are answered by queries). */
function taskOf(body: unknown, taskId: string): Record<string, unknown> | undefined {
	const data = isObject(body) ? body.data : undefined;
	if (isObject(data)) return data;
	if (!Array.isArray(data)) return undefined;
	return data.filter(isObject).find((task) => readString(task.task_id) === taskId);
}

function parseStatus(taskId: string, body: unknown): TaskSnapshot {
	const task = taskOf(body, taskId);
	const providerStatus = readString(task?.task_status);
	if (!task || providerStatus === undefined) throw new Error('the answer has no data.task_status');
	const result = isObject(task.task_result) ? task.task_result : {};
	const videos = Array.isArray(result.videos) ? result.videos : [];
	const videoUrl = videos
		.map((video) => (isObject(video) ? readString(video.url) : undefined))
		.find(Boolean);
	const snapshot: TaskSnapshot = {
		taskId: readString(task.task_id) ?? taskId,
		...readStatusWord(providerStatus, STATUS_BY_PROVIDER_STATUS, videoUrl, lowerCase),
	};
	if (videoUrl) snapshot.videoUrl = videoUrl;
	if (videoUrl) snapshot.videoUrlExpiresAt = klingVideoUrlExpiresAt(task);
	const cost = snapshot.status === 'succeeded' ? klingTaskCost(task) : undefined;
	if (cost) snapshot.cost = cost;

	// A failed task answers 200 with code 0; the reason is in task_status_msg [3P].
	if (snapshot.status === 'failed') {
		snapshot.error = failedTaskError(
			{ message: readString(task.task_status_msg) },
			'the task ended with status failed',
			providerStatus,
		);
	}
	return snapshot;
}

function statusCall(route: Route, taskId: string): ApiCall {
	return { method: 'GET', path: `${route}/${encodeURIComponent(taskId)}` };
}

/** The route a model's tasks live under (every tier of a model shares one). */
function routeOfModel(model: KlingModel | undefined): Route {
	const row = MODELS.find((candidate) => candidate.model === model);
	const target = row && Object.values(row.tiers)[0];
	return target?.route ?? IMAGE2VIDEO;
}

/**
 * Where a task may be: under its model's route first (the omni route for O1 and 3.0 Omni), then
 * the other. The model comes from the submission or the input item; a bare task id is tried on both.
 */
function statusCalls(taskId: string, model?: KlingModel): readonly ApiCall[] {
	const first = routeOfModel(model);
	const routes: Route[] = [first, first === OMNI_VIDEO ? IMAGE2VIDEO : OMNI_VIDEO];
	return routes.map((route) => statusCall(route, taskId));
}

/** The largest page the list query takes [3P]. */
const LOOKUP_PAGE_SIZE = '500';

/**
 * The form of a query by external_task_id is unsettled [?]: two third-party clients send it as a
 * query parameter, the copies say only that it may replace task_id. Asked as a query parameter on
 * the list route, with the largest page, it works under both readings: a filtered answer holds our
 * task alone, an unfiltered one lists the newest tasks, ours among them; either way only a task
 * carrying our id counts.
 */
function buildFindSubmission(submissionId: string, request: GenerationRequest): ApiCall {
	const { target } = routeOf(MODELS, request);
	return {
		method: 'GET',
		path: target.route,
		qs: { external_task_id: submissionId, pageNum: '1', pageSize: LOOKUP_PAGE_SIZE },
	};
}

function externalIdOf(task: Record<string, unknown>): string | undefined {
	const info = isObject(task.task_info) ? task.task_info : {};
	return readString(info.external_task_id) ?? readString(task.external_task_id);
}

function parseFindSubmission(body: unknown, submissionId: string): string | undefined {
	if (!isObject(body) || !('data' in body)) throw new Error('the answer has no data');
	const { data } = body;
	const tasks = (Array.isArray(data) ? data : [data]).filter(isObject);
	const found = tasks.find((task) => externalIdOf(task) === submissionId);
	return readString(found?.task_id);
}

export const kling: ProviderAdapter = {
	id: 'kling',
	displayName: 'Kling AI',
	credentialType: 'klingApi',
	editorLabel: 'Kling AI (Official API)',
	editorDescription: "Kling's own API: every model first, a submission safe to retry",
	// The developer console, where API keys are made and resource packs bought [3P].
	keyPageUrl: 'https://app.klingai.com/global/dev',
	billingPageUrl: 'https://app.klingai.com/global/dev',
	balanceAdvice:
		'Kling bills API use from prepaid resource packs: the pack for video generation is used up or expired, or the account is in arrears. Buy a pack in the Kling developer console',
	submissionIdHint:
		"Kling AI keeps it as that task's external_task_id, which its task query (GET /v1/videos/image2video/{external_task_id}) accepts in place of the task id",
	offers: MODELS.map(offerOf),
	reportsProgress: false,
	taskIdPattern: /^[A-Za-z0-9][A-Za-z0-9_-]{7,127}$/,
	taskIdExample: '831922345719271433',
	submit: { build: buildSubmit, parse: parseSubmit },
	status: {
		build: (taskId) => statusCall(IMAGE2VIDEO, taskId),
		calls: statusCalls,
		parse: parseStatus,
	},
	// Kling's 1200-1203 refusals of a model_name it does not know or has retired (2.1, reported retired
	// on 2026-09-15 [3P]).
	readError: readingModelNotServed(readError),
	findSubmission: { build: buildFindSubmission, parse: parseFindSubmission },
	balance: klingBalance,
};
