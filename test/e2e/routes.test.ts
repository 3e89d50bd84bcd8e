/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The official Kling API and fal.ai through the packed package in a real n8n (each of N8N_TARGETS):
 * a credential made of an access key and secret key (the token signed by the installed credential,
 * inside n8n), a submission recovered by its external_task_id over n8n's own HTTP stack, O1 on its
 * own route, fal's queue, data URIs and errors after COMPLETED, and a custom storyboard at each.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import {
	expectedVideoBytes,
	startSimulator,
	type RecordedRequest,
	type Simulator,
} from '../../tools/simulators';
import type { WorkflowJson, WorkflowRun } from '../../tools/n8n/n8nCli';
import { REPO_ROOT } from '../../tools/n8n/packageInstall';
import {
	assertSucceeded,
	limitConcurrency,
	logDurations,
	N8N_TARGETS,
	simulatorCredential,
	startFileServer,
	startN8nSuite,
	type FileServer,
	type N8nSuite,
} from '../../tools/n8n/suite';
import {
	chainWorkflow,
	downloadNode,
	klingNode,
	manualTrigger,
	type WorkflowNode,
} from '../../tools/n8n/workflows';

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));
const PROMPT = 'The camera slowly pushes in while the lake shimmers';
const IMAGE_URL = 'https://example.com/first-frame.jpg';
const LATENCY = { meanMs: 400 };
/** Three shots adding up to 10 s, as a user types them into Shots. */
const SHOTS = [
	{ prompt: 'Close-up: steam curls from the coffee cup', duration: 3 },
	{ prompt: 'The camera pulls back across the cafe table', duration: 4 },
	{ prompt: 'Wide: morning light fills the window', duration: 3 },
];
const storyboard = {
	model: 'v3.0',
	mode: 'standard',
	duration: '10',
	prompt: '',
	shotMode: 'custom',
	shots: { shot: SHOTS },
};

/** Set, then Split Out: `count` items without the Code node. */
function itemsNodes(count: number): WorkflowNode[] {
	return [
		{
			name: 'Make Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [0, 0],
			parameters: {
				mode: 'raw',
				jsonOutput: JSON.stringify({ n: Array.from({ length: count }, (_, n) => n) }),
				options: {},
			},
		},
		{
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [0, 0],
			parameters: { fieldToSplitOut: 'n', options: {} },
		},
	];
}

/** The claims of the signed token a request carried, after checking its signature with the secret key. */
function verifiedClaims(request: RecordedRequest, sim: Simulator): Record<string, unknown> {
	const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '';
	const [header, claims, signature] = token.split('.');
	const expected = createHmac('sha256', sim.secretKey)
		.update(`${header}.${claims}`)
		.digest('base64url');
	expect(signature).toBe(expected);
	return JSON.parse(Buffer.from(claims, 'base64url').toString()) as Record<string, unknown>;
}

