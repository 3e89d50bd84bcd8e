/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The API key in a real n8n (regular mode, SQLite): it reaches the provider's API and nothing else,
 * in every n8n of N8N_TARGETS.
 * Runs that succeed, fail, echo the key back and redirect, then a search for the key through
 * everything they produced: what the CLI printed (n8n's debug logs included), the log file, the
 * output items and errors, the executions saved in the database (and the database files' bytes),
 * the binary data folder, every other file n8n wrote, and what the simulators' servers received.
 * Each place is also searched for something that must be there, so the search is known to work.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { parseExecution, type CliResult, type WorkflowRun } from '../../tools/n8n/n8nCli';
import { querySqlite, sqliteFileOf } from '../../tools/n8n/sqlite';
import {
	limitConcurrency,
	logDurations,
	N8N_TARGETS,
	simulatorCredential,
	startN8nSuite,
	type N8nSuite,
} from '../../tools/n8n/suite';
import {
	chainWorkflow,
	klingNode,
	manualTrigger,
	type ProviderId,
} from '../../tools/n8n/workflows';

/** Distinctive, and plainly a placeholder. */
const API_KEY = 'dummy-key-e2e-trust-7c41f09b3d2a';
const PROMPT = 'The camera drifts over a quiet harbour';

/** One workflow per case: the provider, what the simulator does, and the node's "On Error" setting. */
interface TrustCase {
	provider: ProviderId;
	setUp(sim: Simulator): void;
	onError?: 'continueErrorOutput' | 'continueRegularOutput';
	videoBytes?: number;
	/** Run last, on its own, after the searches through everything the other runs produced. */
	runLast?: true;
}

/** The provider refuses the key on submission and repeats it in its error message. */
function refuseTheKeyQuotingIt(sim: Simulator): void {
	sim.faults.next('submit', { type: 'http', status: 401, message: `Invalid API key ${API_KEY}` });
}

const CASES = {
	success: { provider: 'novita', setUp: () => undefined, videoBytes: 20_001 },
	echoedKey: { provider: 'aimlApi', setUp: refuseTheKeyQuotingIt },
	// The same, with "On Error: continue (using error output)": the error becomes an output item.
	echoedKeyContinue: {
		provider: 'aimlApi',
		setUp: refuseTheKeyQuotingIt,
		onError: 'continueErrorOutput',
	},
	// The provider fails the task, quoting the key in its reason.
	taskFailed: {
		provider: 'gmiCloud',
		setUp: (sim) =>
			sim.setTaskOutcome('all', {
				status: 'failed',
				reason: `dummy refusal for key ${API_KEY}: content rules`,
			}),
	},
	// The video host redirects the download to another origin, which serves the video.
	downloadRedirect: {
		provider: 'myRouter',
		setUp: (sim) => sim.faults.next('download', { type: 'redirect' }),
		videoBytes: 20_002,
	},
	// The API itself redirects a status request to another origin: not followed.
	apiRedirect: {
		provider: 'highwayApi',
		setUp: (sim) => sim.faults.next('status', { type: 'redirect' }),
	},
	// Connections dropped mid-answer: status checks retried (then success), and a submission left uncertain (an error).
	statusReset: {
		provider: 'aimlApi',
		setUp: (sim) => sim.faults.next('status', { type: 'reset' }, 2),
		videoBytes: 20_003,
	},
	submitReset: {
		provider: 'gmiCloud',
		setUp: (sim) => sim.faults.next('submit', { type: 'reset', afterCreate: true }),
	},
	// The key echoed in an error body that is not a JSON object (plain text, or a bare JSON string), as a gateway may answer.
	plainTextEcho: {
		provider: 'novita',
		setUp: (sim) =>
			sim.faults.next('submit', { type: 'http', status: 401, body: `Invalid API key ${API_KEY}` }),
		runLast: true,
	},
} satisfies Record<string, TrustCase>;

type CaseName = keyof typeof CASES;
const CASE_NAMES = Object.keys(CASES) as CaseName[];
/** The runs started together and searched through together. */
const SEARCHED = CASE_NAMES.filter((name) => !(CASES[name] as TrustCase).runLast);
/** Workflow ids are at most 21 characters. */
const workflowId = (name: CaseName) => `tr${name[0].toUpperCase()}${name.slice(1)}`;

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * The run `n8n execute --rawOutput` printed, when n8n logs to the console at debug level: then the
 * run's JSON comes through the logger, coloured, after a time and level, followed by its metadata.
 */
function parseLoggedRun(result: CliResult): WorkflowRun {
	const plain = (text: string) =>
		text
			.replace(ANSI_COLOUR, '')
			.split('\n')
			.map((line) =>
				line
					.replace(/^\d{2}:\d{2}:\d{2}\.\d{3}\s+(?:debug|info|warn|error)\s+/, '')
					.replace(/ \{ "file": "[^"]*"(?:, "function": "[^"]*")? \}$/, ''),
			)
			.join('\n');
	return {
		...parseExecution({ ...result, stdout: plain(result.stdout), stderr: plain(result.stderr) }),
		stdout: result.stdout,
		stderr: result.stderr,
	};
}

/** Every file under `dir` (recursively), except the folders named in `skip`. */
function filesUnder(dir: string, skip: string[] = []): string[] {
	if (!existsSync(dir)) return [];
	return readdirSync(dir).flatMap((entry) => {
		const full = path.join(dir, entry);
		if (skip.includes(full)) return [];
		return statSync(full).isDirectory() ? filesUnder(full, skip) : [full];
	});
}

/** The files (by path relative to `root`) whose name or bytes contain `needle`. */
function filesContaining(root: string, files: string[], needle: string): string[] {
	const bytes = Buffer.from(needle, 'utf8');
	return files
		.filter((file) => file.includes(needle) || readFileSync(file).includes(bytes))
		.map((file) => path.relative(root, file));
}

describe.each(N8N_TARGETS)('the API key in $name: only the provider API sees it', (target) => {
	let suite: N8nSuite;
	let logFile: string;
	const sims = {} as Record<CaseName, Simulator>;
	const runs = new Map<CaseName, Promise<WorkflowRun>>();
	const run = async (name: CaseName): Promise<WorkflowRun> => await runs.get(name)!;
	const execute = (name: CaseName) => async () =>
		parseLoggedRun(await suite.cli.run(['execute', `--id=${workflowId(name)}`, '--rawOutput']));
	const allRuns = async () =>
		await Promise.all(SEARCHED.map(async (name) => [name, await run(name)] as const));

	beforeAll(async () => {
		suite = await startN8nSuite('trust', {
			target,
			env: (userFolder) => ({
				N8N_LOG_LEVEL: 'debug',
				N8N_LOG_OUTPUT: 'console,file',
				N8N_LOG_FILE_LOCATION: path.join(userFolder, '.n8n', 'logs', 'n8n.log'),
				// Every run saved, whatever the outcome (these are n8n's defaults, stated so the test does not depend on them).
				EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
				EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
				EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
				EXECUTIONS_DATA_SAVE_ON_PROGRESS: 'true',
			}),
		});
		logFile = path.join(suite.userFolder, '.n8n', 'logs', 'n8n.log');
		mkdirSync(path.dirname(logFile), { recursive: true });

		for (const [index, name] of CASE_NAMES.entries()) {
			const spec: TrustCase = CASES[name];
			sims[name] = await startSimulator({
				provider: spec.provider,
				apiKey: API_KEY,
				latency: { meanMs: 400 },
				videoBytes: spec.videoBytes ?? 20_000,
				seed: 300 + index,
			});
			spec.setUp(sims[name]);
		}
		const credentials = CASE_NAMES.map((name) =>
			simulatorCredential(sims[name], `${workflowId(name)}Cred`),
		);
		await suite.cli.importCredentials(credentials);
		await suite.cli.importWorkflows(
			CASE_NAMES.map((name, index) =>
				chainWorkflow(workflowId(name), `Trust: ${name}`, [
					manualTrigger(),
					{
						...klingNode(
							'Animate',
							{
								provider: CASES[name].provider,
								operation: 'generate',
								imageSource: 'url',
								imageUrl: 'https://example.com/harbour.jpg',
								prompt: PROMPT,
							},
							credentials[index].ref,
						),
						...('onError' in CASES[name] && { onError: CASES[name].onError }),
					},
				]),
			),
		);
		const limit = limitConcurrency(3);
		for (const name of SEARCHED) {
			const execution = limit(execute(name));
			execution.catch(() => undefined); // reported by the test that awaits it
			runs.set(name, execution);
		}
	}, 30 * 60_000);

	afterAll(async () => {
		try {
			await logDurations(runs);
		} finally {
			await suite?.close();
			await Promise.all(Object.values(sims).map(async (sim) => await sim.close()));
		}
	});

	it('each case ends as intended', async () => {
		const success = await run('success');
		expect(success.status).toBe('success');
		expect(success.items('Animate')[0].json).toMatchObject({
			status: 'succeeded',
			taskId: sims.success.tasks[0].id,
		});

		const echoed = await run('echoedKey');
		expect(echoed.status).toBe('error');
		expect(echoed.nodeError('Animate')?.message).toBe(
			'AI/ML API rejected the API key (401): Invalid API key *** [item 0]',
		);
		expect(sims.echoedKey.submissions()).toBe(0);

		const echoedContinue = await run('echoedKeyContinue');
		expect(echoedContinue.status).toBe('success');
		// The error output; n8n 1.x keeps this item on the success output (see node.test.ts).
		const [failedItem] = echoedContinue.items('Animate', target.major === 1 ? 0 : 1);
		expect(String(failedItem?.json.error)).toContain('Invalid API key ***');

		const failed = await run('taskFailed');
		expect(failed.status).toBe('error');
		expect(failed.nodeError('Animate')?.message).toContain(sims.taskFailed.tasks[0].id);
		expect(failed.nodeError('Animate')?.message).toContain(
			'dummy refusal for key ***: content rules',
		);

		const downloadRedirect = await run('downloadRedirect');
		expect(downloadRedirect.status).toBe('success');
		const video = downloadRedirect.items('Animate')[0].binary!.data;
		expect(suite.cli.readBinary(video).equals(expectedVideoBytes(20_002))).toBe(true);
		// Fetched from the other origin, after the video host's redirect.
		expect(
			sims.downloadRedirect.requests
				.filter((request) => request.kind === 'download')
				.map((request) => request.server),
		).toEqual(['video', 'other']);

		const apiRedirect = await run('apiRedirect');
		expect(apiRedirect.status).toBe('error');
		expect(apiRedirect.nodeError('Animate')?.message).toBe(
			`HighwayAPI answered with a redirect (302) to ${new URL(sims.apiRedirect.otherHostUrl).origin} [item 0]`,
		);
		expect(sims.apiRedirect.requests.filter((request) => request.server === 'other')).toEqual([]);

		const statusReset = await run('statusReset');
		expect(statusReset.status).toBe('success');
		expect(
			sims.statusReset.requests.filter(
				(request) => request.kind === 'status' && request.status === 'reset',
			),
		).toHaveLength(2);

		const submitReset = await run('submitReset');
		expect(submitReset.status).toBe('error');
		expect(submitReset.nodeError('Animate')?.message).toMatch(
			/^GMI Cloud did not confirm the new task/,
		);
	});

	it('the key reaches the provider API only: never the video host, nor another origin', async () => {
		await allRuns();
		for (const name of SEARCHED) {
			const requests = sims[name].requests;
			expect({
				name,
				apiRequests: requests.filter((request) => request.server === 'api').length,
			}).toEqual({ name, apiRequests: expect.any(Number) });
			for (const request of requests) {
				const carriesKey = JSON.stringify(request).includes(API_KEY);
				// Every API request authenticates with the key (so the search works); nothing else carries it anywhere.
				expect({ name, server: request.server, kind: request.kind, carriesKey }).toEqual({
					name,
					server: request.server,
					kind: request.kind,
					carriesKey: request.server === 'api',
				});
				if (request.server === 'api')
					expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
			}
		}
		expect(sims.downloadRedirect.requests.some((request) => request.server === 'other')).toBe(true);
		expect(sims.success.requests.some((request) => request.server === 'video')).toBe(true);
	});

	it('not in the output items, errors, descriptions or request details n8n printed for each run', async () => {
		for (const [name, execution] of await allRuns()) {
			const printed = `${execution.stdout}\n${execution.stderr}`;
			expect({ name, keyInOutput: printed.includes(API_KEY) }).toEqual({
				name,
				keyInOutput: false,
			});
			const produced = JSON.stringify({ runData: execution.runData, error: execution.error });
			expect({ name, keyInRunData: produced.includes(API_KEY) }).toEqual({
				name,
				keyInRunData: false,
			});
			// The search works: the run data names the node, and what was printed names the task (where the node learned its id).
			expect(produced).toContain('Animate');
			const submitted = sims[name].requests.some(
				(request) =>
					request.kind === 'submit' && typeof request.status === 'number' && request.status < 300,
			);
			if (submitted)
				expect({ name, taskIdPrinted: printed.includes(sims[name].tasks[0].id) }).toEqual({
					name,
					taskIdPrinted: true,
				});
		}
		// n8n logged at debug level to the console: the search covered its logs.
		expect((await run('success')).stdout + (await run('success')).stderr).toMatch(/debug/);
	});

	it("not in n8n's log file", async () => {
		await allRuns();
		const log = readFileSync(logFile, 'utf8');
		expect(log).toMatch(/debug/);
		for (const name of SEARCHED) expect(log).toContain(workflowId(name));
		expect(log.includes(API_KEY)).toBe(false);
	});

	it("not in the executions saved in n8n's database, nor anywhere in the database files", async () => {
		await allRuns();
		const rows = await querySqlite<{
			id: number;
			status: string;
			workflowId: string;
			data: string;
			workflowData: string;
		}>(
			suite.cli.install,
			sqliteFileOf(suite.userFolder),
			'SELECT e.id, e.status, e.workflowId, d.data, d.workflowData FROM execution_entity e JOIN execution_data d ON d.executionId = e.id ORDER BY e.id',
		);
		// One saved execution per run, with its outcome.
		const saved = Object.fromEntries(rows.map((row) => [row.workflowId, row.status]));
		expect(saved).toEqual({
			[workflowId('success')]: 'success',
			[workflowId('echoedKey')]: 'error',
			[workflowId('echoedKeyContinue')]: 'success',
			[workflowId('taskFailed')]: 'error',
			[workflowId('downloadRedirect')]: 'success',
			[workflowId('apiRedirect')]: 'error',
			[workflowId('statusReset')]: 'success',
			[workflowId('submitReset')]: 'error',
		});
		for (const row of rows) {
			expect({
				workflowId: row.workflowId,
				keyInData: row.data.includes(API_KEY) || row.workflowData.includes(API_KEY),
			}).toEqual({
				workflowId: row.workflowId,
				keyInData: false,
			});
		}
		// The search works: the saved run data holds the task ids the node reported, and the redacted echo.
		const allData = rows.map((row) => row.data).join('\n');
		for (const name of ['success', 'taskFailed', 'downloadRedirect', 'statusReset'] as const)
			expect(allData).toContain(sims[name].tasks[0].id);
		expect(allData).toContain('Invalid API key ***');
		expect(allData).toContain('answered with a redirect (302)');

		// The raw bytes of the database (and its write-ahead log): the stored credentials are encrypted.
		const dbFiles = readdirSync(path.dirname(sqliteFileOf(suite.userFolder)))
			.filter((file) => file.startsWith('database.sqlite'))
			.map((file) => path.join(suite.userFolder, '.n8n', file));
		expect(dbFiles.length).toBeGreaterThanOrEqual(1);
		expect(
			filesContaining(suite.userFolder, dbFiles, sims.success.tasks[0].id).length,
		).toBeGreaterThanOrEqual(1);
		expect(filesContaining(suite.userFolder, dbFiles, API_KEY)).toEqual([]);
		const credentialRows = await querySqlite<{ id: string; data: string }>(
			suite.cli.install,
			sqliteFileOf(suite.userFolder),
			'SELECT id, data FROM credentials_entity',
		);
		expect(credentialRows).toHaveLength(CASE_NAMES.length);
		expect(credentialRows.some((row) => row.data.length > 20)).toBe(true);
		for (const row of credentialRows) expect(row.data.includes(API_KEY)).toBe(false);
	});

	it('not in the binary data folder, nor in any other file n8n wrote in its user folder', async () => {
		await allRuns();
		const storage = suite.cli.binaryDataDir();
		const videos = filesUnder(storage);
		// The search works: the three downloaded videos are there.
		for (const bytes of [20_001, 20_002, 20_003]) {
			expect(videos.some((file) => readFileSync(file).equals(expectedVideoBytes(bytes)))).toBe(
				true,
			);
		}
		expect(filesContaining(suite.userFolder, videos, API_KEY)).toEqual([]);

		// Everything else: database, logs, config, the CLI's scratch files (the installed package aside).
		const everything = filesUnder(suite.userFolder, [path.join(suite.userFolder, '.n8n', 'nodes')]);
		expect(everything).toContain(logFile);
		expect(filesContaining(suite.userFolder, everything, API_KEY)).toEqual([]);
	});

	// Last: once it has run, n8n's log file and database hold what it printed and saved.
	it('not in the error when the provider echoes the key in an error body that is not a JSON object', async () => {
		await allRuns();
		const execution = await execute('plainTextEcho')();
		expect(execution.status).toBe('error');
		expect(sims.plainTextEcho.submissions()).toBe(0);
		const error = execution.nodeError('Animate');
		// As when the echo comes in a JSON error object (see "each case ends as intended").
		expect(error?.message).toBe(
			'Novita AI rejected the API key (401): Invalid API key *** [item 0]',
		);
		const where = {
			errorMessage: String(error?.message).includes(API_KEY),
			runData: JSON.stringify({ runData: execution.runData, error: execution.error }).includes(
				API_KEY,
			),
			printed: `${execution.stdout}\n${execution.stderr}`.includes(API_KEY),
			logFile: readFileSync(logFile, 'utf8').includes(API_KEY),
		};
		expect(where).toEqual({ errorMessage: false, runData: false, printed: false, logFile: false });
		const [saved] = await querySqlite<{ data: string }>(
			suite.cli.install,
			sqliteFileOf(suite.userFolder),
			'SELECT d.data FROM execution_entity e JOIN execution_data d ON d.executionId = e.id WHERE e.workflowId = ?',
			[workflowId('plainTextEcho')],
		);
		expect(saved.data).toContain('rejected the API key (401)');
		expect(saved.data.includes(API_KEY)).toBe(false);
	});
});
