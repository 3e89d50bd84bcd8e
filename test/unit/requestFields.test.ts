import type { INodeProperties } from 'n8n-workflow';

import {
	PROVIDERS,
	type GenerationRequest,
	type ModelOffer,
} from '../../nodes/KlingImageToVideo/providers';
import {
	offerOf,
	requestFields,
	type ModelRow,
	type RequestForm,
} from '../../nodes/KlingImageToVideo/providers/modelTable';
import {
	REQUEST_FIELDS,
	type AlternateForm,
	type AnyRequestField,
	type FieldInput,
	type ImageSource,
	type PerForm,
} from '../../nodes/KlingImageToVideo/requestFields';
import { aspectRatio } from '../../nodes/KlingImageToVideo/requestFields/aspectRatio';
import { endFrame } from '../../nodes/KlingImageToVideo/requestFields/endFrame';
import { guidanceScale } from '../../nodes/KlingImageToVideo/requestFields/guidanceScale';
import { negativePrompt } from '../../nodes/KlingImageToVideo/requestFields/negativePrompt';
import { checkRulesAcrossFields } from '../../nodes/KlingImageToVideo/requestFields/rulesAcrossFields';
import { sound } from '../../nodes/KlingImageToVideo/requestFields/sound';

/**
 * Each optional request field from its own module: where it is offered (from a model row), what
 * the editor shows, what an item's parameters may hold, and what each provider's body gets.
 */

const FIELDS: readonly AnyRequestField[] = REQUEST_FIELDS;

const url = { kind: 'url', url: 'https://cdn.example.com/first.png' } as const;
const endUrl = { kind: 'url', url: 'https://cdn.example.com/last.png' } as const;
const png = { kind: 'bytes', base64: 'iVBORw0KGgo=', mimeType: 'image/png' } as const;

const BASE_FORM: RequestForm = {
	image: 'image',
	imageBytes: 'rawBase64',
	promptRequired: true,
	duration: 'integer',
};

/** A Kling 3.0 row as a provider table writes it, with `more` of the optional fields. */
function row(
	more: Omit<Partial<ModelRow<string>>, 'form'> & { form?: Partial<RequestForm> } = {},
): ModelRow<string> {
	const { form, ...facts } = more;
	return {
		model: 'v3.0',
		form: { ...BASE_FORM, ...form },
		tiers: { standard: 'std', professional: 'pro' },
		durations: [5, 10],
		...facts,
	};
}

function inputWith(parameters: Record<string, unknown>): FieldInput {
	return {
		offerName: 'Kling 3.0 at Test',
		asked: {
			duration: Number(parameters.duration ?? 5),
			prompt: String(parameters.prompt ?? ''),
		},
		parameter: (name, fallback) => (name in parameters ? parameters[name] : fallback),
		text: (name) => String(parameters[name] ?? ''),
		checkLength: (label, text) => {
			if ([...text].length > 2500) throw new Error(`"${label}" is too long`);
		},
		refuse: (message) => new Error(message),
		imageSource: (frame) =>
			(parameters[frame.source] ?? (frame.optional ? 'none' : 'url')) as ImageSource,
		image: async (frame) =>
			await Promise.resolve({ kind: 'url', url: String(parameters[frame.url]) }),
	};
}

/** The editor properties a top-level field shows, one variant per offer given. */
function editorProperties(field: AnyRequestField, offers: ModelOffer[]): INodeProperties[] {
	const perForm: PerForm<ModelOffer> = (formOf, property) =>
		offers.flatMap((offer) => {
			const form = formOf(offer);
			return form === undefined ? [] : [property({ form, model: offer.model })];
		});
	if (field.editor.inOptions) throw new Error(`${field.name} lives in the Options collection`);
	return field.editor.properties(perForm);
}

function body(
	request: Partial<GenerationRequest>,
	form: Partial<RequestForm>,
	alternates: AlternateForm[] = [],
) {
	return requestFields(
		{ model: 'v3.0', mode: 'standard', duration: 5, image: url, prompt: 'p', ...request },
		{ ...BASE_FORM, ...form },
		new Set(alternates),
	);
}

