import type { IDataObject } from 'n8n-workflow';

export type ProviderId = 'novita' | 'myRouter' | 'highwayApi' | 'aimlApi' | 'gmiCloud';

/** The one status vocabulary every provider's answer is translated into. */
export type TaskStatus = 'queued' | 'processing' | 'succeeded' | 'failed' | 'cancelled';

export const TERMINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

export const VIDEO_MODES = ['standard', 'professional', 'master'] as const;

export type VideoMode = (typeof VIDEO_MODES)[number];

export type VideoDuration = 5 | 10;

/** The image as the user gave it: a URL the provider fetches, or bytes we checked ourselves. */
export type ImageInput =
	| { kind: 'url'; url: string }
	| { kind: 'bytes'; base64: string; mimeType: 'image/png' | 'image/jpeg' };

/** A validated, provider-neutral request for one video. */
export interface GenerationRequest {
	image: ImageInput;
	prompt: string;
	mode: VideoMode;
	duration: VideoDuration;
	negativePrompt?: string;
	guidanceScale: number;
}

/** One HTTP call to a provider's API, relative to the credential's base URL. */
export interface ApiCall {
	method: 'GET' | 'POST';
	path: string;
	qs?: Record<string, string>;
	body?: IDataObject;
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
	error?: { message: string; code?: string };
}

/** What a provider's error body says, when it says anything. */
export interface ProviderErrorDetails {
	message?: string;
	code?: string;
}

/**
 * Everything that differs between providers, as pure request builders and response parsers:
 * adding a provider is one adapter, one credential and one registry line.
 */
export interface ProviderAdapter {
	id: ProviderId;
	displayName: string;
	credentialType: string;
	/** Where users get a key; named in authentication errors. */
	keyPageUrl: string;
	modes: readonly VideoMode[];
	promptRequired: boolean;
	/** Whether status answers carry eta/progress, so the poller can aim instead of probing. */
	reportsProgress: boolean;
	/** A loose shape check that catches ids pasted from another provider or another field. */
	taskIdPattern: RegExp;
	taskIdExample: string;
	buildSubmit(request: GenerationRequest): ApiCall;
	/** Returns the new task's id; throws a plain Error when the answer has none. */
	parseSubmit(body: unknown): string;
	buildStatus(taskId: string): ApiCall;
	/** Throws a plain Error when the answer is not a status answer. */
	parseStatus(taskId: string, body: unknown): TaskSnapshot;
	parseError(body: unknown): ProviderErrorDetails;
}
