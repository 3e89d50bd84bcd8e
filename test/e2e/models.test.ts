/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The newest Kling model every provider of the Novita family, AI/ML API and GMI Cloud offers (3.0), in a real n8n with the packed
 * package: an image downloaded by an earlier node goes in as binary, with sound, an end frame and
 * the provider's top tier, and the video comes out as a file the next node saves. In the same n8n:
 * node version 2 with no Model makes Kling 3.0, version 1 still Kling 2.1, and Kling 3.0 Omni.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
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
	writeFileNode,
} from '../../tools/n8n/workflows';

/** The Novita family, AI/ML API and GMI Cloud (the official Kling API and fal.ai have their own e2e suite). */
const FOUNDING = ['novita', 'myRouter', 'highwayApi', 'aimlApi', 'gmiCloud'] as const;
type FoundingProvider = (typeof FOUNDING)[number];

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));
const END_IMAGE_URL = 'https://example.com/last-frame.jpg';
const PROMPT = 'The camera glides over the lake as the sun goes down';

/** Per provider: its top 3.0 tier, a length of its own, what the simulator must receive, a video size. */
const CASES: Record<
	FoundingProvider,
	{
		mode: string;
		duration: number;
		videoBytes: number;
		/** The task's model at the simulator (endpoint slug or model id). */
		receivedModel: string;
		/** The request body, the image aside. */
		body: Record<string, unknown>;
		/** How the downloaded image's bytes arrive. */
		image: (png: Buffer) => string;
	}
> = {
	novita: {
		mode: '4k',
		duration: 15,
		videoBytes: 61_001,
		receivedModel: 'kling-v3.0-4k-i2v',
		body: { duration: 15, sound: true, end_image: END_IMAGE_URL, cfg_scale: 0.5 },
		image: (png) => png.toString('base64'),
	},
	myRouter: {
		mode: 'professional',
		duration: 3,
		videoBytes: 61_002,
		receivedModel: 'kling-v3.0-pro-i2v',
		body: { duration: 3, sound: true, end_image: END_IMAGE_URL, cfg_scale: 0.5 },
		image: (png) => png.toString('base64'),
	},
	highwayApi: {
		mode: '4k',
		duration: 8,
		videoBytes: 61_003,
		receivedModel: 'kling-v3.0-4k-i2v',
		body: { duration: 8, sound: true, end_image: END_IMAGE_URL, cfg_scale: 0.5 },
		image: (png) => png.toString('base64'),
	},
	aimlApi: {
		mode: 'professional',
		duration: 12,
		videoBytes: 61_004,
		receivedModel: 'klingai/video-v3-pro-image-to-video',
		body: {
			model: 'klingai/video-v3-pro-image-to-video',
			duration: 12,
			generate_audio: true,
			// [?] The schema's name and the docs example's, the same image under both.
			tail_image_url: END_IMAGE_URL,
			last_image_url: END_IMAGE_URL,
			cfg_scale: 0.5,
		},
		image: (png) => `data:image/png;base64,${png.toString('base64')}`,
	},
	gmiCloud: {
		mode: 'standard',
		duration: 10,
		videoBytes: 61_005,
		receivedModel: 'kling-v3-image-to-video',
		body: { duration: '10', sound: 'on', image_tail: END_IMAGE_URL },
		image: (png) => png.toString('base64'),
	},
};

/**
 * Saved workflows holding no Model, as n8n saves them when Model shows its default: a version 2
 * node makes Kling 3.0, a version 1 node still Kling 2.1; and Kling 3.0 Omni at AI/ML API.
 */
const DEFAULTS_CASES = {
	v2NoModel: {
		provider: 'novita',
		typeVersion: 2,
		parameters: {},
		receivedModel: 'kling-v3.0-std-i2v',
		body: { duration: 5, sound: false },
		output: { model: 'v3.0', mode: 'standard', duration: 5 },
	},
	v1NoModel: {
		provider: 'novita',
		typeVersion: 1,
		parameters: {},
		receivedModel: 'kling-v2.1-i2v',
		body: { duration: '5', mode: 'Standard' },
		output: { model: 'v2.1', mode: 'standard', duration: 5 },
	},
	omni: {
		provider: 'aimlApi',
		typeVersion: 2,
		parameters: { model: 'v3.0-omni', mode: 'professional', duration: '7' },
		receivedModel: 'klingai/video-v3-omni-1080p-image-to-video',
		body: {
			model: 'klingai/video-v3-omni-1080p-image-to-video',
			duration: 7,
			generate_audio: false,
		},
		output: { model: 'v3.0-omni', mode: 'professional', duration: 7 },
	},
} as const;
type DefaultsCase = keyof typeof DEFAULTS_CASES;
const DEFAULTS_NAMES = Object.keys(DEFAULTS_CASES) as DefaultsCase[];

const IMAGE_FIELD: Record<FoundingProvider, string> = {
	novita: 'image',
	myRouter: 'image',
	highwayApi: 'image',
	aimlApi: 'image_url',
	gmiCloud: 'image',
};

