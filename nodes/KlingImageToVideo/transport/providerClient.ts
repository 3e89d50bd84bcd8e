import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IN8nHttpFullResponse,
	type JsonObject,
} from 'n8n-workflow';

import type { ApiCall, GenerationRequest, ProviderAdapter, TaskSnapshot } from '../providers';
import { sleepUnlessAborted } from '../waiting/abortableSleep';
import { describeNetworkFailure, type NetworkFailure } from './networkErrors';

/**
 * Every call to a provider's API goes through here: the credential is applied by n8n
 * (httpRequestWithAuthentication), redirects are never followed (so the key cannot travel to
 * another host), and each answer is classified once: a result, a failure worth retrying, or an
 * error for the user that says what happened and what to do.
 */

export interface ClientOptions {
	requestTimeoutMs: number;
	signal: AbortSignal;
}

export type StatusAnswer =
	| { kind: 'snapshot'; snapshot: TaskSnapshot }
	| { kind: 'retryable'; reason: string; retryAfterMs?: number; throttled: boolean };

type HttpAnswer = { kind: 'answer'; statusCode: number; headers: IDataObject; body: unknown };
type SendResult = HttpAnswer | { kind: 'network'; failure: NetworkFailure };

/** A definite refusal (429, or a connection that never opened) may be retried; these bound how often. */
const SUBMIT_ATTEMPTS = 4;
const MAX_SUBMIT_RETRY_WAIT_MS = 60_000;
const SUBMIT_BACKOFF_MS = [1_000, 3_000, 8_000];

export class CancelledError extends Error {
	constructor() {
		super('The execution was stopped');
	}
}

