/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * examples/durable-loop-push.json in a real n8n started as a server (WEBHOOK_URL pointing at it),
 * against simulators that call back as each route documents: Novita AI when a task ends (retried
 * when n8n answers 409 while the execution runs), the official Kling API on every status change
 * (each call sent twice here), fal.ai with every call lost, and a forged call to the resume URL.
 */
import {
	expectedVideoBytes,
	startSimulator,
	type CallbackOptions,
	type ProviderId,
	type Simulator,
	type SimulatorOptions,
} from '../../tools/simulators';
import type { WorkflowJson } from '../../tools/n8n/n8nCli';
import { N8nServer, type SavedExecution } from '../../tools/n8n/n8nServer';
import { simulatorCredential, startN8nSuite, type N8nSuite } from '../../tools/n8n/suite';
import { CREDENTIAL_TYPES, adaptExample, readExample } from '../../tools/n8n/workflows';

const EXAMPLE = readExample('durable-loop-push.json');
const VIDEO_BYTES = 56_666;
/** n8n's Wait node parks from 65 s; Submit Task's first checkAfterSeconds is at least 66. */
const FIRST_LIMIT_SECONDS = 66;
const SHOTS = [1, 2, 3].map((n) => ({
	imageUrl: `https://example.com/push/shot-${n}.jpg`,
	prompt: `dummy push prompt number ${n}`,
}));

interface Scenario {
	name: string;
	provider: ProviderId;
	callbacks: CallbackOptions;
	latencyMs: (taskIndex: number) => number;
	sim?: Simulator;
	workflow?: WorkflowJson;
	startedAt?: number;
	finished?: Promise<SavedExecution>;
}

const scenarios: Record<'novita' | 'kling' | 'dropped' | 'forged', Scenario> = {
	novita: {
		name: 'novita',
		provider: 'novita',
		callbacks: { retryDelaysMs: [1000, 2000, 4000, 8000, 16_000] },
		latencyMs: (index) => 15_000 + index * 4_000,
	},
	kling: {
		name: 'kling',
		provider: 'kling',
		callbacks: { duplicate: true },
		latencyMs: (index) => 15_000 + index * 4_000,
	},
	dropped: {
		name: 'dropped',
		provider: 'fal',
		callbacks: { drop: true },
		latencyMs: (index) => 20_000 + index * 4_000,
	},
	forged: {
		name: 'forged',
		provider: 'novita',
		callbacks: { retryDelaysMs: [1000, 2000, 4000, 8000, 16_000] },
		latencyMs: (index) => 30_000 + index * 3_000,
	},
};

/** The example for one scenario: its own id, webhook path, provider and credential. */
function workflowFor(
	scenario: Scenario,
	sim: Simulator,
): { workflow: WorkflowJson; credential: ReturnType<typeof simulatorCredential> } {
	const credential = simulatorCredential(sim, `e2ePush${scenario.name}`);
	const adapted = adaptExample(
		{
			...EXAMPLE,
			nodes: EXAMPLE.nodes.map((node) =>
				node.credentials?.novitaApi
					? {
							...node,
							parameters: { ...node.parameters, provider: scenario.provider },
							credentials: { [CREDENTIAL_TYPES[scenario.provider]]: node.credentials.novitaApi },
						}
					: node,
			),
		},
		credential.ref,
		{ 'kling-push-videos': `kling-push-${scenario.name}` },
	);
	return {
		credential,
		workflow: { ...adapted, id: `klingPush${scenario.name}`, name: `push ${scenario.name}` },
	};
}

/** What the forged calls got, made as soon as the forged scenario's loop parks. */
let forgery:
	Promise<{ unsignedStatus: number; forgedStatus: number; forgedAt: number }> | undefined;

