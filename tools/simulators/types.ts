import type { CallbackOptions, CallbackRecord } from './callbacks';
import type { FaultPlan } from './faults';
import type { SimTask } from './tasks';
import type { Mp4Facts, Mp4Layout } from './mp4';

/** The providers the node supports; one simulator serves exactly one of them. */
export type ProviderId =
	'novita' | 'myRouter' | 'highwayApi' | 'aimlApi' | 'gmiCloud' | 'kling' | 'fal';

/** Which local server answered: the provider API, its video CDN, or a foreign origin that redirects land on. */
export type ServerName = 'api' | 'video' | 'other';

/**
 * What a request was for, so tests can count submissions, polls and downloads separately: 'result'
 * is fal's result request, 'lookup' Kling's query by external_task_id, and 'balance', 'models',
 * 'list' (Kling's task list) and 'pricing' (fal) are the credential tests.
 */
export type RequestKind =
	| 'submit'
	| 'status'
	| 'result'
	| 'lookup'
	| 'balance'
	| 'models'
	| 'list'
	| 'pricing'
	| 'download'
	| 'unknown';

/** The request kinds a fault can target. */
export type FaultKind = Exclude<RequestKind, 'unknown'>;

/** One request as the simulator saw it, kept in arrival order for assertions on retries and header routing. */
export interface RecordedRequest {
	/** Arrival time, ms since the epoch. */
	at: number;
	server: ServerName;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lower-cased names; authorization kept verbatim so tests can assert where the key went. */
	headers: Record<string, string>;
	bodyBytes: number;
	kind: RequestKind;
	taskId?: string;
	/** HTTP status answered; 'reset' if the connection dropped first, 'hang' if never answered, 'pending' while in flight. */
	status: number | 'reset' | 'hang' | 'pending';
	/** The injected fault, if one applied. */
	fault?: FaultAction['type'];
	/** When the whole response had been handed to the connection (ms since the epoch); unset if it never was (reset, hang). */
	completedAt?: number;
}

/** Provider-neutral lifecycle of a task; each simulator maps it to its provider's words. */
export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled' | 'unknown';

/** How a task ends; 'unknown' makes the status endpoint answer 404 for it, as if the provider lost it. */
export interface TaskOutcome {
	status: 'succeeded' | 'failed' | 'cancelled' | 'unknown';
	/** Failure reason reported by the provider (failed and cancelled only). */
	reason?: string;
}

/** Which task(s) an outcome applies to: the next one created, every future one, the n-th (0-based), one id, or a predicate. */
export type TaskSelector =
	'next' | 'all' | { index: number } | { taskId: string } | ((task: SimTask) => boolean);

/**
 * What a fault does to a request. `afterCreate` (submissions only) creates the task before failing,
 * which is what makes a submission ambiguous for the client.
 */
export type FaultAction =
	/** An HTTP error in the provider's own error shape (or `body` verbatim). */
	| {
			type: 'http';
			status: number;
			retryAfterSeconds?: number;
			reason?: string;
			message?: string;
			body?: unknown;
			afterCreate?: boolean;
	  }
	/** A proxy's HTML error page (text/html), default 502. */
	| { type: 'htmlPage'; status?: number; afterCreate?: boolean }
	/** The CDN's own refusal before the API (Cloudflare): text/plain `error code: 1010`, default 403. */
	| { type: 'edge'; status?: number; code?: number }
	/** Headers and part of the body, then the socket is destroyed (submit without afterCreate: dropped before any byte). */
	| { type: 'reset'; afterCreate?: boolean }
	/** Never answers; the socket stays open until the client gives up or close() runs. */
	| { type: 'hang'; afterCreate?: boolean }
	/** 200 application/json with the real body cut in half (a submission is created). */
	| { type: 'malformedJson' }
	/** The real answer, delayMs later (afterCreate: the task exists during the delay). */
	| { type: 'slow'; delayMs: number; afterCreate?: boolean }
	/** Drops this connection and stops listening on this server's port for forMs, then listens again on the same port. */
	| { type: 'refused'; forMs: number; afterCreate?: boolean }
	/** Downloads: Content-Length of the whole file, `fraction` of it sent, then the connection ends. */
	| { type: 'truncated'; fraction?: number }
	/** Downloads: this issued URL is expired from now on (403 by default); a fresh status call hands out a new one. */
	| { type: 'expired'; status?: 403 | 404 }
	/** Redirect to the same path and query on otherHostUrl: for downloads it serves the same bytes; API calls land on a foreign origin. */
	| { type: 'redirect'; status?: 301 | 302 | 303 | 307 | 308 };

/** Passed to fault predicates and dynamic actions. */
export interface FaultContext {
	kind: FaultKind;
	request: RecordedRequest;
	taskId?: string;
}

/**
 * When a fault applies. Matching requests are those of `kind` that pass `when`; of these the rule skips
 * the first `skip`, then hits every `every`-th one (default each), at most `times` times (default unlimited).
 */
