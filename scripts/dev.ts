/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * `npm run dev`: a real n8n (2.40.7) with the freshly built package, on http://localhost:5678, next
 * to local simulators of the five providers, so the node can be tried in the editor without keys.
 *
 * It builds and packs the package, installs it into a dev user folder (.output/dev, kept between
 * runs: delete it to start afresh), starts the simulators (a video takes ~20 s), imports one
 * credential per simulator ("Simulator (Novita AI)", ...) and the example workflows, then runs
 * `n8n start`. Ctrl-C stops n8n and the simulators.
 *
 * Environment: N8N_PORT (default 5678), KLING_DEV_FOLDER (default .output/dev),
 * KLING_DEV_LATENCY_MS (default 20000: submission to finished video).
 * While it runs, `<dev folder>/n8n` runs n8n's CLI on the same data and `<dev folder>/n8n.pid` holds n8n's pid.
 *
 * The same environment is available to other scripts as `DevEnvironment` (scripts/screenshot.ts uses it).
 */
import {
	chmodSync,
	createWriteStream,
	mkdirSync,
	readFileSync,
	realpathSync,
	rmSync,
	writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { startSimulator, type Simulator } from '../tools/simulators';
import { ensureN8nInstalled, type N8nInstall } from '../tools/n8n/installN8n';
import { N8nCli, type CredentialImport, type WorkflowJson } from '../tools/n8n/n8nCli';
import { buildAndPack, installPackage, PACKAGE_NAME, REPO_ROOT } from '../tools/n8n/packageInstall';
import { simulatorCredential, startFileServer, type FileServer } from '../tools/n8n/suite';
import {
	adaptExample,
	EXAMPLE_FILES,
	EXAMPLE_IMAGE_URL,
	EXAMPLE_OUTPUT_FOLDER,
	EXAMPLE_PRODUCT_IMAGE_URL,
	PROVIDER_IDS,
	PROVIDER_NAMES,
	readExample,
	type ProviderId,
} from '../tools/n8n/workflows';

const step = (text: string) => console.log(`▶ ${text}`);
const info = (text: string) => console.log(`  ${text}`);

/** The credential id of each provider's simulator (fixed, so a restart updates rather than duplicates). */
const credentialId = (provider: ProviderId) => `klingDevSim${provider}`.slice(0, 21);

async function waitForEditor(
	url: string,
	child: { exitCode: number | null },
	timeoutMs: number,
): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (child.exitCode !== null)
			throw new Error(`n8n exited with code ${child.exitCode} before its editor answered`);
		try {
			const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
			if (response.ok) return;
		} catch {
			// not listening yet
		}
		await sleep(500);
	}
	throw new Error(`n8n's editor did not answer on ${url} within ${timeoutMs / 1000} s`);
}

/** Writes `<dev folder>/n8n`, which runs n8n's CLI with this dev instance's settings. */
function writeCliScript(devFolder: string, cli: N8nCli, install: N8nInstall): string {
	const file = path.join(devFolder, 'n8n');
	const env = cli.env();
	const quote = (value: string) => `'${value.replace(/'/g, "'\\''")}'`;
	const settings = Object.entries(env)
		.filter(([name]) => /^(N8N_|DB_SQLITE)/.test(name))
		.map(([name, value]) => `export ${name}=${quote(String(value))}`);
	writeFileSync(
		file,
		[
			'#!/bin/sh',
			"# n8n's CLI on the data of `npm run dev` (written by scripts/dev.ts; usable while n8n runs).",
			"unset NODE_ENV NODE_OPTIONS # NODE_ENV=test silences n8n's output",
			...settings,
			'export N8N_RUNNERS_BROKER_PORT="${N8N_RUNNERS_BROKER_PORT:-5699}"',
			`exec ${quote(install.nodeBin)} ${quote(install.n8nBin)} "$@"`,
			'',
		].join('\n'),
	);
	chmodSync(file, 0o755);
	return file;
}

/** What a `DevEnvironment` is given; every field has the default `npm run dev` uses. */
export interface DevEnvironmentOptions {
	/** The editor's port (default 5678). */
	port?: number;
	/** The dev user folder (default .output/dev). */
	devFolder?: string;
	/** Submission to finished video in the simulators, ms (default 20000). */
	latencyMs?: number;
	/** Progress lines: a step, then details (default: printed to stdout as `npm run dev` does). */
	log?: { step(text: string): void; info(text: string): void };
	/** Called if n8n exits without stop() having been called. */
	onN8nExit?: (code: number | null) => void;
}