export function parseRetryAfterMs(value: unknown, now = Date.now()): number | undefined {
	const text = Array.isArray(value) ? value[0] : value;
	if (typeof text !== 'string' && typeof text !== 'number') return undefined;
	const seconds = Number(text);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(String(text));
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Bodies arrive parsed, as a string when the JSON is broken, or as an HTML page from a proxy. */
function parseBody(body: unknown): { json?: unknown; text?: string } {
	if (typeof body !== 'string') return { json: body };
	try {
		return { json: JSON.parse(body) };
	} catch {
		return { text: body };
	}
}

function isHtml(text: string | undefined): boolean {
	return !!text && /^\s*<(!doctype|html|head|body)/i.test(text);
}

export class ProviderClient {
	private constructor(
		private readonly ctx: IExecuteFunctions,
		readonly provider: ProviderAdapter,
		private readonly baseUrl: string,
		private readonly apiKey: string,
		private readonly options: ClientOptions,
	) {}

	static async connect(
		ctx: IExecuteFunctions,
		provider: ProviderAdapter,
		options: ClientOptions,
	): Promise<ProviderClient> {
		const credentials = await ctx.getCredentials(provider.credentialType);
		const baseUrl = String(credentials.baseUrl ?? '')
			.trim()
			.replace(/\/+$/, '');
		let parsed: URL | undefined;
		try {
			parsed = new URL(baseUrl);
		} catch {
			parsed = undefined;
		}
		if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The "Base URL" of the ${provider.displayName} credential is not an http(s) URL: ${JSON.stringify(baseUrl.slice(0, 100))}`,
				{
					description:
						'Open the credential and set Base URL to the provider address, for example its default value.',
				},
			);
		}
		return new ProviderClient(ctx, provider, baseUrl, String(credentials.apiKey ?? ''), options);
	}

	/** Removes the key from any text that could reach the user, in case a provider echoes it back. */
	redact(text: string): string {
		return this.apiKey.length >= 4 ? text.split(this.apiKey).join('***') : text;
	}

	private async send(call: ApiCall): Promise<SendResult> {
		this.throwIfCancelled();
		try {
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.provider.credentialType,
				{
					method: call.method,
					url: `${this.baseUrl}${call.path}`,
					qs: call.qs,
					body: call.body,
					json: true,
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					disableFollowRedirect: true,
					timeout: this.options.requestTimeoutMs,
					abortSignal: this.options.signal,
				},
			)) as IN8nHttpFullResponse;
			return {
				kind: 'answer',
				statusCode: response.statusCode,
				headers: response.headers,
				body: response.body,
			};
		} catch (error) {
			this.throwIfCancelled();
			return { kind: 'network', failure: describeNetworkFailure(error) };
		}
	}

	throwIfCancelled(): void {
		if (this.options.signal.aborted) throw new CancelledError();
	}

	/**
	 * Starts one task. A request that may have reached the provider is never sent again: a second
	 * attempt could buy a second video. Only definite refusals are retried: 429, and connections
	 * that never opened.
	 */
	async submit(request: GenerationRequest, itemIndex: number): Promise<string> {
		const call = this.provider.buildSubmit(request);
		for (let attempt = 1; ; attempt++) {
			const result = await this.send(call);
			const canRetry = attempt < SUBMIT_ATTEMPTS;

			if (result.kind === 'network') {
				if (result.failure.requestMayHaveArrived) {
					throw this.uncertainSubmission(itemIndex, result.failure.summary);
				}
				if (canRetry) {
					await sleepUnlessAborted(SUBMIT_BACKOFF_MS[attempt - 1], this.options.signal);
					continue;
				}
				throw this.unreachable(itemIndex, result.failure);
			}

			const { statusCode } = result;
			if (statusCode >= 200 && statusCode < 300) {
				try {
					return this.provider.parseSubmit(parseBody(result.body).json);
				} catch {
					throw this.uncertainSubmission(itemIndex, `it answered ${statusCode} without a task id`);
				}
			}
			if (statusCode === 429 && canRetry) {
				const waitMs =
					parseRetryAfterMs(result.headers['retry-after']) ?? SUBMIT_BACKOFF_MS[attempt - 1];
				if (waitMs <= MAX_SUBMIT_RETRY_WAIT_MS) {
					await sleepUnlessAborted(waitMs, this.options.signal);
					continue;
				}
			}
			if (statusCode >= 500) {
				throw this.uncertainSubmission(
					itemIndex,
					`it answered ${statusCode}${this.providerMessageSuffix(result)}`,
				);
			}
			throw this.apiError(result, itemIndex, { action: 'submit' });
		}
	}

	/** Asks once. Failures that a later attempt may fix come back as `retryable`; the rest throw. */
	async fetchStatus(taskId: string, itemIndex: number): Promise<StatusAnswer> {
		const result = await this.send(this.provider.buildStatus(taskId));
		if (result.kind === 'network') {
			return { kind: 'retryable', reason: result.failure.summary, throttled: false };
		}
		const { statusCode } = result;
		if (statusCode >= 200 && statusCode < 300) {
			const { json, text } = parseBody(result.body);
			if (text !== undefined) {
				const what = isHtml(text) ? 'an HTML page instead of JSON' : 'malformed JSON';
				return { kind: 'retryable', reason: `the status answer was ${what}`, throttled: false };
			}
			try {
				return { kind: 'snapshot', snapshot: this.provider.parseStatus(taskId, json) };
			} catch (error) {
				return {
					kind: 'retryable',
					reason: `the status answer was not understood (${(error as Error).message})`,
					throttled: false,
				};
			}
		}
		if (statusCode === 429) {
			const retryAfterMs = parseRetryAfterMs(result.headers['retry-after']);
			return {
				kind: 'retryable',
				reason: 'the provider asked to slow down (429)',
				retryAfterMs,
				throttled: true,
			};
		}
		if (statusCode >= 500 || statusCode === 408) {
			return {
				kind: 'retryable',
				reason: `the provider answered ${statusCode}${this.providerMessageSuffix(result)}`,
				throttled: false,
			};
		}
		throw this.apiError(result, itemIndex, { action: 'status', taskId });
	}

	private providerDetails(result: HttpAnswer): { message?: string; code?: string } {
		const { json, text } = parseBody(result.body);
		// Redacted before cutting, so a key that straddles the cut cannot leak in part.
		if (text !== undefined)
			return { message: isHtml(text) ? undefined : this.redact(text).slice(0, 300) };
		const details = this.provider.parseError(json);
		return {
			message: details.message ? this.redact(details.message) : undefined,
			code: details.code ? this.redact(details.code) : undefined,
		};
	}

	private providerMessageSuffix(result: HttpAnswer): string {
		const { message } = this.providerDetails(result);
		return message ? `: ${message}` : '';
	}

	private apiError(
		result: HttpAnswer,
		itemIndex: number,
		context: { action: 'submit' } | { action: 'status'; taskId: string },
	): NodeApiError {
		const { statusCode } = result;
		const name = this.provider.displayName;
		const details = this.providerDetails(result);
		const said = details.message ? `: ${details.message}` : '';
		const code = details.code && details.code !== String(statusCode) ? ` ${details.code}` : '';
		const credentialName = `${name} credential`;
		let message: string;
		let description: string;

		if (statusCode >= 300 && statusCode < 400) {
			const location = String(result.headers.location ?? '');
			let target = 'another address';
			try {
				target = new URL(location, this.baseUrl).origin;
			} catch {
				target = location || target;
			}
			message = `${name} answered with a redirect (${statusCode}) to ${target}`;
			description = `The node does not follow redirects, so the API key never leaves the configured host. If ${target} is the right address, set it as the Base URL of the ${credentialName}.`;
		} else if (statusCode === 401) {
			message = `${name} rejected the API key (401${code})${said}`;
			description = `Check the API key in the ${credentialName}; a new key can be created at ${this.provider.keyPageUrl}.`;
		} else if (statusCode === 402 || statusCode === 403) {
			message = `${name} refused the request (${statusCode}${code})${said}`;
			description = `The key may not have access to Kling V2.1, or the account balance may be too low. Check the key in the ${credentialName} and the balance at ${this.provider.keyPageUrl}.`;
		} else if (statusCode === 404 && context.action === 'status') {
			message = `${name} does not know task ${context.taskId} (404${code})${said}`;
			description = `The task id may be mistyped, belong to another provider or account, or be too old to be kept. Check the task id and that the ${credentialName} is the one that created it.`;
		} else if (statusCode === 429) {
			message = `${name} kept refusing new tasks because of its rate limit (429${code})${said}`;
			description =
				'No task was created for this item. Run it again later, or send fewer items at a time.';
		} else if (context.action === 'submit') {
			message = `${name} rejected the task (${statusCode}${code})${said}`;
			description =
				"No task was created. The provider's message above names the field it refused; fix it and run the item again.";
		} else {
			message = `${name} refused the status request for task ${context.taskId} (${statusCode}${code})${said}`;
			description = 'Check the task id and the credential.';
		}
		return this.userError(itemIndex, message, description, String(statusCode));
	}

	/** The request may have reached the provider: the user must check before trying again. */
	private uncertainSubmission(itemIndex: number, what: string): NodeApiError {
		const name = this.provider.displayName;
		return this.userError(
			itemIndex,
			`${name} did not confirm the new task: ${what}`,
			`The request may have reached ${name}, so a task may exist and may be charged. It was not sent again automatically, to avoid paying twice. Check the task list in your ${name} dashboard before running this item again.`,
		);
	}

	private unreachable(itemIndex: number, failure: NetworkFailure): NodeApiError {
		const name = this.provider.displayName;
		return this.userError(
			itemIndex,
			`Could not reach ${name} at ${new URL(this.baseUrl).origin}: ${failure.summary}`,
			`No task was created. Check the Base URL of the ${name} credential and this machine's network or proxy settings.`,
		);
	}

	/**
	 * Every error this client raises is built here, from text only (never from the request, whose
	 * headers hold the key) and redacted once more, whatever the provider put into it.
	 */
	private userError(
		itemIndex: number,
		message: string,
		description: string,
		httpCode?: string,
	): NodeApiError {
		const safeMessage = this.redact(message);
		return new NodeApiError(this.ctx.getNode(), { message: safeMessage } as JsonObject, {
			message: safeMessage,
			description: this.redact(description),
			...(httpCode && { httpCode }),
			itemIndex,
		});
	}
}
