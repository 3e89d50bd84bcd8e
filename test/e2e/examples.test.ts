/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The example workflows in examples/ run as they are committed, in a real n8n (each of
 * N8N_TARGETS) with the packed package; only their credential, the image download URL and the
 * output folder are swapped.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import type { WorkflowJson, WorkflowRun } from '../../tools/n8n/n8nCli';
import { N8nServer, type SavedExecution } from '../../tools/n8n/n8nServer';
import { KLING_NODE_TYPE, REPO_ROOT } from '../../tools/n8n/packageInstall';
import {
	assertSucceeded,
	logDurations,
	limitConcurrency,
	N8N_TARGETS,
	simulatorCredential,
	startFileServer,
	startN8nSuite,
	type FileServer,
	type N8nSuite,
	type N8nTarget,
} from '../../tools/n8n/suite';
import {
	adaptExample,
	EXAMPLE_FILES,
	EXAMPLE_IMAGE_URL,
	EXAMPLE_OUTPUT_FOLDER,
	EXAMPLE_PRODUCT_IMAGE_URL,
	readExample,
} from '../../tools/n8n/workflows';

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));
const PRODUCT_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'product.png'));
const VIDEO_BYTES: Record<(typeof EXAMPLE_FILES)[number], number> = {
	'generate-from-url.json': 51_111,
	'scheduled-animate-and-hand-on.json': 52_222,
	'submit-then-wait.json': 53_333,
	'vertical-clip-with-sound.json': 54_444,
	'vertical-clip-for-posting.json': 56_666,
	'storyboard-three-shots.json': 57_777,
	'durable-loop.json': 55_555,
};
/** Waits in n8n's database and resumes: run by a server (below), not by `n8n execute`. */
const DURABLE_EXAMPLE = 'durable-loop.json';
/** n8n's Wait node parks an execution in the database from 65 s (66 to be safe). */
const PARKS_FROM_SECONDS = 66;
const CLI_EXAMPLES = EXAMPLE_FILES.filter((file) => file !== DURABLE_EXAMPLE);