/** A running dev environment: n8n on localhost, the simulators and the example image server. */
export interface DevEnvironmentReady {
	port: number;
	/** The editor's address, http://localhost:<port>. */
	url: string;
	devFolder: string;
	/** The folder the example workflows write their videos to. */
	filesDir: string;
	/** n8n's log file. */
	logFile: string;
	/** `<dev folder>/n8n`: n8n's CLI on the same data. */
	cliScript: string;
	credentials: CredentialImport[];
	workflows: WorkflowJson[];
	/** True while n8n still asks for its owner account. */
	firstVisit: boolean;
}

/**
 * `npm run dev` as a function: `start()` builds and installs the package, starts the simulators,
 * imports the credentials and examples and starts n8n; `stop()` (also during start) stops them all.
 */
export class DevEnvironment {
	readonly port: number;
	readonly devFolder: string;
	readonly filesDir: string;
	readonly latencyMs: number;
	private readonly log: NonNullable<DevEnvironmentOptions['log']>;
	private readonly simulators: Simulator[] = [];
	private imageServer: FileServer | undefined;
	private cli: N8nCli | undefined;
	private stopping = false;

	constructor(private readonly options: DevEnvironmentOptions = {}) {
		this.port = options.port ?? 5678;
		this.latencyMs = options.latencyMs ?? 20_000;
		this.devFolder = path.resolve(options.devFolder ?? path.join(REPO_ROOT, '.output', 'dev'));
		this.filesDir = path.join(this.devFolder, 'files');
		this.log = options.log ?? { step, info };
	}

	/** Stops n8n, the simulators and the image server (safe to call more than once, or before start() finished). */
	async stop(): Promise<void> {
		if (this.stopping) return;
		this.stopping = true;
		await this.cli?.close();
		rmSync(path.join(this.devFolder, 'n8n.pid'), { force: true });
		await this.imageServer?.close();
		await Promise.all(this.simulators.map(async (sim) => await sim.close()));
	}

