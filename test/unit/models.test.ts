import {
	PROVIDERS,
	type AlternateForm,
	type GenerationRequest,
	type ModelOffer,
	type ProviderAdapter,
	type ProviderId,
} from '../../nodes/KlingImageToVideo/providers';
import {
	FIVE_OR_TEN_SECONDS,
	THREE_TO_FIFTEEN_SECONDS,
	withoutOmissions,
	type ModelRow,
} from '../../nodes/KlingImageToVideo/providers/modelTable';

/**
 * What each provider offers of each Kling model: the final table of the research notes, written
 * out here so a change to an adapter's model table that is not a change of the docs shows up.
 */

type Row = Omit<ModelOffer, 'model' | 'publishedSeconds' | 'defaultMode'>;

const FIVE_TEN = [5, 10];
const THREE_TO_15 = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const PRO = ['professional'] as const;

const base = {
	promptRequired: true,
	acceptsImageBytes: true,
	negativePrompt: true,
	guidanceScale: true,
	soundModes: [],
	aspectRatios: [],
	endFrameModes: [],
	endFrameWithSound: true,
	shotModes: [],
	staticMaskModes: [],
} satisfies Partial<Row>;

/** Custom shots, as Novita's and MyRouter's 3.0 pages show them [C]: with the prompt, no end frame. */
const NOVITA_STORYBOARD = {
	shotModes: ['single', 'custom'],
	storyboard: { prompt: 'alongside', maxShotChars: 2500, minShotSeconds: 1, withEndFrame: false },
} satisfies Partial<Row>;

const NOVITA_FAMILY: Record<string, Row> = {
	'v2.1': { ...base, modes: ['standard', 'professional', 'master'], durations: FIVE_TEN },
	'v2.5-turbo': { ...base, modes: PRO, durations: FIVE_TEN },
	'v2.6': {
		...base,
		modes: PRO,
		durations: FIVE_TEN,
		soundModes: PRO,
		aspectRatios: ['16:9', '9:16', '1:1'],
	},
	'v3.0': {
		...base,
		modes: ['standard', 'professional', '4k'],
		durations: THREE_TO_15,
		soundModes: ['standard', 'professional', '4k'],
		endFrameModes: ['standard', 'professional', '4k'],
		...NOVITA_STORYBOARD,
	},
	o1: {
		...base,
		modes: PRO,
		durations: FIVE_TEN,
		negativePrompt: false,
		guidanceScale: false,
		aspectRatios: ['16:9', '9:16', '1:1'],
		endFrameModes: PRO,
	},
};

/** The Novita family, AI/ML API and GMI Cloud; the official Kling API and fal.ai have their own tests. */
const EXPECTED: Record<Exclude<ProviderId, 'kling' | 'fal'>, Record<string, Row>> = {
	novita: NOVITA_FAMILY,
	// MyRouter's docs have no 3.0 4K page.
	myRouter: {
		...NOVITA_FAMILY,
		'v3.0': {
			...NOVITA_FAMILY['v3.0'],
			modes: ['standard', 'professional'],
			soundModes: ['standard', 'professional'],
			endFrameModes: ['standard', 'professional'],
		},
	},
	// [C] docs.jiekou.ai/en/docs/models/reference-kling-o1-i2v: O1 with Novita's body. Its 3.0
	// page's multi_prompt was not read: no storyboard.
	highwayApi: {
		...NOVITA_FAMILY,
		'v3.0': { ...NOVITA_FAMILY['v3.0'], shotModes: [], storyboard: undefined },
	},
	aimlApi: {
		'v2.1': {
			...base,
			promptRequired: false,
			modes: ['standard', 'professional', 'master'],
			durations: FIVE_TEN,
			// static_mask on the v2.1-pro page [C]
			staticMaskModes: PRO,
		},
		'v2.5-turbo': { ...base, modes: PRO, durations: FIVE_TEN },
		'v2.6': { ...base, modes: PRO, durations: FIVE_TEN, guidanceScale: false, soundModes: PRO },
		'v3.0': {
			...base,
			modes: ['standard', 'professional'],
			durations: THREE_TO_15,
			soundModes: ['standard', 'professional'],
			endFrameModes: ['standard', 'professional'],
			// prompt or multi_prompt, shot_type "customize" | "intelligent" [C]
			shotModes: ['single', 'auto', 'custom'],
			storyboard: { prompt: 'either', maxShotChars: 2500, minShotSeconds: 1, withEndFrame: true },
			// elements: up to 4, 1–4 reference images each, the frontal image optional [C]
			elements: { maxElements: 4, maxReferences: 4, frontalRequired: false },
		},
		o1: {
			...base,
			modes: PRO,
			durations: FIVE_TEN,
			negativePrompt: false,
			guidanceScale: false,
			endFrameModes: PRO,
		},
		// [C] v3-standard-turbo / v3-turbo-pro schemas: prompt optional; no audio, end frame, negative,
		// cfg; multi_prompt objects of up to 3,072 characters, no shot_type (custom shots only).
		'v3.0-turbo': {
			...base,
			promptRequired: false,
			modes: ['standard', 'professional'],
			durations: THREE_TO_15,
			negativePrompt: false,
			guidanceScale: false,
			shotModes: ['single', 'custom'],
			storyboard: { prompt: 'either', maxShotChars: 3072, minShotSeconds: 1, withEndFrame: true },
		},
		// [C] v3-omni-{720p,1080p}: as v3 (prompt or multi_prompt, shot_type), a tail frame only with
		// generate_audio off.
		'v3.0-omni': {
			...base,
			modes: ['standard', 'professional'],
			durations: THREE_TO_15,
			soundModes: ['standard', 'professional'],
			endFrameModes: ['standard', 'professional'],
			endFrameWithSound: false,
			shotModes: ['single', 'auto', 'custom'],
			storyboard: { prompt: 'either', maxShotChars: 2500, minShotSeconds: 1, withEndFrame: true },
			// As v3 [C]: subject references too.
			elements: { maxElements: 4, maxReferences: 4, frontalRequired: false },
		},
	},
	// GMI documents no O1, and no image-to-video payload for 3.0 Omni.
	gmiCloud: {
		'v2.1': {
			...base,
			promptRequired: false,
			modes: ['standard', 'professional', 'master'],
			durations: FIVE_TEN,
		},
		'v2.5-turbo': { ...base, modes: PRO, durations: FIVE_TEN, acceptsImageBytes: false },
		'v2.6': {
			...base,
			modes: PRO,
			durations: FIVE_TEN,
			acceptsImageBytes: false,
			negativePrompt: false,
			soundModes: PRO,
		},
		'v3.0': {
			...base,
			modes: ['standard'],
			durations: THREE_TO_15,
			guidanceScale: false,
			soundModes: ['standard'],
			endFrameModes: ['standard'],
		},
		// [C] kling-3-0-turbo-i2v: `first_frame` (a URL), prompt optional, resolution 720p/1080p.
		'v3.0-turbo': {
			...base,
			promptRequired: false,
			acceptsImageBytes: false,
			modes: ['standard', 'professional'],
			durations: THREE_TO_15,
			negativePrompt: false,
			guidanceScale: false,
		},
	},
};