describe.each(N8N_TARGETS)('the example workflows in $name', (target) => {
	let suite: N8nSuite;
	let imageServer: FileServer;
	const simulators = {} as Record<(typeof EXAMPLE_FILES)[number], Simulator>;
	const runs = new Map<string, Promise<WorkflowRun>>();

	const run = async (file: string): Promise<WorkflowRun> => await runs.get(file)!;

	beforeAll(async () => {
		suite = await startN8nSuite('examples', { target });
		imageServer = await startFileServer({
			'/sample.png': { body: SAMPLE_PNG, contentType: 'image/png' },
			'/product.png': { body: PRODUCT_PNG, contentType: 'image/png' },
		});

		const credentials = [];
		const workflows: WorkflowJson[] = [];
		for (const [index, file] of CLI_EXAMPLES.entries()) {
			const sim = await startSimulator({
				provider: 'novita',
				apiKey: 'dummy-e2e-examples-key',
				latency: { meanMs: 400 },
				videoBytes: VIDEO_BYTES[file],
				seed: 100 + index,
			});
			simulators[file] = sim;
			const credential = simulatorCredential(sim, `e2eExampleSim${index}`);
			credentials.push(credential);
			// Only where n8n itself fetches the image is its URL swapped; the simulator never fetches image URLs.
			const replacements: Record<string, string> = { [EXAMPLE_OUTPUT_FOLDER]: suite.filesDir };
			if (
				file === 'scheduled-animate-and-hand-on.json' ||
				file === 'vertical-clip-for-posting.json'
			)
				replacements[EXAMPLE_IMAGE_URL] = imageServer.url('/sample.png');
			if (file === 'vertical-clip-with-sound.json')
				replacements[EXAMPLE_PRODUCT_IMAGE_URL] = imageServer.url('/product.png');
			workflows.push(adaptExample(readExample(file), credential.ref, replacements));
		}
		await suite.cli.importCredentials(credentials);
		await suite.cli.importWorkflows(workflows);

		const limit = limitConcurrency(3);
		CLI_EXAMPLES.forEach((file, index) => {
			const execution = limit(async () => await suite.cli.execute(workflows[index].id!));
			execution.catch(() => undefined); // reported by the test that awaits it
			runs.set(file, execution);
		});
	}, 30 * 60_000);

	afterAll(async () => {
		await logDurations(runs);
		await suite?.close();
		await imageServer?.close();
		await Promise.all(Object.values(simulators).map(async (sim) => await sim.close()));
	});

	it.each(EXAMPLE_FILES)(
		'%s is an importable workflow started by a Manual Trigger, using the packaged node',
		(file) => {
			const workflow = readExample(file);
			expect(workflow.id!.length).toBeLessThanOrEqual(21);
			expect(workflow.nodes.some((node) => node.type === 'n8n-nodes-base.manualTrigger')).toBe(
				true,
			);
			const klingNodes = workflow.nodes.filter((node) => node.type === KLING_NODE_TYPE);
			expect(klingNodes.length).toBeGreaterThan(0);
			for (const node of klingNodes)
				expect(Object.keys(node.credentials ?? {})).toEqual(['novitaApi']);
			// Every connection leads to a node that exists.
			const names = new Set(workflow.nodes.map((node) => node.name));
			for (const [from, outputs] of Object.entries(
				workflow.connections as Record<string, { main: Array<Array<{ node: string }>> }>,
			)) {
				expect(names.has(from)).toBe(true);
				for (const target of outputs.main.flat()) expect(names.has(target.node)).toBe(true);
			}
		},
	);

	it('generate-from-url.json turns the image link into a video', async () => {
		const execution = await run('generate-from-url.json');
		assertSucceeded(execution);
		const sim = simulators['generate-from-url.json'];
		expect(sim.submissions()).toBe(1);
		const task = sim.tasks[0];
		// A version 2 node holding no model, as a user who imports the example gets: Kling 3.0.
		expect(task.model).toBe('kling-v3.0-std-i2v');
		// The example's Options reach the provider in every n8n release (collections resolve alike).
		expect(task.body).toMatchObject({
			image: EXAMPLE_IMAGE_URL,
			negative_prompt: 'blur, distortion, text',
		});

		const [item] = execution.items('Animate Image');
		expect(item.json).toMatchObject({
			provider: 'novita',
			taskId: task.id,
			status: 'succeeded',
			mode: 'standard',
			duration: 5,
		});
		expect(item.binary?.data).toMatchObject({ mimeType: 'video/mp4', fileName: `${task.id}.mp4` });
		expect(
			suite.cli
				.readBinary(item.binary!.data)
				.equals(expectedVideoBytes(VIDEO_BYTES['generate-from-url.json'])),
		).toBe(true);
	});

	it('scheduled-animate-and-hand-on.json downloads the image, animates it and saves the video file', async () => {
		const execution = await run('scheduled-animate-and-hand-on.json');
		assertSucceeded(execution);
		expect(imageServer.requests).toContainEqual({ method: 'GET', path: '/sample.png' });
		// Started from its Manual Trigger (the first trigger in the file, which `n8n execute` runs); the schedule did not fire.
		expect(execution.runData['When clicking ‘Execute workflow’']).toHaveLength(1);
		expect(execution.runData['Every Morning']).toBeUndefined();

		const sim = simulators['scheduled-animate-and-hand-on.json'];
		expect(sim.submissions()).toBe(1);
		const task = sim.tasks[0];
		expect((task.body as { image: string }).image).toBe(SAMPLE_PNG.toString('base64'));

		const [saved] = execution.items('Save Video');
		const file = path.join(suite.filesDir, `kling-${task.id}.mp4`);
		expect(saved.json).toMatchObject({ taskId: task.id, status: 'succeeded', fileName: file });
		expect(existsSync(file)).toBe(true);
		expect(
			readFileSync(file).equals(
				expectedVideoBytes(VIDEO_BYTES['scheduled-animate-and-hand-on.json']),
			),
		).toBe(true);
	});

	it('submit-then-wait.json submits every shot, then returns every video', async () => {
		const execution = await run('submit-then-wait.json');
		assertSucceeded(execution);
		const sim = simulators['submit-then-wait.json'];
		expect(sim.submissions()).toBe(2);

		const submitted = execution.items('Submit Tasks');
		expect(submitted.map((item) => item.json.status)).toEqual(['queued', 'queued']);
		expect(submitted.map((item) => item.json.taskId).sort()).toEqual(
			sim.tasks.map((task) => task.id).sort(),
		);
		const prompts = sim.tasks.map((task) => (task.body as { prompt: string }).prompt);
		expect(prompts).toEqual(
			expect.arrayContaining([
				expect.stringContaining('pushes in toward the sun'),
				expect.stringContaining('Clouds drift'),
			]),
		);

		const finished = execution.items('Wait for Videos');
		expect(finished).toHaveLength(2);
		finished.forEach((item, index) => {
			expect(item.json).toMatchObject({
				provider: 'novita',
				taskId: submitted[index].json.taskId,
				status: 'succeeded',
			});
			expect(
				suite.cli
					.readBinary(item.binary!.data)
					.equals(expectedVideoBytes(VIDEO_BYTES['submit-then-wait.json'])),
			).toBe(true);
		});
	});

	it('vertical-clip-with-sound.json turns the product photo into a 9:16 Kling 2.6 clip with sound and saves it', async () => {
		const execution = await run('vertical-clip-with-sound.json');
		assertSucceeded(execution);
		expect(imageServer.requests).toContainEqual({ method: 'GET', path: '/product.png' });

		const sim = simulators['vertical-clip-with-sound.json'];
		expect(sim.submissions()).toBe(1);
		const task = sim.tasks[0];
		expect(task.model).toBe('kling-v2.6-pro-i2v');
		expect(task.body).toEqual({
			image: PRODUCT_PNG.toString('base64'),
			prompt: expect.stringContaining('amber bottle'),
			duration: 5,
			cfg_scale: 0.5,
			sound: true,
			aspect_ratio: '9:16',
		});

		const [clip] = execution.items('Make Vertical Clip');
		expect(clip.json).toMatchObject({
			provider: 'novita',
			taskId: task.id,
			status: 'succeeded',
			model: 'v2.6',
			mode: 'professional',
			duration: 5,
		});
		const [saved] = execution.items('Save Video');
		const file = path.join(suite.filesDir, `product-clip-${task.id}.mp4`);
		expect(saved.json).toMatchObject({ taskId: task.id, fileName: file });
		expect(
			readFileSync(file).equals(expectedVideoBytes(VIDEO_BYTES['vertical-clip-with-sound.json'])),
		).toBe(true);
	});

	it('vertical-clip-for-posting.json checks the balance, crops the landscape photo to 9:16, and saves the clip once it is vertical', async () => {
		const execution = await run('vertical-clip-for-posting.json');
		assertSucceeded(execution);
		const sim = simulators['vertical-clip-for-posting.json'];
		expect(execution.items('Check Balance')[0].json).toEqual({
			provider: 'novita',
			balance: 100,
			unit: 'USD',
			currency: 'USD',
		});
		expect(sim.requests.map((request) => request.kind)).toContain('balance');
		expect(imageServer.requests).toContainEqual({ method: 'GET', path: '/sample.png' });

		// The 768×512 sample went out as a 720×1280 PNG: Edit Image cut its centre to 9:16.
		expect(sim.submissions()).toBe(1);
		const task = sim.tasks[0];
		expect(task.model).toBe('kling-2.5-turbo-i2v');
		const sent = Buffer.from(String((task.body as { image: string }).image), 'base64');
		expect(sent.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect([sent.readUInt32BE(16), sent.readUInt32BE(20)]).toEqual([720, 1280]);

		const [clip] = execution.items('Make Clip');
		expect(clip.json).toMatchObject({
			taskId: task.id,
			status: 'succeeded',
			video: {
				width: 720,
				height: 1280,
				durationSeconds: 5,
				bytes: VIDEO_BYTES['vertical-clip-for-posting.json'],
				mimeType: 'video/mp4',
			},
			videoUrlExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		expect(execution.items('Not Vertical')).toHaveLength(0);
		const file = path.join(suite.filesDir, `vertical-clip-${task.id}.mp4`);
		expect(
			readFileSync(file).equals(expectedVideoBytes(VIDEO_BYTES['vertical-clip-for-posting.json'])),
		).toBe(true);
	});

	it('storyboard-three-shots.json makes one Kling 3.0 video from three custom shots', async () => {
		const execution = await run('storyboard-three-shots.json');
		assertSucceeded(execution);
		const sim = simulators['storyboard-three-shots.json'];
		expect(sim.submissions()).toBe(1);
		const task = sim.tasks[0];
		expect(task.model).toBe('kling-v3.0-std-i2v');
		// [C] Novita's 3.0 form: the prompt and multi_prompt [{prompt, duration}], durations adding up.
		expect(task.body).toMatchObject({
			image: EXAMPLE_PRODUCT_IMAGE_URL,
			prompt: expect.stringContaining('studio look'),
			duration: 10,
			sound: false,
			multi_prompt: [
				{ prompt: expect.stringContaining('Close-up'), duration: 3 },
				{ prompt: expect.stringContaining('glides around'), duration: 4 },
				{ prompt: expect.stringContaining('Wide shot'), duration: 3 },
			],
		});

		const [clip] = execution.items('Make Storyboard Clip');
		expect(clip.json).toMatchObject({
			taskId: task.id,
			status: 'succeeded',
			model: 'v3.0',
			duration: 10,
		});
		expect(
			suite.cli
				.readBinary(clip.binary!.data)
				.equals(expectedVideoBytes(VIDEO_BYTES['storyboard-three-shots.json'])),
		).toBe(true);
	});
});

// Just past the park: one task done in the first round, one that needs a second.
const DURABLE_LATENCIES_MS = [75_000, 140_000];
const DURABLE_SHOTS = [1, 2].map((n) => ({
	imageUrl: `https://example.com/durable/shot-${n}.jpg`,
	prompt: `dummy durable prompt number ${n}`,
}));

/** What one release did with the durable loop, observed while it ran. */
interface DurableRun {
	target: N8nTarget;
	suite: N8nSuite;
	sim: Simulator;
	webhookStatus: number;
	/** The execution as saved while parked in the Wait node. */
	parked: SavedExecution;
	parkedForMs: number;
	killedBy: NodeJS.Signals | null;
	statusesAfterKill: string[];
	finished: SavedExecution;
	/** n8n's output before the kill and after the restart. */
	lives: string[];
	seconds: number;
}

/**
 * The example as a user runs it: published (1.x: activated), started by its webhook, n8n killed
 * with SIGKILL while the execution is parked in the Wait node, then started again.
 */
async function runDurableLoop(
	target: N8nTarget,
	started: Array<() => Promise<void>>,
): Promise<DurableRun> {
	const workflowId = readExample(DURABLE_EXAMPLE).id!;
	const sim = await startSimulator({
		provider: 'novita',
		apiKey: 'dummy-e2e-durable-key',
		latency: (taskIndex) => DURABLE_LATENCIES_MS[taskIndex] ?? DURABLE_LATENCIES_MS[0],
		videoBytes: VIDEO_BYTES[DURABLE_EXAMPLE],
		seed: 120,
	});
	started.push(async () => await sim.close());
	const suite = await startN8nSuite('durable', { target });
	started.push(async () => await suite.close());
	const credential = simulatorCredential(sim, 'e2eDurableSim');
	await suite.cli.importCredentials([credential]);
	await suite.cli.importWorkflows([adaptExample(readExample(DURABLE_EXAMPLE), credential.ref)]);
	// Published (1.x: activated) before n8n starts: it registers the webhook as it comes up.
	await suite.cli.runOk(
		target.major === 1
			? ['update:workflow', `--id=${workflowId}`, '--active=true']
			: ['publish:workflow', `--id=${workflowId}`],
	);
	const server = await N8nServer.start(suite);

	const startedAt = Date.now();
	const response = await server.postWebhook('kling-durable-videos', { shots: DURABLE_SHOTS });
	const parked = await server.waitForExecution(
		workflowId,
		'the execution to park in the Wait node',
		(executions) => executions.find((execution) => execution.status === 'waiting'),
		60_000,
	);
	const parkedForMs = parked.waitTill! - Date.now();
	// A crash while parked: nothing is saved on the way out.
	const killedBy = await server.kill();
	const statusesAfterKill = (await server.executions(workflowId)).map(
		(execution) => execution.status,
	);
	await server.restart();
	const finished = await server.waitForExecution(
		workflowId,
		'the resumed execution to finish',
		([execution]) =>
			execution && !['new', 'running', 'waiting'].includes(execution.status)
				? execution
				: undefined,
		5 * 60_000,
	);
	const seconds = (Date.now() - startedAt) / 1000;
	process.stderr.write(
		`[e2e] durable loop with a restart in ${target.name}: ${seconds.toFixed(1)} s from the webhook call\n`,
	);
	return {
		target,
		suite,
		sim,
		webhookStatus: response.status,
		parked,
		parkedForMs,
		killedBy,
		statusesAfterKill,
		finished,
		lives: server.lives.map((life) => life.output),
		seconds,
	};
}

describe('durable-loop.json, run by n8n as a server: parked in its database, the loop survives n8n being killed', () => {
	const cleanUps: Array<() => Promise<void>> = [];
	// Both releases at once: the runs are mostly waiting.
	const runs = new Map<N8nTarget, Promise<DurableRun>>();

	beforeAll(() => {
		for (const target of N8N_TARGETS) {
			const run = runDurableLoop(target, cleanUps);
			run.catch(() => undefined); // reported by the test that awaits it
			runs.set(target, run);
		}
	});

	afterAll(async () => {
		await Promise.all([...runs.values()].map(async (run) => await run.catch(() => undefined)));
		for (const cleanUp of cleanUps.reverse()) await cleanUp();
	});

	it.each(N8N_TARGETS)(
		'$name: a webhook starts it; killed (SIGKILL) while parked in the Wait node, n8n starts again and the execution finishes with every video, one task per item',
		async (target) => {
			const run = await runs.get(target)!;
			const { sim, parked, finished } = run;
			expect(run.webhookStatus).toBe(200);

			// Submit Task said "at least 66 s": the Wait node parked the execution in the database.
			const submitted = parked.runData['Submit Tasks'][0].data!.main![0]!;
			expect(submitted).toHaveLength(2);
			for (const item of submitted)
				expect(item.json.checkAfterSeconds).toBeGreaterThanOrEqual(PARKS_FROM_SECONDS);
			expect(run.parkedForMs).toBeGreaterThan(40_000);
			// Killed while parked, the execution stayed in the database as it was.
			expect(run.killedBy).toBe('SIGKILL');
			expect(run.statusesAfterKill).toEqual(['waiting']);

			expect({ status: finished.status, error: finished.error?.message }).toEqual({
				status: 'success',
				error: undefined,
			});
			const [firstLife, secondLife] = run.lives;
			expect(firstLife).not.toContain('Start executing node "Check for Videos"');
			expect(secondLife).toContain('Start executing node "Check for Videos"');

			// Round 1 found the quick task's video and passed the slow one on (its eta near: a short
			// wait in memory); round 2 found the second video.
			const items = (node: string) =>
				(finished.runData[node] ?? []).map((nodeRun) => nodeRun.data?.main?.[0] ?? []);
			// (The simulator makes its first task quick; which item's submission arrived first varies.)
			const [quick, slow] = sim.tasks;
			const rounds = items('Check for Videos');
			expect(rounds).toHaveLength(2);
			expect(rounds[0].map((item) => item.json.taskId)).toEqual(
				submitted.map((item) => item.json.taskId),
			);
			expect(
				Object.fromEntries(rounds[0].map((item) => [item.json.taskId, item.json.done])),
			).toEqual({ [quick.id]: true, [slow.id]: false });
			expect(rounds[1].map((item) => [item.json.taskId, item.json.done])).toEqual([
				[slow.id, true],
			]);
			const passedOn = rounds[0].find((item) => item.json.taskId === slow.id)!;
			expect(passedOn.json.checkAfterSeconds).toBeLessThan(PARKS_FROM_SECONDS);
			expect(items('Wait Until Worth a Look')).toHaveLength(2);

			// Every video as binary data, each still paired to its shot after going round the loop.
			const ready = items('Video Ready').flat();
			expect(ready.map((item) => item.json.taskId).sort()).toEqual([quick.id, slow.id].sort());
			for (const item of ready) {
				const task = sim.tasks.find((candidate) => candidate.id === item.json.taskId)!;
				expect(JSON.stringify(task.body)).toContain(JSON.stringify(item.json.prompt));
				expect(DURABLE_SHOTS.map((shot) => shot.prompt)).toContain(item.json.prompt);
				expect(item.json).toMatchObject({ status: 'succeeded', done: true });
				expect(
					run.suite.cli
						.readBinary(item.binary!.data)
						.equals(expectedVideoBytes(VIDEO_BYTES[DURABLE_EXAMPLE])),
				).toBe(true);
			}
			// Nobody asked while the execution was parked: each task's first status request came after the resume.
			for (const task of sim.tasks) {
				const firstLook = sim.requests.find(
					(request) => request.kind === 'status' && request.taskId === task.id,
				)!;
				expect(firstLook.at - task.createdAt).toBeGreaterThanOrEqual(
					PARKS_FROM_SECONDS * 1000 - 1000,
				);
			}
			expect(sim.submissions()).toBe(2);
		},
	);
});
