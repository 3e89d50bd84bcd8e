import { NodeConnectionTypes, type INodeParameters } from 'n8n-workflow';

import { KlingImageToVideo } from '../../nodes/KlingImageToVideo/KlingImageToVideo.node';
import { connect, HARNESS_TRIGGER_NODE_NAME } from '../support/engine';
import {
	scriptedAgent,
	toolVariantOf,
	type ToolCallResult,
} from '../support/engine/scripted-agent';
import {
	expectedVideoBytes,
	startSimulator,
	type ProviderId,
	type Simulator,
} from '../../tools/simulators';
import { apiRequests, IMAGE_URL, klingNode, runKling } from './kling';

/**
 * What a scheduled poster reads off a finished item (what it cost, the clip's size and length,
 * when its link dies) and the balance it checks before a run.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

const VIDEO_BYTES = 50_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

const generate = (parameters = {}) =>
	runKling(sim, {
		nodes: [klingNode(sim, { operation: 'generate', imageUrl: IMAGE_URL, ...parameters })],
	}).result;

describe('video facts, read from the MP4 as it is stored', () => {
	it.each(['faststart', 'moovAtEnd'] as const)(
		'%s: width, height, length, bytes and type, and the file is stored whole',
		async (videoLayout) => {
			const videoFacts = { width: 1080, height: 1920, durationSeconds: 10 };
			sim = await startSimulator({
				provider: 'novita',
				videoBytes: VIDEO_BYTES,
				videoLayout,
				videoFacts,
			});
			const run = await generate();
			expect(run.error).toBeUndefined();
			const [item] = run.output('Kling');
			expect(item.json.video).toEqual({
				...videoFacts,
				bytes: VIDEO_BYTES,
				mimeType: 'video/mp4',
			});
			expect(await run.readBinary(item)).toEqual(
				expectedVideoBytes(VIDEO_BYTES, videoLayout, videoFacts),
			);
			// One download: the facts come from the bytes on their way to the store.
			expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(1);
		},
	);

	it.each(['malformed', 'notMp4'] as const)(
		'%s: the file still downloads, without facts, and one debug line says why',
		async (videoLayout) => {
			sim = await startSimulator({ provider: 'novita', videoBytes: VIDEO_BYTES, videoLayout });
			const run = await generate();
			expect(run.error).toBeUndefined();
			const [item] = run.output('Kling');
			expect(item.json.video).toBeUndefined();
			expect(item.json.videoUrl).toEqual(expect.stringContaining(sim.videoHostUrl));
			expect(await run.readBinary(item)).toEqual(expectedVideoBytes(VIDEO_BYTES, videoLayout));
			expect(run.logs.filter((line) => line.includes('stored without its facts'))).toEqual([
				expect.stringMatching(
					/^debug: .*\.mp4 stored without its facts: (its moov|the file is not)/,
				),
			]);
		},
	);

	it('with Download Video off, no facts are made up', async () => {
		sim = await startSimulator({ provider: 'novita' });
		const run = await generate({ downloadVideo: false });
		expect(run.output('Kling')[0].json.video).toBeUndefined();
	});
});

describe('cost and link lifetime, where the provider reports them', () => {
	it("Kling AI: the task's final_unit_deduction, and a link that lives 30 days from the task's end", async () => {
		sim = await startSimulator({ provider: 'kling' });
		const run = await generate();
		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		expect(item.json.cost).toEqual({ amount: 1, unit: 'units' });
		const finishedAt = sim.tasks[0].finishesAt;
		const expiresAt = Date.parse(item.json.videoUrlExpiresAt as string);
		expect(Math.abs(expiresAt - (finishedAt + 30 * DAY_MS))).toBeLessThan(1000);
	});

	it("Novita AI: the link's video_url_ttl (3600 s) from the answer, and no cost (Novita reports none)", async () => {
		sim = await startSimulator({ provider: 'novita' });
		const before = Date.now();
		const run = await generate();
		const [item] = run.output('Kling');
		const expiresAt = Date.parse(item.json.videoUrlExpiresAt as string);
		expect(expiresAt).toBeGreaterThanOrEqual(before + HOUR_MS);
		expect(expiresAt).toBeLessThanOrEqual(Date.now() + HOUR_MS);
		expect(item.json).not.toHaveProperty('cost');
	});

	it.each(['aimlApi', 'gmiCloud', 'fal'] as const)(
		'%s reports neither: both fields are absent',
		async (provider) => {
			sim = await startSimulator({ provider });
			const run = await generate();
			expect(run.error).toBeUndefined();
			const [item] = run.output('Kling');
			expect(item.json).not.toHaveProperty('cost');
			expect(item.json).not.toHaveProperty('videoUrlExpiresAt');
			expect(item.json.video).toMatchObject({ width: 720, height: 1280, durationSeconds: 5 });
		},
	);
});

describe('Get Balance', () => {
	const balance = (input = [{ json: {} }], settings = {}) =>
		runKling(sim, {
			nodes: [klingNode(sim, { operation: 'getBalance' }, settings)],
			input,
		}).result;

	it.each([
		[
			'novita',
			{ balance: 100, unit: 'USD', currency: 'USD' },
			'/openapi/v1/billing/balance/detail',
		],
		['aimlApi', { balance: 123.45, unit: 'USD', currency: 'USD' }, '/v2/billing'],
		['kling', { balance: 370.5, unit: 'units' }, '/account/costs'],
	] as const)('%s: %j through its free balance request', async (provider, expected, path) => {
		sim = await startSimulator({ provider });
		const run = await balance([{ json: { run: 1 } }, { json: { run: 2 } }]);
		expect(run.error).toBeUndefined();
		const output = run.output('Kling');
		expect(output.map((item) => item.json)).toEqual([
			{ provider, ...expected },
			{ provider, ...expected },
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		// One request for the run: one account per node.
		expect(apiRequests(sim).map((request) => request.path)).toEqual([path]);
		expect(sim.submissions()).toBe(0);
	});

	it('Kling AI: asks for the packs bought over the last two years, in ms', async () => {
		sim = await startSimulator({ provider: 'kling' });
		await balance();
		const [request] = apiRequests(sim);
		const end = Number(request.query.end_time);
		expect(Math.abs(end - Date.now())).toBeLessThan(60_000);
		expect(end - Number(request.query.start_time)).toBe(2 * 365 * DAY_MS);
	});

	it('an empty account reads 0, for an IF to stop the batch', async () => {
		sim = await startSimulator({ provider: 'novita', balance: 'insufficient' });
		const run = await balance();
		expect(run.output('Kling')[0].json).toEqual({
			provider: 'novita',
			balance: 0,
			unit: 'USD',
			currency: 'USD',
		});
	});

	it.each(['myRouter', 'highwayApi', 'gmiCloud', 'fal'] as ProviderId[])(
		'%s documents no balance request: a clear error, and nothing is sent',
		async (provider) => {
			sim = await startSimulator({ provider });
			const run = await balance();
			expect(run.error?.message).toMatch(
				/ documents no balance request, so "Get Balance" cannot read it \[item 0\]$/,
			);
			expect(apiRequests(sim)).toHaveLength(0);
		},
	);

	it('with Continue On Fail, a refused request fails every item, each naming itself', async () => {
		sim = await startSimulator({ provider: 'aimlApi' });
		sim.faults.next('balance', { type: 'http', status: 401 });
		const run = await balance([{ json: {} }, { json: {} }], { continueOnFail: true });
		expect(run.error).toBeUndefined();
		const output = run.output('Kling');
		expect(output.map((item) => item.json.error)).toEqual([
			expect.stringMatching(/^AI\/ML API rejected the API key \(401\).* \[item 0\]$/),
			expect.stringMatching(/^AI\/ML API rejected the API key \(401\).* \[item 1\]$/),
		]);
		expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(apiRequests(sim)).toHaveLength(1);
	});

	it('without Continue On Fail, the error stops the run', async () => {
		sim = await startSimulator({ provider: 'kling' });
		sim.faults.next('balance', { type: 'http', status: 500 });
		const run = await balance();
		expect(run.error?.message).toMatch(/^Kling AI refused the balance request \(500/);
	});
});

describe('as an AI-agent tool', () => {
	const toolCall = (parameters: INodeParameters) =>
		runKling(sim, {
			nodeTypes: {
				klingImageToVideoTool: toolVariantOf(new KlingImageToVideo()),
				scriptedAgent: scriptedAgent([{ toolNode: 'Kling Tool', input: { imageUrl: IMAGE_URL } }]),
			},
			nodes: [
				{ name: 'Agent', type: 'scriptedAgent' },
				{ ...klingNode(sim, parameters, {}, 'Kling Tool'), type: 'klingImageToVideoTool' },
			],
			connections: connect(
				{ from: HARNESS_TRIGGER_NODE_NAME, to: 'Agent' },
				{ from: 'Kling Tool', to: 'Agent', type: NodeConnectionTypes.AiTool },
			),
		}).result;

	it('Generate Video answers with the facts, videoUrl and task id, and no MP4 unless asked', async () => {
		sim = await startSimulator({ provider: 'kling', videoBytes: VIDEO_BYTES });
		const run = await toolCall({ operation: 'generate', imageUrl: '={{ $json.imageUrl }}' });
		expect(run.error).toBeUndefined();
		const [result] = run.output('Agent')[0].json.results as ToolCallResult[];
		expect(result.answer).toEqual([
			expect.objectContaining({
				taskId: sim.tasks[0].id,
				videoUrl: expect.stringContaining(sim.videoHostUrl),
				video: {
					width: 720,
					height: 1280,
					durationSeconds: 5,
					bytes: VIDEO_BYTES,
					mimeType: 'video/mp4',
				},
				cost: { amount: 1, unit: 'units' },
			}),
		]);
		const toolItems = run.runData['Kling Tool'][0].data!;
		const items = Object.values(toolItems).flat().flat();
		expect(items.length).toBeGreaterThan(0);
		expect(items.every((item) => item?.binary === undefined)).toBe(true);
	});

	it('the workflow can ask for the file', async () => {
		sim = await startSimulator({ provider: 'kling', videoBytes: VIDEO_BYTES });
		const run = await toolCall({
			operation: 'generate',
			imageUrl: '={{ $json.imageUrl }}',
			videoFileToAgent: true,
		});
		expect(run.error).toBeUndefined();
		const items = Object.values(run.runData['Kling Tool'][0].data!).flat().flat();
		expect(items.some((item) => item?.binary?.data !== undefined)).toBe(true);
	});

	it('Get Balance answers the agent with the balance', async () => {
		sim = await startSimulator({ provider: 'kling' });
		const run = await toolCall({ operation: 'getBalance' });
		const [result] = run.output('Agent')[0].json.results as ToolCallResult[];
		expect(result.answer).toEqual([{ provider: 'kling', balance: 370.5, unit: 'units' }]);
	});
});
