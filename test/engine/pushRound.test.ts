import { sleep, type IDataObject, type INodeExecutionData } from 'n8n-workflow';

import { startCallbackReceiver, type CallbackReceiver } from '../support/callbackReceiver';
import { startSimulator, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests } from './kling';

/**
 * A round of the push loop (Wait for Completion with "Woken By" after a Wait node resumed by the
 * provider's call): Submit Task tags each item's Callback URL, the round asks about the task the
 * call names (never taking the call's word for it) and the tasks due by their own schedule, and
 * hands the rest on at once. The loop itself, woken by real calls to n8n, runs in test/e2e/push.
 */

let sim: Simulator;
let receiver: CallbackReceiver;
beforeEach(async () => {
	receiver = await startCallbackReceiver();
	// Tasks of ten minutes: nothing ends unless the test ends it.
	sim = await startSimulator({ provider: 'novita', latency: { meanMs: 600_000 } });
});
afterEach(async () => {
	await sim.close();
	await receiver.close();
});

const COUNT = 12;
/** Three per batch, or a tenth: the first round asks about these only. */
const SENTINELS = 3;

const items = (count: number) =>
	Array.from({ length: count }, (_, index) => ({ json: { imageUrl: `${IMAGE_URL}?n=${index}` } }));

async function submitted(): Promise<INodeExecutionData[]> {
	const node = klingNode(
		sim,
		{
			operation: 'submit',
			imageUrl: '={{ $json.imageUrl }}',
			options: { callbackUrl: receiver.expression },
		},
		{},
		'Submit',
	);
	const run = await runKling(sim, { nodes: [node], input: items(COUNT) }).result;
	expect(run.error).toBeUndefined();
	return run.output('Submit');
}

/** One round of Wait for Completion over `input`, woken by a call whose query is `query`. */
async function round(
	input: INodeExecutionData[],
	query: IDataObject | string | undefined,
	holdAtMostSeconds = 60,
	moreWaitOptions: IDataObject = {},
) {
	// Indented: a JSON object ending in "}}" would end the expression early.
	const wokenBy = query === undefined ? '' : `={{ ${JSON.stringify(query, null, 1)} }}`;
	const node = klingNode(
		sim,
		{
			operation: 'waitForCompletion',
			downloadVideo: false,
			waitOptions: {
				holdAtMostSeconds,
				stillRunningAfterHold: 'passOn',
				timeoutSeconds: 1800,
				wokenBy,
				...moreWaitOptions,
			},
		},
		{},
		'Check',
	);
	const before = statusRequests(sim).length;
	const startedAt = Date.now();
	const run = await runKling(sim, {
		nodes: [node],
		input: input.map(({ json }) => ({ json })),
	}).result;
	expect(run.error).toBeUndefined();
	const asked = statusRequests(sim)
		.slice(before)
		.map((request) => request.path + JSON.stringify(request.query));
	return { output: run.output('Check'), asked, seconds: (Date.now() - startedAt) / 1000 };
}

const taskIdOf = (item: INodeExecutionData) => item.json.taskId as string;
const askedAbout = (asked: string[], item: INodeExecutionData) =>
	asked.filter((request) => request.includes(taskIdOf(item))).length;

describe('Submit Task tags the Callback URL of each item', () => {
	it('every item carries its own tag, the one its call will name', async () => {
		const output = await submitted();
		const tags = output.map((item) => item.json.callbackTag);
		expect(new Set(tags).size).toBe(COUNT);
		for (const [index, task] of sim.tasks.entries()) {
			const url = (task.body as { extra: { webhook: { url: string } } }).extra.webhook.url;
			const item = output.find((entry) => entry.json.taskId === task.id)!;
			expect([index, url]).toEqual([index, `${receiver.url}&klingTag=${item.json.callbackTag}`]);
		}
	});
});

