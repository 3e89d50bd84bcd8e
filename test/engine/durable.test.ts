import { NodeConnectionTypes, sleep } from 'n8n-workflow';
import type { INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { KlingImageToVideo } from '../../nodes/KlingImageToVideo/KlingImageToVideo.node';
import { connect, HARNESS_TRIGGER_NODE_NAME } from '../support/engine';
import {
	scriptedAgent,
	toolVariantOf,
	type ToolCallPath,
	type ToolCallResult,
} from '../support/engine/scripted-agent';
import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests } from './kling';

/**
 * The pieces of the durable loop (Submit Task → n8n's Wait node → Wait for Completion holding at
 * most a while → IF done → back to the Wait node) inside n8n's engine: what Submit Task and Get
 * Status tell the Wait node, and how Wait for Completion ends a hold. The loop itself, parked in
 * n8n's database across a restart, runs in the end-to-end suite.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

/** n8n's Wait node parks an execution in the database from 65 s (66 to be safe: n8n's own threshold is 65 s). */
const PARKS_FROM_SECONDS = 66;
const VIDEO_BYTES = 3_000;

const items = (count: number) =>
	Array.from({ length: count }, (_, index) => ({ json: { imageUrl: `${IMAGE_URL}?n=${index}` } }));
const submitNode = () =>
	klingNode(sim, { operation: 'submit', imageUrl: '={{ $json.imageUrl }}' }, {}, 'Submit');
const waitNode = (waitOptions: INodeParameters, settings = {}) =>
	klingNode(sim, { operation: 'waitForCompletion', waitOptions }, settings, 'Wait');

/** The simulator's task for the image of item `n` (whatever field the provider reads it from). */
const taskOfItem = (n: number) =>
	sim.tasks.find((task) => JSON.stringify(task.body).includes(`"${IMAGE_URL}?n=${n}"`))!;

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await sleep(20);
	}
}

/** Submit Task's output items, from a run of their own (a later run picks them up). */
async function submitted(count: number): Promise<INodeExecutionData[]> {
	const run = await runKling(sim, { nodes: [submitNode()], input: items(count) }).result;
	expect(run.error).toBeUndefined();
	return run.output('Submit');
}

describe('Submit Task and Get Status tell a Wait node how long to wait', () => {
	it('Submit Task: checkAfterSeconds of at least 66 (Kling takes minutes), with what the next round needs', async () => {
		sim = await startSimulator({ provider: 'novita', latency: { meanMs: 600_000 } });
		const output = await submitted(2);
		for (const [index, item] of output.entries()) {
			expect(item.json).toEqual({
				provider: 'novita',
				taskId: taskOfItem(index).id,
				status: 'queued',
				model: 'v2.1',
				mode: 'standard',
				duration: 5,
				submittedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
				checkAfterSeconds: expect.any(Number),
			});
			expect(item.json.checkAfterSeconds).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		}
	});

	it('Get Status: done and 0 for an ended task; done false and checkAfterSeconds for a running one; the hints carried on', async () => {
		sim = await startSimulator({ provider: 'aimlApi', latency: { meanMs: 600_000 } });
		const tasks = await submitted(3);
		sim.finishNow(taskOfItem(0).id);
		sim.setTaskOutcome({ taskId: taskOfItem(2).id }, { status: 'failed', reason: 'Refused' });
		sim.finishNow(taskOfItem(2).id);

		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getStatus' }, {}, 'Status')],
			input: tasks.map(({ json }) => ({ json })),
		}).result;
		expect(run.error).toBeUndefined();
		const [finished, running, failed] = run.output('Status').map((item) => item.json);
		const carried = (index: number) => ({
			model: 'v2.1',
			mode: 'standard',
			duration: 5,
			submittedAt: tasks[index].json.submittedAt,
		});
		expect(finished).toMatchObject({ status: 'succeeded', done: true, checkAfterSeconds: 0 });
		expect(failed).toMatchObject({ status: 'failed', done: true, checkAfterSeconds: 0 });
		expect(running).toMatchObject({ done: false, ...carried(1) });
		expect(['queued', 'processing']).toContain(running.status);
		expect(running.checkAfterSeconds).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		expect(finished).toMatchObject(carried(0));
	});
});

