/** Small readers for provider JSON, which arrives untyped and sometimes in more than one shape. */

export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readString(value: unknown): string | undefined {
	if (typeof value === 'string' && value.trim() !== '') return value;
	if (typeof value === 'number' && Number.isFinite(value)) return String(value);
	return undefined;
}

/** Numbers arrive as numbers or as numeric strings (Novita sends `video_url_ttl: "3600"`). */
export function readNumber(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}

/** An error field that may be a string or `{ code, message }`, as GMI and AI/ML send them. */
export function readErrorField(value: unknown): { message: string; code?: string } | undefined {
	const text = readString(value);
	if (text !== undefined) return { message: text };
	if (!isObject(value)) return undefined;
	const message = readString(value.message) ?? readString(value.reason) ?? readString(value.detail);
	const code = readString(value.code) ?? readString(value.name) ?? readString(value.type);
	if (message === undefined && code === undefined) return undefined;
	return { message: message ?? code ?? '', ...(code !== undefined && { code }) };
}

export function toDataUri(base64: string, mimeType: string): string {
	return `data:${mimeType};base64,${base64}`;
}

/**
 * A validation `detail` as FastAPI-style servers send it (fal [C], GMI Cloud [?]): a string, or a
 * list of `{loc, msg}` read as "field: message" lines, so a refused field is named.
 */
export function readValidationDetail(detail: unknown): string | undefined {
	if (!Array.isArray(detail)) return readString(detail);
	const lines = detail.map((entry) => {
		if (!isObject(entry)) return readString(entry);
		const loc = Array.isArray(entry.loc) ? entry.loc.map(readString).filter(Boolean) : [];
		const field = loc.filter((part) => part !== 'body').join('.');
		const message = readString(entry.msg) ?? readString(entry.message);
		return field && message ? `${field}: ${message}` : message;
	});
	return lines.filter(Boolean).join('; ') || undefined;
}
