/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The example workflows in examples/ run as they are committed, in a real n8n (each of
 * N8N_TARGETS) with the packed package; only their credential, the image download URL and the
 * output folder are swapped.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expectedVideoBytes, startSimulator, type Simulator } from '../support/simulators';
import type { WorkflowJson, WorkflowRun } from './support/n8nCli';
import { KLING_NODE_TYPE, REPO_ROOT } from './support/packageInstall';
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
} from './support/suite';
import {
	adaptExample,
	EXAMPLE_FILES,
	EXAMPLE_IMAGE_URL,
	EXAMPLE_OUTPUT_FOLDER,
	EXAMPLE_PRODUCT_IMAGE_URL,
	readExample,
} from './support/workflows';

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));
const PRODUCT_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'product.png'));
const VIDEO_BYTES: Record<(typeof EXAMPLE_FILES)[number], number> = {
	'generate-from-url.json': 51_111,
	'scheduled-animate-and-hand-on.json': 52_222,
	'submit-then-wait.json': 53_333,
	'vertical-clip-with-sound.json': 54_444,
};

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
		for (const [index, file] of EXAMPLE_FILES.entries()) {
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
			if (file === 'scheduled-animate-and-hand-on.json')
				replacements[EXAMPLE_IMAGE_URL] = imageServer.url('/sample.png');
			if (file === 'vertical-clip-with-sound.json')
				replacements[EXAMPLE_PRODUCT_IMAGE_URL] = imageServer.url('/product.png');
			workflows.push(adaptExample(readExample(file), credential.ref, replacements));
		}
		await suite.cli.importCredentials(credentials);
		await suite.cli.importWorkflows(workflows);

		const limit = limitConcurrency(3);
		EXAMPLE_FILES.forEach((file, index) => {
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
});
