import type { IDataObject } from 'n8n-workflow';

export type ProviderId =
	'novita' | 'myRouter' | 'highwayApi' | 'aimlApi' | 'gmiCloud' | 'kling' | 'fal';

/** The one status vocabulary every provider's answer is translated into. */
export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

/** The Kling generations the node can ask for; each provider offers those it documents. */
export const KLING_MODELS = ['v2.1', 'v2.5-turbo', 'v2.6', 'v3.0', 'o1'] as const;

export type KlingModel = (typeof KLING_MODELS)[number];

/** Quality tiers: 720p, 1080p, Kling 2.1 Master, and the 4K tier of 3.0 where it is sold. */
export const VIDEO_MODES = ['standard', 'professional', 'master', '4k'] as const;

export type VideoMode = (typeof VIDEO_MODES)[number];

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;

export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/** The image as the user gave it: a URL the provider fetches, or bytes we checked ourselves. */
export type ImageInput =
	| { kind: 'url'; url: string }
	| { kind: 'bytes'; base64: string; mimeType: 'image/png' | 'image/jpeg' };

/** A validated, provider-neutral request for one video; optional fields are set only where offered. */
export interface GenerationRequest {
	model: KlingModel;
	mode: VideoMode;
	/** Seconds, one of the offer's durations. */
	duration: number;
	image: ImageInput;
	/** The last frame, where the model takes one. */
	endImage?: ImageInput;
	prompt: string;
	negativePrompt?: string;
	guidanceScale?: number;
	/** Set, true or false, wherever the offer has sound: some providers add paid audio unless told not to. */
	sound?: boolean;
	aspectRatio?: AspectRatio;
	/** Where the route documents a callback: the address it calls when the task changes. */
	callbackUrl?: string;
}

/**
 * What one provider sells of one model. Derived from the adapter's model table; the editor shows
 * only these fields and values, and the input checks refuse anything else before paying.
 */
export interface ModelOffer {
	model: KlingModel;
	modes: readonly VideoMode[];
	/** The mode a node shows and sends until the user picks one (see DEFAULT_MODES). */
	defaultMode: VideoMode;
	/** Video lengths in seconds. */
	durations: readonly number[];
	promptRequired: boolean;
	/** Whether image bytes (binary or base64 input) can be sent; otherwise URLs only. */
	acceptsImageBytes: boolean;
	negativePrompt: boolean;
	guidanceScale: boolean;
	/** Modes in which audio can be asked for; empty: no sound option. */
	soundModes: readonly VideoMode[];
	/** Empty: the model takes no aspect ratio here (the image decides). */
	aspectRatios: readonly AspectRatio[];
	/** Modes that take an end frame; empty: none. */
	endFrameModes: readonly VideoMode[];
	/** Whether an end frame can be combined with sound. */
	endFrameWithSound: boolean;
	/** Seconds the provider publishes for a 5 s video of each mode, where it does: seeds the waiting schedule. */
	publishedSeconds?: Partial<Record<VideoMode, number>>;
}

/** One HTTP call to a provider's API, relative to the credential's base URL. */
export interface ApiCall {
	method: 'GET' | 'POST';
	path: string;
	qs?: Record<string, string>;
	headers?: Record<string, string>;
	body?: IDataObject;
}

/**
 * Request forms an adapter can switch to when the provider refuses the primary one with a 400
 * naming the field (a 400 creates no task, so trying the other form cannot charge twice).
 */
export type AlternateForm = 'imageEncoding' | 'soundValues';

export interface SubmitOptions {
	/** Unique to this item's submission; sent where the provider takes a client id. */
	submissionId: string;
	/** Alternate forms to use, after the provider refused the primary ones. */
	alternates: ReadonlySet<AlternateForm>;
}

export interface SubmitPlan {
	call: ApiCall;
	/** The alternate forms this call could still switch to, with the request fields each changes. */
	alternates: ReadonlyArray<{ form: AlternateForm; fields: readonly string[] }>;
}

/** What a provider told us about a task, in the shared vocabulary. */
export interface TaskSnapshot {
	taskId: string;
	status: TaskStatus;
	videoUrl?: string;
	/** 0..100, only where the provider reports it. */
	progress?: number;
	/** Seconds the provider expects the task still needs, only where it reports it. */
	etaSeconds?: number;
	/** Requests ahead of this one in the provider's queue, only where it reports it (fal). */
	queuePosition?: number;
	error?: { message: string; code?: string };
	/** The provider's status word, when the adapter did not know it (read as processing, or as success with a video). */
	unrecognizedStatus?: string;
}

/** Which of our calls an answer belongs to: the same error can mean different things. */
export type ApiAction = 'submit' | 'status' | 'result' | 'findSubmission';

