import { formatCount } from '../models/limits';
import { describeType } from '../shared/wording';
import type { FieldInput } from './field';

export const MIN_SHOTS = 2;
export const MAX_SHOTS = 6;

/** The limits of a storyboard at one offer, as the checks and the editor see them. */
export interface StoryboardLimits {
	/** 'alongside': the prompt is sent with the shots; 'either': the shots replace it. */
	prompt: 'alongside' | 'either';
	maxShotChars: number;
	minShotSeconds: number;
	withEndFrame: boolean;
}

/** One shot of a custom storyboard, checked. */
export interface Shot {
	prompt: string;
	/** Whole seconds. */
	duration: number;
}

/** The entries of "Shots", as the editor saves them: `{ shot: [...] }` (empty: `{}`). */
function shotEntries(input: FieldInput): unknown[] {
	const raw = input.parameter('shots', {});
	const entries = typeof raw === 'object' && raw !== null ? (raw as { shot?: unknown }).shot : raw;
	if (entries === undefined) return [];
	if (Array.isArray(entries)) return entries;
	throw input.refuse(`"Shots" must be a list of shots, but its value is ${describeType(entries)}`);
}

function readShot(
	input: FieldInput,
	entry: unknown,
	number: number,
	limits: StoryboardLimits,
): Shot {
	if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
		throw input.refuse(`Shot ${number} must be an object with a prompt and a duration`);
	const { prompt: rawPrompt, duration: rawDuration } = entry as Record<string, unknown>;
	const prompt =
		typeof rawPrompt === 'string'
			? rawPrompt.trim()
			: typeof rawPrompt === 'number'
				? String(rawPrompt)
				: undefined;
	if (prompt === undefined && rawPrompt !== undefined && rawPrompt !== null)
		throw input.refuse(
			`The prompt of shot ${number} must be text, but its value is ${describeType(rawPrompt)}`,
		);
	if (!prompt)
		throw input.refuse(
			`The prompt of shot ${number} is empty; each shot needs 1 to ${formatCount(limits.maxShotChars)} characters describing it`,
		);
	if ([...prompt].length > limits.maxShotChars)
		throw input.refuse(
			`The prompt of shot ${number} is ${formatCount([...prompt].length)} characters; ${input.offerName} takes up to ${formatCount(limits.maxShotChars)} a shot`,
		);
	const duration =
		typeof rawDuration === 'string' && rawDuration.trim() !== ''
			? Number(rawDuration)
			: rawDuration;
	if (
		typeof duration !== 'number' ||
		!Number.isInteger(duration) ||
		duration < limits.minShotSeconds
	)
		throw input.refuse(
			`The duration of shot ${number} must be a whole number of seconds, at least ${limits.minShotSeconds}, not ${JSON.stringify(rawDuration)}`,
		);
	return { prompt, duration };
}

/** The custom shots of one item, refused before paying when the route would refuse them. */
export function readShots(input: FieldInput, limits: StoryboardLimits): Shot[] {
	const entries = shotEntries(input);
	if (entries.length < MIN_SHOTS || entries.length > MAX_SHOTS)
		throw input.refuse(
			`"Shots" has ${entries.length} shot${entries.length === 1 ? '' : 's'}; a custom storyboard at ${input.offerName} takes ${MIN_SHOTS} to ${MAX_SHOTS}`,
			'Add shots under "Shots", or set "Shot Mode" to Single Shot.',
		);
	const shots = entries.map((entry, index) => readShot(input, entry, index + 1, limits));
	const total = shots.reduce((sum, shot) => sum + shot.duration, 0);
	if (total !== input.asked.duration)
		throw input.refuse(
			`The shots last ${total} s together (${shots.map((shot) => shot.duration).join(' + ')}), but "Duration" is ${input.asked.duration} s; they must add up to it`,
		);
	if (limits.prompt === 'either' && input.asked.prompt !== '')
		throw input.refuse(
			`"Prompt" must be empty with custom shots at ${input.offerName}: it takes either a prompt or shots, not both`,
			'Move the prompt text into the shots, or set "Shot Mode" to Single Shot.',
		);
	return shots;
}
