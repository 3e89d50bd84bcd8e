/**
 * The figures of one workflow run, from what the simulator recorded: when each task was created and
 * finished, the first status answer that said so, every status request, and when each download ended.
 */
import type { Simulator } from '../simulators';

export interface RunFigures {
	tasks: number;
	/** Tasks whose video was downloaded completely (200, whole body sent). */
	downloaded: number;
	/** First task created → last video download completed, ms. */
	spanMs: number;
	/** The slowest task's own latency (created → finished), ms: the least any waiter's span can be. */
	slowestTaskMs: number;
	/** span − slowest task, ms: what waiting, submitting and downloading added. */
	overSlowestMs: number;
	/** Last task finished at the simulator → last download completed, ms. */
	tailMs: number;
	/** First → last task created, ms (how long submitting took). */
	submitSpreadMs: number;
	statusCalls: number;
	statusCallsPerTask: number;
	/** Task finished at the simulator → first status answer reporting it, ms. */
	lagP50Ms: number;
	lagP95Ms: number;
	lagMaxMs: number;
	/** First status answer reporting the end → that task's download completed, ms. */
	downloadAfterDetectP50Ms: number;
	downloadAfterDetectP95Ms: number;
	/** Most status requests that arrived within any one second. */
	maxStatusPerSecond: number;
	/** Answers other than 200 to API calls (429s, errors). */
	apiErrors: number;
}

/** Nearest-rank percentile (as the unit tests' virtual model computes it). */
export function percentile(values: number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

export function median(values: number[]): number {
	return percentile(values, 0.5);
}

function maxInWindow(times: number[], windowMs: number): number {
	const sorted = [...times].sort((a, b) => a - b);
	let best = 0;
	let start = 0;
	for (let end = 0; end < sorted.length; end++) {
		while (sorted[end] - sorted[start] >= windowMs) start++;
		best = Math.max(best, end - start + 1);
	}
	return best;
}

export function figuresOf(sim: Simulator): RunFigures {
	const tasks = sim.tasks;
	if (tasks.length === 0) throw new Error('the simulator saw no task');
	const downloads = sim.requests.filter(
		(r) =>
			r.kind === 'download' &&
			r.status === 200 &&
			r.method === 'GET' &&
			r.completedAt !== undefined,
	);
	const downloadDone = new Map<string, number>();
	for (const request of downloads) {
		const previous = downloadDone.get(request.taskId!);
		if (previous === undefined || request.completedAt! < previous)
			downloadDone.set(request.taskId!, request.completedAt!);
	}
	const statusRequests = sim.requests.filter((r) => r.kind === 'status');
	const firstCreated = Math.min(...tasks.map((t) => t.createdAt));
	const lastCreated = Math.max(...tasks.map((t) => t.createdAt));
	const lastFinished = Math.max(...tasks.map((t) => t.finishesAt));
	const lastDownload = Math.max(...downloadDone.values());
	const spanMs = lastDownload - firstCreated;
	const slowestTaskMs = Math.max(...tasks.map((t) => t.finishesAt - t.createdAt));
	const lags = tasks.map((t) => (t.firstReportedTerminalAt ?? Infinity) - t.finishesAt);
	const afterDetect = tasks
		.filter((t) => t.firstReportedTerminalAt !== undefined && downloadDone.has(t.id))
		.map((t) => downloadDone.get(t.id)! - t.firstReportedTerminalAt!);
	return {
		tasks: tasks.length,
		downloaded: downloadDone.size,
		spanMs,
		slowestTaskMs,
		overSlowestMs: spanMs - slowestTaskMs,
		tailMs: lastDownload - lastFinished,
		submitSpreadMs: lastCreated - firstCreated,
		statusCalls: statusRequests.length,
		statusCallsPerTask: statusRequests.length / tasks.length,
		lagP50Ms: percentile(lags, 0.5),
		lagP95Ms: percentile(lags, 0.95),
		lagMaxMs: Math.max(...lags),
		downloadAfterDetectP50Ms: percentile(afterDetect, 0.5),
		downloadAfterDetectP95Ms: percentile(afterDetect, 0.95),
		maxStatusPerSecond: maxInWindow(
			statusRequests.map((r) => r.at),
			1000,
		),
		apiErrors: sim.requests.filter((r) => r.server === 'api' && r.status !== 200).length,
	};
}

/** What the simulator recorded, for the raw-record file (analysis of a run after the fact). */
export function rawRecords(sim: Simulator) {
	return {
		provider: sim.provider,
		tasks: sim.tasks.map((t) => ({
			id: t.id,
			index: t.index,
			createdAt: t.createdAt,
			finishesAt: t.finishesAt,
			firstReportedTerminalAt: t.firstReportedTerminalAt,
			statusCalls: t.statusCalls,
		})),
		requests: sim.requests.map((r) => ({
			kind: r.kind,
			taskId: r.taskId,
			at: r.at,
			completedAt: r.completedAt,
			status: r.status,
			server: r.server,
		})),
	};
}
