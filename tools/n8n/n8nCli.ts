/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Runs the real n8n's command line against one user folder: import credentials and workflows,
 * execute a workflow and read back what each node produced, as a user of `n8n execute` sees it.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';

import type { N8nInstall } from './installN8n';
import { startProcess } from './processes';

/** A fixed key, so credentials imported by one CLI process can be read by the next. */
export const E2E_ENCRYPTION_KEY = 'dummy-e2e-encryption-key-0123456789';

/** One item as n8n passes it between nodes. */
export interface RunItem {
	json: Record<string, unknown>;
	binary?: Record<string, BinaryMeta>;
	pairedItem?: unknown;
	error?: unknown;
}

/** What n8n keeps about a binary field: the bytes themselves live in the binary data store. */
export interface BinaryMeta {
	mimeType: string;
	fileName?: string;
	fileExtension?: string;
	fileType?: string;
	fileSize?: string;
	bytes?: number;
	id?: string;
	data?: string;
}

/** A node error as n8n serialises it into the run data. */
export interface RunError {
	message: string;
	description?: string | null;
	name?: string;
	node?: { name: string; type: string };
	context?: Record<string, unknown>;
	[key: string]: unknown;
}

/** One run of one node. */
export interface TaskData {
	/** When the node began this run, ms since the epoch. */
	startTime?: number;
	executionStatus?: string;
	executionTime?: number;
	data?: { main?: Array<RunItem[] | null> };
	error?: RunError;
}

/** The run of a workflow, as `n8n execute --rawOutput` prints it. */
export interface WorkflowRun {
	/** n8n's execution status: 'success' or 'error'. */
	status: string;
	exitCode: number | null;
	/** Every node that ran, by name, with each of its runs. */
	runData: Record<string, TaskData[]>;
	/** Why the workflow stopped, when it failed. */
	error?: RunError;
	/** The items `node` sent on output `outputIndex` in its last run (empty if it did not run). */
	items(node: string, outputIndex?: number): RunItem[];
	/** The error `node` ended with, if any. */
	nodeError(node: string): RunError | undefined;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/** A credential as `n8n import:credentials` takes it; `data` in plain text is encrypted on import. */
export interface CredentialImport {
	id: string;
	name: string;
	type: string;
	data: Record<string, string>;
}

/** The bits of an n8n workflow JSON the tests touch; the rest passes through untouched. */
export interface WorkflowJson {
	id?: string;
	name: string;
	nodes: Array<{
		id?: string;
		name: string;
		type: string;
		typeVersion: number;
		position: [number, number];
		parameters: Record<string, unknown>;
		credentials?: Record<string, { id: string; name: string }>;
		[key: string]: unknown;
	}>;
	connections: Record<string, unknown>;
	settings?: Record<string, unknown>;
	[key: string]: unknown;
}

/** What a CLI call printed. */
export interface CliResult {
	exitCode: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
	durationMs: number;
}

/** Port blocks, one per jest worker, below Linux's ephemeral range (32768+) where listen(0) and outgoing connections take theirs. */
const PORT_BLOCKS_FROM = 20_000;
const PORT_BLOCK_SIZE = 1_000;
const PORT_BLOCKS = 12;
/** Where this process looks next in its block; the pid spreads child processes (a demo, dev) of one worker apart. */
let portCursor = -1;

/**
 * A free TCP port on 127.0.0.1 for a process started next (n8n, its task broker, Redis,
 * PostgreSQL). A port is bound only later (after a build, or across an n8n restart), and jest
 * runs suites side by side: were it the operating system's pick, another suite could be given the
 * same port meanwhile. So each jest worker takes its ports from its own block, in turn.
 */
export async function freePort(): Promise<number> {
	const worker = Number(process.env.JEST_WORKER_ID) || 0;
	const base = PORT_BLOCKS_FROM + (worker % PORT_BLOCKS) * PORT_BLOCK_SIZE;
	if (portCursor < 0) portCursor = (process.pid * 7919) % PORT_BLOCK_SIZE;
	for (let tried = 0; tried < PORT_BLOCK_SIZE; tried++) {
		const port = base + (portCursor++ % PORT_BLOCK_SIZE);
		// A process told its n8n port (npm run dev under test) must not hand that port to the task
		// broker it starts before n8n binds it: the broker would answer the editor's requests.
		if (String(port) === process.env.N8N_PORT) continue;
		if (await isPortFree(port)) return port;
	}
	throw new Error(`no free TCP port in ${base}-${base + PORT_BLOCK_SIZE - 1}`);
}

function isPortFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once('error', () => resolve(false));
		server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
	});
}

/** Every n8n process started through this module, so none outlives the test process. */
const liveProcesses = new Set<ChildProcess>();

