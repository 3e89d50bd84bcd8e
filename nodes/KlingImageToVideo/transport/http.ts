import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IN8nHttpFullResponse,
} from 'n8n-workflow';

import type { ApiAction, ApiCall, ProviderAdapter, ProviderError } from '../providers';
import { CancelledError } from './cancellation';
import { describeNetworkFailure, type NetworkFailure } from './networkErrors';
import type { TransportTimings } from './timings';

/**
 * Every call to a provider's API goes through here: the credential is applied by n8n
 * (httpRequestWithAuthentication), redirects are never followed (so the key cannot travel to
 * another host), each answer is read once, and every text that could reach the user is redacted.
 */

export interface ClientOptions {
	requestTimeoutMs: number;
	signal: AbortSignal;
	/** Told when the provider asks to slow down, so that the run's shared request budget pauses too. */
	onThrottled?: (retryAfterMs?: number) => void;
	/** Pauses between attempts; unset entries keep the production values. */
	timings?: Partial<TransportTimings>;
}

export type HttpAnswer = {
	kind: 'answer';
	statusCode: number;
	headers: IDataObject;
	body: unknown;
};
export type SendResult = HttpAnswer | { kind: 'network'; failure: NetworkFailure };

/** An answer read once: its body, and what it says when it is an error. */
export interface ReadAnswer {
	/** The HTTP status, or the one an error in a 2xx body stands for. */
	statusCode: number;
	headers: IDataObject;
	json?: unknown;
	text?: string;
	/** Unset for a successful answer. */
	error?: ProviderError;
	/** A CDN's own refusal (Cloudflare `error code: 1010`): the API never saw the request. */
	edgeCode?: string;
}

const EDGE_ERROR = /^\s*error code:\s*(1\d{3})\b/i;
/** A signed token (Kling's JWT) echoed anywhere: never shown, whoever put it there. */
const SIGNED_TOKEN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;

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

export function isHtml(text: string | undefined): boolean {
	return !!text && /^\s*<(!doctype|html|head|body)/i.test(text);
}

/** A request to slow down: HTTP 429, or an error the provider marks as throttling (Kling's 1302/1303). */
export function isThrottle(answer: Pick<ReadAnswer, 'statusCode' | 'error'>): boolean {
	const meaning = answer.error?.meaning;
	if (meaning === 'balance') return false;
	return answer.statusCode === 429 || meaning === 'throttled' || meaning === 'concurrencyLimit';
}

export class ProviderHttp {
	private constructor(
		readonly ctx: IExecuteFunctions,
		readonly provider: ProviderAdapter,
		readonly baseUrl: string,
		private readonly secrets: string[],
		readonly options: ClientOptions,
	) {}

	static async connect(
		ctx: IExecuteFunctions,
		provider: ProviderAdapter,
		options: ClientOptions,
	): Promise<ProviderHttp> {
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
		// Every secret of the credential (API key, access and secret keys) is kept out of messages.
		const secrets = Object.entries(credentials)
			.filter(
				([name, value]) => /key|secret|token|password/i.test(name) && typeof value === 'string',
			)
			// Trimmed, as the credentials send them: this also covers the value as pasted.
			.map(([, value]) => String(value).trim())
			.filter((value) => value.length >= 4);
		return new ProviderHttp(ctx, provider, baseUrl, secrets, options);
	}

	/** Adds texts to redact beside the credential's secrets (a callback address with its token). */
	hideSecrets(texts: readonly string[]): void {
		for (const text of texts) if (!this.secrets.includes(text)) this.secrets.push(text);
	}

	/** Removes the credential's secrets from any text that could reach the user, in case a provider echoes them. */
	redact(text: string): string {
		return this.secrets
			.reduce((safe, secret) => safe.split(secret).join('***'), text)
			.replace(SIGNED_TOKEN, '***');
	}

	throwIfCancelled(): void {
		if (this.options.signal.aborted) throw new CancelledError();
	}

	async send(call: ApiCall): Promise<SendResult> {
		this.throwIfCancelled();
		try {
			const response = (await this.ctx.helpers.httpRequestWithAuthentication.call(
				this.ctx,
				this.provider.credentialType,
				{
					method: call.method,
					url: `${this.baseUrl}${call.path}`,
					qs: call.qs,
					headers: call.headers,
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

	/** Reads an answer once: the body, and through the adapter what it means when it is an error. */
	read(result: HttpAnswer, action: ApiAction): ReadAnswer {
		const { json, text } = parseBody(result.body);
		const answer: ReadAnswer = {
			statusCode: result.statusCode,
			headers: result.headers,
			json,
			text,
		};
		const edgeCode = text === undefined ? undefined : EDGE_ERROR.exec(text)?.[1];
		if (edgeCode && result.statusCode >= 400) {
			answer.edgeCode = edgeCode;
			answer.error = {};
			return answer;
		}
		const error = this.provider.readError(result.statusCode, json, action);
		const isSuccess = result.statusCode >= 200 && result.statusCode < 300;
		if (error || !isSuccess) {
			answer.error = error ?? {};
			answer.statusCode = answer.error.statusCode ?? result.statusCode;
		}
		return answer;
	}

	/** The provider's own words about an error, redacted; nothing from an HTML page. */
	safeDetails(answer: ReadAnswer): { message?: string; code?: string } {
		// Redacted before cutting, so a secret that straddles the cut cannot leak in part.
		if (answer.edgeCode) return { message: `error code: ${answer.edgeCode}` };
		const { message, code } = answer.error ?? {};
		if (message === undefined && code === undefined && answer.text !== undefined)
			return { message: isHtml(answer.text) ? undefined : this.redact(answer.text).slice(0, 300) };
		return {
			message: message ? this.redact(message) : undefined,
			code: code ? this.redact(code) : undefined,
		};
	}

	/** ": <the provider's words>", or nothing when it said nothing safe to show. */
	said(answer: ReadAnswer): string {
		const { message } = this.safeDetails(answer);
		return message ? `: ${message}` : '';
	}
}
