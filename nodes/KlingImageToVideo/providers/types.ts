import type { IDataObject } from 'n8n-workflow';

import type { KlingModel, VideoMode } from '../models/catalogue';
import type {
	AlternateForm,
	CoreOffer,
	FieldOffers,
	FieldRequests,
	ImageInput,
} from '../requestFields';

export {
	ASPECT_RATIOS,
	DEFAULT_MODES,
	KLING_MODELS,
	MODE_NAMES,
	MODEL_NAMES,
	VIDEO_MODES,
	type AspectRatio,
	type KlingModel,
	type VideoMode,
} from '../models/catalogue';
export type { AlternateForm, ImageInput } from '../requestFields';

import type { PROVIDERS } from './index';

/** A key of the provider registry: registering an adapter there is what makes its id valid. */
export type ProviderId = keyof typeof PROVIDERS;

/** The one status vocabulary every provider's answer is translated into. */
export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

/**
 * A validated, provider-neutral request for one video; the optional fields (one module each in
 * requestFields/) are set only where offered.
 */
export type GenerationRequest = {
	model: KlingModel;
	mode: VideoMode;
	/** Seconds, one of the offer's durations. */
	duration: number;
	image: ImageInput;
	prompt: string;
	/** Where the route documents a callback: the address it calls when the task changes. */
	callbackUrl?: string;
	/** The node's own tag for the item, appended to the callback address (its submission id). */
	callbackTag?: string;
} & FieldRequests;

/**
 * What one provider sells of one model, with what each optional field adds. Derived from the
 * adapter's model table; the editor shows only these fields and values, and the input checks
 * refuse anything else before paying.
 */
export type ModelOffer = CoreOffer & FieldOffers;

/** One HTTP call to a provider's API, relative to the credential's base URL. */
export interface ApiCall {
	method: 'GET' | 'POST';
	path: string;
	qs?: Record<string, string>;
	headers?: Record<string, string>;
	body?: IDataObject;
}

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
	/** What the user can do instead when a validation refusal names one of these request fields. */
	refusalAdvice?: readonly RefusalAdvice[];
}

export interface RefusalAdvice {
	fields: readonly string[];
	/** Added to the error's message: what to change, in the editor's words. */
	message: string;
	/** The error's description in place of the general one. */
	description: string;
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
	/** What the task was charged, only where the provider's answer says (never estimated). */
	cost?: TaskCost;
	/** When the video URL stops working (ISO time), only where the provider documents its lifetime. */
	videoUrlExpiresAt?: string;
}

export interface TaskCost {
	amount: number;
	/** The provider's unit: a currency amount ('USD') or its own credits ('units'). */
	unit: string;
	currency?: string;
}

/** An account's remaining credit, as the provider's balance request reports it. */
export interface AccountBalance {
	balance: number;
	unit: string;
	currency?: string;
}

/** Which of our calls an answer belongs to: the same error can mean different things. */
export type ApiAction = 'submit' | 'status' | 'result' | 'findSubmission' | 'balance';

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
	| 'notFound'
	/**
	 * A submission refused because the provider does not know, or no longer offers, the model (a
	 * retired generation, an endpoint taken down): never retried, no task made.
	 */
	| 'modelNotServed';

/** What a provider's error answer says, when it says anything. */
export interface ProviderError {
	message?: string;
	code?: string;
	meaning?: ErrorMeaning;
	/** The HTTP status the error stands for, where the answer's own status says otherwise (an error in a 200). */
	statusCode?: number;
}

/**
 * Everything that differs between providers, as pure request builders and response parsers,
 * grouped by the call they belong to. What all adapters do alike is in kit.ts.
 */
export interface ProviderAdapter {
	id: ProviderId;
	displayName: string;
	credentialType: string;
	/** The provider's name in the editor's Provider list, where it says more than displayName. */
	editorLabel?: string;
	/** A line under that name in the editor. */
	editorDescription?: string;
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
	submit: {
		build(request: GenerationRequest, options: SubmitOptions): SubmitPlan;
		/** Returns the new task's id; throws a plain Error when the answer has none. */
		parse(body: unknown): string;
	};
	status: {
		build(taskId: string): ApiCall;
		/**
		 * Where a provider keeps some models' tasks under a route of their own (Kling's O1), every
		 * status call that may know a task, the one for `model` (when known) first. The transport
		 * tries the next one while an answer says notFound, and keeps asking the one that knew the
		 * task. Unset: build.
		 */
		calls?(taskId: string, model?: KlingModel): readonly ApiCall[];
		/** Throws a plain Error when the answer is not a status answer. */
		parse(taskId: string, body: unknown): TaskSnapshot;
	};
	/**
	 * Where a status answer says only "completed" (fal), the call that reads the outcome: the
	 * transport sends it when status.parse reports success without a video URL.
	 */
	result?: {
		build(taskId: string): ApiCall;
		parse(taskId: string, body: unknown): TaskSnapshot;
	};
	/**
	 * Reads an answer as an error: every non-2xx answer (return {} when the body says nothing), and
	 * 2xx answers whose body carries an error code (otherwise undefined).
	 */
	readError(statusCode: number, body: unknown, action: ApiAction): ProviderError | undefined;
	/** The account's balance through the provider's documented free request; unset where it documents none. */
	balance?: {
		/** `now`: ms since the epoch, for requests that take a time range (Kling's). */
		build(now: number): ApiCall;
		/** Throws a plain Error when the answer carries no balance. */
		parse(body: unknown): AccountBalance;
	};
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
