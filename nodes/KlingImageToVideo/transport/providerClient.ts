import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type IN8nHttpFullResponse,
	type JsonObject,
} from 'n8n-workflow';

import type {
	AlternateForm,
	ApiAction,
	ApiCall,
	GenerationRequest,
	KlingModel,
	ProviderAdapter,
	ProviderError,
	TaskSnapshot,
} from '../providers';
import { callbackSecrets, withCallback } from '../providers/callbacks';
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
	/** Told when the provider asks to slow down, so that the run's shared request budget pauses too. */
	onThrottled?: (retryAfterMs?: number) => void;
}

export type StatusAnswer =
	| { kind: 'snapshot'; snapshot: TaskSnapshot }
	| { kind: 'retryable'; reason: string; retryAfterMs?: number; throttled: boolean };

type HttpAnswer = { kind: 'answer'; statusCode: number; headers: IDataObject; body: unknown };
/** What a lookup by submission id found out. */
type Lookup = { kind: 'found'; taskId: string } | { kind: 'notFound' } | { kind: 'unknown' };
type SendResult = HttpAnswer | { kind: 'network'; failure: NetworkFailure };

/** An answer read once: its body, and what it says when it is an error. */
interface ReadAnswer {
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

/** A definite refusal (429, or a connection that never opened) may be retried; these bound how often. */
const SUBMIT_ATTEMPTS = 4;
const MAX_SUBMIT_RETRY_WAIT_MS = 60_000;
const SUBMIT_BACKOFF_MS = [1_000, 3_000, 8_000];
/** Where a provider can look a submission up: how often to ask, and to send it again when it never arrived. */
const FIND_ATTEMPTS = 5;
const FIND_BACKOFF_MS = [1_000, 2_000, 4_000, 8_000];
/** A task being created may not be listed at once: "not found" counts once it holds this much later. */
const FIND_CONFIRM_MS = 3_000;
const RESUBMISSIONS = 2;
/**
 * When the account already runs as many tasks as its plan allows (Kling's 1303), a slot frees only
 * when a running task ends, minutes away: the submission waits for one, this long at most.
 */
const CAPACITY_PATIENCE_MS = 15 * 60_000;
const CAPACITY_BACKOFF_MS = [5_000, 10_000, 20_000, 30_000];

const EDGE_ERROR = /^\s*error code:\s*(1\d{3})\b/i;
/** A signed token (Kling's JWT) echoed anywhere: never shown, whoever put it there. */
const SIGNED_TOKEN = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/g;

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
	/** The status path that knew each task, where a provider keeps tasks under several routes. */
	private readonly statusPaths = new Map<string, string>();

	private constructor(
		private readonly ctx: IExecuteFunctions,
		readonly provider: ProviderAdapter,
		private readonly baseUrl: string,
		private readonly secrets: string[],
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
		// Every secret of the credential (API key, access and secret keys) is kept out of messages.
		const secrets = Object.entries(credentials)
			.filter(
				([name, value]) => /key|secret|token|password/i.test(name) && typeof value === 'string',
			)
			// Trimmed, as the credentials send them: this also covers the value as pasted.
			.map(([, value]) => String(value).trim())
			.filter((value) => value.length >= 4);
		return new ProviderClient(ctx, provider, baseUrl, secrets, options);
	}

