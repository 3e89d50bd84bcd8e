/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * examples/durable-loop-push.json in a real n8n (each of N8N_TARGETS) started as a server
 * (WEBHOOK_URL pointing at it), against simulators that call back as each route documents: Novita
 * AI when a task ends (retried when n8n answers 409 while the execution runs), the official Kling
 * API on every status change (each call sent twice here), fal.ai with every call lost, and a
 * forged call to the resume URL. Both releases run at the same time: the loops mostly wait.
 */
import {
	expectedVideoBytes,
	startSimulator,
	type CallbackOptions,
	type ProviderId,
	type Simulator,
} from '../../tools/simulators';
import type { WorkflowJson } from '../../tools/n8n/n8nCli';
import { N8nServer, type SavedExecution } from '../../tools/n8n/n8nServer';
import {
	limitConcurrency,
	N8N_TARGETS,
	simulatorCredential,
	startN8nSuite,
	type N8nSuite,
	type N8nTarget,
} from '../../tools/n8n/suite';
import { CREDENTIAL_TYPES, adaptExample, readExample } from '../../tools/n8n/workflows';

const EXAMPLE = readExample('durable-loop-push.json');
const VIDEO_BYTES = 56_666;
/** n8n's Wait node parks from 65 s; Submit Task's first checkAfterSeconds is at least 66. */
const FIRST_LIMIT_SECONDS = 66;
const SHOTS = [1, 2, 3].map((n) => ({
	imageUrl: `https://example.com/push/shot-${n}.jpg`,
	prompt: `dummy push prompt number ${n}`,
}));
const FORGED_VIDEO_URL = 'http://127.0.0.1:9/forged.mp4';

type ScenarioName = 'novita' | 'kling' | 'dropped' | 'forged';

interface ScenarioPlan {
	provider: ProviderId;
	callbacks: CallbackOptions;
	latencyMs: (taskIndex: number) => number;
}

const PLANS: Record<ScenarioName, ScenarioPlan> = {
	novita: {
		provider: 'novita',
		callbacks: { retryDelaysMs: [1000, 2000, 4000, 8000, 16_000] },
		latencyMs: (index) => 15_000 + index * 4_000,
	},
	kling: {
		provider: 'kling',
		callbacks: { duplicate: true },
		latencyMs: (index) => 15_000 + index * 4_000,
	},
	dropped: {
		provider: 'fal',
		callbacks: { drop: true },
		latencyMs: (index) => 20_000 + index * 4_000,
	},
	forged: {
		provider: 'novita',
		callbacks: { retryDelaysMs: [1000, 2000, 4000, 8000, 16_000] },
		latencyMs: (index) => 30_000 + index * 3_000,
	},
};

interface Scenario {
	name: ScenarioName;
	sim: Simulator;
	workflow: WorkflowJson;
	finished: Promise<SavedExecution>;
}

/** What the forged calls got, made as soon as the forged scenario's loop parks. */
interface Forgery {
	/** The address Submit Task sent the provider: the resume URL with the node's tag. */
	callbackUrl: string;
	/** A call to it without its query (in 2.x: without the execution's token). */
	unsignedStatus: number;
	/** 2.x only: a call to the whole address, token included. */
	forgedStatus?: number;
	/** When the call that resumes the execution was made. */
	forgedAt: number;
}

interface PushRun {
	target: N8nTarget;
	suite: N8nSuite;
	server: N8nServer;
	scenarios: Record<ScenarioName, Scenario>;
	forgery: Promise<Forgery>;
}

/** The example for one scenario: its own id, webhook path, provider and credential. */
function workflowFor(
	name: ScenarioName,
	sim: Simulator,
): { workflow: WorkflowJson; credential: ReturnType<typeof simulatorCredential> } {
	const credential = simulatorCredential(sim, `e2ePush${name}`);
	const adapted = adaptExample(
		{
			...EXAMPLE,
			nodes: EXAMPLE.nodes.map((node) =>
				node.credentials?.novitaApi
					? {
							...node,
							parameters: { ...node.parameters, provider: sim.provider },
							credentials: {
								[CREDENTIAL_TYPES[sim.provider as ProviderId]]: node.credentials.novitaApi,
							},
						}
					: node,
			),
		},
		credential.ref,
		{ 'kling-push-videos': `kling-push-${name}` },
	);
	return {
		credential,
		workflow: { ...adapted, id: `klingPush${name}`, name: `push ${name}` },
	};
}

