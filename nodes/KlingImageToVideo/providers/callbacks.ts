import type { ApiCall, ProviderId } from './types';

/**
 * Where each route documents a callback on task changes, and how the address is sent. Routes not
 * listed document none (MyRouter, HighwayAPI, AI/ML API, GMI Cloud): nothing is sent there.
 */
const CALLBACK_PLACES: Partial<Record<ProviderId, (call: ApiCall, url: string) => ApiCall>> = {
	// Called on every status change, intermediate ones included.
	kling: (call, url) => ({ ...call, body: { ...call.body, callback_url: url } }),
	// fal takes the address as a query parameter of the queue submission, called once the request ends.
	fal: (call, url) => ({ ...call, qs: { ...call.qs, fal_webhook: url } }),
	// Called once the task ends (event ASYNC_TASK_RESULT).
	novita: (call, url) => ({ ...call, body: { ...call.body, extra: { webhook: { url } } } }),
};

export function takesCallback(provider: ProviderId): boolean {
	return CALLBACK_PLACES[provider] !== undefined;
}

/** The submission with the callback address in the route's documented place (unchanged without one). */
export function withCallback(
	provider: ProviderId,
	call: ApiCall,
	url: string | undefined,
): ApiCall {
	const place = CALLBACK_PLACES[provider];
	return url && place ? place(call, url) : call;
}

/**
 * The forms in which a callback address could come back in a provider's answer: whole, encoded
 * (fal's query parameter), and each long query value on its own (n8n's resume token).
 */
export function callbackSecrets(url: string): string[] {
	const forms = [url, encodeURIComponent(url)];
	try {
		for (const value of new URL(url).searchParams.values())
			if (value.length >= 8) forms.push(value, encodeURIComponent(value));
	} catch {
		// Checked as a URL before it gets here; nothing more to hide otherwise.
	}
	return [...new Set(forms)];
}
