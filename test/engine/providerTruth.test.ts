import {
	expectedVideoBytes,
	makeTestPng,
	startSimulator,
	type ProviderId,
	type Simulator,
	type SimulatorOptions,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * What the providers' own docs and other clients of their APIs show, answered by the simulators
 * and met by the node in n8n's engine. Each case names its source: [C] the
 * provider's docs, [3P] third-party clients only, [?] unverified. Every item ends as a user
 * expects, and no case creates a second task.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

async function simulate(options: SimulatorOptions): Promise<Simulator> {
	sim = await startSimulator({ latency: { meanMs: 300 }, ...options });
	return sim;
}

const generate = (extra = {}) =>
	klingNode(sim, { operation: 'generate', imageUrl: IMAGE_URL, ...extra });

const binaryPng = makeTestPng(640, 480);
const fromBinary = {
	parameters: { operation: 'generate', imageSource: 'binary' },
	input: [{ json: {}, binary: { data: { data: binaryPng, mimeType: 'image/png' } } }],
};

const unknownStatusLines = (logs: string[]) =>
	logs.filter((line) => /^debug: .*answered the unknown status/.test(line));

/** Status requests answered after the task had finished at the provider. */
const answersAfterFinish = () =>
	statusRequests(sim).filter((request) => request.at >= sim.tasks[0].finishesAt);

describe('status words', () => {
	it.each<[ProviderId, SimulatorOptions['statusWords'], string]>([
		['novita', { succeeded: 'TASK_STATUS_SUCCEEDED' }, '[3P] PPIO clients'],
		['highwayApi', { succeeded: 'TASK_STATUS_SUCCEEDED' }, '[3P] PPIO clients'],
		[
			'aimlApi',
			{ queued: 'waiting', processing: 'active', succeeded: 'complete' },
			'[C] older AI/ML API docs',
		],
		['gmiCloud', { succeeded: 'finished' }, '[C] GMI API reference prose'],
		['gmiCloud', { succeeded: 'completed' }, '[?] the audit'],
	])('%s answering %j (%s): the item gets its video, every word known', async (provider, words) => {
		await simulate({ provider, statusWords: words });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		expect(item.json.status).toBe('succeeded');
		expect(await run.readBinary(item)).toEqual(expectedVideoBytes(2048));
		expect(unknownStatusLines(run.logs)).toEqual([]);
		expect(sim.submissions()).toBe(1);
	});

	it('a word no source shows, without a video: still running, logged once per task at debug level with the word', async () => {
		await simulate({
			provider: 'aimlApi',
			latency: { meanMs: 7_000 },
			queueMs: 0,
			statusWords: { processing: 'rendering' },
		});
		// Two tasks of one kind: each probes the other's span, so each is asked about while rendering.
		const run = await runKling(sim, {
			nodes: [generate()],
			input: [{ json: {} }, { json: {} }],
		}).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling').map((item) => item.json.status)).toEqual(['succeeded', 'succeeded']);
		for (const task of sim.tasks) {
			const whileRendering = statusRequests(sim).filter(
				(request) => request.taskId === task.id && request.at < task.finishesAt,
			);
			expect(whileRendering.length).toBeGreaterThanOrEqual(2);
			expect(unknownStatusLines(run.logs).filter((line) => line.includes(task.id))).toEqual([
				expect.stringContaining(
					`Kling task ${task.id}: AI/ML API answered the unknown status "rendering", read as processing`,
				),
			]);
		}
		expect(sim.submissions()).toBe(2);
	});

	it('a word no source shows, with a video: the task is done', async () => {
		await simulate({ provider: 'gmiCloud', statusWords: { succeeded: 'ready' } });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
		expect(unknownStatusLines(run.logs)).toEqual([
			expect.stringContaining('answered the unknown status "ready", read as succeeded'),
		]);
		expect(answersAfterFinish()).toHaveLength(1);
	});
});

describe('the video URL', () => {
	it('is found in outcome.url ([3P] genblaze connector for GMI Cloud)', async () => {
		await simulate({ provider: 'gmiCloud', shapes: { gmiVideoUrl: 'outcome.url' } });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json.videoUrl).toContain(sim.videoHostUrl);
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
	});

	it('that comes a moment after "succeeded" is asked for again, shortly, and the video delivered', async () => {
		await simulate({ provider: 'novita', videoUrlLate: 2 });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
		const late = answersAfterFinish();
		expect(late).toHaveLength(3);
		expect(late[1].at - late[0].at).toBeGreaterThanOrEqual(900);
		expect(late[2].at - late[1].at).toBeGreaterThanOrEqual(2_900);
		expect(sim.requests.filter((request) => request.kind === 'download')).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
	});

	it('that never comes: the item fails naming the task, after three more questions', async () => {
		await simulate({ provider: 'gmiCloud', videoUrlLate: 100 });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		const taskId = sim.tasks[0].id;
		expect(run.error?.message).toBe(
			`Task ${taskId} succeeded at GMI Cloud but no video URL came with it [item 0]`,
		);
		expect(answersAfterFinish()).toHaveLength(4);
		expect(sim.submissions()).toBe(1);
	});
});