async function forgeCalls(scenario: Scenario) {
	const sim = scenario.sim!;
	await server.waitForExecution(
		scenario.workflow!.id!,
		'the forged-call loop to park',
		(executions) => executions.find((execution) => execution.status === 'waiting'),
		60_000,
	);
	const resumeUrl = (sim.tasks[0].body as { extra: { webhook: { url: string } } }).extra.webhook
		.url;
	const forgedBody = {
		event_type: 'ASYNC_TASK_RESULT',
		payload: {
			task: { task_id: sim.tasks[0].id, status: 'TASK_STATUS_SUCCEED' },
			videos: [{ video_url: 'http://127.0.0.1:9/forged.mp4' }],
		},
	};
	const post = async (url: string) =>
		(
			await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(forgedBody),
			})
		).status;
	// Without the execution's token n8n refuses the call outright.
	const unsignedStatus = await post(resumeUrl.replace(/\?.*$/, ''));
	const forgedAt = Date.now();
	const forgedStatus = await post(resumeUrl);
	return { unsignedStatus, forgedStatus, forgedAt };
}

let suite: N8nSuite;
let server: N8nServer;

beforeAll(async () => {
	suite = await startN8nSuite('push');
	for (const scenario of Object.values(scenarios)) {
		const options: SimulatorOptions = {
			provider: scenario.provider,
			apiKey: `dummy-e2e-push-${scenario.name}-key`,
			latency: scenario.latencyMs,
			queueMs: 2_000,
			videoBytes: VIDEO_BYTES,
			callbacks: scenario.callbacks,
			seed: 180,
		};
		scenario.sim = await startSimulator(options);
		const { workflow, credential } = workflowFor(scenario, scenario.sim);
		scenario.workflow = workflow;
		await suite.cli.importCredentials([credential]);
		await suite.cli.importWorkflows([workflow]);
		await suite.cli.runOk(['publish:workflow', `--id=${workflow.id}`]);
	}
	server = await N8nServer.start(suite);
	for (const scenario of Object.values(scenarios)) {
		scenario.startedAt = Date.now();
		const response = await server.postWebhook(`kling-push-${scenario.name}`, { shots: SHOTS });
		expect(response.status).toBe(200);
		scenario.finished = server.waitForExecution(
			scenario.workflow!.id!,
			`the ${scenario.name} loop to finish`,
			([execution]) =>
				execution && !['new', 'running', 'waiting'].includes(execution.status)
					? execution
					: undefined,
			5 * 60_000,
		);
		scenario.finished.catch(() => undefined); // reported by the test that awaits it
	}
	forgery = forgeCalls(scenarios.forged);
	forgery.catch(() => undefined);
}, 10 * 60_000);

afterAll(async () => {
	await server?.stop();
	for (const scenario of Object.values(scenarios)) await scenario.sim?.close();
	await suite?.close();
});

/** Output items of a node, per run. */
const runsOf = (execution: SavedExecution, node: string) =>
	(execution.runData[node] ?? []).map((nodeRun) => nodeRun.data?.main?.[0] ?? []);

/** Every video delivered once, as binary data with the simulator's bytes; one task per shot. */
function expectEveryVideoOnce(scenario: Scenario, execution: SavedExecution): void {
	const sim = scenario.sim!;
	expect({ status: execution.status, error: execution.error?.message }).toEqual({
		status: 'success',
		error: undefined,
	});
	expect(sim.submissions()).toBe(SHOTS.length);
	const ready = runsOf(execution, 'Video Ready').flat();
	expect(ready.map((item) => item.json.taskId).sort()).toEqual(
		sim.tasks.map((task) => task.id).sort(),
	);
	for (const item of ready) {
		expect(item.json).toMatchObject({ status: 'succeeded', done: true });
		expect(String(item.json.videoUrl)).toContain(sim.videoHostUrl);
		expect(suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(VIDEO_BYTES))).toBe(
			true,
		);
	}
}

/** Seconds from a task's end to the first status answer that said so. */
const lagsOf = (sim: Simulator) =>
	sim.tasks.map((task) => (task.firstReportedTerminalAt! - task.finishesAt) / 1000);

