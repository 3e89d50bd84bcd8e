import type { IHttpRequestOptions } from 'n8n-workflow';

import { KlingApi, signKlingToken } from '../../credentials/KlingApi.credentials';
import {
	offerFor,
	PROVIDERS,
	type AlternateForm,
	type GenerationRequest,
} from '../../nodes/KlingImageToVideo/providers';

/** The official Kling API adapter and credential, as pure functions. Sources: see providers/kling.ts. */

const kling = PROVIDERS.kling;
const urlImage = { kind: 'url', url: 'https://cdn.example.com/cat.png' } as const;
const pngImage = { kind: 'bytes', base64: 'iVBORw0KGgo=', mimeType: 'image/png' } as const;
const SUBMISSION_ID = 'n8n-41-0-abcdefgh';

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
	return {
		model: 'v2.1',
		image: urlImage,
		prompt: 'a cat turns its head',
		mode: 'standard',
		duration: 5,
		...overrides,
	};
}

function submit(generation: GenerationRequest, alternates: AlternateForm[] = []) {
	return kling.submit.build(generation, {
		submissionId: SUBMISSION_ID,
		alternates: new Set(alternates),
	});
}

describe('requests', () => {
	it('sends 2.1 to image2video with model_name, mode, a string duration and our external_task_id', () => {
		expect(submit(request({ negativePrompt: 'blur' }))).toEqual({
			call: {
				method: 'POST',
				path: '/v1/videos/image2video',
				body: {
					model_name: 'kling-v2-1',
					mode: 'std',
					image: urlImage.url,
					prompt: 'a cat turns its head',
					negative_prompt: 'blur',
					duration: '5',
					external_task_id: SUBMISSION_ID,
				},
			},
			alternates: [],
		});
		expect(submit(request({ mode: 'professional', duration: 10 })).call.body).toMatchObject({
			mode: 'pro',
			duration: '10',
		});
	});

	it('sends Master as its own model, without mode', () => {
		const { body } = submit(request({ mode: 'master' })).call;
		expect(body).toMatchObject({ model_name: 'kling-v2-1-master' });
		expect(body).not.toHaveProperty('mode');
	});

	it.each([
		['v2.5-turbo', 'kling-v2-5-turbo'],
		['v2.6', 'kling-v2-6'],
		['v3.0', 'kling-v3'],
	] as const)('names %s %s', (model, modelName) => {
		expect(submit(request({ model, mode: 'professional' })).call.body).toMatchObject({
			model_name: modelName,
			mode: 'pro',
		});
	});

	it('never sends cfg_scale (v1.x only [3P]), even if a request carried a guidance scale', () => {
		expect(submit(request({ guidanceScale: 0.5 })).call.body).not.toHaveProperty('cfg_scale');
		expect(offerFor(kling, 'v2.1')?.guidanceScale).toBe(false);
	});

	it('sends sound as "on"/"off" and the end frame as image_tail', () => {
		expect(
			submit(request({ model: 'v2.6', mode: 'professional', sound: true })).call.body,
		).toMatchObject({ sound: 'on' });
		expect(
			submit(
				request({
					model: 'v3.0',
					mode: 'standard',
					duration: 13,
					sound: false,
					endImage: urlImage,
				}),
			).call.body,
		).toMatchObject({
			model_name: 'kling-v3',
			duration: '13',
			sound: 'off',
			image_tail: urlImage.url,
		});
	});

	it('sends image bytes as raw base64, offering no data: URI form to fall back to', () => {
		const plan = submit(request({ image: pngImage, endImage: pngImage, mode: 'professional' }));
		expect(plan.call.body).toMatchObject({ image: pngImage.base64, image_tail: pngImage.base64 });
		expect(plan.alternates).toEqual([]);
	});

	it('sends O1 to omni-video, its frames in image_list, without a negative prompt', () => {
		expect(
			submit(request({ model: 'o1', mode: 'professional', duration: 10, endImage: pngImage })).call,
		).toEqual({
			method: 'POST',
			path: '/v1/videos/omni-video',
			body: {
				model_name: 'kling-video-o1',
				mode: 'pro',
				prompt: 'a cat turns its head',
				duration: '10',
				image_list: [
					{ image_url: urlImage.url, type: 'first_frame' },
					{ image_url: pngImage.base64, type: 'end_frame' },
				],
				external_task_id: SUBMISSION_ID,
			},
		});
		expect(offerFor(kling, 'o1')).toMatchObject({
			modes: ['standard', 'professional'],
			durations: [5, 10],
			promptRequired: true,
			negativePrompt: false,
			soundModes: [],
		});
	});

	it('sends 3.0 Omni to omni-video as kling-v3-omni [3P], 3 to 15 s, its frames in image_list', () => {
		expect(
			submit(request({ model: 'v3.0-omni', mode: 'standard', duration: 12, endImage: pngImage }))
				.call,
		).toEqual({
			method: 'POST',
			path: '/v1/videos/omni-video',
			body: {
				model_name: 'kling-v3-omni',
				mode: 'std',
				prompt: 'a cat turns its head',
				duration: '12',
				image_list: [
					{ image_url: urlImage.url, type: 'first_frame' },
					{ image_url: pngImage.base64, type: 'end_frame' },
				],
				external_task_id: SUBMISSION_ID,
			},
		});
		// [3P] v3's multi-shot fields, shots of up to 512 characters.
		expect(offerFor(kling, 'v3.0-omni')).toMatchObject({
			modes: ['standard', 'professional'],
			durations: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
			soundModes: [],
			shotModes: ['single', 'auto', 'custom'],
			storyboard: { prompt: 'either', maxShotChars: 512 },
		});
	});

	it('offers no 3.0 Turbo: only the new API sells it, with API-key auth this credential lacks', () => {
		expect(offerFor(kling, 'v3.0-turbo')).toBeUndefined();
	});
});