describe('a round of the push loop', () => {
	it('the first round asks about the sentinels only, and hands every task on at once', async () => {
		const { output, asked, seconds } = await round(await submitted(), undefined);

		expect(asked).toHaveLength(SENTINELS);
		expect(seconds).toBeLessThan(20);
		expect(output).toHaveLength(COUNT);
		for (const [index, item] of output.entries()) {
			expect(item.pairedItem).toEqual({ item: index });
			expect(item.json).toMatchObject({
				done: false,
				callbackTag: expect.stringMatching(/^n8n-/),
				nextCheckAt: expect.stringMatching(/^\d{4}-/),
				checkAfterSeconds: expect.any(Number),
			});
		}
		// Nothing can be ready within a minute of a ten-minute task: the execution parks.
		expect(output[0].json.checkAfterSeconds).toBeGreaterThanOrEqual(66);
	});

	it('a call naming a task that ended: one status request, for that task, and its video', async () => {
		const first = await round(await submitted(), undefined);
		const named = first.output[7];
		sim.finishNow(taskIdOf(named));

		const { output, asked } = await round(first.output, { klingTag: named.json.callbackTag });

		expect(asked).toHaveLength(1);
		expect(askedAbout(asked, named)).toBe(1);
		expect(output[7].json).toMatchObject({ taskId: taskIdOf(named), done: true });
		expect(output[7].json.videoUrl).toEqual(expect.any(String));
		expect(output.filter((item) => item.json.done === false)).toHaveLength(COUNT - 1);
		expect(output.map((item) => item.pairedItem)).toEqual(
			Array.from({ length: COUNT }, (_, item) => ({ item })),
		);
	});

	it('the whole call as Woken By (query, headers, body) works as its query alone', async () => {
		const first = await round(await submitted(), undefined);
		const named = first.output[4];
		sim.finishNow(taskIdOf(named));
		const call = {
			headers: { 'content-type': 'application/json' },
			query: { signature: 'resume-token', klingTag: named.json.callbackTag },
			body: { event_type: 'ASYNC_TASK_RESULT' },
		};

		const { output, asked } = await round(first.output, call);

		expect(asked).toHaveLength(1);
		expect(output[4].json.done).toBe(true);
	});

	it("the call's body is never believed: a call naming a task still running costs one request, and the task goes on", async () => {
		const first = await round(await submitted(), undefined);
		const named = first.output[9];

		const { output, asked } = await round(first.output, { klingTag: named.json.callbackTag });

		expect(asked).toHaveLength(1);
		expect(output.every((item) => item.json.done === false)).toBe(true);
	});

	it('a forged tag costs no status request; a forged call without one neither', async () => {
		const first = await round(await submitted(), undefined);

		const forged = await round(first.output, { klingTag: 'n8n-forged-0-abcdefgh' });
		const bare = await round(forged.output, { signature: 'whatever' });

		expect(forged.asked).toEqual([]);
		expect(bare.asked).toEqual([]);
		expect(bare.output.every((item) => item.json.done === false)).toBe(true);
		// The schedule is not pushed back by calls: each task keeps its own next check.
		expect(bare.output.map((item) => item.json.nextCheckAt)).toEqual(
			first.output.map((item) => item.json.nextCheckAt),
		);
	});

	it('a task due by its own schedule is asked about without a call; found ended, the loop stops trusting calls and goes on as the durable loop', async () => {
		const first = await round(await submitted(), undefined);
		// Item 5 has passed its expected finish without a call (its call was lost).
		const input = first.output.map((item, index) =>
			index === 5
				? { ...item, json: { ...item.json, nextCheckAt: new Date().toISOString() } }
				: item,
		);
		sim.finishNow(taskIdOf(input[5]));

		const noticed = await round(input, undefined);
		expect(noticed.asked).toHaveLength(1);
		expect(noticed.output[5].json.done).toBe(true);
		const left = noticed.output.filter((item) => item.json.done === false);
		expect(left).toHaveLength(COUNT - 1);
		for (const item of left)
			expect(item.json).toMatchObject({ callbacksMissed: true, checkAfterSeconds: 1 });

		// The next round is the durable loop's: the tasks followed by their schedule for the hold.
		const durable = await round(left, undefined, 8);
		expect(durable.seconds).toBeGreaterThanOrEqual(8);
		expect(durable.asked.length).toBeGreaterThanOrEqual(SENTINELS);
		expect(durable.output.every((item) => item.json.nextCheckAt === undefined)).toBe(true);
		expect(durable.output.every((item) => item.json.callbacksMissed === true)).toBe(true);
	});
});

