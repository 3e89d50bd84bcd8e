/**
 * How long the transport waits between attempts. The defaults are what runs in production; tests
 * pass shorter ones where the client is built, so a retry path runs in milliseconds.
 */
export interface TransportTimings {
	/** Pauses before resending a submission that was definitely refused (429, never connected). */
	submitBackoffMs: readonly number[];
	/** A Retry-After longer than this ends the submission instead of waiting. */
	maxSubmitRetryWaitMs: number;
	/** Pauses between lookups of a submission by its id. */
	findBackoffMs: readonly number[];
	/** A task being created may not be listed at once: "not found" counts once it holds this much later. */
	findConfirmMs: number;
	/**
	 * When the account already runs as many tasks as its plan allows (Kling's 1303), a slot frees
	 * only when a running task ends, minutes away: the submission waits for one, this long at most.
	 */
	capacityPatienceMs: number;
	capacityBackoffMs: readonly number[];
}

export const DEFAULT_TIMINGS: TransportTimings = {
	submitBackoffMs: [1_000, 3_000, 8_000],
	maxSubmitRetryWaitMs: 60_000,
	findBackoffMs: [1_000, 2_000, 4_000, 8_000],
	findConfirmMs: 3_000,
	capacityPatienceMs: 15 * 60_000,
	capacityBackoffMs: [5_000, 10_000, 20_000, 30_000],
};
