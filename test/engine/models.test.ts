import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { PROVIDERS, type KlingModel } from '../../nodes/KlingImageToVideo/providers';
import { chain, type InputItem } from '../support/engine';
import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type ProviderId,
	type Simulator,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, submitRequests } from './kling';

/**
 * Every model each provider offers, through the real engine against simulators that take only
 * each model's documented request schema: the exact body each provider receives (field names and
 * value types), the output json, the video as binary, one task per item; through Generate Video
 * and through Submit Task → Wait for Completion.
 *
 * Each case runs two items: the first asks for the most (a URL image, the top tier, the longest
 * video, sound, 9:16, an end frame from a URL, a negative prompt), the second for the least (a
 * binary image where the model takes bytes, the first tier, the shortest video, no sound, 1:1, a
 * binary end frame); a third item asks for the tier between, where there is one.
 */

const VIDEO_BYTES = 3072;
const END_IMAGE_URL = 'https://images.example.com/product-end.jpg';
const FIRST_PNG = makeTestPng(640, 480);
const LAST_PNG = makeTestPng(480, 640);
const PROMPTS = [
	'Item 0: the camera pushes in',
	'Item 1: the product turns slowly',
	'Item 2: light sweeps across the label',
];

const raw = (png: Buffer) => png.toString('base64');
const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** What one item asks for, and what the provider must receive for it. */
interface ItemCase {
	json: IDataObject;
	/** The task's model at the simulator: the Novita endpoint slug, the AI/ML or GMI model id. */
	receivedModel: string;
	body: IDataObject;
}

interface ModelCase {
	provider: ProviderId;
	model: KlingModel;
	/** Two items, or three where a model has a third tier. */
	items: ItemCase[];
}

const most = (json: IDataObject): IDataObject => ({
	imageSource: 'url',
	sound: true,
	aspectRatio: '9:16',
	endImageSource: 'url',
	negativePrompt: 'blur',
	prompt: PROMPTS[0],
	...json,
});
/** A third tier, between the two. */
const middle = (json: IDataObject): IDataObject => ({
	imageSource: 'url',
	sound: false,
	aspectRatio: '16:9',
	endImageSource: 'none',
	negativePrompt: '',
	prompt: PROMPTS[2],
	...json,
});
const least = (json: IDataObject): IDataObject => ({
	imageSource: 'binary',
	sound: false,
	aspectRatio: '1:1',
	endImageSource: 'binary',
	negativePrompt: '',
	prompt: PROMPTS[1],
	...json,
});