describe('Wait for Completion, holding at most a while', () => {
	it('passes unfinished items on with done false and a fresh checkAfterSeconds; finished ones come with their video; every item stays paired', async () => {
		sim = await startSimulator({
			provider: 'novita',
			latency: { meanMs: 600_000 },
			videoBytes: VIDEO_BYTES,
		});
		const running = runKling(sim, {
			nodes: [submitNode(), waitNode({ holdAtMostSeconds: 8, stillRunningAfterHold: 'passOn' })],
			input: items(3),
		});
		// Two of the three finish while the node holds.
		await until(() => sim.tasks.length === 3);
		sim.finishNow(taskOfItem(0).id);
		sim.finishNow(taskOfItem(2).id);
		const run = await running.result;

		expect(run.error).toBeUndefined();
		const output = run.output('Wait');
		expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2].map((item) => ({ item })));
		for (const index of [0, 2]) {
			expect(output[index].json).toMatchObject({
				taskId: taskOfItem(index).id,
				status: 'succeeded',
				done: true,
			});
			expect(await run.readBinary(output[index])).toEqual(expectedVideoBytes(VIDEO_BYTES));
		}
		const submittedItem = run.output('Submit')[1].json;
		expect(output[1].json).toEqual({
			provider: 'novita',
			taskId: taskOfItem(1).id,
			status: 'processing',
			progress: expect.any(Number),
			done: false,
			checkAfterSeconds: expect.any(Number),
			model: 'v2.1',
			mode: 'standard',
			duration: 5,
			submittedAt: submittedItem.submittedAt,
		});
		expect(output[1].json.checkAfterSeconds).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		expect(output[1].binary).toBeUndefined();

		// The hold bounds the run: it ended about 8 s in, without a last request at the end.
		expect(run.runData.Wait[0].executionTime).toBeLessThan(9_500);
		const polls = statusRequests(sim).filter((request) => request.taskId === taskOfItem(1).id);
		expect(polls.length).toBeGreaterThanOrEqual(1);
		expect(polls.length).toBeLessThanOrEqual(2);
	});

	it('a task that succeeded when the hold ends is not passed on: its late video URL is waited for', async () => {
		sim = await startSimulator({
			provider: 'novita',
			latency: { meanMs: 3_000 },
			videoUrlLate: 2,
			videoBytes: VIDEO_BYTES,
		});
		const run = await runKling(sim, {
			nodes: [submitNode(), waitNode({ holdAtMostSeconds: 5, stillRunningAfterHold: 'passOn' })],
			input: items(1),
		}).result;
		expect(run.error).toBeUndefined();
		const [item] = run.output('Wait');
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		expect(await run.readBinary(item)).toEqual(expectedVideoBytes(VIDEO_BYTES));
	});

	it('by default fails a task still running when the hold ends, naming it and the way round', async () => {
		sim = await startSimulator({ provider: 'gmiCloud', latency: { meanMs: 600_000 } });
		const run = await runKling(sim, {
			nodes: [submitNode(), waitNode({ holdAtMostSeconds: 3 })],
			input: items(1),
		}).result;
		const taskId = sim.tasks[0].id;
		expect(run.error?.message).toBe(
			`Task ${taskId} was still running when the hold of 3 s ended [item 0]`,
		);
		expect(run.error?.description).toContain('It keeps running at GMI Cloud');
		expect(run.error?.description).toContain('Pass It On Unfinished');
		expect(run.runData.Wait[0].executionTime).toBeLessThan(4_500);
	});

	it("passing on, the Timeout counts from the task's submission (or the first round) across rounds: a stuck task fails instead of looping forever", async () => {
		sim = await startSimulator({ provider: 'novita', latency: { meanMs: 3_600_000 } });
		const [old, typedIn, fresh] = await submitted(3);
		const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000).toISOString();
		const input = [
			{ json: { ...old.json, submittedAt: twentyMinutesAgo } },
			// A task id from elsewhere, already round the loop for 20 minutes.
			{ json: { taskId: typedIn.json.taskId, waitingSince: twentyMinutesAgo } },
			{ json: { taskId: fresh.json.taskId } },
		];
		const passOn = { holdAtMostSeconds: 3, stillRunningAfterHold: 'passOn', timeoutSeconds: 900 };
		const run = await runKling(sim, {
			nodes: [waitNode(passOn, { onError: 'continueRegularOutput' })],
			input,
		}).result;

		const [first, second, third] = run.output('Wait').map((item) => item.json);
		for (const [failed, taskId] of [
			[first, old.json.taskId],
			[second, typedIn.json.taskId],
		] as const) {
			expect(failed.error).toBe(
				`Task ${taskId} did not finish within 900 s [item ${failed === first ? 0 : 1}]`,
			);
			expect(failed.errorDescription).toContain(`The timeout counts from ${twentyMinutesAgo}`);
		}
		// A task id without a submission time: the first round notes when it began waiting.
		expect(third).toMatchObject({ taskId: fresh.json.taskId, done: false });
		expect(Date.parse(third.waitingSince as string)).toBeGreaterThan(Date.now() - 60_000);

		// Without passing on, the Timeout counts from the run, as it always did.
		const held = await runKling(sim, {
			nodes: [waitNode({ holdAtMostSeconds: 2, timeoutSeconds: 900 })],
			input: input.slice(0, 1),
		}).result;
		expect(held.error?.message).toContain('was still running when the hold of 2 s ended');
	});
});

