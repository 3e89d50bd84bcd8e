import { TERMINAL_STATUSES, type TaskSnapshot } from '../../nodes/KlingImageToVideo/providers';
import type { TaskHints } from '../../nodes/KlingImageToVideo/waiting/poller';
import { VirtualProvider, virtualPoller } from '../support/virtualProvider';

/**
 * `checkAfterSeconds` and the hold of Wait for Completion, in virtual time: the durable loop
 * (Submit Task → Wait node → Wait for Completion holding at most a minute → back to the Wait node)
 * as n8n would run it, each round a new run of the node that knows only what the items carry.
 */

/** n8n's Wait node keeps an execution in memory below 65 s (it compares the time left, a few ms under its input). */
const PARKS_FROM_SECONDS = 66;
const HINTS: TaskHints = { model: 'v2.1', mode: 'standard', duration: 5 };

/** Lets the fake clock run until the promise settles. */
async function settle<T>(promise: Promise<T>): Promise<T> {
	let settled = false;
	const watched = promise.finally(() => (settled = true));
	watched.catch(() => undefined);
	while (!settled) await jest.advanceTimersByTimeAsync(100);
	return await watched;
}

const isDone = (snapshot?: TaskSnapshot) =>
	snapshot !== undefined && TERMINAL_STATUSES.includes(snapshot.status);

interface LoopFigures {
	/** What each Wait node was fed: Submit Task's value, then each round's. */
	waits: number[];
	/** Runs of Wait for Completion. */
	rounds: number;
	/** Status requests per task, all rounds together. */
	pollsPerTask: number;
	lagP50Ms: number;
	lagP95Ms: number;
}

/**
 * Submits tasks with the given latencies, then goes round the loop until every task is done:
 * Wait checkAfterSeconds (the first item's value, as n8n's Wait node reads it) → Wait for
 * Completion holding at most `holdMs`, passing on the unfinished items with what they carry.
 */
async function durableLoop(
	provider: VirtualProvider,
	latencies: number[],
	holdMs = 60_000,
): Promise<LoopFigures> {
	const submittedAt = Date.now();
	const hints = { ...HINTS, submittedAt };
	const submit = virtualPoller(provider);
	let pending = latencies.map((latency, index) =>
		submit.track(provider.addTask(`task-${index}`, latency).id, index, hints),
	);
	const waits = [submit.checkAfterSeconds(pending)];
	let rounds = 0;
	while (pending.length > 0) {
		await jest.advanceTimersByTimeAsync(waits[waits.length - 1] * 1000);
		rounds++;
		const run = virtualPoller(provider);
		const holdUntil = Date.now() + holdMs;
		const tasks = pending.map((task) => run.track(task.taskId, task.itemIndex, hints, submittedAt));
		const answers = await settle(
			Promise.all(tasks.map(async (task) => await run.waitAtMostUntil(task, holdUntil))),
		);
		pending = tasks.filter((_, index) => !isDone(answers[index]));
		if (pending.length > 0) waits.push(run.checkAfterSeconds(pending));
	}
	const figures = provider.figures();
	return {
		waits,
		rounds,
		pollsPerTask: figures.pollsPerTask,
		lagP50Ms: figures.lagP50Ms,
		lagP95Ms: figures.lagP95Ms,
	};
}

function latencies(provider: VirtualProvider, count: number, meanMs: number, spread: number) {
	return Array.from({ length: count }, () => meanMs * (1 + spread * (2 * provider.random() - 1)));
}

