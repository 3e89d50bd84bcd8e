import { sleep } from 'n8n-workflow';

/**
 * Many sleepers sharing one cancel signal: it gets a single listener however many tasks wait
 * (no listener build-up on n8n's signal), and `wakeAll` lets every sleeper reconsider its plan
 * early when something it depends on changes.
 */
export class SleepGroup {
	private readonly sleepers = new Set<AbortController>();

	constructor(private readonly cancel: AbortSignal) {
		cancel.addEventListener('abort', () => this.wakeAll(), { once: true });
	}

	/** Resolves after `ms`, or early when woken; rejects as soon as the cancel signal fires. */
	async sleep(ms: number): Promise<void> {
		this.cancel.throwIfAborted();
		if (ms > 0) {
			const own = new AbortController();
			this.sleepers.add(own);
			const woken = new Promise<void>((resolve) =>
				own.signal.addEventListener('abort', () => resolve(), { once: true }),
			);
			await Promise.race([sleep(ms, own.signal).catch(() => undefined), woken]);
			this.sleepers.delete(own);
		}
		this.cancel.throwIfAborted();
	}

	/** Waits until the given moment, however often the group is woken meanwhile. */
	async sleepUntil(time: number, now: () => number = Date.now): Promise<void> {
		for (let remaining = time - now(); remaining > 0; remaining = time - now())
			await this.sleep(remaining);
		this.cancel.throwIfAborted();
	}

	wakeAll(): void {
		for (const sleeper of this.sleepers) sleeper.abort();
		this.sleepers.clear();
	}
}