/** Signals the child's process group; `sweep` does so even after the leader exited (its runners may remain). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, sweep = false): void {
	if (child.pid === undefined) return;
	if (!sweep && (child.exitCode !== null || child.signalCode !== null)) return;
	try {
		process.kill(-child.pid, signal); // n8n starts task runners as children: stop the whole group
	} catch {
		try {
			child.kill(signal);
		} catch {
			// already gone
		}
	}
}

process.once('exit', () => {
	for (const child of liveProcesses) killGroup(child, 'SIGKILL');
});

/** Stops a process group: SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
export async function stopProcess(child: ChildProcess, graceMs = 8000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null)
		return killGroup(child, 'SIGKILL', true);
	const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
	killGroup(child, 'SIGTERM');
	const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
	await exited;
	clearTimeout(timer);
	// The runners may outlive the main process for a moment.
	killGroup(child, 'SIGKILL', true);
}

/** Extra environment for n8n; a variable set to undefined is removed (to get n8n's own default). */
export type EnvOverrides = Record<string, string | undefined>;

/** The environment of every n8n process: private user folder, no telemetry, a fixed key, files on disk. */
export function n8nEnvironment(userFolder: string, extra: EnvOverrides = {}): NodeJS.ProcessEnv {
	const inherited = Object.fromEntries(
		Object.entries(process.env).filter(
			([name]) =>
				!/^(N8N_|DB_|EXECUTIONS_|QUEUE_|NODE_OPTIONS$|NODE_ENV$|npm_|JEST_|TS_JEST)/i.test(name),
		),
	);
	const noProxy = ['127.0.0.1', 'localhost', process.env.NO_PROXY ?? process.env.no_proxy]
		.filter(Boolean)
		.join(',');
	const env: NodeJS.ProcessEnv = {
		...inherited,
		NO_PROXY: noProxy,
		no_proxy: noProxy,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: E2E_ENCRYPTION_KEY,
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		// WAL lets several n8n processes share the SQLite file (several `execute` calls at once).
		DB_SQLITE_POOL_SIZE: '3',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		...extra,
	};
	for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
	return env;
}

/** The JSON object printed from the line `{` to the next line `}` at the start of a line, after `from`. */
function jsonBlockAfter(text: string, from: number): unknown {
	const lines = text.slice(from).split('\n');
	const start = lines.findIndex((line) => line.trimEnd() === '{');
	if (start < 0) return undefined;
	const end = lines.findIndex((line, index) => index > start && line.trimEnd() === '}');
	if (end < 0) return undefined;
	try {
		return JSON.parse(lines.slice(start, end + 1).join('\n'));
	} catch {
		return undefined;
	}
}

interface ExecutionJson {
	status?: string;
	data?: { resultData?: { runData?: Record<string, TaskData[]>; error?: RunError } };
}

/** Turns what `n8n execute --rawOutput` printed (the run on stdout, or after "Execution error:") into a WorkflowRun. */
export function parseExecution(result: CliResult): WorkflowRun {
	let execution: ExecutionJson | undefined;
	try {
		execution = JSON.parse(result.stdout) as ExecutionJson;
	} catch {
		const combined = `${result.stdout}\n${result.stderr}`;
		const marker = combined.indexOf('Execution error:');
		execution = jsonBlockAfter(combined, Math.max(0, marker)) as ExecutionJson | undefined;
	}
	if (!execution?.data?.resultData) {
		throw new Error(
			`n8n execute printed no run (exit ${result.exitCode ?? result.signal}).\n--- stdout ---\n${result.stdout.slice(-4000)}\n--- stderr ---\n${result.stderr.slice(-6000)}`,
		);
	}
	const runData = execution.data.resultData.runData ?? {};
	const lastRun = (node: string) => runData[node]?.[runData[node].length - 1];
	// n8n 1.82 prints the run while its status still reads "running".
	const finished = execution.status !== undefined && execution.status !== 'running';
	return {
		status: finished ? execution.status! : execution.data.resultData.error ? 'error' : 'success',
		exitCode: result.exitCode,
		runData,
		error: execution.data.resultData.error,
		items: (node, outputIndex = 0) => lastRun(node)?.data?.main?.[outputIndex] ?? [],
		nodeError: (node) => lastRun(node)?.error,
		stdout: result.stdout,
		stderr: result.stderr,
		durationMs: result.durationMs,
	};
}

/** The real n8n's CLI, bound to one user folder. Call close() when done: it stops every process it started. */
export class N8nCli {
	private readonly children = new Set<ChildProcess>();
	private readonly scratch: string;

	constructor(
		readonly install: N8nInstall,
		readonly userFolder: string,
		readonly extraEnv: EnvOverrides = {},
	) {
		this.scratch = mkdtempSync(path.join(userFolder, 'cli-'));
	}

	/** The environment n8n runs with here (broker port chosen per process). */
	env(extra: EnvOverrides = {}): NodeJS.ProcessEnv {
		return n8nEnvironment(this.userFolder, { ...this.extraEnv, ...extra });
	}