	/** Removes the credential's secrets from any text that could reach the user, in case a provider echoes them. */
	redact(text: string): string {
		return this.secrets
			.reduce((safe, secret) => safe.split(secret).join('***'), text)
			.replace(SIGNED_TOKEN, '***');
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
	private read(result: HttpAnswer, action: ApiAction): ReadAnswer {
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

	throwIfCancelled(): void {
		if (this.options.signal.aborted) throw new CancelledError();
	}

	/**
	 * Unique per submission: lets a provider that records it (tracing, lookup) tell our attempts
	 * apart. At most 128 characters from [A-Za-z0-9._:-], which every client-id field we send fits.
	 */
	private newSubmissionId(itemIndex: number): string {
		const executionId = String(this.ctx.getExecutionId?.() ?? 'run').slice(0, 64);
		const random = Math.random().toString(36).slice(2, 10).padEnd(8, '0');
		return `n8n-${executionId}-${itemIndex}-${random}`.replace(/[^A-Za-z0-9._:-]/g, '_');
	}

	/**
	 * Starts one task. A request that may have reached the provider is never sent again blindly: a
	 * second attempt could buy a second video. Definite refusals are retried (429, connections that
	 * never opened, a 400 about a field that has another documented form); where the provider can
	 * look a submission up by our id, an uncertain one is looked up, and sent again only when it
	 * never arrived.
	 */
	async submit(request: GenerationRequest, itemIndex: number): Promise<string> {
		if (request.callbackUrl) this.secrets.push(...callbackSecrets(request.callbackUrl));
		const submissionId = this.newSubmissionId(itemIndex);
		const alternates = new Set<AlternateForm>();
		/** What the provider said about each form it refused before the one sent now. */
		const refusedForms: string[] = [];
		let refusals = 0;
		let resubmissions = 0;
		let tokenRenewed = false;
		let capacityWaits = 0;
		const startedAt = Date.now();
		for (;;) {
			const plan = this.provider.buildSubmit(request, { submissionId, alternates });
			const result = await this.send(
				withCallback(this.provider.id, plan.call, request.callbackUrl),
			);
			const canRetry = refusals < SUBMIT_ATTEMPTS - 1;

			let uncertainty: string;
			if (result.kind === 'network') {
				if (!result.failure.requestMayHaveArrived) {
					if (!canRetry) throw this.unreachable(itemIndex, result.failure);
					await sleepUnlessAborted(SUBMIT_BACKOFF_MS[refusals++], this.options.signal);
					continue;
				}
				uncertainty = result.failure.summary;
			} else {
				const answer = this.read(result, 'submit');
				const { statusCode, error } = answer;
				if (!error) {
					try {
						return this.provider.parseSubmit(answer.json);
					} catch {
						uncertainty = `it answered ${statusCode} without a task id`;
					}
				} else if (error.meaning === 'tokenRejected' && !tokenRenewed) {
					tokenRenewed = true; // each request signs a new token
					continue;
				} else if (error.meaning === 'concurrencyLimit') {
					// Not a request rate: the status requests that see running tasks end go on unslowed.
					const waitMs = Math.max(
						parseRetryAfterMs(answer.headers['retry-after']) ?? 0,
						CAPACITY_BACKOFF_MS[Math.min(capacityWaits, CAPACITY_BACKOFF_MS.length - 1)],
					);
					if (Date.now() + waitMs - startedAt > CAPACITY_PATIENCE_MS)
						throw this.apiError(answer, itemIndex, { action: 'submit' });
					capacityWaits++;
					await sleepUnlessAborted(waitMs, this.options.signal);
					continue;
				} else if (isThrottle(answer) && canRetry) {
					const waitMs =
						parseRetryAfterMs(answer.headers['retry-after']) ?? SUBMIT_BACKOFF_MS[refusals];
					if (waitMs > MAX_SUBMIT_RETRY_WAIT_MS)
						throw this.apiError(answer, itemIndex, { action: 'submit' });
					refusals++;
					this.options.onThrottled?.(waitMs);
					await sleepUnlessAborted(waitMs, this.options.signal);
					continue;
				} else if (this.switchForm(plan, answer, alternates)) {
					refusedForms.push(`${statusCode}${this.said(answer)}`);
					continue;
				} else if (statusCode >= 500 && !answer.edgeCode && error.meaning !== 'balance') {
					uncertainty = `it answered ${statusCode}${this.said(answer)}`;
				} else if (resubmissions > 0) {
					return await this.findRefusedResubmission(answer, request, itemIndex, submissionId);
				} else {
					throw this.apiError(answer, itemIndex, { action: 'submit', refusedForms });
				}
			}

			const found = await this.findSubmission(submissionId, request, itemIndex, uncertainty);
			if (found !== undefined) return found;
			if (resubmissions++ >= RESUBMISSIONS)
				throw this.uncertainSubmission(itemIndex, uncertainty, submissionId);
		}
	}

	/**
	 * A validation refusal (400, or 422) that names a field sent in one of several documented forms:
	 * switch that field to its other form and send again, once per form. A refused request created
	 * no task, so this cannot charge twice. Refusals with a meaning (an empty balance) never switch.
	 */
	private switchForm(
		plan: { alternates: ReadonlyArray<{ form: AlternateForm; fields: readonly string[] }> },
		answer: ReadAnswer,
		alternates: Set<AlternateForm>,
	): boolean {
		const { statusCode, error, edgeCode } = answer;
		if ((statusCode !== 400 && statusCode !== 422) || edgeCode || error?.meaning) return false;
		const said = `${error?.message ?? ''} ${error?.code ?? ''} ${answer.text ?? ''}`;
		const named = plan.alternates.find(({ fields }) =>
			fields.some((field) =>
				new RegExp(`(^|[^A-Za-z0-9_])${escapeRegExp(field)}([^A-Za-z0-9_]|$)`, 'i').test(said),
			),
		);
		if (!named) return false;
		alternates.add(named.form);
		return true;
	}

	/**
	 * After an uncertain submission, asks the provider for it by our submission id. Returns its task
	 * id when it exists, undefined when the provider says it was never created (send it again), and
	 * throws when the provider cannot look submissions up or does not answer.
	 */
	private async findSubmission(
		submissionId: string,
		request: GenerationRequest,
		itemIndex: number,
		uncertainty: string,
	): Promise<string | undefined> {
		if (!this.provider.findSubmission)
			throw this.uncertainSubmission(itemIndex, uncertainty, submissionId);
		let lookup = await this.lookUp(submissionId, request);
		if (lookup.kind === 'notFound') {
			// The request may still be on its way in: only a "not found" that holds counts.
			await sleepUnlessAborted(FIND_CONFIRM_MS, this.options.signal);
			lookup = await this.lookUp(submissionId, request);
		}
		if (lookup.kind === 'unknown')
			throw this.uncertainSubmission(itemIndex, uncertainty, submissionId);
		this.ctx.logger.debug(
			lookup.kind === 'notFound'
				? `Kling submission ${submissionId} never arrived; sending it again`
				: `Kling submission ${submissionId} found as task ${lookup.taskId} after: ${this.redact(uncertainty)}`,
			{ itemIndex, provider: this.provider.id },
		);
		return lookup.kind === 'found' ? lookup.taskId : undefined;
	}

	/** One lookup by submission id, asked again while the provider or the network stumbles. */
	private async lookUp(submissionId: string, request: GenerationRequest): Promise<Lookup> {
		const finder = this.provider.findSubmission;
		if (!finder) return { kind: 'unknown' };
		for (let attempt = 0; attempt < FIND_ATTEMPTS; attempt++) {
			if (attempt > 0) await sleepUnlessAborted(FIND_BACKOFF_MS[attempt - 1], this.options.signal);
			const result = await this.send(finder.build(submissionId, request));
			if (result.kind === 'network') continue;
			const answer = this.read(result, 'findSubmission');
			if (!answer.error) {
				let taskId: string | undefined;
				try {
					taskId = finder.parse(answer.json, submissionId);
				} catch {
					continue;
				}
				return taskId === undefined ? { kind: 'notFound' } : { kind: 'found', taskId };
			}
			if (answer.error.meaning === 'notFound') return { kind: 'notFound' };
			const transient =
				answer.statusCode >= 500 ||
				answer.statusCode === 408 ||
				isThrottle(answer) ||
				answer.error.meaning === 'tokenRejected';
			if (!transient) break;
		}
		return { kind: 'unknown' };
	}

	/**
	 * A submission sent again with the same id after lookups found nothing, and now refused: the
	 * refusal may be of a duplicate id, the first attempt's task showing up late in lookups. It is
	 * looked for a while longer; found, it is carried on with. Not found, the first attempt is still
	 * unconfirmed either way, so the user is told a task may exist, never "no task was created".
	 */
	private async findRefusedResubmission(
		answer: ReadAnswer,
		request: GenerationRequest,
		itemIndex: number,
		submissionId: string,
	): Promise<string> {
		for (const waitMs of [0, ...FIND_BACKOFF_MS]) {
			await sleepUnlessAborted(waitMs, this.options.signal);
			const lookup = await this.lookUp(submissionId, request);
			if (lookup.kind === 'found') return lookup.taskId;
			if (lookup.kind === 'unknown') break;
		}
		throw this.uncertainSubmission(
			itemIndex,
			`it did not confirm the first attempt, and refused a second one with the same id (${answer.statusCode}${this.said(answer)})`,
			submissionId,
		);
	}

	/**
	 * Asks once (on each route that may know the task, until one does). Failures that a later
	 * attempt may fix come back as `retryable`; the rest throw. `model`, where known, picks the
	 * route first asked.
	 */
	async fetchStatus(taskId: string, itemIndex: number, model?: KlingModel): Promise<StatusAnswer> {
		const answer = await this.askStatus(taskId, itemIndex, model);
		const { buildResult } = this.provider;
		if (
			answer.kind !== 'snapshot' ||
			answer.snapshot.status !== 'succeeded' ||
			answer.snapshot.videoUrl ||
			!buildResult
		)
			return answer;
		// The status only says "completed": the outcome, video or error, is in the result.
		const result = await this.ask(buildResult(taskId), 'result', taskId);
		if (result.kind === 'refused')
			throw this.apiError(result.answer, itemIndex, { action: 'status', taskId });
		return result;
	}

	private async askStatus(
		taskId: string,
		itemIndex: number,
		model?: KlingModel,
	): Promise<StatusAnswer> {
		const calls = this.provider.statusCalls?.(taskId, model) ?? [this.provider.buildStatus(taskId)];
		const knownPath = this.statusPaths.get(taskId);
		const ordered = [...calls].sort(
			(a, b) => Number(b.path === knownPath) - Number(a.path === knownPath),
		);
		let firstRefusal: ReadAnswer | undefined;
		for (const call of ordered) {
			const answer = await this.ask(call, 'status', taskId);
			if (answer.kind !== 'refused') {
				if (answer.kind === 'snapshot') this.statusPaths.set(taskId, call.path);
				return answer;
			}
			firstRefusal ??= answer.answer;
			if (answer.answer.error?.meaning !== 'notFound') break;
		}
		throw this.apiError(firstRefusal!, itemIndex, { action: 'status', taskId });
	}

	/** One status or result request, read; a definite refusal is returned for the caller to report. */
	private async ask(
		call: ApiCall,
		action: 'status' | 'result',
		taskId: string,
	): Promise<StatusAnswer | { kind: 'refused'; answer: ReadAnswer }> {
		const result = await this.send(call);
		if (result.kind === 'network') {
			return { kind: 'retryable', reason: result.failure.summary, throttled: false };
		}
		const answer = this.read(result, action);
		const { statusCode, error } = answer;
		if (!error) {
			if (answer.text !== undefined) {
				const what = isHtml(answer.text) ? 'an HTML page instead of JSON' : 'malformed JSON';
				return { kind: 'retryable', reason: `the status answer was ${what}`, throttled: false };
			}
			const parse = action === 'result' ? this.provider.parseResult : this.provider.parseStatus;
			try {
				return { kind: 'snapshot', snapshot: parse!(taskId, answer.json) };
			} catch (parseError) {
				return {
					kind: 'retryable',
					reason: `the status answer was not understood (${(parseError as Error).message})`,
					throttled: false,
				};
			}
		}
		if (error.meaning === 'taskFailed') {
			const details = this.safeDetails(answer);
			return {
				kind: 'snapshot',
				snapshot: {
					taskId,
					status: 'failed',
					error: {
						message: details.message ?? `the provider answered ${statusCode}`,
						...(details.code && { code: details.code }),
					},
				},
			};
		}
		if (isThrottle(answer)) {
			const retryAfterMs = parseRetryAfterMs(answer.headers['retry-after']);
			return {
				kind: 'retryable',
				reason: `the provider asked to slow down (${statusCode})`,
				retryAfterMs,
				throttled: true,
			};
		}
		if (statusCode >= 500 || statusCode === 408 || error.meaning === 'tokenRejected') {
			return {
				kind: 'retryable',
				reason: `the provider answered ${statusCode}${this.said(answer)}`,
				throttled: false,
			};
		}
		return { kind: 'refused', answer };
	}

	/** The provider's own words about an error, redacted; nothing from an HTML page. */
	private safeDetails(answer: ReadAnswer): { message?: string; code?: string } {
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

	private said(answer: ReadAnswer): string {
		const { message } = this.safeDetails(answer);
		return message ? `: ${message}` : '';
	}

	private apiError(
		answer: ReadAnswer,
		itemIndex: number,
		context:
			{ action: 'submit'; refusedForms?: readonly string[] } | { action: 'status'; taskId: string },
	): NodeApiError {
		const { statusCode } = answer;
		const name = this.provider.displayName;
		const details = this.safeDetails(answer);
		const said = details.message ? `: ${details.message}` : '';
		const code = details.code && details.code !== String(statusCode) ? ` ${details.code}` : '';
		const credentialName = `${name} credential`;
		const nothingCreated = context.action === 'submit' ? ' No task was created.' : '';
		let message: string;
		let description: string;

		const taskUnaffected =
			context.action === 'status'
				? ` Task ${context.taskId} itself is not affected: collect it later with "Wait for Completion".`
				: '';
		if (answer.edgeCode) {
			message = `${name}'s network edge refused the request before it reached the API (${statusCode}, error code ${answer.edgeCode})`;
			description = `This is not a problem with the API key: a CDN in front of ${name} (Cloudflare) blocked the request, often because of the client's signature or network.${nothingCreated}${taskUnaffected} Try again later. Where n8n supports it, N8N_ENFORCE_GLOBAL_USER_AGENT=true makes it send a browser-style User-Agent, which strict firewalls accept; if it keeps happening, contact ${name} with this error code.`;
		} else if (answer.error?.meaning === 'balance') {
			message = `The ${name} balance is too low: top up at ${this.provider.billingPageUrl} (${statusCode}${code})${said}`;
			const advice = this.provider.balanceAdvice
				? `${this.provider.balanceAdvice} (${this.provider.billingPageUrl})`
				: `Top up at ${this.provider.billingPageUrl}`;
			description = `${name} refused the request because the account has no credit left for it.${nothingCreated} ${advice}, then run the item again.`;
		} else if (statusCode >= 300 && statusCode < 400) {
			const location = String(answer.headers.location ?? '');
			let target = 'another address';
			try {
				target = new URL(location, this.baseUrl).origin;
			} catch {
				target = location || target;
			}
			message = `${name} answered with a redirect (${statusCode}) to ${target}`;
			description = `The node does not follow redirects, so the API key never leaves the configured host. If ${target} is the right address, set it as the Base URL of the ${credentialName}.`;
		} else if (answer.error?.meaning === 'tokenRejected') {
			message = `${name} refused the token as not yet valid or expired (${statusCode}${code})${said}`;
			description = `It was refused twice. A token signed from an access key and secret key is made fresh for every request, valid from 5 seconds ago for 30 minutes, and ${name} judges it by its own clock: check that the clock of the machine running n8n is right (synchronised by NTP). Check the keys in the ${credentialName}; new ones can be created at ${this.provider.keyPageUrl}.${nothingCreated}`;
		} else if (statusCode === 401) {
			message = `${name} rejected the API key (401${code})${said}`;
			description = `Check the API key in the ${credentialName}; a new key can be created at ${this.provider.keyPageUrl}.`;
		} else if (statusCode === 402 || statusCode === 403) {
			message = `${name} refused the request (${statusCode}${code})${said}`;
			description = `The key may not have access to this Kling model, or the account balance may be too low. Check the key in the ${credentialName} and the balance at ${this.provider.billingPageUrl}.`;
		} else if (statusCode === 404 && context.action === 'status') {
			message = `${name} does not know task ${context.taskId} (404${code})${said}`;
			description = `The task id may be mistyped, belong to another provider or account, or be too old to be kept. Check the task id and that the ${credentialName} is the one that created it.`;
		} else if (answer.error?.meaning === 'concurrencyLimit') {
			const minutes = Math.round(CAPACITY_PATIENCE_MS / 60_000);
			message = `${name} kept refusing new tasks: the account already runs as many as its plan allows (${statusCode}${code})${said}`;
			description = `No task was created for this item. The node waited ${minutes} minutes for running tasks to end. Run it again later, send fewer items at a time, or raise the account's concurrency with ${name}.`;
		} else if (isThrottle(answer)) {
			message = `${name} kept refusing new tasks because of its rate limit (${statusCode}${code})${said}`;
			description =
				'No task was created for this item. Run it again later, or send fewer items at a time.';
		} else if (context.action === 'submit') {
			const earlier = context.refusedForms?.length
				? ` Another documented form of that field was refused first (${context.refusedForms.join('; ')}).`
				: '';
			message = `${name} rejected the task (${statusCode}${code})${said}`;
			description = `No task was created. The provider's message above names the field it refused; fix it and run the item again.${earlier}`;
		} else {
			message = `${name} refused the status request for task ${context.taskId} (${statusCode}${code})${said}`;
			description = 'Check the task id and the credential.';
		}
		return this.userError(itemIndex, message, description, String(statusCode));
	}

	/** The request may have reached the provider: the user must check before trying again. */
	private uncertainSubmission(itemIndex: number, what: string, submissionId: string): NodeApiError {
		const name = this.provider.displayName;
		const findIt = this.provider.submissionIdHint
			? ` This submission's id is ${submissionId}: ${this.provider.submissionIdHint}.`
			: '';
		return this.userError(
			itemIndex,
			`${name} did not confirm the new task: ${what}`,
			`The request may have reached ${name}, so a task may exist and may be charged. It was not sent again automatically, to avoid paying twice. Check the task list in your ${name} dashboard before running this item again.${findIt}`,
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

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A request to slow down: HTTP 429, or an error the provider marks as throttling (Kling's 1302/1303). */
function isThrottle(answer: ReadAnswer): boolean {
	const meaning = answer.error?.meaning;
	if (meaning === 'balance') return false;
	return answer.statusCode === 429 || meaning === 'throttled' || meaning === 'concurrencyLimit';
}
