import type { IExecuteFunctions } from 'n8n-workflow';

import type { GenerationRequest, ProviderAdapter } from '../providers';
import { takesCallback } from '../providers/callbacks';
import { newSubmissionId } from '../transport/submission';
import { invalidInput } from '../shared/itemError';

/** Longer than any resume URL n8n makes; a longer value is a pasted mistake. */
const MAX_CALLBACK_URL_CHARS = 2048;

const EXAMPLE = 'for example {{ $execution.resumeUrl }}';
/** The value is never quoted back: a resume URL carries the token that resumes the execution. */
const NOT_SHOWN = 'The value is not shown here because it may carry a token.';

/**
 * The item's "Callback URL", checked before anything is paid for. Returned only where the route
 * documents a callback: elsewhere nothing is sent and a Wait node resumes at its time limit.
 */
export function readCallbackUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
): string | undefined {
	const raw = ctx.getNodeParameter('options.callbackUrl', itemIndex, '') as unknown;
	if (raw === undefined || raw === null) return undefined;
	if (typeof raw !== 'string')
		throw invalidInput(ctx, itemIndex, `"Callback URL" must be text: an http(s) URL, ${EXAMPLE}`);
	const text = raw.trim();
	if (text === '') return undefined;
	if (text.length > MAX_CALLBACK_URL_CHARS)
		throw invalidInput(
			ctx,
			itemIndex,
			`"Callback URL" is ${text.length} characters long; at most ${MAX_CALLBACK_URL_CHARS} are accepted`,
			NOT_SHOWN,
		);
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname)
		throw invalidInput(
			ctx,
			itemIndex,
			`"Callback URL" must be an http(s) URL, ${EXAMPLE}`,
			`${NOT_SHOWN} Leave the option out to send no callback.`,
		);
	return takesCallback(provider.id) ? text : undefined;
}

/**
 * The request with the item's callback address, where there is one to send, and the tag the node
 * appends to it (the item's submission id), which names the item when the call comes.
 */
export function withCallbackUrl(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	request: GenerationRequest,
): GenerationRequest {
	const callbackUrl = readCallbackUrl(ctx, itemIndex, provider);
	if (!callbackUrl) return request;
	const callbackTag = newSubmissionId(ctx.getExecutionId?.(), itemIndex);
	return { ...request, callbackUrl, callbackTag };
}
