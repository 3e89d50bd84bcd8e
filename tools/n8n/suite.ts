/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * One real n8n per test file (or per n8n release): the cached install, a fresh user folder with the
 * packed package installed as a community package, and helpers to point credentials at simulators.
 *
 * A test that must hold in every n8n release the package supports runs its cases once per target:
 *
 *   describe.each(N8N_TARGETS)('the thing in $name', (target) => {
 *     beforeAll(async () => { suite = await startN8nSuite('thing', { target }); ... });
 *     ...
 *   });
 *
 * and, where n8n 1.x and 2.x really differ, branches on `target.major` (see test/e2e/README.md).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { Simulator } from '../simulators';
import { DEFAULT_N8N_TARGET, ensureN8nInstalled, type N8nTarget } from './installN8n';
import { N8nCli, type CredentialImport, type EnvOverrides, type WorkflowRun } from './n8nCli';
import { installPackage, packedPackage } from './packageInstall';
import { CREDENTIAL_TYPES, type CredentialRef, type ProviderId } from './workflows';

export { N8N_TARGETS, N8N_1X, N8N_2X, N8N_OLDEST, type N8nTarget } from './installN8n';

/** A user folder with the package installed, and its CLI. */
export interface N8nSuite {
	cli: N8nCli;
	/** The n8n release it runs. */
	target: N8nTarget;
	userFolder: string;
	/** A folder workflows may read and write (N8N_RESTRICT_FILE_ACCESS_TO). */
	filesDir: string;
	/** Stops every n8n process and removes the user folder. */
	close(): Promise<void>;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Options of startN8nSuite. */
export interface N8nSuiteOptions {
	/** The n8n release to run (default: the 2.x one of N8N_TARGETS). */
	target?: N8nTarget;
	/** More environment for every n8n process of the suite, given the user folder (logging, database, queue mode...). */
	env?: (userFolder: string) => EnvOverrides;
}

/** Installs n8n if needed, packs the package, installs it into a fresh user folder. */
export async function startN8nSuite(
	label: string,
	options: N8nSuiteOptions = {},
): Promise<N8nSuite> {
	const target = options.target ?? DEFAULT_N8N_TARGET;
	const install = await ensureN8nInstalled({ log, target });
	const tarball = await packedPackage(log);
	const userFolder = mkdtempSync(path.join(tmpdir(), `kling-e2e-${label}-n8n${target.major}-`));
	const filesDir = path.join(userFolder, 'files');
	mkdirSync(filesDir, { recursive: true });
	let installed = false;
	try {
		await installPackage(userFolder, tarball);
		installed = true;
	} finally {
		if (!installed) rmSync(userFolder, { recursive: true, force: true });
	}
	const cli = new N8nCli(install, userFolder, {
		N8N_RESTRICT_FILE_ACCESS_TO: filesDir,
		...options.env?.(userFolder),
	});
	return {
		cli,
		target,
		userFolder,
		filesDir,
		close: async () => {
			await cli.close();
			rmSync(userFolder, { recursive: true, force: true });
		},
	};
}

/**
 * A credential of the simulator's provider, pointing at the simulator, for import:credentials;
 * `more` sets further fields (a Kling key pair instead of the API key, say).
 */
export function simulatorCredential(
	simulator: Simulator,
	id: string,
	name = `Simulator ${id}`,
	more: Record<string, string> = {},
): CredentialImport & { ref: CredentialRef } {
	const type = CREDENTIAL_TYPES[simulator.provider as ProviderId];
	const data: Record<string, string> = {
		apiKey: simulator.apiKey,
		baseUrl: simulator.baseUrl,
		...more,
	};
	if (type === 'gmiCloudApi') data.organizationId = '';
	return { id, name, type, data, ref: { type, id, name } };
}

/** A tiny local web server handing out fixed files (the image an HTTP Request node downloads). */
export interface FileServer {
	url(pathname: string): string;
	requests: Array<{ method: string; path: string }>;
	close(): Promise<void>;
}

/** Serves `files` (path → bytes and content type) on 127.0.0.1. */
export async function startFileServer(
	files: Record<string, { body: Buffer; contentType: string }>,
): Promise<FileServer> {
	const requests: FileServer['requests'] = [];
	const server = createServer((req: IncomingMessage, res) => {
		const pathname = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
		requests.push({ method: req.method ?? 'GET', path: pathname });
		const file = files[pathname];
		if (!file) {
			res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
			return;
		}
		res
			.writeHead(200, {
				'content-type': file.contentType,
				'content-length': String(file.body.length),
			})
			.end(file.body);
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
		requests,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}

/** Runs at most `limit` of the given jobs at once (n8n processes are CPU-heavy at start). */
export function limitConcurrency(limit: number): <T>(job: () => Promise<T>) => Promise<T> {
	let active = 0;
	const waiting: Array<() => void> = [];
	return async <T>(job: () => Promise<T>): Promise<T> => {
		if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
		active++;
		try {
			return await job();
		} finally {
			active--;
			waiting.shift()?.();
		}
	};
}

/** A one-line summary of a failed run, for assertion messages. */
export function describeRun(run: WorkflowRun): string {
	const errors = Object.entries(run.runData)
		.map(([node, runs]) => [node, runs[runs.length - 1]?.error] as const)
		.filter(([, error]) => error)
		.map(
			([node, error]) =>
				`${node}: ${error!.message}${error!.description ? ` (${error!.description})` : ''}`,
		);
	return `status ${run.status}, exit ${run.exitCode}${errors.length ? `; ${errors.join('; ')}` : ''}${run.error ? `; workflow error: ${run.error.message}` : ''}`;
}

/** Throws, naming each node error, unless the run succeeded. */
export function assertSucceeded(run: WorkflowRun): void {
	if (run.status !== 'success' || run.exitCode !== 0)
		throw new Error(`the workflow did not succeed: ${describeRun(run)}`);
}

/** Waits for every run and prints how long each `n8n execute` took (where the suite's time goes). */
export async function logDurations(runs: Map<string, Promise<WorkflowRun>>): Promise<void> {
	const settled = await Promise.all(
		[...runs].map(async ([key, execution]) => {
			const run = await execution.catch(() => undefined);
			return run ? `${key} ${(run.durationMs / 1000).toFixed(1)} s` : `${key} failed`;
		}),
	);
	process.stderr.write(`[e2e] n8n execute: ${settled.join(', ')}\n`);
}
