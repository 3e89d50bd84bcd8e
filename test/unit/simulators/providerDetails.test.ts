import { makeTestPng, startSimulator } from '../../../tools/simulators';
import type { SimulatorOptions } from '../../../tools/simulators';
import { SimulatorClient, sleep } from './simulatorClient';

const png = (width = 320, height = 320) => makeTestPng(width, height).toString('base64');

async function withSimulator(
	options: SimulatorOptions,
	run: (client: SimulatorClient) => Promise<void>,
): Promise<void> {
	const sim = await startSimulator(options);
	const client = new SimulatorClient(sim);
	try {
		await run(client);
	} finally {
		await client.close();
		await sim.close();
	}
}

describe('Novita family validation', () => {
	const submit = (
		client: SimulatorClient,
		body: Record<string, unknown>,
		path = '/v3/async/kling-v2.1-i2v',
	) => client.call('POST', path, { body: { image: png(), prompt: 'p', ...body } });

	it('accepts a URL or raw base64, refuses a data URI, a tiny image and non-images', async () => {
		await withSimulator({ provider: 'novita' }, async (client) => {
			expect((await submit(client, { image: 'https://example.com/cat.png' })).status).toBe(200);
			expect((await submit(client, {})).status).toBe(200);
			const dataUri = await submit(client, { image: `data:image/png;base64,${png()}` });
			expect(dataUri.status).toBe(400);
			expect(dataUri.json.message).toMatch(/data: prefix/);
			expect((await submit(client, { image: png(100, 100) })).status).toBe(400);
			expect(
				(await submit(client, { image: Buffer.from('hello').toString('base64') })).status,
			).toBe(400);
		});
	});

	it('enforces the documented field rules', async () => {
		await withSimulator({ provider: 'highwayApi' }, async (client) => {
			expect((await submit(client, { prompt: 'x'.repeat(2500) })).status).toBe(200);
			expect((await submit(client, { prompt: 'x'.repeat(2501) })).status).toBe(400);
			expect((await submit(client, { prompt: undefined })).status).toBe(400);
			expect((await submit(client, { duration: 5 })).status).toBe(400);
			expect((await submit(client, { duration: '10' })).status).toBe(200);
			expect((await submit(client, { guidance_scale: 1.5 })).status).toBe(400);
			expect((await submit(client, { negative_prompt: 'n'.repeat(2501) })).status).toBe(400);
			expect((await submit(client, { mode: 'Turbo' })).status).toBe(400);
			expect((await submit(client, { mode: 'Professional' })).status).toBe(200);
			const master = await submit(client, {}, '/v3/async/kling-v2.1-i2v-master');
			expect(master.status).toBe(200);
			expect(client.sim.tasks.at(-1)!.model).toBe('kling-v2.1-i2v-master');
			const broken = await client.call('POST', '/v3/async/kling-v2.1-i2v', {
				body: undefined,
				headers: { 'content-type': 'application/json' },
			});
			expect(broken.json.reason).toBe('INVALID_REQUEST_BODY');
		});
	});

	it('reports queued, then processing with growing progress and a non-negative eta, then success', async () => {
		await withSimulator(
			{ provider: 'novita', latency: { meanMs: 300 }, queueMs: 60 },
			async (client) => {
				const taskId = await client.submit();
				const queued = (await client.status(taskId)).json;
				expect(queued.task).toMatchObject({ status: 'TASK_STATUS_QUEUED', progress_percent: 0 });
				await sleep(120);
				const early = (await client.status(taskId)).json;
				await sleep(80);
				const later = (await client.status(taskId)).json;
				expect(early.task.status).toBe('TASK_STATUS_PROCESSING');
				expect(later.task.progress_percent).toBeGreaterThan(early.task.progress_percent);
				for (const body of [queued, early, later]) {
					expect(Number.isInteger(body.task.eta)).toBe(true);
					expect(body.task.eta).toBeGreaterThanOrEqual(0);
					expect(body.videos).toEqual([]);
				}
				client.sim.finishNow(taskId);
				const done = (await client.status(taskId)).json;
				expect(done.task).toMatchObject({
					status: 'TASK_STATUS_SUCCEED',
					progress_percent: 100,
					eta: 0,
				});
				expect(done.videos[0]).toMatchObject({ video_url_ttl: '3600', video_type: 'mp4' });
				expect(done.extra.debug_info.complete_time_ms).toBe(String(client.sim.tasks[0].finishesAt));
			},
		);
	});

	it('reports a failure with its reason and a cancellation', async () => {
		await withSimulator({ provider: 'novita', latency: { meanMs: 20 } }, async (client) => {
			client.sim.setTaskOutcome('next', { status: 'failed', reason: 'content moderation' });
			client.sim.setTaskOutcome({ index: 1 }, { status: 'cancelled' });
			const failed = await client.waitForTerminal(await client.submit());
			const cancelled = await client.waitForTerminal(await client.submit());
			expect(failed.task).toMatchObject({
				status: 'TASK_STATUS_FAILED',
				reason: 'content moderation',
			});
			expect(failed.videos).toEqual([]);
			expect(cancelled.task.status).toBe('TASK_STATUS_CANCELED');
		});
	});
});

