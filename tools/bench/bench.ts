/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- benchmark tooling runs in plain Node, outside n8n's sandbox */
/**
 * `npm run bench`: the node's Generate Video against the loop of core nodes n8n users build today,
 * in the same real n8n (2.40.7 on Node 24, the end-to-end suite's cached install), against the
 * project's provider simulators with identical task latencies. Prints figures, not a pass/fail test.
 *
 *   npm run bench                                   50 tasks, 60 s ±30%, novita, Wait 10 s, all parts
 *   npm run bench -- --scenario=long --parts=loop,node        100 tasks, 5 min ±30%
 *   npm run bench -- --provider=aimlApi,gmiCloud --parts=loop,node
 *   npm run bench -- --help
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startSimulator, type Simulator } from '../simulators';
import { N8N_VERSION } from '../n8n/installN8n';
import type { CredentialImport, WorkflowJson } from '../n8n/n8nCli';
import { N8nServer, type SavedExecution } from '../n8n/n8nServer';
import { PACKAGE_NAME, REPO_ROOT } from '../n8n/packageInstall';
import { runCommand } from '../n8n/processes';
import { describeRun, simulatorCredential, startN8nSuite, type N8nSuite } from '../n8n/suite';
import type { ProviderId } from '../n8n/workflows';
import { figuresOf, median, rawRecords, type RunFigures } from './metrics';
import { readOptions, type BenchOptions, type Part } from './options';
import { fixed, mb, ratio, seconds, signedMb, table, verdict, type Cell } from './report';
import { executeMeasured, type MeasuredRun } from './run';
import { measureBootLoad, measureStartup, type BootFigures, type StartupFigures } from './startup';
import {
	bootWorkflow,
	DURABLE_HOLD_SECONDS,
	durableWebhookPath,
	durableWorkflow,
	loopWorkflow,
	nodeWorkflow,
} from './workflows';
import { pushWebhookPath, pushWorkflow } from './pushWorkflow';

/** Video size of the waiting runs: small, so the span measures waiting rather than bandwidth. */
const RUN_VIDEO_BYTES = 1_000_000;
const MIB = 1024 * 1024;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Contender {
	label: 'loop' | 'node' | 'durable' | 'push';
	provider: ProviderId;
	sim: Simulator;
	workflow: WorkflowJson;
	measured?: MeasuredRun;
	figures?: RunFigures;
	failure?: string;
	loadAverage?: number;
	/** The durable loop: what each Wait node was fed, in seconds (Submit's value, then each round's). */
	waits?: number[];
	/** The push loop: rounds whose Wait node a call resumed (the others ran out their time). */
	wokenByCallback?: number;
	/** The push loop's relay: executions (one per call), calls forwarded, forwards given up. */
	relay?: { executions: number; forwarded: number; givenUp: number };
	/** The durable loops: time n8n spent running rounds (every node but the Wait), all rounds. */
	runningMs?: number;
}

interface DownloadCase {
	label: string;
	via: 'node' | 'loop';
	/** 0 for the tiny baseline, else the size in MB. */
	videoMb: number;
	videoBytes: number;
	sim: Simulator;
	workflow: WorkflowJson;
	runs: MeasuredRun[];
}

async function machine(): Promise<Record<string, string>> {
	const git = async (args: string[]) =>
		(await runCommand('git', args, { cwd: REPO_ROOT }).catch(() => '')).trim();
	const changed = await git([
		'diff',
		'--name-only',
		'HEAD',
		'--',
		'nodes',
		'credentials',
		'package.json',
	]);
	const added = await git([
		'ls-files',
		'--others',
		'--exclude-standard',
		'--',
		'nodes',
		'credentials',
	]);
	const dirty = [changed, added].filter(Boolean).join('\n');
	const cpus = os.cpus();
	return {
		cpu: `${cpus.length} × ${cpus[0]?.model ?? 'unknown'}`,
		memory: `${(os.totalmem() / 1024 ** 3).toFixed(0)} GB`,
		os: `${os.type()} ${os.release()}`,
		node: process.version,
		n8n: `${N8N_VERSION} (Node 24, the end-to-end suite's cached install)`,
		commit: `${await git(['rev-parse', '--short', 'HEAD'])}${dirty ? ` + uncommitted changes in ${dirty.split('\n').join(', ')}` : ''}`,
		loadAverage: os
			.loadavg()
			.map((load) => load.toFixed(2))
			.join(' '),
	};
}