/** Novita AI, MyRouter and HighwayAPI: one endpoint per model (and tier), raw base64 images. */
function novitaFamilyCases(provider: ProviderId, topV3Tier: '4k' | 'professional'): ModelCase[] {
	return [
		{
			provider,
			model: 'v2.1',
			items: [
				{
					json: most({ mode: 'master', duration: 10 }),
					receivedModel: 'kling-v2.1-i2v-master',
					body: {
						image: IMAGE_URL,
						prompt: PROMPTS[0],
						negative_prompt: 'blur',
						duration: '10',
						guidance_scale: 0.5,
					},
				},
				{
					json: least({ mode: 'standard', duration: 5 }),
					receivedModel: 'kling-v2.1-i2v',
					body: {
						image: raw(FIRST_PNG),
						prompt: PROMPTS[1],
						mode: 'Standard',
						duration: '5',
						guidance_scale: 0.5,
					},
				},
				{
					json: middle({ mode: 'professional', duration: 10 }),
					receivedModel: 'kling-v2.1-i2v',
					body: {
						image: IMAGE_URL,
						prompt: PROMPTS[2],
						mode: 'Professional',
						duration: '10',
						guidance_scale: 0.5,
					},
				},
			],
		},
		{
			provider,
			model: 'v2.5-turbo',
			items: [
				{
					json: most({ mode: 'professional', duration: 10 }),
					receivedModel: 'kling-2.5-turbo-i2v',
					body: {
						image: IMAGE_URL,
						prompt: PROMPTS[0],
						negative_prompt: 'blur',
						mode: 'pro',
						duration: '10',
						cfg_scale: 0.5,
					},
				},
				{
					json: least({ mode: 'professional', duration: 5 }),
					receivedModel: 'kling-2.5-turbo-i2v',
					body: {
						image: raw(FIRST_PNG),
						prompt: PROMPTS[1],
						mode: 'pro',
						duration: '5',
						cfg_scale: 0.5,
					},
				},
			],
		},
		{
			provider,
			model: 'v2.6',
			items: [
				{
					json: most({ mode: 'professional', duration: 10 }),
					receivedModel: 'kling-v2.6-pro-i2v',
					body: {
						image: IMAGE_URL,
						prompt: PROMPTS[0],
						negative_prompt: 'blur',
						duration: 10,
						cfg_scale: 0.5,
						sound: true,
						aspect_ratio: '9:16',
					},
				},
				{
					json: least({ mode: 'professional', duration: 5 }),
					receivedModel: 'kling-v2.6-pro-i2v',
					body: {
						image: raw(FIRST_PNG),
						prompt: PROMPTS[1],
						duration: 5,
						cfg_scale: 0.5,
						sound: false,
						aspect_ratio: '1:1',
					},
				},
			],
		},
		{
			provider,
			model: 'v3.0',
			items: [
				{
					json: most({ mode: topV3Tier, duration: 15 }),
					receivedModel: topV3Tier === '4k' ? 'kling-v3.0-4k-i2v' : 'kling-v3.0-pro-i2v',
					body: {
						image: IMAGE_URL,
						prompt: PROMPTS[0],
						negative_prompt: 'blur',
						duration: 15,
						cfg_scale: 0.5,
						sound: true,
						end_image: END_IMAGE_URL,
					},
				},
				{
					json: least({ mode: 'standard', duration: 3 }),
					receivedModel: 'kling-v3.0-std-i2v',
					body: {
						image: raw(FIRST_PNG),
						prompt: PROMPTS[1],
						duration: 3,
						cfg_scale: 0.5,
						sound: false,
						end_image: raw(LAST_PNG),
					},
				},
				...(topV3Tier === '4k'
					? [
							{
								json: middle({ mode: 'professional', duration: 7 }),
								receivedModel: 'kling-v3.0-pro-i2v',
								body: {
									image: IMAGE_URL,
									prompt: PROMPTS[2],
									duration: 7,
									cfg_scale: 0.5,
									sound: false,
								},
							},
						]
					: []),
			],
		},
		{
			provider,
			model: 'o1',
			items: [
				{
					json: most({ mode: 'professional', duration: 10 }),
					receivedModel: 'kling-o1-i2v',
					body: {
						image: IMAGE_URL,
						prompt: PROMPTS[0],
						duration: 10,
						aspect_ratio: '9:16',
						last_image: END_IMAGE_URL,
					},
				},
				{
					json: least({ mode: 'professional', duration: 5 }),
					receivedModel: 'kling-o1-i2v',
					body: {
						image: raw(FIRST_PNG),
						prompt: PROMPTS[1],
						duration: 5,
						aspect_ratio: '1:1',
						last_image: raw(LAST_PNG),
					},
				},
			],
		},
	];
}

/** One item of an AI/ML API or GMI Cloud case: its model id, tier, length and other fields. */
interface ItemSpec {
	modelId: string;
	mode: string;
	duration: number;
	fields: IDataObject;
	/** Item overrides, e.g. a URL where the model takes no bytes. */
	json?: IDataObject;
}

const ITEM_SHAPES = [most, least, middle];

/** AI/ML API: one endpoint, the model id in the body, integer durations, data: URIs for bytes. */
function aimlCase(model: KlingModel, specs: ItemSpec[]): ModelCase {
	return {
		provider: 'aimlApi',
		model,
		items: specs.map((spec, index) => ({
			json: ITEM_SHAPES[index]({ mode: spec.mode, duration: spec.duration, ...spec.json }),
			receivedModel: spec.modelId,
			body: {
				model: spec.modelId,
				image_url: index === 1 ? dataUri(FIRST_PNG) : IMAGE_URL,
				prompt: PROMPTS[index],
				duration: spec.duration,
				...spec.fields,
			},
		})),
	};
}

