import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { formatCount, LIMITS } from '../models/limits';
import { listNames } from '../shared/wording';
import type { RequestField } from './field';
import {
	MAX_SHOTS,
	MIN_SHOTS,
	readShots,
	type Shot,
	type StoryboardLimits,
} from './storyboardShots';

/** One prompt for the whole video, shots the route cuts itself, or the user's own shots. */
export type ShotMode = 'single' | 'auto' | 'custom';

/** How a route takes a storyboard (a multi-shot video from one start image). */
export interface StoryboardForm {
	/** The body field of the list of shots (`multi_prompt` everywhere so far). */
	field: string;
	/** `{prompt, duration}`, or Kling's own `{index, prompt, duration}` (index from 1). */
	entry: 'promptDuration' | 'indexed';
	/** A shot's duration typed as the route types its duration. */
	shotDuration: 'string' | 'integer';
	/** The shot-type field and its words, where the route takes one; `auto` where it cuts shots itself. */
	shotType?: { field: string; custom: string; auto?: string };
	/** A field set to true with any storyboard (Kling's `multi_shot`). */
	flag?: string;
	/**
	 * 'alongside': the prompt stays required and is sent with the shots; 'either': the route takes a
	 * prompt or shots, not both, so with custom shots the prompt is left empty.
	 */
	prompt: 'alongside' | 'either';
	/**
	 * With 'alongside': after a 400/422 naming `prompt` or the shots' field, the same shots sent
	 * without the prompt, where one source says the two are mutually exclusive.
	 */
	promptAlternate?: boolean;
	/** After a 400/422 naming the field, shots sent as plain strings: a schema types them so [?]. */
	textAlternate?: boolean;
	/** Characters a shot's text may have (default: a prompt's limit). */
	maxShotChars?: number;
	/** Shortest shot in seconds (default 1). */
	minShotSeconds?: number;
	/** False where the route forbids an end frame with shots. */
	withEndFrame?: boolean;
}

export type StoryboardRequest = { mode: 'auto' } | { mode: 'custom'; shots: Shot[] };

export interface StoryboardShape {
	name: 'storyboard';
	form: { storyboard?: StoryboardForm };
	facts: object;
	/** Empty: no Shot Mode here (one prompt, one shot). */
	offer: { shotModes: readonly ShotMode[]; storyboard?: StoryboardLimits };
	choice: Exclude<ShotMode, 'single'>;
	request: { storyboard?: StoryboardRequest };
}

const SHOT_MODE_OPTIONS: Record<ShotMode, { name: string; value: ShotMode; description: string }> =
	{
		single: {
			name: 'Single Shot',
			value: 'single',
			description: 'One prompt, one continuous shot',
		},
		auto: {
			name: 'Automatic Shots',
			value: 'auto',
			description: 'The provider cuts the prompt into shots itself',
		},
		custom: {
			name: 'Custom Shots',
			value: 'custom',
			description: 'Your own shots, each with its text and length',
		},
	};

/** The shots, shown once Custom Shots is chosen (Shot Mode is shown only where offered). */
const SHOTS_PROPERTY: INodeProperties = {
	displayName: 'Shots',
	name: 'shots',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Shot',
	default: {},
	description: `${MIN_SHOTS} to ${MAX_SHOTS} shots, in order; their durations must add up to Duration`,
	displayOptions: { show: { shotMode: ['custom'] } },
	options: [
		{
			displayName: 'Shot',
			name: 'shot',
			values: [
				{
					displayName: 'Prompt',
					name: 'prompt',
					type: 'string',
					typeOptions: { rows: 2 },
					default: '',
					placeholder: 'Close-up: the bottle turns slowly under soft light',
					description: 'What happens in this shot',
				},
				{
					displayName: 'Duration (Seconds)',
					name: 'duration',
					type: 'number',
					typeOptions: { minValue: 1, numberPrecision: 0 },
					default: 2,
					description: 'Whole seconds; the shots together must last as long as Duration',
				},
			],
		},
	],
};

function limitsOf(form: StoryboardForm): StoryboardLimits {
	return {
		prompt: form.prompt,
		maxShotChars: form.maxShotChars ?? LIMITS.maxPromptChars,
		minShotSeconds: form.minShotSeconds ?? 1,
		withEndFrame: form.withEndFrame ?? true,
	};
}