describe('AI/ML API specifics', () => {
	it('takes an integer duration, a data URI, the legacy path, and reports failures as error objects', async () => {
		await withSimulator({ provider: 'aimlApi', latency: { meanMs: 20 } }, async (client) => {
			const body = client.calls.submitBody();
			expect(
				(await client.call('POST', '/v2/video/generations', { body: { ...body, duration: '5' } }))
					.status,
			).toBe(400);
			expect(
				(
					await client.call('POST', '/v2/video/generations', {
						body: { ...body, model: 'kling-video/v9' },
					})
				).status,
			).toBe(400);
			expect(
				(
					await client.call('POST', '/v2/video/generations', {
						body: { ...body, prompt: undefined },
					})
				).status,
			).toBe(200);

			client.sim.setTaskOutcome('next', { status: 'failed', reason: 'NSFW input' });
			const legacy = await client.call('POST', '/v2/generate/video/kling/generation', { body });
			expect(legacy.json).toEqual({ id: expect.any(String), status: 'queued' });
			await sleep(40);
			const status = await client.call(
				'GET',
				`/v2/generate/video/kling/generation?generation_id=${legacy.json.id}`,
			);
			expect(status.json).toEqual({
				id: legacy.json.id,
				status: 'error',
				error: { name: 'GenerationError', message: 'NSFW input' },
			});
		});
	});

	it('reports generating while processing, and completed with video.url and usage', async () => {
		await withSimulator(
			{ provider: 'aimlApi', latency: { meanMs: 200 }, queueMs: 0 },
			async (client) => {
				const id = await client.submit();
				expect((await client.status(id)).json).toEqual({ id, status: 'generating' });
				client.sim.finishNow();
				const done = (await client.status(id)).json;
				expect(done).toMatchObject({
					id,
					status: 'completed',
					video: { url: expect.any(String) },
					meta: { usage: { credits_used: expect.any(Number) } },
				});
			},
		);
	});
});