describe.each(N8N_TARGETS)('the official Kling API and fal.ai in a real $name', (target) => {
	let suite: N8nSuite;
	let imageServer: FileServer;
	const simulators: Simulator[] = [];
	const runs = new Map<string, Promise<WorkflowRun>>();
	let keyPairSim: Simulator;
	let safeRetrySim: Simulator;
	let o1Sim: Simulator;
	let falSim: Simulator;
	let falFailingSim: Simulator;
	let falQueueSim: Simulator;
	let klingStoryboardSim: Simulator;
	let falStoryboardSim: Simulator;

	const simulator = async (options: Parameters<typeof startSimulator>[0]) => {
		const sim = await startSimulator({
			apiKey: `dummy-e2e-${options.provider}-key-${simulators.length}`,
			latency: LATENCY,
			seed: simulators.length + 11,
			...options,
		});
		simulators.push(sim);
		return sim;
	};

	const run = async (key: string): Promise<WorkflowRun> => {
		const execution = runs.get(key);
		if (!execution) throw new Error(`no workflow run "${key}"`);
		return await execution;
	};

	beforeAll(async () => {
		suite = await startN8nSuite('routes', { target });
		imageServer = await startFileServer({
			'/images/sample.png': { body: SAMPLE_PNG, contentType: 'image/png' },
		});

		keyPairSim = await simulator({
			provider: 'kling',
			secretKey: 'dummy-e2e-kling-secret-7c1d',
			videoBytes: 51_000,
		});
		safeRetrySim = await simulator({ provider: 'kling', videoBytes: 52_000 });
		// The first submission is reset after Kling created the task.
		safeRetrySim.faults.next('submit', { type: 'reset', afterCreate: true });
		o1Sim = await simulator({ provider: 'kling', videoBytes: 53_000 });
		falSim = await simulator({ provider: 'fal', videoBytes: 54_000 });
		falFailingSim = await simulator({ provider: 'fal' });
		falFailingSim.setTaskOutcome('all', {
			status: 'failed',
			reason: 'dummy refusal: flagged by a content checker',
		});
		falQueueSim = await simulator({ provider: 'fal', concurrency: 1, videoBytes: 55_000 });
		klingStoryboardSim = await simulator({ provider: 'kling', videoBytes: 56_000 });
		falStoryboardSim = await simulator({ provider: 'fal', videoBytes: 57_000 });

		const keyPairCred = simulatorCredential(keyPairSim, 'e2eKlingKeyPair', 'Kling key pair', {
			authType: 'accessKey',
			apiKey: '',
			accessKey: keyPairSim.accessKey,
			secretKey: keyPairSim.secretKey,
		});
		const safeRetryCred = simulatorCredential(safeRetrySim, 'e2eKlingSafeRetry');
		const o1Cred = simulatorCredential(o1Sim, 'e2eKlingO1');
		const falCred = simulatorCredential(falSim, 'e2eFal');
		const falFailingCred = simulatorCredential(falFailingSim, 'e2eFalFailing');
		const falQueueCred = simulatorCredential(falQueueSim, 'e2eFalQueue');
		const klingStoryboardCred = simulatorCredential(klingStoryboardSim, 'e2eKlingStoryboard');
		const falStoryboardCred = simulatorCredential(falStoryboardSim, 'e2eFalStoryboard');
		await suite.cli.importCredentials([
			keyPairCred,
			safeRetryCred,
			o1Cred,
			falCred,
			falFailingCred,
			falQueueCred,
			klingStoryboardCred,
			falStoryboardCred,
		]);

		const generate = (parameters: Record<string, unknown>) => ({
			operation: 'generate',
			imageSource: 'url',
			imageUrl: IMAGE_URL,
			prompt: PROMPT,
			...parameters,
		});
		const workflows: Record<string, WorkflowJson> = {
			keyPair: chainWorkflow('e2eKlingKeyPair', 'Kling with an access key and secret key', [
				manualTrigger(),
				klingNode(
					'Animate',
					{ provider: 'kling', ...generate({ model: 'v2.6', mode: 'professional', sound: true }) },
					keyPairCred.ref,
				),
			]),
			safeRetry: chainWorkflow('e2eKlingSafeRetry', 'Kling: the submission is reset', [
				manualTrigger(),
				klingNode('Animate', { provider: 'kling', ...generate({}) }, safeRetryCred.ref),
			]),
			o1: chainWorkflow('e2eKlingO1', 'Kling O1: submit, then wait', [
				manualTrigger(),
				klingNode(
					'Submit',
					{
						provider: 'kling',
						...generate({ model: 'o1', mode: 'standard' }),
						operation: 'submit',
					},
					o1Cred.ref,
				),
				klingNode('Wait', { provider: 'kling', operation: 'waitForCompletion' }, o1Cred.ref),
			]),
			fal: chainWorkflow('e2eFal', 'fal: a downloaded image in, a video out', [
				manualTrigger(),
				downloadNode('Download Image', imageServer.url('/images/sample.png')),
				klingNode(
					'Animate',
					{
						provider: 'fal',
						...generate({ model: 'v3.0', mode: '4k', duration: '8' }),
						imageSource: 'binary',
						binaryPropertyName: 'data',
					},
					falCred.ref,
				),
			]),
			falFailing: chainWorkflow('e2eFalFailing', 'fal: the request fails after COMPLETED', [
				manualTrigger(),
				klingNode('Animate', { provider: 'fal', ...generate({}) }, falFailingCred.ref),
			]),
			falQueue: chainWorkflow('e2eFalQueue', "fal: three items, one at a time in fal's queue", [
				manualTrigger(),
				...itemsNodes(3),
				klingNode('Animate', { provider: 'fal', ...generate({}) }, falQueueCred.ref),
			]),
			klingStoryboard: chainWorkflow('e2eKlingStoryboard', 'Kling AI: a three-shot storyboard', [
				manualTrigger(),
				klingNode(
					'Animate',
					{ provider: 'kling', ...generate(storyboard) },
					klingStoryboardCred.ref,
				),
			]),
			falStoryboard: chainWorkflow('e2eFalStoryboard', 'fal.ai: a three-shot storyboard', [
				manualTrigger(),
				klingNode('Animate', { provider: 'fal', ...generate(storyboard) }, falStoryboardCred.ref),
			]),
		};
		await suite.cli.importWorkflows(Object.values(workflows));

		const limit = limitConcurrency(3);
		for (const [key, workflow] of Object.entries(workflows)) {
			const execution = limit(async () => await suite.cli.execute(workflow.id!));
			execution.catch(() => undefined); // reported by the test that awaits it
			runs.set(key, execution);
		}
	}, 30 * 60_000);

	afterAll(async () => {
		await logDurations(runs);
		await suite?.close();
		await imageServer?.close();
		await Promise.all(simulators.map(async (sim) => await sim.close()));
	});

	describe('Kling AI, with a credential of an access key and secret key', () => {
		it('generates the video, every request signed by the installed credential with a token Kling accepts', async () => {
			const execution = await run('keyPair');
			assertSucceeded(execution);
			const [item] = execution.items('Animate');
			expect(item.json).toMatchObject({
				provider: 'kling',
				taskId: keyPairSim.tasks[0].id,
				status: 'succeeded',
				model: 'v2.6',
				mode: 'professional',
			});
			expect(suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(51_000))).toBe(true);
			expect(keyPairSim.tasks[0].body).toMatchObject({
				model_name: 'kling-v2-6',
				mode: 'pro',
				sound: 'on',
			});

			const api = keyPairSim.requests.filter((request) => request.server === 'api');
			expect(api.length).toBeGreaterThanOrEqual(2);
			for (const request of api) {
				expect(request.status).toBe(200);
				const claims = verifiedClaims(request, keyPairSim);
				expect(claims.iss).toBe(keyPairSim.accessKey);
				expect(Number(claims.exp) - Number(claims.nbf)).toBe(1805);
			}
		});

		it('sends the secret key nowhere, and no key to the video host', async () => {
			await run('keyPair');
			expect(JSON.stringify(keyPairSim.requests)).not.toContain(keyPairSim.secretKey);
			const elsewhere = keyPairSim.requests.filter((request) => request.server !== 'api');
			expect(elsewhere.length).toBeGreaterThanOrEqual(1);
			for (const request of elsewhere) expect(request.headers.authorization).toBeUndefined();
		});
	});

	it('Kling AI: a submission reset after the task was created is found by its external_task_id, not paid twice', async () => {
		const execution = await run('safeRetry');
		assertSucceeded(execution);
		expect(safeRetrySim.submissions()).toBe(1);
		expect(safeRetrySim.requests.filter((request) => request.kind === 'submit')).toHaveLength(1);
		const lookups = safeRetrySim.requests.filter((request) => request.kind === 'lookup');
		expect(lookups[0].query.external_task_id).toBe(safeRetrySim.tasks[0].externalId);
		expect(execution.items('Animate')[0].json).toMatchObject({
			taskId: safeRetrySim.tasks[0].id,
			status: 'succeeded',
		});
	});

	it('Kling O1: submitted to omni-video and waited for on its own route', async () => {
		const execution = await run('o1');
		assertSucceeded(execution);
		const [task] = o1Sim.tasks;
		expect(execution.items('Submit')[0].json).toMatchObject({ taskId: task.id, model: 'o1' });
		expect(execution.items('Wait')[0].json).toMatchObject({ taskId: task.id, status: 'succeeded' });
		expect(task.body).toMatchObject({
			model_name: 'kling-video-o1',
			image_list: [{ image_url: IMAGE_URL, type: 'first_frame' }],
		});
		const statusPaths = new Set(
			o1Sim.requests.filter((request) => request.kind === 'status').map((request) => request.path),
		);
		expect(statusPaths).toEqual(new Set([`/v1/videos/omni-video/${task.id}`]));
	});

	it('fal.ai: a downloaded image goes as a data URI to the model path; the video comes back', async () => {
		const execution = await run('fal');
		assertSucceeded(execution);
		const [task] = falSim.tasks;
		expect(task.body).toMatchObject({
			start_image_url: `data:image/png;base64,${SAMPLE_PNG.toString('base64')}`,
			duration: '8',
			generate_audio: false,
		});
		expect(falSim.requests.find((request) => request.kind === 'submit')?.path).toBe(
			'/fal-ai/kling-video/v3/4k/image-to-video',
		);
		const [item] = execution.items('Animate');
		expect(item.json).toMatchObject({ provider: 'fal', taskId: task.id, status: 'succeeded' });
		expect(suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(54_000))).toBe(true);
		for (const request of falSim.requests) {
			expect(request.headers.authorization).toBe(
				request.server === 'api' ? `Key ${falSim.apiKey}` : undefined,
			);
		}
	});

	it("fal.ai: a request that fails after COMPLETED fails the item with fal's message", async () => {
		const execution = await run('falFailing');
		expect(execution.status).toBe('error');
		const taskId = falFailingSim.tasks[0].id;
		const error = execution.nodeError('Animate');
		expect(error?.message).toContain(`Task ${taskId} failed at fal.ai`);
		expect(error?.message).toContain('dummy refusal: flagged by a content checker');
		expect(falFailingSim.requests.filter((request) => request.kind === 'result')).toHaveLength(1);
		expect(falFailingSim.requests.filter((request) => request.kind === 'download')).toHaveLength(0);
	});

	it("fal.ai: three items wait their turn in fal's queue and all come back", async () => {
		const execution = await run('falQueue');
		assertSucceeded(execution);
		const items = execution.items('Animate');
		expect(items.map((item) => item.json.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
		expect(new Set(items.map((item) => item.json.taskId)).size).toBe(3);
		expect(falQueueSim.submissions()).toBe(3);
		// One at a time: each waited in the queue for the one before it.
		const [first, second, third] = falQueueSim.tasks;
		expect(second.processingStartsAt).toBeGreaterThanOrEqual(first.finishesAt);
		expect(third.processingStartsAt).toBeGreaterThanOrEqual(second.finishesAt);
	});

	describe("a custom storyboard of three shots, in each route's own form", () => {
		it('Kling AI: multi_shot, shot_type customize and indexed shots with string durations; one video', async () => {
			const execution = await run('klingStoryboard');
			assertSucceeded(execution);
			expect(klingStoryboardSim.submissions()).toBe(1);
			const [task] = klingStoryboardSim.tasks;
			expect(task.body).toMatchObject({
				model_name: 'kling-v3',
				duration: '10',
				multi_shot: true,
				shot_type: 'customize',
				multi_prompt: SHOTS.map((shot, index) => ({
					index: index + 1,
					prompt: shot.prompt,
					duration: String(shot.duration),
				})),
			});
			// The shots replace the prompt there: none is sent.
			expect(task.body).not.toHaveProperty('prompt');
			const [item] = execution.items('Animate');
			expect(item.json).toMatchObject({ taskId: task.id, status: 'succeeded', duration: 10 });
			expect(suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(56_000))).toBe(true);
		});

		it('fal.ai: multi_prompt with shot_type customize and string durations; one video', async () => {
			const execution = await run('falStoryboard');
			assertSucceeded(execution);
			expect(falStoryboardSim.submissions()).toBe(1);
			const [task] = falStoryboardSim.tasks;
			expect(task.body).toMatchObject({
				duration: '10',
				shot_type: 'customize',
				multi_prompt: SHOTS.map((shot) => ({
					prompt: shot.prompt,
					duration: String(shot.duration),
				})),
			});
			expect(task.body).not.toHaveProperty('prompt');
			const [item] = execution.items('Animate');
			expect(item.json).toMatchObject({ taskId: task.id, status: 'succeeded', duration: 10 });
			expect(suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(57_000))).toBe(true);
		});
	});
});
