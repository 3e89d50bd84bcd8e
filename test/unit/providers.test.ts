import {
	PROVIDERS,
	type AlternateForm,
	type GenerationRequest,
	type ProviderAdapter,
} from '../../nodes/KlingImageToVideo/providers';

const urlImage = { kind: 'url', url: 'https://cdn.example.com/cat.png' } as const;
const pngImage = { kind: 'bytes', base64: 'iVBORw0KGgo=', mimeType: 'image/png' } as const;

function request(overrides: Partial<GenerationRequest> = {}): GenerationRequest {
	return {
		model: 'v2.1',
		image: urlImage,
		prompt: 'a cat turns its head',
		mode: 'standard',
		duration: 5,
		guidanceScale: 0.5,
		...overrides,
	};
}

function adapterPlan(adapter: ProviderAdapter, generation: GenerationRequest) {
	return adapter.submit.build(generation, {
		submissionId: 'n8n-1-0-abcdefgh',
		alternates: new Set(),
	});
}

/** The call a submission sends, with the primary request forms unless alternates are named. */
function submitCall(
	adapter: ProviderAdapter,
	generation: GenerationRequest,
	alternates: AlternateForm[] = [],
) {
	return adapter.submit.build(generation, {
		submissionId: 'n8n-1-0-abcdefgh',
		alternates: new Set(alternates),
	}).call;
}