	/** Starts `n8n <args>` in its own process group and returns it (for long-running commands such as start). */
	async spawn(args: string[], extraEnv: EnvOverrides = {}): Promise<ChildProcess> {
		const env = this.env({ N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...extraEnv });
		const child = startProcess(this.install.nodeBin, [this.install.n8nBin, ...args], {
			cwd: this.userFolder,
			env,
			detached: true,
		});
		this.children.add(child);
		liveProcesses.add(child);
		child.once('exit', () => {
			this.children.delete(child);
			liveProcesses.delete(child);
		});
		return child;
	}

	/** Runs `n8n <args>` to completion (killed after timeoutMs) and returns what it printed. */
	async run(
		args: string[],
		options: { timeoutMs?: number; env?: EnvOverrides } = {},
	): Promise<CliResult> {
		const started = Date.now();
		const child = await this.spawn(args, options.env);
		let stdout = '';
		let stderr = '';
		child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
		child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
		let timedOut = false;
		const timer = setTimeout(
			() => {
				timedOut = true;
				void stopProcess(child, 3000);
			},
			options.timeoutMs ?? 5 * 60_000,
		);
		const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
			(resolve, reject) => {
				child.once('error', reject);
				child.once('close', (code, sig) => resolve([code, sig]));
			},
		);
		clearTimeout(timer);
		// The task runner must not outlive the command.
		killGroup(child, 'SIGKILL', true);
		const result = { exitCode, signal, stdout, stderr, durationMs: Date.now() - started };
		if (timedOut)
			throw new Error(
				`n8n ${args.join(' ')} timed out after ${options.timeoutMs ?? 300_000} ms\n${stderr.slice(-4000)}`,
			);
		return result;
	}

	/** Runs `n8n <args>` and throws, with its output, unless it exits 0. */
	async runOk(args: string[], options: { timeoutMs?: number } = {}): Promise<CliResult> {
		const result = await this.run(args, options);
		if (result.exitCode !== 0) {
			throw new Error(
				`n8n ${args.join(' ')} exited ${result.exitCode ?? result.signal}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`,
			);
		}
		return result;
	}

	/** `n8n import:credentials` of all of them in one call. */
	async importCredentials(credentials: CredentialImport[]): Promise<void> {
		const file = path.join(this.scratch, `credentials-${Date.now()}.json`);
		writeFileSync(file, JSON.stringify(credentials, null, 2));
		try {
			await this.runOk(['import:credentials', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** `n8n import:workflow` of all of them in one call; each needs an id (at most 21 characters) to be executed later. */
	async importWorkflows(workflows: WorkflowJson[]): Promise<void> {
		for (const workflow of workflows) {
			if (!workflow.id || workflow.id.length > 21)
				throw new Error(`workflow "${workflow.name}" needs an id of 1 to 21 characters`);
		}
		const file = path.join(this.scratch, `workflows-${Date.now()}.json`);
		writeFileSync(
			file,
			JSON.stringify(
				workflows.map((workflow) => ({ active: false, settings: {}, ...workflow })),
				null,
				2,
			),
		);
		try {
			await this.runOk(['import:workflow', `--input=${file}`]);
		} finally {
			rmSync(file, { force: true });
		}
	}

	/** `n8n execute --id=<id> --rawOutput`: the run, whether it succeeded or failed. */
	async execute(
		workflowId: string,
		options: { timeoutMs?: number; env?: EnvOverrides } = {},
	): Promise<WorkflowRun> {
		return parseExecution(
			await this.run(['execute', `--id=${workflowId}`, '--rawOutput'], options),
		);
	}

	/** Imports one workflow and executes it. */
	async executeWorkflow(
		workflow: WorkflowJson,
		options: { timeoutMs?: number } = {},
	): Promise<WorkflowRun> {
		await this.importWorkflows([workflow]);
		return await this.execute(workflow.id!, options);
	}

	/** The folder of n8n's filesystem binary data store. */
	binaryDataDir(): string {
		return path.join(this.userFolder, '.n8n', this.install.target.binaryDataFolder);
	}

	/** Where the filesystem binary data store keeps the bytes of a binary field. */
	binaryDataPath(binary: BinaryMeta): string {
		const id = binary.id ?? '';
		const separator = id.indexOf(':');
		if (!id.startsWith('filesystem') || separator < 0)
			throw new Error(`binary data "${id}" is not in the filesystem store`);
		return path.join(this.binaryDataDir(), id.slice(separator + 1));
	}

	/**
	 * The bytes of a binary field: read from the filesystem store, or, in n8n 1.x's default
	 * in-memory mode (no id), decoded from the base64 n8n keeps in the item itself.
	 */
	readBinary(binary: BinaryMeta): Buffer {
		if (binary.id === undefined && binary.data !== undefined)
			return Buffer.from(binary.data, 'base64');
		return readFileSync(this.binaryDataPath(binary));
	}

	/** Stops every process this CLI started. */
	async close(): Promise<void> {
		await Promise.all([...this.children].map(async (child) => await stopProcess(child, 3000)));
		rmSync(this.scratch, { recursive: true, force: true });
	}
}