const AIML_CASES: ModelCase[] = [
	aimlCase('v2.1', [
		{
			modelId: 'klingai/v2.1-master-image-to-video',
			mode: 'master',
			duration: 10,
			fields: { negative_prompt: 'blur', cfg_scale: 0.5 },
		},
		{
			modelId: 'kling-video/v2.1/standard/image-to-video',
			mode: 'standard',
			duration: 5,
			fields: { cfg_scale: 0.5 },
		},
		{
			modelId: 'kling-video/v2.1/pro/image-to-video',
			mode: 'professional',
			duration: 10,
			fields: { cfg_scale: 0.5 },
		},
	]),
	aimlCase('v2.5-turbo', [
		{
			modelId: 'klingai/v2.5-turbo/pro/image-to-video',
			mode: 'professional',
			duration: 10,
			fields: { negative_prompt: 'blur', cfg_scale: 0.5 },
		},
		{
			modelId: 'klingai/v2.5-turbo/pro/image-to-video',
			mode: 'professional',
			duration: 5,
			fields: { cfg_scale: 0.5 },
		},
	]),
	aimlCase('v2.6', [
		{
			modelId: 'klingai/video-v2-6-pro-image-to-video',
			mode: 'professional',
			duration: 10,
			fields: { negative_prompt: 'blur', generate_audio: true },
		},
		{
			modelId: 'klingai/video-v2-6-pro-image-to-video',
			mode: 'professional',
			duration: 5,
			fields: { generate_audio: false },
		},
	]),
	aimlCase('v3.0', [
		{
			modelId: 'klingai/video-v3-pro-image-to-video',
			mode: 'professional',
			duration: 15,
			fields: {
				negative_prompt: 'blur',
				cfg_scale: 0.5,
				generate_audio: true,
				// [?] The schema's name and the docs example's, the same image under both.
				tail_image_url: END_IMAGE_URL,
				last_image_url: END_IMAGE_URL,
			},
		},
		{
			modelId: 'klingai/video-v3-standard-image-to-video',
			mode: 'standard',
			duration: 3,
			fields: {
				cfg_scale: 0.5,
				generate_audio: false,
				tail_image_url: dataUri(LAST_PNG),
				last_image_url: dataUri(LAST_PNG),
			},
		},
	]),
	aimlCase('o1', [
		{
			modelId: 'klingai/video-o1-image-to-video',
			mode: 'professional',
			duration: 10,
			fields: { last_image_url: END_IMAGE_URL },
		},
		{
			modelId: 'klingai/video-o1-image-to-video',
			mode: 'professional',
			duration: 5,
			fields: { last_image_url: dataUri(LAST_PNG) },
		},
	]),
	// [C] v3-standard-turbo / v3-turbo-pro: no audio, end frame, negative prompt or cfg_scale.
	aimlCase('v3.0-turbo', [
		{
			modelId: 'klingai/video-v3-turbo-pro-image-to-video',
			mode: 'professional',
			duration: 15,
			fields: {},
		},
		{
			modelId: 'klingai/video-v3-standard-turbo-image-to-video',
			mode: 'standard',
			duration: 3,
			fields: {},
		},
	]),
	// [C] v3-omni-*: a tail frame only with generate_audio false, so the item with sound has none.
	aimlCase('v3.0-omni', [
		{
			modelId: 'klingai/video-v3-omni-1080p-image-to-video',
			mode: 'professional',
			duration: 15,
			fields: { negative_prompt: 'blur', cfg_scale: 0.5, generate_audio: true },
			json: { endImageSource: 'none' },
		},
		{
			modelId: 'klingai/video-v3-omni-720p-image-to-video',
			mode: 'standard',
			duration: 3,
			fields: { cfg_scale: 0.5, generate_audio: false, tail_image_url: dataUri(LAST_PNG) },
		},
		{
			modelId: 'klingai/video-v3-omni-1080p-image-to-video',
			mode: 'professional',
			duration: 5,
			fields: { cfg_scale: 0.5, generate_audio: false, tail_image_url: END_IMAGE_URL },
			json: { endImageSource: 'url' },
		},
	]),
];

/** GMI Cloud: `{ model, payload }`, string durations; 2.5 Turbo and 2.6 take image URLs only. */
function gmiCase(model: KlingModel, specs: ItemSpec[]): ModelCase {
	return {
		provider: 'gmiCloud',
		model,
		items: specs.map((spec, index) => ({
			json: ITEM_SHAPES[index]({ mode: spec.mode, duration: spec.duration, ...spec.json }),
			receivedModel: spec.modelId,
			body: {
				model: spec.modelId,
				payload: { prompt: PROMPTS[index], duration: String(spec.duration), ...spec.fields },
			},
		})),
	};
}

