import {
	expectedVideoBytes,
	FaultPlan,
	randomFaults,
	startSimulator,
} from '../../../tools/simulators';
import type { FaultContext, RecordedRequest, Simulator } from '../../../tools/simulators';
import { SimulatorClient, sleep } from './simulatorClient';

describe('injected faults', () => {
	let sim: Simulator;
	let client: SimulatorClient;

	beforeAll(async () => {
		sim = await startSimulator({
			provider: 'novita',
			latency: { meanMs: 30 },
			videoBytes: 64 * 1024,
		});
		client = new SimulatorClient(sim);
	});
	afterEach(() => sim.reset());
	afterAll(async () => {
		await client.close();
		await sim.close();
	});

	async function succeededVideoUrl(): Promise<{ taskId: string; videoUrl: string }> {
		const taskId = await client.submit();
		const final = await client.waitForTerminal(taskId);
		return { taskId, videoUrl: client.calls.videoUrlOf(final)! };
	}

	it('answers the next 3 status calls with 429 and Retry-After, then normally', async () => {
		const taskId = await client.submit();
		sim.faults.next('status', { type: 'http', status: 429, retryAfterSeconds: 1 }, 3);
		const answers = [];
		for (let i = 0; i < 4; i++) answers.push(await client.status(taskId));
		expect(answers.map((a) => a.status)).toEqual([429, 429, 429, 200]);
		expect(answers[0].headers['retry-after']).toBe('1');
		expect(answers[0].json).toMatchObject({ code: 429, reason: 'RATE_LIMIT_EXCEEDED' });
		expect(sim.requests.filter((r) => r.fault).map((r) => r.status)).toEqual([429, 429, 429]);
		expect(sim.faults.hits()).toEqual([3]);
	});

	it('faults every 5th status call', async () => {
		const taskId = await client.submit();
		sim.faults.every('status', 5, { type: 'http', status: 503 });
		const statuses = [];
		for (let i = 0; i < 10; i++) statuses.push((await client.status(taskId)).status);
		expect(statuses).toEqual([200, 200, 200, 200, 503, 200, 200, 200, 200, 503]);
	});

	it('serves an HTML proxy page and a truncated JSON body', async () => {
		const taskId = await client.submit();
		sim.faults.next('status', { type: 'htmlPage' }).next('status', { type: 'malformedJson' });
		const html = await client.status(taskId);
		expect(html.status).toBe(502);
		expect(html.headers['content-type']).toBe('text/html');
		expect(html.text).toContain('502 Bad Gateway');
		const malformed = await client.status(taskId);
		expect(malformed.status).toBe(200);
		expect(malformed.headers['content-type']).toBe('application/json');
		expect(() => JSON.parse(malformed.text)).toThrow();
	});

	it("answers as Cloudflare's edge: 403 text/plain `error code: 1010`", async () => {
		sim.faults.next('submit', { type: 'edge' });
		const refused = await client.call('POST', client.calls.submitPath, {
			body: client.calls.submitBody(),
		});
		expect([refused.status, refused.headers['content-type'], refused.text]).toEqual([
			403,
			'text/plain; charset=UTF-8',
			'error code: 1010',
		]);
		expect(sim.submissions()).toBe(0);
	});

	it('resets a status response mid-body', async () => {
		const taskId = await client.submit();
		sim.faults.next('status', { type: 'reset' });
		await expect(client.status(taskId)).rejects.toThrow();
		expect(sim.requests.at(-1)).toMatchObject({ kind: 'status', status: 'reset', fault: 'reset' });
		expect((await client.status(taskId)).status).toBe(200);
	});

	it('makes a submission ambiguous: created before a 500 or a reset, not created before a plain reset', async () => {
		sim.faults
			.next('submit', { type: 'http', status: 500, afterCreate: true })
			.next('submit', { type: 'reset', afterCreate: true })
			.next('submit', { type: 'reset' })
			.next('submit', { type: 'http', status: 502 });
		expect(
			(await client.call('POST', client.calls.submitPath, { body: client.calls.submitBody() }))
				.status,
		).toBe(500);
		await expect(client.submit()).rejects.toThrow();
		await expect(client.submit()).rejects.toThrow();
		expect(
			(await client.call('POST', client.calls.submitPath, { body: client.calls.submitBody() }))
				.status,
		).toBe(502);
		expect(sim.submissions()).toBe(2);
		const submits = sim.requests.filter((r) => r.kind === 'submit');
		expect(submits.map((r) => Boolean(r.taskId))).toEqual([true, true, false, false]);
	});

	it('hangs until the client gives up, and slows an answer down', async () => {
		const taskId = await client.submit();
		sim.faults.next('status', { type: 'hang' });
		await expect(
			client.call('GET', client.calls.statusPath(taskId), { signal: AbortSignal.timeout(100) }),
		).rejects.toMatchObject({
			name: 'TimeoutError',
		});
		expect(sim.requests.at(-1)!.status).toBe('hang');

		sim.faults.next('status', { type: 'slow', delayMs: 120 });
		const started = Date.now();
		expect((await client.status(taskId)).status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(110);
	});

	it('creates a slow submission only if the client waited, unless afterCreate', async () => {
		const abandon = () =>
			client
				.call('POST', client.calls.submitPath, {
					body: client.calls.submitBody(),
					signal: AbortSignal.timeout(40),
				})
				.catch(() => 'gave up');
		sim.faults
			.next('submit', { type: 'slow', delayMs: 120 })
			.next('submit', { type: 'slow', delayMs: 120, afterCreate: true });
		expect(await abandon()).toBe('gave up');
		expect(await abandon()).toBe('gave up');
		await sleep(150);
		expect(sim.submissions()).toBe(1);
		expect(sim.requests.map((r) => r.status)).toEqual(['reset', 'reset']);
	});

	it('refuses connections for a while, then listens again on the same port', async () => {
		const taskId = await client.submit();
		sim.faults.next('status', { type: 'refused', forMs: 250 });
		await expect(client.status(taskId)).rejects.toThrow();
		await expect(client.status(taskId)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
		await sleep(300);
		expect((await client.status(taskId)).status).toBe(200);
	});

	it('truncates a download: Content-Length of the whole file, half of it sent', async () => {
		const { videoUrl } = await succeededVideoUrl();
		sim.faults.next('download', { type: 'truncated' });
		await expect(client.download(videoUrl)).rejects.toThrow();
		const download = sim.requests.at(-1)!;
		expect(download).toMatchObject({ kind: 'download', status: 200, fault: 'truncated' });
		expect((await client.download(videoUrl)).bytes.equals(expectedVideoBytes(64 * 1024))).toBe(
			true,
		);
	});

	it('expires an issued URL for good; the next status call hands out a fresh one that works', async () => {
		const { taskId, videoUrl } = await succeededVideoUrl();
		sim.faults.next('download', { type: 'expired' });
		const expired = await client.download(videoUrl);
		expect(expired.status).toBe(403);
		expect(expired.bytes.toString()).toContain('Request has expired');
		expect((await client.download(videoUrl)).status).toBe(403);

		const freshUrl = client.calls.videoUrlOf((await client.status(taskId)).json)!;
		expect(freshUrl).not.toBe(videoUrl);
		expect((await client.download(freshUrl)).status).toBe(200);

		sim.expireVideoUrl(freshUrl, 404);
		expect((await client.download(freshUrl)).status).toBe(404);
		expect((await client.download(`${sim.videoHostUrl}/videos/${taskId}.mp4`)).status).toBe(403);
	});

	it('redirects a download to another origin that serves the same bytes', async () => {
		const { videoUrl } = await succeededVideoUrl();
		sim.faults.next('download', { type: 'redirect' });
		const redirect = await client.download(videoUrl);
		expect(redirect.status).toBe(302);
		const location = String(redirect.headers.location);
		expect(location.startsWith(sim.otherHostUrl)).toBe(true);
		const moved = await client.download(location, { authorization: 'Bearer leaked?' });
		expect(moved.bytes.equals(expectedVideoBytes(64 * 1024))).toBe(true);
		const other = sim.requests.filter((r: RecordedRequest) => r.server === 'other');
		expect(other).toHaveLength(1);
		expect(other[0].headers.authorization).toBe('Bearer leaked?'); // recorded, so tests can catch a leaking client
	});

	it('serves byte ranges so a client can resume', async () => {
		const { videoUrl } = await succeededVideoUrl();
		const tail = await client.download(videoUrl, { range: 'bytes=1000-' });
		expect(tail.status).toBe(206);
		expect(tail.headers['content-range']).toBe(`bytes 1000-${64 * 1024 - 1}/${64 * 1024}`);
		expect(tail.bytes.equals(expectedVideoBytes(64 * 1024).subarray(1000))).toBe(true);
	});

	it('applies a predicate-selected fault to one task only', async () => {
		const first = await client.submit();
		const second = await client.submit();
		sim.faults.add({
			kind: 'status',
			when: (context) => context.taskId === second,
			action: { type: 'http', status: 404 },
		});
		expect((await client.status(first)).status).toBe(200);
		expect((await client.status(second)).status).toBe(404);
	});
});

describe('randomFaults', () => {
	const contexts = (count: number): FaultContext[] =>
		Array.from({ length: count }, () => ({ kind: 'status', request: {} as RecordedRequest }));

	it('draws the same mix for the same seed, near the requested rate', () => {
		const draw = (seed: number) => {
			const plan = new FaultPlan().add(...randomFaults({ seed, rate: 0.3, kinds: ['status'] }));
			return contexts(1000).map((context) => plan.pick(context)?.type ?? 'none');
		};
		const first = draw(42);
		expect(draw(42)).toEqual(first);
		expect(draw(43)).not.toEqual(first);
		const faulted = first.filter((type) => type !== 'none').length;
		expect(faulted).toBeGreaterThan(240);
		expect(faulted).toBeLessThan(360);
		expect(new Set(first).size).toBeGreaterThan(5);
	});
});
