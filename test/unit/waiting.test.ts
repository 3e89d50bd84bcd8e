import { SleepGroup } from '../../nodes/KlingImageToVideo/waiting/abortableSleep';
import { RequestBudget } from '../../nodes/KlingImageToVideo/waiting/requestBudget';
import { VirtualProvider, virtualPoller } from '../support/virtualProvider';

/**
 * The waiting algorithm in virtual time: how many status requests it spends and how late it
 * notices a finished video, for batches shaped like the benchmark's. Real HTTP, the real engine
 * and real time are the engine tests' and the benchmark's job.
 */

/** Submits `count` tasks at once with latencies mean ± spread, and waits for all in virtual time. */
async function waitForBatch(
	provider: VirtualProvider,
	count: number,
	meanMs: number,
	spread: number,
	order: 'random' | 'slowestFirst' = 'random',
) {
	const poller = virtualPoller(provider);
	const latencies = Array.from(
		{ length: count },
		() => meanMs * (1 + spread * (2 * provider.random() - 1)),
	);
	if (order === 'slowestFirst') latencies.sort((a, b) => b - a);
	const waits = latencies.map((latency, index) => {
		const task = provider.addTask(`task-${index}`, latency);
		return poller.waitUntilDone(
			poller.track(task.id, index, { submittedAt: Date.now(), mode: 'standard', duration: 5 }),
		);
	});
	let settled = false;
	const all = Promise.all(waits).finally(() => (settled = true));
	while (!settled) await jest.advanceTimersByTimeAsync(100);
	await all;
	return { ...provider.figures(), requests: poller.requestCount };
}

