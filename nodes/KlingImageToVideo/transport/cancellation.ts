import { sleep } from 'n8n-workflow';

/** Stopping an execution, and waits that end as soon as it is stopped: used by every layer above. */

export class CancelledError extends Error {
	constructor() {
		super('The execution was stopped');
	}
}

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
