/**
 * Where the n8n releases the package supports (N8N_TARGETS: the newest 1.x and 2.x) behave
 * differently for a user of the node, each checked in each release: an execution timeout (n8n's
 * Stop, by the clock) while the node waits, and a video stored with n8n's own default binary data
 * mode. docs/n8n-versions.md says what differs; node.test.ts covers the error output.
 */
import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import type { WorkflowRun } from '../../tools/n8n/n8nCli';
import { querySqlite, sqliteFileOf } from '../../tools/n8n/sqlite';
import {
	assertSucceeded,
	N8N_TARGETS,
	simulatorCredential,
	startN8nSuite,
	type N8nSuite,
} from '../../tools/n8n/suite';
import { chainWorkflow, klingNode, manualTrigger } from '../../tools/n8n/workflows';

/** The workflow's "Timeout Workflow" setting, in seconds. */
const WORKFLOW_TIMEOUT_S = 8;
/** How long the task takes: the node plans a status check just after its eta, after the timeout. */
const SLOW_TASK_MS = 12_000;
/** A request already on the wire when the stop arrives may still land. */
const ON_THE_WIRE_MS = 1000;
const VIDEO_BYTES = 24_680;

/** n8n's SQLite keeps times as "2026-11-29 22:41:45.606", in UTC. */
const sqliteTime = (value: string): number => Date.parse(`${value.replace(' ', 'T')}Z`);