describe.each(N8N_TARGETS)(
	'Kling 3.0 at the Novita family, AI/ML API and GMI Cloud, in $name',
	(target) => {
		let suite: N8nSuite;
		let imageServer: FileServer;
		const simulators = {} as Record<FoundingProvider, Simulator>;
		const defaultsSimulators = {} as Record<DefaultsCase, Simulator>;
		const runs = new Map<string, Promise<WorkflowRun>>();

		beforeAll(async () => {
			suite = await startN8nSuite('models', { target });
			imageServer = await startFileServer({
				'/product.png': { body: SAMPLE_PNG, contentType: 'image/png' },
			});
			const credentials = [];
			const workflows: WorkflowJson[] = [];
			for (const [index, provider] of FOUNDING.entries()) {
				const sim = await startSimulator({
					provider,
					apiKey: `dummy-e2e-models-${provider}-key`,
					latency: { meanMs: 400 },
					videoBytes: CASES[provider].videoBytes,
					seed: 200 + index + 10 * target.major,
				});
				simulators[provider] = sim;
				const credential = simulatorCredential(sim, `e2eModelsSim${provider}`);
				credentials.push(credential);
				workflows.push(
					chainWorkflow(`e2eModels${provider}`, `Kling 3.0 at ${provider}: binary in, file out`, [
						manualTrigger(),
						downloadNode('Download Image', imageServer.url('/product.png')),
						klingNode(
							'Animate',
							{
								provider,
								operation: 'generate',
								model: 'v3.0',
								imageSource: 'binary',
								binaryPropertyName: 'data',
								prompt: PROMPT,
								mode: CASES[provider].mode,
								duration: String(CASES[provider].duration),
								sound: true,
								endImageSource: 'url',
								endImageUrl: END_IMAGE_URL,
							},
							credential.ref,
						),
						writeFileNode('Save Video', `=${suite.filesDir}/${provider}-{{ $json.taskId }}.mp4`),
					]),
				);
			}
			for (const [index, name] of DEFAULTS_NAMES.entries()) {
				const spec = DEFAULTS_CASES[name];
				const sim = await startSimulator({
					provider: spec.provider,
					apiKey: `dummy-e2e-models-${name}-key`,
					latency: { meanMs: 300 },
					seed: 300 + index + 10 * target.major,
				});
				defaultsSimulators[name] = sim;
				const credential = simulatorCredential(sim, `e2eModelsSim${name}`);
				credentials.push(credential);
				workflows.push(
					chainWorkflow(`e2eModels${name}`, `Kling node version ${spec.typeVersion}: ${name}`, [
						manualTrigger(),
						klingNode(
							'Animate',
							{
								provider: spec.provider,
								operation: 'generate',
								imageUrl: imageServer.url('/product.png'),
								prompt: PROMPT,
								...spec.parameters,
							},
							credential.ref,
							spec.typeVersion,
						),
					]),
				);
			}
			await suite.cli.importCredentials(credentials);
			await suite.cli.importWorkflows(workflows);

			const limit = limitConcurrency(3);
			[...FOUNDING, ...DEFAULTS_NAMES].forEach((name, index) => {
				const execution = limit(async () => await suite.cli.execute(workflows[index].id!));
				execution.catch(() => undefined); // reported by the test that awaits it
				runs.set(name, execution);
			});
		}, 30 * 60_000);

		afterAll(async () => {
			await logDurations(runs);
			await suite?.close();
			await imageServer?.close();
			await Promise.all(
				[...Object.values(simulators), ...Object.values(defaultsSimulators)].map(
					async (sim) => await sim.close(),
				),
			);
		});

		it.each(FOUNDING)(
			'%s: the downloaded image goes in as binary, with sound and an end frame; the video comes out as a file',
			async (provider) => {
				const execution = await runs.get(provider)!;
				assertSucceeded(execution);
				const sim = simulators[provider];
				const expected = CASES[provider];

				expect(sim.submissions()).toBe(1);
				const [task] = sim.tasks;
				expect(task.model).toBe(expected.receivedModel);
				const body = task.body as Record<string, unknown>;
				const received = provider === 'gmiCloud' ? (body.payload as Record<string, unknown>) : body;
				expect(received).toEqual({
					...expected.body,
					[IMAGE_FIELD[provider]]: expected.image(SAMPLE_PNG),
					prompt: PROMPT,
				});
				if (provider === 'gmiCloud') expect(body.model).toBe(expected.receivedModel);

				const [animated] = execution.items('Animate');
				expect(animated.json).toMatchObject({
					provider,
					taskId: task.id,
					status: 'succeeded',
					model: 'v3.0',
					mode: expected.mode,
					duration: expected.duration,
				});
				expect(animated.binary?.data).toMatchObject({ mimeType: 'video/mp4' });

				const [saved] = execution.items('Save Video');
				const file = path.join(suite.filesDir, `${provider}-${task.id}.mp4`);
				expect(saved.json.fileName).toBe(file);
				expect(existsSync(file)).toBe(true);
				expect(readFileSync(file).equals(expectedVideoBytes(expected.videoBytes))).toBe(true);
			},
		);

		it.each(DEFAULTS_NAMES)(
			'%s: the saved node makes the model its version and parameters say',
			async (name) => {
				const execution = await runs.get(name)!;
				assertSucceeded(execution);
				const sim = defaultsSimulators[name];
				const expected = DEFAULTS_CASES[name];
				expect(sim.submissions()).toBe(1);
				const [task] = sim.tasks;
				expect(task.model).toBe(expected.receivedModel);
				expect(task.body).toMatchObject({ ...expected.body, prompt: PROMPT });
				const [animated] = execution.items('Animate');
				expect(animated.json).toMatchObject({
					provider: expected.provider,
					taskId: task.id,
					status: 'succeeded',
					...expected.output,
				});
			},
		);
	},
);
