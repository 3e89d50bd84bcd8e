import { chain } from '../support/engine';
import { startSimulator, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * Kling 3.0 Omni where fal.ai (O3 [C]) and the official Kling API (omni-video, kling-v3-omni [3P])
 * sell it, through Generate Video and through Submit Task → Wait for Completion: the body each
 * route documents, one submission per item, and the status read where the task lives.
 * (AI/ML API's and GMI Cloud's new models are in test/engine/models.test.ts.)
 */

const END_IMAGE_URL = 'https://images.example.com/end.jpg';
let sim: Simulator;
afterEach(async () => await sim?.close());

const start = async (provider: 'fal' | 'kling') => {
	sim = await startSimulator({ provider, videoBytes: 2048, latency: { meanMs: 100 } });
	return sim;
};

const omni = (mode: string, duration: string) => ({
	model: 'v3.0-omni',
	mode,
	duration,
	imageUrl: IMAGE_URL,
	endImageSource: 'url',
	endImageUrl: END_IMAGE_URL,
});

describe('Kling 3.0 Omni at fal.ai (O3)', () => {
	it.each([
		['4k', 'o3/4k', '15'],
		['professional', 'o3/pro', '3'],
	])(
		'in %s goes to fal-ai/kling-video/%s/image-to-video with image_url and end_image_url',
		async (mode, path, duration) => {
			await start('fal');
			const run = await runKling(sim, {
				nodes: [klingNode(sim, { operation: 'generate', ...omni(mode, duration) })],
			}).result;

			expect(run.error).toBeUndefined();
			expect(submitRequests(sim).map((request) => request.path)).toEqual([
				`/fal-ai/kling-video/${path}/image-to-video`,
			]);
			expect(sim.tasks[0].body).toEqual({
				image_url: IMAGE_URL,
				prompt: 'The camera slowly pushes in',
				duration,
				end_image_url: END_IMAGE_URL,
			});
			expect(run.output('Kling')[0].json).toMatchObject({
				status: 'succeeded',
				model: 'v3.0-omni',
				mode,
				duration: Number(duration),
			});
		},
	);

	it('a node naming no mode makes Professional, the first tier fal sells', async () => {
		await start('fal');
		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'generate', model: 'v3.0-omni', imageUrl: IMAGE_URL })],
		}).result;
		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.path)).toEqual([
			'/fal-ai/kling-video/o3/pro/image-to-video',
		]);
	});
});

describe('Kling 3.0 Omni at the official Kling API (omni-video)', () => {
	const body = (mode: string, duration: string) => ({
		model_name: 'kling-v3-omni',
		mode,
		prompt: 'The camera slowly pushes in',
		duration,
		image_list: [
			{ image_url: IMAGE_URL, type: 'first_frame' },
			{ image_url: END_IMAGE_URL, type: 'end_frame' },
		],
		external_task_id: expect.any(String),
	});

	it('Generate Video sends kling-v3-omni with its frames in image_list, and reads its status there', async () => {
		await start('kling');
		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'generate', ...omni('standard', '12') })],
		}).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.path)).toEqual(['/v1/videos/omni-video']);
		expect(sim.tasks[0].body).toEqual(body('std', '12'));
		expect(statusRequests(sim).length).toBeGreaterThan(0);
		expect(
			statusRequests(sim).every((request) => request.path.startsWith('/v1/videos/omni-video/')),
		).toBe(true);
		expect(run.output('Kling')[0].json).toMatchObject({ status: 'succeeded', model: 'v3.0-omni' });
	});

	it('Wait for Completion after Submit Task asks the omni route only, told by the model on the item', async () => {
		await start('kling');
		const run = await runKling(sim, {
			nodes: [
				klingNode(sim, { operation: 'submit', ...omni('professional', '3') }, {}, 'Submit'),
				klingNode(sim, { operation: 'waitForCompletion' }, {}, 'Wait'),
			],
			connections: chain('Submit', 'Wait'),
		}).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.tasks[0].body).toEqual(body('pro', '3'));
		expect(run.output('Wait')[0].json).toMatchObject({ status: 'succeeded', model: 'v3.0-omni' });
		expect(statusRequests(sim).map((request) => request.path)).toEqual(
			statusRequests(sim).map(() => `/v1/videos/omni-video/${sim.tasks[0].id}`),
		);
	});
});