describe('Novita family (Novita AI, MyRouter, HighwayAPI)', () => {
	const adapters = [PROVIDERS.novita, PROVIDERS.myRouter, PROVIDERS.highwayApi];

	it.each(adapters.map((adapter) => [adapter.id, adapter]))(
		'%s sends standard and professional to kling-v2.1-i2v with mode and a string duration',
		(_, adapter) => {
			expect(submitCall(adapter, request({ negativePrompt: 'blur' }))).toEqual({
				method: 'POST',
				path: '/v3/async/kling-v2.1-i2v',
				body: {
					image: urlImage.url,
					prompt: 'a cat turns its head',
					mode: 'Standard',
					duration: '5',
					guidance_scale: 0.5,
					negative_prompt: 'blur',
				},
			});
			expect(
				submitCall(adapter, request({ mode: 'professional', duration: 10 })).body,
			).toMatchObject({ mode: 'Professional', duration: '10' });
		},
	);

	it('sends master to its own endpoint, without mode', () => {
		const call = submitCall(PROVIDERS.novita, request({ mode: 'master' }));
		expect(call.path).toBe('/v3/async/kling-v2.1-i2v-master');
		expect(call.body).not.toHaveProperty('mode');
	});

	it('sends image bytes as raw base64 ([3P] Kling forbids a data: prefix), a data URI as the other form ([3P] HighwayAPI note), and leaves out an empty negative prompt', () => {
		const body = submitCall(PROVIDERS.novita, request({ image: pngImage })).body!;
		expect(body.image).toBe('iVBORw0KGgo=');
		expect(body).not.toHaveProperty('negative_prompt');
		expect(
			submitCall(PROVIDERS.novita, request({ image: pngImage }), ['imageEncoding']).body!.image,
		).toBe('data:image/png;base64,iVBORw0KGgo=');
	});

	it('reads the task id and asks for the task result by query parameter', () => {
		expect(PROVIDERS.novita.submit.parse({ task_id: 'abc-123' })).toBe('abc-123');
		expect(() => PROVIDERS.novita.submit.parse({})).toThrow('task_id');
		expect(PROVIDERS.novita.status.build('abc-123')).toEqual({
			method: 'GET',
			path: '/v3/async/task-result',
			qs: { task_id: 'abc-123' },
		});
	});

	it('reads a running task with eta and progress', () => {
		const snapshot = PROVIDERS.novita.status.parse('t1', {
			extra: { seed: '1', debug_info: {} },
			task: {
				task_id: 't1',
				task_type: 'KLING_V2.1_I2V',
				status: 'TASK_STATUS_PROCESSING',
				reason: '',
				eta: 42,
				progress_percent: 37,
			},
			images: [],
			videos: [],
			audios: [],
		});
		expect(snapshot).toEqual({ taskId: 't1', status: 'processing', etaSeconds: 42, progress: 37 });
	});

	it('reads a finished task and its first video url; a queued one without eta', () => {
		const done = PROVIDERS.novita.status.parse('t1', {
			task: { task_id: 't1', status: 'TASK_STATUS_SUCCEED', eta: 0, progress_percent: 100 },
			videos: [
				{
					video_url: 'https://faas.example.com/t1.mp4?sig=x',
					video_url_ttl: '3600',
					video_type: 'mp4',
				},
			],
		});
		expect(done).toEqual({
			taskId: 't1',
			status: 'succeeded',
			progress: 100,
			videoUrl: 'https://faas.example.com/t1.mp4?sig=x',
			videoUrlExpiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		expect(
			PROVIDERS.novita.status.parse('t1', { task: { status: 'TASK_STATUS_QUEUED' } }).status,
		).toBe('queued');
	});

	it('reads failed and cancelled tasks with the provider reason', () => {
		expect(
			PROVIDERS.novita.status.parse('t1', {
				task: { status: 'TASK_STATUS_FAILED', reason: 'image rejected by moderation' },
			}),
		).toEqual({
			taskId: 't1',
			status: 'failed',
			error: { message: 'image rejected by moderation', code: 'TASK_STATUS_FAILED' },
		});
		expect(
			PROVIDERS.novita.status.parse('t1', { task: { status: 'TASK_STATUS_CANCELED' } }).status,
		).toBe('cancelled');
	});

	it('refuses an answer without a task object', () => {
		expect(() => PROVIDERS.novita.status.parse('t1', { message: 'ok' })).toThrow('task object');
	});

	it('reads the documented error body', () => {
		expect(
			PROVIDERS.novita.readError(
				403,
				{
					code: 403,
					reason: 'NOT_ENOUGH_BALANCE',
					message: 'balance is not enough',
					metadata: {},
				},
				'submit',
			),
		).toEqual({
			message: 'balance is not enough',
			code: 'NOT_ENOUGH_BALANCE',
			meaning: 'balance',
		});
	});

	const finished = (status: string, videos: unknown[] = [{ video_url: 'https://v/t1.mp4' }]) => ({
		task: { task_id: 't1', status, eta: 0, progress_percent: 100 },
		videos,
	});

	it.each(adapters.map((adapter) => [adapter.id, adapter]))(
		'%s reads success as TASK_STATUS_SUCCEED ([C] Novita enum) and TASK_STATUS_SUCCEEDED ([3P] PPIO clients)',
		(_, adapter) => {
			for (const word of ['TASK_STATUS_SUCCEED', 'TASK_STATUS_SUCCEEDED'])
				expect(adapter.status.parse('t1', finished(word))).toEqual({
					taskId: 't1',
					status: 'succeeded',
					progress: 100,
					videoUrl: 'https://v/t1.mp4',
				});
		},
	);

	it('reads a status word no source shows as success when a video came with it, else as still running, keeping the word', () => {
		expect(PROVIDERS.novita.status.parse('t1', finished('TASK_STATUS_DONE'))).toMatchObject({
			status: 'succeeded',
			videoUrl: 'https://v/t1.mp4',
			unrecognizedStatus: 'TASK_STATUS_DONE',
		});
		const running = PROVIDERS.novita.status.parse('t1', {
			task: { status: 'TASK_STATUS_RENDERING', eta: 30 },
			videos: [],
		});
		expect(running).toEqual({
			taskId: 't1',
			status: 'processing',
			etaSeconds: 30,
			unrecognizedStatus: 'TASK_STATUS_RENDERING',
		});
	});

	it.each([
		[400, 'BILLING_BALANCE_NOT_ENOUGH', '[C] Novita error table'],
		[403, 'NOT_ENOUGH_BALANCE', '[C] JieKou error table, [3P] Novita quotes'],
	])('reads %s %s as an empty balance (%s)', (statusCode, reason) => {
		for (const adapter of adapters)
			expect(
				adapter.readError(
					statusCode,
					{ code: statusCode, reason, message: 'balance not enough', metadata: {} },
					'submit',
				),
			).toEqual({ message: 'balance not enough', code: reason, meaning: 'balance' });
	});

	it("reads a status request's 500 TASK_FAILED as the task's failure, other 500s not ([C] Novita error table)", () => {
		const taskFailed = {
			code: 500,
			reason: 'TASK_FAILED',
			message: 'Task execution failed',
			metadata: {},
		};
		expect(PROVIDERS.novita.readError(500, taskFailed, 'status')).toEqual({
			message: 'Task execution failed',
			code: 'TASK_FAILED',
			meaning: 'taskFailed',
		});
		// On a submission it says nothing certain about a task: the transport treats it as uncertain.
		expect(PROVIDERS.novita.readError(500, taskFailed, 'submit')?.meaning).toBeUndefined();
		expect(
			PROVIDERS.novita.readError(
				500,
				{ code: 500, reason: 'GET_RESULT_FAILED', message: 'x', metadata: {} },
				'status',
			)?.meaning,
		).toBeUndefined();
	});

	it('keeps the message of an {error: {message}} body ([3P] a client of api.jiekou.ai)', () => {
		expect(
			PROVIDERS.highwayApi.readError(
				400,
				{ error: { message: 'image is invalid', type: 'invalid_request_error' } },
				'submit',
			),
		).toEqual({ message: 'image is invalid', code: 'invalid_request_error' });
	});
});

describe('AI/ML API', () => {
	const aiml = PROVIDERS.aimlApi;

	it('chooses the model by mode and sends an integer duration, cfg_scale and a data URI for bytes ([C] docs example)', () => {
		expect(
			submitCall(aiml, request({ image: pngImage, duration: 10, guidanceScale: 0.7 })),
		).toEqual({
			method: 'POST',
			path: '/v2/video/generations',
			headers: { 'X-Client-Request-Id': 'n8n-1-0-abcdefgh' },
			body: {
				model: 'kling-video/v2.1/standard/image-to-video',
				image_url: 'data:image/png;base64,iVBORw0KGgo=',
				prompt: 'a cat turns its head',
				duration: 10,
				cfg_scale: 0.7,
			},
		});
		expect(submitCall(aiml, request({ mode: 'professional' })).body!.model).toBe(
			'kling-video/v2.1/pro/image-to-video',
		);
		expect(submitCall(aiml, request({ mode: 'master' })).body!.model).toBe(
			'klingai/v2.1-master-image-to-video',
		);
	});

	it('leaves out an empty prompt, which AI/ML API treats as optional', () => {
		expect(submitCall(aiml, request({ prompt: '' })).body).not.toHaveProperty('prompt');
	});

	it('reads the generation id and polls by generation_id', () => {
		expect(
			aiml.submit.parse({ id: 'gen-1:kling-video/v2.1/standard/image-to-video', status: 'queued' }),
		).toBe('gen-1:kling-video/v2.1/standard/image-to-video');
		expect(aiml.status.build('gen-1')).toEqual({
			method: 'GET',
			path: '/v2/video/generations',
			qs: { generation_id: 'gen-1' },
		});
	});

	it('maps queued, generating, completed and error, with the video url and the error message', () => {
		expect(aiml.status.parse('g', { id: 'g', status: 'queued' }).status).toBe('queued');
		expect(aiml.status.parse('g', { id: 'g', status: 'generating' }).status).toBe('processing');
		expect(
			aiml.status.parse('g', {
				id: 'g',
				status: 'completed',
				video: { url: 'https://cdn.aimlapi.com/g.mp4' },
				meta: { usage: { credits_used: 100 } },
			}),
		).toEqual({
			taskId: 'g',
			status: 'succeeded',
			videoUrl: 'https://cdn.aimlapi.com/g.mp4',
		});
		expect(
			aiml.status.parse('g', {
				id: 'g',
				status: 'error',
				error: { name: 'ModerationError', message: 'prompt refused' },
			}),
		).toEqual({
			taskId: 'g',
			status: 'failed',
			error: { message: 'prompt refused', code: 'ModerationError' },
		});
	});

	it('reads the documented error body, including a list of messages', () => {
		expect(
			aiml.readError(
				403,
				{
					message: 'run out of credits',
					path: '/v2/video/generations',
					requestId: 'r',
					statusCode: 403,
					timestamp: 't',
				},
				'submit',
			),
		).toEqual({
			message: 'run out of credits',
			code: '403',
			meaning: 'balance',
		});
		expect(
			aiml.readError(
				400,
				{
					message: ['duration must be 5 or 10', 'model is invalid'],
					statusCode: 400,
				},
				'submit',
			)?.message,
		).toBe('duration must be 5 or 10; model is invalid');
	});
});

describe('AI/ML API, provider truth', () => {
	const aiml = PROVIDERS.aimlApi;

	it.each([
		['completed', 'succeeded', '[C] poll schema'],
		['complete', 'succeeded', '[C] docs before 2026-01-07'],
		['waiting', 'queued', '[C] examples before 2026-04-13'],
		['active', 'processing', '[C] examples before 2026-04-13'],
		['error', 'failed', '[C] poll schema'],
	])('reads %s as %s (%s)', (word, status) => {
		const video = status === 'succeeded' ? { video: { url: 'https://cdn.aimlapi.com/g.mp4' } } : {};
		expect(aiml.status.parse('g', { id: 'g', status: word, ...video }).status).toBe(status);
	});

	it('reads an unknown word with a video as success, without one as still running', () => {
		expect(
			aiml.status.parse('g', { id: 'g', status: 'Done', video: { url: 'https://c/g.mp4' } }),
		).toEqual({
			taskId: 'g',
			status: 'succeeded',
			videoUrl: 'https://c/g.mp4',
			unrecognizedStatus: 'Done',
		});
		expect(aiml.status.parse('g', { id: 'g', status: 'rendering', video: null })).toEqual({
			taskId: 'g',
			status: 'processing',
			unrecognizedStatus: 'rendering',
		});
	});

	it('reads the 403 "run out of credits" as an empty balance, the 429 free-tier limit not ([C] errors pages)', () => {
		const body = (statusCode: string, message: string) => ({
			message,
			path: '/v2/video/generations',
			requestId: 'r',
			statusCode,
			timestamp: 't',
		});
		expect(
			aiml.readError(
				403,
				body(
					'403',
					"You've run out of credits. Please top up your balance or update your payment method to continue: https://aimlapi.com/app/billing/",
				),
				'submit',
			)?.meaning,
		).toBe('balance');
		expect(
			aiml.readError(
				429,
				body(
					'429',
					"Free-tier limit: You've reached your free limit for the hour. Get AI/ML Subscription to use API, visit https://aimlapi.com/app/billing/ !",
				),
				'submit',
			),
		).toEqual({ message: expect.stringMatching(/^Free-tier limit/), code: '429' });
	});

	it('keeps the message of an {error: {message}} body', () => {
		expect(aiml.readError(500, { error: { message: 'upstream failed' } }, 'status')).toEqual({
			message: 'upstream failed',
		});
	});

	it('sends the submission id as X-Client-Request-Id ([C] request tracing: 1–128 of A–Z a–z 0–9 . _ : -)', () => {
		expect(submitCall(aiml, request()).headers).toEqual({
			'X-Client-Request-Id': 'n8n-1-0-abcdefgh',
		});
		const tooLong = aiml.submit.build(request(), {
			submissionId: 'x'.repeat(129),
			alternates: new Set(),
		});
		expect(tooLong.call.headers).toBeUndefined();
		expect(aiml.submissionIdHint).toMatch(/client_request_id/);
	});
});

describe('GMI Cloud', () => {
	const gmi = PROVIDERS.gmiCloud;

	it('chooses the model by mode and puts the parameters in payload, duration as a string', () => {
		expect(submitCall(gmi, request({ image: pngImage, negativePrompt: 'text' }))).toEqual({
			method: 'POST',
			path: '/api/v1/ie/requestqueue/apikey/requests',
			body: {
				model: 'Kling-Image2Video-V2.1-Standard',
				payload: {
					image: 'iVBORw0KGgo=',
					duration: '5',
					cfg_scale: 0.5,
					prompt: 'a cat turns its head',
					negative_prompt: 'text',
				},
			},
		});
		expect(submitCall(gmi, request({ mode: 'professional' })).body!.model).toBe(
			'Kling-Image2Video-V2.1-Pro',
		);
		expect(submitCall(gmi, request({ mode: 'master' })).body!.model).toBe(
			'Kling-Image2Video-V2.1-Master',
		);
	});

	it('reads request_id and polls the request by path', () => {
		expect(
			gmi.submit.parse({
				request_id: 'r-1',
				model: 'm',
				status: 'queued',
				created_at: 1,
				updated_at: 1,
				queued_at: 1,
			}),
		).toBe('r-1');
		expect(gmi.status.build('r-1')).toEqual({
			method: 'GET',
			path: '/api/v1/ie/requestqueue/apikey/requests/r-1',
		});
	});

	it('maps queued, dispatched, processing, success, failed and cancelled', () => {
		const status = (value: string) =>
			gmi.status.parse('r', { request_id: 'r', status: value, outcome: null }).status;
		expect(['queued', 'dispatched', 'processing', 'failed', 'cancelled'].map(status)).toEqual([
			'queued',
			'queued',
			'processing',
			'failed',
			'cancelled',
		]);
	});

	it('reads the video url from outcome.video_url ([C] 2.1 guide) and outcome.media_urls[0].url ([C] newer quickstarts)', () => {
		expect(
			gmi.status.parse('r', {
				status: 'success',
				outcome: { video_url: 'https://a/v.mp4', thumbnail_image_url: 'https://a/t.jpg' },
			}).videoUrl,
		).toBe('https://a/v.mp4');
		expect(
			gmi.status.parse('r', {
				status: 'success',
				outcome: { media_urls: [{ url: 'https://b/v.mp4' }] },
			}).videoUrl,
		).toBe('https://b/v.mp4');
	});

	it('sends image bytes as raw base64 first ([C] "Base64 or URL"; Kling refuses a data: prefix), a data URI as the other form', () => {
		const primary = adapterPlan(gmi, request({ image: pngImage }));
		expect(primary.call.body!.payload).toMatchObject({ image: 'iVBORw0KGgo=' });
		expect(primary.alternates).toEqual([{ form: 'imageEncoding', fields: ['image'] }]);
		expect(
			submitCall(gmi, request({ image: pngImage }), ['imageEncoding']).body!.payload,
		).toMatchObject({
			image: 'data:image/png;base64,iVBORw0KGgo=',
		});
	});

	it.each([
		['success', '[C] quickstart tables'],
		['finished', '[C] API reference prose'],
		['completed', '[?] the audit; not on GMI pages'],
	])('reads %s as done (%s)', (word) => {
		expect(
			gmi.status.parse('r', {
				request_id: 'r',
				status: word,
				outcome: { video_url: 'https://a/v.mp4' },
			}),
		).toEqual({ taskId: 'r', status: 'succeeded', videoUrl: 'https://a/v.mp4' });
	});

	it('reads the video url from outcome.url ([3P] genblaze connector)', () => {
		expect(
			gmi.status.parse('r', { status: 'success', outcome: { url: 'https://c/v.mp4' } }).videoUrl,
		).toBe('https://c/v.mp4');
	});

	it('reads an unknown word with a video as success, without one as still running', () => {
		expect(
			gmi.status.parse('r', {
				status: 'DONE',
				outcome: { media_urls: [{ url: 'https://c/v.mp4' }] },
			}),
		).toMatchObject({ status: 'succeeded', unrecognizedStatus: 'DONE' });
		expect(gmi.status.parse('r', { status: 'rendering', outcome: null })).toEqual({
			taskId: 'r',
			status: 'processing',
			unrecognizedStatus: 'rendering',
		});
	});

	it('keeps the message of an error string, an {error: {message}} body, and a validation detail list', () => {
		expect(gmi.readError(400, { error: 'image is not valid base64' }, 'submit')).toEqual({
			message: 'image is not valid base64',
		});
		expect(gmi.readError(400, { error: { message: 'bad payload', code: 'E1' } }, 'submit')).toEqual(
			{
				message: 'bad payload',
				code: 'E1',
			},
		);
		expect(
			gmi.readError(
				422,
				{
					detail: [
						{ loc: ['body', 'payload', 'image'], msg: 'invalid image', type: 'value_error' },
					],
				},
				'submit',
			)?.message,
		).toBe('payload.image: invalid image');
	});

	it('reads a failure reason from outcome.error or error, as a string or as {code, message}', () => {
		expect(
			gmi.status.parse('r', { status: 'failed', outcome: { error: 'image too small' } }).error,
		).toEqual({ message: 'image too small' });
		expect(
			gmi.status.parse('r', { status: 'failed', error: { code: 'E42', message: 'internal' } })
				.error,
		).toEqual({ message: 'internal', code: 'E42' });
		expect(gmi.status.parse('r', { status: 'failed', outcome: null }).error?.message).toMatch(
			/failed/,
		);
	});
});

describe('task id shapes', () => {
	it("accepts each provider's own ids and refuses an AI/ML id for a Novita-family provider", () => {
		expect(PROVIDERS.novita.taskIdPattern.test('830d9c90-d53f-4c5a-8009-6f3d2a1b9e47')).toBe(true);
		expect(
			PROVIDERS.aimlApi.taskIdPattern.test(
				'9b1b6d5f-2c7e:kling-video/v2.1/standard/image-to-video',
			),
		).toBe(true);
		expect(
			PROVIDERS.novita.taskIdPattern.test('9b1b6d5f-2c7e:kling-video/v2.1/standard/image-to-video'),
		).toBe(false);
		expect(PROVIDERS.gmiCloud.taskIdPattern.test('{"taskId":"x"}')).toBe(false);
	});
});
