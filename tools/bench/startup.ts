/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- benchmark tooling runs in plain Node, outside n8n's sandbox */
/**
 * Start-up cost: what n8n does at boot for an installed community package, timed in fresh Node
 * processes (each one cold: nothing of the package loaded yet). n8n-workflow (and n8n-core) are
 * loaded first and not timed: n8n has them loaded before it looks at community packages.
 *
 * - require: require() of the node file and each credential file, and `new` of each class
 *   (what n8n's loadClassInIsolation does for each file listed in package.json's `n8n` section);
 * - loader: n8n-core's own PackageDirectoryLoader.loadAll() on the installed package (also reads the
 *   codex, fixes icon paths, validates the node description).
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { runCommand } from '../n8n/processes';
import { median } from './metrics';

const CHILD_SCRIPT = String.raw`
const { performance } = require('node:perf_hooks');
const path = require('node:path');
const dir = process.env.BENCH_PACKAGE_DIR;
const mode = process.env.BENCH_MODE;
const pkg = require(path.join(dir, 'package.json'));
const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
(async () => {
	const before = performance.now();
	require('n8n-workflow');
	// n8n has used Intl (ICU) long before it loads community packages; a cold process has not.
	if (process.env.BENCH_WARM_INTL === '1') (1).toLocaleString('en-US');
	let loader;
	if (mode === 'loader') {
		const core = require('n8n-core');
		loader = new core.PackageDirectoryLoader(dir);
	}
	const hostLoadedMs = performance.now() - before;
	const start = performance.now();
	if (mode === 'loader') {
		await loader.loadAll();
	} else {
		for (const file of files) {
			const className = path.basename(file).split('.')[0];
			new (require(path.join(dir, file))[className])();
		}
	}
	const ms = performance.now() - start;
	const loaded = mode === 'loader'
		? Object.keys(loader.nodeTypes).length + Object.keys(loader.credentialTypes).length
		: files.length;
	process.stdout.write(JSON.stringify({ ms, hostLoadedMs, loaded }) + '\n');
})().catch((error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); });
`;

export interface StartupFigures {
	runtime: string;
	mode: 'require' | 'loader';
	/** Intl (ICU) used before the timing, as n8n has by the time it loads community packages. */
	warmIntl: boolean;
	nodeVersion: string;
	reps: number;
	medianMs: number;
	maxMs: number;
	minMs: number;
	/** How many classes were loaded: the node and each credential. */
	loaded: number;
	/** Time to load the host's n8n-workflow (and n8n-core) first, untimed in the figures, median ms. */
	hostMedianMs: number;
}

/**
 * Times `reps` fresh processes of `nodeBin`, each loading the package in `packageDir`, with
 * `modulesDir` (a node_modules holding n8n-workflow and n8n-core) on NODE_PATH as n8n provides them.
 */
export async function measureStartup(options: {
	runtime: string;
	nodeBin: string;
	packageDir: string;
	modulesDir: string;
	mode: 'require' | 'loader';
	warmIntl: boolean;
	reps: number;
}): Promise<StartupFigures> {
	const env = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) => !/^(NODE_OPTIONS|NODE_ENV|NODE_PATH)$/.test(name),
		),
	);
	const nodeVersion = (
		await runCommand(options.nodeBin, ['--version'], { cwd: options.packageDir })
	).trim();
	const times: number[] = [];
	const host: number[] = [];
	let loaded = 0;
	for (let rep = 0; rep < options.reps; rep++) {
		const stdout = await runCommand(options.nodeBin, ['-e', CHILD_SCRIPT], {
			cwd: path.dirname(options.packageDir),
			env: {
				...env,
				NODE_PATH: options.modulesDir,
				NODE_ENV: 'production',
				BENCH_PACKAGE_DIR: options.packageDir,
				BENCH_MODE: options.mode,
				BENCH_WARM_INTL: options.warmIntl ? '1' : '0',
				N8N_DIAGNOSTICS_ENABLED: 'false',
			},
			timeoutMs: 120_000,
		});
		const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
			ms: number;
			hostLoadedMs: number;
			loaded: number;
		};
		times.push(result.ms);
		host.push(result.hostLoadedMs);
		loaded = result.loaded;
	}
	return {
		runtime: options.runtime,
		mode: options.mode,
		warmIntl: options.warmIntl,
		nodeVersion,
		reps: options.reps,
		medianMs: median(times),
		maxMs: Math.max(...times),
		minMs: Math.min(...times),
		loaded,
		hostMedianMs: median(host),
	};
}

