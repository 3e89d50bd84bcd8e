/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark tooling runs in plain Node, outside n8n's sandbox */
/**
 * One `n8n execute` of a workflow, with the memory of the n8n process tree sampled throughout.
 * The peak is reset when the simulator sees the workflow's first request, so n8n's own boot
 * (about 10 s of loading every node) is not counted as the workflow's memory.
 */
import type { Simulator } from '../simulators';
import { parseExecution, stopProcess, type N8nCli, type WorkflowRun } from '../n8n/n8nCli';
import { RssSampler } from './rss';

export interface MeasuredRun {
	/** The run as n8n printed it; undefined when its output could not be read (see parseError). */
	run?: WorkflowRun;
	parseError?: string;
	/** Size of what `n8n execute --rawOutput` printed, bytes. */
	stdoutBytes: number;
	/** The end of what n8n printed, kept when the run could not be read. */
	outputTail?: string;
	sampler: RssSampler;
	/** Main process RSS when the workflow began (its first request reached the simulator), kB. */
	startMainKb: number;
	/** Tree RSS at that moment, kB. */
	startTreeKb: number;
	/** Exact peak of the main process from the workflow's first request to its end, kB (0 if clear_refs is not allowed). */
	peakMainKb: number;
	/** Largest sampled RSS of the process tree over the same window, kB. */
	peakTreeKb: number;
	workflowStartedAt?: number;
	exitedAt: number;
}

export async function executeMeasured(
	cli: N8nCli,
	workflowId: string,
	simulators: Simulator[],
	options: { timeoutMs: number },
): Promise<MeasuredRun> {
	const started = Date.now();
	const child = await cli.spawn(['execute', `--id=${workflowId}`, '--rawOutput']);
	if (child.pid === undefined) throw new Error('n8n execute did not start');
	let stdout = '';
	let stderr = '';
	child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
	child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));

	const sampler = new RssSampler(child.pid);
	let workflowStartedAt: number | undefined;
	let startMainKb = 0;
	let startTreeKb = 0;
	let resetOk = false;
	sampler.start((sample) => {
		if (workflowStartedAt !== undefined) return;
		const firstRequest = Math.min(...simulators.map((sim) => sim.requests[0]?.at ?? Infinity));
		if (firstRequest === Infinity) return;
		workflowStartedAt = firstRequest;
		startMainKb = sample.mainKb;
		startTreeKb = sample.treeKb;
		resetOk = sampler.resetPeak();
	});

	let timedOut = false;
	const timer = setTimeout(() => {
		timedOut = true;
		void stopProcess(child, 3000);
	}, options.timeoutMs);
	const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
		(resolve, reject) => {
			child.once('error', reject);
			child.once('close', (code, sig) => resolve([code, sig]));
		},
	);
	const exitedAt = Date.now();
	clearTimeout(timer);
	sampler.stop();
	// The task runner must not outlive the command.
	await stopProcess(child, 1000);
	if (timedOut)
		throw new Error(
			`n8n execute --id=${workflowId} timed out after ${options.timeoutMs} ms\n${stderr.slice(-4000)}`,
		);
	let run: WorkflowRun | undefined;
	let parseError: string | undefined;
	try {
		run = parseExecution({ exitCode, signal, stdout, stderr, durationMs: exitedAt - started });
	} catch (error) {
		// The simulator's records still hold every figure; only n8n's own account of the run is missing.
		parseError = error instanceof Error ? error.message.split('\n')[0] : String(error);
	}
	const windowStart = workflowStartedAt ?? started;
	return {
		run,
		parseError,
		stdoutBytes: Buffer.byteLength(stdout),
		outputTail: parseError
			? `--- stdout (last 3000 of ${stdout.length}) ---\n${stdout.slice(-3000)}\n--- stderr ---\n${stderr.slice(-3000)}`
			: undefined,
		sampler,
		startMainKb,
		startTreeKb,
		peakMainKb: resetOk ? sampler.peakMainKb : 0,
		peakTreeKb: sampler.peakTreeKb(windowStart, exitedAt),
		workflowStartedAt,
		exitedAt,
	};
}