describe('the list of fields', () => {
	it('is what the editor, the reader, the body writer and the README table go through, in order', () => {
		// The editor's order of today's fields, which saved workflows and the e2e suites see.
		const names = FIELDS.map((field) => field.name);
		const known = ['guidanceScale', 'negativePrompt', 'sound', 'aspectRatio', 'endFrame'];
		expect(names.filter((name) => known.includes(name))).toEqual(known);
		const inOptions = FIELDS.filter((field) => field.editor.inOptions).map((field) => field.name);
		expect(inOptions.slice(0, 2)).toEqual(['guidanceScale', 'negativePrompt']);
		const columns = FIELDS.flatMap((field) => (field.readme ? [field.readme.header] : []));
		expect(columns.slice(0, 3)).toEqual(['Sound', 'Aspect ratio', 'End frame']);
	});

	it('offers nothing where a row documents no optional field', () => {
		const offer = offerOf(row());
		expect(offer).toMatchObject({
			negativePrompt: false,
			guidanceScale: false,
			soundModes: [],
			aspectRatios: [],
			endFrameModes: [],
		});
		for (const field of FIELDS) expect(field.read(inputWith({}), offer)).toBeUndefined();
	});

	it('sends none of them where the form has no field for them, even if the request has them', () => {
		const { fields } = body(
			{
				negativePrompt: 'blur',
				guidanceScale: 0.4,
				sound: true,
				aspectRatio: '9:16',
				endImage: endUrl,
			},
			{},
		);
		expect(fields).toEqual({ image: url.url, prompt: 'p', duration: 5 });
	});
});

describe('guidance scale', () => {
	const offer = offerOf(row({ form: { guidance: 'cfg_scale' } }));

	it('is offered where the form names its body field, in the Options collection', () => {
		expect(offer.guidanceScale).toBe(true);
		expect(guidanceScale.editor).toMatchObject({
			inOptions: true,
			property: { name: 'guidanceScale', default: 0.5, typeOptions: { minValue: 0, maxValue: 1 } },
		});
	});

	it('reads options.guidanceScale, 0.5 when unset, numeric text as a number', () => {
		expect(guidanceScale.read(inputWith({}), offer)?.value()).toEqual({ guidanceScale: 0.5 });
		expect(
			guidanceScale.read(inputWith({ 'options.guidanceScale': '0.25' }), offer)?.value(),
		).toEqual({ guidanceScale: 0.25 });
	});

	it.each([[1.5], [-0.1], ['strong'], [null]])('refuses %p', (value) => {
		expect(() => guidanceScale.read(inputWith({ 'options.guidanceScale': value }), offer)).toThrow(
			`"Guidance Scale" must be a number from 0 to 1, not ${String(value)}`,
		);
	});

	it('is written under the provider name, 0 included', () => {
		expect(body({ guidanceScale: 0 }, { guidance: 'cfg_scale' }).fields.cfg_scale).toBe(0);
		expect(body({ guidanceScale: 0.7 }, { guidance: 'guidance_scale' }).fields).toMatchObject({
			guidance_scale: 0.7,
		});
	});
});

describe('negative prompt', () => {
	const offer = offerOf(row({ form: { negativePrompt: 'negative_prompt' } }));

	it('is offered where the form names its body field, in the Options collection', () => {
		expect(offer.negativePrompt).toBe(true);
		expect(negativePrompt.editor).toMatchObject({
			inOptions: true,
			property: { name: 'negativePrompt', default: '' },
		});
		if (negativePrompt.editor.inOptions)
			expect(negativePrompt.editor.property.description).toContain('2,500 characters');
	});

	it('reads options.negativePrompt trimmed, and leaves an empty one out', () => {
		const read = (text: string) =>
			negativePrompt.read(inputWith({ 'options.negativePrompt': text }), offer)?.value();
		expect(read('  blur, text \n')).toEqual({ negativePrompt: 'blur, text' });
		expect(read('   ')).toBeUndefined();
	});

	it('is checked against the prompt length limit', () => {
		expect(() =>
			negativePrompt.read(inputWith({ 'options.negativePrompt': 'x'.repeat(2501) }), offer),
		).toThrow('"Negative Prompt" is too long');
	});

	it('is written under the provider name', () => {
		expect(
			body({ negativePrompt: 'blur' }, { negativePrompt: 'negative_prompt' }).fields,
		).toMatchObject({ negative_prompt: 'blur' });
	});
});