describe('tasks with an eta of their own (Novita reports one)', () => {
	const simTaskOf = (item: INodeExecutionData) =>
		sim.tasks.find((task) => task.id === taskIdOf(item))!;
	const checkIn = (item: INodeExecutionData) =>
		(Date.parse(item.json.nextCheckAt as string) - Date.now()) / 1000;

	it('a sharp eta is asked about just after it, a vague one where the task may first finish; tasks never asked, short of the earliest finish their class allows', async () => {
		const tasks = await submitted();
		simTaskOf(tasks[0]).finishesAt = Date.now() + 5_000;

		const { output, asked } = await round(tasks, undefined);

		expect(asked).toHaveLength(SENTINELS);
		// Item 0: eta 5 s (error under a second): asked 1.5 s after it, unless its call comes first.
		expect(checkIn(output[0])).toBeGreaterThan(5);
		expect(checkIn(output[0])).toBeLessThan(8);
		// Item 1: eta ten minutes, off by a minute or so: asked again where it may first finish.
		expect(checkIn(output[1])).toBeGreaterThan(400);
		expect(checkIn(output[1])).toBeLessThan(600);
		// Never asked: first asked before the earliest finish item 0's eta allows (4.3 s).
		for (const item of output.slice(SENTINELS)) {
			expect(checkIn(item)).toBeGreaterThan(2);
			expect(checkIn(item)).toBeLessThan(4.3);
			expect(item.json.expectedFinishAt).toBeUndefined();
		}
		expect(output[0].json.expectedFinishAt).toEqual(expect.stringMatching(/^\d{4}-/));
		expect(output[0].json.checkAfterSeconds).toBeLessThanOrEqual(4);
	});

	it('a task still running past its latest plausible finish is asked again no sooner than it is overdue', async () => {
		const first = await round(await submitted(), undefined);
		const input = first.output.map((item, index) =>
			index === 0
				? {
						...item,
						json: {
							...item.json,
							nextCheckAt: new Date().toISOString(),
							expectedFinishAt: new Date(Date.now() - 30_000).toISOString(),
						},
					}
				: item,
		);
		// Its eta says two seconds, as an eta stuck near zero would each time.
		simTaskOf(first.output[0]).finishesAt = Date.now() + 2_000;

		const { output, asked } = await round(input, undefined);

		expect(asked).toHaveLength(1);
		expect(checkIn(output[0])).toBeGreaterThan(28);
		expect(output[0].json.expectedFinishAt).toBe(input[0].json.expectedFinishAt);
	});

	it("a call n8n refused is caught by the next round anyone's call starts; then a round asks only the tasks named or due", async () => {
		const tasks = await submitted();
		simTaskOf(tasks[0]).finishesAt = Date.now() + 3_000;
		const first = await round(tasks, undefined);
		// Item 0 ends; its call is refused (409) while a round runs. Item 1's call comes next.
		await sleep(5_500);

		const woken = await round(first.output, { klingTag: first.output[1].json.callbackTag });

		// Item 1 (named), item 0 (past its eta) and, for their first eta, the tasks never asked.
		expect(woken.asked).toHaveLength(COUNT - 1);
		expect(askedAbout(woken.asked, tasks[2])).toBe(0);
		expect(woken.output[0].json).toMatchObject({ done: true, videoUrl: expect.any(String) });
		const left = woken.output.filter((item) => item.json.done === false);
		expect(left).toHaveLength(COUNT - 1);
		expect(left.some((item) => item.json.callbacksMissed === true)).toBe(false);
		expect(left[0].json.checkAfterSeconds).toBeGreaterThan(60);

		// Every task now waits on its own eta: a call naming nothing asks nothing, one naming a task asks it.
		const forged = await round(left, { klingTag: 'n8n-forged-0-abcdefgh' });
		expect(forged.asked).toEqual([]);
		const named = await round(forged.output, { klingTag: left[4].json.callbackTag });
		expect(named.asked).toHaveLength(1);
		expect(askedAbout(named.asked, left[4])).toBe(1);
	});
});

