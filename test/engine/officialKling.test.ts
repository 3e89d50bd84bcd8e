import { sleep } from 'n8n-workflow';

import { chain, type EngineRun } from '../support/engine';
import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type RecordedRequest,
	type Simulator,
	type SimulatorOptions,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * The official Kling API inside n8n's engine, against a simulator that checks every signed token
 * and answers in Kling's envelope: the key pair handled for the user, submissions made safe to
 * retry by external_task_id, errors read by their code, and O1 on its own route. Shapes from
 * copies of Kling's pages [3P] unless marked.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

const start = async (options: Partial<SimulatorOptions> = {}) => {
	sim = await startSimulator({ provider: 'kling', latency: { meanMs: 300 }, ...options });
	return sim;
};

const generate = (extra = {}) =>
	klingNode(sim, {
		operation: 'generate',
		imageUrl: IMAGE_URL,
		requestOptions: { requestTimeoutSeconds: 2 },
		...extra,
	});

const keyPair = () => ({
	authType: 'accessKey',
	apiKey: '',
	accessKey: sim.accessKey,
	secretKey: sim.secretKey,
});

const lookups = () => sim.requests.filter((request) => request.kind === 'lookup');

function claimsOf(request: RecordedRequest): Record<string, unknown> {
	const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
	const [header, claims] = token.split('.');
	expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
		alg: 'HS256',
		typ: 'JWT',
	});
	return JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>;
}

function everythingTheRunProduced(run: EngineRun): string {
	return JSON.stringify({ runData: run.runData, error: run.error, logs: run.logs });
}

describe('an access key and secret key', () => {
	it('sign a fresh token for every request, which Kling verifies; the secret key and the token stay out of the run', async () => {
		await start({ secretKey: 'dummy-secret-5f1e9a7c3b2d4e6f' });
		const run = await runKling(sim, { nodes: [generate()], credentials: keyPair() }).result;

		expect(run.error).toBeUndefined();
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
		const api = sim.requests.filter((request) => request.server === 'api');
		expect(api.length).toBeGreaterThanOrEqual(2);
		for (const request of api) {
			// The simulator refused any token whose signature, issuer, expiry or start did not hold.
			expect(request.status).toBe(200);
			const claims = claimsOf(request);
			const issuedAt = Math.floor(request.at / 1000);
			expect(claims.iss).toBe(sim.accessKey);
			expect(Number(claims.exp) - issuedAt).toBeGreaterThanOrEqual(1799);
			expect(Number(claims.exp) - issuedAt).toBeLessThanOrEqual(1800);
			expect(Number(claims.exp) - Number(claims.nbf)).toBe(1805);
		}
		for (const request of sim.requests.filter((r) => r.server !== 'api'))
			expect(request.headers.authorization).toBeUndefined();
		expect(JSON.stringify(sim.requests)).not.toContain(sim.secretKey);
		const produced = everythingTheRunProduced(run);
		expect(produced).not.toContain(sim.secretKey);
		expect(produced).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
	});

	it('mint a new token once when Kling refuses one as expired (1004), and the task goes through', async () => {
		await start();
		sim.faults.next('submit', { type: 'http', status: 401, reason: 'TOKEN_EXPIRED' });
		const run = await runKling(sim, { nodes: [generate()], credentials: keyPair() }).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.status)).toEqual([401, 200]);
		expect(sim.submissions()).toBe(1);
	});

	it.each([
		['31 minutes ahead: every token has expired', 31 * 60_000, 1004],
		['a minute behind: no token is valid yet', -60_000, 1003],
	])(
		'with the clock of Kling %s, the error says so after one new token',
		async (_, clockOffsetMs, code) => {
			await start({ clockOffsetMs });
			const run = await runKling(sim, { nodes: [generate()], credentials: keyPair() }).result;

			expect(run.error?.message).toMatch(
				new RegExp(
					`^Kling AI refused the token as not yet valid or expired \\(401 ${code}\\): Authorization `,
				),
			);
			expect(run.error?.description).toContain('clock of the machine running n8n');
			expect(run.error?.description).toContain('No task was created.');
			expect(submitRequests(sim)).toHaveLength(2);
			expect(sim.submissions()).toBe(0);
		},
	);

	it('with a wrong secret key, the signature is refused (1002) and the credential is named', async () => {
		await start();
		const run = await runKling(sim, {
			nodes: [generate()],
			credentials: { ...keyPair(), secretKey: 'not-the-secret-key' },
		}).result;

		expect(run.error?.message).toBe(
			'Kling AI rejected the API key (401 1002): Authorization is invalid [item 0]',
		);
		expect(run.error?.description).toContain('Check the API key in the Kling AI credential');
		expect(submitRequests(sim)).toHaveLength(1);
	});
});

