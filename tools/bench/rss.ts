/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling runs in plain Node, outside n8n's sandbox */
/**
 * Memory of a process tree (the n8n CLI process and its task runners), read from /proc every 100 ms.
 * VmHWM is the kernel's exact peak of one process; it can be reset to the current RSS (clear_refs 5),
 * so the peak of a phase (the workflow, not n8n's boot) is exact for the main process.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

export interface RssSample {
	at: number;
	/** The main process, kB. */
	mainKb: number;
	/** The main process and every descendant, kB. */
	treeKb: number;
	processes: number;
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number | undefined {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
			readFileSync(`/proc/${pid}/status`, 'utf8'),
		);
		return match ? Number(match[1]) : undefined;
	} catch {
		return undefined; // exited meanwhile
	}
}

function childrenOf(pid: number): number[] {
	const children: number[] = [];
	let threads: string[] = [];
	try {
		threads = readdirSync(`/proc/${pid}/task`);
	} catch {
		return children;
	}
	for (const thread of threads) {
		try {
			const text = readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8').trim();
			if (text) children.push(...text.split(/\s+/).map(Number));
		} catch {
			// the thread ended
		}
	}
	return children;
}

function tree(pid: number): number[] {
	const all = [pid];
	for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]));
	return all;
}

export class RssSampler {
	readonly samples: RssSample[] = [];
	private timer?: NodeJS.Timeout;
	private hwmKb = 0;
	private hwmResetAt?: number;

	constructor(
		readonly pid: number,
		private readonly intervalMs = 100,
	) {}

	start(onSample?: (sample: RssSample) => void): void {
		const tick = () => {
			const sample = this.sample();
			if (sample) onSample?.(sample);
		};
		tick();
		this.timer = setInterval(tick, this.intervalMs);
	}

	stop(): void {
		if (this.timer) clearInterval(this.timer);
		this.timer = undefined;
	}

	/** Sets the main process's high-water mark to its current RSS; from now on `peakMainKb` is this phase's exact peak. */
	resetPeak(): boolean {
		try {
			writeFileSync(`/proc/${this.pid}/clear_refs`, '5');
			this.hwmResetAt = Date.now();
			this.hwmKb = statusField(this.pid, 'VmHWM') ?? 0;
			return true;
		} catch {
			return false;
		}
	}

	/** Peak RSS of the main process since resetPeak() (or since it started), kB, as last read. */
	get peakMainKb(): number {
		return this.hwmKb;
	}

	get peakResetAt(): number | undefined {
		return this.hwmResetAt;
	}

	private sample(): RssSample | undefined {
		const mainKb = statusField(this.pid, 'VmRSS');
		if (mainKb === undefined) return undefined;
		this.hwmKb = Math.max(this.hwmKb, statusField(this.pid, 'VmHWM') ?? 0);
		const pids = tree(this.pid);
		let treeKb = 0;
		for (const pid of pids) treeKb += (pid === this.pid ? mainKb : statusField(pid, 'VmRSS')) ?? 0;
		const sample = { at: Date.now(), mainKb, treeKb, processes: pids.length };
		this.samples.push(sample);
		return sample;
	}

	/** The largest sampled tree RSS in [from, to], kB. */
	peakTreeKb(from = -Infinity, to = Infinity): number {
		return Math.max(
			0,
			...this.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.treeKb),
		);
	}

	/** The largest sampled main-process RSS in [from, to], kB. */
	peakSampledMainKb(from = -Infinity, to = Infinity): number {
		return Math.max(
			0,
			...this.samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.mainKb),
		);
	}
}