const URLS_ONLY = { imageSource: 'url', endImageSource: 'url' };

const GMI_CASES: ModelCase[] = [
	gmiCase('v2.1', [
		{
			modelId: 'Kling-Image2Video-V2.1-Master',
			mode: 'master',
			duration: 10,
			fields: { image: IMAGE_URL, negative_prompt: 'blur', cfg_scale: 0.5 },
		},
		{
			modelId: 'Kling-Image2Video-V2.1-Standard',
			mode: 'standard',
			duration: 5,
			fields: { image: raw(FIRST_PNG), cfg_scale: 0.5 },
		},
		{
			modelId: 'Kling-Image2Video-V2.1-Pro',
			mode: 'professional',
			duration: 10,
			fields: { image: IMAGE_URL, cfg_scale: 0.5 },
		},
	]),
	gmiCase('v2.5-turbo', [
		{
			modelId: 'kling-v2-5-turbo',
			mode: 'professional',
			duration: 10,
			fields: { image: IMAGE_URL, negative_prompt: 'blur', cfg_scale: 0.5, mode: 'pro' },
		},
		{
			modelId: 'kling-v2-5-turbo',
			mode: 'professional',
			duration: 5,
			fields: { image: IMAGE_URL, cfg_scale: 0.5, mode: 'pro' },
			json: URLS_ONLY,
		},
	]),
	gmiCase('v2.6', [
		{
			modelId: 'kling-v2-6',
			mode: 'professional',
			duration: 10,
			fields: { image: IMAGE_URL, cfg_scale: 0.5, sound: 'on', mode: 'pro' },
		},
		{
			modelId: 'kling-v2-6',
			mode: 'professional',
			duration: 5,
			// [?] Off leaves the field out: "off" is on neither reading of the page, silence the default.
			fields: { image: IMAGE_URL, cfg_scale: 0.5, mode: 'pro' },
			json: URLS_ONLY,
		},
	]),
	gmiCase('v3.0', [
		{
			modelId: 'kling-v3-image-to-video',
			mode: 'standard',
			duration: 15,
			fields: { image: IMAGE_URL, negative_prompt: 'blur', sound: 'on', image_tail: END_IMAGE_URL },
		},
		{
			modelId: 'kling-v3-image-to-video',
			mode: 'standard',
			duration: 3,
			fields: { image: raw(FIRST_PNG), sound: 'off', image_tail: raw(LAST_PNG) },
		},
	]),
	// [C] kling-3-0-turbo-i2v: `first_frame` (a URL), the tier as `resolution`.
	gmiCase('v3.0-turbo', [
		{
			modelId: 'kling-3.0-turbo-i2v',
			mode: 'professional',
			duration: 15,
			fields: { first_frame: IMAGE_URL, resolution: '1080p' },
		},
		{
			modelId: 'kling-3.0-turbo-i2v',
			mode: 'standard',
			duration: 3,
			fields: { first_frame: IMAGE_URL, resolution: '720p' },
			json: URLS_ONLY,
		},
	]),
];

const CASES: ModelCase[] = [
	...novitaFamilyCases('novita', '4k'),
	...novitaFamilyCases('myRouter', 'professional'),
	...novitaFamilyCases('highwayApi', '4k'),
	...AIML_CASES,
	...GMI_CASES,
];

/** Every generation field from the item, so one node serves both items of a case. */
const PER_ITEM_PARAMETERS = {
	imageSource: '={{ $json.imageSource }}',
	imageUrl: IMAGE_URL,
	binaryPropertyName: 'photo',
	// Shown (and required) while the source is an expression; these items never use base64.
	imageBase64: '={{ $json.imageBase64 }}',
	prompt: '={{ $json.prompt }}',
	mode: '={{ $json.mode }}',
	duration: '={{ $json.duration }}',
	sound: '={{ $json.sound }}',
	aspectRatio: '={{ $json.aspectRatio }}',
	endImageSource: '={{ $json.endImageSource }}',
	endImageUrl: END_IMAGE_URL,
	endBinaryPropertyName: 'last',
	endImageBase64: '={{ $json.endImageBase64 }}',
	options: { negativePrompt: '={{ $json.negativePrompt }}' },
};

const input = (testCase: ModelCase): InputItem[] =>
	testCase.items.map((item) => ({
		json: item.json,
		binary: {
			photo: { data: FIRST_PNG, mimeType: 'image/png', fileName: 'photo.png' },
			last: { data: LAST_PNG, mimeType: 'image/png', fileName: 'last.png' },
		},
	}));

