import { offerFor, PROVIDERS } from '../../nodes/KlingImageToVideo/providers';
import { SleepGroup } from '../../nodes/KlingImageToVideo/waiting/abortableSleep';
import {
	durationClassOf,
	DurationModel,
	type TaskClass,
} from '../../nodes/KlingImageToVideo/waiting/durationModel';
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

describe('waiting per model, tier and length (virtual time)', () => {
	beforeEach(() => jest.useFakeTimers({ now: Date.parse('2026-11-21T08:00:00Z') }));
	afterEach(() => jest.useRealTimers());

	/** AI/ML API's published times: Kling 3.0 Standard ~118 s per 5 s, Kling 2.1 Master ~330 s per 5 s. */
	const published = ({ model, mode }: TaskClass) =>
		model && mode ? offerFor(PROVIDERS.aimlApi, model)?.publishedSeconds?.[mode] : undefined;

	it("starts each class from the provider's published time, scaled to the video's length", () => {
		const model = new DurationModel(published);
		const short30 = model.estimate(
			durationClassOf({ model: 'v3.0', mode: 'standard', duration: 3 }),
		);
		const long21 = model.estimate(durationClassOf({ model: 'v2.1', mode: 'master', duration: 10 }));
		expect(short30).toMatchObject({ source: 'prior', expectedMs: (118_000 * 3) / 5 });
		expect(long21).toMatchObject({ source: 'prior', expectedMs: 330_000 * 2 });
		// Where a provider publishes nothing for a model (2.5 Turbo), the fallback for its tier.
		expect(
			model.estimate(durationClassOf({ model: 'v2.5-turbo', mode: 'professional', duration: 5 })),
		).toMatchObject({ source: 'prior', expectedMs: 270_000 });
	});

	it('learns a 3 s Kling 3.0 class and a 10 s Kling 2.1 Master class separately', () => {
		const model = new DurationModel(published);
		const short30 = durationClassOf({ model: 'v3.0', mode: 'standard', duration: 3 });
		const long21 = durationClassOf({ model: 'v2.1', mode: 'master', duration: 10 });
		expect(short30).not.toBe(long21);
		model.recordFinished(short30, 45_000);
		expect(model.estimate(short30)).toMatchObject({ source: 'finished', expectedMs: 45_000 });
		expect(model.estimate(long21)).toMatchObject({ source: 'prior', expectedMs: 660_000 });
		// Nor does the same tier and length of another model share what was learned.
		expect(
			model.estimate(durationClassOf({ model: 'v2.6', mode: 'standard', duration: 3 })).source,
		).toBe('prior');
	});

	it('polls a batch of both classes on their own schedules: the 2.1 Master tasks are not pulled forward by the fast 3.0 clips', async () => {
		const provider = new VirtualProvider({ reportsEta: false, etaNoise: 0, seed: 4 });
		const poller = virtualPoller(provider);
		const classes = [
			{ model: 'v3.0', mode: 'standard', duration: 3, latencyMs: 45_000 },
			{ model: 'v2.1', mode: 'master', duration: 10, latencyMs: 640_000 },
		] as const;
		// Four tasks per class: three scouts and one sibling that waits for what the scouts teach.
		const tasks = classes.flatMap(({ latencyMs, ...hints }, classIndex) =>
			Array.from({ length: 4 }, (_, index) => {
				const task = provider.addTask(`${hints.model}-${index}`, latencyMs);
				const watched = poller.track(task.id, classIndex * 4 + index, {
					submittedAt: Date.now(),
					...hints,
				});
				return { task, watched, isScout: watched.timeline.isScout };
			}),
		);
		let settled = false;
		const all = Promise.all(
			tasks.map(async ({ watched }) => await poller.waitUntilDone(watched)),
		).finally(() => (settled = true));
		while (!settled) await jest.advanceTimersByTimeAsync(250);
		await all;

		const [short30, long21] = [tasks.slice(0, 4), tasks.slice(4)];
		const start = short30[0].task.submittedAt;
		const firstPoll = ({ task }: (typeof tasks)[number]) => task.pollTimes[0] - start;
		const sibling30 = short30.find((entry) => !entry.isScout)!;
		const sibling21 = long21.find((entry) => !entry.isScout)!;
		// The siblings' first looks fall in the first probing step of the published times (20% to 32%
		// of 70.8 s and of 660 s), not of the fallback (126 s for a 3 s Standard clip).
		expect(firstPoll(sibling30)).toBeGreaterThanOrEqual(0.2 * 70_800);
		expect(firstPoll(sibling30)).toBeLessThanOrEqual(0.32 * 70_800);
		expect(firstPoll(sibling21)).toBeGreaterThanOrEqual(0.2 * 660_000);
		expect(firstPoll(sibling21)).toBeLessThanOrEqual(0.32 * 660_000);
		// Every 3.0 clip was done and seen long before the first 2.1 Master sibling look.
		const short30SeenAt = Math.max(...short30.map(({ task }) => task.firstSeenDoneAt! - start));
		expect(short30SeenAt).toBeLessThan(60_000);
		// And each class is noticed soon after it finishes.
		for (const { task } of tasks)
			expect(task.firstSeenDoneAt! - task.finishesAt).toBeLessThanOrEqual(12_000);
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