describe('a failed task answered with HTTP 500', () => {
	it("TASK_FAILED ([C] Novita's error table) ends the item at once with the provider's reason", async () => {
		await simulate({ provider: 'novita', shapes: { novitaFailure: 'http500' } });
		sim.setTaskOutcome('next', {
			status: 'failed',
			reason: 'The image violates the content policy',
		});
		const run = await runKling(sim, { nodes: [generate()] }).result;

		const taskId = sim.tasks[0].id;
		expect(run.error?.message).toBe(
			`Task ${taskId} failed at Novita AI: The image violates the content policy (TASK_FAILED) [item 0]`,
		);
		expect(answersAfterFinish().map((request) => request.status)).toEqual([500]);
		expect(sim.submissions()).toBe(1);
	});

	it('any other 500 (GET_RESULT_FAILED) is ridden out', async () => {
		await simulate({ provider: 'myRouter' });
		sim.faults.next('status', { type: 'http', status: 500, reason: 'GET_RESULT_FAILED' }, 2);
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json.status).toBe('succeeded');
		expect(statusRequests(sim).filter((request) => request.status === 500)).toHaveLength(2);
		expect(sim.submissions()).toBe(1);
	});
});

describe('image bytes, sent in the form the sources favour, the other form once if refused', () => {
	it.each<[ProviderId, 'rawBase64' | 'dataUri', string]>([
		['highwayApi', 'dataUri', '[3P] a HighwayAPI note: data URI or URL, not raw base64'],
		['gmiCloud', 'dataUri', '[?] whether GMI strips the prefix Kling refuses'],
		['aimlApi', 'rawBase64', '[?] raw base64 where AI/ML documents data URIs'],
	])('%s accepting only %s (%s): one 400, then one task', async (provider, accepted) => {
		await simulate({ provider, imageBytes: accepted });
		const run = await runKling(sim, {
			nodes: [klingNode(sim, fromBinary.parameters)],
			input: fromBinary.input,
		}).result;

		expect(run.error).toBeUndefined();
		expect(run.output('Kling')[0].json.status).toBe('succeeded');
		expect(submitRequests(sim).map((request) => request.status)).toEqual([400, 200]);
		expect(sim.submissions()).toBe(1);
		const sent = JSON.stringify(sim.tasks[0].body);
		const base64 = binaryPng.toString('base64');
		expect(sent).toContain(
			accepted === 'dataUri' ? `data:image/png;base64,${base64}` : `"${base64}"`,
		);
	});

	it.each<[ProviderId, 'rawBase64' | 'dataUri']>([
		['novita', 'rawBase64'],
		['gmiCloud', 'rawBase64'],
		['aimlApi', 'dataUri'],
	])('%s accepting only %s, the primary form: one request', async (provider, accepted) => {
		await simulate({ provider, imageBytes: accepted });
		const run = await runKling(sim, {
			nodes: [klingNode(sim, fromBinary.parameters)],
			input: fromBinary.input,
		}).result;

		expect(run.error).toBeUndefined();
		expect(submitRequests(sim).map((request) => request.status)).toEqual([200]);
	});

	it('both forms refused: the item fails after two requests, naming both refusals, nothing created', async () => {
		await simulate({ provider: 'gmiCloud' });
		sim.faults.next(
			'submit',
			{ type: 'http', status: 400, message: 'payload.image could not be decoded' },
			2,
		);
		const run = await runKling(sim, {
			nodes: [klingNode(sim, fromBinary.parameters)],
			input: fromBinary.input,
		}).result;

		expect(run.error?.message).toBe(
			'GMI Cloud rejected the task (400): payload.image could not be decoded [item 0]',
		);
		expect(run.error?.description).toContain(
			'Another documented form of that field was refused first (400: payload.image could not be decoded)',
		);
		expect(submitRequests(sim)).toHaveLength(2);
		expect(sim.submissions()).toBe(0);
	});
});