describe('waiting for many tasks at once (virtual time)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-21T08:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	it("with the provider's eta: 50 tasks of 60 s ±30% cost about 3 requests each and are noticed within 2.5 s", async () => {
		const figures = await waitForBatch(
			new VirtualProvider({ reportsEta: true, etaNoise: 0.1, seed: 7 }),
			50,
			60_000,
			0.3,
		);
		expect(figures.pollsPerTask).toBeLessThanOrEqual(3.05);
		expect(figures.lagP95Ms).toBeLessThanOrEqual(2_500);
		expect(figures.lastSeenDoneAt - figures.slowestFinishAt).toBeLessThanOrEqual(2_000);
	});

	it("with the provider's eta: 100 tasks of 5 min ±30% cost at most 12 requests each, noticed within 5 s", async () => {
		const figures = await waitForBatch(
			new VirtualProvider({ reportsEta: true, etaNoise: 0.1, seed: 11 }),
			100,
			300_000,
			0.3,
		);
		expect(figures.pollsPerTask).toBeLessThanOrEqual(12);
		expect(figures.lagP95Ms).toBeLessThanOrEqual(5_000);
	});

	it('with a noisier eta (±30%): learns how far off it is and still notices within 3.5 s', async () => {
		const figures = await waitForBatch(
			new VirtualProvider({ reportsEta: true, etaNoise: 0.3, seed: 8 }),
			50,
			60_000,
			0.3,
		);
		expect(figures.lagP95Ms).toBeLessThanOrEqual(3_500);
		expect(figures.pollsPerTask).toBeLessThanOrEqual(4);
	});

	it('without an eta: 100 tasks of 5 min cost at most 12 requests each (a 10 s loop: ~31)', async () => {
		const figures = await waitForBatch(
			new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 3 }),
			100,
			300_000,
			0.3,
		);
		expect(figures.pollsPerTask).toBeLessThanOrEqual(12);
		expect(figures.lagP95Ms).toBeLessThanOrEqual(20_000);
	});

	it('without an eta: 50 tasks of 60 s (3.5 times faster than published) are noticed about as fast as by a 10 s loop, even when the first tasks (the scouts) are the slowest', async () => {
		for (const order of ['random', 'slowestFirst'] as const) {
			const figures = await waitForBatch(
				new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 9 }),
				50,
				60_000,
				0.3,
				order,
			);
			// The loop of the benchmark: 6.6 requests per task, lag p95 9.3 s, 5 s after the slowest.
			expect(figures.pollsPerTask).toBeLessThanOrEqual(4.5);
			expect(figures.lagP95Ms).toBeLessThanOrEqual(10_000);
			expect(figures.lastSeenDoneAt - figures.slowestFinishAt).toBeLessThanOrEqual(2_500);
		}
	});

	it('without an eta: a single task is noticed about as fast as by a 10 s loop', async () => {
		const figures = await waitForBatch(
			new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 5 }),
			1,
			200_000,
			0,
		);
		expect(figures.lagP95Ms).toBeLessThanOrEqual(10_000);
	});

	it('stops at once when the execution is cancelled', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0.1, seed: 1 });
		const controller = new AbortController();
		const poller = virtualPoller(provider, { signal: controller.signal });
		const task = provider.addTask('t', 300_000);
		const wait = poller.waitUntilDone(poller.track(task.id, 0, { submittedAt: Date.now() }));
		const outcome = wait.then(
			() => 'finished',
			() => 'stopped',
		);
		await jest.advanceTimersByTimeAsync(10_000);
		const requestsBefore = poller.requestCount;
		controller.abort();
		await jest.advanceTimersByTimeAsync(0);
		expect(await outcome).toBe('stopped');
		await jest.advanceTimersByTimeAsync(600_000);
		expect(poller.requestCount).toBe(requestsBefore);
	});

	it('gives up at the timeout with an error naming the task and how to pick it up', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0.1, seed: 1 });
		const poller = virtualPoller(provider, { timeoutMs: 30_000 });
		const task = provider.addTask('slow-task-1', 600_000);
		const wait = poller.waitUntilDone(poller.track(task.id, 3, { submittedAt: Date.now() }));
		const failure = wait.catch((error: Error & { description?: string }) => error);
		await jest.advanceTimersByTimeAsync(31_000);
		const error = (await failure) as Error & { description: string };
		expect(error.message).toBe('Task slow-task-1 did not finish within 30 s [item 3]');
		expect(error.description).toContain('may still be running');
		expect(error.description).toContain('Wait for Completion');
	});

	it('shares one budget: a 429 pauses every task for Retry-After, then they go on at half the rate', async () => {
		const provider = new VirtualProvider({ reportsEta: true, etaNoise: 0.1, seed: 9 });
		provider.throttleNext = 1; // the very first status answer is a 429 with Retry-After: 2 s
		const figures = await waitForBatch(provider, 20, 30_000, 0.2);
		expect(figures.lastSeenDoneAt).toBeLessThan(Infinity);

		const polls = [...provider.tasks.values()]
			.flatMap((task) => task.pollTimes)
			.sort((a, b) => a - b);
		const throttledAt = polls[0];
		expect(polls.filter((time) => time > throttledAt && time < throttledAt + 2_000)).toEqual([]);
		// Right after the pause, requests are spaced at the halved rate (2.5/s), not sent in a burst.
		const resumed = polls.filter(
			(time) => time >= throttledAt + 2_000 && time < throttledAt + 4_000,
		);
		expect(resumed.length).toBeGreaterThanOrEqual(3);
		const gaps = resumed.slice(1).map((time, index) => time - resumed[index]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(300);
	});

	it("never asks about one task more often than the user's poll interval", async () => {
		const provider = new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 2 });
		const poller = virtualPoller(provider, { minGapMs: 20_000 });
		const task = provider.addTask('t', 100_000);
		const times: number[] = [];
		const original = provider.fetchStatus.bind(provider);
		provider.fetchStatus = async (id) => {
			times.push(Date.now());
			return await original(id);
		};
		const wait = poller.waitUntilDone(poller.track(task.id, 0, { submittedAt: Date.now() }));
		let done = false;
		void wait.finally(() => (done = true));
		while (!done) await jest.advanceTimersByTimeAsync(500);
		const gaps = times.slice(1).map((time, index) => time - times[index]);
		expect(Math.min(...gaps)).toBeGreaterThanOrEqual(20_000);
	});
});

describe('RequestBudget', () => {
	beforeEach(() => jest.useFakeTimers({ now: 0 }));
	afterEach(() => jest.useRealTimers());

	it('spaces requests at the rate after a small burst, in arrival order', async () => {
		const budget = new RequestBudget(5, 5);
		const sleeper = new SleepGroup(new AbortController().signal);
		const grantedAt: number[] = [];
		const all = Promise.all(
			Array.from({ length: 10 }, async () => {
				await budget.acquire(sleeper);
				grantedAt.push(Date.now());
			}),
		);
		await jest.advanceTimersByTimeAsync(5_000);
		await all;
		expect(grantedAt).toEqual([0, 0, 0, 0, 0, 200, 400, 600, 800, 1000]);
	});

	it('on 429 halves the rate and pauses until Retry-After; successes earn the rate back', async () => {
		const budget = new RequestBudget(5, 1);
		budget.throttled(3_000);
		expect(budget.currentRatePerSecond).toBe(2.5);
		const sleeper = new SleepGroup(new AbortController().signal);
		const granted = budget.acquire(sleeper).then(() => Date.now());
		await jest.advanceTimersByTimeAsync(5_000);
		expect(await granted).toBe(3_000);
		for (let i = 0; i < 60; i++) budget.succeeded();
		expect(budget.currentRatePerSecond).toBe(5);
	});
});
