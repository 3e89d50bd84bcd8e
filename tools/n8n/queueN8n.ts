/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * n8n in queue mode (its distributed engine), as its users run it: a main (`n8n start`: editor,
 * REST API, webhooks) and a worker (`n8n worker`: runs the executions), sharing one user folder
 * (so both load the installed community package), a Redis (Bull queue, pub/sub) and a PostgreSQL.
 * Binary data goes to the database, n8n's default in queue mode, readable by main and worker alike.
 */
import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort } from './n8nCli';
import { startPostgres, startRedis, type PostgresServer, type RedisServer } from './queueServices';
import { startN8nSuite, type N8nSuite } from './suite';

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The throwaway owner account of a queue-mode instance (a dummy password, not a secret). */
export const QUEUE_OWNER = {
	email: 'queue-owner@example.com',
	firstName: 'Queue',
	lastName: 'Owner',
	password: 'Dummy-queue-pass-1',
};

/** One long-running n8n process (main or worker) and everything it printed. */
export class N8nProcess {
	private text = '';

	constructor(
		readonly name: string,
		readonly child: ChildProcess,
	) {
		child.stdout!.on('data', (chunk: Buffer) => (this.text += chunk.toString('utf8')));
		child.stderr!.on('data', (chunk: Buffer) => (this.text += chunk.toString('utf8')));
	}

	/** stdout and stderr so far, interleaved as they came. */
	get output(): string {
		return this.text;
	}

	get exited(): boolean {
		return this.child.exitCode !== null || this.child.signalCode !== null;
	}

	/** Resolves when the output (from character `from` on) matches `pattern`; throws if the process exits or time runs out. */
	async waitFor(pattern: RegExp | string, timeoutMs: number, from = 0): Promise<void> {
		const matches = () =>
			typeof pattern === 'string'
				? this.text.indexOf(pattern, from) >= 0
				: pattern.test(this.text.slice(from));
		const deadline = Date.now() + timeoutMs;
		while (!matches()) {
			if (this.exited)
				throw new Error(
					`n8n ${this.name} exited (${this.child.signalCode ?? `exit ${this.child.exitCode}`}) before printing ${String(pattern)}:\n${this.text.slice(-6000)}`,
				);
			if (Date.now() > deadline)
				throw new Error(
					`n8n ${this.name} did not print ${String(pattern)} within ${timeoutMs} ms:\n${this.text.slice(-6000)}`,
				);
			await sleep(100);
		}
	}
}

/** n8n's REST API as the editor uses it: JSON, a session cookie, a browser id. */
export class RestClient {
	private cookie = '';

	constructor(readonly baseUrl: string) {}

	async call<T = unknown>(method: string, pathname: string, body?: unknown): Promise<T> {
		const response = await this.request(method, pathname, body);
		const text = await response.text();
		if (!response.ok)
			throw new Error(`${method} ${pathname}: ${response.status} ${text.slice(0, 1000)}`);
		return (JSON.parse(text) as { data: T }).data;
	}

