/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The oldest n8n the package supports (N8N_OLDEST: 1.82.3, whose n8n-workflow 1.80 has no
 * NodeConnectionTypes) loads the packed package, node and credentials, and runs its operations:
 * Generate Video from an image URL and from binary data, Submit Task → Wait for Completion, one
 * provider of each API family (Kling's with a key pair, the token signed inside n8n). The full
 * cases run in the newest 1.x and 2.x (node.test.ts); this keeps the README's lower bound true.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import type { WorkflowRun } from '../../tools/n8n/n8nCli';
import { REPO_ROOT } from '../../tools/n8n/packageInstall';
import {
	assertSucceeded,
	N8N_OLDEST,
	simulatorCredential,
	startFileServer,
	startN8nSuite,
	type FileServer,
	type N8nSuite,
} from '../../tools/n8n/suite';
import {
	connectedWorkflow,
	downloadNode,
	klingNode,
	manualTrigger,
	type ProviderId,
} from '../../tools/n8n/workflows';

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));
const PROMPT = 'The camera slowly pushes in while the lake shimmers';
/** One provider of each API family, each with its own video size. */
const VIDEO_BYTES = {
	novita: 31_001,
	aimlApi: 31_002,
	gmiCloud: 31_003,
	kling: 31_004,
	fal: 31_005,
} satisfies Partial<Record<ProviderId, number>>;
type Provider = keyof typeof VIDEO_BYTES;

