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
 * The query parameter that carries the node's own tag for the item (its submission id) on the
 * callback address. n8n ignores other query parameters of a resume URL: 1.x has no token, 2.x
 * reads its token from `signature` only [C] (n8n's waiting-webhooks.ts), so one is appended, never
 * replaced. A tag is only a hint which task to look at: the task is always asked about.
 */
export const CALLBACK_TAG_PARAM = 'klingTag';

/** The callback address with the item's tag appended to its query. */
export function taggedCallbackUrl(url: string, tag: string): string {
	const tagged = new URL(url);
	tagged.searchParams.append(CALLBACK_TAG_PARAM, tag);
	return tagged.toString();
}

/**
 * The tags a woken Wait node's call carries, from whatever the user hands over: the call's query
 * (`{ klingTag }`), the whole call (`{ query: { klingTag } }`), a URL or query string, or a list.
 */
export function callbackTagsIn(value: unknown, depth = 0): string[] {
	if (depth > 3 || value === undefined || value === null) return [];
	if (Array.isArray(value)) return value.flatMap((entry) => callbackTagsIn(entry, depth + 1));
	if (typeof value === 'string') {
		const query = value.includes('?') ? value.slice(value.indexOf('?') + 1) : value;
		if (!query.includes(`${CALLBACK_TAG_PARAM}=`)) return [];
		return new URLSearchParams(query).getAll(CALLBACK_TAG_PARAM);
	}
	if (typeof value !== 'object') return [];
	const record = value as Record<string, unknown>;
	const own = record[CALLBACK_TAG_PARAM];
	const tags =
		typeof own === 'string'
			? [own]
			: Array.isArray(own)
				? own.filter((tag): tag is string => typeof tag === 'string')
				: [];
	return [...tags, ...callbackTagsIn(record.query, depth + 1)];
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