describe('a submission whose outcome is unknown is looked up by its external_task_id', () => {
	it.each([
		[
			'a connection reset after the task was created',
			{ type: 'reset' as const, afterCreate: true },
		],
		['a 500 after the task was created', { type: 'http' as const, status: 500, afterCreate: true }],
		[
			'no answer before the request timeout, the task created',
			{ type: 'hang' as const, afterCreate: true },
		],
	])('%s: one task, one submission, and the item succeeds', async (_, fault) => {
		await start();
		sim.faults.next('submit', fault);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		expect(item.json).toMatchObject({ taskId: sim.tasks[0].id, status: 'succeeded' });
		expect(await run.readBinary(item)).toEqual(expectedVideoBytes(2048));
		expect(sim.submissions()).toBe(1);
		expect(submitRequests(sim)).toHaveLength(1);
		expect(lookups().length).toBeGreaterThanOrEqual(1);
		expect(lookups()[0].query.external_task_id).toBe(sim.tasks[0].externalId);
	});

	it('a connection reset before the task was created: not found twice, sent again with the same id, one task', async () => {
		await start();
		sim.faults.next('submit', { type: 'reset' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json).toMatchObject({
			taskId: sim.tasks[0].id,
			status: 'succeeded',
		});
		expect(sim.submissions()).toBe(1);
		const attempts = submitRequests(sim);
		expect(attempts.map((request) => request.status)).toEqual(['reset', 200]);
		// Both attempts carried the one id; "not found" was asked twice, seconds apart, before resending.
		expect(new Set(sim.tasks.map((task) => task.externalId))).toEqual(
			new Set([lookups()[0].query.external_task_id]),
		);
		const [first, second] = lookups();
		expect(second.at - first.at).toBeGreaterThanOrEqual(2_900);
		expect(attempts[1].at).toBeGreaterThan(second.at);
	});

	it('where Kling ignores the query parameter and lists the newest tasks, only the task with our id counts', async () => {
		await start({ externalIdLookup: 'path' });
		// The second of three submissions is reset after its task was created.
		sim.faults.add({
			kind: 'submit',
			action: { type: 'reset', afterCreate: true },
			skip: 1,
			times: 1,
		});
		const run = await runKling(sim, {
			nodes: [generate()],
			input: [{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }],
		}).result;

		expect(run.error).toBeUndefined();
		expect(sim.submissions()).toBe(3);
		const items = run.output('Kling');
		expect(new Set(items.map((item) => item.json.taskId))).toEqual(
			new Set(sim.tasks.map((task) => task.id)),
		);
		const [lookup] = lookups();
		const reset = sim.tasks.find((task) => task.externalId === lookup.query.external_task_id)!;
		expect(submitRequests(sim).find((request) => request.status === 'reset')?.taskId).toBe(
			reset.id,
		);
		expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
	});

	it('a task that shows up in lookups late: the resend is refused as a duplicate, and the task is then found', async () => {
		await start({ lookupDelayMs: 4_500 });
		sim.faults.next('submit', { type: 'reset', afterCreate: true });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(sim.submissions()).toBe(1);
		expect(submitRequests(sim).map((request) => request.status)).toEqual(['reset', 400]);
		expect(run.output('Kling')[0].json).toMatchObject({
			taskId: sim.tasks[0].id,
			status: 'succeeded',
		});
	});

	it('a resend refused while lookups never find the first attempt: the error says a task may exist, naming its external_task_id', async () => {
		await start({ lookupDelayMs: 120_000 });
		sim.faults.next('submit', { type: 'reset', afterCreate: true });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(
			/^Kling AI did not confirm the new task: it did not confirm the first attempt, and refused a second one with the same id \(400/,
		);
		expect(run.error?.description).toContain('a task may exist and may be charged');
		expect(run.error?.description).toContain(
			`This submission's id is ${sim.tasks[0].externalId}: Kling AI keeps it as that task's external_task_id`,
		);
		expect(run.error?.description).not.toContain('No task was created');
		expect(submitRequests(sim).map((request) => request.status)).toEqual(['reset', 400]);
		expect(sim.submissions()).toBe(1);
	});

	it('when the lookup itself fails, nothing is sent again and the error says a task may exist', async () => {
		await start();
		sim.faults.next('submit', { type: 'reset', afterCreate: true });
		sim.faults.next('lookup', { type: 'http', status: 503 }, 10);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(/^Kling AI did not confirm the new task: /);
		expect(run.error?.description).toContain('a task may exist and may be charged');
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
		expect(lookups()).toHaveLength(5);
	});
});

describe('errors read by their code', () => {
	it.each([
		['the resource pack is used up or expired (1102)', 'NOT_ENOUGH_BALANCE', '1102'],
		['the account is in arrears (1101)', 'ACCOUNT_ARREARS', '1101'],
	])('%s: a money error on HTTP 429, never retried', async (_, reason, code) => {
		await start();
		sim.faults.next('submit', { type: 'http', status: 429, reason }, 5);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(
			new RegExp(
				`^The Kling AI balance is too low: top up at https://app\\.klingai\\.com/global/dev \\(429 ${code}\\): `,
			),
		);
		expect(run.error?.description).toContain('resource pack');
		expect(run.error?.description).toContain('No task was created.');
		expect(submitRequests(sim)).toHaveLength(1);
		expect(lookups()).toHaveLength(0);
	});

	it('an account without credit (the simulator refuses every submission with 1102)', async () => {
		await start({ balance: 'insufficient' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			'The Kling AI balance is too low: top up at https://app.klingai.com/global/dev (429 1102): Resource pack exhausted or expired [item 0]',
		);
		expect(submitRequests(sim)).toHaveLength(1);
	});

	it('requests too fast (1302) are waited out and sent again', async () => {
		await start();
		sim.faults.next(
			'submit',
			{ type: 'http', status: 429, reason: 'RATE_LIMIT_EXCEEDED', retryAfterSeconds: 1 },
			2,
		);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.status)).toEqual([429, 429, 200]);
		expect(sim.submissions()).toBe(1);
	});

	it('the IP allow-list (1304, on HTTP 429) is not waited for', async () => {
		await start();
		sim.faults.next('submit', { type: 'http', status: 429, reason: 'IP_NOT_ALLOWED' }, 5);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			'Kling AI refused the request (403 1304): IP whitelist policy triggered [item 0]',
		);
		expect(submitRequests(sim)).toHaveLength(1);
	});

	it('a refusal in an HTTP 200 with a code (1201) created nothing and is not looked up', async () => {
		await start({ shapes: { klingRefusals: 'http200' } });
		sim.faults.next('submit', {
			type: 'http',
			status: 200,
			body: { code: 1201, message: "duration value '99' is invalid", request_id: 'r-1' },
		});
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			"Kling AI rejected the task (400 1201): duration value '99' is invalid [item 0]",
		);
		expect(submitRequests(sim)).toHaveLength(1);
		expect(lookups()).toHaveLength(0);
		expect(sim.submissions()).toBe(0);
	});

	it('status requests ride out 1302 and 5001 and the task is delivered', async () => {
		await start({ latency: { meanMs: 1_000 } });
		sim.faults.next('status', { type: 'http', status: 429, reason: 'RATE_LIMIT_EXCEEDED' });
		sim.faults.next('status', { type: 'http', status: 503, reason: 'SERVICE_UNAVAILABLE' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(statusRequests(sim).filter((request) => request.fault)).toHaveLength(2);
	});

	it("a failed task (HTTP 200, code 0, task_status failed) fails the item with Kling's reason", async () => {
		await start();
		sim.setTaskOutcome('next', { status: 'failed', reason: 'Image pixel is invalid' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			`Task ${sim.tasks[0].id} failed at Kling AI: Image pixel is invalid (failed) [item 0]`,
		);
	});
});

describe('the concurrency of the resource pack (1303)', () => {
	it('submissions wait for running tasks to end instead of failing', async () => {
		await start({ concurrency: 1, latency: { meanMs: 1_500 } });
		const run = await runKling(sim, {
			nodes: [generate()],
			input: [{ json: {} }, { json: {} }, { json: {} }],
		}).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling').map((item) => item.json.status)).toEqual([
			'succeeded',
			'succeeded',
			'succeeded',
		]);
		expect(sim.submissions()).toBe(3);
		expect(submitRequests(sim).filter((request) => request.status === 429).length).toBeGreaterThan(
			0,
		);
		// Never two at once: each task was created after the one before had finished.
		const [first, second, third] = sim.tasks;
		expect(second.createdAt).toBeGreaterThanOrEqual(first.finishesAt);
		expect(third.createdAt).toBeGreaterThanOrEqual(second.finishesAt);
	}, 90_000);

	it('a stop while waiting for a slot ends the run within a second, sending nothing more', async () => {
		await start({ concurrency: 1, latency: { meanMs: 60_000 } });
		const running = runKling(sim, {
			nodes: [generate()],
			input: [{ json: {} }, { json: {} }],
		});
		while (submitRequests(sim).filter((request) => request.status === 429).length < 1)
			await sleep(20);
		const stoppedAt = Date.now();
		running.cancel();
		const run = await running.result;

		expect(run.status).toBe('canceled');
		expect(Date.now() - stoppedAt).toBeLessThan(1_000);
		await sleep(6_000);
		expect(sim.requests.filter((request) => request.at > stoppedAt + 250)).toHaveLength(0);
		expect(sim.submissions()).toBe(1);
	});
});

