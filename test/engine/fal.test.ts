import { sleep } from 'n8n-workflow';

import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type Simulator,
	type SimulatorOptions,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * fal.ai's queue inside n8n's engine: the model path for submissions, the app id for status and
 * result, a COMPLETED that can still end in an error, queueing past a new account's concurrency,
 * and fal's error shapes [C: fal-js, fal's Python client and docs, unless marked].
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

const start = async (options: Partial<SimulatorOptions> = {}) => {
	sim = await startSimulator({ provider: 'fal', latency: { meanMs: 300 }, ...options });
	return sim;
};

const generate = (extra = {}) =>
	klingNode(sim, {
		operation: 'generate',
		imageUrl: IMAGE_URL,
		requestOptions: { requestTimeoutSeconds: 2 },
		...extra,
	});

const resultRequests = () => sim.requests.filter((request) => request.kind === 'result');

it('submits to the model path and reads status and result under the app id', async () => {
	await start();
	const run = await runKling(sim, {
		nodes: [generate({ model: 'v3.0', mode: 'professional', duration: '12', sound: true })],
	}).result;

	expect(run.error).toBeUndefined();
	const [task] = sim.tasks;
	expect(submitRequests(sim).map((request) => request.path)).toEqual([
		'/fal-ai/kling-video/v3/pro/image-to-video',
	]);
	expect(task.body).toEqual({
		start_image_url: IMAGE_URL,
		prompt: 'The camera slowly pushes in',
		duration: '12',
		cfg_scale: 0.5,
		generate_audio: true,
	});
	expect(new Set(statusRequests(sim).map((request) => request.path))).toEqual(
		new Set([`/fal-ai/kling-video/requests/${task.id}/status`]),
	);
	expect(resultRequests().map((request) => request.path)).toEqual([
		`/fal-ai/kling-video/requests/${task.id}`,
	]);
	const [item] = run.output('Kling');
	expect(item.json).toMatchObject({ provider: 'fal', taskId: task.id, status: 'succeeded' });
	expect(await run.readBinary(item)).toEqual(expectedVideoBytes(2048));
	for (const request of sim.requests.filter((r) => r.server !== 'api'))
		expect(request.headers.authorization).toBeUndefined();
});

it('sends "no sound" explicitly, since fal adds paid audio unless told not to', async () => {
	await start();
	const run = await runKling(sim, {
		nodes: [generate({ model: 'v2.6', mode: 'professional' })],
	}).result;

	expect(run.error).toBeUndefined();
	expect(submitRequests(sim)[0].path).toBe('/fal-ai/kling-video/v2.6/pro/image-to-video');
	expect(sim.tasks[0].body).toMatchObject({ start_image_url: IMAGE_URL, generate_audio: false });
});

it('sends binary first and last frames as data URIs, in the one request to the API host', async () => {
	await start();
	const first = makeTestPng(640, 480);
	const last = makeTestPng(480, 640);
	const run = await runKling(sim, {
		nodes: [
			generate({
				model: 'v2.1',
				mode: 'professional',
				imageSource: 'binary',
				endImageSource: 'binary',
				endBinaryPropertyName: 'last',
			}),
		],
		input: [
			{
				json: {},
				binary: {
					data: { data: first, mimeType: 'image/png' },
					last: { data: last, mimeType: 'image/png' },
				},
			},
		],
	}).result;

	expect(run.error).toBeUndefined();
	expect(sim.tasks[0].body).toMatchObject({
		image_url: `data:image/png;base64,${first.toString('base64')}`,
		tail_image_url: `data:image/png;base64,${last.toString('base64')}`,
	});
	expect(new Set(sim.requests.filter((r) => r.kind !== 'download').map((r) => r.server))).toEqual(
		new Set(['api']),
	);
});

