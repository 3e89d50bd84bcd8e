/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * n8n as most people run it: `n8n start` in regular mode with SQLite, serving the webhooks of its
 * published workflows and resuming the executions parked in its database (its wait tracker looks
 * at start-up and every 60 s). It can be killed without warning and started again on the same
 * user folder, as a crash or a host restart would.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { freePort, stopProcess, type TaskData } from './n8nCli';
import { N8nProcess } from './queueN8n';
import { querySqlite, sqliteFileOf } from './sqlite';
import type { N8nSuite } from './suite';

/** An execution as n8n saved it in its database. */
export interface SavedExecution {
	id: string;
	status: string;
	/** When a parked execution is due to resume (ms since the epoch). */
	waitTill?: number;
	/** The run data, unflattened, once there is any. */
	runData: Record<string, TaskData[]>;
	error?: { message: string };
}

interface ExecutionRow {
	id: number | string;
	status: string;
	waitTill: string | number | null;
	data: string | null;
}

export class N8nServer {
	private current: N8nProcess;
	/** Every process this server has been, in order (output of earlier lives included). */
	readonly lives: N8nProcess[] = [];
	private readonly flatted: { parse(text: string): unknown };

	private constructor(
		private readonly suite: N8nSuite,
		readonly port: number,
		first: N8nProcess,
	) {
		this.current = first;
		this.lives.push(first);
		this.flatted = createRequire(path.join(suite.cli.install.dir, 'package.json'))('flatted') as {
			parse(text: string): unknown;
		};
	}

	/** Starts n8n and resolves once its editor (and the webhooks of published workflows) is up. */
	static async start(suite: N8nSuite): Promise<N8nServer> {
		const port = await freePort();
		const server = new N8nServer(suite, port, await N8nServer.spawn(suite, port));
		await server.ready();
		return server;
	}

	private static async spawn(suite: N8nSuite, port: number): Promise<N8nProcess> {
		const child = await suite.cli.spawn(['start'], {
			N8N_PORT: String(port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			// The address n8n builds its resume URLs from (callbacks must reach this very process).
			WEBHOOK_URL: `http://127.0.0.1:${port}/`,
			N8N_LOG_LEVEL: 'debug',
		});
		return new N8nProcess('main', child);
	}

	get process(): N8nProcess {
		return this.current;
	}

	get baseUrl(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	private async ready(): Promise<void> {
		await this.current.waitFor('Editor is now accessible', 5 * 60_000);
	}

	/** SIGKILL to n8n and its task runner, as a crash would: nothing is saved on the way out. */
	async kill(): Promise<NodeJS.Signals | null> {
		const { child } = this.current;
		const exited = new Promise<NodeJS.Signals | null>((resolve) =>
			child.once('exit', (_, signal) => resolve(signal)),
		);
		process.kill(-child.pid!, 'SIGKILL');
		return await exited;
	}

	/** Stops n8n the orderly way (SIGTERM, then SIGKILL after a grace period). */
	async stop(): Promise<void> {
		await stopProcess(this.current.child);
	}

	/** Starts n8n again on the same user folder and port. */
	async restart(): Promise<void> {
		this.current = await N8nServer.spawn(this.suite, this.port);
		this.lives.push(this.current);
		await this.ready();
	}

	/**
	 * POSTs to a production webhook. Right after start-up n8n may still answer 404 for a moment
	 * while it registers the published workflows' webhooks, so that is retried for a while.
	 */
	async postWebhook(pathname: string, body: unknown): Promise<Response> {
		const deadline = Date.now() + 60_000;
		for (;;) {
			const response = await fetch(`${this.baseUrl}/webhook/${pathname}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
			});
			if (response.status !== 404 || Date.now() > deadline) return response;
			await response.arrayBuffer();
			await sleep(500);
		}
	}

	/** The workflow's executions as saved in n8n's SQLite database, oldest first. */
	async executions(workflowId: string): Promise<SavedExecution[]> {
		const rows = await querySqlite<ExecutionRow>(
			this.suite.cli.install,
			sqliteFileOf(this.suite.userFolder),
			`SELECT e.id, e.status, e.waitTill, d.data FROM execution_entity e
			 LEFT JOIN execution_data d ON d.executionId = e.id
			 WHERE e.workflowId = ? ORDER BY e.id`,
			[workflowId],
		);
		return rows.map((row) => {
			const data = row.data
				? (this.flatted.parse(row.data) as {
						resultData?: { runData?: SavedExecution['runData']; error?: { message: string } };
					})
				: undefined;
			return {
				id: String(row.id),
				status: row.status,
				...(row.waitTill !== null && { waitTill: sqliteTime(row.waitTill) }),
				runData: data?.resultData?.runData ?? {},
				...(data?.resultData?.error && { error: data.resultData.error }),
			};
		});
	}

	/** Polls the database until `accept` returns a value, or throws after `timeoutMs`. */
	async waitForExecution<T>(
		workflowId: string,
		what: string,
		accept: (executions: SavedExecution[]) => T | undefined,
		timeoutMs: number,
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		let last: SavedExecution[] = [];
		for (;;) {
			last = await this.executions(workflowId);
			const value = accept(last);
			if (value !== undefined) return value;
			if (Date.now() > deadline || this.current.exited) {
				const seen = last.map((execution) => `${execution.id}: ${execution.status}`).join(', ');
				throw new Error(
					`timed out waiting for ${what} (executions: ${seen || 'none'})\n${this.current.output.slice(-4000)}`,
				);
			}
			await sleep(1000);
		}
	}
}

/** SQLite keeps n8n's dates as UTC text without a zone ("2026-11-21 08:00:00.000"). */
function sqliteTime(value: string | number): number {
	if (typeof value === 'number') return value;
	return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}