describe('once a call has named a task that had ended', () => {
	it('a due task found ended is only a late call: delivered, and the loop keeps going by calls', async () => {
		const first = await round(await submitted(), undefined);
		sim.finishNow(taskIdOf(first.output[6]));
		const called = await round(first.output, { klingTag: first.output[6].json.callbackTag });
		const left = called.output.filter((item) => item.json.done === false);
		expect(left.every((item) => item.json.callbacksArrived === true)).toBe(true);

		// Item 0 of the rest passed its expected finish, its call lost.
		const input = left.map((item, index) =>
			index === 0
				? { ...item, json: { ...item.json, nextCheckAt: new Date().toISOString() } }
				: item,
		);
		sim.finishNow(taskIdOf(input[0]));
		const late = await round(input, undefined);

		expect(late.asked).toHaveLength(1);
		expect(late.output[0].json.done).toBe(true);
		const still = late.output.filter((item) => item.json.done === false);
		expect(still).toHaveLength(COUNT - 2);
		expect(still.some((item) => item.json.callbacksMissed === true)).toBe(false);
		expect(still[0].json.checkAfterSeconds).toBeGreaterThan(1);
	});
});

describe('without Woken By', () => {
	it('a round holds and asks as the durable loop does, and carries the tags on', async () => {
		const tasks = await submitted();
		const node = klingNode(
			sim,
			{
				operation: 'waitForCompletion',
				downloadVideo: false,
				waitOptions: { holdAtMostSeconds: 3, stillRunningAfterHold: 'passOn' },
			},
			{},
			'Check',
		);
		const startedAt = Date.now();
		const run = await runKling(sim, {
			nodes: [node],
			input: tasks.map(({ json }) => ({ json })),
		}).result;

		expect(run.error).toBeUndefined();
		expect(Date.now() - startedAt).toBeGreaterThanOrEqual(3000);
		const output = run.output('Check');
		expect(output.map((item) => item.json.callbackTag)).toEqual(
			tasks.map((item) => item.json.callbackTag),
		);
		expect(output.every((item) => item.json.nextCheckAt === undefined)).toBe(true);
	});
});

describe('where the route reports no eta (fal.ai)', () => {
	it('a round woken by a call asks about every task due, as without Woken By: a refused call costs no lateness', async () => {
		await sim.close();
		sim = await startSimulator({ provider: 'fal', latency: { meanMs: 600_000 } });
		// Submitted five minutes ago, as the loop's items are by the time videos finish: all due.
		const submittedAt = new Date(Date.now() - 300_000).toISOString();
		const input: INodeExecutionData[] = (await submitted()).map((item) => ({
			...item,
			json: { ...item.json, submittedAt },
		}));
		const named = input[4];
		const { output, asked } = await round(input, { klingTag: named.json.callbackTag as string }, 3);
		for (const item of input) expect(askedAbout(asked, item)).toBeGreaterThanOrEqual(1);
		expect(output).toHaveLength(COUNT);
		expect(output.every((item) => item.json.done === false)).toBe(true);
	});

	it("with 'Calls Come Through a Relay' a round asks about the task its call names and the first round's sentinels, not every task", async () => {
		await sim.close();
		sim = await startSimulator({ provider: 'fal', latency: { meanMs: 600_000 } });
		const first = await round(await submitted(), undefined, 60, { callbacksRelayed: true });
		expect(first.asked).toHaveLength(SENTINELS);
		expect(first.seconds).toBeLessThan(20);
		const named = first.output[7];
		sim.finishNow(taskIdOf(named));
		const { output, asked } = await round(
			first.output,
			{ klingTag: named.json.callbackTag as string },
			60,
			{ callbacksRelayed: true },
		);
		expect(asked).toHaveLength(1);
		expect(askedAbout(asked, named)).toBe(1);
		expect(output.find((item) => item.json.taskId === named.json.taskId)?.json).toMatchObject({
			status: 'succeeded',
			done: true,
		});
		expect(output.filter((item) => item.json.done === false)).toHaveLength(COUNT - 1);
	});
});