describe('image bytes an endpoint refuses ([?] fal: data URIs work for "some" models)', () => {
	const png = makeTestPng(640, 480);
	const withBinary = (parameters: object) => ({
		nodes: [generate(parameters)],
		input: [{ json: {}, binary: { data: { data: png, mimeType: 'image/png' } } }],
	});

	it('a 422 naming the first frame says to pass it as a URL, that nothing was charged; sent once', async () => {
		await start({ requestForms: { falDataUris: 'refused' } });
		const run = await runKling(sim, withBinary({ model: 'v3.0', imageSource: 'binary' })).result;

		expect(run.error?.message).toBe(
			'fal.ai rejected the task (422 value_error): start_image_url: start_image_url must be an http(s) URL: this model takes image links only; pass the image as a URL (Image Source: URL) [item 0]',
		);
		expect(run.error?.description).toBe(
			'fal.ai did not take the image sent as bytes (a data: URI) in start_image_url: fal accepts data URIs for some models only, links for all. Set Image Source to URL and give a link fal can download. No task was created, so nothing was charged, and nothing was sent again.',
		);
		expect(submitRequests(sim).map((request) => request.status)).toEqual([422]);
		expect(sim.submissions()).toBe(0);
	});

	it('a 422 naming the end frame names End Image Source; the first frame, a URL, is fine', async () => {
		await start({ requestForms: { falDataUris: 'refused' } });
		const endFromBinary = { endImageSource: 'binary', endBinaryPropertyName: 'data' };
		const run = await runKling(
			sim,
			withBinary({ model: 'v2.1', mode: 'professional', ...endFromBinary }),
		).result;

		expect(run.error?.message).toMatch(
			/^fal\.ai rejected the task \(422 value_error\): tail_image_url: .*; pass the end image as a URL \(End Image Source: URL\) \[item 0\]$/,
		);
		expect(run.error?.description).toContain('Set End Image Source to URL');
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(0);
	});

	it('a 422 naming an image given as a URL gives no such advice', async () => {
		await start();
		sim.faults.next('submit', {
			type: 'http',
			status: 422,
			body: {
				detail: [
					{
						loc: ['body', 'start_image_url'],
						msg: 'Failed to download the file',
						type: 'file_download_error',
					},
				],
			},
		});
		const run = await runKling(sim, { nodes: [generate({ model: 'v3.0' })] }).result;

		expect(run.error?.message).toBe(
			'fal.ai rejected the task (422 file_download_error): start_image_url: Failed to download the file [item 0]',
		);
		expect(run.error?.description).toMatch(/^No task was created\. The provider's message above/);
		expect(submitRequests(sim)).toHaveLength(1);
	});
});

describe('a request that fails after COMPLETED', () => {
	it.each([
		['a 422 from the result request (what a client saw live [3P])', 'result' as const, 1],
		['a request error with its error_type from the result request', 'requestError' as const, 1],
		['an error on the COMPLETED status itself', 'statusError' as const, 0],
	])("%s fails the item with fal's message", async (_, falFailure, results) => {
		await start({ shapes: { falFailure } });
		sim.setTaskOutcome('next', { status: 'failed', reason: 'dummy refusal: flagged content' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		const taskId = sim.tasks[0].id;
		expect(run.error?.message).toMatch(
			new RegExp(`^Task ${taskId} failed at fal\\.ai: dummy refusal: flagged content \\(\\w+\\)`),
		);
		expect(resultRequests()).toHaveLength(results);
		expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(0);
		expect(sim.submissions()).toBe(1);
	});

	it("is reported by Get Status as failed, with fal's message", async () => {
		await start();
		sim.setTaskOutcome('next', { status: 'failed', reason: 'dummy refusal: too dark' });
		const submitted = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'submit', imageUrl: IMAGE_URL })],
		}).result;
		sim.finishNow();
		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getStatus' })],
			input: [{ json: submitted.output('Kling')[0].json }],
		}).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json).toMatchObject({
			status: 'failed',
			error: { message: 'dummy refusal: too dark', code: 'content_policy_violation' },
		});
	});

	it("rides out a proxy's HTML page on the result request, which is not fal's answer", async () => {
		await start();
		sim.faults.next('result', { type: 'htmlPage', status: 502 });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(resultRequests().map((request) => request.status)).toEqual([502, 200]);
	});
});

