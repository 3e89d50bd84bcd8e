import { textProblem } from './validation';

/** How a route documents the shots of a storyboard (`multi_prompt`). */
export interface ShotRules {
	/** Each shot an object `{prompt, duration}`, Kling's `{index, prompt, duration}`, or a plain string. */
	entries: ReadonlyArray<'objects' | 'indexed' | 'strings'>;
	/** How a shot's duration is typed. */
	duration: 'integer' | 'string';
	maxShots?: number;
	maxChars?: number;
	/** Longest shot in seconds, where documented. */
	maxSeconds?: number;
	/** The video's duration, where the shots must add up to it. */
	total?: unknown;
}

function entryProblem(
	field: string,
	shot: unknown,
	index: number,
	rules: ShotRules,
): string | undefined {
	const where = `${field}[${index}]`;
	if (typeof shot === 'string') {
		if (!rules.entries.includes('strings')) return `${where} must be an object, not a string`;
		return shot.trim() === '' ? `${where} is empty` : undefined;
	}
	if (typeof shot !== 'object' || shot === null || Array.isArray(shot))
		return `${where} must be ${rules.entries.includes('strings') && rules.entries.length === 1 ? 'a string' : 'an object'}`;
	if (rules.entries.length === 1 && rules.entries[0] === 'strings')
		return `${where} must be a string`;
	const entry = shot as Record<string, unknown>;
	const indexed = rules.entries.includes('indexed');
	const allowed = indexed ? ['index', 'prompt', 'duration'] : ['prompt', 'duration'];
	const unknown = Object.keys(entry).find((key) => !allowed.includes(key));
	if (unknown) return `${where}.${unknown} is not a field of a shot`;
	if (indexed && entry.index !== index + 1) return `${where}.index must be ${index + 1}`;
	if (typeof entry.prompt !== 'string' || entry.prompt.trim() === '')
		return `${where}.prompt is required`;
	if (rules.maxChars && [...entry.prompt].length > rules.maxChars)
		return `${where}.prompt must not exceed ${rules.maxChars} characters`;
	const seconds = rules.duration === 'string' ? Number(entry.duration) : entry.duration;
	if (
		typeof entry.duration !== (rules.duration === 'string' ? 'string' : 'number') ||
		!Number.isInteger(seconds) ||
		(seconds as number) < 1 ||
		(seconds as number) > (rules.maxSeconds ?? Infinity)
	)
		return `${where}.duration must be ${rules.duration === 'string' ? 'a string of' : ''} a whole number of seconds, at least 1${rules.maxSeconds ? ` and at most ${rules.maxSeconds}` : ''}`;
	return undefined;
}

/** The 400 message for a shot list that breaks the route's documented form, or undefined. */
export function shotsProblem(field: string, value: unknown, rules: ShotRules): string | undefined {
	if (value === undefined) return undefined;
	if (!Array.isArray(value) || value.length === 0) return `${field} must be a non-empty list`;
	const maxShots = rules.maxShots ?? 6;
	if (value.length > maxShots) return `${field} takes at most ${maxShots} shots`;
	for (const [index, shot] of value.entries()) {
		const problem = entryProblem(field, shot, index, rules);
		if (problem) return problem;
	}
	if (rules.total !== undefined) {
		const sum = value.reduce(
			(seconds: number, shot: { duration?: unknown }) => seconds + Number(shot.duration),
			0,
		);
		if (sum !== Number(rules.total)) return `the ${field} durations must add up to duration`;
	}
	return undefined;
}

/**
 * [3P] With `multi_shot` and `shot_type: "customize"` the shots are `multi_prompt` (up to 6, up to
 * 512 characters each, adding up to the duration) and the prompt may be empty; "intelligence" cuts
 * the prompt into shots itself.
 */
export function klingMultiShotProblem(
	body: Record<string, unknown>,
	rules: { promptRequired: boolean; multiShot?: boolean },
): string | undefined {
	const { multi_shot: multiShot, shot_type: shotType, multi_prompt: shots } = body;
	if (multiShot === undefined && shotType === undefined && shots === undefined)
		return textProblem('prompt', body.prompt, rules.promptRequired);
	if (!rules.multiShot) return `multi_shot is not supported by ${String(body.model_name)}`;
	if (typeof multiShot !== 'boolean') return 'multi_shot must be a boolean';
	if (shotType !== 'customize' && shotType !== 'intelligence')
		return 'shot_type must be customize or intelligence';
	if (shotType === 'intelligence') {
		if (shots !== undefined) return 'multi_prompt is only for shot_type customize';
		return textProblem('prompt', body.prompt, true);
	}
	if (shots === undefined) return 'multi_prompt is required when shot_type is customize';
	return (
		textProblem('prompt', body.prompt, false) ??
		shotsProblem('multi_prompt', shots, {
			entries: ['indexed'],
			duration: 'string',
			maxChars: 512,
			total: body.duration ?? '5',
		})
	);
}

/** How a route documents `elements` (subject references) given inline. */
export interface ElementRules {
	maxElements: number;
	maxReferences: number;
	frontalRequired: boolean;
}

const isHttpUrl = (value: unknown) => typeof value === 'string' && /^https?:\/\/\S+$/i.test(value);

/** The 400 message for elements that break the route's documented form, or undefined. */
export function elementsProblem(
	field: string,
	value: unknown,
	rules: ElementRules,
): string | undefined {
	if (value === undefined) return undefined;
	if (!Array.isArray(value) || value.length === 0) return `${field} must be a non-empty list`;
	if (value.length > rules.maxElements)
		return `${field} takes at most ${rules.maxElements} elements`;
	for (const [index, element] of value.entries()) {
		const where = `${field}[${index}]`;
		if (typeof element !== 'object' || element === null || Array.isArray(element))
			return `${where} must be an object`;
		const entry = element as Record<string, unknown>;
		const unknown = Object.keys(entry).find(
			(key) => !['frontal_image_url', 'reference_image_urls', 'video_url'].includes(key),
		);
		if (unknown) return `${where}.${unknown} is not a field of an element`;
		if (
			entry.frontal_image_url === undefined
				? rules.frontalRequired
				: !isHttpUrl(entry.frontal_image_url)
		)
			return `${where}.frontal_image_url must be an image URL`;
		const references = entry.reference_image_urls;
		if (
			!Array.isArray(references) ||
			references.length < 1 ||
			references.length > rules.maxReferences
		)
			return `${where}.reference_image_urls must hold 1 to ${rules.maxReferences} image URLs`;
		if (!references.every(isHttpUrl)) return `${where}.reference_image_urls must hold image URLs`;
	}
	return undefined;
}