	async start(): Promise<DevEnvironmentReady> {
		const { port, latencyMs, devFolder, filesDir, simulators } = this;
		const { step, info } = this.log;
		const stopped = () => {
			if (this.stopping) throw new Error('the dev environment was stopped while starting');
		};

		step('Building and packing the package');
		mkdirSync(filesDir, { recursive: true });
		const tarball = await buildAndPack(path.join(devFolder, 'pack'));

		step(
			'Preparing n8n 2.40.7 on Node 24 (installed once into the cache; the first time takes about 5 minutes)',
		);
		const install = await ensureN8nInstalled({ log: info });

		step(`Installing ${path.basename(tarball)} into ${devFolder}/.n8n/nodes`);
		rmSync(path.join(devFolder, '.n8n', 'nodes', 'node_modules', PACKAGE_NAME), {
			recursive: true,
			force: true,
		});
		await installPackage(devFolder, tarball);
		rmSync(path.join(devFolder, 'pack'), { recursive: true, force: true });
		stopped();

		step(
			`Starting the provider simulators (a video is ready ~${Math.round(latencyMs / 1000)} s after submission)`,
		);
		const credentials: CredentialImport[] = [];
		for (const provider of PROVIDER_IDS) {
			const sim = await startSimulator({
				provider,
				apiKey: `dummy-dev-${provider}-key`,
				latency: { meanMs: latencyMs, spread: 0.2 },
				queueMs: Math.min(3000, latencyMs / 4),
				videoBytes: 512 * 1024,
				seed: Date.now() % 1_000_000_000,
			});
			simulators.push(sim);
			credentials.push(
				simulatorCredential(sim, credentialId(provider), `Simulator (${PROVIDER_NAMES[provider]})`),
			);
			info(`${PROVIDER_NAMES[provider].padEnd(10)} ${sim.baseUrl}`);
		}
		const asset = (file: string) => ({
			body: readFileSync(path.join(REPO_ROOT, 'examples', 'assets', file)),
			contentType: 'image/png',
		});
		this.imageServer = await startFileServer({
			'/sample.png': asset('sample.png'),
			'/product.png': asset('product.png'),
		});
		const imageServer = this.imageServer;
		stopped();

		const cli = new N8nCli(install, devFolder, {
			N8N_RESTRICT_FILE_ACCESS_TO: `${realpathSync(filesDir)};${path.join(REPO_ROOT, 'examples', 'assets')}`,
		});
		this.cli = cli;
		step('Importing the simulator credentials and the example workflows');
		await cli.importCredentials(credentials);
		const novita = credentials.find((credential) => credential.type === 'novitaApi')!;
		const workflows = EXAMPLE_FILES.map((file) =>
			adaptExample(
				readExample(file),
				{ type: novita.type, id: novita.id, name: novita.name },
				{
					[EXAMPLE_IMAGE_URL]: imageServer.url('/sample.png'),
					[EXAMPLE_PRODUCT_IMAGE_URL]: imageServer.url('/product.png'),
					[EXAMPLE_OUTPUT_FOLDER]: realpathSync(filesDir),
				},
			),
		);
		await cli.importWorkflows(workflows);
		for (const workflow of workflows) info(`"${workflow.name}" (id ${workflow.id})`);
		const cliScript = writeCliScript(devFolder, cli, install);
		stopped();

		const logFile = path.join(devFolder, 'n8n.log');
		step(`Starting n8n on http://localhost:${port} (log: ${logFile})`);
		const log = createWriteStream(logFile, { flags: 'a' });
		const n8n = await cli.spawn(['start'], {
			N8N_PORT: String(port),
			N8N_HOST: 'localhost',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `http://localhost:${port}`,
			N8N_SECURE_COOKIE: 'false',
		});
		writeFileSync(path.join(devFolder, 'n8n.pid'), String(n8n.pid));
		const forward = (chunk: Buffer) => {
			log.write(chunk);
			for (const line of chunk.toString('utf8').split('\n')) {
				// n8n's warnings and errors, without stack frames; the full log is in the file.
				if (/error|warn/i.test(line) && !/^\s*at\s|python task runner/i.test(line))
					info(`[n8n] ${line.trim()}`);
			}
		};
		n8n.stdout!.on('data', forward);
		n8n.stderr!.on('data', forward);
		n8n.once('exit', (code) => {
			if (!this.stopping) this.options.onN8nExit?.(code);
		});
		await waitForEditor(`http://localhost:${port}/`, n8n, 120_000);

		const settings = (await (
			await fetch(`http://localhost:${port}/rest/settings`)
		)
			.json()
			.catch(() => ({}))) as {
			data?: { userManagement?: { showSetupOnFirstLoad?: boolean } };
		};
		return {
			port,
			url: `http://localhost:${port}`,
			devFolder,
			filesDir,
			logFile,
			cliScript,
			credentials,
			workflows,
			firstVisit: settings.data?.userManagement?.showSetupOnFirstLoad === true,
		};
	}
}

async function main(): Promise<void> {
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		console.log('\nStopping n8n and the simulators…');
		await dev.stop();
		process.exit(code);
	};
	const dev: DevEnvironment = new DevEnvironment({
		port: Number(process.env.N8N_PORT || 5678),
		latencyMs: Number(process.env.KLING_DEV_LATENCY_MS || 20_000),
		devFolder: process.env.KLING_DEV_FOLDER || undefined,
		onN8nExit: (code) => {
			console.error(`n8n exited (${code}); see ${path.join(dev.devFolder, 'n8n.log')}`);
			void stop(1);
		},
	});
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));

	try {
		const { port, firstVisit, credentials, workflows, filesDir, cliScript } = await dev.start();
		console.log(`
✔ n8n is ready: http://localhost:${port}
${firstVisit ? '  First visit: n8n asks you to create the owner account (kept in this dev folder only).\n' : ''}  Credentials: ${credentials.map((credential) => `"${credential.name}"`).join(', ')}
  Workflows:   ${workflows.map((workflow) => `"${workflow.name}"`).join('\n               ')}
  The simulators answer with placeholder MP4 bytes; the scheduled example saves them in ${filesDir}.
  From another shell, n8n's CLI works on the same data, for example:
    ${cliScript} execute --id=${workflows[0].id} --rawOutput
  Ctrl-C stops n8n and the simulators.`);
		await new Promise<void>(() => undefined); // until a signal arrives
	} catch (error) {
		if (stopping) return; // a signal arrived while starting: stop() is under way
		console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
		await stop(1);
	}
}

if (require.main === module) void main();