describe('sound', () => {
	const everyTier = offerOf(row({ form: { sound: { field: 'sound', on: true, off: false } } }));
	const standardOnly = offerOf(
		row({ form: { sound: { field: 'sound', on: true, off: false } }, soundModes: ['standard'] }),
	);

	it('is offered in every tier, or in those the row names', () => {
		expect(everyTier.soundModes).toEqual(['standard', 'professional']);
		expect(standardOnly.soundModes).toEqual(['standard']);
	});

	it('tells in the editor where it costs more and in which tiers it is sold', () => {
		const [all, some] = editorProperties(sound, [everyTier, standardOnly]);
		expect(all).toMatchObject({ name: 'sound', type: 'boolean', default: false });
		expect(all.hint).toBe('Sound costs more than a silent video');
		expect(some.hint).toBe('Sound costs more, and only in Standard (720p)');
		expect(some.description).toContain(', only in mode Standard (720p)');
		expect(editorProperties(sound, [offerOf(row())])).toEqual([]);
	});

	it('is always set where offered, false unless asked for, and refused unless true or false', () => {
		expect(sound.read(inputWith({}), everyTier)?.value()).toEqual({ sound: false });
		expect(sound.read(inputWith({ sound: true }), everyTier)?.choice).toBe(true);
		expect(() => sound.read(inputWith({ sound: 'yes' }), everyTier)).toThrow(
			'"Sound" must be true or false, but its value is a string',
		);
	});

	it('is written as each provider spells it, off included', () => {
		expect(
			body({ sound: false }, { sound: { field: 'sound', on: true, off: false } }).fields.sound,
		).toBe(false);
		expect(
			body({ sound: true }, { sound: { field: 'generate_audio', on: true, off: false } }).fields,
		).toMatchObject({ generate_audio: true });
		expect(
			body({ sound: true }, { sound: { field: 'sound', on: 'on', off: 'off' } }).fields.sound,
		).toBe('on');
	});

	it('switches to its second reading once the first is refused, and no further', () => {
		const form = {
			sound: { field: 'sound', on: 'on', off: 'off', alternate: { on: 'yes', off: 'no' } },
		};
		const first = body({ sound: false }, form);
		expect(first.fields.sound).toBe('off');
		expect(first.alternates).toEqual([{ form: 'soundValues', fields: ['sound'] }]);
		const second = body({ sound: false }, form, ['soundValues']);
		expect(second.fields.sound).toBe('no');
		expect(second.alternates).toEqual([]);
	});

	it('without an off word ([?] GMI Cloud 2.6), off leaves the field out and offers no switch', () => {
		const form = { sound: { field: 'sound', on: 'on', alternate: { on: 'yes' } } };
		for (const alternates of [[], ['soundValues' as const]]) {
			const silent = body({ sound: false }, form, alternates);
			expect(silent.fields).not.toHaveProperty('sound');
			expect(silent.alternates).toEqual([]);
		}
		expect(body({ sound: true }, form).fields.sound).toBe('on');
		expect(body({ sound: true }, form, ['soundValues']).fields.sound).toBe('yes');
	});

	it('has a README column: yes, or the tiers it is in', () => {
		expect(sound.readme?.cell(everyTier)).toBe('yes');
		expect(sound.readme?.cell(standardOnly)).toBe('in Standard');
		expect(sound.readme?.cell(offerOf(row()))).toBe('–');
	});
});

