/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The packed node in n8n's queue mode (its distributed engine): main (`n8n start`) and one worker
 * (`n8n worker`, one execution at a time) with Redis and PostgreSQL from Debian's packages. A
 * webhook on main starts the workflow, the worker runs it: several items to several videos in n8n's
 * database binary store; an execution stopped from main while the node waits, whose wait on the
 * worker must end at once; the durable loop of examples/, whose parked executions free the
 * worker's one slot, where waiting in memory holds it; and its push variant, whose resumes (the
 * provider's callbacks, answered by main) become worker jobs like any other.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { startQueueStack, type QueueStack, type RestExecution } from '../../tools/n8n/queueN8n';
import { simulatorCredential } from '../../tools/n8n/suite';
import {
	adaptExample,
	connectedWorkflow,
	klingNode,
	readExample,
	type CredentialRef,
	type WorkflowNode,
} from '../../tools/n8n/workflows';

const GENERATE_WORKFLOW = 'kqGenerate';
const SLOW_WORKFLOW = 'kqSlow';
const ONE_AT_A_TIME_WORKFLOW = 'kqInMemory';
const DURABLE_EXAMPLE = readExample('durable-loop.json');
const PUSH_EXAMPLE = readExample('durable-loop-push.json');
const PUSH_PATH = 'kling-queue-push';
/** Submit Tasks' first checkAfterSeconds (the Wait node parks from 65 s). */
const PUSH_FIRST_LIMIT_SECONDS = 66;
/** Staggered, well inside the first limit: each callback should wake the parked loop. */
const PUSH_TASK_MS = (index: number) => 15_000 + index * 6_000;
/** The worker runs one execution at a time: what a parked execution frees shows. */
const WORKER_CONCURRENCY = 1;
/** Just past the park (66 s): the durable loop's first round finds the video. */
const DURABLE_TASK_MS = 75_000;
const VIDEO_BYTES = 51_234;
const IMAGES = [1, 2, 3].map((n) => ({
	url: `https://example.com/queue/frame-${n}.jpg`,
	prompt: `dummy prompt number ${n}`,
}));
/** A request already on the wire when the stop arrives may still land. */
const ON_THE_WIRE_MS = 1000;
/** The longest gap between two status checks of one task early in its life (probing, no eta): the node's MAX_GAP_MS. */
const LONGEST_POLL_GAP_MS = 10_000;

function webhookNode(pathname: string): WorkflowNode {
	return {
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path: pathname, responseMode: 'onReceived', options: {} },
	};
}

/** Webhook → one item per entry of body.images → Kling generate. */
function imagesToVideos(
	id: string,
	pathname: string,
	credential: CredentialRef,
): ReturnType<typeof connectedWorkflow> {
	return connectedWorkflow(
		id,
		`Queue mode: ${pathname}`,
		[
			webhookNode(pathname),
			{
				name: 'One Item per Image',
				type: 'n8n-nodes-base.splitOut',
				typeVersion: 1,
				position: [0, 0],
				parameters: { fieldToSplitOut: 'body.images', options: {} },
			},
			klingNode(
				'Animate',
				{
					provider: 'aimlApi',
					operation: 'generate',
					imageSource: 'url',
					imageUrl: '={{ $json.url }}',
					prompt: '={{ $json.prompt }}',
				},
				credential,
			),
		],
		[
			['Webhook', 'One Item per Image'],
			['One Item per Image', 'Animate'],
		],
	);
}

