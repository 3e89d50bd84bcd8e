/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The package as a user gets it: `npm run build`, `npm pack`, then the tarball installed into an n8n
 * user folder the way n8n installs community packages (`<user folder>/.n8n/nodes`).
 */
import { createHash } from 'node:crypto';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';

import { cacheRoot } from './installN8n';
import { withLock } from './lock';
import { NPM as npm, runCommand } from './processes';

/** The repository root (holds package.json). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..');

const PACKAGE_JSON = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
	name: string;
	version: string;
};

/** The package name, e.g. n8n-nodes-kling-i2v. */
export const PACKAGE_NAME = PACKAGE_JSON.name;

/** The node's type as n8n knows it once the package is installed as a community package. */
export const KLING_NODE_TYPE = `${PACKAGE_NAME}.klingImageToVideo`;

/** What goes into the build: a tarball packed from the same inputs is the same package. */
const BUILD_INPUTS = [
	'nodes',
	'credentials',
	'package.json',
	'tsconfig.json',
	'gulpfile.js',
	'index.js',
	'.npmignore',
];

function hashBuildInputs(): string {
	const hash = createHash('sha256');
	const visit = (relative: string) => {
		const absolute = path.join(REPO_ROOT, relative);
		if (!existsSync(absolute)) return;
		if (statSync(absolute).isDirectory()) {
			for (const entry of readdirSync(absolute).sort()) visit(path.join(relative, entry));
			return;
		}
		hash.update(relative).update('\0').update(readFileSync(absolute)).update('\0');
	};
	for (const input of BUILD_INPUTS) visit(input);
	return hash.digest('hex').slice(0, 16);
}

/** `npm run build` then `npm pack` into `destination`; returns the tarball's path. */
export async function buildAndPack(
	destination: string,
	log: (line: string) => void = () => undefined,
): Promise<string> {
	mkdirSync(destination, { recursive: true });
	mkdirSync(cacheRoot(), { recursive: true });
	// One build at a time: two builds writing dist/ at once could pack a half-written file.
	return await withLock(
		path.join(cacheRoot(), 'build.lock'),
		async () => {
			log('[package] npm run build');
			await runCommand(npm, ['run', 'build'], { cwd: REPO_ROOT });
			log('[package] npm pack');
			const output = await runCommand(
				npm,
				['pack', '--pack-destination', destination, '--loglevel=error'],
				{ cwd: REPO_ROOT },
			);
			const tarball = path.join(destination, output.trim().split('\n').pop()!.trim());
			if (!existsSync(tarball)) throw new Error(`npm pack did not produce ${tarball}`);
			return tarball;
		},
		{ log: (line) => log(`[package] ${line}`), what: 'to finish building', staleMs: 10 * 60_000 },
	);
}

/**
 * The packed package for the current sources: built and packed once per change of the build inputs
 * (so several test files, in parallel jest workers or one after the other, share one build).
 */
export async function packedPackage(
	log: (line: string) => void = () => undefined,
): Promise<string> {
	const root = path.join(cacheRoot(), 'packs');
	const key = hashBuildInputs();
	const dir = path.join(root, key);
	const done = path.join(dir, 'tarball');
	mkdirSync(root, { recursive: true });
	const ready = () => {
		const tarball = existsSync(done) ? readFileSync(done, 'utf8') : undefined;
		return tarball && existsSync(tarball) ? tarball : undefined;
	};
	return (
		ready() ??
		(await withLock(
			`${dir}.lock`,
			async () => {
				const existing = ready();
				if (existing) return existing;
				rmSync(dir, { recursive: true, force: true });
				pruneOldPacks(root, key);
				const tarball = await buildAndPack(dir, log);
				writeFileSync(done, tarball);
				return tarball;
			},
			{ staleMs: 10 * 60_000 },
		))
	);
}

/** Packs of earlier sources are only kept for an hour (a parallel run may still be using one). */
function pruneOldPacks(root: string, keep: string): void {
	for (const entry of readdirSync(root)) {
		if (entry === keep || entry.endsWith('.lock')) continue;
		const stats = statSync(path.join(root, entry), { throwIfNoEntry: false });
		if (stats && Date.now() - stats.mtimeMs > 60 * 60_000)
			rmSync(path.join(root, entry), { recursive: true, force: true });
	}
}

/**
 * Installs a packed tarball into `<userFolder>/.n8n/nodes` as n8n installs community packages:
 * a package.json there, then `npm install --omit=peer --ignore-scripts <tgz>`.
 */
export async function installPackage(userFolder: string, tarball: string): Promise<string> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	mkdirSync(nodesDir, { recursive: true });
	const packageJson = path.join(nodesDir, 'package.json');
	if (!existsSync(packageJson)) {
		writeFileSync(
			packageJson,
			`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2)}\n`,
		);
	}
	// A copy next to package.json, so the file: reference npm records stays valid.
	const localTarball = path.join(nodesDir, path.basename(tarball));
	copyFileSync(tarball, localTarball);
	await runCommand(
		npm,
		[
			'install',
			'--omit=peer',
			'--ignore-scripts',
			'--no-audit',
			'--no-fund',
			'--prefer-offline',
			'--loglevel=error',
			`./${path.basename(tarball)}`,
		],
		{ cwd: nodesDir },
	);
	const installed = path.join(nodesDir, 'node_modules', PACKAGE_NAME);
	if (!existsSync(path.join(installed, 'package.json')))
		throw new Error(`the package did not land in ${installed}`);
	if (existsSync(path.join(nodesDir, 'node_modules', 'n8n-workflow'))) {
		throw new Error(
			'n8n-workflow was installed next to the package; peer dependencies must come from n8n itself',
		);
	}
	return installed;
}