describe('GMI Cloud specifics', () => {
	it('records X-Organization-ID, reports dispatched then processing, and echoes the payload', async () => {
		await withSimulator(
			{ provider: 'gmiCloud', latency: { meanMs: 400 }, queueMs: 0 },
			async (client) => {
				const id = await client.submit();
				const dispatched = await client.call('GET', client.calls.statusPath(id), {
					headers: { 'x-organization-id': 'org-42' },
				});
				expect(dispatched.json).toMatchObject({
					request_id: id,
					status: 'dispatched',
					outcome: null,
				});
				expect(dispatched.json.payload.duration).toBe('5');
				expect(client.sim.requests.at(-1)!.headers['x-organization-id']).toBe('org-42');
				await sleep(60);
				expect((await client.status(id)).json.status).toBe('processing');
			},
		);
	});

	it('refuses a bad aspect ratio and an unknown model, accepts a data URI', async () => {
		await withSimulator({ provider: 'gmiCloud' }, async (client) => {
			const submit = (model: string, image: string) =>
				client.call('POST', client.calls.submitPath, { body: { model, payload: { image } } });
			expect(
				(await submit('Kling-Image2Video-V2.1-Pro', `data:image/png;base64,${png()}`)).status,
			).toBe(200);
			expect((await submit('Kling-Image2Video-V2.1-Master', png(900, 300))).status).toBe(400);
			expect((await submit('Kling-Image2Video-V9', png())).status).toBe(400);
		});
	});

	it.each([
		['outcome.media_urls', 'error.object'],
		['outcome.video_url', 'outcome.error'],
	] as const)('answers in the alternative shapes %s / %s', async (gmiVideoUrl, gmiFailure) => {
		await withSimulator(
			{ provider: 'gmiCloud', latency: { meanMs: 10 }, shapes: { gmiVideoUrl, gmiFailure } },
			async (client) => {
				client.sim.setTaskOutcome({ index: 1 }, { status: 'failed', reason: 'bad input' });
				const succeeded = await client.waitForTerminal(await client.submit());
				const failed = await client.waitForTerminal(await client.submit());
				const thumbnail = await client.download(succeeded.outcome.thumbnail_image_url);
				expect([thumbnail.status, thumbnail.headers['content-type']]).toEqual([200, 'image/png']);
				if (gmiVideoUrl === 'outcome.media_urls') {
					expect(succeeded.outcome.media_urls[0].url).toContain('/videos/');
					expect(succeeded.outcome.video_url).toBeUndefined();
					expect(failed.error).toEqual({ code: expect.any(String), message: 'bad input' });
				} else {
					expect(succeeded.outcome.video_url).toContain('/videos/');
					expect(failed.outcome).toEqual({ error: 'bad input' });
				}
				expect(failed.status).toBe('failed');
			},
		);
	});
});

describe("answer variants the providers' docs and public clients show", () => {
	it.each([
		['novita', { succeeded: 'TASK_STATUS_SUCCEEDED' }, 'TASK_STATUS_SUCCEEDED'],
		['aimlApi', { succeeded: 'complete' }, 'complete'],
		['gmiCloud', { succeeded: 'finished' }, 'finished'],
	] as const)('%s names a state with the word the test gives', async (provider, words, word) => {
		await withSimulator(
			{ provider, latency: { meanMs: 10 }, statusWords: words },
			async (client) => {
				const id = await client.submit();
				await sleep(30);
				const done = (await client.status(id)).json;
				expect(client.calls.statusOf(done)).toBe(word);
				expect(client.calls.videoUrlOf(done)).toContain('/videos/');
			},
		);
	});

	it('withholds the video URL from the first answers after success (videoUrlLate)', async () => {
		await withSimulator(
			{ provider: 'gmiCloud', latency: { meanMs: 10 }, videoUrlLate: 2 },
			async (client) => {
				const id = await client.submit();
				await sleep(30);
				const answers = [];
				for (let i = 0; i < 3; i++) answers.push((await client.status(id)).json);
				expect(answers.map((answer) => answer.status)).toEqual(['success', 'success', 'success']);
				expect(answers.map((answer) => answer.outcome?.video_url !== undefined)).toEqual([
					false,
					false,
					true,
				]);
			},
		);
	});

	it('puts the GMI video URL in outcome.url when asked ([3P] genblaze)', async () => {
		await withSimulator(
			{ provider: 'gmiCloud', latency: { meanMs: 10 }, shapes: { gmiVideoUrl: 'outcome.url' } },
			async (client) => {
				const done = await client.waitForTerminal(await client.submit());
				expect(done.outcome).toEqual({
					url: expect.any(String),
					thumbnail_image_url: expect.any(String),
				});
				expect((await client.download(done.outcome.url)).status).toBe(200);
			},
		);
	});

	it("answers a failed Novita task's status with HTTP 500 TASK_FAILED ([C] Novita's error table)", async () => {
		await withSimulator(
			{ provider: 'novita', latency: { meanMs: 10 }, shapes: { novitaFailure: 'http500' } },
			async (client) => {
				client.sim.setTaskOutcome({ index: 1 }, { status: 'failed', reason: 'bad frame' });
				const ok = await client.submit();
				const failed = await client.submit();
				await sleep(30);
				expect((await client.status(ok)).json.task.status).toBe('TASK_STATUS_SUCCEED');
				const answer = await client.status(failed);
				expect(answer.status).toBe(500);
				expect(answer.json).toEqual({
					code: 500,
					reason: 'TASK_FAILED',
					message: 'bad frame',
					metadata: {},
				});
			},
		);
	});

	it.each([
		['novita', 'dataUri', '/v3/async/kling-v2.1-i2v', 'image'],
		['aimlApi', 'rawBase64', '/v2/video/generations', 'image_url'],
		['gmiCloud', 'dataUri', '/api/v1/ie/requestqueue/apikey/requests', 'payload.image'],
	] as const)(
		'%s accepts image bytes only as %s when told to, naming the field when it refuses',
		async (provider, only, path, field) => {
			await withSimulator({ provider, imageBytes: only }, async (client) => {
				const raw = png();
				const dataUri = `data:image/png;base64,${raw}`;
				const withImage = (image: string) => {
					const body = client.calls.submitBody();
					if (provider === 'gmiCloud') (body.payload as Record<string, unknown>).image = image;
					else body[provider === 'aimlApi' ? 'image_url' : 'image'] = image;
					return client.call('POST', path, { body });
				};
				const accepted = await withImage(only === 'dataUri' ? dataUri : raw);
				const refused = await withImage(only === 'dataUri' ? raw : dataUri);
				const url = await withImage('https://example.com/cat.png');
				expect([accepted.status, refused.status, url.status]).toEqual([200, 400, 200]);
				expect(JSON.stringify(refused.json)).toContain(field);
				expect(client.sim.submissions()).toBe(2);
			});
		},
	);
});

