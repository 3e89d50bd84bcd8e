import { FalQueueApi } from '../../credentials/FalQueueApi.credentials';
import {
	offerFor,
	PROVIDERS,
	type GenerationRequest,
} from '../../nodes/KlingImageToVideo/providers';

/** The fal.ai adapter and credential, as pure functions. Sources: see providers/fal.ts. */

const fal = PROVIDERS.fal;
const urlImage = { kind: 'url', url: 'https://cdn.example.com/cat.png' } as const;
const pngImage = { kind: 'bytes', base64: 'iVBORw0KGgo=', mimeType: 'image/png' } as const;

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

const call = (generation: GenerationRequest) =>
	fal.submit.build(generation, { submissionId: 'n8n-1-0-abcdefgh', alternates: new Set() }).call;

describe('requests', () => {
	it.each([
		['v2.1', 'standard', 'v2.1/standard'],
		['v2.1', 'professional', 'v2.1/pro'],
		['v2.1', 'master', 'v2.1/master'],
		['v2.5-turbo', 'standard', 'v2.5-turbo/standard'],
		['v2.5-turbo', 'professional', 'v2.5-turbo/pro'],
		['v2.6', 'professional', 'v2.6/pro'],
		['v3.0', 'standard', 'v3/standard'],
		['v3.0', 'professional', 'v3/pro'],
		['v3.0', '4k', 'v3/4k'],
		['o1', 'standard', 'o1/standard'],
		['o1', 'professional', 'o1'],
		['v3.0-omni', 'professional', 'o3/pro'],
		['v3.0-omni', '4k', 'o3/4k'],
	] as const)('submits %s %s to fal-ai/kling-video/%s/image-to-video', (model, mode, path) => {
		expect(call(request({ model, mode })).path).toBe(`/fal-ai/kling-video/${path}/image-to-video`);
	});

	it('sends 2.1 with image_url, a string duration, cfg_scale, and tail_image_url in pro only', () => {
		expect(
			call(request({ mode: 'professional', guidanceScale: 0.4, endImage: pngImage, duration: 10 }))
				.body,
		).toEqual({
			image_url: urlImage.url,
			prompt: 'a cat turns its head',
			duration: '10',
			cfg_scale: 0.4,
			tail_image_url: 'data:image/png;base64,iVBORw0KGgo=',
		});
		expect(offerFor(fal, 'v2.1')?.endFrameModes).toEqual(['professional']);
	});

	it('sends 2.6 and 3.0 with start_image_url and end_image_url, and generate_audio always', () => {
		expect(call(request({ model: 'v2.6', mode: 'professional', sound: false })).body).toEqual({
			start_image_url: urlImage.url,
			prompt: 'a cat turns its head',
			duration: '5',
			generate_audio: false,
		});
		expect(
			call(request({ model: 'v3.0', mode: '4k', duration: 15, sound: true, endImage: urlImage }))
				.body,
		).toMatchObject({ duration: '15', generate_audio: true, end_image_url: urlImage.url });
	});

	it('sends image bytes as a data URI, with no raw base64 form to fall back to', () => {
		const plan = fal.submit.build(request({ image: pngImage }), {
			submissionId: 'n8n-1-0-abcdefgh',
			alternates: new Set(),
		});
		expect(plan.call.body).toMatchObject({ image_url: 'data:image/png;base64,iVBORw0KGgo=' });
		expect(plan.alternates).toEqual([]);
	});

	it('offers what each endpoint takes', () => {
		expect(offerFor(fal, 'v2.6')).toMatchObject({
			modes: ['professional'],
			guidanceScale: false,
			soundModes: ['professional'],
			endFrameWithSound: false,
		});
		expect(offerFor(fal, 'v3.0')?.modes).toEqual(['standard', 'professional', '4k']);
		expect(offerFor(fal, 'o1')).toMatchObject({
			durations: [5, 10],
			negativePrompt: false,
			guidanceScale: false,
			soundModes: [],
			promptRequired: true,
		});
		// [C] O3 = 3.0 Omni in pro and 4K (no standard O3 endpoint on fal's pages); no 3.0 Turbo.
		// Prompt or multi_prompt [C]; no shot type for automatic shots is shown.
		expect(offerFor(fal, 'v3.0-omni')).toMatchObject({
			modes: ['professional', '4k'],
			soundModes: [],
			endFrameModes: ['professional', '4k'],
			shotModes: ['single', 'custom'],
			storyboard: { prompt: 'either' },
		});
		expect(offerFor(fal, 'v3.0-turbo')).toBeUndefined();
		expect(call(request({ model: 'v3.0-omni', mode: '4k', endImage: pngImage })).body).toEqual({
			image_url: urlImage.url,
			prompt: 'a cat turns its head',
			duration: '5',
			end_image_url: 'data:image/png;base64,iVBORw0KGgo=',
		});
	});
});

