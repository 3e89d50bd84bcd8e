import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSimulator, type ProviderId, type Simulator } from '../../tools/simulators';
import type { RequestForms } from '../../tools/simulators/types';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * Storyboards (several shots from one start image) at each route that documents them, through
 * the real engine against simulators that take only the documented form: the body each route
 * received, one task per item, and the requests it took.
 */

const SHOTS = [
	{ prompt: 'Close-up: the bottle sits on wet stone', duration: 3 },
	{ prompt: 'The camera circles as drops run down the glass', duration: 4 },
	{ prompt: 'Wide: the bottle in morning light, logo in focus', duration: 3 },
];

const customShots = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'generate',
	model: 'v3.0',
	mode: 'standard',
	imageUrl: IMAGE_URL,
	duration: '10',
	shotMode: 'custom',
	shots: { shot: SHOTS },
	...extra,
});

async function withSimulator(
	provider: ProviderId,
	run: (sim: Simulator) => Promise<void>,
	requestForms?: RequestForms,
): Promise<void> {
	const sim = await startSimulator({ provider, latency: { meanMs: 120 }, requestForms });
	try {
		await run(sim);
	} finally {
		await sim.close();
	}
}

async function generate(sim: Simulator, parameters: INodeParameters) {
	return await runKling(sim, { nodes: [klingNode(sim, parameters)] }).result;
}

const objectShots = (duration: (seconds: number) => number | string) =>
	SHOTS.map((shot) => ({ prompt: shot.prompt, duration: duration(shot.duration) }));

interface RouteCase {
	provider: ProviderId;
	parameters: INodeParameters;
	/** The storyboard's part of the body the simulator received. */
	received: IDataObject;
	/** Fields the body must not have. */
	absent: string[];
}

const ROUTES: RouteCase[] = [
	{
		// [C] novita.ai kling-v3.0-std-i2v: multi_prompt [{prompt, duration}], prompt still required.
		provider: 'novita',
		parameters: customShots({ prompt: 'A perfume bottle ad, soft light' }),
		received: {
			prompt: 'A perfume bottle ad, soft light',
			duration: 10,
			multi_prompt: objectShots(Number),
		},
		absent: ['shot_type', 'end_image'],
	},
	{
		// [C] docs.myrouter.ai reference-kling-v3.0-std-i2v: the same body.
		provider: 'myRouter',
		parameters: customShots({ prompt: 'A perfume bottle ad, soft light' }),
		received: { duration: 10, multi_prompt: objectShots(Number) },
		absent: ['shot_type'],
	},
	{
		// [C] aimlapi video-v3-standard-image-to-video.json: prompt or multi_prompt, shot_type.
		provider: 'aimlApi',
		parameters: customShots({ prompt: '' }),
		received: { duration: 10, shot_type: 'customize', multi_prompt: objectShots(Number) },
		absent: ['prompt'],
	},
	{
		// [3P copy of fal's docs] multi_prompt with shot_type "customize"; string durations.
		provider: 'fal',
		parameters: customShots({ prompt: '' }),
		received: { duration: '10', shot_type: 'customize', multi_prompt: objectShots(String) },
		absent: ['prompt'],
	},
	{
		// [3P] Kling legacy v3: multi_shot, shot_type "customize", multi_prompt with an index.
		provider: 'kling',
		parameters: customShots({ prompt: '' }),
		received: {
			model_name: 'kling-v3',
			duration: '10',
			multi_shot: true,
			shot_type: 'customize',
			multi_prompt: SHOTS.map((shot, index) => ({
				index: index + 1,
				prompt: shot.prompt,
				duration: String(shot.duration),
			})),
		},
		absent: ['prompt'],
	},
	{
		// [C] aimlapi v3-standard-turbo-image-to-video: multi_prompt of {prompt, duration} objects,
		// no shot_type in the schema.
		provider: 'aimlApi',
		parameters: customShots({ model: 'v3.0-turbo', prompt: '' }),
		received: {
			model: 'klingai/video-v3-standard-turbo-image-to-video',
			duration: 10,
			multi_prompt: objectShots(Number),
		},
		absent: ['prompt', 'shot_type'],
	},
	{
		// [C] aimlapi v3-omni-720p-image-to-video: as v3.
		provider: 'aimlApi',
		parameters: customShots({ model: 'v3.0-omni', prompt: '' }),
		received: {
			model: 'klingai/video-v3-omni-720p-image-to-video',
			duration: 10,
			shot_type: 'customize',
			multi_prompt: objectShots(Number),
		},
		absent: ['prompt'],
	},
	{
		// [C] fal O3 takes prompt or multi_prompt; [3P copy of fal's docs] the shots as on 3.0.
		provider: 'fal',
		parameters: customShots({ model: 'v3.0-omni', mode: 'professional', prompt: '' }),
		received: { duration: '10', shot_type: 'customize', multi_prompt: objectShots(String) },
		absent: ['prompt'],
	},
	{
		// [3P] Kling's omni route, 3.0 Omni: v3's multi-shot fields next to image_list.
		provider: 'kling',
		parameters: customShots({ model: 'v3.0-omni', prompt: '' }),
		received: {
			model_name: 'kling-v3-omni',
			duration: '10',
			multi_shot: true,
			shot_type: 'customize',
			multi_prompt: SHOTS.map((shot, index) => ({
				index: index + 1,
				prompt: shot.prompt,
				duration: String(shot.duration),
			})),
			image_list: [{ image_url: IMAGE_URL, type: 'first_frame' }],
		},
		absent: ['prompt', 'image'],
	},
];