describe.each(N8N_TARGETS)('what differs between n8n releases, in $name', (target) => {
	let suite: N8nSuite;
	let slowSim: Simulator;
	let sim: Simulator;
	let timedOut: Promise<{ exitCode: number | null; endedAt: number; output: string }>;
	let defaultBinaryMode: Promise<WorkflowRun>;

	beforeAll(async () => {
		suite = await startN8nSuite('versions', { target });
		// An exact eta (no noise) that runs out after the workflow's timeout.
		slowSim = await startSimulator({
			provider: 'novita',
			apiKey: 'dummy-e2e-versions-slow-key',
			latency: () => SLOW_TASK_MS,
			etaNoise: 0,
			seed: 501,
		});
		sim = await startSimulator({
			provider: 'myRouter',
			apiKey: 'dummy-e2e-versions-key',
			latency: { meanMs: 400 },
			videoBytes: VIDEO_BYTES,
			seed: 502,
		});
		const slowCred = simulatorCredential(slowSim, 'e2eVersionsSlow');
		const cred = simulatorCredential(sim, 'e2eVersionsBinary');
		await suite.cli.importCredentials([slowCred, cred]);
		const generate = (provider: string) => ({
			provider,
			operation: 'generate',
			imageSource: 'url',
			imageUrl: 'https://example.com/frame.png',
			prompt: 'The camera slowly pushes in',
		});
		const timeoutWorkflow = chainWorkflow('e2eVersionsTimeout', 'Timeout Workflow while waiting', [
			manualTrigger(),
			klingNode('Animate', generate('novita'), slowCred.ref),
		]);
		timeoutWorkflow.settings = {
			...timeoutWorkflow.settings,
			executionTimeout: WORKFLOW_TIMEOUT_S,
		};
		await suite.cli.importWorkflows([
			timeoutWorkflow,
			chainWorkflow('e2eVersionsBinary', "n8n's own binary data mode", [
				manualTrigger(),
				klingNode('Animate', generate('myRouter'), cred.ref),
			]),
		]);

		// `n8n execute` prints no run for a cancelled execution (in both releases), only its log.
		timedOut = suite.cli
			.run(['execute', '--id=e2eVersionsTimeout', '--rawOutput'])
			.then((result) => ({
				exitCode: result.exitCode,
				endedAt: Date.now(),
				output: `${result.stdout}\n${result.stderr}`,
			}));
		// Without N8N_DEFAULT_BINARY_DATA_MODE, which the other suites set to filesystem. After the
		// timeout run, not beside it: a second n8n starting up would delay the timed run's stop and exit.
		defaultBinaryMode = timedOut.then(() =>
			suite.cli.execute('e2eVersionsBinary', { env: { N8N_DEFAULT_BINARY_DATA_MODE: undefined } }),
		);
		timedOut.catch(() => undefined);
		defaultBinaryMode.catch(() => undefined); // reported by the tests that await them
	}, 30 * 60_000);

	afterAll(async () => {
		await suite?.close();
		await slowSim?.close();
		await sim?.close();
	});

	it('"Timeout Workflow" stops the waiting node at the timeout: execution cancelled, no request after it, n8n exits', async () => {
		const { exitCode, endedAt, output } = await timedOut;
		expect(exitCode).toBe(1);
		// As n8n reports it: commands/execute.js logs the TimeoutExecutionCancelledError.
		expect(output).toContain('The execution was cancelled because it timed out');
		const [saved] = await querySqlite<{
			status: string;
			startedAt: string;
			stoppedAt: string | null;
		}>(
			suite.cli.install,
			sqliteFileOf(suite.userFolder),
			'SELECT status, startedAt, stoppedAt FROM execution_entity WHERE workflowId = ?',
			['e2eVersionsTimeout'],
		);
		// startedAt is saved (setRunning, awaited) before the workflow starts and its timer is set.
		const timeoutAt = sqliteTime(saved.startedAt) + WORKFLOW_TIMEOUT_S * 1000;
		// n8n races its own save of the cancelled status: WorkflowExecute's onCancel runs the
		// workflowExecuteAfter hook unawaited (`void hooks.runHook`, n8n-core workflow-execute.js),
		// while the rejected postExecutePromise sends `n8n execute` to BaseCommand.finally, which
		// closes the database 100 ms later and exits (DriverAlreadyReleasedError in 2.40.7's log).
		// Same code in 1.123.81. The row then still reads "running", with no stoppedAt.
		if (saved.status === 'running') {
			expect(saved.stoppedAt).toBeNull();
		} else {
			expect(saved.status).toBe('canceled');
			const ranMs = sqliteTime(saved.stoppedAt!) - sqliteTime(saved.startedAt);
			expect(ranMs).toBeGreaterThanOrEqual(WORKFLOW_TIMEOUT_S * 1000 - 100);
			expect(ranMs).toBeLessThan(WORKFLOW_TIMEOUT_S * 1000 + ON_THE_WIRE_MS);
		}

		// The task was submitted once and never fetched; the status check planned after its eta never came.
		expect(slowSim.submissions()).toBe(1);
		const submittedAt = slowSim.requests.find((request) => request.kind === 'submit')!.at;
		expect(slowSim.requests.filter((request) => request.at > timeoutAt + ON_THE_WIRE_MS)).toEqual(
			[],
		);
		expect(slowSim.requests.filter((request) => request.kind === 'download')).toEqual([]);
		// n8n exited at the timeout, not before it, and before the task's eta: nothing of the node's
		// waiting kept it alive (n8n 1.x's sleep has no abort signal).
		expect(endedAt).toBeGreaterThanOrEqual(timeoutAt - 100);
		expect(endedAt).toBeLessThan(submittedAt + SLOW_TASK_MS);
		expect(endedAt - timeoutAt).toBeLessThan(5000);
	});

	it("stores the video with n8n's default binary data mode: in the execution data on 1.x, on disk on 2.x", async () => {
		const execution = await defaultBinaryMode;
		assertSucceeded(execution);
		const [item] = execution.items('Animate');
		const video = item.binary!.data;
		expect(video).toMatchObject({ mimeType: 'video/mp4', fileName: `${sim.tasks[0].id}.mp4` });
		expect(suite.cli.readBinary(video).equals(expectedVideoBytes(VIDEO_BYTES))).toBe(true);
		if (target.major === 1) {
			// n8n 1.x keeps binary data in memory by default ("default" mode), saved as base64 with the execution.
			expect(video.id).toBeUndefined();
			expect(video.data).toBe(expectedVideoBytes(VIDEO_BYTES).toString('base64'));
		} else {
			expect(video.id).toMatch(/^filesystem(-v2)?:/);
		}
	});
});