/** Samples the 1-minute load average during a run (the machine may be shared). */
function loadWatcher(): () => number {
	const samples: number[] = [os.loadavg()[0]];
	const timer = setInterval(() => samples.push(os.loadavg()[0]), 5000);
	return () => {
		clearInterval(timer);
		samples.push(os.loadavg()[0]);
		return samples.reduce((sum, value) => sum + value, 0) / samples.length;
	};
}

async function runContender(
	suite: N8nSuite,
	contender: Contender,
	options: BenchOptions,
): Promise<void> {
	const slowest = options.latencyMs * (1 + options.spread);
	const timeoutMs = slowest + 10 * 60_000;
	log(
		`${contender.provider} ${contender.label}: executing (about ${Math.round(slowest / 1000 + 15)} s)`,
	);
	const stopLoad = loadWatcher();
	try {
		contender.measured = await executeMeasured(suite.cli, contender.workflow.id!, [contender.sim], {
			timeoutMs,
		});
		contender.loadAverage = stopLoad();
		const { run, parseError, stdoutBytes, outputTail } = contender.measured;
		if (!run) {
			contender.failure = `n8n's output (${stdoutBytes} bytes) could not be read: ${parseError}; figures are from the simulator`;
			log(`${contender.provider} ${contender.label}: ${contender.failure}\n${outputTail ?? ''}`);
		} else if (run.status !== 'success' || run.exitCode !== 0) contender.failure = describeRun(run);
		contender.figures = figuresOf(contender.sim);
		const f = contender.figures;
		log(
			`${contender.provider} ${contender.label}: span ${seconds(f.spanMs)}, ${fixed(f.statusCallsPerTask)} status calls/task, lag p50 ${seconds(f.lagP50Ms, 2)} p95 ${seconds(f.lagP95Ms, 2)}, ${f.downloaded}/${f.tasks} videos`,
		);
	} catch (error) {
		stopLoad();
		contender.failure = error instanceof Error ? error.message.split('\n')[0] : String(error);
		log(`${contender.provider} ${contender.label}: FAILED ${contender.failure}`);
	}
}

