/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The services n8n's queue mode needs, from Debian's packages: a Redis (redis-server) and a
 * PostgreSQL, each private to one test file: its own port on 127.0.0.1, its own data folder, no
 * persistence, stopped (and its folder removed) by close().
 *
 * A missing package is installed with apt-get when running as root (as on CI); otherwise, or if
 * that fails, start*() throws an error saying what to install. Nothing is ever skipped.
 *
 * The same, as commands (what .ci/run does):
 *   apt-get install -y redis-server postgresql
 *   redis-server --bind 127.0.0.1 --port P --save '' --appendonly no
 *   runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D DIR -U postgres --auth=trust
 *   runuser -u postgres -- /usr/lib/postgresql/15/bin/postgres -D DIR -p P -k DIR -c listen_addresses=127.0.0.1
 *   psql -h 127.0.0.1 -p P -U postgres -c 'CREATE DATABASE n8n'
 */
import type { ChildProcess } from 'node:child_process';
import {
	chownSync,
	existsSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { cacheRoot } from './installN8n';
import { withLock } from './lock';
import { freePort, stopProcess } from './n8nCli';
import { runCommand, startProcess } from './processes';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** Service processes started here, so none outlives the test process even if it dies early. */
const liveServices = new Set<ChildProcess>();
process.once('exit', () => {
	for (const child of liveServices) {
		try {
			if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// already gone
		}
	}
});

function isRoot(): boolean {
	return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** The first of `candidates` that exists, else the command found on PATH, else undefined. */
function findExecutable(name: string, candidates: string[] = []): string | undefined {
	for (const candidate of candidates) if (existsSync(candidate)) return candidate;
	for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
		if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
	}
	return undefined;
}

/**
 * Installs Debian packages with apt-get (root only), once at a time across test processes.
 * `apt-get update` only if the first attempt fails (a fresh machine may have no package lists).
 */
async function aptInstall(packages: string[], why: string): Promise<void> {
	const hint = `install it with: apt-get install -y ${packages.join(' ')}`;
	if (!isRoot())
		throw new Error(
			`${why} is not installed and this test is not running as root to install it; ${hint}`,
		);
	if (!findExecutable('apt-get'))
		throw new Error(`${why} is not installed and apt-get is not available; ${hint}`);
	mkdirSync(cacheRoot(), { recursive: true });
	await withLock(
		path.join(cacheRoot(), 'apt.lock'),
		async () => {
			const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
			const install = async () =>
				await runCommand(
					'apt-get',
					['install', '-y', '-q', '--no-install-recommends', ...packages],
					{ cwd: tmpdir(), env, timeoutMs: 10 * 60_000 },
				);
			const failureOf = async (work: () => Promise<unknown>) =>
				await work().then(
					() => undefined,
					(error: unknown) => (error instanceof Error ? error : new Error(String(error))),
				);
			log(`[queue services] ${why} is missing: apt-get install -y ${packages.join(' ')}`);
			if (!(await failureOf(install))) return;
			log('[queue services] apt-get install failed; apt-get update, then once more');
			const failure = await failureOf(async () => {
				await runCommand('apt-get', ['update', '-q'], {
					cwd: tmpdir(),
					env,
					timeoutMs: 10 * 60_000,
				});
				await install();
			});
			if (failure)
				throw new Error(
					`${why} is not installed and could not be installed (${hint}):\n${failure.message}`,
				);
		},
		{
			log: (line) => log(`[queue services] ${line}`),
			what: 'to finish apt-get',
			staleMs: 15 * 60_000,
		},
	);
}

/** A long-running service: its output so far, and a way to wait for a line. */
interface Service {
	child: ChildProcess;
	output(): string;
	waitFor(pattern: RegExp, what: string, timeoutMs: number): Promise<void>;
}

function startService(command: string, args: string[], cwd: string): Service {
	const child = startProcess(command, args, { cwd, detached: true });
	liveServices.add(child);
	child.once('exit', () => liveServices.delete(child));
	let output = '';
	child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
	return {
		child,
		output: () => output,
		waitFor: async (pattern, what, timeoutMs) => {
			const deadline = Date.now() + timeoutMs;
			while (!pattern.test(output)) {
				if (child.exitCode !== null || child.signalCode !== null) {
					throw new Error(
						`${what} exited (${child.signalCode ?? `exit ${child.exitCode}`}) before it was ready:\n${output.slice(-4000)}`,
					);
				}
				if (Date.now() > deadline)
					throw new Error(`${what} was not ready after ${timeoutMs} ms:\n${output.slice(-4000)}`);
				await sleep(100);
			}
		},
	};
}

// ---------------------------------------------------------------- Redis

/** A private Redis on 127.0.0.1. */
export interface RedisServer {
	host: string;
	port: number;
	version: string;
	output(): string;
	close(): Promise<void>;
}

/** Debian's redis-server binary, installed if missing (root). */
export async function ensureRedisInstalled(): Promise<string> {
	const find = () => findExecutable('redis-server', ['/usr/bin/redis-server']);
	if (!find()) await aptInstall(['redis-server'], 'redis-server (Redis, for n8n queue mode)');
	const found = find();
	if (!found) throw new Error('redis-server is still missing after apt-get install redis-server');
	return found;
}

/** Starts redis-server on a free port: loopback only, no RDB snapshots, no AOF. */
export async function startRedis(): Promise<RedisServer> {
	const binary = await ensureRedisInstalled();
	const dir = mkdtempSync(path.join(tmpdir(), 'kling-redis-'));
	const port = await freePort();
	const service = startService(
		binary,
		[
			'--bind',
			'127.0.0.1',
			'--port',
			String(port),
			'--save',
			'',
			'--appendonly',
			'no',
			'--dir',
			dir,
			'--protected-mode',
			'yes',
			'--daemonize',
			'no',
		],
		dir,
	);
	let ready = false;
	try {
		await service.waitFor(/Ready to accept connections/, `redis-server on port ${port}`, 30_000);
		ready = true;
	} finally {
		if (!ready) {
			await stopProcess(service.child, 2000);
			rmSync(dir, { recursive: true, force: true });
		}
	}
	const version = /version=(\d+\.\d+\.\d+)/.exec(service.output())?.[1] ?? 'unknown';
	return {
		host: '127.0.0.1',
		port,
		version,
		output: service.output,
		close: async () => {
			await stopProcess(service.child, 5000);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

// ---------------------------------------------------------------- PostgreSQL

/** A private PostgreSQL on 127.0.0.1 with one database, `trust` authentication for user postgres. */
export interface PostgresServer {
	host: string;
	port: number;
	user: string;
	database: string;
	/** The server's major version, e.g. 15. */
	majorVersion: number;
	/** Runs SQL with psql and returns its unaligned, tuples-only output (fields separated by `|`). */
	query(sql: string): Promise<string>;
	output(): string;
	close(): Promise<void>;
}

/** The bin folder of Debian's PostgreSQL (15 preferred, else the newest installed). */
function findPostgresBin(): string | undefined {
	const root = '/usr/lib/postgresql';
	if (!existsSync(root)) return undefined;
	const versions = readdirSync(root)
		.filter(
			(entry) =>
				/^\d+$/.test(entry) &&
				existsSync(path.join(root, entry, 'bin', 'initdb')) &&
				existsSync(path.join(root, entry, 'bin', 'postgres')),
		)
		.map(Number)
		.sort((a, b) => b - a);
	const version = versions.includes(15) ? 15 : versions[0];
	return version === undefined ? undefined : path.join(root, String(version), 'bin');
}

/** Debian's PostgreSQL binaries (initdb, postgres, psql), installed if missing (root). */
export async function ensurePostgresInstalled(): Promise<string> {
	if (!findPostgresBin()) await aptInstall(['postgresql'], 'PostgreSQL (for n8n queue mode)');
	const bin = findPostgresBin();
	if (!bin)
		throw new Error(
			'PostgreSQL is still missing under /usr/lib/postgresql/*/bin after apt-get install postgresql',
		);
	return bin;
}

/** The uid and gid of a system user, from /etc/passwd. */
function systemUser(name: string): { uid: number; gid: number } | undefined {
	const line = readFileSync('/etc/passwd', 'utf8')
		.split('\n')
		.find((entry) => entry.startsWith(`${name}:`));
	if (!line) return undefined;
	const [, , uid, gid] = line.split(':');
	return { uid: Number(uid), gid: Number(gid) };
}

/**
 * Starts PostgreSQL in a fresh data folder on a free port and creates `database`. initdb refuses to
 * run as root, so as root the server runs as the `postgres` user (runuser), in a folder it owns.
 */
export async function startPostgres(database = 'n8n'): Promise<PostgresServer> {
	const bin = await ensurePostgresInstalled();
	const majorVersion = Number(path.basename(path.dirname(bin)));
	// Its own top folder (not inside a root-only temp folder), so the postgres user can reach it.
	const dir = mkdtempSync(path.join(tmpdir(), 'kling-pg-'));
	const dataDir = path.join(dir, 'data');
	mkdirSync(dataDir, { mode: 0o700 });
	let asUser: (command: string, args: string[]) => [string, string[]] = (command, args) => [
		command,
		args,
	];
	if (isRoot()) {
		const owner = systemUser('postgres');
		if (!owner)
			throw new Error(
				'running as root, but there is no "postgres" user to run PostgreSQL as (Debian\'s postgresql package creates it)',
			);
		const runuser = findExecutable('runuser', ['/usr/sbin/runuser', '/sbin/runuser']);
		if (!runuser)
			throw new Error(
				'running as root, but runuser (util-linux) is missing to run PostgreSQL as the postgres user',
			);
		chownSync(dir, owner.uid, owner.gid);
		chownSync(dataDir, owner.uid, owner.gid);
		asUser = (command, args) => [runuser, ['-u', 'postgres', '--', command, ...args]];
	}
	const cleanUp = () => rmSync(dir, { recursive: true, force: true });

	const port = await freePort();
	let service: Service | undefined;
	let ready = false;
	try {
		const [initdb, initdbArgs] = asUser(path.join(bin, 'initdb'), [
			'-D',
			dataDir,
			'-U',
			'postgres',
			'--auth=trust',
			'--encoding=UTF8',
			'--locale=C',
			'--no-sync',
		]);
		await runCommand(initdb, initdbArgs, { cwd: dir, timeoutMs: 120_000 });

		// A throwaway server: no durability, sockets in its own folder, TCP on loopback only.
		const [postgres, postgresArgs] = asUser(path.join(bin, 'postgres'), [
			'-D',
			dataDir,
			'-p',
			String(port),
			'-k',
			dir,
			'-c',
			'listen_addresses=127.0.0.1',
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=100',
		]);
		service = startService(postgres, postgresArgs, dir);
		await service.waitFor(
			/database system is ready to accept connections/,
			`PostgreSQL on port ${port}`,
			60_000,
		);
		ready = true;
	} finally {
		if (!ready) {
			if (service) await stopProcess(service.child, 5000);
			cleanUp();
		}
	}

	const psql = path.join(bin, 'psql');
	const query = async (sql: string, db = database) =>
		await runCommand(
			psql,
			[
				'-h',
				'127.0.0.1',
				'-p',
				String(port),
				'-U',
				'postgres',
				'-d',
				db,
				'-v',
				'ON_ERROR_STOP=1',
				'-At',
				'-c',
				sql,
			],
			{
				cwd: dir,
				env: { ...process.env, PGCONNECT_TIMEOUT: '10' },
				timeoutMs: 60_000,
			},
		);
	const running = service!;
	let created = false;
	try {
		await query(`CREATE DATABASE "${database}"`, 'postgres');
		created = true;
	} finally {
		if (!created) {
			await stopProcess(running.child, 5000);
			cleanUp();
		}
	}
	return {
		host: '127.0.0.1',
		port,
		user: 'postgres',
		database,
		majorVersion,
		query: async (sql) => await query(sql),
		output: running.output,
		close: async () => {
			// SIGTERM is a "smart" shutdown (waits for clients): n8n is stopped first; SIGKILL after the grace time.
			await stopProcess(running.child, 10_000);
			cleanUp();
		},
	};
}