describe('checkAfterSeconds (virtual time)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-21T08:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	it('right after submission, Kling is far from done: at least 66 s, so a Wait node parks the execution', () => {
		for (const reportsEta of [true, false]) {
			const poller = virtualPoller(new VirtualProvider({ reportsEta, etaNoise: 0, seed: 1 }));
			const task = poller.track('t', 0, { ...HINTS, submittedAt: Date.now() });
			expect(poller.checkAfterSeconds([task])).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		}
	});

	it('a longer kind of task is first worth a look later: a 10 s Master video waits longer than a 5 s Standard one', () => {
		const poller = virtualPoller(new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 1 }));
		const submittedAt = Date.now();
		const standard = poller.track('a', 0, { ...HINTS, submittedAt });
		const master = poller.track('b', 1, {
			model: 'v2.1',
			mode: 'master',
			duration: 10,
			submittedAt,
		});
		expect(poller.checkAfterSeconds([master])).toBeGreaterThan(
			poller.checkAfterSeconds([standard]) + 30,
		);
		// Several items go to one Wait node together: the value is the soonest of them.
		expect(poller.checkAfterSeconds([master, standard])).toBe(poller.checkAfterSeconds([standard]));
	});

	it("follows the provider's eta: far from the finish, aims a little before it (and parks); within half a minute, the exact wait", async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0, seed: 1 });
		const poller = virtualPoller(provider);
		const submittedAt = Date.now();
		const far = poller.track(provider.addTask('far', 400_000).id, 0, { ...HINTS, submittedAt });
		const near = poller.track(provider.addTask('near', 90_000).id, 1, { ...HINTS, submittedAt });
		await jest.advanceTimersByTimeAsync(70_000);
		await settle(Promise.all([poller.checkOnce(far), poller.checkOnce(near)]));

		const farSeconds = poller.checkAfterSeconds([far]);
		expect(farSeconds).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		expect(farSeconds).toBeGreaterThan(250); // 330 s left, the eta's error allowed for
		expect(farSeconds).toBeLessThanOrEqual(330);
		// 20 s left: the in-memory schedule's next look, a little before the predicted finish.
		const nearSeconds = poller.checkAfterSeconds([near]);
		expect(nearSeconds).toBeGreaterThanOrEqual(15);
		expect(nearSeconds).toBeLessThanOrEqual(21);
		// Together (one Wait node for both), they park: the far task would keep the next round in
		// memory for its whole hold, and the round after it, and so on.
		expect(poller.checkAfterSeconds([far, near])).toBe(PARKS_FROM_SECONDS);
	});

	it('a task that outlived its own eta, or whose start is unknown, is looked at again after the shortest park', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0, seed: 1 });
		const poller = virtualPoller(provider);
		const late = provider.addTask('late', 60_000);
		const tracked = poller.track(late.id, 0, { ...HINTS, submittedAt: Date.now() });
		await jest.advanceTimersByTimeAsync(50_000);
		await settle(poller.checkOnce(tracked)); // eta 10 s
		// ...but it is stuck: still processing, the eta saying it is due.
		provider.fetchStatus = async (taskId) => ({
			kind: 'snapshot',
			snapshot: { taskId, status: 'processing', etaSeconds: 0, progress: 99 },
		});
		await jest.advanceTimersByTimeAsync(30_000);
		await settle(poller.checkOnce(tracked));
		expect(poller.checkAfterSeconds([tracked])).toBe(PARKS_FROM_SECONDS);

		const handTyped = new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 1 });
		const other = virtualPoller(handTyped);
		const unknown = other.track(handTyped.addTask('typed-in', 900_000).id, 0, {});
		await settle(other.checkOnce(unknown));
		expect(other.checkAfterSeconds([unknown])).toBe(PARKS_FROM_SECONDS);
	});

	it('is 0 for a task that has ended', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0, seed: 1 });
		const poller = virtualPoller(provider);
		const task = poller.track(provider.addTask('quick', 1_000).id, 0, { submittedAt: Date.now() });
		await jest.advanceTimersByTimeAsync(2_000);
		expect((await settle(poller.checkOnce(task))).status).toBe('succeeded');
		expect(poller.checkAfterSeconds([task])).toBe(0);
	});
});