export interface FaultRule {
	kind: FaultKind;
	action: FaultAction | ((context: FaultContext) => FaultAction | undefined);
	times?: number;
	every?: number;
	skip?: number;
	when?: (context: FaultContext) => boolean;
}

/** Alternative response shapes that some sources show (providers.md, providers-2026.md §1). */
export interface ResponseShapes {
	/**
	 * GMI success: outcome.video_url (2.1 guide, default), outcome.media_urls[0].url (newer
	 * quickstarts), outcome.url ([3P] genblaze connector), or outcome.medias[] as objects with a
	 * url or as URL strings ([3P] a third-party GMI client).
	 */
	gmiVideoUrl?:
		| 'outcome.video_url'
		| 'outcome.media_urls'
		| 'outcome.url'
		| 'outcome.medias'
		| 'outcome.medias.strings';
	/**
	 * GMI failure reason: top-level error string (default), error {code, message}, outcome.error,
	 * or ([3P] a third-party GMI client) a top-level error_message, outcome.message or outcome.fail_reason.
	 */
	gmiFailure?:
		| 'error.string'
		| 'error.object'
		| 'outcome.error'
		| 'error_message'
		| 'outcome.message'
		| 'outcome.fail_reason';
	/**
	 * Novita family, a failed task: TASK_STATUS_FAILED in a 200 (default), or the status request
	 * answered HTTP 500 with reason TASK_FAILED (Novita's error table, "Task execution failed").
	 */
	novitaFailure?: 'task.status' | 'http500';
	/** Kling refusals: with their HTTP status (default), or as HTTP 200 with the code, as one client reports live [3P]. */
	klingRefusals?: 'http' | 'http200';
	/**
	 * fal failed request: COMPLETED, then the result answers 422 (default, as a client verified live
	 * [3P]); 'requestError': the result answers 504 with an error_type; 'statusError': COMPLETED
	 * carries `error` and `error_type` too (fal's Python client reads them [C]).
	 */
	falFailure?: 'result' | 'requestError' | 'statusError';
}

/** The task states a provider names in its status answers. */
export type StatusWordState = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

/** How image bytes may arrive (URLs are always accepted). */
export type ImageBytesForm = 'rawBase64' | 'dataUri';

/** GMI 2.6 `sound`: both readings of its page (default), or only one of them. */
export type GmiSoundValues = 'both' | 'onOff' | 'yesNo';

/**
 * AI/ML API 3.0, the end frame's field: the schema's `tail_image_url`, the example's
 * `last_image_url`, or either (default). The field not read is taken and ignored, as a live API
 * that reads the other one would.
 */
export type AimlEndFrameField = 'either' | 'tailImageUrl' | 'lastImageUrl';

/** Request forms the simulated API takes where a provider's docs allow two readings. */
export interface RequestForms {
	gmiSoundValues?: GmiSoundValues;
	aimlEndFrame?: AimlEndFrameField;
	/**
	 * fal's Kling endpoints and image bytes [?]: data URIs taken (default), or refused with fal's
	 * validation 422 (`detail: [{loc, msg, type}]`) naming the image field.
	 */
	falDataUris?: 'accepted' | 'refused';
	/**
	 * AI/ML API 3.0 and 3.0 Omni `multi_prompt`: shots as objects or strings (default 'both': the schema types
	 * them as strings, its description speaks of per-shot durations), or only one of them.
	 */
	aimlShots?: 'both' | 'objects' | 'strings';
	/**
	 * The Novita family's 3.0 endpoints and a prompt with `multi_prompt` (every page marks `prompt`
	 * required, the pro pages call the two "Mutually exclusive" [C]): 'both' (default) takes the
	 * shots with or without a prompt; 'promptAlongside' refuses shots without a prompt;
	 * 'promptExclusive' refuses a prompt with shots (a 400 naming both).
	 */
	novitaShots?: NovitaShots;
}

export type NovitaShots = 'both' | 'promptAlongside' | 'promptExclusive';

/** Task latency: uniform around a mean, or any function of the task's creation index. */
export type LatencyOption =
	{ meanMs: number; spread?: number; seed?: number } | ((taskIndex: number) => number);