function shotModeDescription(modes: readonly ShotMode[], limits: StoryboardLimits): string {
	const rules = [
		`${MIN_SHOTS} to ${MAX_SHOTS} shots of at least ${limits.minShotSeconds} s and up to ${formatCount(limits.maxShotChars)} characters each, adding up to Duration`,
		limits.prompt === 'either'
			? 'leave Prompt empty: the shots replace it'
			: 'Prompt is still required and sent with the shots',
		...(limits.withEndFrame ? [] : ['no end frame with shots']),
	];
	return `One shot, or a storyboard of several from the one start image (${listNames(
		modes.map((mode) => SHOT_MODE_OPTIONS[mode].name),
	)}). Custom Shots here: ${rules.join('; ')}.`;
}

/** True where this item's custom shots take the place of the prompt, so an empty prompt is fine. */
export function shotsReplacePrompt(
	parameter: (name: string, fallback: unknown) => unknown,
	offer: StoryboardShape['offer'],
): boolean {
	return offer.storyboard?.prompt === 'either' && parameter('shotMode', 'single') === 'custom';
}

function shotEntry(shot: Shot, index: number, form: StoryboardForm): IDataObject {
	const duration = form.shotDuration === 'string' ? String(shot.duration) : shot.duration;
	return {
		...(form.entry === 'indexed' && { index: index + 1 }),
		prompt: shot.prompt,
		duration,
	};
}

export const storyboard: RequestField<StoryboardShape> = {
	name: 'storyboard',
	offerOf: ({ form }) =>
		form.storyboard
			? {
					shotModes: form.storyboard.shotType?.auto
						? ['single', 'auto', 'custom']
						: ['single', 'custom'],
					storyboard: limitsOf(form.storyboard),
				}
			: { shotModes: [] },
	editor: {
		inOptions: false,
		properties: (perForm) => [
			...perForm(
				(offer) =>
					offer.storyboard ? { modes: offer.shotModes, limits: offer.storyboard } : undefined,
				(variant) => ({
					displayName: 'Shot Mode',
					name: 'shotMode',
					type: 'options',
					options: variant.form.modes.map((mode) => SHOT_MODE_OPTIONS[mode]),
					default: 'single',
					description: shotModeDescription(variant.form.modes, variant.form.limits),
				}),
			),
			SHOTS_PROPERTY,
		],
	},
	read(input, offer) {
		if (!offer.storyboard) return undefined;
		const mode = input.parameter('shotMode', 'single');
		if (!offer.shotModes.includes(mode as ShotMode)) {
			throw input.refuse(
				`"Shot Mode" ${JSON.stringify(mode)} is not offered for ${input.offerName}; use ${listNames(offer.shotModes.map((value) => `"${value}"`))}`,
			);
		}
		if (mode === 'single') return undefined;
		if (mode === 'auto') return { choice: 'auto', value: () => ({ storyboard: { mode: 'auto' } }) };
		const shots = readShots(input, offer.storyboard);
		return { choice: 'custom', value: () => ({ storyboard: { mode: 'custom', shots } }) };
	},
	write(request, form, body) {
		const board = request.storyboard;
		const shape = form.storyboard;
		if (!board || !shape) return;
		if (shape.flag) body.set(shape.flag, true);
		if (board.mode === 'auto') {
			if (shape.shotType?.auto) body.set(shape.shotType.field, shape.shotType.auto);
			return;
		}
		if (shape.shotType) body.set(shape.shotType.field, shape.shotType.custom);
		const asText = shape.textAlternate === true && body.uses('shotsAsText');
		body.set(
			shape.field,
			asText
				? board.shots.map((shot) => shot.prompt)
				: board.shots.map((shot, index) => shotEntry(shot, index, shape)),
		);
		if (shape.textAlternate && !asText) body.couldSwitch('shotsAsText', [shape.field]);
		if (shape.promptAlternate && shape.prompt === 'alongside') {
			if (body.uses('shotsWithoutPrompt')) body.omit('prompt');
			else body.couldSwitch('shotsWithoutPrompt', ['prompt', shape.field]);
		}
	},
	readme: {
		header: 'Storyboard',
		cell: (offer) =>
			offer.storyboard
				? offer.shotModes.includes('auto')
					? 'custom, auto'
					: `custom${offer.storyboard.withEndFrame ? '' : ', no end frame'}`
				: '–',
	},
};
