import { NodeApiError, type JsonObject } from 'n8n-workflow';

import { KLING_MODELS, MODEL_NAMES, newestOf, type KlingModel } from '../models/catalogue';
import type { ProviderAdapter, RefusalAdvice } from '../providers';
import { isThrottle, type ProviderHttp, type ReadAnswer } from './http';
import type { NetworkFailure } from './networkErrors';

/**
 * Every error the transport raises for the user, in one place: what happened, and what to do.
 * Built from text only (never from the request, whose headers hold the key) and redacted once
 * more, whatever the provider put into it.
 */

export type RefusalContext =
	| {
			action: 'submit';
			model: KlingModel;
			refusedForms?: readonly string[];
			advice?: RefusalAdvice;
	  }
	| { action: 'status'; taskId: string }
	| { action: 'balance' };

export class TransportMessages {
	constructor(
		private readonly http: ProviderHttp,
		/** How long a submission waits for a free slot, named when it gave up waiting. */
		private readonly capacityPatienceMs: number,
	) {}

	/** A definite refusal of a submission or a status request. */
	refusal(answer: ReadAnswer, itemIndex: number, context: RefusalContext): NodeApiError {
		const { provider, baseUrl } = this.http;
		const { statusCode } = answer;
		const name = provider.displayName;
		const details = this.http.safeDetails(answer);
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
			message = `The ${name} balance is too low: top up at ${provider.billingPageUrl} (${statusCode}${code})${said}`;
			const advice = provider.balanceAdvice
				? `${provider.balanceAdvice} (${provider.billingPageUrl})`
				: `Top up at ${provider.billingPageUrl}`;
			description = `${name} refused the request because the account has no credit left for it.${nothingCreated} ${advice}, then run the item again.`;
		} else if (statusCode >= 300 && statusCode < 400) {
			const location = String(answer.headers.location ?? '');
			let target = 'another address';
			try {
				target = new URL(location, baseUrl).origin;
			} catch {
				target = location || target;
			}
			message = `${name} answered with a redirect (${statusCode}) to ${target}`;
			description = `The node does not follow redirects, so the API key never leaves the configured host. If ${target} is the right address, set it as the Base URL of the ${credentialName}.`;
		} else if (answer.error?.meaning === 'tokenRejected') {
			message = `${name} refused the token as not yet valid or expired (${statusCode}${code})${said}`;
			description = `It was refused twice. A token signed from an access key and secret key is made fresh for every request, valid from 5 seconds ago for 30 minutes, and ${name} judges it by its own clock: check that the clock of the machine running n8n is right (synchronised by NTP). Check the keys in the ${credentialName}; new ones can be created at ${provider.keyPageUrl}.${nothingCreated}`;
		} else if (statusCode === 401) {
			message = `${name} rejected the API key (401${code})${said}`;
			description = `Check the API key in the ${credentialName}; a new key can be created at ${provider.keyPageUrl}.`;
		} else if (statusCode === 402 || statusCode === 403) {
			message = `${name} refused the request (${statusCode}${code})${said}`;
			description = `The key may not have access to this Kling model, or the account balance may be too low. Check the key in the ${credentialName} and the balance at ${provider.billingPageUrl}.`;
		} else if (statusCode === 404 && context.action === 'status') {
			message = `${name} does not know task ${context.taskId} (404${code})${said}`;
			description = `The task id may be mistyped, belong to another provider or account, or be too old to be kept. Check the task id and that the ${credentialName} is the one that created it.`;
		} else if (context.action === 'balance') {
			message = `${name} refused the balance request (${statusCode}${code})${said}`;
			description = isThrottle(answer)
				? 'The provider limits how often the balance may be asked (Kling AI: once a second). Ask again in a moment.'
				: `Check the ${credentialName}. The balance can also be read at ${provider.billingPageUrl}.`;
		} else if (answer.error?.meaning === 'concurrencyLimit') {
			const minutes = Math.round(this.capacityPatienceMs / 60_000);
			message = `${name} kept refusing new tasks: the account already runs as many as its plan allows (${statusCode}${code})${said}`;
			description = `No task was created for this item. The node waited ${minutes} minutes for running tasks to end. Run it again later, send fewer items at a time, or raise the account's concurrency with ${name}.`;
		} else if (isThrottle(answer)) {
			message = `${name} kept refusing new tasks because of its rate limit (${statusCode}${code})${said}`;
			description =
				'No task was created for this item. Run it again later, or send fewer items at a time.';
		} else if (context.action === 'submit' && answer.error?.meaning === 'modelNotServed') {
			const model = MODEL_NAMES[context.model];
			message = `${name} no longer serves ${model} (or does not know it): it refused the task (${statusCode}${code})${said}`;
			const newest = newestOfferedBut(provider, context.model);
			const instead = newest
				? ` The newest model the node offers at ${name} is ${MODEL_NAMES[newest]} ("${newest}"): choose it, or another, under "Model".`
				: ` Choose another provider for ${model}.`;
			// The Novita family and fal answer an unknown model's path with a 404, as any unknown path.
			const path =
				statusCode === 404
					? ' A wrong Base URL in the credential is answered the same way: check it if you changed it.'
					: '';
			description = `No task was created and nothing was charged; it was not sent again.${instead}${path}`;
		} else if (context.action === 'submit') {
			const earlier = context.refusedForms?.length
				? ` Another documented form of that field was refused first (${context.refusedForms.join('; ')}).`
				: '';
			const { advice } = context;
			message = `${name} rejected the task (${statusCode}${code})${said}${advice ? `; ${advice.message}` : ''}`;
			description = advice
				? `${advice.description}${earlier}`
				: `No task was created. The provider's message above names the field it refused; fix it and run the item again.${earlier}`;
		} else {
			message = `${name} refused the status request for task ${context.taskId} (${statusCode}${code})${said}`;
			description = 'Check the task id and the credential.';
		}
		return this.userError(itemIndex, message, description, String(statusCode));
	}

	/** The request may have reached the provider: the user must check before trying again. */
	uncertainSubmission(itemIndex: number, what: string, submissionId: string): NodeApiError {
		const { provider } = this.http;
		const name = provider.displayName;
		const findIt = provider.submissionIdHint
			? ` This submission's id is ${submissionId}: ${provider.submissionIdHint}.`
			: '';
		return this.userError(
			itemIndex,
			`${name} did not confirm the new task: ${what}`,
			`The request may have reached ${name}, so a task may exist and may be charged. It was not sent again automatically, to avoid paying twice. Check the task list in your ${name} dashboard before running this item again.${findIt}`,
		);
	}

	unreachable(itemIndex: number, failure: NetworkFailure): NodeApiError {
		const name = this.http.provider.displayName;
		return this.userError(
			itemIndex,
			`Could not reach ${name} at ${new URL(this.http.baseUrl).origin}: ${failure.summary}`,
			`No task was created. Check the Base URL of the ${name} credential and this machine's network or proxy settings.`,
		);
	}

	private userError(
		itemIndex: number,
		message: string,
		description: string,
		httpCode?: string,
	): NodeApiError {
		const safeMessage = this.http.redact(message);
		return new NodeApiError(this.http.ctx.getNode(), { message: safeMessage } as JsonObject, {
			message: safeMessage,
			description: this.http.redact(description),
			...(httpCode && { httpCode }),
			itemIndex,
		});
	}
}

/** The most recently released model the provider offers, other than the refused one. */
function newestOfferedBut(provider: ProviderAdapter, refused: KlingModel): KlingModel | undefined {
	return newestOf(
		KLING_MODELS.filter(
			(model) => model !== refused && provider.offers.some((offer) => offer.model === model),
		),
	);
}