describe('images', () => {
	it('sends binary first and last frames as raw base64, without a data: prefix', async () => {
		await start();
		const first = makeTestPng(640, 480);
		const last = makeTestPng(480, 640);
		const run = await runKling(sim, {
			nodes: [
				generate({
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
			model_name: 'kling-v2-1',
			mode: 'pro',
			image: first.toString('base64'),
			image_tail: last.toString('base64'),
			duration: '5',
		});
	});
});

describe('Kling O1, on its own route', () => {
	const o1 = { model: 'o1', mode: 'professional', duration: '10' };

	it('goes to omni-video with image_list, and its status is read there', async () => {
		await start();
		const run = await runKling(sim, {
			nodes: [
				generate({
					...o1,
					endImageSource: 'url',
					endImageUrl: 'https://images.example.com/end.jpg',
				}),
			],
		}).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim)[0].path).toBe('/v1/videos/omni-video');
		expect(sim.tasks[0].body).toEqual({
			model_name: 'kling-video-o1',
			mode: 'pro',
			prompt: 'The camera slowly pushes in',
			duration: '10',
			image_list: [
				{ image_url: IMAGE_URL, type: 'first_frame' },
				{ image_url: 'https://images.example.com/end.jpg', type: 'end_frame' },
			],
			external_task_id: expect.any(String),
		});
		expect(
			statusRequests(sim).every((request) => request.path.startsWith('/v1/videos/omni-video/')),
		).toBe(true);
	});

	it('Wait for Completion after Submit Task asks the omni route, told by the model on the item', async () => {
		await start();
		const run = await runKling(sim, {
			nodes: [
				klingNode(sim, { operation: 'submit', imageUrl: IMAGE_URL, ...o1 }, {}, 'Submit'),
				klingNode(sim, { operation: 'waitForCompletion' }, {}, 'Wait'),
			],
			connections: chain('Submit', 'Wait'),
		}).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Submit')[0].json).toMatchObject({ model: 'o1', mode: 'professional' });
		expect(run.output('Wait')[0].json).toMatchObject({ status: 'succeeded' });
		expect(statusRequests(sim).map((request) => request.path)).toEqual(
			statusRequests(sim).map(() => `/v1/videos/omni-video/${sim.tasks[0].id}`),
		);
	});

	it('Get Status with a bare task id tries image2video, then finds the task on the omni route', async () => {
		await start();
		const submitted = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'submit', imageUrl: IMAGE_URL, ...o1 })],
		}).result;
		const { taskId } = submitted.output('Kling')[0].json;

		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getStatus' })],
			input: [{ json: { taskId } }],
		}).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json).toMatchObject({ provider: 'kling', taskId });
		expect(statusRequests(sim).map((request) => [request.path, request.status])).toEqual([
			[`/v1/videos/image2video/${taskId}`, 404],
			[`/v1/videos/omni-video/${taskId}`, 200],
		]);
	});

	it('a task no route knows is reported with the first answer', async () => {
		await start();
		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getStatus' })],
			input: [{ json: { taskId: '831922345719271433' } }],
		}).result;

		expect(run.error?.message).toBe(
			'Kling AI does not know task 831922345719271433 (404 1203): Requested resource does not exist [item 0]',
		);
		expect(statusRequests(sim)).toHaveLength(2);
	});
});
