/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * The packed package installed as a community package in a real n8n (every release in
 * N8N_TARGETS: the newest 1.x and 2.x), driven through `n8n execute` against local provider
 * simulators: what a user sees in n8n, end to end.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type Simulator,
} from '../../tools/simulators';
import type { WorkflowJson, WorkflowRun } from '../../tools/n8n/n8nCli';
import { REPO_ROOT } from '../../tools/n8n/packageInstall';
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
} from '../../tools/n8n/suite';
import {
	chainWorkflow,
	connectedWorkflow,
	downloadNode,
	klingNode,
	manualTrigger,
	parallelWorkflow,
	PROVIDER_IDS,
	readFilesNode,
	writeFileNode,
	type ProviderId,
} from '../../tools/n8n/workflows';

const SAMPLE_PNG = readFileSync(path.join(REPO_ROOT, 'examples', 'assets', 'sample.png'));
/** Short, so the suite is fast; long enough that the node has to poll. */
const LATENCY = { meanMs: 400 };
const PROMPT = 'The camera slowly pushes in while the lake shimmers';

/** Per provider: a mode and duration other than the defaults, and a video size of its own. */
const GENERATE_CASES: Record<
	ProviderId,
	{ mode: string; duration: '5' | '10'; videoBytes: number }
> = {
	novita: { mode: 'professional', duration: '10', videoBytes: 40_000 },
	myRouter: { mode: 'standard', duration: '5', videoBytes: 41_000 },
	highwayApi: { mode: 'master', duration: '5', videoBytes: 42_000 },
	aimlApi: { mode: 'professional', duration: '5', videoBytes: 43_000 },
	gmiCloud: { mode: 'master', duration: '10', videoBytes: 44_000 },
	kling: { mode: 'professional', duration: '10', videoBytes: 45_000 },
	fal: { mode: 'master', duration: '5', videoBytes: 46_000 },
};

const klingNodeName = (provider: ProviderId) => `Kling ${provider}`;
const binaryKlingNodeName = (provider: ProviderId) => `Kling ${provider} (binary)`;
/** The video of the task made from a binary image: a size apart from the URL task's. */
const binaryVideoBytes = (provider: ProviderId) => GENERATE_CASES[provider].videoBytes + 500;
const PROVIDER_GROUPS: ProviderId[][] = [
	['novita', 'myRouter', 'highwayApi'],
	['aimlApi', 'gmiCloud'],
	['kling', 'fal'],
];
const providersRunOf = (provider: ProviderId) =>
	`providers${PROVIDER_GROUPS.findIndex((group) => group.includes(provider))}`;

