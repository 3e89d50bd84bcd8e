/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read provider response bodies ad hoc */
import { createHmac } from 'node:crypto';

import { makeTestPng, startSimulator, type Simulator } from '../../../tools/simulators';
import { SimulatorClient, sleep } from './simulatorClient';

/** The official Kling API and fal.ai simulators over real HTTP: what the engine tests rely on. */

const PNG = makeTestPng(640, 480).toString('base64');
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT made by hand, so malformed ones can be made too. */
function jwt(
	claims: Record<string, unknown>,
	secret: string,
	header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string {
	const signed = `${b64(header)}.${b64(claims)}`;
	return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
}

describe('Kling simulator', () => {
	let sim: Simulator;
	let client: SimulatorClient;
	const valid = () => ({ iss: sim.accessKey, exp: now() + 1800, nbf: now() - 5 });
	const submit = (body: Record<string, unknown> = {}, key?: string | null) =>
		client.call('POST', '/v1/videos/image2video', {
			body: { ...client.calls.submitBody(), ...body },
			key,
		});

	beforeEach(async () => {
		sim = await startSimulator({ provider: 'kling', latency: { meanMs: 60 }, queueMs: 10 });
		client = new SimulatorClient(sim);
	});
	afterEach(async () => {
		await client.close();
		await sim.close();
	});

	it('accepts a token signed with the secret key for the access key, and the plain API key', async () => {
		const signed = await submit({}, jwt(valid(), sim.secretKey));
		const plain = await submit({ external_task_id: 'e-2' });
		expect([signed.status, plain.status]).toEqual([200, 200]);
		expect(signed.json).toEqual({
			code: 0,
			message: 'SUCCEED',
			request_id: expect.any(String),
			data: expect.objectContaining({ task_id: sim.tasks[0].id, task_status: 'submitted' }),
		});
	});

	const JWT_HEADER = { alg: 'HS256', typ: 'JWT' };
	it.each([
		['an expired token', 1004, () => ({ exp: now() - 1, nbf: now() - 1805 }), JWT_HEADER],
		['a token not valid yet', 1003, () => ({ exp: now() + 1900, nbf: now() + 100 }), JWT_HEADER],
		['a token without typ', 1002, () => ({}), { alg: 'HS256' }],
		['a token for another access key', 1000, () => ({ iss: 'someone-else' }), JWT_HEADER],
	])('refuses %s with code %s', async (_, code, claims, header) => {
		const token = jwt({ ...valid(), ...claims() }, sim.secretKey, header);
		const result = await submit({}, token);
		expect(result.status).toBe(401);
		expect(result.json).toEqual({
			code,
			message: expect.any(String),
			request_id: expect.any(String),
		});
		expect(sim.submissions()).toBe(0);
	});

	it('refuses a token signed with another secret (1002), a mangled one, and none at all (1001)', async () => {
		const wrongSecret = await submit({}, jwt(valid(), 'another-secret'));
		const mangled = await submit({}, `${jwt(valid(), sim.secretKey)}x`);
		const none = await submit({}, null);
		expect([wrongSecret.json.code, mangled.json.code, none.json.code]).toEqual([1002, 1002, 1001]);
	});

	it('refuses what Kling refuses: a data: URI, a number duration, cfg_scale on v2.x, sound before 2.6', async () => {
		const refusals = await Promise.all([
			submit({ image: `data:image/png;base64,${PNG}` }),
			submit({ duration: 5 }),
			submit({ cfg_scale: 0.5 }),
			submit({ sound: 'off' }),
			submit({ model_name: 'kling-v2-6', mode: 'std', sound: 'on' }),
		]);
		expect(refusals.map((result) => [result.status, result.json.code])).toEqual(
			refusals.map(() => [400, 1201]),
		);
		expect(refusals[0].json.message).toBe('File is not in a valid base64 format');
	});

	it('finds a task by external_task_id in the query, and refuses the id a second time', async () => {
		await submit({ external_task_id: 'ext-1' });
		await submit({ external_task_id: 'ext-2' });
		const lookup = await client.call('GET', '/v1/videos/image2video?external_task_id=ext-1');
		const missing = await client.call('GET', '/v1/videos/image2video?external_task_id=ext-9');
		const duplicate = await submit({ external_task_id: 'ext-1' });

		expect(lookup.json.data).toEqual([
			expect.objectContaining({
				task_id: sim.tasks[0].id,
				task_info: { external_task_id: 'ext-1' },
			}),
		]);
		expect(missing.json.data).toEqual([]);
		expect([duplicate.status, duplicate.json.code]).toEqual([400, 1201]);
		expect(sim.submissions()).toBe(2);
		expect(sim.requests.filter((request) => request.kind === 'lookup')).toHaveLength(2);
	});

	it('under the other reading, ignores the query parameter and takes the external id in the path', async () => {
		await sim.close();
		sim = await startSimulator({ provider: 'kling', externalIdLookup: 'path' });
		client = new SimulatorClient(sim);
		await submit({ external_task_id: 'ext-1' });
		await submit({ external_task_id: 'ext-2' });
		const listed = await client.call('GET', '/v1/videos/image2video?external_task_id=ext-1');
		const byPath = await client.call('GET', '/v1/videos/image2video/ext-1');

		expect(listed.json.data.map((task: any) => task.task_info.external_task_id)).toEqual([
			'ext-2',
			'ext-1',
		]);
		expect(byPath.json.data.task_id).toBe(sim.tasks[0].id);
	});

	it('keeps O1 tasks on omni-video: unknown (404, 1203) on image2video', async () => {
		const created = await client.call('POST', '/v1/videos/omni-video', {
			body: {
				model_name: 'kling-video-o1',
				prompt: 'a cat turns its head',
				duration: '5',
				image_list: [{ image_url: PNG, type: 'first_frame' }],
			},
		});
		const id = created.json.data.task_id;
		const elsewhere = await client.call('GET', `/v1/videos/image2video/${id}`);
		const home = await client.call('GET', `/v1/videos/omni-video/${id}`);
		expect([elsewhere.status, elsewhere.json.code]).toEqual([404, 1203]);
		expect(home.status).toBe(200);
	});

	it('refuses tasks past the concurrency with 429 and 1303, and takes them once one ends', async () => {
		await sim.close();
		sim = await startSimulator({ provider: 'kling', concurrency: 1, latency: { meanMs: 300 } });
		client = new SimulatorClient(sim);
		const first = await submit();
		const second = await submit();
		await sleep(400);
		const third = await submit();
		expect([first.status, [second.status, second.json.code], third.status]).toEqual([
			200,
			[429, 1303],
			200,
		]);
	});

	it('answers a refusal with HTTP 200 and its code in the http200 shape', async () => {
		await sim.close();
		sim = await startSimulator({ provider: 'kling', shapes: { klingRefusals: 'http200' } });
		client = new SimulatorClient(sim);
		const result = await submit({ duration: '99' });
		expect([result.status, result.json.code]).toEqual([200, 1201]);
	});
});

describe('fal simulator', () => {
	let sim: Simulator;
	let client: SimulatorClient;

	afterEach(async () => {
		await client.close();
		await sim.close();
	});

	const begin = async (options = {}) => {
		sim = await startSimulator({
			provider: 'fal',
			latency: { meanMs: 60 },
			queueMs: 10,
			...options,
		});
		client = new SimulatorClient(sim);
	};

	it('takes the key as "Key", queues, completes, and gives the video from the result under the app id', async () => {
		await begin();
		const bearer = await client.call('POST', client.calls.submitPath, {
			body: client.calls.submitBody(),
			headers: { authorization: `Bearer ${sim.apiKey}` },
			key: null,
		});
		expect(bearer.status).toBe(401);

		const submitted = await client.call('POST', client.calls.submitPath, {
			body: client.calls.submitBody(),
		});
		const id = submitted.json.request_id;
		expect(submitted.json).toMatchObject({
			status_url: `${sim.baseUrl}/fal-ai/kling-video/requests/${id}/status`,
			response_url: `${sim.baseUrl}/fal-ai/kling-video/requests/${id}`,
		});
		const early = await client.call('GET', `/fal-ai/kling-video/requests/${id}`);
		expect([early.status, early.json.detail]).toEqual([400, 'Request is still in progress']);

		const final = await client.waitForTerminal(id);
		expect(final).toMatchObject({ status: 'COMPLETED', request_id: id });
		expect(final).not.toHaveProperty('video');
		const result = await client.call('GET', `/fal-ai/kling-video/requests/${id}`);
		expect(result.json.video.url.startsWith(`${sim.videoHostUrl}/videos/${id}.mp4?`)).toBe(true);

		const underModelPath = await client.call(
			'GET',
			`/fal-ai/kling-video/v2.1/standard/image-to-video/requests/${id}/status`,
		);
		expect(underModelPath.status).toBe(404);
	});

	it('past the concurrency, requests wait IN_QUEUE with their position', async () => {
		await begin({ concurrency: 1, latency: { meanMs: 2_000 } });
		const ids: string[] = [];
		for (let n = 0; n < 3; n++) {
			const submitted = await client.call('POST', client.calls.submitPath, {
				body: client.calls.submitBody(),
			});
			ids.push(submitted.json.request_id);
		}
		await sleep(100);
		const statuses = await Promise.all(ids.map(async (id) => (await client.status(id)).json));
		expect(statuses.map((status) => [status.status, status.queue_position])).toEqual([
			['IN_PROGRESS', undefined],
			['IN_QUEUE', 0],
			['IN_QUEUE', 1],
		]);
	});

	it('fails a request with COMPLETED and a 422 from the result, in the default shape', async () => {
		await begin();
		sim.setTaskOutcome('next', { status: 'failed', reason: 'flagged' });
		const id = (
			await client.call('POST', client.calls.submitPath, { body: client.calls.submitBody() })
		).json.request_id;
		expect((await client.waitForTerminal(id)).status).toBe('COMPLETED');
		const result = await client.call('GET', `/fal-ai/kling-video/requests/${id}`);
		expect(result.status).toBe(422);
		expect(result.json.detail[0]).toMatchObject({ msg: 'flagged' });
	});

	it('refuses fields an endpoint does not have, and raw base64, with 422', async () => {
		await begin();
		const tail = await client.call('POST', client.calls.submitPath, {
			body: { ...client.calls.submitBody(), tail_image_url: 'https://example.com/end.png' },
		});
		const raw = await client.call('POST', client.calls.submitPath, {
			body: { ...client.calls.submitBody(), image_url: PNG },
		});
		expect([tail.status, raw.status]).toEqual([422, 422]);
		expect(tail.json.detail[0].loc).toEqual(['body', 'tail_image_url']);
	});
});