/** Preloaded into n8n (NODE_OPTIONS=--require): times each top-level load of a file of the package during n8n's own boot. */
const BOOT_HOOK = String.raw`
const Module = require('node:module');
const { performance } = require('node:perf_hooks');
const fs = require('node:fs');
const marker = process.env.BENCH_PACKAGE_MARKER;
const packageName = process.env.BENCH_PACKAGE_NAME;
const logFile = process.env.BENCH_LOAD_LOG;
const record = (entry) => fs.appendFileSync(logFile, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
const original = Module._load;
let depth = 0;
let patched = false;
// Wraps n8n-core's loader once it is loaded: loadAll() of this package is the whole per-package boot work.
function patchLoader(core) {
	const Loader = core && core.PackageDirectoryLoader;
	if (patched || !Loader) return;
	patched = true;
	const loadAll = Loader.prototype.loadAll;
	Loader.prototype.loadAll = async function () {
		if (this.packageName !== packageName) return await loadAll.apply(this, arguments);
		const start = performance.now();
		try {
			return await loadAll.apply(this, arguments);
		} finally {
			record({ kind: 'loadAll', ms: performance.now() - start });
		}
	};
}
Module._load = function (request) {
	if (depth > 0 || typeof request !== 'string' || !request.includes(marker)) {
		const result = original.apply(this, arguments);
		if (request === 'n8n-core') patchLoader(result);
		return result;
	}
	depth++;
	const start = performance.now();
	try {
		return original.apply(this, arguments);
	} finally {
		depth--;
		record({ kind: 'require', file: request.slice(request.indexOf(marker) + marker.length), ms: performance.now() - start });
	}
};
`;

export interface BootFigures {
	reps: number;
	/** Per boot: the package's files n8n required and the time in those require() calls; the whole loadAll() of the package, ms. */
	boots: Array<{ files: number; requireMs: number; loadAllMs: number }>;
	requireMedianMs: number;
	loadAllMedianMs: number;
}

/**
 * The same cost measured inside n8n's real boot: `run(env)` starts one n8n CLI command that loads
 * the installed community packages (e.g. `n8n execute` of a trivial workflow) with a hook preloaded
 * that times every require() n8n makes of the package's files (the node, its codex, the credentials).
 */
export async function measureBootLoad(options: {
	reps: number;
	scratchDir: string;
	packageName: string;
	run: (env: Record<string, string>) => Promise<void>;
}): Promise<BootFigures> {
	const hook = path.join(options.scratchDir, 'boot-load-hook.js');
	writeFileSync(hook, BOOT_HOOK);
	const boots: BootFigures['boots'] = [];
	for (let rep = 0; rep < options.reps; rep++) {
		const logFile = path.join(options.scratchDir, `boot-load-${rep}.jsonl`);
		rmSync(logFile, { force: true });
		await options.run({
			NODE_OPTIONS: `--require ${hook}`,
			BENCH_LOAD_LOG: logFile,
			BENCH_PACKAGE_MARKER: `/node_modules/${options.packageName}/`,
			BENCH_PACKAGE_NAME: options.packageName,
		});
		const lines = existsSync(logFile)
			? readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean)
			: [];
		const entries = lines.map(
			(line) =>
				JSON.parse(line) as { pid: number; kind: 'require' | 'loadAll'; file?: string; ms: number },
		);
		// The main process is the one that loaded the node file (task runners do not load packages).
		const mainPid = entries.find((entry) => entry.file?.includes('.node.js'))?.pid;
		const mine = entries.filter((entry) => entry.pid === mainPid);
		const requires = mine.filter((entry) => entry.kind === 'require');
		boots.push({
			files: requires.length,
			requireMs: requires.reduce((sum, entry) => sum + entry.ms, 0),
			loadAllMs: mine
				.filter((entry) => entry.kind === 'loadAll')
				.reduce((sum, entry) => sum + entry.ms, 0),
		});
	}
	return {
		reps: options.reps,
		boots,
		requireMedianMs: median(boots.map((boot) => boot.requireMs)),
		loadAllMedianMs: median(boots.map((boot) => boot.loadAllMs)),
	};
}
