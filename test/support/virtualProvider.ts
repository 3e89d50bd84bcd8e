import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { PROVIDERS, type TaskSnapshot } from '../../nodes/KlingImageToVideo/providers';
import type {
	ProviderClient,
	StatusAnswer,
} from '../../nodes/KlingImageToVideo/transport/providerClient';
import { TaskPoller } from '../../nodes/KlingImageToVideo/waiting/poller';
import { createRandom } from '../../tools/simulators/random';

/**
 * A provider model for testing the waiting algorithm in virtual time (jest's fake clock): tasks
 * with known finish moments, an eta with seeded noise, and a record of every status request. The
 * real HTTP path is covered by the engine tests and the benchmark; this isolates the schedule.
 */

export interface VirtualTask {
	id: string;
	submittedAt: number;
	finishesAt: number;
	polls: number;
	pollTimes: number[];
	firstSeenDoneAt?: number;
}

export class VirtualProvider {
	readonly tasks = new Map<string, VirtualTask>();
	readonly random: () => number;
	/** Status answers to fail with a 429 (count), to exercise the shared budget. */
	throttleNext = 0;

	constructor(private readonly options: { reportsEta: boolean; etaNoise: number; seed: number }) {
		this.random = createRandom(options.seed);
	}

	get reportsEta(): boolean {
		return this.options.reportsEta;
	}

	addTask(id: string, latencyMs: number): VirtualTask {
		const task: VirtualTask = {
			id,
			submittedAt: Date.now(),
			finishesAt: Date.now() + latencyMs,
			polls: 0,
			pollTimes: [],
		};
		this.tasks.set(id, task);
		return task;
	}

	async fetchStatus(taskId: string): Promise<StatusAnswer> {
		const task = this.tasks.get(taskId)!;
		const now = Date.now();
		task.polls++;
		task.pollTimes.push(now);
		if (this.throttleNext > 0) {
			this.throttleNext--;
			return { kind: 'retryable', reason: '429', throttled: true, retryAfterMs: 2000 };
		}
		const snapshot: TaskSnapshot = {
			taskId,
			status: now >= task.finishesAt ? 'succeeded' : 'processing',
		};
		if (snapshot.status === 'succeeded') {
			snapshot.videoUrl = `https://videos.example/${taskId}.mp4`;
			task.firstSeenDoneAt ??= now;
		} else if (this.options.reportsEta) {
			const remaining = (task.finishesAt - now) / 1000;
			const noise = 1 + this.options.etaNoise * (2 * this.random() - 1);
			snapshot.etaSeconds = Math.max(0, Math.round(remaining * noise));
			snapshot.progress = Math.floor(
				(100 * (now - task.submittedAt)) / (task.finishesAt - task.submittedAt),
			);
		}
		return { kind: 'snapshot', snapshot };
	}

	figures() {
		const tasks = [...this.tasks.values()];
		const lags = tasks
			.map((task) => (task.firstSeenDoneAt ?? Infinity) - task.finishesAt)
			.sort((a, b) => a - b);
		const percentile = (p: number) =>
			lags[Math.min(lags.length - 1, Math.ceil(p * lags.length) - 1)];
		return {
			pollsPerTask: tasks.reduce((sum, task) => sum + task.polls, 0) / tasks.length,
			lagP50Ms: percentile(0.5),
			lagP95Ms: percentile(0.95),
			lastSeenDoneAt: Math.max(...tasks.map((task) => task.firstSeenDoneAt ?? Infinity)),
			slowestFinishAt: Math.max(...tasks.map((task) => task.finishesAt)),
		};
	}
}

const node = { name: 'Kling', type: 'klingImageToVideo' } as INode;
const ctx = {
	getNode: () => node,
	logger: { debug: () => undefined },
} as unknown as IExecuteFunctions;

/** The node's poller asking the virtual provider (as Novita with an eta, as AI/ML API without). */
export function virtualPoller(
	provider: VirtualProvider,
	options: { timeoutMs?: number; minGapMs?: number; signal?: AbortSignal } = {},
): TaskPoller {
	const client = {
		provider: provider.reportsEta ? PROVIDERS.novita : PROVIDERS.aimlApi,
		fetchStatus: async (taskId: string) => await provider.fetchStatus(taskId),
		redact: (text: string) => text,
	} as unknown as ProviderClient;
	return new TaskPoller(ctx, client, {
		timeoutMs: options.timeoutMs ?? 3_600_000,
		minGapMs: options.minGapMs ?? 0,
		signal: options.signal ?? new AbortController().signal,
	});
}
