import { sleep } from 'n8n-workflow';

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
 * Like sleepUnlessAborted, but `wake` ends the wait early without an error: sleepers reconsider
 * their plans when something they depend on changes.
 */
export async function sleepUnlessWoken(ms: number, cancel: AbortSignal, wake: AbortSignal): Promise<void> {
	cancel.throwIfAborted();
	if (ms <= 0 || wake.aborted) return;
	const either = AbortSignal.any([cancel, wake]);
	await new Promise<void>((resolve, reject) => {
		const settle = () => (cancel.aborted ? reject(cancel.reason) : resolve());
		either.addEventListener('abort', settle, { once: true });
		sleep(ms, either).then(
			() => {
				either.removeEventListener('abort', settle);
				resolve();
			},
			() => {
				either.removeEventListener('abort', settle);
				settle();
			},
		);
	});
}