describe('money and the network edge', () => {
	it.each<[ProviderId, string, RegExp]>([
		[
			'novita',
			"[C] Novita's 400",
			/^The Novita AI balance is too low: top up at https:\/\/novita\.ai\/billing \(400 BILLING_BALANCE_NOT_ENOUGH\): insufficient balance \[item 0\]$/,
		],
		[
			'highwayApi',
			"[C] JieKou's 403",
			/^The HighwayAPI balance is too low: top up at https:\/\/highwayapi\.ai \(403 NOT_ENOUGH_BALANCE\): not enough balance \[item 0\]$/,
		],
		[
			'myRouter',
			"[3P] the gateway's 403",
			/^The MyRouter balance is too low: top up at https:\/\/myrouter\.ai\/billing\/transactions \(403 NOT_ENOUGH_BALANCE\)/,
		],
		[
			'aimlApi',
			'[C] AI/ML API 403',
			/^The AI\/ML API balance is too low: top up at https:\/\/aimlapi\.com\/app\/billing\/ \(403\): You've run out of credits\./,
		],
	])(
		'%s out of balance (%s) says so and where to top up, never retried',
		async (provider, _, message) => {
			await simulate({ provider, balance: 'insufficient' });
			const run = await runKling(sim, { nodes: [generate()] }).result;

			expect(run.error?.message).toMatch(message);
			expect(run.error?.description).toContain('No task was created. Top up at https://');
			expect(submitRequests(sim)).toHaveLength(1);
			expect(sim.submissions()).toBe(0);
		},
	);

	it("a Cloudflare 403 `error code: 1010` ([C] Cloudflare) is named as the provider's edge, not the key", async () => {
		await simulate({ provider: 'novita' });
		sim.faults.next('submit', { type: 'edge' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			"Novita AI's network edge refused the request before it reached the API (403, error code 1010) [item 0]",
		);
		expect(run.error?.description).toContain('This is not a problem with the API key');
		expect(run.error?.description).toContain('No task was created.');
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(0);
	});

	it('an edge refusal while waiting names the task, which is not affected', async () => {
		await simulate({ provider: 'gmiCloud' });
		sim.faults.add({ kind: 'status', action: { type: 'edge', code: 1020 } });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toMatch(
			/^GMI Cloud's network edge refused the request .*error code 1020/,
		);
		expect(run.error?.description).toContain(
			`Task ${sim.tasks[0].id} itself is not affected: collect it later with "Wait for Completion"`,
		);
		expect(statusRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
	});
});

describe('AI/ML API submission ids ([C] request tracing: X-Client-Request-Id, client_request_id)', () => {
	it('each submission carries its own id', async () => {
		await simulate({ provider: 'aimlApi' });
		const run = await runKling(sim, {
			nodes: [generate()],
			input: [{ json: {} }, { json: {} }],
		}).result;

		expect(run.error).toBeUndefined();
		const ids = submitRequests(sim).map((request) => request.headers['x-client-request-id']);
		expect(ids).toHaveLength(2);
		for (const id of ids) expect(id).toMatch(/^n8n-[A-Za-z0-9._:-]{1,124}$/);
		expect(new Set(ids).size).toBe(2);
	});

	it('an unconfirmed submission names its id and where to find it', async () => {
		await simulate({ provider: 'aimlApi' });
		sim.faults.next('submit', { type: 'http', status: 500, afterCreate: true });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		const [sent] = submitRequests(sim);
		expect(run.error?.message).toMatch(/^AI\/ML API did not confirm the new task: it answered 500/);
		expect(run.error?.description).toContain(
			`This submission's id is ${sent.headers['x-client-request-id']}: AI/ML API records it as client_request_id in its usage logs`,
		);
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
	});
});