describe('answers', () => {
	it('reads status and result under the app id, not the model path', () => {
		expect(fal.status.build('req-1')).toEqual({
			method: 'GET',
			path: '/fal-ai/kling-video/requests/req-1/status',
		});
		expect(fal.result!.build('req-1')).toEqual({
			method: 'GET',
			path: '/fal-ai/kling-video/requests/req-1',
		});
	});

	it('reads IN_QUEUE with its position, IN_PROGRESS, and COMPLETED (without a video: the result has it)', () => {
		expect(fal.status.parse('r', { status: 'IN_QUEUE', queue_position: 3 })).toEqual({
			taskId: 'r',
			status: 'queued',
			queuePosition: 3,
		});
		expect(fal.status.parse('r', { status: 'IN_PROGRESS', logs: [] })).toEqual({
			taskId: 'r',
			status: 'processing',
		});
		expect(fal.status.parse('r', { status: 'COMPLETED', request_id: 'r' })).toEqual({
			taskId: 'r',
			status: 'succeeded',
		});
	});

	it('reads an error on COMPLETED as a failure (fal_client reads error and error_type [C])', () => {
		expect(
			fal.status.parse('r', {
				status: 'COMPLETED',
				error: 'flagged',
				error_type: 'content_policy_violation',
			}),
		).toEqual({
			taskId: 'r',
			status: 'failed',
			error: { message: 'flagged', code: 'content_policy_violation' },
		});
	});

	it('reads the video from the result', () => {
		expect(fal.result!.parse('r', { video: { url: 'https://v3.fal.media/files/v.mp4' } })).toEqual({
			taskId: 'r',
			status: 'succeeded',
			videoUrl: 'https://v3.fal.media/files/v.mp4',
		});
		expect(fal.result!.parse('r', {})).toEqual({ taskId: 'r', status: 'succeeded' });
	});
});

describe('errors', () => {
	const modelError = {
		detail: [
			{
				loc: ['body', 'prompt'],
				msg: 'flagged by a content checker',
				type: 'content_policy_violation',
			},
		],
	};

	it("on the result of a COMPLETED request, fal's own error shapes are the request's failure", () => {
		expect(fal.readError(422, modelError, 'result')).toEqual({
			message: 'prompt: flagged by a content checker',
			code: 'content_policy_violation',
			meaning: 'taskFailed',
		});
		expect(
			fal.readError(504, { detail: 'Request timed out', error_type: 'request_timeout' }, 'result'),
		).toEqual({ message: 'Request timed out', code: 'request_timeout', meaning: 'taskFailed' });
	});

	it('but not a gateway 5xx without error_type, a key problem, or a throttle', () => {
		expect(fal.readError(502, { detail: 'Bad Gateway' }, 'result')?.meaning).toBeUndefined();
		expect(fal.readError(401, { detail: 'Unauthorized' }, 'result')?.meaning).toBeUndefined();
		expect(fal.readError(429, { detail: 'Too many requests' }, 'result')?.meaning).toBeUndefined();
		expect(fal.readError(502, '<html>', 'result')).toEqual({});
	});

	it('on a submission, a 422 is a refusal naming the field', () => {
		expect(fal.readError(422, modelError, 'submit')).toEqual({
			message: 'prompt: flagged by a content checker',
			code: 'content_policy_violation',
		});
	});

	it('a locked account for lack of balance is a balance error [3P]; an admin lock is not', () => {
		const locked = (reason: string) => ({ detail: `User is locked. Reason: ${reason}` });
		expect(
			fal.readError(403, locked('Exhausted balance. Top up your balance.'), 'submit')?.meaning,
		).toBe('balance');
		expect(fal.readError(403, locked('TOP_UP.'), 'submit')?.meaning).toBe('balance');
		expect(fal.readError(403, locked('Admin lock.'), 'submit')?.meaning).toBeUndefined();
		expect(fal.readError(200, { request_id: 'r' }, 'submit')).toBeUndefined();
	});
});

describe('the credential', () => {
	const credential = new FalQueueApi();

	it('sends the key as "Key <key>"', () => {
		expect(credential.authenticate.properties.headers).toEqual({
			Authorization: '=Key {{$credentials.apiKey}}',
		});
	});
});