describe('task bookkeeping', () => {
	it('answers 404 for a task the provider "lost", and counts status calls per task', async () => {
		await withSimulator({ provider: 'gmiCloud' }, async (client) => {
			client.sim.setTaskOutcome('next', { status: 'unknown' });
			const id = await client.submit();
			expect((await client.status(id)).status).toBe(404);
			expect((await client.status(id)).status).toBe(404);
			expect(client.sim.statusCallsFor(id)).toBe(2);
			expect(client.sim.tasks[0].firstReportedTerminalAt).toBeUndefined();
		});
	});

	it('draws reproducible latencies from a seed and accepts a latency function', async () => {
		const latenciesOf = async (options: SimulatorOptions): Promise<number[]> => {
			let latencies: number[] = [];
			await withSimulator(options, async (client) => {
				await Promise.all([client.submit(), client.submit(), client.submit()]);
				latencies = client.sim.tasks.map((task) => task.finishesAt - task.createdAt);
			});
			return latencies;
		};
		const seeded = { provider: 'novita', latency: { meanMs: 1000, spread: 0.5, seed: 7 } } as const;
		const first = await latenciesOf(seeded);
		expect(await latenciesOf(seeded)).toEqual(first);
		expect(new Set(first).size).toBe(3);
		first.forEach((latency) => expect(latency).toBeGreaterThanOrEqual(500));
		first.forEach((latency) => expect(latency).toBeLessThanOrEqual(1500));
		expect(
			await latenciesOf({ provider: 'aimlApi', latency: (index) => 1000 + index * 100 }),
		).toEqual([1000, 1100, 1200]);
	});

	it('measures the peak of concurrent status requests', async () => {
		await withSimulator(
			{ provider: 'novita', faults: [{ kind: 'status', action: { type: 'slow', delayMs: 80 } }] },
			async (client) => {
				const id = await client.submit();
				await Promise.all([client.status(id), client.status(id), client.status(id)]);
				await client.status(id);
				expect(client.sim.maxConcurrentStatusRequests()).toBe(3);
				expect(client.sim.statusCallsFor(id)).toBe(4);
			},
		);
	});
});
