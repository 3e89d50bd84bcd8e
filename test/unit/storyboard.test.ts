import type { GenerationRequest } from '../../nodes/KlingImageToVideo/providers';
import {
	offerOf,
	requestFields,
	type RequestForm,
} from '../../nodes/KlingImageToVideo/providers/modelTable';
import type {
	AlternateForm,
	FieldInput,
	StoryboardForm,
} from '../../nodes/KlingImageToVideo/requestFields';
import { checkRulesAcrossFields } from '../../nodes/KlingImageToVideo/requestFields/rulesAcrossFields';
import { storyboard } from '../../nodes/KlingImageToVideo/requestFields/storyboard';

/** The storyboard field on its own: its offer from a row form, its checks and each route's body. */

const url = { kind: 'url', url: 'https://cdn.example.com/first.png' } as const;
const BASE_FORM: RequestForm = { image: 'image', promptRequired: true, duration: 'integer' };

const NOVITA_LIKE: StoryboardForm = {
	field: 'multi_prompt',
	entry: 'promptDuration',
	shotDuration: 'integer',
	prompt: 'alongside',
	withEndFrame: false,
};
const KLING_LIKE: StoryboardForm = {
	field: 'multi_prompt',
	entry: 'indexed',
	shotDuration: 'string',
	flag: 'multi_shot',
	shotType: { field: 'shot_type', custom: 'customize', auto: 'intelligence' },
	prompt: 'either',
	maxShotChars: 512,
};

const offerWith = (form: StoryboardForm | undefined) =>
	offerOf({
		model: 'v3.0',
		form: { ...BASE_FORM, storyboard: form },
		tiers: { standard: 'std' },
		durations: [3, 4, 5, 6, 7, 8, 9, 10],
	});

function inputWith(parameters: Record<string, unknown>): FieldInput {
	return {
		offerName: 'Kling 3.0 at Test',
		asked: {
			duration: Number(parameters.duration ?? 5),
			prompt: String(parameters.prompt ?? ''),
		},
		parameter: (name, fallback) => (name in parameters ? parameters[name] : fallback),
		text: (name) => String(parameters[name] ?? ''),
		checkLength: () => undefined,
		refuse: (message) => new Error(message),
		imageSource: () => 'url',
		image: async () => await Promise.resolve(url),
	};
}

const shots = (...durations: number[]) => ({
	shot: durations.map((duration, index) => ({ prompt: `shot ${index + 1}`, duration })),
});

function body(
	request: Partial<GenerationRequest>,
	form: StoryboardForm,
	alternates: AlternateForm[] = [],
) {
	return requestFields(
		{ model: 'v3.0', mode: 'standard', duration: 5, image: url, prompt: '', ...request },
		{ ...BASE_FORM, storyboard: form },
		new Set(alternates),
	);
}