describe.each(N8N_TARGETS)('the packed node in a real $name', (target) => {
	let suite: N8nSuite;
	let imageServer: FileServer;
	const simulators: Simulator[] = [];
	const providerSims = {} as Record<ProviderId, Simulator>;
	/** Per provider, the simulator of the task made from a binary image. */
	const binarySims = {} as Record<ProviderId, Simulator>;
	let chainSim: Simulator;
	let twoStepSim: Simulator;
	let failingSim: Simulator;
	let badImageSim: Simulator;
	let failingContinueSim: Simulator;
	let slowSim: Simulator;
	let failingRegularSim: Simulator;
	const runs = new Map<string, Promise<WorkflowRun>>();

	const simulator = async (provider: ProviderId, videoBytes = 30_000): Promise<Simulator> => {
		const sim = await startSimulator({
			provider,
			apiKey: `dummy-e2e-${provider}-key`,
			latency: LATENCY,
			videoBytes,
			seed: simulators.length + 1,
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
		suite = await startN8nSuite('node', { target });
		imageServer = await startFileServer({
			'/images/sample.png': { body: SAMPLE_PNG, contentType: 'image/png' },
		});
		writeFileSync(path.join(suite.filesDir, 'too-small.png'), makeTestPng(200, 200));

		for (const provider of PROVIDER_IDS) {
			providerSims[provider] = await simulator(provider, GENERATE_CASES[provider].videoBytes);
			binarySims[provider] = await simulator(provider, binaryVideoBytes(provider));
		}
		chainSim = await simulator('myRouter', 123_457);
		twoStepSim = await simulator('aimlApi', 33_333);
		failingSim = await simulator('gmiCloud');
		failingSim.setTaskOutcome('all', {
			status: 'failed',
			reason: 'dummy refusal: the image breaks the content rules',
		});
		badImageSim = await simulator('highwayApi');
		failingContinueSim = await simulator('novita');
		failingContinueSim.setTaskOutcome('all', {
			status: 'failed',
			reason: 'dummy refusal: no faces allowed',
		});
		failingRegularSim = await simulator('aimlApi');
		failingRegularSim.setTaskOutcome('all', {
			status: 'failed',
			reason: 'dummy refusal: too dark',
		});
		slowSim = await startSimulator({
			provider: 'myRouter',
			apiKey: 'dummy-e2e-slow-key',
			latency: { meanMs: 10 * 60_000 },
			seed: 99,
		});
		simulators.push(slowSim);

		const providerCreds = PROVIDER_IDS.map((provider) =>
			simulatorCredential(providerSims[provider], `e2eSim${provider}`),
		);
		const binaryCreds = PROVIDER_IDS.map((provider) =>
			simulatorCredential(binarySims[provider], `e2eSimBinary${provider}`),
		);
		const chainCred = simulatorCredential(chainSim, 'e2eSimChain');
		const twoStepCred = simulatorCredential(twoStepSim, 'e2eSimTwoStep');
		const failingCred = simulatorCredential(failingSim, 'e2eSimFailing');
		const badImageCred = simulatorCredential(badImageSim, 'e2eSimBadImage');
		const failingContinueCred = simulatorCredential(failingContinueSim, 'e2eSimFailingContinue');
		const slowCred = simulatorCredential(slowSim, 'e2eSimSlow');
		const failingRegularCred = simulatorCredential(failingRegularSim, 'e2eSimFailingRegular');
		await suite.cli.importCredentials([
			...providerCreds,
			...binaryCreds,
			chainCred,
			twoStepCred,
			failingCred,
			badImageCred,
			failingContinueCred,
			slowCred,
			failingRegularCred,
		]);

		/** Per provider: download the sample image, then generate from it as binary data. */
		const binaryBranch = (provider: ProviderId) => [
			downloadNode(`Image for ${provider}`, imageServer.url('/images/sample.png')),
			klingNode(
				binaryKlingNodeName(provider),
				{
					provider,
					operation: 'generate',
					imageSource: 'binary',
					binaryPropertyName: 'data',
					prompt: PROMPT,
				},
				binaryCreds[PROVIDER_IDS.indexOf(provider)].ref,
			),
		];
		const videosDir = path.join(suite.filesDir, 'videos');
		mkdirSync(videosDir);
		const workflows: Record<string, WorkflowJson> = {
			// Two workflows of parallel branches (n8n runs branches one after the other): half the wait each.
			...Object.fromEntries(
				PROVIDER_GROUPS.map((group, groupIndex) => [
					`providers${groupIndex}`,
					parallelWorkflow(
						`e2eProviders${groupIndex}`,
						`Providers ${group.join(', ')}: generate from an image URL and from a binary image`,
						manualTrigger(),
						group
							.map((provider) => [
								klingNode(
									klingNodeName(provider),
									{
										provider,
										operation: 'generate',
										imageSource: 'url',
										imageUrl: `https://example.com/first-frame-${provider}.jpg`,
										prompt: PROMPT,
										mode: GENERATE_CASES[provider].mode,
										duration: GENERATE_CASES[provider].duration,
									},
									providerCreds[PROVIDER_IDS.indexOf(provider)].ref,
								),
							])
							.concat(group.map(binaryBranch)),
					),
				]),
			),
			chain: chainWorkflow('e2eBinaryChain', 'Downloaded image in, video file out', [
				manualTrigger(),
				downloadNode('Download Image', imageServer.url('/images/sample.png')),
				klingNode(
					'Animate',
					{
						provider: 'myRouter',
						operation: 'generate',
						imageSource: 'binary',
						binaryPropertyName: 'data',
						prompt: PROMPT,
					},
					chainCred.ref,
				),
				writeFileNode('Save Video', `=${videosDir}/{{ $json.taskId }}.mp4`),
			]),
			twoStep: connectedWorkflow(
				'e2eSubmitThenWait',
				'Submit in one node, wait in another (and ask once in a third)',
				[
					manualTrigger(),
					klingNode(
						'Submit',
						{
							provider: 'aimlApi',
							operation: 'submit',
							imageSource: 'url',
							imageUrl: 'https://example.com/frame.png',
							mode: 'master',
							duration: '10',
						},
						twoStepCred.ref,
					),
					klingNode(
						'Wait',
						{
							provider: 'aimlApi',
							operation: 'waitForCompletion',
							outputBinaryPropertyName: 'video',
						},
						twoStepCred.ref,
					),
					klingNode('Get Status', { provider: 'aimlApi', operation: 'getStatus' }, twoStepCred.ref),
				],
				[
					['Start', 'Submit'],
					['Submit', 'Wait'],
					['Submit', 'Get Status'],
				],
			),
			failing: chainWorkflow('e2eFailedTask', 'The provider fails the task', [
				manualTrigger(),
				klingNode(
					'Animate',
					{
						provider: 'gmiCloud',
						operation: 'generate',
						imageSource: 'url',
						imageUrl: 'https://example.com/frame.png',
						prompt: PROMPT,
					},
					failingCred.ref,
				),
			]),
			failingContinue: chainWorkflow(
				'e2eFailedTaskContinue',
				'The provider fails the task; On Error: continue (error output)',
				[
					manualTrigger(),
					{
						...klingNode(
							'Animate',
							{
								provider: 'novita',
								operation: 'generate',
								imageSource: 'url',
								imageUrl: 'https://example.com/frame.png',
								prompt: PROMPT,
							},
							failingContinueCred.ref,
						),
						onError: 'continueErrorOutput',
					},
				],
			),
			failingRegular: chainWorkflow(
				'e2eFailedTaskRegular',
				'The provider fails the task; On Error: continue',
				[
					manualTrigger(),
					{
						...klingNode(
							'Animate',
							{
								provider: 'aimlApi',
								operation: 'generate',
								imageSource: 'url',
								imageUrl: 'https://example.com/frame.png',
							},
							failingRegularCred.ref,
						),
						onError: 'continueRegularOutput',
					},
				],
			),
			timeout: chainWorkflow('e2eTimeout', 'The video takes longer than the timeout', [
				manualTrigger(),
				klingNode(
					'Animate',
					{
						provider: 'myRouter',
						operation: 'generate',
						imageSource: 'url',
						imageUrl: 'https://example.com/frame.png',
						prompt: PROMPT,
						waitOptions: { timeoutSeconds: 3 },
					},
					slowCred.ref,
				),
			]),
			badImage: chainWorkflow('e2eBadImage', 'An image below 300 px', [
				manualTrigger(),
				readFilesNode('Read Image', path.join(suite.filesDir, 'too-small.png')),
				klingNode(
					'Animate',
					{
						provider: 'highwayApi',
						operation: 'generate',
						imageSource: 'binary',
						binaryPropertyName: 'data',
						prompt: PROMPT,
					},
					badImageCred.ref,
				),
			]),
		};
		await suite.cli.importWorkflows(Object.values(workflows));

		// Each `n8n execute` is its own n8n process; a few at once share the two cores well enough.
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

	describe.each(PROVIDER_IDS)('%s: generate', (provider) => {
		it('returns the task and the video as binary data', async () => {
			const execution = await run(providersRunOf(provider));
			const sim = providerSims[provider];
			const expected = GENERATE_CASES[provider];
			expect(execution.nodeError(klingNodeName(provider))).toBeUndefined();
			expect(sim.submissions()).toBe(1);
			const task = sim.tasks[0];

			const items = execution.items(klingNodeName(provider));
			expect(items).toHaveLength(1);
			const [item] = items;
			expect(item.json).toMatchObject({
				provider,
				taskId: task.id,
				status: 'succeeded',
				mode: expected.mode,
				duration: Number(expected.duration),
			});
			expect(String(item.json.videoUrl)).toMatch(new RegExp(`^${sim.videoHostUrl}/videos/`));

			const video = item.binary?.data;
			expect(video).toMatchObject({
				mimeType: 'video/mp4',
				fileName: `${task.id.replace(/[^A-Za-z0-9._-]+/g, '_')}.mp4`,
			});
			expect(suite.cli.readBinary(video!).equals(expectedVideoBytes(expected.videoBytes))).toBe(
				true,
			);
		});

		it('sends the image URL, prompt and settings, and keeps the API key away from the video host', async () => {
			await run(providersRunOf(provider));
			const sim = providerSims[provider];
			const body = JSON.stringify(sim.tasks[0].body);
			expect(body).toContain(`https://example.com/first-frame-${provider}.jpg`);
			expect(body).toContain(PROMPT);
			const downloads = sim.requests.filter((request) => request.kind === 'download');
			expect(downloads.length).toBeGreaterThanOrEqual(1);
			for (const request of downloads) expect(request.headers.authorization).toBeUndefined();
			for (const request of sim.requests.filter((r) => r.server === 'api')) {
				expect(request.headers.authorization).toBe(
					`${provider === 'fal' ? 'Key' : 'Bearer'} ${sim.apiKey}`,
				);
			}
		});

		it('generates from a binary image of an earlier node, sending its bytes', async () => {
			const execution = await run(providersRunOf(provider));
			const sim = binarySims[provider];
			expect(execution.nodeError(binaryKlingNodeName(provider))).toBeUndefined();
			expect(sim.submissions()).toBe(1);
			const task = sim.tasks[0];
			// The bytes the HTTP Request node downloaded, as base64 (raw, or in a data: URI, as the provider takes them).
			expect(JSON.stringify(task.body)).toContain(SAMPLE_PNG.toString('base64'));
			expect(JSON.stringify(task.body)).toContain(PROMPT);

			const [item] = execution.items(binaryKlingNodeName(provider));
			expect(item.json).toMatchObject({ provider, taskId: task.id, status: 'succeeded' });
			const video = item.binary?.data;
			expect(video).toMatchObject({ mimeType: 'video/mp4' });
			expect(
				suite.cli.readBinary(video!).equals(expectedVideoBytes(binaryVideoBytes(provider))),
			).toBe(true);
		});
	});

	it('takes an image downloaded by an earlier node and hands the video file to the next node', async () => {
		const execution = await run('chain');
		assertSucceeded(execution);
		expect(imageServer.requests).toContainEqual({ method: 'GET', path: '/images/sample.png' });

		// The image went to the provider as the bytes HTTP Request downloaded (Novita-style raw base64).
		expect(chainSim.submissions()).toBe(1);
		const task = chainSim.tasks[0];
		expect((task.body as { image: string }).image).toBe(SAMPLE_PNG.toString('base64'));

		const [saved] = execution.items('Save Video');
		expect(saved.json).toMatchObject({
			provider: 'myRouter',
			taskId: task.id,
			status: 'succeeded',
		});
		const file = path.join(suite.filesDir, 'videos', `${task.id}.mp4`);
		expect(saved.json.fileName).toBe(file);
		expect(existsSync(file)).toBe(true);
		expect(readFileSync(file).equals(expectedVideoBytes(123_457))).toBe(true);
	});

	it('submits in one node and waits in another, reading the task id from the input', async () => {
		const execution = await run('twoStep');
		assertSucceeded(execution);
		expect(twoStepSim.submissions()).toBe(1);
		const task = twoStepSim.tasks[0];

		const [submitted] = execution.items('Submit');
		expect(submitted.json).toMatchObject({
			provider: 'aimlApi',
			taskId: task.id,
			status: 'queued',
			mode: 'master',
			duration: 10,
		});
		expect(submitted.binary).toBeUndefined();
		expect(Number.isNaN(Date.parse(String(submitted.json.submittedAt)))).toBe(false);

		const [finished] = execution.items('Wait');
		expect(finished.json).toMatchObject({
			provider: 'aimlApi',
			taskId: task.id,
			status: 'succeeded',
		});
		expect(finished.binary?.video).toMatchObject({ mimeType: 'video/mp4' });
		expect(suite.cli.readBinary(finished.binary!.video).equals(expectedVideoBytes(33_333))).toBe(
			true,
		);
		// Waiting started no second task.
		expect(twoStepSim.submissions()).toBe(1);

		// Get Status, on the same Submit output, asked once and downloaded nothing.
		const [status] = execution.items('Get Status');
		expect(status.json).toMatchObject({ provider: 'aimlApi', taskId: task.id });
		expect(['queued', 'processing', 'succeeded']).toContain(status.json.status);
		expect(status.binary).toBeUndefined();
	});

	it('reports a task the provider failed as an error naming the task and the reason', async () => {
		const execution = await run('failing');
		expect(execution.status).toBe('error');
		expect(execution.exitCode).not.toBe(0);
		expect(failingSim.submissions()).toBe(1);
		const taskId = failingSim.tasks[0].id;

		const error = execution.nodeError('Animate');
		expect(error?.message).toContain(taskId);
		expect(error?.message).toContain('dummy refusal: the image breaks the content rules');
		expect(execution.error?.message).toContain(taskId);
		expect(failingSim.requests.filter((request) => request.kind === 'download')).toHaveLength(0);
	});

	// n8n sends an item whose json holds error, message and details to the error output from 2.36 on
	// (n8n PR #35939, also in 2.34.6 and 2.35.3); n8n 1.x only one holding error (and message) alone.
	if (target.major === 2) {
		it('with On Error set to "continue (using error output)", routes the failed task to the error output', async () => {
			const execution = await run('failingContinue');
			assertSucceeded(execution);
			const taskId = failingContinueSim.tasks[0].id;
			expect(execution.items('Animate', 0)).toHaveLength(0);
			const failed = execution.items('Animate', 1);
			expect(failed).toHaveLength(1);
			expect(String(failed[0].json.error)).toContain(taskId);
			expect(String(failed[0].json.error)).toContain('dummy refusal: no faces allowed');
		});

		it('puts the task id, provider and status under details on the error output, for the nodes that follow', async () => {
			const execution = await run('failingContinue');
			const [failed] = execution.items('Animate', 1);
			expect(failed?.json).toMatchObject({
				details: { provider: 'novita', taskId: failingContinueSim.tasks[0].id, status: 'failed' },
			});
		});
	} else {
		it('with On Error set to "continue (using error output)", the failed task stays on the success output, with its error and details (as the README says)', async () => {
			const execution = await run('failingContinue');
			assertSucceeded(execution);
			const taskId = failingContinueSim.tasks[0].id;
			expect(execution.items('Animate', 1)).toHaveLength(0);
			const [failed] = execution.items('Animate', 0);
			expect(failed.json).toMatchObject({
				details: { provider: 'novita', taskId, status: 'failed' },
			});
			expect(String(failed.json.error)).toContain('dummy refusal: no faces allowed');
			expect(failed.binary).toBeUndefined();
		});
	}

	it('with On Error set to "continue", outputs the failed item with its error, task id, provider and status', async () => {
		const execution = await run('failingRegular');
		assertSucceeded(execution);
		const taskId = failingRegularSim.tasks[0].id;
		const [failed] = execution.items('Animate');
		expect(failed.json).toMatchObject({ provider: 'aimlApi', taskId, status: 'failed' });
		expect(String(failed.json.error)).toContain(taskId);
		expect(String(failed.json.error)).toContain('dummy refusal: too dark');
		expect(failed.binary).toBeUndefined();
	});

	it('gives up after "Timeout (Seconds)", naming the task to pick up later', async () => {
		const execution = await run('timeout');
		expect(execution.status).toBe('error');
		expect(slowSim.submissions()).toBe(1);
		const taskId = slowSim.tasks[0].id;
		const error = execution.nodeError('Animate');
		expect(error?.message).toBe(`Task ${taskId} did not finish within 3 s [item 0]`);
		expect(error?.description).toContain('Wait for Completion');
		expect(execution.durationMs).toBeLessThan(60_000);
	});

	it('refuses an image below 300 px before any request reaches the provider', async () => {
		const execution = await run('badImage');
		expect(execution.status).toBe('error');
		expect(execution.items('Read Image')).toHaveLength(1);
		const error = execution.nodeError('Animate');
		expect(error?.message).toMatch(/200×200 px/);
		expect(error?.message).toMatch(/at least 300 px/);
		expect(badImageSim.requests).toHaveLength(0);
	});
});