describe(`the packed node in the oldest supported n8n, ${N8N_OLDEST.name}`, () => {
	let suite: N8nSuite;
	let imageServer: FileServer;
	const sims = {} as Record<Provider, Simulator>;
	/** Where a version 2 node holding no model sends its task. */
	let versionTwoSim: Simulator;
	let run: Promise<WorkflowRun>;

	beforeAll(async () => {
		suite = await startN8nSuite('oldest', { target: N8N_OLDEST });
		imageServer = await startFileServer({
			'/sample.png': { body: SAMPLE_PNG, contentType: 'image/png' },
		});
		for (const [index, provider] of (Object.keys(VIDEO_BYTES) as Provider[]).entries()) {
			sims[provider] = await startSimulator({
				provider,
				apiKey: `dummy-e2e-oldest-${provider}-key`,
				latency: { meanMs: 400 },
				videoBytes: VIDEO_BYTES[provider],
				seed: 700 + index,
				...(provider === 'kling' && { secretKey: 'dummy-e2e-oldest-kling-secret' }),
			});
		}
		versionTwoSim = await startSimulator({
			provider: 'novita',
			apiKey: 'dummy-e2e-oldest-v2-key',
			latency: { meanMs: 400 },
			seed: 790,
		});
		const versionTwoCred = simulatorCredential(versionTwoSim, 'e2eOldestVersionTwo');
		const creds = {
			novita: simulatorCredential(sims.novita, 'e2eOldestNovita'),
			aimlApi: simulatorCredential(sims.aimlApi, 'e2eOldestAimlApi'),
			gmiCloud: simulatorCredential(sims.gmiCloud, 'e2eOldestGmiCloud'),
			kling: simulatorCredential(sims.kling, 'e2eOldestKling', 'Kling key pair', {
				authType: 'accessKey',
				apiKey: '',
				accessKey: sims.kling.accessKey,
				secretKey: sims.kling.secretKey,
			}),
			fal: simulatorCredential(sims.fal, 'e2eOldestFal'),
		};
		await suite.cli.importCredentials([...Object.values(creds), versionTwoCred]);
		const generate = (extra: Record<string, unknown>) => ({
			operation: 'generate',
			prompt: PROMPT,
			...extra,
		});
		await suite.cli.importWorkflows([
			connectedWorkflow(
				'e2eOldest',
				'URL, binary image, Submit then Wait',
				[
					manualTrigger(),
					klingNode(
						'From URL',
						generate({
							provider: 'novita',
							imageSource: 'url',
							imageUrl: 'https://example.com/frame.jpg',
							options: { negativePrompt: 'blur, text', guidanceScale: 0.7 },
						}),
						creds.novita.ref,
					),
					downloadNode('Download Image', imageServer.url('/sample.png')),
					klingNode(
						'From Binary',
						generate({
							provider: 'aimlApi',
							imageSource: 'binary',
							binaryPropertyName: 'data',
							model: 'v3.0',
							mode: 'professional',
							duration: '12',
							sound: true,
						}),
						creds.aimlApi.ref,
					),
					klingNode(
						'Submit',
						{
							provider: 'gmiCloud',
							operation: 'submit',
							imageSource: 'url',
							imageUrl: 'https://example.com/frame.jpg',
						},
						creds.gmiCloud.ref,
					),
					klingNode(
						'Wait',
						{ provider: 'gmiCloud', operation: 'waitForCompletion' },
						creds.gmiCloud.ref,
					),
					klingNode(
						'Kling Key Pair',
						generate({
							provider: 'kling',
							imageSource: 'url',
							imageUrl: 'https://example.com/frame.jpg',
						}),
						creds.kling.ref,
					),
					klingNode(
						'Version 2',
						generate({ provider: 'novita', imageUrl: 'https://example.com/frame.jpg' }),
						versionTwoCred.ref,
						2,
					),
					klingNode(
						'fal From Binary',
						generate({ provider: 'fal', imageSource: 'binary', binaryPropertyName: 'data' }),
						creds.fal.ref,
					),
				],
				[
					['Start', 'From URL'],
					['Start', 'Download Image'],
					['Download Image', 'From Binary'],
					['Start', 'Submit'],
					['Submit', 'Wait'],
					['Start', 'Kling Key Pair'],
					['Download Image', 'fal From Binary'],
					['Start', 'Version 2'],
				],
			),
		]);
		run = suite.cli.execute('e2eOldest');
		run.catch(() => undefined); // reported by the tests that await it
	}, 30 * 60_000);

	afterAll(async () => {
		await suite?.close();
		await imageServer?.close();
		await Promise.all(
			[...Object.values(sims), versionTwoSim].map(async (sim) => await sim?.close()),
		);
	});

	const expectVideo = (execution: WorkflowRun, node: string, provider: Provider) => {
		const [item] = execution.items(node);
		expect(item.json).toMatchObject({
			provider,
			taskId: sims[provider].tasks[0].id,
			status: 'succeeded',
		});
		expect(
			suite.cli.readBinary(item.binary!.data).equals(expectedVideoBytes(VIDEO_BYTES[provider])),
		).toBe(true);
	};

	it('generates from an image URL, with the Options the node was given', async () => {
		const execution = await run;
		assertSucceeded(execution);
		expectVideo(execution, 'From URL', 'novita');
		expect(sims.novita.tasks[0].body).toMatchObject({
			image: 'https://example.com/frame.jpg',
			negative_prompt: 'blur, text',
			guidance_scale: 0.7,
		});
	});

	it('generates Kling 3.0 with sound from a binary image of an earlier node', async () => {
		const execution = await run;
		expectVideo(execution, 'From Binary', 'aimlApi');
		expect(execution.items('From Binary')[0].json).toMatchObject({
			model: 'v3.0',
			mode: 'professional',
			duration: 12,
		});
		expect(sims.aimlApi.tasks[0].body).toMatchObject({
			model: 'klingai/video-v3-pro-image-to-video',
			duration: 12,
			generate_audio: true,
		});
		expect(JSON.stringify(sims.aimlApi.tasks[0].body)).toContain(SAMPLE_PNG.toString('base64'));
	});

	it('submits in one node and waits in another, with the default Task ID expression', async () => {
		const execution = await run;
		expect(execution.items('Submit')[0].json).toMatchObject({
			provider: 'gmiCloud',
			taskId: sims.gmiCloud.tasks[0].id,
			status: 'queued',
		});
		expectVideo(execution, 'Wait', 'gmiCloud');
		expect(sims.gmiCloud.submissions()).toBe(1);
	});

	it('signs a token inside n8n for a Kling key pair, and sends fal the downloaded image', async () => {
		const execution = await run;
		expectVideo(execution, 'Kling Key Pair', 'kling');
		const klingApiRequests = sims.kling.requests.filter((request) => request.server === 'api');
		expect(klingApiRequests.length).toBeGreaterThan(0);
		for (const request of klingApiRequests)
			expect(request.headers.authorization).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
		expectVideo(execution, 'fal From Binary', 'fal');
		expect(JSON.stringify(sims.fal.tasks[0].body)).toContain(SAMPLE_PNG.toString('base64'));
	});

	it('a version 2 node holding no model makes Kling 3.0 (Standard, 5 s, sound off)', async () => {
		const execution = await run;
		assertSucceeded(execution);
		expect(execution.items('Version 2')[0].json).toMatchObject({
			provider: 'novita',
			status: 'succeeded',
			model: 'v3.0',
			mode: 'standard',
			duration: 5,
		});
		expect(versionTwoSim.tasks.map((task) => task.model)).toEqual(['kling-v3.0-std-i2v']);
		expect(versionTwoSim.tasks[0].body).toMatchObject({ duration: 5, sound: false });
	});
});