describe('the packed node in n8n queue mode (main + worker, Redis, PostgreSQL)', () => {
	let stack: QueueStack | undefined;
	let sim: Simulator;
	let slowSim: Simulator;
	let inMemorySim: Simulator;
	let durableSim: Simulator;
	let pushSim: Simulator;

	const up = (): QueueStack => {
		if (!stack) throw new Error('the queue-mode stack did not start (see the error of beforeAll)');
		return stack;
	};

	const callWebhook = async (pathname: string, body: unknown) => {
		const response = await fetch(`${up().baseUrl}/webhook/${pathname}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		expect({ status: response.status, body: await response.text() }).toMatchObject({ status: 200 });
	};

	/** The ids of the workflow's executions, read from n8n's PostgreSQL database. */
	const executionIds = async (workflowId: string): Promise<string[]> =>
		(
			await up().postgres.query(
				`SELECT id FROM execution_entity WHERE "workflowId" = '${workflowId}' ORDER BY id`,
			)
		)
			.split('\n')
			.filter(Boolean);

	const waitFor = async <T>(
		what: string,
		probe: () => Promise<T | undefined> | T | undefined,
		timeoutMs: number,
	): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = await probe();
			if (value !== undefined) return value;
			if (Date.now() > deadline)
				throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
			await sleep(250);
		}
	};

	const finishedExecution = async (id: string, timeoutMs: number): Promise<RestExecution> =>
		await waitFor(
			`execution ${id} to finish`,
			async () => {
				const execution = await up().execution(id);
				return ['success', 'error', 'crashed', 'canceled'].includes(execution.status)
					? execution
					: undefined;
			},
			timeoutMs,
		);

	beforeAll(async () => {
		sim = await startSimulator({
			provider: 'aimlApi',
			apiKey: 'dummy-e2e-queue-key',
			latency: { meanMs: 1500 },
			videoBytes: VIDEO_BYTES,
			seed: 11,
		});
		// Minutes per task: the node is still waiting when the test stops the execution.
		slowSim = await startSimulator({
			provider: 'aimlApi',
			apiKey: 'dummy-e2e-queue-slow-key',
			latency: { meanMs: 10 * 60_000 },
			seed: 12,
		});
		inMemorySim = await startSimulator({
			provider: 'aimlApi',
			apiKey: 'dummy-e2e-queue-in-memory-key',
			// Done before the node's first look (4 s after submission): each execution takes seconds.
			latency: { meanMs: 2_500 },
			seed: 13,
		});
		durableSim = await startSimulator({
			provider: 'novita',
			apiKey: 'dummy-e2e-queue-durable-key',
			latency: { meanMs: DURABLE_TASK_MS },
			videoBytes: VIDEO_BYTES,
			seed: 14,
		});
		// Novita calls back when a task ends, and retries a call n8n refuses (409 while a round runs).
		pushSim = await startSimulator({
			provider: 'novita',
			apiKey: 'dummy-e2e-queue-push-key',
			latency: PUSH_TASK_MS,
			queueMs: 2_000,
			videoBytes: VIDEO_BYTES,
			callbacks: { retryDelaysMs: [1000, 2000, 4000, 8000, 16_000] },
			seed: 15,
		});
		stack = await startQueueStack(
			'queue',
			async (suite) => {
				const credential = simulatorCredential(sim, 'kqSimCredential', 'Queue simulator');
				const slowCredential = simulatorCredential(
					slowSim,
					'kqSlowCredential',
					'Queue slow simulator',
				);
				const inMemoryCredential = simulatorCredential(
					inMemorySim,
					'kqInMemoryCredential',
					'Queue in-memory simulator',
				);
				const durableCredential = simulatorCredential(
					durableSim,
					'kqDurableCredential',
					'Queue durable simulator',
				);
				const pushCredential = simulatorCredential(
					pushSim,
					'kqPushCredential',
					'Queue push simulator',
				);
				await suite.cli.importCredentials([
					credential,
					slowCredential,
					inMemoryCredential,
					durableCredential,
					pushCredential,
				]);
				await suite.cli.importWorkflows([
					imagesToVideos(GENERATE_WORKFLOW, 'kling-queue-generate', credential.ref),
					imagesToVideos(SLOW_WORKFLOW, 'kling-queue-slow', slowCredential.ref),
					imagesToVideos(ONE_AT_A_TIME_WORKFLOW, 'kling-queue-in-memory', inMemoryCredential.ref),
					adaptExample(DURABLE_EXAMPLE, durableCredential.ref),
					adaptExample(PUSH_EXAMPLE, pushCredential.ref, { 'kling-push-videos': PUSH_PATH }),
				]);
				// Published before main starts: main registers their webhooks as it comes up.
				for (const id of [
					GENERATE_WORKFLOW,
					SLOW_WORKFLOW,
					ONE_AT_A_TIME_WORKFLOW,
					DURABLE_EXAMPLE.id!,
					PUSH_EXAMPLE.id!,
				])
					await suite.cli.runOk(['publish:workflow', `--id=${id}`]);
			},
			{ workerConcurrency: WORKER_CONCURRENCY },
		);
		// Main activates published workflows after "Editor is now accessible": wait until it serves the webhooks.
		for (const pathname of ['kling-queue-generate', 'kling-queue-slow', 'kling-queue-in-memory']) {
			await stack.main.waitFor(
				`Added webhook "Webhook" for workflow "Queue mode: ${pathname}"`,
				2 * 60_000,
			);
		}
		for (const example of [DURABLE_EXAMPLE, PUSH_EXAMPLE])
			await stack.main.waitFor(
				`Added webhook "POST Shots" for workflow "${example.name}"`,
				2 * 60_000,
			);
	}, 30 * 60_000);

	afterAll(async () => {
		await stack?.close();
		await sim?.close();
		await slowSim?.close();
		await inMemorySim?.close();
		await durableSim?.close();
		await pushSim?.close();
	});

	it('runs a webhook-started workflow of several items on the worker and stores each video in the database', async () => {
		const { main, worker, postgres } = up();
		await callWebhook('kling-queue-generate', { images: IMAGES });

		const [executionId] = await waitFor(
			'the execution to be created',
			async () => (await executionIds(GENERATE_WORKFLOW))[0],
			30_000,
		);
		const execution = await finishedExecution(executionId, 3 * 60_000);
		expect({ status: execution.status, error: execution.data.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});

		// The worker ran it, main did not.
		await worker.waitFor(`Worker finished execution ${executionId} `, 30_000);
		expect(worker.output).toContain(`Worker started execution ${executionId} `);
		expect(worker.output).toContain('Start executing node "Animate"');
		expect(main.output).not.toContain('Start executing node "Animate"');
		expect(main.output).toContain(`Enqueued execution ${executionId}`);
		// Both log at debug level; neither printed the API key.
		expect(`${main.output}\n${worker.output}`.includes(sim.apiKey)).toBe(false);

		// One task per item, each with its own image and prompt; all of them finished and downloaded.
		expect(sim.submissions()).toBe(IMAGES.length);
		const items = execution.data.resultData.runData.Animate[0].data!.main![0]!;
		expect(items).toHaveLength(IMAGES.length);
		const fileIds = new Set<string>();
		for (const [index, item] of items.entries()) {
			const task = sim.tasks.find((candidate) => candidate.id === item.json.taskId);
			expect(task).toBeDefined();
			expect(JSON.stringify(task!.body)).toContain(IMAGES[index].url);
			expect(JSON.stringify(task!.body)).toContain(IMAGES[index].prompt);
			expect(item.json).toMatchObject({
				provider: 'aimlApi',
				taskId: task!.id,
				status: 'succeeded',
			});

			const video = item.binary?.data;
			expect(video).toMatchObject({ mimeType: 'video/mp4' });
			expect(video!.id).toMatch(/^database:/);
			fileIds.add(video!.id!);
			// Read back through main (which did not write it): the bytes the video host served.
			expect((await up().binary(video!.id!)).equals(expectedVideoBytes(VIDEO_BYTES))).toBe(true);
		}
		expect(fileIds.size).toBe(IMAGES.length);

		// In n8n's binary_data table, attached to this execution.
		const rows = (
			await postgres.query(
				`SELECT "fileId", "sourceType", "sourceId", "fileSize", "mimeType" FROM binary_data ORDER BY "fileId"`,
			)
		)
			.split('\n')
			.filter(Boolean)
			.map((line) => line.split('|'));
		expect(rows.map(([fileId]) => `database:${fileId}`).sort()).toEqual([...fileIds].sort());
		for (const [, sourceType, sourceId, fileSize, mimeType] of rows) {
			expect({ sourceType, sourceId, fileSize: Number(fileSize), mimeType }).toEqual({
				sourceType: 'execution',
				sourceId: executionId,
				fileSize: VIDEO_BYTES,
				mimeType: 'video/mp4',
			});
		}
	});

	it('stopping the execution from main ends the wait on the worker: no more status checks, execution canceled', async () => {
		const { worker, rest } = up();
		await callWebhook('kling-queue-slow', { images: IMAGES.slice(0, 2) });
		const [executionId] = await waitFor(
			'the slow execution to be created',
			async () => (await executionIds(SLOW_WORKFLOW))[0],
			30_000,
		);

		// The node has submitted both tasks and is in its polling loop (a second status check of a task).
		await waitFor(
			'the worker to poll the slow tasks',
			() =>
				slowSim.submissions() === 2 &&
				slowSim.tasks.some((task) => slowSim.statusCallsFor(task.id) >= 2)
					? true
					: undefined,
			60_000,
		);
		const workerOutputBeforeStop = worker.output.length;
		const stopped = await rest.call<{ status: string }>(
			'POST',
			`/rest/executions/${executionId}/stop`,
		);
		const stoppedAt = Date.now();
		expect(stopped.status).toBe('canceled');

		// The worker got the stop (Redis pub/sub) and gave the job up as cancelled, within moments.
		await worker.waitFor('Received pubsub msg: stop-execution', 15_000, workerOutputBeforeStop);
		await worker.waitFor(
			new RegExp(
				`Worker errored while running execution ${executionId} .*ManualExecutionCancelledError`,
			),
			15_000,
			workerOutputBeforeStop,
		);
		expect(Date.now() - stoppedAt).toBeLessThan(5000);
		// Longer than the longest gap between two status checks at this stage: a poll that was still planned would show.
		await sleep(LONGEST_POLL_GAP_MS + 2000);
		const statusChecks = slowSim.requests.filter((request) => request.kind === 'status');
		const late = statusChecks.filter((request) => request.at > stoppedAt + ON_THE_WIRE_MS);
		expect({ late: late.map((request) => new Date(request.at).toISOString()) }).toEqual({
			late: [],
		});
		expect(slowSim.submissions()).toBe(2);
		expect(slowSim.requests.filter((request) => request.kind === 'download')).toEqual([]);

		const execution = await up().execution(executionId);
		expect(execution.status).toBe('canceled');
		expect(execution.data.resultData.error?.message ?? '').toMatch(/cancel|stop/i);
		// The worker took no further part: it did not report the execution as finished normally.
		expect(worker.output).not.toContain(`Worker finished execution ${executionId} `);
		expect(worker.exited).toBe(false);
	});

	/** The executions of the worker's jobs, in the order it started them; throws if two ever ran at once. */
	const workerJobs = (output: string): string[] => {
		const started: string[] = [];
		let running: string | undefined;
		for (const [, event, executionId] of output.matchAll(
			/Worker (started|finished|errored while running) execution (\d+) /g,
		)) {
			if (event !== 'started') {
				running = undefined;
				continue;
			}
			if (running !== undefined)
				throw new Error(`execution ${executionId} started while ${running} was running`);
			running = executionId;
			started.push(executionId);
		}
		return started;
	};

	it('waiting in memory, the worker of one slot runs two executions one after the other', async () => {
		await callWebhook('kling-queue-in-memory', { images: IMAGES.slice(0, 1) });
		await callWebhook('kling-queue-in-memory', { images: IMAGES.slice(1, 2) });
		const ids = await waitFor(
			'both executions to be created',
			async () => {
				const found = await executionIds(ONE_AT_A_TIME_WORKFLOW);
				return found.length === 2 ? found : undefined;
			},
			30_000,
		);
		for (const id of ids) expect((await finishedExecution(id, 3 * 60_000)).status).toBe('success');

		// The second task was only submitted once the first execution, waiting in memory, had its video.
		const [first, second] = inMemorySim.tasks;
		expect(second.createdAt).toBeGreaterThan(first.firstReportedTerminalAt!);
	});

	it('the durable loop: two executions parked in the database share the worker of one slot, their tasks running side by side', async () => {
		const { worker } = up();
		const workerOutputBefore = worker.output.length;
		const started = Date.now();
		for (const image of IMAGES.slice(0, 2))
			await callWebhook('kling-durable-videos', {
				shots: [{ imageUrl: image.url, prompt: image.prompt }],
			});
		const ids = await waitFor(
			'both executions to be created',
			async () => {
				const found = await executionIds(DURABLE_EXAMPLE.id!);
				return found.length === 2 ? found : undefined;
			},
			30_000,
		);
		for (const id of ids) {
			const execution = await finishedExecution(id, 4 * 60_000);
			expect({ status: execution.status, error: execution.data.resultData.error?.message }).toEqual(
				{
					status: 'success',
					error: undefined,
				},
			);
			const [ready] = execution.data.resultData.runData['Video Ready'][0].data!.main![0]!;
			expect(ready.json).toMatchObject({ status: 'succeeded', done: true });
			expect(ready.binary?.data?.id).toMatch(/^database:/);
			expect(
				(await up().binary(ready.binary!.data.id!)).equals(expectedVideoBytes(VIDEO_BYTES)),
			).toBe(true);
		}

		// Overlap, seen at the provider: both tasks were running at once, one per execution.
		expect(durableSim.submissions()).toBe(2);
		const [first, second] = durableSim.tasks;
		expect(second.createdAt).toBeLessThan(first.firstReportedTerminalAt!);
		expect(first.createdAt).toBeLessThan(second.firstReportedTerminalAt!);
		// ...while the worker never ran two jobs at once: each execution was a job before its
		// park and another after it, and the second began while the first was parked.
		const jobs = workerJobs(worker.output.slice(workerOutputBefore));
		expect(jobs).toHaveLength(4);
		expect(new Set(jobs)).toEqual(new Set(ids));
		expect(jobs.slice(0, 2).sort()).toEqual([...ids].sort());
		process.stderr.write(
			`[e2e] queue mode, two durable loops on one worker slot: ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
		);
	});

	/** How many times `needle` occurs in `text`. */
	const occurrences = (text: string, needle: string) => text.split(needle).length - 1;

	it("push: the provider's callbacks reach main, each accepted one becomes a worker job, and every video is found seconds after its end", async () => {
		const { main, worker } = up();
		const mainOutputBefore = main.output.length;
		const workerOutputBefore = worker.output.length;
		const shots = IMAGES.map((image) => ({ imageUrl: image.url, prompt: image.prompt }));
		await callWebhook(PUSH_PATH, { shots });
		const [executionId] = await waitFor(
			'the push execution to be created',
			async () => (await executionIds(PUSH_EXAMPLE.id!))[0],
			30_000,
		);
		const execution = await finishedExecution(executionId, 4 * 60_000);
		expect({ status: execution.status, error: execution.data.resultData.error?.message }).toEqual({
			status: 'success',
			error: undefined,
		});

		// Submit Tasks ran on the worker, yet its $execution.resumeUrl names main (WEBHOOK_URL).
		const resumePrefix = `${up().baseUrl}/webhook-waiting/${executionId}?`;
		for (const task of pushSim.tasks) {
			const { url } = (task.body as { extra: { webhook: { url: string } } }).extra.webhook;
			expect(url.slice(0, resumePrefix.length)).toBe(resumePrefix);
		}
		// One task per shot, with its own image and prompt; every video delivered once, in the database.
		expect(pushSim.submissions()).toBe(shots.length);
		for (const shot of shots)
			expect(
				pushSim.tasks.filter(
					(task) =>
						JSON.stringify(task.body).includes(shot.imageUrl) &&
						JSON.stringify(task.body).includes(shot.prompt),
				),
			).toHaveLength(1);
		const ready = execution.data.resultData.runData['Video Ready'].flatMap(
			(run) => run.data?.main?.[0] ?? [],
		);
		expect(ready.map((item) => item.json.taskId).sort()).toEqual(
			pushSim.tasks.map((task) => task.id).sort(),
		);
		const fileIds = new Set<string>();
		for (const item of ready) {
			expect(item.json).toMatchObject({ status: 'succeeded', done: true });
			const video = item.binary?.data;
			expect(video?.id).toMatch(/^database:/);
			fileIds.add(video!.id!);
			expect((await up().binary(video!.id!)).equals(expectedVideoBytes(VIDEO_BYTES))).toBe(true);
		}
		expect(fileIds.size).toBe(shots.length);

		// The rounds ran on the worker. Main answers a callback only once it has set the execution
		// running and enqueued its resume (n8n 2.40.7 webhook-helpers.js: an onReceived response is
		// deferred until WorkflowRunner.run returns), so each accepted call is one job; a call that
		// comes while a round runs gets 409 (waiting-webhooks.js: "is running already") and is retried.
		await worker.waitFor(`Worker finished execution ${executionId} `, 30_000, workerOutputBefore);
		const mainOutput = main.output.slice(mainOutputBefore);
		const workerOutput = worker.output.slice(workerOutputBefore);
		const jobs = workerJobs(workerOutput).filter((id) => id === executionId);
		const calls = pushSim.callbacks;
		const accepted = calls.filter((call) => call.status === 200);
		// Resumes by the Wait node's time limit (main's wait tracker), should any come.
		const timerResumes = (
			mainOutput.match(new RegExp(`Resuming execution ${executionId}(?!\\d)`, 'g')) ?? []
		).length;
		expect(accepted.length).toBeGreaterThanOrEqual(1);
		expect(jobs.length).toBeGreaterThan(1);
		expect(occurrences(mainOutput, `Enqueued execution ${executionId} `)).toBe(jobs.length);
		expect(jobs.length).toBe(1 + accepted.length + timerResumes);
		expect(occurrences(workerOutput, `Worker finished execution ${executionId} `)).toBe(
			jobs.length,
		);
		expect(
			occurrences(mainOutput, `Received waiting-webhook "POST" for execution "${executionId}"`),
		).toBe(calls.length);
		expect([...new Set(calls.map((call) => call.status))].sort()).toEqual(
			accepted.length === calls.length ? [200] : [200, 409],
		);
		expect(workerOutput).toContain('Start executing node "Check for Videos"');
		expect(mainOutput).not.toContain('Start executing node "Check for Videos"');

		// Push did its job: each video found seconds after its end, long before the first time limit.
		const lags = pushSim.tasks.map(
			(task) => (task.firstReportedTerminalAt! - task.finishesAt) / 1000,
		);
		for (const lag of lags) expect(lag).toBeLessThan(20);
		for (const task of pushSim.tasks)
			expect(task.firstReportedTerminalAt! - task.createdAt).toBeLessThan(
				PUSH_FIRST_LIMIT_SECONDS * 1000,
			);
		const statusAsks = pushSim.requests.filter((request) => request.kind === 'status').length;
		expect(statusAsks).toBeLessThanOrEqual(2 * shots.length);
		process.stderr.write(
			`[e2e] queue mode, push: lags ${lags.map((lag) => lag.toFixed(1)).join(', ')} s; ${statusAsks} status requests for ${shots.length} tasks; ${jobs.length} worker jobs; callbacks ${calls.map((call) => call.status).join(', ')}; ${timerResumes} timer resumes\n`,
		);
	});
});
