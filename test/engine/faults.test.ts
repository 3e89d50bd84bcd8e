import { sleep } from 'n8n-workflow';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * A misbehaving provider, injected at the simulator over real HTTP: every fault is either ridden
 * out or reported clearly, a submission that may have reached the provider is never repeated, and
 * nothing keeps running once the execution stops.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

const generate = (extra = {}) =>
	klingNode(sim, {
		operation: 'generate',
		imageUrl: IMAGE_URL,
		requestOptions: { requestTimeoutSeconds: 2 },
		...extra,
	});

describe('while polling', () => {
	it.each([
		['a connection reset mid-response', { type: 'reset' as const }],
		['an answer that never comes (request timeout, then retry)', { type: 'hang' as const }],
		['malformed JSON', { type: 'malformedJson' as const }],
		['an HTML error page from a proxy', { type: 'htmlPage' as const, status: 502 }],
		['a 500', { type: 'http' as const, status: 500 }],
		['connections refused for a while', { type: 'refused' as const, forMs: 3_000 }],
	])('rides out %s and delivers the video', async (_, fault) => {
		sim = await startSimulator({ provider: 'novita', latency: { meanMs: 1_000 } });
		sim.faults.next('status', fault, 2);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json.status).toBe('succeeded');
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
		expect(sim.submissions()).toBe(1);
		expect(statusRequests(sim).filter((request) => request.fault).length).toBeGreaterThanOrEqual(1);
	});

	it('reports a task the provider no longer knows (404) with the task id', async () => {
		sim = await startSimulator({ provider: 'myRouter', latency: { meanMs: 500 } });
		sim.setTaskOutcome('next', { status: 'unknown' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		const taskId = sim.tasks[0].id;
		expect(run.error?.message).toMatch(
			new RegExp(`^MyRouter does not know task ${taskId} \\(404 TASK_NOT_FOUND\\)`),
		);
		expect(run.error?.description).toContain('mistyped, belong to another provider or account');
		expect(sim.submissions()).toBe(1);
	});

	it('reports a task cancelled at the provider', async () => {
		sim = await startSimulator({ provider: 'gmiCloud', latency: { meanMs: 500 } });
		sim.setTaskOutcome('next', { status: 'cancelled', reason: 'cancelled by the user' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(
			new RegExp(`^Task ${sim.tasks[0].id} was cancelled at GMI Cloud`),
		);
		expect(run.error?.description).toContain('Submit the item again');
	});
});

describe('when submitting', () => {
	it('waits out a 429 (a definite refusal) and tries again after Retry-After', async () => {
		sim = await startSimulator({ provider: 'novita', latency: { meanMs: 300 } });
		sim.faults.next('submit', { type: 'http', status: 429, retryAfterSeconds: 1 }, 2);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		const attempts = submitRequests(sim);
		expect(attempts.map((request) => request.status)).toEqual([429, 429, 200]);
		expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
		expect(sim.submissions()).toBe(1);
	});

	it.each([
		[
			'a 500 after the task was created',
			{ type: 'http' as const, status: 500, afterCreate: true },
			/did not confirm the new task: it answered 500/,
		],
		[
			'a reset after the request was sent',
			{ type: 'reset' as const, afterCreate: true },
			/did not confirm the new task: the (connection was reset|answer broke off before it was complete)/,
		],
		[
			'no answer before the request timeout',
			{ type: 'hang' as const, afterCreate: true },
			/did not confirm the new task: no answer came before the request timeout/,
		],
		[
			"a proxy's 502 page",
			{ type: 'htmlPage' as const, status: 502, afterCreate: true },
			/did not confirm the new task: it answered 502/,
		],
	])('never repeats an ambiguous submission: %s', async (_, fault, message) => {
		sim = await startSimulator({ provider: 'aimlApi', latency: { meanMs: 300 } });
		sim.faults.next('submit', fault);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(message);
		expect(run.error?.description).toContain('a task may exist and may be charged');
		expect(run.error?.description).toContain('Check the task list in your AI/ML API dashboard');
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
	});

	it.each([
		[
			400,
			'INVALID_REQUEST_BODY',
			'guidance_scale must be <= 1',
			/^Novita AI rejected the task \(400 INVALID_REQUEST_BODY\): guidance_scale must be <= 1 \[item 0\]$/,
			'names the field',
		],
		[
			401,
			'INVALID_API_KEY',
			'invalid api key',
			/^Novita AI rejected the API key \(401 INVALID_API_KEY\): invalid api key \[item 0\]$/,
			'Check the API key in the Novita AI credential',
		],
		[
			403,
			'ACCESS_DENY',
			'access denied',
			/^Novita AI refused the request \(403 ACCESS_DENY\): access denied \[item 0\]$/,
			'The key may not have access to this Kling model',
		],
	])(
		"reports a %s with the provider's own message and what to do",
		async (status, reason, providerMessage, message, advice) => {
			sim = await startSimulator({ provider: 'novita' });
			sim.faults.next('submit', { type: 'http', status, reason, message: providerMessage });
			const run = await runKling(sim, { nodes: [generate()] }).result;

			expect(run.error?.message).toMatch(message);
			expect(run.error?.description).toContain(advice);
			expect((run.error as { httpCode?: string }).httpCode).toBe(String(status));
			expect(submitRequests(sim)).toHaveLength(1);
		},
	);
});

describe('when downloading', () => {
	it('retries a truncated download (Content-Length mismatch) and stores the whole video', async () => {
		sim = await startSimulator({
			provider: 'novita',
			videoBytes: 200_000,
			latency: { meanMs: 300 },
		});
		sim.faults.next('download', { type: 'truncated', fraction: 0.4 });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(200_000));
		expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(2);
	});

	it('asks the provider for a fresh URL when the video URL has expired (403 at the storage host)', async () => {
		sim = await startSimulator({ provider: 'highwayApi', latency: { meanMs: 300 } });
		sim.faults.next('download', { type: 'expired', status: 403 });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		const downloads = sim.requests.filter((request) => request.kind === 'download');
		expect(downloads.map((request) => request.status)).toEqual([403, 200]);
		expect(downloads[0].query.token).not.toBe(downloads[1].query.token);
		// The output names the URL that worked, not the expired one.
		expect(run.output('Kling')[0].json.videoUrl).toContain(`token=${downloads[1].query.token}`);
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
	});
});

describe('when the execution is stopped', () => {
	async function stopWhen(condition: () => boolean, spec: Parameters<typeof runKling>[1]) {
		const running = runKling(sim, spec);
		while (!condition()) await sleep(20);
		const stoppedAt = Date.now();
		running.cancel();
		const run = await running.result;
		const stopMs = Date.now() - stoppedAt;
		// Requests already on the wire at the stop may still land; nothing may be sent after it.
		await sleep(5_000);
		return {
			run,
			stopMs,
			requestsAfter: sim.requests.filter((request) => request.at > stoppedAt + 250).length,
		};
	}

	it('while submitting: stops within a second and sends nothing more', async () => {
		sim = await startSimulator({ provider: 'novita', latency: { meanMs: 60_000 } });
		sim.faults.add({ kind: 'submit', action: { type: 'slow', delayMs: 10_000 } });
		const items = Array.from({ length: 8 }, () => ({ json: {} }));
		const { run, stopMs, requestsAfter } = await stopWhen(() => submitRequests(sim).length >= 1, {
			nodes: [generate({ requestOptions: { requestTimeoutSeconds: 30 } })],
			input: items,
		});

		expect(run.status).toBe('canceled');
		expect(stopMs).toBeLessThan(1_000);
		expect(requestsAfter).toBe(0);
	});

	it('while downloading: stops within a second', async () => {
		sim = await startSimulator({ provider: 'novita', latency: { meanMs: 300 } });
		sim.faults.add({ kind: 'download', action: { type: 'slow', delayMs: 20_000 } });
		const { run, stopMs, requestsAfter } = await stopWhen(
			() => sim.requests.some((request) => request.kind === 'download'),
			{ nodes: [generate({ requestOptions: { requestTimeoutSeconds: 60 } })] },
		);

		expect(run.status).toBe('canceled');
		expect(stopMs).toBeLessThan(1_000);
		expect(requestsAfter).toBe(0);
	});
});