function comparisonTable(
	loop: Contender | undefined,
	node: Contender | undefined,
	options: BenchOptions,
): string {
	const lf = loop?.figures;
	const nf = node?.figures;
	const lm = loop?.measured;
	const nm = node?.measured;
	const long = options.scenario === 'long';
	const rows: Cell[][] = [];
	const add = (
		name: string,
		l: number | undefined,
		n: number | undefined,
		format: (v: number) => string,
		target = '',
		pass?: boolean,
		showRatio = true,
	) =>
		rows.push([
			name,
			l === undefined ? '' : format(l),
			n === undefined ? '' : format(n),
			showRatio && l !== undefined && n !== undefined ? ratio(n, l) : '',
			target,
			pass === undefined ? '' : verdict(pass),
		]);
	rows.push([
		'tasks / videos stored',
		lf ? `${lf.tasks} / ${lf.downloaded}` : '',
		nf ? `${nf.tasks} / ${nf.downloaded}` : '',
		'',
		'',
		'',
	]);
	add('span (first submit → last video stored)', lf?.spanMs, nf?.spanMs, (v) => seconds(v));
	add(
		'slowest task (its own latency)',
		lf?.slowestTaskMs,
		nf?.slowestTaskMs,
		(v) => seconds(v),
		'',
		undefined,
		false,
	);
	add(
		'span − slowest task',
		lf?.overSlowestMs,
		nf?.overSlowestMs,
		(v) => seconds(v),
		'node ≤ 2.0 s',
		nf ? nf.overSlowestMs <= 2000 : undefined,
		false,
	);
	add(
		'last task finished → last video stored',
		lf?.tailMs,
		nf?.tailMs,
		(v) => seconds(v),
		'',
		undefined,
		false,
	);
	add(
		'submissions spread over',
		lf?.submitSpreadMs,
		nf?.submitSpreadMs,
		(v) => seconds(v, 2),
		'',
		undefined,
		false,
	);
	const callsTarget = long ? '≤ 12 per task' : '≤ 0.50× loop';
	const callsPass =
		nf &&
		(long
			? nf.statusCallsPerTask <= 12
			: lf
				? nf.statusCallsPerTask / lf.statusCallsPerTask <= 0.5
				: undefined);
	add(
		'status calls per task',
		lf?.statusCallsPerTask,
		nf?.statusCallsPerTask,
		(v) => fixed(v),
		callsTarget,
		callsPass,
	);
	add('detection lag p50', lf?.lagP50Ms, nf?.lagP50Ms, (v) => seconds(v, 2));
	const lagTarget = long ? '≤ 5 s' : '≤ 0.25× loop';
	const lagPass =
		nf && (long ? nf.lagP95Ms <= 5000 : lf ? nf.lagP95Ms / lf.lagP95Ms <= 0.25 : undefined);
	add('detection lag p95', lf?.lagP95Ms, nf?.lagP95Ms, (v) => seconds(v, 2), lagTarget, lagPass);
	add('detection lag max', lf?.lagMaxMs, nf?.lagMaxMs, (v) => seconds(v, 2));
	add(
		'detected → video stored p50',
		lf?.downloadAfterDetectP50Ms,
		nf?.downloadAfterDetectP50Ms,
		(v) => seconds(v, 2),
		'',
		undefined,
		false,
	);
	add(
		'detected → video stored p95',
		lf?.downloadAfterDetectP95Ms,
		nf?.downloadAfterDetectP95Ms,
		(v) => seconds(v, 2),
		'',
		undefined,
		false,
	);
	add(
		'most status calls in 1 s',
		lf?.maxStatusPerSecond,
		nf?.maxStatusPerSecond,
		(v) => String(v),
		'budget 5/s, burst 5',
		undefined,
		false,
	);
	add(
		'API answers other than 200',
		lf?.apiErrors,
		nf?.apiErrors,
		(v) => String(v),
		'',
		undefined,
		false,
	);
	add(
		'n8n RSS when the workflow began',
		lm?.startMainKb,
		nm?.startMainKb,
		mb,
		'',
		undefined,
		false,
	);
	add('peak RSS during the workflow (n8n process)', lm?.peakMainKb, nm?.peakMainKb, mb);
	add('peak RSS during the workflow (+ task runner)', lm?.peakTreeKb, nm?.peakTreeKb, mb);
	add(
		'load average during the run',
		loop?.loadAverage,
		node?.loadAverage,
		(v) => v.toFixed(2),
		'',
		undefined,
		false,
	);
	return table(['', 'loop', 'node', 'node/loop', 'target', ''], rows);
}

/** How the items went round the loop, from n8n's own run data: one Wait per pass, holding every item still running. */
function loopPasses(measured: MeasuredRun): string {
	if (!measured.run) return 'loop in n8n: its run data could not be read';
	const runData = measured.run.runData;
	const items = (node: string, output = 0) =>
		(runData[node] ?? []).map((run) => run.data?.main?.[output]?.length ?? 0);
	const waits = items('Wait');
	const done = items('Done?', 0);
	return (
		`loop in n8n: Wait ran ${waits.length} times (items per pass: ${waits.join(', ')}); ` +
		`Get Status ${items('Get Status').length} runs; videos found done per pass: ${done.join(', ')}; Download ${items('Download').length} runs`
	);
}

/** n8n's Wait node parks an execution in the database from 65 s on. */
const PARKS_FROM_SECONDS = 65;

/**
 * The durable loops, one after the other, in n8n started as a server (the Wait node parks, and only
 * a server resumes): each is started by its webhook and followed in n8n's database until it ends.
 */
