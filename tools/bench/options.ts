/* eslint-disable @n8n/community-nodes/no-restricted-globals -- benchmark tooling runs in plain Node, outside n8n's sandbox */
/**
 * The benchmark's settings: `--name=value` flags, or BENCH_NAME environment variables (flags win).
 */
import type { ProviderId } from '../n8n/workflows';
import { PROVIDER_IDS } from '../n8n/workflows';

export const PARTS = ['loop', 'node', 'durable', 'push', 'download', 'startup'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
	/** Tasks per workflow run. */
	tasks: number;
	/** Mean task latency, ms. */
	latencyMs: number;
	/** Relative spread of the latency: uniform in mean × (1 ± spread). */
	spread: number;
	/** Providers to run, one after the other (each: the loop and the node). */
	providers: ProviderId[];
	/** The no-code loop's Wait, seconds. */
	waitSeconds: number;
	/** Novita family: relative error of the simulated eta. */
	etaNoise: number;
	/** Seed of the simulated latencies (the loop and the node get the same ones). */
	seed: number;
	parts: Part[];
	/** The node's Poll Interval (Seconds), 0 = let the node decide. */
	pollIntervalSeconds: number;
	/** Sizes of the large videos of the download-memory part, MB (each compared with a tiny one). */
	videoMb: number[];
	/** Repetitions of each download-memory run (the median is reported). */
	downloadReps: number;
	/** Fresh processes per start-up measurement. */
	startupReps: number;
	/** Where the raw records (tasks, requests, RSS samples) are written; '' for nowhere. */
	outDir: string;
	/** The scenario's name, for headings and the raw-record file. */
	scenario: string;
}

const SCENARIOS: Record<string, Partial<Record<string, string>>> = {
	default: {},
	/** The second target: 100 tasks of 5 minutes ±30% (about 7 minutes per workflow run). */
	long: { tasks: '100', latency: '300' },
};

const HELP = `npm run bench -- [--name=value ...]   (or BENCH_<NAME>=value)

  --scenario=default|long   default: 50 tasks, 60 s ±30%; long: 100 tasks, 300 s ±30%
  --tasks=50                tasks per workflow run
  --latency=60              mean task latency, seconds
  --spread=0.3              latency spread: uniform in mean × (1 ± spread)
  --provider=novita         one or more of ${PROVIDER_IDS.join(', ')} (comma-separated)
  --wait=10                 the no-code loop's Wait, seconds
  --eta-noise=0.1           relative error of the eta the Novita-family simulator reports
  --seed=1                  seed of the simulated latencies (the simulator hashes seed XOR task index, so
                            nearby seeds give the same latencies in another order: use e.g. 1, 1001, 2001)
  --parts=loop,node,durable,push,download,startup   which parts to run (durable: the Wait-node loop of
                            examples/durable-loop.json, run by n8n as a server; push: the same loop
                            woken by the provider's callback through the relay of examples/durable-loop-push-relay.json)
  --poll-interval=0         the node's "Poll Interval (Seconds)" (0: the node decides)
  --video-mb=200            size(s) of the large video in the download-memory part (e.g. 200,1000)
  --download-reps=2         runs of each download-memory case (median reported)
  --startup-reps=10         fresh processes per start-up measurement
  --out=.output/bench       folder for the raw records (JSON); --out= to write none
`;

function readRaw(argv: string[]): Record<string, string> {
	const raw: Record<string, string> = {};
	for (const [name, value] of Object.entries(process.env)) {
		if (name.startsWith('BENCH_') && value !== undefined)
			raw[name.slice(6).toLowerCase().replace(/_/g, '-')] = value;
	}
	for (const arg of argv) {
		if (arg === '--help' || arg === '-h') {
			process.stdout.write(HELP);
			process.exit(0);
		}
		const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
		if (!match) throw new Error(`unknown argument "${arg}" (try --help)`);
		raw[match[1]] = match[2] ?? 'true';
	}
	return raw;
}

function number(
	raw: Record<string, string>,
	name: string,
	fallback: number,
	check: (value: number) => boolean,
): number {
	if (raw[name] === undefined || raw[name] === '') return fallback;
	const value = Number(raw[name]);
	if (!Number.isFinite(value) || !check(value))
		throw new Error(`--${name}=${raw[name]} is not a valid value`);
	return value;
}

export function readOptions(argv = process.argv.slice(2)): BenchOptions {
	const given = readRaw(argv);
	const scenario = given.scenario ?? 'default';
	if (!SCENARIOS[scenario])
		throw new Error(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}`);
	const raw = { ...SCENARIOS[scenario], ...given } as Record<string, string>;

	const providers = (raw.provider ?? 'novita').split(',').map((p) => p.trim()) as ProviderId[];
	for (const provider of providers) {
		if (!PROVIDER_IDS.includes(provider))
			throw new Error(`--provider: "${provider}" is not one of ${PROVIDER_IDS.join(', ')}`);
	}
	const parts = (raw.parts ?? PARTS.join(',')).split(',').map((p) => p.trim()) as Part[];
	for (const part of parts)
		if (!PARTS.includes(part))
			throw new Error(`--parts: "${part}" is not one of ${PARTS.join(', ')}`);

	return {
		scenario,
		tasks: number(raw, 'tasks', 50, (v) => Number.isInteger(v) && v >= 1 && v <= 1000),
		latencyMs: number(raw, 'latency', 60, (v) => v > 0) * 1000,
		spread: number(raw, 'spread', 0.3, (v) => v >= 0 && v < 1),
		providers,
		waitSeconds: number(raw, 'wait', 10, (v) => v > 0 && v < 65),
		etaNoise: number(raw, 'eta-noise', 0.1, (v) => v >= 0 && v < 1),
		seed: number(raw, 'seed', 1, (v) => Number.isInteger(v)),
		parts,
		pollIntervalSeconds: number(raw, 'poll-interval', 0, (v) => v >= 0),
		videoMb: (raw['video-mb'] ?? '200')
			.split(',')
			.map((size) => number({ size }, 'size', 200, (v) => v > 0)),
		downloadReps: number(raw, 'download-reps', 2, (v) => Number.isInteger(v) && v >= 1),
		startupReps: number(raw, 'startup-reps', 10, (v) => Number.isInteger(v) && v >= 1),
		outDir: raw.out ?? '.output/bench',
	};
}
