import type { SleepGroup } from './abortableSleep';

/** After a 429, each successful answer gives back this much rate (req/s): about 20 answers per 1 req/s. */
const RECOVERY_PER_SUCCESS = 0.05;

/**
 * The status-request budget shared by every task waited on with one credential in one run.
 * Requests are spaced (a smooth rate with a small burst, not 100 requests at each tick); a 429
 * halves the rate and pauses everyone until Retry-After; steady successes earn the rate back.
 */
export class RequestBudget {
	private ratePerSecond: number;
	/** Earliest moment the next request may go, by the virtual-scheduling (GCRA) rule. */
	private theoreticalArrival = 0;
	private pausedUntil = 0;
	private requestsGranted = 0;
	private throttleCount = 0;

	constructor(
		private readonly maxRatePerSecond = 5,
		private readonly burst = 5,
		private readonly minRatePerSecond = 0.2,
		private readonly now: () => number = Date.now,
	) {
		this.ratePerSecond = maxRatePerSecond;
	}

	get currentRatePerSecond(): number {
		return this.ratePerSecond;
	}

	get stats() {
		return {
			granted: this.requestsGranted,
			throttled: this.throttleCount,
			ratePerSecond: this.ratePerSecond,
		};
	}

	/** Resolves when this caller may send one request. */
	async acquire(sleeper: Pick<SleepGroup, 'sleepUntil'>): Promise<void> {
		for (;;) {
			await sleeper.sleepUntil(this.pausedUntil, this.now);
			const slot = this.reserveSlot(this.now());
			await sleeper.sleepUntil(slot, this.now);
			// A 429 paused the budget while this caller waited: queue again behind the pause.
			if (this.now() >= this.pausedUntil) break;
		}
		this.requestsGranted++;
	}

	private reserveSlot(now: number): number {
		const interval = 1000 / this.ratePerSecond;
		const slot = Math.max(now, this.theoreticalArrival - (this.burst - 1) * interval);
		this.theoreticalArrival = Math.max(this.theoreticalArrival, slot) + interval;
		return slot;
	}

	throttled(retryAfterMs?: number): void {
		this.throttleCount++;
		this.ratePerSecond = Math.max(this.minRatePerSecond, this.ratePerSecond / 2);
		const interval = 1000 / this.ratePerSecond;
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + (retryAfterMs ?? interval));
		// No burst after a pause: the first request goes at its end, the next ones one interval apart.
		this.theoreticalArrival = Math.max(
			this.theoreticalArrival,
			this.pausedUntil + (this.burst - 1) * interval,
		);
	}

	succeeded(): void {
		if (this.ratePerSecond < this.maxRatePerSecond) {
			this.ratePerSecond = Math.min(
				this.maxRatePerSecond,
				this.ratePerSecond + RECOVERY_PER_SUCCESS,
			);
		}
	}
}