async function runDurables(
	suite: N8nSuite,
	durables: Contender[],
	options: BenchOptions,
): Promise<void> {
	for (const durable of durables)
		await suite.cli.runOk(['publish:workflow', `--id=${durable.workflow.id!}`]);
	log('durable: starting n8n as a server');
	const server = await N8nServer.start(suite);
	try {
		for (const durable of durables) {
			const slowest = options.latencyMs * (1 + options.spread);
			log(
				`${durable.provider} ${durable.label}: running (about ${Math.round(slowest / 1000 + PARKS_FROM_SECONDS)} s)`,
			);
			const stopLoad = loadWatcher();
			const response = await server.postWebhook(
				durable.label === 'push'
					? pushWebhookPath(durable.provider)
					: durableWebhookPath(durable.provider),
				{},
			);
			if (response.status !== 200) throw new Error(`webhook: ${response.status}`);
			const execution = await server.waitForExecution(
				durable.workflow.id!,
				'the durable loop to end',
				([candidate]) =>
					candidate && !['new', 'running', 'waiting'].includes(candidate.status)
						? candidate
						: undefined,
				slowest + 20 * 60_000,
			);
			durable.loadAverage = stopLoad();
			if (execution.status !== 'success')
				durable.failure = `${execution.status}: ${execution.error?.message ?? ''}`;
			// The push loop's Wait node, resumed by a call, hands on the call: its input says what it was fed.
			const fedBy = durable.label === 'push' ? 'Pending Tasks' : 'Wait';
			durable.waits = (execution.runData[fedBy] ?? []).map(
				(run) => run.data?.main?.[0]?.[0]?.json.checkAfterSeconds as number,
			);
			durable.wokenByCallback = (execution.runData.Wait ?? []).filter(
				(run) => run.data?.main?.[0]?.[0]?.json.taskId === undefined,
			).length;
			if (durable.label === 'push') durable.relay = await relayFigures(server, durable, execution);
			durable.runningMs = Object.entries(execution.runData)
				.filter(([name]) => name !== 'Wait' && name !== 'Start')
				.flatMap(([, runs]) => runs)
				.reduce((sum, run) => sum + (run.executionTime ?? 0), 0);
			durable.figures = figuresOf(durable.sim);
			const f = durable.figures;
			log(
				`${durable.provider} ${durable.label}: span ${seconds(f.spanMs)}, ${fixed(f.statusCallsPerTask)} status calls/task, lag p50 ${seconds(f.lagP50Ms, 2)} p95 ${seconds(f.lagP95Ms, 2)}, waits ${durable.waits.join(', ')} s, ${f.downloaded}/${f.tasks} videos`,
			);
		}
	} finally {
		await server.stop();
	}
}

/**
 * The push loop's relay executions (every one after the loop's own): each call starts one, which
 * forwards it to the resume URL unless it names a step before the end, sending it again each
 * second while n8n refuses it; given up after the last try, the call is lost to the loop.
 */
async function relayFigures(
	server: N8nServer,
	push: Contender,
	loop: SavedExecution,
): Promise<Contender['relay']> {
	// A relay execution may still be forwarding a late call: let it end.
	await sleep(8_000);
	const relays = (await server.executions(push.workflow.id!)).filter((e) => e.id !== loop.id);
	const forwards = relays.flatMap((e) => e.runData['Wake the Loop'] ?? []);
	const givenUp = forwards.filter((run) =>
		(run.data?.main?.[0] ?? []).some((item) => item.json.error !== undefined),
	).length;
	return { executions: relays.length, forwarded: forwards.length, givenUp };
}