/** What an error answer means beyond its HTTP status, where the provider says so. */
export type ErrorMeaning =
	/** Out of balance or credits: never retried, the user must top up. */
	| 'balance'
	/** Slow down: retried after a pause, like a 429. */
	| 'throttled'
	/**
	 * The account already runs as many tasks as its plan allows (Kling's 1303): a new one is accepted
	 * once a running task ends, so a submission is retried with a patience measured in minutes.
	 */
	| 'concurrencyLimit'
	/** The task itself failed (a status or result call answered with the task's failure). */
	| 'taskFailed'
	/** The signed token was refused as expired or not yet valid: a new one is minted once. */
	| 'tokenRejected'
	/** The thing asked about does not exist (for a submission lookup: it was never created). */
	| 'notFound';

/** What a provider's error answer says, when it says anything. */
export interface ProviderError {
	message?: string;
	code?: string;
	meaning?: ErrorMeaning;
	/** The HTTP status the error stands for, where the answer's own status says otherwise (an error in a 200). */
	statusCode?: number;
}

/**
 * Everything that differs between providers, as pure request builders and response parsers:
 * adding a provider is one adapter, one credential and one registry line; adding a Kling model is
 * a row in each adapter's model table.
 */
export interface ProviderAdapter {
	id: ProviderId;
	displayName: string;
	credentialType: string;
	/** Where users get a key; named in authentication errors. */
	keyPageUrl: string;
	/** Where users top up; named in balance errors. */
	billingPageUrl: string;
	/** How credit works here, where it is more than a balance to top up (Kling's resource packs). */
	balanceAdvice?: string;
	/** The models this provider documents, oldest first. */
	offers: readonly ModelOffer[];
	/** Whether status answers carry eta/progress, so the poller can aim instead of probing. */
	reportsProgress: boolean;
	/** A loose shape check that catches ids pasted from another provider or another field. */
	taskIdPattern: RegExp;
	taskIdExample: string;
	/** How the user finds a submission by its submissionId, where the provider records it (named in errors). */
	submissionIdHint?: string;
	buildSubmit(request: GenerationRequest, options: SubmitOptions): SubmitPlan;
	/** Returns the new task's id; throws a plain Error when the answer has none. */
	parseSubmit(body: unknown): string;
	buildStatus(taskId: string): ApiCall;
	/**
	 * Where a provider keeps some models' tasks under a route of their own (Kling's O1), every status
	 * call that may know a task, the one for `model` (when known) first. The transport tries the next
	 * one while an answer says notFound, and keeps asking the one that knew the task. Unset: buildStatus.
	 */
	statusCalls?(taskId: string, model?: KlingModel): readonly ApiCall[];
	/** Throws a plain Error when the answer is not a status answer. */
	parseStatus(taskId: string, body: unknown): TaskSnapshot;
	/**
	 * Where a status answer says only "completed" (fal), the call that reads the outcome: the
	 * poller sends it when parseStatus reports success without a video URL.
	 */
	buildResult?(taskId: string): ApiCall;
	parseResult?(taskId: string, body: unknown): TaskSnapshot;
	/**
	 * Reads an answer as an error: every non-2xx answer (return {} when the body says nothing), and
	 * 2xx answers whose body carries an error code (otherwise undefined).
	 */
	readError(statusCode: number, body: unknown, action: ApiAction): ProviderError | undefined;
	/** Where the provider can look a submission up by its submissionId: uncertain submissions become safe to retry. */
	findSubmission?: {
		build(submissionId: string, request: GenerationRequest): ApiCall;
		/**
		 * The task id, or undefined when the answer says no such submission exists. The answer may
		 * list other tasks too (a lookup the provider reads as a plain listing): only a task carrying
		 * this submissionId counts.
		 */
		parse(body: unknown, submissionId: string): string | undefined;
	};
}

export function offerFor(provider: ProviderAdapter, model: KlingModel): ModelOffer | undefined {
	return provider.offers.find((offer) => offer.model === model);
}

/**
 * The default mode of each model, wherever a provider offers it (else the offer's first mode).
 * Never change one: n8n saves no value that equals the default, so a saved workflow showing the
 * default holds no mode, and would silently switch tier (and price).
 */
export const DEFAULT_MODES: Record<KlingModel, VideoMode> = {
	'v2.1': 'standard',
	'v2.5-turbo': 'professional',
	'v2.6': 'professional',
	'v3.0': 'standard',
	o1: 'professional',
};

/** How models and modes are named to users, in the editor and in messages. */
export const MODEL_NAMES: Record<KlingModel, string> = {
	'v2.1': 'Kling 2.1',
	'v2.5-turbo': 'Kling 2.5 Turbo',
	'v2.6': 'Kling 2.6',
	'v3.0': 'Kling 3.0',
	o1: 'Kling O1',
};

export const MODE_NAMES: Record<VideoMode, string> = {
	standard: 'Standard',
	professional: 'Professional',
	master: 'Master',
	'4k': '4K',
};
