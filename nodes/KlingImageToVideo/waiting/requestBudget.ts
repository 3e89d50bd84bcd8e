import type { SleepGroup } from './abortableSleep';

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
		return { granted: this.requestsGranted, throttled: this.throttleCount, ratePerSecond: this.ratePerSecond };
	}

	/** Resolves when this caller may send one request. */
	async acquire(sleeper: Pick<SleepGroup, 'sleep'>): Promise<void> {
		for (;;) {
			const now = this.now();
			const interval = 1000 / this.ratePerSecond;
			const slot = Math.max(now, this.theoreticalArrival - (this.burst - 1) * interval, this.pausedUntil);
			this.theoreticalArrival = Math.max(this.theoreticalArrival, slot) + interval;
			await sleeper.sleep(slot - now);
			// A 429 may have paused the budget while this caller slept on an earlier slot.
			if (this.now() >= this.pausedUntil) break;
		}
		this.requestsGranted++;
	}

	throttled(retryAfterMs?: number): void {
		this.throttleCount++;
		this.ratePerSecond = Math.max(this.minRatePerSecond, this.ratePerSecond / 2);
		const pause = retryAfterMs ?? 1000 / this.ratePerSecond;
		this.pausedUntil = Math.max(this.pausedUntil, this.now() + pause);
	}

	succeeded(): void {
		if (this.ratePerSecond < this.maxRatePerSecond) {
			this.ratePerSecond = Math.min(this.maxRatePerSecond, this.ratePerSecond + 0.1);
		}
	}
}