/** The durable loop next to the in-memory node and the plain loop. */
function durableTable(
	loop: Contender | undefined,
	node: Contender | undefined,
	durable: Contender | undefined,
	push?: Contender,
): string {
	const contenders = [loop, node, durable, push];
	const row = (name: string, value: (c: Contender) => string): Cell[] => [
		name,
		...contenders.map((c) => (c?.figures ? value(c) : '')),
	];
	const fed = (c: Contender | undefined) => {
		const waits = c?.waits ?? [];
		if (waits.length === 0) return '';
		// A push loop resumed by each call has a round per video: the spread, not the list.
		const listed =
			waits.length <= 8
				? waits.join(', ')
				: `${Math.min(...waits)}–${Math.max(...waits)} (first ${waits.slice(0, 3).join(', ')})`;
		return `${listed}; ${waits.filter((wait) => wait >= PARKS_FROM_SECONDS).length} of ${waits.length} parked`;
	};
	return table(
		[
			'',
			'loop (Wait 10 s)',
			'node (in memory)',
			`durable (hold ${DURABLE_HOLD_SECONDS} s)`,
			'push (callback wakes the Wait)',
		],
		[
			row('tasks / videos stored', (c) => `${c.figures!.tasks} / ${c.figures!.downloaded}`),
			row('status calls per task', (c) => fixed(c.figures!.statusCallsPerTask)),
			row('detection lag p50', (c) => seconds(c.figures!.lagP50Ms, 2)),
			row('detection lag p95', (c) => seconds(c.figures!.lagP95Ms, 2)),
			row('detection lag max', (c) => seconds(c.figures!.lagMaxMs, 2)),
			row('span − slowest task', (c) => seconds(c.figures!.overSlowestMs)),
			row('most status calls in 1 s', (c) => String(c.figures!.maxStatusPerSecond)),
			['Wait node fed (s), parked', '', '', fed(durable), fed(push)],
			[
				'rounds (resumes of the Wait node)',
				'',
				'',
				durable?.waits ? String(durable.waits.length) : '',
				push?.waits ? `${push.waits.length} (${push.wokenByCallback} woken by a call)` : '',
			],
			[
				'time running, all rounds (n8n saves and resumes between)',
				'',
				'',
				durable?.runningMs !== undefined ? seconds(durable.runningMs) : '',
				push?.runningMs !== undefined ? seconds(push.runningMs) : '',
			],
			[
				'callbacks sent (answered 2xx)',
				'',
				'',
				'',
				push
					? `${push.sim.callbacks.length} (${push.sim.callbacks.filter((call) => typeof call.status === 'number' && call.status < 300).length})`
					: '',
			],
			[
				'relay executions: calls forwarded, given up',
				'',
				'',
				'',
				push?.relay
					? `${push.relay.executions}: ${push.relay.forwarded}, ${push.relay.givenUp}`
					: '',
			],
		],
	);
}

async function runDownloadCases(
	suite: N8nSuite,
	cases: DownloadCase[],
	reps: number,
): Promise<void> {
	for (let rep = 0; rep < reps; rep++) {
		for (const downloadCase of cases) {
			downloadCase.sim.reset();
			log(`download memory: ${downloadCase.label}, run ${rep + 1}/${reps}`);
			const measured = await executeMeasured(
				suite.cli,
				downloadCase.workflow.id!,
				[downloadCase.sim],
				{ timeoutMs: 10 * 60_000 },
			);
			if (!measured.run)
				throw new Error(
					`${downloadCase.label}: ${measured.parseError}\n${measured.outputTail ?? ''}`,
				);
			if (measured.run.status !== 'success')
				throw new Error(`${downloadCase.label}: ${describeRun(measured.run)}`);
			const stored = downloadCase.sim.requests.find(
				(r) => r.kind === 'download' && r.status === 200 && r.completedAt !== undefined,
			);
			if (!stored) throw new Error(`${downloadCase.label}: the video was not downloaded`);
			downloadCase.runs.push(measured);
		}
	}
}

function downloadTable(cases: DownloadCase[], options: BenchOptions): string {
	const rows: Cell[][] = [];
	const peak = (c: DownloadCase) => median(c.runs.map((r) => r.peakMainKb));
	const growthInRun = (c: DownloadCase) => median(c.runs.map((r) => r.peakMainKb - r.startMainKb));
	const tree = (c: DownloadCase) => median(c.runs.map((r) => r.peakTreeKb));
	const limitKb = 32 * 1024;
	for (const via of ['node', 'loop'] as const) {
		const tiny = cases.find((c) => c.via === via && c.videoMb === 0);
		if (!tiny) continue;
		for (const big of cases.filter((c) => c.via === via && c.videoMb > 0)) {
			const growth = peak(big) - peak(tiny);
			rows.push([
				via === 'node' ? 'node (Generate Video)' : 'loop (HTTP Request, file)',
				`${big.videoMb} MB`,
				`${mb(peak(tiny))} (${signedMb(growthInRun(tiny))})`,
				`${mb(peak(big))} (${signedMb(growthInRun(big))})`,
				signedMb(growth),
				`${mb(tree(tiny))} / ${mb(tree(big))}`,
				via === 'node' ? '≤ +32 MB' : '',
				via === 'node' ? verdict(growth <= limitKb) : '',
			]);
		}
	}
	return table(
		[
			`one item, filesystem binary mode, median of ${options.downloadReps}`,
			'video',
			'peak RSS, 2 KB video (growth in run)',
			'peak RSS, big video (growth in run)',
			'growth',
			'with task runner: 2 KB / big',
			'target',
			'',
		],
		rows,
	);
}

