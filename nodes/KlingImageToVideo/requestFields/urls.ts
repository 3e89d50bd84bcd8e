import type { FieldInput } from './field';

/** A link the provider downloads itself, refused unless it is an http(s) URL. */
export function checkHttpUrl(input: FieldInput, label: string, text: string): string {
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw input.refuse(`${label} is not a URL: ${JSON.stringify(text.slice(0, 100))}`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw input.refuse(
			`${label} must start with http:// or https:// (the provider downloads it), not ${url.protocol}`,
		);
	return url.toString();
}