describe('aspect ratio', () => {
	const allRatios = offerOf(row({ form: { aspectRatio: 'aspect_ratio' } }));
	const portraitOnly = offerOf(
		row({ form: { aspectRatio: 'aspect_ratio' }, aspectRatios: ['9:16', '1:1'] }),
	);

	it('is offered in all three ratios, or those the row names', () => {
		expect(allRatios.aspectRatios).toEqual(['16:9', '9:16', '1:1']);
		expect(portraitOnly.aspectRatios).toEqual(['9:16', '1:1']);
	});

	it('defaults to 16:9 in the editor where offered, else to the first ratio', () => {
		const [all, portrait] = editorProperties(aspectRatio, [allRatios, portraitOnly]);
		expect(all.default).toBe('16:9');
		expect(portrait.default).toBe('9:16');
		expect(portrait.description).toContain('"9:16" or "1:1"');
	});

	it('reads an offered ratio, leaves an empty one out and refuses others naming the accepted', () => {
		expect(aspectRatio.read(inputWith({ aspectRatio: '9:16' }), allRatios)?.value()).toEqual({
			aspectRatio: '9:16',
		});
		expect(aspectRatio.read(inputWith({ aspectRatio: '' }), allRatios)).toBeUndefined();
		expect(() => aspectRatio.read(inputWith({ aspectRatio: '16:9' }), portraitOnly)).toThrow(
			'"Aspect Ratio" "16:9" is not offered for Kling 3.0 at Test; use 9:16, 1:1',
		);
	});

	it('is written under the provider name', () => {
		expect(body({ aspectRatio: '1:1' }, { aspectRatio: 'aspect_ratio' }).fields.aspect_ratio).toBe(
			'1:1',
		);
	});
});

describe('end frame', () => {
	const offer = offerOf(row({ form: { endImage: 'image_tail' } }));
	const proOnlySilent = offerOf(
		row({ form: { endImage: 'tail' }, endFrameModes: ['professional'], endFrameWithSound: false }),
	);

	it('is offered in every tier with sound, or as the row limits it', () => {
		expect(offer).toMatchObject({
			endFrameModes: ['standard', 'professional'],
			endFrameWithSound: true,
		});
		expect(proOnlySilent).toMatchObject({
			endFrameModes: ['professional'],
			endFrameWithSound: false,
		});
	});

	it('shows its source with None first, the limits as a hint, and the source fields after', () => {
		const properties = editorProperties(endFrame, [offer, proOnlySilent]);
		expect(properties.map((property) => property.name)).toEqual([
			'endImageSource',
			'endImageSource',
			'endImageUrl',
			'endBinaryPropertyName',
			'endImageBase64',
		]);
		expect(properties[0].default).toBe('none');
		expect(properties[0].hint).toBeUndefined();
		expect(
			(properties[0].options as Array<{ value: string }>).map((option) => option.value),
		).toEqual(['none', 'url', 'binary', 'base64']);
		expect(properties[1].hint).toBe(
			'End frame: only in Professional (1080p); not together with sound',
		);
	});

	it('reads nothing while the source is None, and the image only when asked for its value', async () => {
		expect(endFrame.read(inputWith({}), offer)).toBeUndefined();
		const reading = endFrame.read(
			inputWith({ endImageSource: 'url', endImageUrl: endUrl.url }),
			offer,
		);
		expect(reading?.choice).toBe('url');
		expect(await reading?.value()).toEqual({ endImage: endUrl });
	});

	it('is written like the first frame, both switching encoding together', () => {
		const form = { endImage: 'image_tail', imageBytes: 'rawBase64' as const };
		const first = body({ image: png, endImage: png }, form);
		expect(first.fields).toMatchObject({ image: png.base64, image_tail: png.base64 });
		expect(first.alternates).toEqual([{ form: 'imageEncoding', fields: ['image', 'image_tail'] }]);
		const dataUri = `data:image/png;base64,${png.base64}`;
		expect(body({ image: png, endImage: png }, form, ['imageEncoding']).fields).toMatchObject({
			image: dataUri,
			image_tail: dataUri,
		});
		expect(body({ endImage: endUrl }, form).alternates).toEqual([]);
	});

	it('named two ways ([?] AI/ML API 3.0), goes under each name, the same image, switching together', () => {
		const form = { endImage: ['tail_image_url', 'last_image_url'], imageBytes: 'dataUri' as const };
		const named = offerOf(row({ form }));
		expect(named.endFrameModes).toEqual(['standard', 'professional']);
		expect(endFrame.readme?.cell(named)).toBe('yes');
		expect(body({ endImage: endUrl }, form).fields).toMatchObject({
			tail_image_url: endUrl.url,
			last_image_url: endUrl.url,
		});
		const bytes = body({ image: png, endImage: png }, form);
		expect(bytes.alternates).toEqual([
			{ form: 'imageEncoding', fields: ['image', 'tail_image_url', 'last_image_url'] },
		]);
		expect(body({ image: png, endImage: png }, form, ['imageEncoding']).fields).toMatchObject({
			tail_image_url: png.base64,
			last_image_url: png.base64,
		});
	});

	it('has a README column naming its limits', () => {
		expect(endFrame.readme?.cell(offer)).toBe('yes');
		expect(endFrame.readme?.cell(proOnlySilent)).toBe('in Professional, without sound');
	});
});