function startupTable(results: StartupFigures[], boot: BootFigures, n8nVersion: string): string {
	const rows: Cell[][] = results.map((r) => [
		`fresh process${r.warmIntl ? ', Intl already used' : ''}: ${r.mode === 'require' ? 'require() node + credentials, new each' : "n8n-core's PackageDirectoryLoader.loadAll()"}`,
		r.nodeVersion,
		r.reps,
		`${r.medianMs.toFixed(1)} ms`,
		`${r.minMs.toFixed(1)} ms`,
		`${r.maxMs.toFixed(1)} ms`,
		'≤ 20 ms',
		verdict(r.medianMs <= 20),
	]);
	const range = (values: number[]) => [
		`${median(values).toFixed(1)} ms`,
		`${Math.min(...values).toFixed(1)} ms`,
		`${Math.max(...values).toFixed(1)} ms`,
	];
	rows.push([
		`inside n8n ${n8nVersion}'s boot: its require() of the package's ${boot.boots[0]?.files ?? 0} files`,
		'v24 (n8n)',
		boot.reps,
		...range(boot.boots.map((b) => b.requireMs)),
		'',
		'',
	]);
	rows.push([
		`inside n8n ${n8nVersion}'s boot: PackageDirectoryLoader.loadAll() of the package`,
		'v24 (n8n)',
		boot.reps,
		...range(boot.boots.map((b) => b.loadAllMs)),
		'≤ 20 ms',
		verdict(boot.loadAllMedianMs <= 20),
	]);
	return table(['start-up', 'Node', 'runs', 'median', 'min', 'max', 'target', ''], rows);
}

