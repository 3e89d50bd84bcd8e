import { createRandom } from './random';
import type { FaultAction, FaultContext, FaultKind, FaultRule } from './types';

interface ActiveRule {
	rule: FaultRule;
	/** Requests that matched kind and `when`. */
	seen: number;
	/** Requests this rule actually faulted. */
	hits: number;
}

/** The faults a simulator injects; rules are checked in the order they were added, the first that fires wins. */
export class FaultPlan {
	private readonly active: ActiveRule[] = [];

	/** Adds rules (times defaults to unlimited). */
	add(...rules: FaultRule[]): this {
		for (const rule of rules) this.active.push({ rule, seen: 0, hits: 0 });
		return this;
	}

	/** The next `times` requests of `kind` get `action`, e.g. next('status', { type: 'http', status: 429, retryAfterSeconds: 1 }, 3). */
	next(kind: FaultKind, action: FaultAction, times = 1): this {
		return this.add({ kind, action, times });
	}

	/** Every n-th request of `kind` (the n-th, 2n-th...) gets `action`. */
	every(kind: FaultKind, n: number, action: FaultAction): this {
		return this.add({ kind, action, every: n });
	}

	/** How many requests each rule has faulted, in the order added (to check a plan was used up). */
	hits(): number[] {
		return this.active.map((entry) => entry.hits);
	}

	clear(): void {
		this.active.length = 0;
	}

	/** Decides the fault for one request; called once per request by the simulator. */
	pick(context: FaultContext): FaultAction | undefined {
		let chosen: FaultAction | undefined;
		for (const entry of this.active) {
			const { rule } = entry;
			if (rule.kind !== context.kind) continue;
			if (rule.when && !rule.when(context)) continue;
			entry.seen += 1;
			if (chosen) continue;
			if (entry.hits >= (rule.times ?? Infinity)) continue;
			const position = entry.seen - (rule.skip ?? 0);
			if (position <= 0) continue;
			if (rule.every && position % rule.every !== 0) continue;
			const action = typeof rule.action === 'function' ? rule.action(context) : rule.action;
			if (!action) continue;
			entry.hits += 1;
			chosen = action;
		}
		return chosen;
	}
}

/** Faults drawn by randomFaults when the caller gives no menu for a kind: the failures clients must survive. */
export const DEFAULT_RANDOM_FAULTS: Record<FaultKind, FaultAction[]> = {
	submit: [
		{ type: 'http', status: 429, retryAfterSeconds: 1 },
		{ type: 'http', status: 500 },
		{ type: 'http', status: 503 },
		{ type: 'htmlPage', status: 502 },
		{ type: 'reset' },
		{ type: 'http', status: 500, afterCreate: true },
		{ type: 'reset', afterCreate: true },
		{ type: 'slow', delayMs: 50 },
	],
	status: [
		{ type: 'http', status: 429, retryAfterSeconds: 1 },
		{ type: 'http', status: 500 },
		{ type: 'http', status: 502 },
		{ type: 'http', status: 503 },
		{ type: 'http', status: 504 },
		{ type: 'htmlPage', status: 502 },
		{ type: 'reset' },
		{ type: 'malformedJson' },
		{ type: 'slow', delayMs: 50 },
	],
	download: [
		{ type: 'truncated' },
		{ type: 'reset' },
		{ type: 'http', status: 503 },
		{ type: 'redirect' },
		{ type: 'expired' },
	],
	result: [
		{ type: 'http', status: 429, retryAfterSeconds: 1 },
		{ type: 'http', status: 502 },
		{ type: 'htmlPage', status: 502 },
		{ type: 'reset' },
		{ type: 'malformedJson' },
	],
	lookup: [{ type: 'http', status: 500 }, { type: 'http', status: 503 }, { type: 'reset' }],
	balance: [{ type: 'http', status: 500 }, { type: 'http', status: 503 }, { type: 'reset' }],
	models: [{ type: 'http', status: 500 }, { type: 'http', status: 503 }, { type: 'reset' }],
	list: [{ type: 'http', status: 500 }, { type: 'http', status: 503 }, { type: 'reset' }],
	pricing: [{ type: 'http', status: 500 }, { type: 'http', status: 503 }, { type: 'reset' }],
};

export interface RandomFaultsOptions {
	seed: number;
	/** Probability that a matching request is faulted, 0..1. */
	rate: number;
	/** Default submit, status and download. */
	kinds?: FaultKind[];
	/** Menus to draw from, per kind (default DEFAULT_RANDOM_FAULTS). */
	actions?: Partial<Record<FaultKind, FaultAction[]>>;
}

/** A reproducible random mix of faults (one rule per kind, each with its own seeded stream), for soak tests and benchmarks. */
export function randomFaults(options: RandomFaultsOptions): FaultRule[] {
	const kinds = options.kinds ?? ['submit', 'status', 'download'];
	return kinds.map((kind, position) => {
		const random = createRandom(options.seed * 31 + position);
		const menu = options.actions?.[kind] ?? DEFAULT_RANDOM_FAULTS[kind];
		return {
			kind,
			action: () => {
				if (random() >= options.rate) return undefined;
				return menu[Math.floor(random() * menu.length)];
			},
		};
	});
}
