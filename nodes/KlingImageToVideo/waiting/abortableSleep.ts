import { sleep } from 'n8n-workflow';

/** A signal that fires when any of the given ones does (AbortSignal.any needs Node 20.3+). */
export function eitherSignal(first: AbortSignal, second: AbortSignal): AbortSignal {
	const controller = new AbortController();
	for (const signal of [first, second]) {
		if (signal.aborted) controller.abort(signal.reason);
		else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
	}
	return controller.signal;
}

/**
 * Waits, or rejects as soon as the signal fires. n8n-workflow's `sleep` clears its own timer when
 * given a signal (n8n 2.34 and later); on older hosts the race below still ends the wait at once.
 */
export async function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
	signal.throwIfAborted();
	if (ms <= 0) return;
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => reject(signal.reason);
		signal.addEventListener('abort', onAbort, { once: true });
		sleep(ms, signal).then(
			() => {
				signal.removeEventListener('abort', onAbort);
				resolve();
			},
			(error: unknown) => {
				signal.removeEventListener('abort', onAbort);
				reject(error);
			},
		);
	});
}

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
