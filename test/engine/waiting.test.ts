import { sleep } from 'n8n-workflow';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests } from './kling';

/** Waiting as a user meets it: many items at once, failed tasks, timeouts, stopping, and a flaky provider. */

let sim: Simulator;
afterEach(async () => await sim?.close());

const items = (count: number) =>
	Array.from({ length: count }, (_, index) => ({ json: { imageUrl: `${IMAGE_URL}?n=${index}` } }));
const generate = (extra = {}) =>
	klingNode(sim, { operation: 'generate', imageUrl: '={{ $json.imageUrl }}', ...extra });

it('waits for several items together: the tasks run side by side and each output is paired to its input', async () => {
	sim = await startSimulator({
		provider: 'novita',
		latency: { meanMs: 5_000, spread: 0.3, seed: 4 },
	});
	const run = await runKling(sim, { nodes: [generate()], input: items(6) }).result;

	expect(run.error).toBeUndefined();
	const output = run.output('Kling');
	expect(output.map((item) => item.pairedItem)).toEqual(
		[0, 1, 2, 3, 4, 5].map((item) => ({ item })),
	);
	const taskByImage = new Map(
		sim.tasks.map((task) => [String((task.body as { image?: string }).image), task.id]),
	);
	output.forEach((item, index) =>
		expect(item.json.taskId).toBe(taskByImage.get(`${IMAGE_URL}?n=${index}`)),
	);

	// Overlap, seen at the provider: every task was created before the first was reported done, so
	// all six were in flight at once; the whole wait took about the slowest task, not the sum.
	const created = sim.tasks.map((task) => task.createdAt);
	const reported = sim.tasks.map((task) => task.firstReportedTerminalAt!);
	expect(Math.max(...created)).toBeLessThan(Math.min(...reported));
	const slowest = Math.max(...sim.tasks.map((task) => task.finishesAt - task.createdAt));
	expect(Math.max(...reported) - Math.min(...created)).toBeLessThan(slowest + 3_000);
});

it("reports a failed task as an error naming the task id and the provider's reason", async () => {
	sim = await startSimulator({ provider: 'aimlApi', latency: { meanMs: 300 } });
	sim.setTaskOutcome('next', {
		status: 'failed',
		reason: 'The image was rejected by content moderation',
	});
	const run = await runKling(sim, { nodes: [generate()], input: items(1) }).result;

	const taskId = sim.tasks[0].id;
	expect(run.status).toBe('error');
	expect(run.error?.message).toBe(
		`Task ${taskId} failed at AI/ML API: The image was rejected by content moderation (GenerationError) [item 0]`,
	);
	expect(run.error?.description).toContain('submit the item again');
	expect(sim.submissions()).toBe(1);
});

it('gives up at the timeout, naming the task and how to pick it up later', async () => {
	sim = await startSimulator({ provider: 'gmiCloud', latency: { meanMs: 600_000 } });
	const started = Date.now();
	const run = await runKling(sim, {
		nodes: [generate({ waitOptions: { timeoutSeconds: 2 } })],
		input: items(1),
	}).result;

	const taskId = sim.tasks[0].id;
	expect(Date.now() - started).toBeLessThan(10_000);
	expect(run.error?.message).toBe(`Task ${taskId} did not finish within 2 s [item 0]`);
	expect(run.error?.description).toContain('may still be running at GMI Cloud');
	expect(run.error?.description).toContain(`"Wait for Completion" operation and task id ${taskId}`);
});

it('stops waiting as soon as the execution is stopped, and sends nothing afterwards', async () => {
	sim = await startSimulator({ provider: 'novita', latency: { meanMs: 600_000 } });
	const running = runKling(sim, { nodes: [generate()], input: items(3) });
	while (statusRequests(sim).length < 1) await sleep(50);

	const stoppedAt = Date.now();
	running.cancel();
	const run = await running.result;
	expect(Date.now() - stoppedAt).toBeLessThan(1_000);
	expect(run.status).toBe('canceled');

	// Requests already on the wire at the stop may still land; nothing may be sent after it.
	await sleep(7_000);
	expect(sim.requests.filter((request) => request.at > stoppedAt + 250)).toEqual([]);
});

it("stops waiting when the workflow's execution timeout fires, like EXECUTIONS_TIMEOUT", async () => {
	sim = await startSimulator({ provider: 'aimlApi', latency: { meanMs: 600_000 } });
	const started = Date.now();
	const run = await runKling(sim, {
		nodes: [generate()],
		input: items(2),
		executionTimeoutMs: 6_000,
	}).result;

	expect(run.timedOut).toBe(true);
	expect(Date.now() - started).toBeLessThan(7_000);
	expect(statusRequests(sim).length).toBeGreaterThan(0);
	await sleep(5_000);
	expect(sim.requests.filter((request) => request.at > started + 6_250)).toEqual([]);
});

it('rides out 429 and 5xx storms while polling, honouring Retry-After, without a second submission', async () => {
	sim = await startSimulator({
		provider: 'highwayApi',
		videoBytes: 2048,
		latency: { meanMs: 3_000, spread: 0.2, seed: 2 },
	});
	sim.faults.next('status', { type: 'http', status: 429, retryAfterSeconds: 2 }, 4);
	sim.faults.next('status', { type: 'http', status: 503 }, 3);
	sim.faults.next('status', { type: 'htmlPage', status: 502 }, 2);
	sim.faults.next('status', { type: 'malformedJson' }, 2);
	const run = await runKling(sim, { nodes: [generate()], input: items(4) }).result;

	expect(run.error).toBeUndefined();
	const output = run.output('Kling');
	expect(output.map((item) => item.json.status)).toEqual([
		'succeeded',
		'succeeded',
		'succeeded',
		'succeeded',
	]);
	for (const item of output) expect(await run.readBinary(item)).toEqual(expectedVideoBytes(2048));
	expect(sim.submissions()).toBe(4);

	const polls = statusRequests(sim);
	for (const throttled of polls.filter((request) => request.status === 429)) {
		const tooSoon = polls.filter(
			(request) => request.at > throttled.at + 100 && request.at < throttled.at + 1_900,
		);
		expect(tooSoon).toEqual([]);
	}
});
