import { PROVIDERS } from '../../nodes/KlingImageToVideo/providers';
import { saysModelNotServed } from '../../nodes/KlingImageToVideo/providers/kit';

/**
 * A submission refused because the provider does not know, or no longer offers, the model is
 * read as `modelNotServed` in each adapter: never retried, and the message names a model to use.
 * A refusal of a field, or of anything but a submission, is not.
 */

describe('the words of a model refusal', () => {
	it.each([
		'model must be one of klingai/video-v3-pro-image-to-video, klingai/video-o1-image-to-video',
		'model_name kling-v2-1 is not supported: the model is offline',
		'Unknown model: Kling-Image2Video-V2.1-Pro',
		'The model kling-v2-1 has been retired',
		'model not found',
		'Model is deprecated and no longer available',
	])('"%s" says the model is not served', (message) => {
		expect(saysModelNotServed(message)).toBe(true);
	});

	it.each([
		'tail_image_url is not a parameter of this model',
		"duration value '99' is invalid",
		'prompt is required',
		'payload.image could not be decoded',
		'image_tail is not supported by kling-v2-6 in std mode',
	])('"%s" does not', (message) => {
		expect(saysModelNotServed(message)).toBe(false);
	});
});

describe('each adapter reads a submission refused for its model', () => {
	const meaning = (
		provider: keyof typeof PROVIDERS,
		status: number,
		body: unknown,
		action: 'submit' | 'status' = 'submit',
	) => PROVIDERS[provider].readError(status, body, action)?.meaning;

	it('Novita, MyRouter, HighwayAPI: a 404 for the model slug', () => {
		const notFound = { code: 404, reason: 'NOT_FOUND', message: 'no route', metadata: {} };
		for (const provider of ['novita', 'myRouter', 'highwayApi'] as const) {
			expect(meaning(provider, 404, notFound)).toBe('modelNotServed');
			expect(meaning(provider, 404, '<html>Not Found</html>')).toBe('modelNotServed');
			expect(meaning(provider, 404, notFound, 'status')).not.toBe('modelNotServed');
			const badField = { code: 400, reason: 'INVALID_REQUEST_BODY', message: 'prompt is required' };
			expect(meaning(provider, 400, badField)).toBeUndefined();
		}
	});

	it('fal.ai: a 404 for the endpoint path', () => {
		expect(meaning('fal', 404, { detail: 'Application not found' })).toBe('modelNotServed');
		expect(
			meaning('fal', 422, { detail: [{ loc: ['body', 'prompt'], msg: 'field required' }] }),
		).toBeUndefined();
	});

	it('AI/ML API and GMI Cloud: a 400 whose validation names the model', () => {
		expect(meaning('aimlApi', 400, { message: 'model must be one of a, b', statusCode: 400 })).toBe(
			'modelNotServed',
		);
		expect(meaning('aimlApi', 422, { message: ['model must be one of a, b'] })).toBe(
			'modelNotServed',
		);
		expect(
			meaning('aimlApi', 400, { message: 'tail_image_url is not a parameter of this model' }),
		).toBeUndefined();
		expect(
			meaning('gmiCloud', 400, { error: 'model must be one of kling-v3-image-to-video' }),
		).toBe('modelNotServed');
		expect(meaning('gmiCloud', 404, { error: 'request not found' })).toBeUndefined();
	});

	it('Kling AI: a 1201 on model_name, in a 400 or in an HTTP 200; an empty balance stays a balance error', () => {
		const refusal = {
			code: 1201,
			message: 'model_name kling-v2-1 is not supported',
			request_id: 'r',
		};
		expect(meaning('kling', 400, refusal)).toBe('modelNotServed');
		expect(meaning('kling', 200, refusal)).toBe('modelNotServed');
		expect(
			meaning('kling', 400, { code: 1201, message: "duration value '99' is invalid" }),
		).toBeUndefined();
		expect(
			meaning('kling', 429, { code: 1102, message: 'model quota: resource pack exhausted' }),
		).toBe('balance');
	});
});