/** The task the simulator created for an item, found by the item's prompt. */
function taskOf(sim: Simulator, index: number) {
	const promptOf = (body: unknown) => {
		const fields = body as { prompt?: string; payload?: { prompt?: string } };
		return fields.payload?.prompt ?? fields.prompt;
	};
	const tasks = sim.tasks.filter((task) => promptOf(task.body) === PROMPTS[index]);
	expect(tasks).toHaveLength(1);
	return tasks[0];
}

type EngineRun = Awaited<ReturnType<typeof runKling>['result']>;

/** The simulator received one task per item, each in the model's documented form. */
function expectReceived(sim: Simulator, testCase: ModelCase) {
	expect(sim.submissions()).toBe(testCase.items.length);
	expect(submitRequests(sim)).toHaveLength(testCase.items.length);
	testCase.items.forEach((item, index) => {
		const task = taskOf(sim, index);
		expect(task.model).toBe(item.receivedModel);
		expect(task.body).toEqual(item.body);
	});
}

/** Each item came out as its video, paired, with the model, mode and duration it asked for. */
async function expectVideos(
	sim: Simulator,
	testCase: ModelCase,
	run: EngineRun,
	outputs: INodeExecutionData[],
) {
	expect(outputs).toHaveLength(testCase.items.length);
	for (const [index, output] of outputs.entries()) {
		const { mode, duration } = testCase.items[index].json;
		expect(output.json).toMatchObject({
			provider: testCase.provider,
			taskId: taskOf(sim, index).id,
			status: 'succeeded',
			model: testCase.model,
			mode,
			duration,
		});
		expect(output.pairedItem).toEqual({ item: index });
		expect(await run.readBinary(output, 'data')).toEqual(expectedVideoBytes(VIDEO_BYTES));
	}
}

describe('every model each provider offers', () => {
	const simulator = async (provider: ProviderId) =>
		await startSimulator({ provider, videoBytes: VIDEO_BYTES, latency: { meanMs: 120 } });

	// Both paths of a case run at once, each against its own simulator: the suite waits half as long.
	it.each(CASES.map((testCase) => [testCase.provider, testCase.model, testCase]))(
		'%s, Kling %s: Generate Video, and Submit Task → Wait for Completion',
		async (_provider, _model, testCase) => {
			const [generateSim, twoStepSim] = await Promise.all([
				simulator(testCase.provider),
				simulator(testCase.provider),
			]);
			try {
				const parameters = { model: testCase.model, ...PER_ITEM_PARAMETERS };
				const [generated, twoStep] = await Promise.all([
					runKling(generateSim, {
						nodes: [klingNode(generateSim, { operation: 'generate', ...parameters })],
						input: input(testCase),
					}).result,
					runKling(twoStepSim, {
						nodes: [
							klingNode(twoStepSim, { operation: 'submit', ...parameters }, {}, 'Submit'),
							klingNode(twoStepSim, { operation: 'waitForCompletion' }, {}, 'Wait'),
						],
						connections: chain('Submit', 'Wait'),
						input: input(testCase),
					}).result,
				]);

				expect(generated.error).toBeUndefined();
				expectReceived(generateSim, testCase);
				await expectVideos(generateSim, testCase, generated, generated.output('Kling'));

				expect(twoStep.error).toBeUndefined();
				expectReceived(twoStepSim, testCase);
				twoStep.output('Submit').forEach((item, index) => {
					const { mode, duration } = testCase.items[index].json;
					expect(item.json).toEqual({
						provider: testCase.provider,
						taskId: taskOf(twoStepSim, index).id,
						status: 'queued',
						model: testCase.model,
						mode,
						duration,
						submittedAt: expect.any(String),
						checkAfterSeconds: expect.any(Number),
					});
				});
				await expectVideos(twoStepSim, testCase, twoStep, twoStep.output('Wait'));
			} finally {
				await Promise.all([generateSim.close(), twoStepSim.close()]);
			}
		},
	);
});

/** The providers this suite covers; the official Kling API and fal.ai have their own engine tests. */
const FOUNDING: ProviderId[] = ['novita', 'myRouter', 'highwayApi', 'aimlApi', 'gmiCloud'];
const FOUNDING_ADAPTERS = FOUNDING.map((id) => PROVIDERS[id]);

