import type { SubmitChecks } from './adapter';

/** How a provider accepts the first-frame image. */
export type ImageEncoding = 'url' | 'rawBase64' | 'dataUri';

const MAX_IMAGE_BYTES = 10 * 1024 * 1024;
const MIN_SIDE_PX = 300;
const MAX_ASPECT = 2.5;
const MAX_TEXT_CHARS = 2500;

interface ImageRules {
	accepted: ImageEncoding[];
	/** Image bytes only in this form, whatever the documented ones (a simulator option, to test form switching). */
	only?: 'rawBase64' | 'dataUri';
	/** GMI documents an aspect ratio between 1:2.5 and 2.5:1. */
	checkAspect?: boolean;
}

/** The 400 message for a bad image, or undefined; mirrors the documented limits (JPG/PNG, <= 10 MB, >= 300x300). */
export function imageProblem(field: string, value: unknown, rules: ImageRules): string | undefined {
	const takesBytes = rules.accepted.some((encoding) => encoding !== 'url');
	if (rules.only && takesBytes) {
		const urls = rules.accepted.filter((encoding) => encoding === 'url');
		rules = { ...rules, accepted: [...urls, rules.only], only: undefined };
	}
	if (typeof value !== 'string' || value.trim() === '') return `${field} is required`;
	if (!takesBytes && !/^https?:\/\//i.test(value))
		return `${field} must be an http(s) URL: this model takes image links only`;
	if (/^https?:\/\//i.test(value)) {
		if (!rules.accepted.includes('url')) return `${field} must not be a URL`;
		return isParsableUrl(value) ? undefined : `${field} is not a valid URL`;
	}
	let base64: string;
	if (value.startsWith('data:')) {
		if (!rules.accepted.includes('dataUri')) {
			return `${field} must be an http(s) URL or raw base64 without a data: prefix`;
		}
		const match = /^data:image\/(png|jpe?g);base64,(.*)$/is.exec(value);
		if (!match) return `${field} data URI must be a base64 image/png or image/jpeg`;
		base64 = match[2];
	} else {
		if (!rules.accepted.includes('rawBase64')) return `${field} must be a URL or a data URI`;
		base64 = value;
	}
	if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
		return `${field} is neither an http(s) URL nor valid base64`;
	const bytes = Buffer.from(base64, 'base64');
	if (bytes.length > MAX_IMAGE_BYTES) return `${field} exceeds 10MB`;
	const size = imageSize(bytes);
	if (!size) return `${field} must be a .jpg, .jpeg or .png image`;
	if (size.width < MIN_SIDE_PX || size.height < MIN_SIDE_PX) {
		return `${field} resolution ${size.width}x${size.height} is below 300x300`;
	}
	const aspect = size.width / size.height;
	if (rules.checkAspect && (aspect > MAX_ASPECT || aspect < 1 / MAX_ASPECT)) {
		return `${field} aspect ratio must be between 1:2.5 and 2.5:1`;
	}
	return undefined;
}

/** The 400 message for a bad text field, or undefined. */
export function textProblem(field: string, value: unknown, required: boolean): string | undefined {
	if (value === undefined || value === null) return required ? `${field} is required` : undefined;
	if (typeof value !== 'string') return `${field} must be a string`;
	if (required && value.trim() === '') return `${field} is required`;
	if ([...value].length > MAX_TEXT_CHARS) return `${field} must not exceed 2500 characters`;
	return undefined;
}

/** The 400 message for a guidance/cfg scale outside 0..1, or undefined. */
export function unitNumberProblem(field: string, value: unknown): string | undefined {
	if (value === undefined) return undefined;
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
		return `${field} must be a number between 0 and 1`;
	}
	return undefined;
}

function isParsableUrl(value: string): boolean {
	try {
		new URL(value);
		return true;
	} catch {
		return false;
	}
}

/** Width and height of a PNG or JPEG, or undefined for anything else. */
function imageSize(bytes: Buffer): { width: number; height: number } | undefined {
	const isPng =
		bytes.length >= 24 &&
		bytes.readUInt32BE(0) === 0x89504e47 &&
		bytes.toString('latin1', 12, 16) === 'IHDR';
	if (isPng) return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
	if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
	let offset = 2;
	while (offset + 9 <= bytes.length) {
		if (bytes[offset] !== 0xff) return undefined;
		const marker = bytes[offset + 1];
		const isStartOfFrame =
			marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isStartOfFrame)
			return { height: bytes.readUInt16BE(offset + 5), width: bytes.readUInt16BE(offset + 7) };
		offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return undefined;
}

/** One documented request field: its type and allowed values, as a provider's reference page gives them. */
export type FieldRule =
	| { kind: 'image'; accepted: ImageEncoding[]; required?: boolean; checkAspect?: boolean }
	| { kind: 'text'; required?: boolean }
	/** Exactly one of the values, compared with their JSON type: "5" is not 5. */
	| { kind: 'oneOf'; values: ReadonlyArray<string | number | boolean> }
	| { kind: 'unitNumber' }
	| { kind: 'boolean' }
	/** Documented, but the node never sends it: accepted as it comes. */
	| { kind: 'unused' }
	/** A rule of its own (a shot list, a field allowed only with or without another). */
	| {
			kind: 'check';
			problem(field: string, value: unknown, body: Record<string, unknown>): string | undefined;
	  };

/** A model's documented request body: every field it takes, nothing else. */
export type RequestSchema = Record<string, FieldRule>;

function describeValues(values: ReadonlyArray<string | number | boolean>): string {
	const typeOf = (value: unknown) => (Number.isInteger(value) ? 'integer' : typeof value);
	const types = [...new Set(values.map(typeOf))];
	return `${types.length === 1 ? `the ${types[0]} ` : ''}${values.map((value) => JSON.stringify(value)).join(', ')}`;
}

function fieldProblem(
	field: string,
	rule: FieldRule,
	value: unknown,
	checks: SubmitChecks,
	body: Record<string, unknown>,
): string | undefined {
	switch (rule.kind) {
		case 'image':
			if (value === undefined && !rule.required) return undefined;
			return imageProblem(field, value, { ...rule, only: checks.imageBytes });
		case 'text':
			return textProblem(field, value, rule.required ?? false);
		case 'oneOf':
			if (value === undefined) return undefined;
			return rule.values.includes(value as string | number | boolean)
				? undefined
				: `${field} must be one of ${describeValues(rule.values)}, not ${JSON.stringify(value)}`;
		case 'unitNumber':
			return unitNumberProblem(field, value);
		case 'boolean':
			return value === undefined || typeof value === 'boolean'
				? undefined
				: `${field} must be a boolean, not ${JSON.stringify(value)}`;
		case 'unused':
			return undefined;
		case 'check':
			return rule.problem(field, value, body);
	}
}

/**
 * The 400 message for a body that breaks the model's documented schema: a field the model does not
 * take, a missing required field, or a value of the wrong type or range. Each names the field
 * (with `prefix`, e.g. "payload."), so a field sent in the wrong form fails the test that sent it.
 * `checks.imageBytes` narrows every image field that takes bytes to that one form.
 */
export function schemaProblem(
	body: Record<string, unknown>,
	schema: RequestSchema,
	checks: SubmitChecks,
	prefix = '',
): string | undefined {
	const unknown = Object.keys(body).find((field) => !(field in schema));
	if (unknown !== undefined) return `${prefix}${unknown} is not a parameter of this model`;
	for (const [field, rule] of Object.entries(schema)) {
		const problem = fieldProblem(`${prefix}${field}`, rule, body[field], checks, body);
		if (problem) return problem;
	}
	return undefined;
}