	/** The raw response (for binary data, or to look at an error status). */
	async request(method: string, pathname: string, body?: unknown): Promise<Response> {
		const response = await fetch(`${this.baseUrl}${pathname}`, {
			method,
			headers: {
				'content-type': 'application/json',
				'browser-id': 'kling-queue-test',
				...(this.cookie && { cookie: this.cookie }),
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const setCookie = response.headers.get('set-cookie');
		if (setCookie) this.cookie = setCookie.split(';')[0];
		return response;
	}

	/** Sets up the owner account (first start) and keeps its session. */
	async setUpOwner(owner = QUEUE_OWNER): Promise<void> {
		await this.call('POST', '/rest/owner/setup', owner);
		await this.call('POST', '/rest/login', {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
	}
}

/** An execution as main's REST API returns it, its run data unflattened. */
export interface RestExecution {
	id: string;
	status: string;
	finished: boolean;
	mode: string;
	workflowId: string;
	startedAt?: string;
	stoppedAt?: string;
	data: {
		resultData: {
			runData: Record<
				string,
				Array<{
					executionStatus?: string;
					error?: { message: string };
					data?: { main?: Array<Array<RestItem> | null> };
				}>
			>;
			error?: { message: string; name?: string };
			lastNodeExecuted?: string;
		};
	};
}

/** One item of the run data. */
export interface RestItem {
	json: Record<string, unknown>;
	binary?: Record<
		string,
		{ id?: string; mimeType: string; fileName?: string; fileSize?: string; bytes?: number }
	>;
}

/** A queue-mode n8n: services, the two processes, and ways in (REST, webhooks, the database). */
export interface QueueStack {
	suite: N8nSuite;
	redis: RedisServer;
	postgres: PostgresServer;
	main: N8nProcess;
	worker: N8nProcess;
	/** main's origin, e.g. http://127.0.0.1:41234. */
	baseUrl: string;
	rest: RestClient;
	/** An execution through main's REST API, with its run data parsed. */
	execution(id: string): Promise<RestExecution>;
	/** The bytes of a binary data id, downloaded through main's REST API. */
	binary(id: string): Promise<Buffer>;
	/** Stops n8n, Redis and PostgreSQL and removes every folder; safe to call twice or after a failed start. */
	close(): Promise<void>;
}

/** The environment both n8n processes (and the CLI) need for queue mode with these services. */
export function queueEnvironment(
	redis: RedisServer,
	postgres: PostgresServer,
): Record<string, string> {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: postgres.host,
		DB_POSTGRESDB_PORT: String(postgres.port),
		DB_POSTGRESDB_DATABASE: postgres.database,
		DB_POSTGRESDB_USER: postgres.user,
		DB_POSTGRESDB_PASSWORD: '',
		// The default in queue mode; said out loud because the suite's default is filesystem.
		N8N_DEFAULT_BINARY_DATA_MODE: 'database',
		N8N_LOG_LEVEL: 'debug',
		N8N_LOG_OUTPUT: 'console',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_SECURE_COOKIE: 'false',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
	};
}

/**
 * Starts Redis and PostgreSQL, installs the package into a fresh user folder, lets `prepare` import
 * credentials and workflows (and publish them) with the CLI, then starts main and worker and sets up
 * the owner. Everything started is stopped again if a later step fails.
 */
export async function startQueueStack(
	label: string,
	prepare: (suite: N8nSuite) => Promise<void>,
	options: { workerConcurrency?: number } = {},
): Promise<QueueStack> {
	const startedAt = Date.now();
	const seconds = () => `${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
	const closers: Array<() => Promise<void>> = [];
	let started = false;
	const closeAll = async () => {
		for (const close of closers.splice(0).reverse())
			await close().catch((error: unknown) => log(`[queue] clean-up: ${String(error)}`));
	};
	try {
		const [redisResult, postgresResult] = await Promise.allSettled([
			startRedis(),
			startPostgres('n8n'),
		]);
		if (redisResult.status === 'fulfilled')
			closers.push(async () => await redisResult.value.close());
		if (postgresResult.status === 'fulfilled')
			closers.push(async () => await postgresResult.value.close());
		if (redisResult.status === 'rejected') throw redisResult.reason;
		if (postgresResult.status === 'rejected') throw postgresResult.reason;
		const redis = redisResult.value;
		const postgres = postgresResult.value;
		log(
			`[queue] Redis ${redis.version} on ${redis.port}, PostgreSQL ${postgres.majorVersion} on ${postgres.port} after ${seconds()}`,
		);

		const suite = await startN8nSuite(label, { env: () => queueEnvironment(redis, postgres) });
		closers.push(async () => await suite.close());
		await prepare(suite);
		log(`[queue] package installed, credentials and workflows imported after ${seconds()}`);

		const mainPort = await freePort();
		const baseUrl = `http://127.0.0.1:${mainPort}`;
		// The address resume URLs are built from, on the worker too (it runs the node that sends
		// $execution.resumeUrl): callbacks must reach main, which serves /webhook-waiting.
		const webhookUrl = `${baseUrl}/`;
		const main = new N8nProcess(
			'main',
			await suite.cli.spawn(['start'], { N8N_PORT: String(mainPort), WEBHOOK_URL: webhookUrl }),
		);
		// The worker's health server stays off, but give it a port of its own all the same.
		const worker = new N8nProcess(
			'worker',
			await suite.cli.spawn(['worker', `--concurrency=${options.workerConcurrency ?? 5}`], {
				QUEUE_HEALTH_CHECK_PORT: String(await freePort()),
				WEBHOOK_URL: webhookUrl,
			}),
		);
		await Promise.all([
			main.waitFor('Editor is now accessible', 5 * 60_000),
			worker.waitFor('n8n worker is now ready', 5 * 60_000),
		]);
		log(`[queue] main and worker ready after ${seconds()}`);

		const rest = new RestClient(baseUrl);
		await rest.setUpOwner();
		const flatted = createRequire(path.join(suite.cli.install.dir, 'package.json'))('flatted') as {
			parse(text: string): unknown;
		};

		started = true;
		return {
			suite,
			redis,
			postgres,
			main,
			worker,
			baseUrl,
			rest,
			execution: async (id) => {
				const execution = await rest.call<Omit<RestExecution, 'data'> & { data: string }>(
					'GET',
					`/rest/executions/${id}`,
				);
				return { ...execution, data: flatted.parse(execution.data) as RestExecution['data'] };
			},
			binary: async (id) => {
				const response = await rest.request(
					'GET',
					`/rest/binary-data?id=${encodeURIComponent(id)}&action=download`,
				);
				if (!response.ok)
					throw new Error(`binary data ${id}: ${response.status} ${await response.text()}`);
				return Buffer.from(await response.arrayBuffer());
			},
			close: closeAll,
		};
	} finally {
		if (!started) await closeAll();
	}
}