describe('a three-shot custom storyboard, in each route’s own form', () => {
	it.each(ROUTES.map((route) => [route.provider, route.parameters.model, route]))(
		'%s, %s: one submission in its documented form, one video',
		async (_, model, route) => {
			await withSimulator(route.provider, async (sim) => {
				const run = await generate(sim, route.parameters);

				expect(run.error).toBeUndefined();
				expect(submitRequests(sim).map((request) => request.status)).toEqual([200]);
				expect(sim.submissions()).toBe(1);
				expect(statusRequests(sim).length).toBeGreaterThanOrEqual(1);
				const body = sim.tasks[0].body as IDataObject;
				expect(body).toMatchObject(route.received);
				for (const field of route.absent) expect(body).not.toHaveProperty(field);
				expect(run.output('Kling')[0].json).toMatchObject({ status: 'succeeded', model });
			});
		},
	);
});

describe('AI/ML API: shots as its schema types them, once the API refuses objects', () => {
	it.each(['v3.0', 'v3.0-omni'])(
		'%s: switches once to strings after a 400 naming multi_prompt, and makes one video',
		async (model) => {
			await withSimulator(
				'aimlApi',
				async (sim) => {
					const run = await generate(sim, customShots({ model, prompt: '' }));

					expect(run.error).toBeUndefined();
					expect(submitRequests(sim).map((request) => request.status)).toEqual([400, 200]);
					expect(sim.submissions()).toBe(1);
					expect((sim.tasks[0].body as IDataObject).multi_prompt).toEqual(
						SHOTS.map((shot) => shot.prompt),
					);
				},
				{ aimlShots: 'strings' },
			);
		},
	);
});

describe('Novita and MyRouter 3.0: shots under both readings of the prompt', () => {
	// [C] novita.ai kling-v3.0-pro-i2v: prompt required, multi_prompt "Mutually exclusive with
	// prompt"; the std page: prompt required. Either way one task, one video.
	it.each([
		['novita', 'professional', 'promptAlongside', [200]],
		['novita', 'professional', 'promptExclusive', [400, 200]],
		['myRouter', 'standard', 'promptExclusive', [400, 200]],
		['myRouter', 'professional', 'promptAlongside', [200]],
	] as Array<[ProviderId, string, RequestForms['novitaShots'], number[]]>)(
		'%s, %s, %s: submissions answered %j, one task',
		async (provider, mode, novitaShots, statuses) => {
			await withSimulator(
				provider,
				async (sim) => {
					const run = await generate(sim, customShots({ mode, prompt: 'A perfume ad' }));

					expect(run.error).toBeUndefined();
					expect(submitRequests(sim).map((request) => request.status)).toEqual(statuses);
					expect(sim.submissions()).toBe(1);
					const body = sim.tasks[0].body as IDataObject;
					expect(body.multi_prompt).toEqual(objectShots(Number));
					expect(body.prompt).toBe(statuses.length === 1 ? 'A perfume ad' : undefined);
					expect(run.output('Kling')[0].json).toMatchObject({ status: 'succeeded' });
				},
				{ novitaShots },
			);
		},
	);
});