describe("a new account's low concurrency", () => {
	it('queued requests report IN_QUEUE with their position, and every item finishes', async () => {
		// queueMs 0: the first two start at once, so which tasks are queued cannot change between the
		// four status reads (with fal's usual moment in the queue a fast read could catch all four there).
		await start({ concurrency: 2, latency: { meanMs: 6_000 }, queueMs: 0 });
		const items = Array.from({ length: 4 }, (_, n) => ({ json: { n } }));
		const submitted = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'submit', imageUrl: IMAGE_URL })],
			input: items,
		}).result;
		const status = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getStatus' })],
			input: submitted.output('Kling').map(({ json }) => ({ json })),
		}).result;

		// Two run at once; the others wait their turn, each told its place in fal's queue. (Which
		// items wait depends on the order the submissions arrived in, so only the places are fixed.)
		const queued = status
			.output('Kling')
			.map(({ json }) => json)
			.filter((json) => json.status === 'queued');
		expect(queued.map((json) => json.queuePosition).sort()).toEqual([0, 1]);

		const waited = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'waitForCompletion', downloadVideo: false })],
			input: submitted.output('Kling').map(({ json }) => ({ json })),
		}).result;
		expect(waited.output('Kling').map(({ json }) => json.status)).toEqual([
			'succeeded',
			'succeeded',
			'succeeded',
			'succeeded',
		]);
		expect(sim.submissions()).toBe(4);
		// Never more than two processing at once.
		for (const task of sim.tasks) {
			const overlapping = sim.tasks.filter(
				(other) =>
					other.processingStartsAt <= task.processingStartsAt &&
					task.processingStartsAt < other.finishesAt,
			);
			expect(overlapping.length).toBeLessThanOrEqual(2);
		}
	}, 90_000);

	it('a 429 on submission is waited out and sent again', async () => {
		await start();
		sim.faults.next('submit', { type: 'http', status: 429, retryAfterSeconds: 1 });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.status)).toEqual([429, 200]);
		expect(sim.submissions()).toBe(1);
	});
});

describe('refusals', () => {
	it('a locked account (403 "Exhausted balance" [3P]) is a balance error, never retried', async () => {
		await start({ balance: 'insufficient' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			'The fal.ai balance is too low: top up at https://fal.ai/dashboard/billing (403): User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing. [item 0]',
		);
		expect(submitRequests(sim)).toHaveLength(1);
	});

	it('a 422 validation error names the field, and no task is made', async () => {
		await start();
		sim.faults.next('submit', {
			type: 'http',
			status: 422,
			body: {
				detail: [
					{
						loc: ['body', 'prompt'],
						msg: 'ensure this value has at most 2500 characters',
						type: 'value_error',
					},
				],
			},
		});
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			'fal.ai rejected the task (422 value_error): prompt: ensure this value has at most 2500 characters [item 0]',
		);
		expect(sim.submissions()).toBe(0);
	});

	it('a wrong key (401) names the credential and where keys are made', async () => {
		await start();
		const run = await runKling(sim, {
			nodes: [generate()],
			credentials: { apiKey: 'not-the-key' },
		}).result;

		expect(run.error?.message).toMatch(/^fal\.ai rejected the API key \(401\)/);
		expect(run.error?.description).toContain('https://fal.ai/dashboard/keys');
	});

	it('an uncertain submission is not repeated: fal has no lookup by a client id', async () => {
		await start();
		sim.faults.next('submit', { type: 'reset', afterCreate: true });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(/^fal\.ai did not confirm the new task: /);
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
	});
});

it("a stop while requests wait in fal's queue ends the run within a second", async () => {
	await start({ concurrency: 1, latency: { meanMs: 60_000 } });
	const running = runKling(sim, { nodes: [generate()], input: [{ json: {} }, { json: {} }] });
	while (statusRequests(sim).length < 2) await sleep(20);
	const stoppedAt = Date.now();
	running.cancel();
	const run = await running.result;

	expect(run.status).toBe('canceled');
	expect(Date.now() - stoppedAt).toBeLessThan(1_000);
	await sleep(3_000);
	expect(sim.requests.filter((request) => request.at > stoppedAt + 250)).toHaveLength(0);
});