describe('the rules across fields', () => {
	const offer = offerOf(
		row({
			form: { sound: { field: 'sound', on: true, off: false }, endImage: 'tail' },
			soundModes: ['professional'],
			endFrameModes: ['standard', 'professional'],
			endFrameWithSound: false,
		}),
	);
	const check = (mode: 'standard' | 'professional', choices: object) => () =>
		checkRulesAcrossFields(inputWith({}), offer, mode, choices);

	it('refuse sound in a tier without it, naming the tiers with it', () => {
		expect(check('standard', { sound: true })).toThrow(
			'"Sound" is not available in mode "standard" for Kling 3.0 at Test; it is in "professional" (Professional)',
		);
		expect(check('standard', { sound: false })).not.toThrow();
	});

	it('refuse an end frame in a tier without one, and together with sound where not sold so', () => {
		const proOnly = offerOf(row({ form: { endImage: 'tail' }, endFrameModes: ['professional'] }));
		expect(() =>
			checkRulesAcrossFields(inputWith({}), proOnly, 'standard', { endFrame: 'url' }),
		).toThrow('An end frame is not available in mode "standard" for Kling 3.0 at Test');
		expect(check('professional', { sound: true, endFrame: 'url' })).toThrow(
			'An end frame cannot be combined with "Sound" for Kling 3.0 at Test',
		);
		expect(check('professional', { sound: false, endFrame: 'binary' })).not.toThrow();
	});
});

describe('every adapter writes each field it offers', () => {
	const values = {
		negativePrompt: 'blurry hands',
		guidanceScale: 0.37,
		aspectRatio: '9:16',
		endImage: endUrl,
	} as const;
	const offers = Object.values(PROVIDERS).flatMap((provider) =>
		provider.offers.map((offer): [string, string, typeof provider, ModelOffer] => [
			provider.id,
			offer.model,
			provider,
			offer,
		]),
	);

	it.each(offers)('%s, Kling %s', (_, __, provider, offer) => {
		const mode = offer.endFrameModes[0] ?? offer.modes[0];
		const request: GenerationRequest = {
			model: offer.model,
			mode,
			duration: offer.durations[0],
			image: url,
			prompt: 'p',
			...(offer.negativePrompt && { negativePrompt: values.negativePrompt }),
			...(offer.guidanceScale && { guidanceScale: values.guidanceScale }),
			...(offer.aspectRatios.length > 0 && { aspectRatio: values.aspectRatio }),
			...(offer.endFrameModes.length > 0 && { endImage: values.endImage }),
		};
		const sent = JSON.stringify(
			provider.submit.build(request, { submissionId: 'n8n-1-0-abcdefgh', alternates: new Set() })
				.call.body,
		);
		expect(sent.includes(values.negativePrompt)).toBe(offer.negativePrompt);
		expect(sent.includes(String(values.guidanceScale))).toBe(offer.guidanceScale);
		expect(sent.includes(values.aspectRatio)).toBe(offer.aspectRatios.length > 0);
		expect(sent.includes(endUrl.url)).toBe(offer.endFrameModes.length > 0);
	});
});