describe('what each provider offers', () => {
	it.each(Object.entries(EXPECTED))('%s', (providerId, expected) => {
		const offers = PROVIDERS[providerId as ProviderId].offers;
		expect(offers.map((offer) => offer.model)).toEqual(Object.keys(expected));
		for (const offer of offers) {
			const { publishedSeconds, ...terms } = offer;
			expect(terms).toEqual({
				model: offer.model,
				defaultMode: offer.defaultMode, // pinned in the next test
				...expected[offer.model],
			});
			expect(publishedSeconds === undefined || providerId === 'aimlApi').toBe(true);
		}
	});

	it('every provider and model keeps its default mode: saved workflows showing the default hold no mode', () => {
		const defaults = Object.fromEntries(
			Object.values(PROVIDERS).map((provider) => [
				provider.id,
				Object.fromEntries(provider.offers.map((offer) => [offer.model, offer.defaultMode])),
			]),
		);
		const novitaFamily = {
			'v2.1': 'standard',
			'v2.5-turbo': 'professional',
			'v2.6': 'professional',
			'v3.0': 'standard',
			o1: 'professional',
		};
		expect(defaults).toEqual({
			novita: novitaFamily,
			myRouter: novitaFamily,
			highwayApi: novitaFamily,
			aimlApi: { ...novitaFamily, 'v3.0-turbo': 'standard', 'v3.0-omni': 'standard' },
			gmiCloud: {
				'v2.1': 'standard',
				'v2.5-turbo': 'professional',
				'v2.6': 'professional',
				'v3.0': 'standard',
				'v3.0-turbo': 'standard',
			},
			kling: { ...novitaFamily, 'v3.0-omni': 'standard' },
			// fal sells O3 in pro and 4K only: its first tier.
			fal: { ...novitaFamily, 'v3.0-omni': 'professional' },
		});
	});

	it('AI/ML API publishes processing times, per 5 s of video', () => {
		expect(
			Object.fromEntries(
				PROVIDERS.aimlApi.offers.map((offer) => [offer.model, offer.publishedSeconds]),
			),
		).toEqual({
			'v2.1': { standard: 210, professional: 270, master: 330 },
			'v2.5-turbo': undefined,
			'v2.6': { professional: 110 },
			'v3.0': { standard: 118, professional: 200 },
			o1: { professional: 79 },
		});
	});
});

const urlImage = { kind: 'url', url: 'https://cdn.example.com/cat.png' } as const;
const pngImage = { kind: 'bytes', base64: 'iVBORw0KGgo=', mimeType: 'image/png' } as const;

