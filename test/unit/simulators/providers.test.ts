/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read provider response bodies ad hoc */
import { expectedVideoBytes, startSimulator } from '../../../tools/simulators';
import type { ProviderId, Simulator } from '../../../tools/simulators';
import { SimulatorClient } from './simulatorClient';

const PROVIDERS: ProviderId[] = ['novita', 'myRouter', 'highwayApi', 'aimlApi', 'gmiCloud'];

describe.each(PROVIDERS)('%s simulator', (provider) => {
	let sim: Simulator;
	let client: SimulatorClient;

	beforeAll(async () => {
		sim = await startSimulator({
			provider,
			latency: { meanMs: 60 },
			queueMs: 10,
			videoBytes: 4096,
		});
		client = new SimulatorClient(sim);
	});
	afterEach(() => sim.reset());
	afterAll(async () => {
		await client.close();
		await sim.close();
	});

	it('submits, reports progress to success, and serves the mp4 from another origin without the key', async () => {
		const taskId = await client.submit();
		expect(sim.submissions()).toBe(1);
		expect(sim.tasks[0].id).toBe(taskId);

		const final = await client.waitForTerminal(taskId);
		expect(client.calls.statusOf(final)).toBe(client.calls.succeeded);
		const videoUrl = client.calls.videoUrlOf(final)!;
		expect(videoUrl.startsWith(`${sim.videoHostUrl}/videos/${taskId}.mp4?`)).toBe(true);
		expect(sim.tasks[0].firstReportedTerminalAt).toBeGreaterThanOrEqual(sim.tasks[0].finishedAt!);
		expect(sim.statusCallsFor(taskId)).toBeGreaterThanOrEqual(1);

		const video = await client.download(videoUrl);
		expect(video.status).toBe(200);
		expect(video.headers['content-type']).toBe('video/mp4');
		expect(video.headers['content-length']).toBe('4096');
		expect(video.bytes.subarray(4, 8).toString('latin1')).toBe('ftyp');
		expect(video.bytes.equals(expectedVideoBytes(4096))).toBe(true);

		const downloads = sim.requests.filter((r) => r.kind === 'download');
		expect(downloads).toHaveLength(1);
		expect(downloads[0]).toMatchObject({ server: 'video', taskId, status: 200 });
		expect(downloads[0].headers.authorization).toBeUndefined();
		const apiCalls = sim.requests.filter((r) => r.server === 'api');
		expect(apiCalls.every((r) => r.headers.authorization === `Bearer ${sim.apiKey}`)).toBe(true);
	});

	it('answers 401 in the provider shape for a wrong or missing key', async () => {
		const wrong = await client.call('POST', client.calls.submitPath, {
			body: client.calls.submitBody(),
			key: 'nope',
		});
		const missing = await client.call('GET', client.calls.credentialPath, { key: null });
		expect(wrong.status).toBe(401);
		expect(missing.status).toBe(401);
		expectErrorShape(provider, wrong.json, 401);
		expect(sim.submissions()).toBe(0);
	});

	it('answers 400 in the provider shape for a body the docs refuse', async () => {
		const result = await client.call('POST', client.calls.submitPath, {
			body: { prompt: 'no image' },
		});
		expect(result.status).toBe(400);
		expectErrorShape(provider, result.json, 400);
		expect(sim.submissions()).toBe(0);
	});

	it('answers 404 for an unknown task and an unknown route', async () => {
		const task = await client.status('no-such-task');
		const route = await client.call('GET', '/v1/not-a-route');
		expect(task.status).toBe(404);
		expect(route.status).toBe(404);
		expectErrorShape(provider, task.json, 404);
		expectErrorShape(provider, route.json, 404);
		expect(sim.requests.map((r) => r.kind)).toEqual(['status', 'unknown']);
	});

	it('serves the credential-test endpoint', async () => {
		const result = await client.call('GET', client.calls.credentialPath);
		expect(result.status).toBe(200);
		if (provider === 'aimlApi')
			expect(result.json).toEqual({ current_balance: 123.45, currency: 'USD' });
		else if (provider === 'gmiCloud')
			expect(result.json.model_ids).toContain('Kling-Image2Video-V2.1-Master');
		else expect(result.json.availableBalance).toBe('1000000');
	});
});

it.each(PROVIDERS)(
	"%s refuses submissions with the provider's own out-of-balance error",
	async (provider) => {
		const sim = await startSimulator({ provider, balance: 'insufficient' });
		const client = new SimulatorClient(sim);
		try {
			const result = await client.call('POST', client.calls.submitPath, {
				body: client.calls.submitBody(),
			});
			// [C] Novita's table: 400 BILLING_BALANCE_NOT_ENOUGH; JieKou's: 403 NOT_ENOUGH_BALANCE.
			const status = provider === 'novita' ? 400 : 403;
			expect(result.status).toBe(status);
			const reason = provider === 'novita' ? 'BILLING_BALANCE_NOT_ENOUGH' : 'NOT_ENOUGH_BALANCE';
			expectErrorShape(provider, result.json, status, reason);
			if (provider === 'aimlApi') expect(result.json.message).toMatch(/run out of credits/);
			expect(sim.submissions()).toBe(0);
		} finally {
			await client.close();
			await sim.close();
		}
	},
);

function expectErrorShape(
	provider: ProviderId,
	body: any,
	status: number,
	novitaReason = { 400: 'INVALID_REQUEST_BODY', 401: 'INVALID_API_KEY' }[status as 400 | 401],
): void {
	if (provider === 'aimlApi') {
		expect(body).toEqual({
			message: expect.any(String),
			path: expect.any(String),
			requestId: expect.any(String),
			statusCode: status,
			timestamp: expect.any(String),
		});
	} else if (provider === 'gmiCloud') {
		expect(body).toEqual({ error: expect.any(String) });
	} else {
		expect(body).toEqual({
			code: status,
			reason: expect.any(String),
			message: expect.any(String),
			metadata: {},
		});
		if (novitaReason) expect(body.reason).toBe(novitaReason);
	}
}