describe('as an AI-agent tool, the node never parks: it waits in memory and answers the agent', () => {
	const toolCall = (path: ToolCallPath, parameters: INodeParameters) =>
		runKling(sim, {
			nodeTypes: {
				klingImageToVideoTool: toolVariantOf(new KlingImageToVideo()),
				scriptedAgent: scriptedAgent(
					[{ toolNode: 'Kling Tool', input: { imageUrl: `${IMAGE_URL}?agent` } }],
					path,
				),
			},
			nodes: [
				{ name: 'Agent', type: 'scriptedAgent' },
				{ ...klingNode(sim, parameters, {}, 'Kling Tool'), type: 'klingImageToVideoTool' },
			],
			connections: connect(
				{ from: HARNESS_TRIGGER_NODE_NAME, to: 'Agent' },
				{ from: 'Kling Tool', to: 'Agent', type: NodeConnectionTypes.AiTool },
			),
		}).result;
	// What the model fills: n8n 2.x hands the call's arguments in as the item, 1.x through $fromAI().
	const imageUrl: Record<ToolCallPath, string> = {
		engineRequest: '={{ $json.imageUrl }}',
		langchainTool: "={{ $fromAI('imageUrl', 'The image to animate', 'string') }}",
	};

	it.each(['engineRequest', 'langchainTool'] as const)(
		'Generate Video (%s): the agent gets the finished video, and the execution never waits in the database',
		async (path) => {
			sim = await startSimulator({ provider: 'novita', latency: { meanMs: 5_000 } });
			const run = await toolCall(path, {
				operation: 'generate',
				imageUrl: imageUrl[path],
				downloadVideo: false,
			});
			expect(run.error).toBeUndefined();
			expect(run.status).toBe('success');
			expect(run.run.waitTill).toBeUndefined();
			const [result] = run.output('Agent')[0].json.results as ToolCallResult[];
			expect(result.error).toBeUndefined();
			expect(result.answer).toEqual([
				expect.objectContaining({ taskId: sim.tasks[0].id, status: 'succeeded' }),
			]);
			expect(JSON.stringify(sim.tasks[0].body)).toContain(`${IMAGE_URL}?agent`);
			// It waited the task's 5 s itself, asking in between.
			expect(statusRequests(sim).length).toBeGreaterThanOrEqual(2);
		},
	);
});