function submitCall(
	adapter: ProviderAdapter,
	request: Partial<GenerationRequest> & Pick<GenerationRequest, 'model' | 'mode'>,
	alternates: AlternateForm[] = [],
) {
	return adapter.submit.build(
		{ image: urlImage, prompt: 'a cat turns its head', duration: 5, ...request },
		{ submissionId: 'n8n-1-0-abcdefgh', alternates: new Set(alternates) },
	);
}

describe('request forms with a second reading', () => {
	it('GMI Cloud 2.6 sends sound on as "on", as "yes" once the first is refused, and off as no field', () => {
		const plan = submitCall(PROVIDERS.gmiCloud, {
			model: 'v2.6',
			mode: 'professional',
			sound: true,
		});
		expect(plan.call.body).toEqual({
			model: 'kling-v2-6',
			payload: {
				image: urlImage.url,
				prompt: 'a cat turns its head',
				duration: '5',
				sound: 'on',
				mode: 'pro',
			},
		});
		expect(plan.alternates).toEqual([{ form: 'soundValues', fields: ['sound'] }]);
		const second = submitCall(
			PROVIDERS.gmiCloud,
			{ model: 'v2.6', mode: 'professional', sound: false },
			['soundValues'],
		);
		expect(second.call.body!.payload).not.toHaveProperty('sound');
		expect(second.alternates).toEqual([]);
		const on = submitCall(
			PROVIDERS.gmiCloud,
			{ model: 'v2.6', mode: 'professional', sound: true },
			['soundValues'],
		);
		expect((on.call.body!.payload as { sound: string }).sound).toBe('yes');
		const silent = submitCall(PROVIDERS.gmiCloud, {
			model: 'v2.6',
			mode: 'professional',
			sound: false,
		});
		expect(silent.call.body!.payload).not.toHaveProperty('sound');
		expect(silent.alternates).toEqual([]);
	});

	it('GMI Cloud 3.0 sends bytes as raw base64 first, a data: URI for the first and the end frame if refused', () => {
		const request = {
			model: 'v3.0',
			mode: 'standard',
			image: pngImage,
			endImage: pngImage,
			sound: false,
		} as const;
		const plan = submitCall(PROVIDERS.gmiCloud, request);
		expect(plan.call.body!.payload).toMatchObject({
			image: pngImage.base64,
			image_tail: pngImage.base64,
			sound: 'off',
		});
		expect(plan.alternates).toEqual([{ form: 'imageEncoding', fields: ['image', 'image_tail'] }]);
		const dataUri = `data:image/png;base64,${pngImage.base64}`;
		expect(
			submitCall(PROVIDERS.gmiCloud, request, ['imageEncoding']).call.body!.payload,
		).toMatchObject({ image: dataUri, image_tail: dataUri });
	});

	it('AI/ML API and the Novita family send sound as a boolean, with no second reading', () => {
		for (const adapter of [PROVIDERS.aimlApi, PROVIDERS.novita]) {
			const plan = submitCall(adapter, { model: 'v3.0', mode: 'standard', sound: false });
			expect(JSON.stringify(plan.call.body)).toMatch(/"(sound|generate_audio)":false/);
			expect(plan.alternates).toEqual([]);
		}
	});
});

describe('withoutOmissions', () => {
	const table: Array<ModelRow<string>> = [
		{
			model: 'v2.1',
			form: { image: 'image', promptRequired: true, duration: 'string' },
			tiers: { standard: 'std', master: 'master' },
			durations: FIVE_OR_TEN_SECONDS,
		},
		{
			model: 'v3.0',
			form: {
				image: 'image',
				promptRequired: true,
				duration: 'integer',
				sound: { field: 'sound', on: true, off: false },
			},
			tiers: { standard: 'std', '4k': '4k' },
			durations: THREE_TO_FIFTEEN_SECONDS,
			soundModes: ['standard', '4k'],
		},
	];

	it('leaves out a whole model, or some tiers of one with their sound and end frame tiers', () => {
		expect(withoutOmissions(table, [{ model: 'v2.1' }]).map((row) => row.model)).toEqual(['v3.0']);
		const [, v3] = withoutOmissions(table, [{ model: 'v3.0', modes: ['4k'] }]);
		expect(v3.tiers).toEqual({ standard: 'std' });
		expect(v3.soundModes).toEqual(['standard']);
		expect(withoutOmissions(table, [{ model: 'v3.0', modes: ['standard', '4k'] }])).toHaveLength(1);
	});

	it('a provider never routes what its docs lack', () => {
		expect(() =>
			submitCall(PROVIDERS.myRouter, { model: 'v3.0', mode: '4k', sound: false }),
		).toThrow('no route for Kling v3.0 in mode 4k');
		expect(submitCall(PROVIDERS.highwayApi, { model: 'o1', mode: 'professional' }).call.path).toBe(
			'/v3/async/kling-o1-i2v',
		);
		expect(submitCall(PROVIDERS.novita, { model: 'v3.0', mode: '4k' }).call.path).toBe(
			'/v3/async/kling-v3.0-4k-i2v',
		);
	});
});