async function forgeCalls(
	target: N8nTarget,
	server: N8nServer,
	scenario: Scenario,
): Promise<Forgery> {
	const { sim } = scenario;
	await server.waitForExecution(
		scenario.workflow.id!,
		'the forged-call loop to park',
		(executions) => executions.find((execution) => execution.status === 'waiting'),
		60_000,
	);
	const callbackUrl = (sim.tasks[0].body as { extra: { webhook: { url: string } } }).extra.webhook
		.url;
	const forgedBody = {
		event_type: 'ASYNC_TASK_RESULT',
		payload: {
			task: { task_id: sim.tasks[0].id, status: 'TASK_STATUS_SUCCEED' },
			videos: [{ video_url: FORGED_VIDEO_URL }],
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
	const unsigned = callbackUrl.replace(/\?.*$/, '');
	if (target.major === 1) {
		// 1.x: the address without its query is the resume URL itself, and resumes the execution.
		const forgedAt = Date.now();
		return { callbackUrl, unsignedStatus: await post(unsigned), forgedAt };
	}
	const unsignedStatus = await post(unsigned);
	const forgedAt = Date.now();
	return { callbackUrl, unsignedStatus, forgedStatus: await post(callbackUrl), forgedAt };
}

/**
 * One release's run: the four workflows imported and published (1.x: activated) before n8n
 * starts, each started by its webhook. `setUp` runs the CPU-heavy part one release at a time.
 */
async function startPushRun(
	target: N8nTarget,
	cleanUps: Array<() => Promise<void>>,
	setUp: <T>(job: () => Promise<T>) => Promise<T>,
): Promise<PushRun> {
	let setUpStarted = 0;
	const { suite, server, sims, workflows } = await setUp(async () => {
		setUpStarted = Date.now();
		const suite = await startN8nSuite('push', { target });
		cleanUps.push(async () => await suite.close());
		const sims = {} as Record<ScenarioName, Simulator>;
		const workflows = {} as Record<ScenarioName, WorkflowJson>;
		const credentials = [];
		for (const [name, plan] of Object.entries(PLANS) as Array<[ScenarioName, ScenarioPlan]>) {
			const sim = await startSimulator({
				provider: plan.provider,
				apiKey: `dummy-e2e-push-${name}-key`,
				latency: plan.latencyMs,
				queueMs: 2_000,
				videoBytes: VIDEO_BYTES,
				callbacks: plan.callbacks,
				seed: 180,
			});
			cleanUps.push(async () => await sim.close());
			sims[name] = sim;
			const { workflow, credential } = workflowFor(name, sim);
			workflows[name] = workflow;
			credentials.push(credential);
		}
		await suite.cli.importCredentials(credentials);
		await suite.cli.importWorkflows(Object.values(workflows));
		// 2.x publishes one workflow per call (its --all is refused); 1.x activates them all at once.
		if (target.major === 1) await suite.cli.runOk(['update:workflow', '--all', '--active=true']);
		else
			for (const workflow of Object.values(workflows))
				await suite.cli.runOk(['publish:workflow', `--id=${workflow.id}`]);
		const server = await N8nServer.start(suite);
		cleanUps.push(async () => await server.stop());
		return { suite, server, sims, workflows };
	});

	const startedAt = Date.now();
	const scenarios = {} as Record<ScenarioName, Scenario>;
	for (const name of Object.keys(PLANS) as ScenarioName[]) {
		const response = await server.postWebhook(`kling-push-${name}`, { shots: SHOTS });
		if (response.status !== 200)
			throw new Error(`the ${name} webhook answered ${response.status} in ${target.name}`);
		const finished = server.waitForExecution(
			workflows[name].id!,
			`the ${name} loop to finish in ${target.name}`,
			([execution]) =>
				execution && !['new', 'running', 'waiting'].includes(execution.status)
					? execution
					: undefined,
			5 * 60_000,
		);
		finished.catch(() => undefined); // reported by the test that awaits it
		scenarios[name] = { name, sim: sims[name], workflow: workflows[name], finished };
	}
	const forgery = forgeCalls(target, server, scenarios.forged);
	forgery.catch(() => undefined);
	void Promise.allSettled(Object.values(scenarios).map(async (s) => await s.finished)).then(() =>
		process.stderr.write(
			`[e2e] push in ${target.name}: set up in ${((startedAt - setUpStarted) / 1000).toFixed(1)} s, every loop ended ${((Date.now() - startedAt) / 1000).toFixed(1)} s after the first webhook call\n`,
		),
	);
	return { target, suite, server, scenarios, forgery };
}

const cleanUps: Array<() => Promise<void>> = [];
const runs = new Map<N8nTarget, Promise<PushRun>>();

beforeAll(() => {
	// n8n's start-up takes both cores for a while: one release sets up at a time, then both wait.
	const setUp = limitConcurrency(1);
	for (const target of N8N_TARGETS) {
		const run = startPushRun(target, cleanUps, setUp);
		run.catch(() => undefined); // reported by the tests that await it
		runs.set(target, run);
	}
});

afterAll(async () => {
	await Promise.all(
		[...runs.values()].map(async (run) => {
			const started = await run.catch(() => undefined);
			await Promise.allSettled(
				Object.values(started?.scenarios ?? {}).map(async (s) => await s.finished),
			);
		}),
	);
	for (const cleanUp of cleanUps.reverse()) await cleanUp();
}, 10 * 60_000);

/** Output items of a node, per run. */
const runsOf = (execution: SavedExecution, node: string) =>
	(execution.runData[node] ?? []).map((nodeRun) => nodeRun.data?.main?.[0] ?? []);

/** Seconds from a task's end to the first status answer that said so. */
const lagsOf = (sim: Simulator) =>
	sim.tasks.map((task) => (task.firstReportedTerminalAt! - task.finishesAt) / 1000);

describe.each(N8N_TARGETS)('the push loop in $name', (target) => {
	let run: PushRun;

	beforeAll(async () => {
		run = await runs.get(target)!;
	}, 20 * 60_000);

	/** Every video delivered once, as binary data with the simulator's bytes; one task per shot. */
	function expectEveryVideoOnce(scenario: Scenario, execution: SavedExecution): void {
		const { sim } = scenario;
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
			expect(
				run.suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(VIDEO_BYTES)),
			).toBe(true);
		}
	}

	const printLags = (label: string, sim: Simulator) =>
		process.stderr.write(
			`[e2e] push in ${target.name}, ${label}: lags ${lagsOf(sim)
				.map((lag) => lag.toFixed(1))
				.join(', ')} s\n`,
		);

	/** The scenario once its loop ended, shown to have delivered every video once. */
	async function deliveredEveryVideo(name: ScenarioName) {
		const scenario = run.scenarios[name];
		const execution = await scenario.finished;
		expectEveryVideoOnce(scenario, execution);
		return { scenario, sim: scenario.sim, execution };
	}

	/** Every video found before the Wait node's first time limit would have run out. */
	const expectFoundBeforeFirstLimit = (sim: Simulator) =>
		expect(
			Math.max(...sim.tasks.map((task) => task.firstReportedTerminalAt! - task.createdAt)),
		).toBeLessThan(FIRST_LIMIT_SECONDS * 1000);

	it('Novita AI: each task ends with a callback that wakes the parked loop, and its video is found seconds later', async () => {
		const { sim } = await deliveredEveryVideo('novita');
		// Without push the first look comes after 66 s; here every video is found within seconds.
		for (const lag of lagsOf(sim)) expect(lag).toBeLessThan(20);
		expectFoundBeforeFirstLimit(sim);
		expect(sim.callbacks.filter((call) => call.status === 200).length).toBeGreaterThanOrEqual(1);
		// Each woken round asks about the task its call names (the tag on the Callback URL), plus the
		// first round's sentinels: not every task each round, and no minute of following them.
		const statusAsks = sim.requests.filter((request) => request.kind === 'status').length;
		expect(statusAsks).toBeLessThanOrEqual(2 * SHOTS.length);
		process.stderr.write(
			`[e2e] push in ${target.name}, Novita: ${statusAsks} status requests for ${SHOTS.length} tasks\n`,
		);
		printLags('Novita', sim);
	});

	it('the official Kling API: calls on every status change, each sent twice, still deliver every video once', async () => {
		const { scenario, sim, execution } = await deliveredEveryVideo('kling');
		const events = new Set(sim.callbacks.map((call) => call.event));
		expect(events).toEqual(new Set(['submitted', 'processing', 'finished']));
		// n8n refuses a call while the execution runs (Submit Task still submitting, a round under way)
		// or after it ended with 409, in both releases (cli dist/webhooks/waiting-webhooks.js: 1.123.81
		// lines 141 and 156, 2.40.7 lines 199 and 215). A call that comes while another one resumes
		// the execution: 2.40.7 resumes only a still-waiting execution and answers it 500
		// (ExecutionAlreadyResumingError, cli dist/active-executions.js:90-92, webhook-helpers.js:666;
		// n8n PR #27078 makes it 409); 1.123.81 has no such check (active-executions.js add(),
		// webhook-helpers.js:401) and resumes it again: the nodes after the Wait node run once per such
		// call, side by side, and the saved execution keeps one of them (seen here: 3 rounds run, 1 saved).
		const answered = (status: number) =>
			sim.callbacks.filter((call) => call.status === status).length;
		expect(
			sim.callbacks.filter((call) => ![200, 409, 500].includes(call.status as number)),
		).toEqual([]);
		expect(answered(409)).toBeGreaterThan(0);
		// Rounds n8n ran, from its debug log (N8nServer sets N8N_LOG_LEVEL=debug); 2.x saves each one.
		const ran = run.server.process.output
			.split('\n')
			.filter(
				(line) =>
					line.includes('Start executing node "Tasks Again"') &&
					line.includes(`"workflowId": "${scenario.workflow.id}"`),
			).length;
		const saved = runsOf(execution, 'Tasks Again').length;
		if (target.major === 2) expect(ran).toBe(saved);
		process.stderr.write(
			`[e2e] push in ${target.name}, Kling: ${sim.callbacks.length} calls answered 200 ${answered(200)}, 409 ${answered(409)}, 500 ${answered(500)} times; n8n ran ${ran} rounds, saved ${saved}\n`,
		);
		expectFoundBeforeFirstLimit(sim);
		printLags('Kling', sim);
	});

	it('fal.ai with every callback lost: the loop finishes by its time limits', async () => {
		const { sim, execution } = await deliveredEveryVideo('dropped');
		expect(sim.callbacks).toEqual([]);
		// Nothing woke it: the first status request came when the Wait node's limit ran out.
		const firstLook = sim.requests.find((request) => request.kind === 'status')!;
		expect(firstLook.at - sim.tasks[0].createdAt).toBeGreaterThanOrEqual(
			(FIRST_LIMIT_SECONDS - 1) * 1000,
		);
		expect(runsOf(execution, 'Wait for a Callback').length).toBeGreaterThanOrEqual(1);
	});

	it('a forged call to the resume URL wakes one round and changes no output', async () => {
		const { sim } = run.scenarios.forged;
		const forgery = await run.forgery;
		const signed = new URL(forgery.callbackUrl).searchParams.has('signature');
		if (target.major === 2) {
			// Without the execution's token n8n refuses the call outright.
			expect(signed).toBe(true);
			expect(forgery.unsignedStatus).toBe(401);
			expect(forgery.forgedStatus).toBe(200);
		} else {
			// n8n 1.x signs no resume URL (n8n-core 1.123.81 dist/execution-engine/node-execution-context/
			// utils/get-additional-keys.js:10) and checks a token only after a Send and Wait node (cli
			// dist/webhooks/waiting-webhooks.js:128-136): anyone with the URL resumes the execution.
			expect(signed).toBe(false);
			expect(forgery.unsignedStatus).toBe(200);
		}

		const { execution } = await deliveredEveryVideo('forged');
		// The forged call woke a round before any task had ended; the round asked the provider and
		// handed every task on as still running: nothing was taken from the forged body.
		const firstEnd = Math.min(...sim.tasks.map((task) => task.finishesAt));
		const [woken] = execution.runData['Check for Videos'];
		expect(woken.startTime!).toBeGreaterThanOrEqual(forgery.forgedAt);
		expect(woken.startTime!).toBeLessThan(firstEnd);
		expect((woken.data?.main?.[0] ?? []).map((item) => item.json.done)).toEqual(
			SHOTS.map(() => false),
		);
		const asked = sim.requests.filter(
			(request) =>
				request.kind === 'status' && request.at >= forgery.forgedAt && request.at < firstEnd,
		);
		expect(asked.length).toBeGreaterThanOrEqual(1);
		// Each video was taken from the provider's own answer, after the task really ended.
		for (const task of sim.tasks)
			expect(task.firstReportedTerminalAt!).toBeGreaterThanOrEqual(task.finishesAt);
		// The forged body did reach the workflow (the Wait node's output is the call), and went no further.
		expect(JSON.stringify(runsOf(execution, 'Wait for a Callback')[0])).toContain(FORGED_VIDEO_URL);
		expect(JSON.stringify(runsOf(execution, 'Check for Videos'))).not.toContain(FORGED_VIDEO_URL);
	});
});
