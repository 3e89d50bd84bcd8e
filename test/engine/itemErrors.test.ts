import { sleep } from 'n8n-workflow';

import { startSimulator, type Simulator } from '../../tools/simulators';
import { klingNode, runKling, submitRequests } from './kling';

/** Each input item comes out as exactly one output item, whatever happened to the others. */

let sim: Simulator;
afterEach(async () => await sim?.close());

const input = [
	{ json: { name: 'good-1', url: 'https://images.example.com/1.png' } },
	{ json: { name: 'bad-url', url: 'ftp://images.example.com/2.png' } },
	{ json: { name: 'fails-at-provider', url: 'https://images.example.com/3.png' } },
	{ json: { name: 'good-2', url: 'https://images.example.com/4.png' } },
];

const generate = (settings = {}) =>
	klingNode(sim, { operation: 'generate', imageUrl: '={{ $json.url }}' }, settings);

async function startMixedBatch() {
	sim = await startSimulator({ provider: 'novita', latency: { meanMs: 400 } });
	// Tasks are numbered in submission order; the bad URL is never submitted, so item 2 makes task 1.
	sim.setTaskOutcome({ index: 1 }, { status: 'failed', reason: 'NSFW content detected' });
}

it('with Continue On Fail, good items succeed and failed ones carry the error, task id and provider', async () => {
	await startMixedBatch();
	const run = await runKling(sim, {
		nodes: [generate({ onError: 'continueRegularOutput' })],
		input,
	}).result;

	expect(run.error).toBeUndefined();
	const output = run.output('Kling');
	expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3].map((item) => ({ item })));
	const [first, badUrl, failedTask, second] = output;
	expect(first.json).toMatchObject({ provider: 'novita', status: 'succeeded' });
	expect(second.json).toMatchObject({ provider: 'novita', status: 'succeeded' });
	expect(first.binary?.data).toBeDefined();
	expect(badUrl.json).toEqual({
		error:
			'"Image URL" must start with http:// or https:// (the provider downloads it), not ftp: [item 1]',
		errorDescription: expect.stringContaining('Binary'),
		provider: 'novita',
	});
	expect(failedTask.json).toEqual({
		error: `Task ${sim.tasks[1].id} failed at Novita AI: NSFW content detected (TASK_STATUS_FAILED) [item 2]`,
		errorDescription: expect.any(String),
		provider: 'novita',
		taskId: sim.tasks[1].id,
		status: 'failed',
	});
	expect(submitRequests(sim)).toHaveLength(3);
});

it('with the error output, failed items go there, paired to their input, the task under details', async () => {
	await startMixedBatch();
	const run = await runKling(sim, { nodes: [generate({ onError: 'continueErrorOutput' })], input })
		.result;

	expect(run.output('Kling', 0).map((item) => item.json.taskId)).toEqual([
		sim.tasks[0].id,
		sim.tasks[2].id,
	]);
	const errors = run.output('Kling', 1);
	expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 1 }, { item: 2 }]);
	expect(errors.map((item) => item.json.name)).toEqual(['bad-url', 'fails-at-provider']);
	expect(errors[1].json).toMatchObject({
		error: expect.stringContaining(`Task ${sim.tasks[1].id} failed`),
		details: { provider: 'novita', taskId: sim.tasks[1].id, status: 'failed' },
	});
});

it('without Continue On Fail, a bad item stops the run before anything is submitted', async () => {
	await startMixedBatch();
	const run = await runKling(sim, { nodes: [generate()], input }).result;

	expect(run.error?.message).toContain('[item 1]');
	expect(sim.requests).toEqual([]);
});

it('without Continue On Fail, a failed task stops the others at once and names the tasks still running', async () => {
	sim = await startSimulator({
		provider: 'novita',
		latency: (index) => (index === 1 ? 300 : 600_000),
	});
	sim.setTaskOutcome({ index: 1 }, { status: 'failed', reason: 'internal error' });
	const started = Date.now();
	const run = await runKling(sim, { nodes: [generate()], input: [input[0], input[2], input[3]] })
		.result;

	expect(Date.now() - started).toBeLessThan(15_000);
	expect(run.error?.message).toBe(
		`Task ${sim.tasks[1].id} failed at Novita AI: internal error (TASK_STATUS_FAILED) [item 1]`,
	);
	expect(run.error?.description).toContain(`item 0: ${sim.tasks[0].id}`);
	expect(run.error?.description).toContain(`item 2: ${sim.tasks[2].id}`);
	const requestsAtEnd = sim.requests.length;
	await sleep(6_000);
	expect(sim.requests.length).toBe(requestsAtEnd);
});