describe('automatic shots: the route cuts the prompt itself', () => {
	it.each([
		['aimlApi', 'v3.0', { shot_type: 'intelligent' }],
		['aimlApi', 'v3.0-omni', { shot_type: 'intelligent' }],
		['kling', 'v3.0', { multi_shot: true, shot_type: 'intelligence' }],
		['kling', 'v3.0-omni', { multi_shot: true, shot_type: 'intelligence' }],
	] as Array<[ProviderId, string, IDataObject]>)(
		'%s, %s: the prompt with its shot-type word, no shot list',
		async (provider, model, received) => {
			await withSimulator(provider, async (sim) => {
				const run = await generate(sim, {
					...customShots({ model, prompt: 'A perfume ad in three moods' }),
					shotMode: 'auto',
				});

				expect(run.error).toBeUndefined();
				expect(sim.submissions()).toBe(1);
				const body = sim.tasks[0].body as IDataObject;
				expect(body).toMatchObject({ prompt: 'A perfume ad in three moods', ...received });
				expect(body).not.toHaveProperty('multi_prompt');
			});
		},
	);
});

describe('where no storyboard is documented', () => {
	it('GMI Cloud 3.0 Turbo (its page shows none): a node holding shots sends one prompt, no shots', async () => {
		await withSimulator('gmiCloud', async (sim) => {
			const run = await generate(
				sim,
				customShots({ model: 'v3.0-turbo', prompt: 'A perfume bottle ad' }),
			);

			expect(run.error).toBeUndefined();
			expect(sim.submissions()).toBe(1);
			const payload = (sim.tasks[0].body as IDataObject).payload as IDataObject;
			expect(payload).not.toHaveProperty('multi_prompt');
			expect(payload).toMatchObject({ prompt: 'A perfume bottle ad' });
		});
	});

	it('HighwayAPI (its 3.0 page was not read): a node holding shots sends one prompt, no shots', async () => {
		await withSimulator('highwayApi', async (sim) => {
			const run = await generate(sim, customShots({ prompt: 'A perfume bottle ad' }));

			expect(run.error).toBeUndefined();
			expect(sim.submissions()).toBe(1);
			expect(sim.tasks[0].body).not.toHaveProperty('multi_prompt');
			expect(sim.tasks[0].body).toMatchObject({ prompt: 'A perfume bottle ad' });
		});
	});

	it('a single-shot 3.0 request is unchanged: the prompt alone', async () => {
		await withSimulator('aimlApi', async (sim) => {
			const run = await generate(sim, { ...customShots(), shotMode: 'single' });

			expect(run.error).toBeUndefined();
			const body = sim.tasks[0].body as IDataObject;
			expect(body.prompt).toBe('The camera slowly pushes in');
			expect(body).not.toHaveProperty('multi_prompt');
			expect(body).not.toHaveProperty('shot_type');
		});
	});
});

describe('a storyboard the routes would refuse is refused before paying', () => {
	it.each([
		[
			'novita',
			1,
			'"Shots" has 1 shot; a custom storyboard at Kling 3.0 at Novita AI takes 2 to 6 [item 0]',
		],
		[
			'aimlApi',
			7,
			'"Shots" has 7 shots; a custom storyboard at Kling 3.0 at AI/ML API takes 2 to 6 [item 0]',
		],
		[
			'kling',
			0,
			'"Shots" has 0 shots; a custom storyboard at Kling 3.0 at Kling AI takes 2 to 6 [item 0]',
		],
	] as Array<[ProviderId, number, string]>)(
		'%s with %i shot(s): refused, no request',
		async (provider, count, message) => {
			await withSimulator(provider, async (sim) => {
				const shot = Array.from({ length: count }, () => ({ prompt: 'a beat', duration: 1 }));
				const run = await generate(
					sim,
					customShots({
						prompt: provider === 'novita' ? 'an ad' : '',
						duration: String(Math.max(count, 3)),
						shots: { shot },
					}),
				);

				expect(run.status).toBe('error');
				expect(run.error?.message).toBe(message);
				expect(sim.requests).toEqual([]);
			});
		},
	);
});