async function main(): Promise<void> {
	const options = readOptions();
	const facts = await machine();
	const started = Date.now();
	const wantsRuns = ['loop', 'node', 'durable', 'push'].some((part) =>
		options.parts.includes(part as Part),
	);
	console.log(`# Kling node benchmark, ${new Date().toISOString()}`);
	for (const [name, value] of Object.entries(facts)) console.log(`${name}: ${value}`);
	if (wantsRuns) {
		console.log(
			`scenario: ${options.scenario}: ${options.tasks} tasks, latency ${options.latencyMs / 1000} s ±${Math.round(options.spread * 100)}% (seed ${options.seed}), ` +
				`eta noise ${options.etaNoise}, loop Wait ${options.waitSeconds} s, node Poll Interval ${options.pollIntervalSeconds || 'auto'}, providers ${options.providers.join(', ')}`,
		);
	}

	const simulators: Simulator[] = [];
	let suite: N8nSuite | undefined;
	const cleanUp = async () => {
		await suite?.close();
		await Promise.all(simulators.map(async (sim) => await sim.close()));
	};
	const onSignal = () => {
		log('stopping…');
		void cleanUp().then(() => process.exit(130));
	};
	process.once('SIGINT', onSignal);
	process.once('SIGTERM', onSignal);

	const output: Record<string, unknown> = { options, machine: facts };
	try {
		suite = await startN8nSuite('bench');
		const packageDir = path.join(suite.userFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME);
		const simulator = async (
			provider: ProviderId,
			videoBytes: number,
			latency = { meanMs: options.latencyMs, spread: options.spread, seed: options.seed },
		) => {
			const sim = await startSimulator({
				provider,
				apiKey: `bench-${provider}-key`,
				latency,
				etaNoise: options.etaNoise,
				seed: options.seed,
				videoBytes,
			});
			simulators.push(sim);
			return sim;
		};

		// Everything is imported up front: each n8n CLI call costs about 10 s of boot.
		const credentials: CredentialImport[] = [];
		const workflows: WorkflowJson[] = [];
		const contenders: Contender[] = [];
		const durables: Contender[] = [];
		for (const provider of wantsRuns ? options.providers : []) {
			if (options.parts.includes('loop')) {
				const sim = await simulator(provider, RUN_VIDEO_BYTES);
				const workflow = loopWorkflow(
					`benchLoop${provider}`,
					sim,
					options.tasks,
					options.waitSeconds,
				);
				contenders.push({ label: 'loop', provider, sim, workflow });
			}
			if (options.parts.includes('node')) {
				const sim = await simulator(provider, RUN_VIDEO_BYTES);
				const credential = simulatorCredential(sim, `benchNode${provider}`);
				credentials.push(credential);
				const workflow = nodeWorkflow(
					`benchNode${provider}`,
					provider,
					credential.ref,
					options.tasks,
					options.pollIntervalSeconds,
				);
				contenders.push({ label: 'node', provider, sim, workflow });
			}
			if (options.parts.includes('durable')) {
				const sim = await simulator(provider, RUN_VIDEO_BYTES);
				const credential = simulatorCredential(sim, `benchDurable${provider}`);
				credentials.push(credential);
				const workflow = durableWorkflow(
					`benchDurable${provider}`,
					provider,
					credential.ref,
					options.tasks,
				);
				durables.push({ label: 'durable', provider, sim, workflow });
			}
			if (options.parts.includes('push')) {
				const sim = await simulator(provider, RUN_VIDEO_BYTES);
				const credential = simulatorCredential(sim, `benchPush${provider}`);
				credentials.push(credential);
				const workflow = pushWorkflow(
					`benchPush${provider}`,
					provider,
					credential.ref,
					options.tasks,
				);
				durables.push({ label: 'push', provider, sim, workflow });
			}
		}
		const downloadCases: DownloadCase[] = [];
		if (options.parts.includes('download')) {
			const quick = { meanMs: 2000, spread: 0, seed: 1 };
			for (const videoMb of [0, ...options.videoMb]) {
				const videoBytes = videoMb === 0 ? 2048 : Math.round(videoMb * MIB);
				const key = videoMb === 0 ? 'tiny' : `${videoMb}mb`.replace('.', '_');
				const nodeSim = await simulator('novita', videoBytes, quick);
				const credential = simulatorCredential(nodeSim, `benchDl${key}`);
				credentials.push(credential);
				downloadCases.push({
					label: `node, ${videoMb ? `${videoMb} MB` : '2 KB'} video`,
					via: 'node',
					videoMb,
					videoBytes,
					sim: nodeSim,
					workflow: nodeWorkflow(`benchDlNode${key}`, 'novita', credential.ref, 1, 0),
					runs: [],
				});
				const loopSim = await simulator('novita', videoBytes, quick);
				downloadCases.push({
					label: `loop, ${videoMb ? `${videoMb} MB` : '2 KB'} video`,
					via: 'loop',
					videoMb,
					videoBytes,
					sim: loopSim,
					workflow: loopWorkflow(`benchDlLoop${key}`, loopSim, 1, 1),
					runs: [],
				});
			}
			workflows.push(...downloadCases.map((c) => c.workflow));
		}
		workflows.push(...[...contenders, ...durables].map((c) => c.workflow));
		if (options.parts.includes('startup')) workflows.push(bootWorkflow('benchBoot'));
		if (credentials.length > 0) await suite.cli.importCredentials(credentials);
		if (workflows.length > 0) await suite.cli.importWorkflows(workflows);

		// The waiting runs, one at a time (the machine has 2 cores; n8n's boot takes one for 10 s).
		for (const contender of contenders) await runContender(suite, contender, options);
		if (durables.length > 0) await runDurables(suite, durables, options);
		const results: Record<string, unknown> = {};
		for (const provider of wantsRuns ? options.providers : []) {
			const loop = contenders.find((c) => c.provider === provider && c.label === 'loop');
			const node = contenders.find((c) => c.provider === provider && c.label === 'node');
			const durable = durables.find((c) => c.provider === provider && c.label === 'durable');
			const push = durables.find((c) => c.provider === provider && c.label === 'push');
			console.log(
				`\n## ${provider}: ${options.tasks} tasks, ${options.latencyMs / 1000} s ±${Math.round(options.spread * 100)}%, loop Wait ${options.waitSeconds} s\n`,
			);
			if (loop || node) console.log(comparisonTable(loop, node, options));
			if (durable || push) {
				console.log(
					`\n### The durable loop (Submit Task → Wait checkAfterSeconds → Wait for Completion holding ${DURABLE_HOLD_SECONDS} s → back), n8n as a server; push: its Wait resumed by the provider's callback\n`,
				);
				console.log(durableTable(loop, node, durable, push));
			}
			for (const failed of [loop, node, durable, push].filter((c) => c?.failure))
				console.log(`\n${failed!.label} run did not succeed: ${failed!.failure}`);
			if (loop?.measured) console.log(`\n${loopPasses(loop.measured)}`);
			results[provider] = Object.fromEntries(
				[loop, node, durable, push]
					.filter((c): c is Contender => c !== undefined)
					.map((c) => [
						c.label,
						{
							figures: c.figures,
							failure: c.failure,
							loadAverage: c.loadAverage,
							...(c.waits && { waits: c.waits }),
							rss: c.measured && {
								startMainKb: c.measured.startMainKb,
								peakMainKb: c.measured.peakMainKb,
								peakTreeKb: c.measured.peakTreeKb,
								samples: c.measured.sampler.samples,
							},
							records: rawRecords(c.sim),
						},
					]),
			);
		}
		output.runs = results;

		if (downloadCases.length > 0) {
			await runDownloadCases(suite, downloadCases, options.downloadReps);
			console.log(
				`\n## Downloading one video of ${options.videoMb.join(', ')} MB (1 MB = ${MIB} bytes) vs 2 KB\n`,
			);
			console.log(downloadTable(downloadCases, options));
			output.download = downloadCases.map((c) => ({
				label: c.label,
				videoBytes: c.videoBytes,
				runs: c.runs.map((r) => ({
					startMainKb: r.startMainKb,
					peakMainKb: r.peakMainKb,
					peakTreeKb: r.peakTreeKb,
				})),
			}));
		}

		if (options.parts.includes('startup')) {
			const n8nModules = path.join(suite.cli.install.dir, 'node_modules');
			const repoModules = path.join(REPO_ROOT, 'node_modules');
			const results: StartupFigures[] = [];
			for (const mode of ['require', 'loader'] as const) {
				for (const warmIntl of [false, true]) {
					log(`start-up: ${mode}${warmIntl ? ', Intl already used' : ''}`);
					const common = { packageDir, mode, warmIntl, reps: options.startupReps };
					results.push(
						await measureStartup({
							...common,
							runtime: 'n8n',
							nodeBin: suite.cli.install.nodeBin,
							modulesDir: n8nModules,
						}),
					);
					results.push(
						await measureStartup({
							...common,
							runtime: 'machine',
							nodeBin: process.execPath,
							modulesDir: repoModules,
						}),
					);
				}
			}
			log('start-up: inside n8n boot');
			const boot = await measureBootLoad({
				reps: Math.min(3, options.startupReps),
				scratchDir: suite.userFolder,
				packageName: PACKAGE_NAME,
				run: async (env) => {
					const result = await suite!.cli.run(['execute', '--id=benchBoot', '--rawOutput'], {
						env,
					});
					if (result.exitCode !== 0)
						throw new Error(`the start-up run failed: ${result.stderr.slice(-2000)}`);
				},
			});
			console.log('\n## Start-up cost (what n8n does at boot for the installed package)\n');
			console.log(startupTable(results, boot, suite.cli.install.version));
			console.log(
				`\n(fresh processes: n8n-workflow/n8n-core are loaded before the timing, as n8n has them loaded: median ${results.map((r) => `${r.hostMedianMs.toFixed(0)} ms`).join(', ')})`,
			);
			output.startup = { freshProcess: results, n8nBoot: boot };
		}
	} finally {
		await cleanUp();
	}

	console.log(
		`\nbenchmark took ${seconds(Date.now() - started, 0)}; load average now ${os
			.loadavg()
			.map((l) => l.toFixed(2))
			.join(' ')}`,
	);
	if (options.outDir) {
		const dir = path.resolve(REPO_ROOT, options.outDir);
		mkdirSync(dir, { recursive: true });
		const file = path.join(
			dir,
			`${new Date().toISOString().replace(/[:.]/g, '-')}-${options.scenario}-${options.providers.join('+')}.json`,
		);
		writeFileSync(file, JSON.stringify(output));
		console.log(`raw records: ${path.relative(REPO_ROOT, file)}`);
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error instanceof Error ? error.stack : error);
		process.exit(1);
	},
);