it('Novita AI: each task ends with a callback that wakes the parked loop, and its video is found seconds later', async () => {
	const scenario = scenarios.novita;
	const execution = await scenario.finished!;
	expectEveryVideoOnce(scenario, execution);
	// Without push the first look comes after 66 s; here every video is found within seconds.
	const sim = scenario.sim!;
	for (const lag of lagsOf(sim)) expect(lag).toBeLessThan(20);
	expect(
		Math.max(...sim.tasks.map((task) => task.firstReportedTerminalAt! - task.createdAt)),
	).toBeLessThan(FIRST_LIMIT_SECONDS * 1000);
	expect(sim.callbacks.filter((call) => call.status === 200).length).toBeGreaterThanOrEqual(1);
	// Each woken round asks about the task its call names (the tag on the Callback URL), plus the
	// first round's sentinels: not every task each round, and no minute of following them.
	const statusAsks = sim.requests.filter((request) => request.kind === 'status').length;
	expect(statusAsks).toBeLessThanOrEqual(2 * SHOTS.length);
	process.stderr.write(
		`[e2e] push, Novita: ${statusAsks} status requests for ${SHOTS.length} tasks\n`,
	);
	process.stderr.write(
		`[e2e] push, Novita: lags ${lagsOf(sim)
			.map((lag) => lag.toFixed(1))
			.join(', ')} s\n`,
	);
});

it('the official Kling API: calls on every status change, each sent twice, still deliver every video once', async () => {
	const scenario = scenarios.kling;
	const execution = await scenario.finished!;
	expectEveryVideoOnce(scenario, execution);
	const sim = scenario.sim!;
	const events = new Set(sim.callbacks.map((call) => call.event));
	expect(events).toEqual(new Set(['submitted', 'processing', 'finished']));
	// Every video was found before the first time limit would have run out.
	for (const task of sim.tasks)
		expect(task.firstReportedTerminalAt! - task.createdAt).toBeLessThan(FIRST_LIMIT_SECONDS * 1000);
	process.stderr.write(
		`[e2e] push, Kling: lags ${lagsOf(sim)
			.map((lag) => lag.toFixed(1))
			.join(', ')} s\n`,
	);
});

it('fal.ai with every callback lost: the loop finishes by its time limits', async () => {
	const scenario = scenarios.dropped;
	const execution = await scenario.finished!;
	expectEveryVideoOnce(scenario, execution);
	const sim = scenario.sim!;
	expect(sim.callbacks).toEqual([]);
	// Nothing woke it: the first status request came when the Wait node's limit ran out.
	const firstLook = sim.requests.find((request) => request.kind === 'status')!;
	expect(firstLook.at - sim.tasks[0].createdAt).toBeGreaterThanOrEqual(
		(FIRST_LIMIT_SECONDS - 1) * 1000,
	);
	expect(runsOf(execution, 'Wait for a Callback').length).toBeGreaterThanOrEqual(1);
});

it('a forged call to the resume URL wakes one round and changes no output', async () => {
	const scenario = scenarios.forged;
	const sim = scenario.sim!;
	const { unsignedStatus, forgedStatus, forgedAt } = await forgery!;
	expect(unsignedStatus).toBe(401);
	expect(forgedStatus).toBe(200);

	const execution = await scenario.finished!;
	expectEveryVideoOnce(scenario, execution);
	// The forged call (made to task 0's own tagged address) woke a round before any task had
	// ended: it asked the provider about the task it named and the first round's sentinels, and
	// each video was taken from the provider's answer.
	const firstEnd = Math.min(...sim.tasks.map((task) => task.finishesAt));
	const [woken] = execution.runData['Check for Videos'];
	expect(woken.startTime!).toBeGreaterThanOrEqual(forgedAt);
	expect(woken.startTime!).toBeLessThan(firstEnd);
	// Each video was taken from the provider's own answer, after the task really ended.
	for (const task of sim.tasks)
		expect(task.firstReportedTerminalAt!).toBeGreaterThanOrEqual(task.finishesAt);
});
