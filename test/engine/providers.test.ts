import { chain } from '../support/engine';
import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type Simulator,
} from '../../tools/simulators';
import {
	ALL_PROVIDERS,
	apiKeyAuthorization,
	IMAGE_URL,
	klingNode,
	runKling,
	statusRequests,
	submitRequests,
} from './kling';

/** Every provider, end to end inside n8n's engine: the paths a user takes, checked as a user would see them. */

const VIDEO_BYTES = 4096;

describe.each(ALL_PROVIDERS)('%s', (provider) => {
	let sim: Simulator;

	beforeEach(async () => {
		sim = await startSimulator({ provider, videoBytes: VIDEO_BYTES, latency: { meanMs: 300 } });
	});
	afterEach(async () => await sim.close());

	function expectNoKeyOutsideTheApi() {
		const elsewhere = sim.requests.filter((request) => request.server !== 'api');
		expect(elsewhere.length).toBeGreaterThan(0);
		expect(elsewhere.every((request) => request.headers.authorization === undefined)).toBe(true);
		expect(
			sim.requests
				.filter((request) => request.server === 'api')
				.every((request) => request.headers.authorization === apiKeyAuthorization(sim)),
		).toBe(true);
	}

	it('generates a video from an image URL and hands it on as binary data', async () => {
		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'generate', imageUrl: IMAGE_URL })],
		}).result;

		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		const [task] = sim.tasks;
		expect(item.json).toEqual({
			provider,
			taskId: task.id,
			status: 'succeeded',
			videoUrl: expect.stringContaining(sim.videoHostUrl),
			model: 'v2.1',
			mode: 'standard',
			duration: 5,
			...(item.json.progress !== undefined && { progress: 100 }),
			video: {
				width: 720,
				height: 1280,
				durationSeconds: 5,
				bytes: VIDEO_BYTES,
				mimeType: 'video/mp4',
			},
			// Only where the provider documents them: the link's lifetime, and what the task cost.
			...(['novita', 'myRouter', 'highwayApi', 'kling'].includes(provider) && {
				videoUrlExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
			}),
			...(provider === 'kling' && { cost: { amount: 1, unit: 'units' } }),
		});
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.binary!.data).toMatchObject({
			mimeType: 'video/mp4',
			fileName: `${task.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.mp4`,
		});
		expect(await run.readBinary(item, 'data')).toEqual(expectedVideoBytes(VIDEO_BYTES));
		expect(sim.submissions()).toBe(1);
		expectNoKeyOutsideTheApi();
	});

	it('generates from a binary image of an earlier node, into the output field asked for', async () => {
		const png = makeTestPng(640, 480);
		const run = await runKling(sim, {
			nodes: [
				klingNode(sim, {
					operation: 'generate',
					imageSource: 'binary',
					binaryPropertyName: 'photo',
					outputBinaryPropertyName: 'video',
					mode: 'professional',
					duration: '10',
				}),
			],
			input: [
				{
					json: { sku: 'A-1' },
					binary: { photo: { data: png, mimeType: 'image/png', fileName: 'photo.png' } },
				},
			],
		}).result;

		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		expect(item.json).toMatchObject({ status: 'succeeded', mode: 'professional', duration: 10 });
		expect(Object.keys(item.binary!)).toEqual(['video']);
		expect(await run.readBinary(item, 'video')).toEqual(expectedVideoBytes(VIDEO_BYTES));
		const submitted = JSON.stringify(sim.tasks[0].body);
		expect(submitted).toContain(png.toString('base64').slice(0, 200));
	});

	it.each([
		['an image URL', { imageSource: 'url', imageUrl: IMAGE_URL }],
		['a binary image', { imageSource: 'binary' }],
	])(
		'submits in one node and waits in another, from %s, passing the task id along',
		async (_, image) => {
			const run = await runKling(sim, {
				nodes: [
					klingNode(sim, { operation: 'submit', mode: 'master', ...image }, {}, 'Submit'),
					klingNode(sim, { operation: 'waitForCompletion' }, {}, 'Wait'),
				],
				connections: chain('Submit', 'Wait'),
				input: [
					{ json: {}, binary: { data: { data: makeTestPng(480, 640), mimeType: 'image/png' } } },
				],
			}).result;

			expect(run.error).toBeUndefined();
			const [submitted] = run.output('Submit');
			const [task] = sim.tasks;
			expect(submitted.json).toEqual({
				provider,
				taskId: task.id,
				status: 'queued',
				model: 'v2.1',
				mode: 'master',
				duration: 5,
				submittedAt: expect.any(String),
				checkAfterSeconds: expect.any(Number),
			});
			expect(submitted.binary).toBeUndefined();
			const [finished] = run.output('Wait');
			expect(finished.json).toMatchObject({ provider, taskId: task.id, status: 'succeeded' });
			expect(finished.pairedItem).toEqual({ item: 0 });
			expect(await run.readBinary(finished, 'data')).toEqual(expectedVideoBytes(VIDEO_BYTES));
			expect(sim.submissions()).toBe(1);
		},
	);

	it("reports a task's status once without waiting, and a video URL without downloading when asked", async () => {
		const submit = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'submit', imageUrl: IMAGE_URL })],
		}).result;
		const [{ json: submitted }] = submit.output('Kling');

		const early = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getStatus' })],
			input: [{ json: submitted }],
		}).result;
		expect(early.output('Kling')[0].json).toMatchObject({
			provider,
			taskId: submitted.taskId,
			status: expect.stringMatching(/queued|processing|succeeded/),
		});
		expect(statusRequests(sim)).toHaveLength(1);

		sim.finishNow();
		const late = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'waitForCompletion', downloadVideo: false })],
			input: [{ json: submitted }],
		}).result;
		const [item] = late.output('Kling');
		expect(item.json).toMatchObject({
			status: 'succeeded',
			videoUrl: expect.stringContaining(sim.videoHostUrl),
		});
		expect(item.binary).toBeUndefined();
		expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(0);
		expect(submitRequests(sim)).toHaveLength(1);
	});
});
