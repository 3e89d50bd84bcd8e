import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type RequestForms,
	type Simulator,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, submitRequests } from './kling';

/**
 * Where a provider's docs contradict themselves, the node sends what works under each reading: a
 * simulator per reading makes the video, and the task it made shows what that reading read
 * (`readAs`). No case pays twice.
 */

const END_IMAGE_URL = 'https://images.example.com/product-end.jpg';
const LAST_PNG = makeTestPng(480, 640);

let sim: Simulator;
afterEach(async () => await sim?.close());

async function simulate(provider: 'aimlApi' | 'gmiCloud', requestForms: RequestForms = {}) {
	sim = await startSimulator({ provider, latency: { meanMs: 150 }, requestForms });
	return sim;
}

const bodyOf = (task: Simulator['tasks'][number]) => task.body as Record<string, unknown>;

describe('AI/ML API, Kling 3.0 end frame: [?] the schema says tail_image_url, the docs example last_image_url', () => {
	const endFrameNode = (extra = {}) =>
		klingNode(sim, {
			operation: 'generate',
			model: 'v3.0',
			mode: 'professional',
			duration: '5',
			imageUrl: IMAGE_URL,
			endImageSource: 'url',
			endImageUrl: END_IMAGE_URL,
			...extra,
		});

	it('the end frame reaches the API under both names, the same image, in one request', async () => {
		await simulate('aimlApi');
		const run = await runKling(sim, { nodes: [endFrameNode()] }).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim)).toHaveLength(1);
		expect(bodyOf(sim.tasks[0])).toMatchObject({
			tail_image_url: END_IMAGE_URL,
			last_image_url: END_IMAGE_URL,
		});
		expect(sim.tasks[0].readAs.endFrame).toBe(END_IMAGE_URL);
	});

	it.each<[NonNullable<RequestForms['aimlEndFrame']>, string]>([
		['lastImageUrl', 'the example'],
		['tailImageUrl', 'the schema'],
	])('an API that reads only %s (%s) makes the video with the end frame', async (aimlEndFrame) => {
		await simulate('aimlApi', { aimlEndFrame });
		const run = await runKling(sim, { nodes: [endFrameNode()] }).result;

		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		expect(item.json.status).toBe('succeeded');
		expect(await run.readBinary(item)).toEqual(expectedVideoBytes(2048));
		expect(sim.tasks[0].readAs.endFrame).toBe(END_IMAGE_URL);
		expect(sim.submissions()).toBe(1);
	});

	it('an end frame from binary data goes as the same data: URI under both names', async () => {
		await simulate('aimlApi', { aimlEndFrame: 'lastImageUrl' });
		const run = await runKling(sim, {
			nodes: [endFrameNode({ endImageSource: 'binary', endBinaryPropertyName: 'last' })],
			input: [{ json: {}, binary: { last: { data: LAST_PNG, mimeType: 'image/png' } } }],
		}).result;

		expect(run.error).toBeUndefined();
		const sent = `data:image/png;base64,${LAST_PNG.toString('base64')}`;
		expect(bodyOf(sim.tasks[0])).toMatchObject({ tail_image_url: sent, last_image_url: sent });
		expect(sim.tasks[0].readAs.endFrame).toBe(sent);
	});
});

describe('GMI Cloud, Kling 2.6 sound: [?] the table says "yes"/"no" (default "no"), the example sends "on"', () => {
	const soundNode = (sound: boolean) =>
		klingNode(sim, {
			operation: 'generate',
			model: 'v2.6',
			imageUrl: IMAGE_URL,
			duration: '5',
			sound,
		});
	const payloadOf = (task: Simulator['tasks'][number]) => bodyOf(task).payload as object;

	it.each<NonNullable<RequestForms['gmiSoundValues']>>(['yesNo', 'onOff', 'both'])(
		'off, at an API reading %s: the field is left out, one request, a silent video',
		async (gmiSoundValues) => {
			await simulate('gmiCloud', { gmiSoundValues });
			const run = await runKling(sim, { nodes: [soundNode(false)] }).result;

			expect(run.error).toBeUndefined();
			expect(run.output('Kling')[0].json.status).toBe('succeeded');
			expect(submitRequests(sim).map((request) => request.status)).toEqual([200]);
			expect(payloadOf(sim.tasks[0])).not.toHaveProperty('sound');
			expect(sim.tasks[0].readAs.sound).toBe(false);
		},
	);

	it('on, at an API reading "on"/"off": the example\'s "on", one request, a video with sound', async () => {
		await simulate('gmiCloud', { gmiSoundValues: 'onOff' });
		const run = await runKling(sim, { nodes: [soundNode(true)] }).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.status)).toEqual([200]);
		expect(payloadOf(sim.tasks[0])).toMatchObject({ sound: 'on' });
		expect(sim.tasks[0].readAs.sound).toBe(true);
	});
});