describe('offers', () => {
	it('follow the capability map [3P]: end frames in pro; 2.6 sound in pro, not with an end frame', () => {
		expect(offerFor(kling, 'v2.1')).toMatchObject({
			modes: ['standard', 'professional', 'master'],
			endFrameModes: ['professional'],
			promptRequired: false,
			acceptsImageBytes: true,
			aspectRatios: [],
		});
		expect(offerFor(kling, 'v2.6')).toMatchObject({
			soundModes: ['professional'],
			endFrameModes: ['professional'],
			endFrameWithSound: false,
		});
		expect(offerFor(kling, 'v3.0')).toMatchObject({
			durations: [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
			promptRequired: true,
			soundModes: ['standard', 'professional'],
		});
	});
});

describe('answers', () => {
	const envelope = (data: unknown) => ({ code: 0, message: 'SUCCEED', request_id: 'r', data });

	it('reads the task id from the envelope', () => {
		expect(kling.submit.parse(envelope({ task_id: '8319', task_status: 'submitted' }))).toBe(
			'8319',
		);
		expect(() => kling.submit.parse(envelope(null))).toThrow('data.task_id');
	});

	it.each([
		['submitted', 'queued'],
		['processing', 'processing'],
		['succeed', 'succeeded'],
		['succeeded', 'succeeded'],
	])('reads task_status %s as %s', (taskStatus, status) => {
		expect(
			kling.status.parse('8319', envelope({ task_id: '8319', task_status: taskStatus })).status,
		).toBe(status);
	});

	it('reads the video of a task that succeeded, in an object or in a list', () => {
		const task = {
			task_id: '8319',
			task_status: 'succeed',
			task_result: { videos: [{ id: 'v', url: 'https://cdn.example.com/v.mp4', duration: '5.1' }] },
		};
		const expected = {
			taskId: '8319',
			status: 'succeeded',
			videoUrl: 'https://cdn.example.com/v.mp4',
			videoUrlExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		};
		expect(kling.status.parse('8319', envelope(task))).toEqual(expected);
		expect(
			kling.status.parse('8319', envelope([{ task_id: '1', task_status: 'processing' }, task])),
		).toEqual(expected);
	});

	it('reads a failed task (HTTP 200, code 0) with its task_status_msg [3P]', () => {
		expect(
			kling.status.parse(
				'8319',
				envelope({
					task_id: '8319',
					task_status: 'failed',
					task_status_msg: 'Image pixel is invalid',
				}),
			),
		).toEqual({
			taskId: '8319',
			status: 'failed',
			error: { message: 'Image pixel is invalid', code: 'failed' },
		});
	});

	it('keeps a status word it does not know, reading it as processing', () => {
		expect(kling.status.parse('8319', envelope({ task_status: 'rendering' }))).toMatchObject({
			status: 'processing',
			unrecognizedStatus: 'rendering',
		});
	});

	it('reads a status word it does not know as succeeded when a video came with it', () => {
		const task = {
			task_id: '8319',
			task_status: 'Completed',
			task_result: { videos: [{ url: 'https://cdn.example.com/v.mp4' }] },
		};
		expect(kling.status.parse('8319', envelope(task))).toEqual({
			taskId: '8319',
			status: 'succeeded',
			unrecognizedStatus: 'Completed',
			videoUrl: 'https://cdn.example.com/v.mp4',
			videoUrlExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
	});

	it("reads the charge (final_unit_deduction) and the link's 30 days from the task's last update", () => {
		const task = {
			task_id: '8319',
			task_status: 'succeed',
			updated_at: Date.parse('2026-12-01T10:00:00Z'),
			final_unit_deduction: '1.5',
			task_result: { videos: [{ url: 'https://cdn.example.com/v.mp4' }] },
		};
		expect(kling.status.parse('8319', envelope(task))).toMatchObject({
			cost: { amount: 1.5, unit: 'units' },
			videoUrlExpiresAt: '2026-12-31T10:00:00.000Z',
		});
		// A failed task reports no charge, whatever the field says.
		const failed = { ...task, task_status: 'failed', task_result: {} };
		expect(kling.status.parse('8319', envelope(failed))).not.toHaveProperty('cost');
	});
});

describe('errors, read by their code [3P error table]', () => {
	const body = (code: number, message = 'm') => ({ code, message, request_id: 'r' });

	it.each([
		[429, 1100, 'balance', undefined],
		[429, 1101, 'balance', undefined],
		[429, 1102, 'balance', undefined],
		[429, 1302, 'throttled', undefined],
		[429, 1303, 'concurrencyLimit', undefined],
		[429, 1304, undefined, 403],
		[401, 1003, 'tokenRejected', undefined],
		[401, 1004, 'tokenRejected', undefined],
		[401, 1002, undefined, undefined],
		[400, 1201, undefined, undefined],
		[500, 5000, undefined, undefined],
		[503, 5001, undefined, undefined],
	] as const)('HTTP %s with code %s', (status, code, meaning, standsFor) => {
		const error = kling.readError(status, body(code), 'submit');
		expect(error).toEqual({
			message: 'm',
			code: String(code),
			...(meaning && { meaning }),
			...(standsFor && { statusCode: standsFor }),
		});
	});

	it('a 200 with code 0 is no error; a 200 with a code is a refusal standing for its status', () => {
		expect(kling.readError(200, body(0), 'submit')).toBeUndefined();
		expect(kling.readError(200, body(1201), 'submit')).toMatchObject({
			statusCode: 400,
			code: '1201',
		});
		expect(kling.readError(200, body(1102), 'submit')).toMatchObject({
			statusCode: 429,
			meaning: 'balance',
		});
		expect(kling.readError(200, body(4242), 'submit')).toMatchObject({ statusCode: 400 });
	});

	it('a status call for a task unknown on that route is notFound (the other route is asked)', () => {
		expect(kling.readError(404, body(1203), 'status')?.meaning).toBe('notFound');
		expect(kling.readError(404, '<html>', 'status')?.meaning).toBe('notFound');
		expect(kling.readError(200, body(1203), 'status')?.meaning).toBe('notFound');
	});

	it('a lookup is notFound only when Kling says the resource does not exist (1203)', () => {
		expect(kling.readError(404, body(1203), 'findSubmission')?.meaning).toBe('notFound');
		expect(kling.readError(404, body(1202), 'findSubmission')?.meaning).toBeUndefined();
		expect(kling.readError(404, 'Not Found', 'findSubmission')?.meaning).toBeUndefined();
	});
});

describe('routes', () => {
	it('asks O1 and 3.0 Omni tasks on omni-video first and the others on image2video first', () => {
		const paths = (model?: GenerationRequest['model']) =>
			kling.status.calls!('8319', model).map((call) => call.path);
		expect(paths('o1')).toEqual(['/v1/videos/omni-video/8319', '/v1/videos/image2video/8319']);
		expect(paths('v3.0-omni')).toEqual([
			'/v1/videos/omni-video/8319',
			'/v1/videos/image2video/8319',
		]);
		expect(paths('v3.0')).toEqual(['/v1/videos/image2video/8319', '/v1/videos/omni-video/8319']);
		expect(paths()).toEqual(['/v1/videos/image2video/8319', '/v1/videos/omni-video/8319']);
		expect(kling.status.build('8319')).toEqual({
			method: 'GET',
			path: '/v1/videos/image2video/8319',
		});
	});

	it('looks a submission up by external_task_id on the route it was sent to, with the largest page', () => {
		const finder = kling.findSubmission!;
		expect(finder.build(SUBMISSION_ID, request())).toEqual({
			method: 'GET',
			path: '/v1/videos/image2video',
			qs: { external_task_id: SUBMISSION_ID, pageNum: '1', pageSize: '500' },
		});
		expect(finder.build(SUBMISSION_ID, request({ model: 'o1' })).path).toBe(
			'/v1/videos/omni-video',
		);
	});

	it('finds only a task carrying our id, whether Kling filtered the list or not', () => {
		const { parse } = kling.findSubmission!;
		const ours = { task_id: '2', task_info: { external_task_id: SUBMISSION_ID } };
		const other = { task_id: '1', task_info: { external_task_id: 'n8n-41-1-zzzzzzzz' } };
		const ok = (data: unknown) => ({ code: 0, message: 'SUCCEED', data });
		expect(parse(ok(ours), SUBMISSION_ID)).toBe('2');
		expect(parse(ok([other, ours]), SUBMISSION_ID)).toBe('2');
		expect(parse(ok([other]), SUBMISSION_ID)).toBeUndefined();
		expect(parse(ok(other), SUBMISSION_ID)).toBeUndefined();
		expect(parse(ok([]), SUBMISSION_ID)).toBeUndefined();
		expect(() => parse({ code: 0 }, SUBMISSION_ID)).toThrow();
	});
});

describe('the credential', () => {
	const credential = new KlingApi();
	const options: IHttpRequestOptions = {
		url: 'https://api-singapore.klingai.com/v1/videos/image2video',
		headers: { 'content-type': 'application/json' },
	};
	const authenticate = credential.authenticate as (
		credentials: Record<string, unknown>,
		requestOptions: IHttpRequestOptions,
	) => Promise<IHttpRequestOptions>;

	it('signs the token Kling documents: compact JSON, HS256, base64url (checked against an HMAC computed in Python)', () => {
		expect(signKlingToken('dummy-access-key', 'dummy-secret-key', Date.UTC(2026, 0, 1) + 999)).toBe(
			'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJkdW1teS1hY2Nlc3Mta2V5IiwiZXhwIjoxNzY3MjI3NDAwLCJuYmYiOjE3NjcyMjU1OTV9.aCAeNB5CVzZrAs6oXm7pNLv_xD3455t79N6O03F_yjE',
		);
	});

	it('sends a token made now, for every request, from an access key and secret key', async () => {
		const before = Math.floor(Date.now() / 1000);
		const signed = await authenticate(
			{ authType: 'accessKey', accessKey: ' ak-1 ', secretKey: 'sk-1' },
			options,
		);
		const token = /^Bearer (.+)$/.exec(String(signed.headers?.Authorization))![1];
		const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
		expect(claims.iss).toBe('ak-1');
		expect(claims.exp - before).toBeGreaterThanOrEqual(1800);
		expect(claims.exp - claims.nbf).toBe(1805);
		expect(signed.headers).toMatchObject({ 'content-type': 'application/json' });
		expect(options.headers).not.toHaveProperty('Authorization');
	});

	it('sends an API key as it is', async () => {
		const signed = await authenticate({ authType: 'apiKey', apiKey: 'key-1 ' }, options);
		expect(signed.headers?.Authorization).toBe('Bearer key-1');
	});
});
