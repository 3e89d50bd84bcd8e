/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { clearTimeout, setTimeout } from 'node:timers';

// Captured at import so the simulator keeps real time even if a test installs jest fake timers afterwards.
const realDateNow = Date.now.bind(Date);

/** Wall-clock milliseconds used for every simulator timestamp (tasks, recorded requests). */
export function now(): number {
	return realDateNow();
}

/** Timers the simulator owns, so close() can cancel every pending one and leave no handle open. */
export class TimerSet {
	private readonly pending = new Set<NodeJS.Timeout>();

	/** Runs fn after ms unless cleared first. */
	after(ms: number, fn: () => void): void {
		const timer = setTimeout(
			() => {
				this.pending.delete(timer);
				fn();
			},
			Math.max(0, ms),
		);
		this.pending.add(timer);
	}

	/** Resolves after ms; never resolves if cleared (the waiting request dies with its socket). */
	delay(ms: number): Promise<void> {
		return new Promise((resolve) => this.after(ms, resolve));
	}

	clearAll(): void {
		for (const timer of this.pending) clearTimeout(timer);
		this.pending.clear();
	}
}