/** Where off is the sound field left out (its page has no sure word for off). */
const SOUND_OFF_LEFT_OUT = ['gmiCloud v2.6'];

describe('the cases above cover every offer', () => {
	it('one case per provider and model offered, none for a model not offered', () => {
		const offered = FOUNDING_ADAPTERS.flatMap((provider) =>
			provider.offers.map((offer) => `${provider.id} ${offer.model}`),
		);
		expect(CASES.map((testCase) => `${testCase.provider} ${testCase.model}`).sort()).toEqual(
			offered.sort(),
		);
	});

	it('every tier, sound, aspect ratio and end frame offered is asked for by some case', () => {
		for (const provider of FOUNDING_ADAPTERS) {
			for (const offer of provider.offers) {
				const items = CASES.find(
					(testCase) => testCase.provider === provider.id && testCase.model === offer.model,
				)!.items;
				const asked = (key: string) => items.map((item) => item.json[key]);
				expect([...new Set(asked('mode'))].sort()).toEqual([...offer.modes].sort());
				expect(asked('duration').slice(0, 2)).toEqual([
					offer.durations[offer.durations.length - 1],
					offer.durations[0],
				]);
				const bodies = JSON.stringify(items.map((item) => item.body));
				if (offer.endFrameModes.length > 0) expect(bodies).toContain(END_IMAGE_URL);
				if (offer.aspectRatios.length > 0) expect(bodies).toContain('9:16');
				const offLeftOut = SOUND_OFF_LEFT_OUT.includes(`${provider.id} ${offer.model}`);
				if (offer.soundModes.length > 0)
					expect(items.slice(0, 2).map((item) => JSON.stringify(item.body))).toEqual([
						expect.stringMatching(/"(sound|generate_audio)":(true|"on")/),
						offLeftOut
							? expect.not.stringMatching(/"(sound|generate_audio)"/)
							: expect.stringMatching(/"(sound|generate_audio)":(false|"off")/),
					]);
			}
		}
	});
});

describe('GMI Cloud, Kling 2.6 sound: the two readings of its page', () => {
	it('switches once to "yes" when the API refuses "on" with a 400 naming the field, and makes one video with sound', async () => {
		const sim = await startSimulator({
			provider: 'gmiCloud',
			videoBytes: VIDEO_BYTES,
			latency: { meanMs: 120 },
			requestForms: { gmiSoundValues: 'yesNo' },
		});
		try {
			const run = await runKling(sim, {
				nodes: [
					klingNode(sim, {
						operation: 'generate',
						model: 'v2.6',
						imageUrl: IMAGE_URL,
						duration: '5',
						sound: true,
					}),
				],
			}).result;

			expect(run.error).toBeUndefined();
			expect(submitRequests(sim).map((request) => request.status)).toEqual([400, 200]);
			expect(sim.submissions()).toBe(1);
			expect((sim.tasks[0].body as { payload: IDataObject }).payload.sound).toBe('yes');
			expect(sim.tasks[0].readAs.sound).toBe(true);
			expect(run.output('Kling')[0].json).toMatchObject({ status: 'succeeded', model: 'v2.6' });
		} finally {
			await sim.close();
		}
	});
});

describe('fields a model does not take', () => {
	it('never reach the provider: a Kling 2.5 Turbo node still holding 3.0 settings sends none of them', async () => {
		// As in a workflow switched from 3.0 by editing its JSON: n8n drops what the editor hides.
		const sim = await startSimulator({
			provider: 'novita',
			videoBytes: VIDEO_BYTES,
			latency: { meanMs: 120 },
		});
		try {
			const run = await runKling(sim, {
				nodes: [
					klingNode(sim, {
						operation: 'generate',
						model: 'v2.5-turbo',
						imageUrl: IMAGE_URL,
						duration: '5',
						sound: true,
						aspectRatio: '9:16',
						endImageSource: 'url',
						endImageUrl: END_IMAGE_URL,
					}),
				],
			}).result;

			expect(run.error).toBeUndefined();
			expect(sim.tasks.map((task) => task.body)).toEqual([
				{
					image: IMAGE_URL,
					prompt: 'The camera slowly pushes in',
					mode: 'pro',
					duration: '5',
					cfg_scale: 0.5,
				},
			]);
		} finally {
			await sim.close();
		}
	});
});