describe('the durable loop: Submit Task → Wait → Wait for Completion holding 60 s → back (virtual time)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-21T08:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	it("with the provider's eta: 20 tasks of 5 min ±30% finish in a few rounds, every wait parked, most seen at once", async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0.1, seed: 21 });
		const figures = await durableLoop(provider, latencies(provider, 20, 300_000, 0.3));
		// Their finishes spread over 3 minutes: never all near at once, so every wait parks.
		for (const wait of figures.waits) expect(wait).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		expect(figures.rounds).toBeLessThanOrEqual(4);
		expect(figures.pollsPerTask).toBeLessThanOrEqual(5);
		// Rounds start a little before the eta's first finishes: most are seen during a hold...
		expect(figures.lagP50Ms).toBeLessThanOrEqual(2_000);
		// ...the others when the park ends, at most 66 s late.
		expect(figures.lagP95Ms).toBeLessThanOrEqual(70_000);
	});

	it('a single task whose eta ends just after the hold is looked at again at once, in memory', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0, seed: 23 });
		const figures = await durableLoop(provider, [140_000]);
		// 66 s parked, held until 126 s, then the exact wait for its finish at 140 s.
		expect(figures.waits[0]).toBe(PARKS_FROM_SECONDS);
		expect(figures.waits[1]).toBeLessThanOrEqual(15);
		expect(figures.rounds).toBe(2);
		expect(figures.lagP95Ms).toBeLessThanOrEqual(2_000);
	});

	it('without an eta: 20 tasks of 5 min ±30% cost fewer requests than a 10 s loop (~31 per task)', async () => {
		const provider = new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 22 });
		const figures = await durableLoop(provider, latencies(provider, 20, 300_000, 0.3));
		for (const wait of figures.waits) expect(wait).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
		expect(figures.pollsPerTask).toBeLessThanOrEqual(14);
		// Finishes during a park are seen when it ends: up to 66 s late.
		expect(figures.lagP95Ms).toBeLessThanOrEqual(70_000);
	});
});

describe('Wait for Completion holding at most a while (virtual time)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-21T08:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	it('hands a task on as last seen when the hold ends, without an extra request, and returns finished ones', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0, seed: 1 });
		const poller = virtualPoller(provider);
		const submittedAt = Date.now();
		const quick = poller.track(provider.addTask('quick', 20_000).id, 0, { submittedAt });
		const slow = poller.track(provider.addTask('slow', 600_000).id, 1, { submittedAt });
		const holdUntil = Date.now() + 60_000;
		const [quickAnswer, slowAnswer] = await settle(
			Promise.all([
				poller.waitAtMostUntil(quick, holdUntil),
				poller.waitAtMostUntil(slow, holdUntil),
			]),
		);
		expect(quickAnswer?.status).toBe('succeeded');
		expect(slowAnswer?.status).toBe('processing');
		expect(Date.now()).toBeLessThanOrEqual(holdUntil + 100);
		const slowPolls = provider.tasks.get('slow')!.pollTimes;
		expect(slowPolls.every((at) => at < holdUntil)).toBe(true);
	});

	it('counts the timeout from the submission across rounds: a stuck task fails at its first look once it is past', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0, seed: 1 });
		const stuck = provider.addTask('stuck', 10 * 3_600_000);
		const submittedAt = Date.now();
		await jest.advanceTimersByTimeAsync(1_000_000); // rounds went by
		const poller = virtualPoller(provider, { timeoutMs: 900_000 });
		const task = poller.track(stuck.id, 2, { submittedAt }, submittedAt);
		const failure = settle(poller.waitAtMostUntil(task, Date.now() + 60_000)).catch(
			(error: Error & { description?: string }) => error,
		);
		const error = (await failure) as Error & { description: string };
		expect(error.message).toBe('Task stuck did not finish within 900 s [item 2]');
		expect(error.description).toContain('counts from 2026-11-21T08:00:00.000Z');
		// One last look first: a task that finished during the last park is not failed.
		expect(stuck.polls).toBe(1);
	});
});