export interface SimulatorOptions {
	provider: ProviderId;
	/** The only accepted key (default 'sim-key-123'); sent as `Bearer` (fal: `Key`). */
	apiKey?: string;
	/** Kling: the key pair whose signed tokens are accepted too (default sim-access-key / dummy-sim-secret-key). */
	accessKey?: string;
	secretKey?: string;
	/** Kling: how far the provider's clock, which judges token exp/nbf, is ahead of this machine's (ms). */
	clockOffsetMs?: number;
	/** Tasks the account may run at once: Kling refuses more (429, code 1303), fal queues them (IN_QUEUE). */
	concurrency?: number;
	/**
	 * Kling, which reading of the docs the API follows for external_task_id: 'query' (default)
	 * filters the list by `?external_task_id=`; 'path' ignores that parameter (the plain list comes
	 * back) and takes the external id in place of the task id in the status path.
	 */
	externalIdLookup?: 'query' | 'path';
	/** Kling: a new task shows up in lookups by external id only this long after it was created (ms). */
	lookupDelayMs?: number;
	/**
	 * Models the provider no longer serves, named as the task's model (Novita slug, AI/ML or GMI
	 * id, fal path, Kling model_name): a submission of one is refused as the provider refuses an
	 * unknown model (Novita family and fal: 404 for the path; AI/ML, GMI, Kling: a 400 on the model).
	 */
	retiredModels?: string[];
	/** Total time from submission to the terminal status (default 200 ms). */
	latency?: LatencyOption;
	/** The first part of the latency a task reports as queued (default 20 ms, capped at the latency). */
	queueMs?: number;
	/** Novita family: relative error of the reported eta (default 0.1). */
	etaNoise?: number;
	/** Seed for eta noise, task seeds and ids (default 1). */
	seed?: number;
	/** Size of the served mp4 (default 2048); streamed, so 200 MB costs no memory. */
	videoBytes?: number;
	/** How the served mp4 is laid out (default faststart: moov before mdat); see mp4.ts. */
	videoLayout?: Mp4Layout;
	/** Frame size and length the served mp4's moov declares (default 720×1280, 5 s). */
	videoFacts?: Mp4Facts;
	/** Lifetime of each issued video URL (default 3600 s, the documented video_url_ttl). */
	videoUrlTtlMs?: number;
	shapes?: ResponseShapes;
	requestForms?: RequestForms;
	/**
	 * The provider's word for a state, replacing the documented one: a spelling another source
	 * shows (TASK_STATUS_SUCCEEDED, complete, finished...) or a word no source shows.
	 */
	statusWords?: Partial<Record<StatusWordState, string>>;
	/** Status answers that report success without the video URL before it appears (default 0). */
	videoUrlLate?: number;
	/** Accept image bytes only in this form (the other is refused with a 400 naming the field); default: the provider's documented forms. */
	imageBytes?: ImageBytesForm;
	/**
	 * 'insufficient' makes every submission answer the provider's out-of-balance error: Novita 400
	 * BILLING_BALANCE_NOT_ENOUGH, MyRouter and HighwayAPI 403 NOT_ENOUGH_BALANCE, AI/ML API 403 "run
	 * out of credits", GMI Cloud a 403 (undocumented), Kling 429 with code 1102, fal 403 "User is locked. Reason: Exhausted balance".
	 */
	balance?: 'ok' | 'insufficient';
	/** Faults active from the first request (same as calling faults.add). */
	faults?: FaultRule[];
	/** How the routes that document a callback (Kling, fal, Novita) call the address a submission carried. */
	callbacks?: CallbackOptions;
	/** API port (default 0: any free port). */
	port?: number;
}

/** A running simulator: three local servers plus everything they saw. */
export interface Simulator {
	readonly provider: ProviderId;
	readonly apiKey: string;
	/** Kling's key pair: tokens signed with the secret key for this access key are accepted. */
	readonly accessKey: string;
	readonly secretKey: string;
	/** API origin, e.g. http://127.0.0.1:41234: the credential's baseUrl. */
	readonly baseUrl: string;
	/** Origin of the mp4 files (another port, so another origin: no API key should reach it). */
	readonly videoHostUrl: string;
	/** A third origin that redirect faults point at; serves the same files. */
	readonly otherHostUrl: string;
	readonly faults: FaultPlan;
	/** Every request to any of the three servers, in arrival order. */
	readonly requests: RecordedRequest[];
	/** Every task created, in creation order. */
	readonly tasks: SimTask[];
	/** Every callback sent to a submission's callback address, retries included, in order. */
	readonly callbacks: CallbackRecord[];
	/** Number of tasks created (what a duplicate-submission test counts). */
	submissions(): number;
	statusCallsFor(taskId: string): number;
	/** Peak number of status requests in flight at once (what a concurrency-limit test asserts). */
	maxConcurrentStatusRequests(): number;
	/** Decides how the selected task(s) end. */
	setTaskOutcome(selector: TaskSelector, outcome: TaskOutcome): void;
	/** Ends the given task (or every unfinished one) now, so tests need not wait out the latency. */
	finishNow(taskId?: string): void;
	/** Makes one issued video URL answer 403 (or 404) from now on, as an expired signed URL does. */
	expireVideoUrl(url: string, status?: 403 | 404): void;
	/** Forgets tasks, requests, faults and outcome rules; servers stay up on the same ports. */
	reset(): void;
	/** Closes the three servers and destroys every open socket, hung requests included. */
	close(): Promise<void>;
}