describe('storyboard', () => {
	it('is offered where the row form has it: custom everywhere, auto where the route has a word for it', () => {
		expect(offerWith(undefined).shotModes).toEqual([]);
		expect(offerWith(NOVITA_LIKE).shotModes).toEqual(['single', 'custom']);
		expect(offerWith(KLING_LIKE).shotModes).toEqual(['single', 'auto', 'custom']);
		expect(storyboard.readme?.cell(offerWith(NOVITA_LIKE))).toBe('custom, no end frame');
		expect(storyboard.readme?.cell(offerWith(undefined))).toBe('–');
	});

	it('reads 2 to 6 shots adding up to Duration, and nothing for a single shot', () => {
		const offer = offerWith(NOVITA_LIKE);
		expect(storyboard.read(inputWith({}), offer)).toBeUndefined();
		const reading = storyboard.read(
			inputWith({ shotMode: 'custom', shots: shots(2, 3), prompt: 'an ad' }),
			offer,
		);
		expect(reading?.value()).toEqual({
			storyboard: {
				mode: 'custom',
				shots: [
					{ prompt: 'shot 1', duration: 2 },
					{ prompt: 'shot 2', duration: 3 },
				],
			},
		});
	});

	it.each([
		[
			{ shots: shots(5) },
			'"Shots" has 1 shot; a custom storyboard at Kling 3.0 at Test takes 2 to 6',
		],
		[{ shots: shots(1, 1, 1, 1, 1, 1, 1), duration: 7 }, '"Shots" has 7 shots'],
		[{ shots: shots(2, 2) }, 'The shots last 4 s together (2 + 2), but "Duration" is 5 s'],
		[
			{ shots: shots(0, 5) },
			'The duration of shot 1 must be a whole number of seconds, at least 1, not 0',
		],
		[
			{
				shots: {
					shot: [
						{ prompt: 'a', duration: '2' },
						{ prompt: '', duration: 3 },
					],
				},
			},
			'The prompt of shot 2 is empty',
		],
		[{ shots: 'two shots' }, '"Shots" must be a list of shots, but its value is a string'],
		[
			{ shotMode: 'auto' },
			'"Shot Mode" "auto" is not offered for Kling 3.0 at Test; use "single" or "custom"',
		],
	])('refuses %j', (parameters, message) => {
		const input = inputWith({ shotMode: 'custom', prompt: 'an ad', ...parameters });
		expect(() => storyboard.read(input, offerWith(NOVITA_LIKE))).toThrow(message);
	});

	it('takes the place of the prompt where the route takes one or the other, and refuses both', () => {
		const offer = offerWith(KLING_LIKE);
		const both = inputWith({ shotMode: 'custom', shots: shots(2, 3), prompt: 'an ad' });
		expect(() => storyboard.read(both, offer)).toThrow('"Prompt" must be empty with custom shots');
		const long = {
			shot: [
				{ prompt: 'x'.repeat(513), duration: 2 },
				{ prompt: 'y', duration: 3 },
			],
		};
		expect(() => storyboard.read(inputWith({ shotMode: 'custom', shots: long }), offer)).toThrow(
			'The prompt of shot 1 is 513 characters; Kling 3.0 at Test takes up to 512 a shot',
		);
	});

	it('refuses an end frame with shots where the route forbids it', () => {
		const input = inputWith({});
		const rules = (form: StoryboardForm) => () =>
			checkRulesAcrossFields(
				input,
				{ ...offerWith(form), endFrameModes: ['standard'] },
				'standard',
				{ storyboard: 'custom', endFrame: 'url' },
			);
		expect(rules(NOVITA_LIKE)).toThrow(
			'An end frame cannot be combined with a storyboard for Kling 3.0 at Test',
		);
		expect(rules(KLING_LIKE)).not.toThrow();
	});

	const custom: Partial<GenerationRequest> = {
		storyboard: {
			mode: 'custom',
			shots: [
				{ prompt: 'close', duration: 2 },
				{ prompt: 'wide', duration: 3 },
			],
		},
	};

	it("is written in each route's form: durations typed as the route types them, Kling's index and flag", () => {
		expect(body(custom, NOVITA_LIKE).fields).toMatchObject({
			multi_prompt: [
				{ prompt: 'close', duration: 2 },
				{ prompt: 'wide', duration: 3 },
			],
		});
		expect(body(custom, KLING_LIKE).fields).toMatchObject({
			multi_shot: true,
			shot_type: 'customize',
			multi_prompt: [
				{ index: 1, prompt: 'close', duration: '2' },
				{ index: 2, prompt: 'wide', duration: '3' },
			],
		});
		const auto = body({ storyboard: { mode: 'auto' }, prompt: 'an ad' }, KLING_LIKE).fields;
		expect(auto).toEqual({
			image: url.url,
			prompt: 'an ad',
			duration: 5,
			multi_shot: true,
			shot_type: 'intelligence',
		});
	});

	it('switches to shots as strings once, where the route has that second reading', () => {
		const form = { ...NOVITA_LIKE, textAlternate: true };
		const first = body(custom, form);
		expect(first.alternates).toEqual([{ form: 'shotsAsText', fields: ['multi_prompt'] }]);
		const second = body(custom, form, ['shotsAsText']);
		expect(second.fields.multi_prompt).toEqual(['close', 'wide']);
		expect(second.alternates).toEqual([]);
		expect(body(custom, NOVITA_LIKE).alternates).toEqual([]);
	});

	it('sends the shots without the prompt once, where a page calls the two mutually exclusive', () => {
		const form = { ...NOVITA_LIKE, promptAlternate: true };
		const withPrompt = { ...custom, prompt: 'an ad' };
		const first = body(withPrompt, form);
		expect(first.fields.prompt).toBe('an ad');
		expect(first.alternates).toEqual([
			{ form: 'shotsWithoutPrompt', fields: ['prompt', 'multi_prompt'] },
		]);
		const second = body(withPrompt, form, ['shotsWithoutPrompt']);
		expect(second.fields).not.toHaveProperty('prompt');
		expect(second.fields.multi_prompt).toEqual(first.fields.multi_prompt);
		expect(second.alternates).toEqual([]);
		expect(body({ prompt: 'an ad' }, form).alternates).toEqual([]);
	});
});
