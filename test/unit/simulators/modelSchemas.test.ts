import { makeTestPng, startSimulator } from '../../../tools/simulators';
import type { SimulatorOptions } from '../../../tools/simulators';
import { SimulatorClient } from './simulatorClient';

/**
 * The simulators take each model's documented request schema and nothing else: a field sent in a
 * form the docs do not show is refused with a 400 naming it, as a provider's validation would.
 */

const png = makeTestPng(640, 480).toString('base64');
const URL = 'https://example.com/cat.png';

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

describe('Novita family model endpoints', () => {
	const v3 = { image: png, prompt: 'p', duration: 5, sound: false };

	it('Kling 3.0 takes integer durations 3 to 15, a boolean sound and end_image; nothing it does not document', async () => {
		await withSimulator({ provider: 'novita' }, async (client) => {
			const post = (body: Record<string, unknown>, slug = 'kling-v3.0-std-i2v') =>
				client.call('POST', `/v3/async/${slug}`, { body: { ...v3, ...body } });
			expect((await post({ duration: 15, end_image: URL })).status).toBe(200);
			expect(client.sim.tasks.at(-1)!.model).toBe('kling-v3.0-std-i2v');
			const asString = await post({ duration: '5' });
			expect([asString.status, asString.json.message]).toEqual([
				400,
				'duration must be one of the integer 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, not "5"',
			]);
			expect((await post({ duration: 16 })).json.message).toMatch(/^duration must be one of/);
			expect((await post({ sound: 'on' })).json.message).toBe('sound must be a boolean, not "on"');
			expect((await post({ aspect_ratio: '9:16' })).json.message).toBe(
				'aspect_ratio is not a parameter of this model',
			);
			expect((await post({ prompt: undefined })).json.message).toBe('prompt is required');
			expect((await post({}, 'kling-v3.0-4k-i2v')).status).toBe(200);
		});
	});

	it('Kling 2.5 Turbo takes mode "pro" and string durations; 2.6 an aspect ratio; O1 last_image but no negative prompt', async () => {
		await withSimulator({ provider: 'novita' }, async (client) => {
			const post = (slug: string, body: Record<string, unknown>) =>
				client.call('POST', `/v3/async/${slug}`, { body: { image: URL, prompt: 'p', ...body } });
			expect((await post('kling-2.5-turbo-i2v', { mode: 'pro', duration: '10' })).status).toBe(200);
			expect((await post('kling-2.5-turbo-i2v', { mode: 'Professional' })).status).toBe(400);
			expect((await post('kling-2.5-turbo-i2v', { guidance_scale: 0.5 })).json.message).toBe(
				'guidance_scale is not a parameter of this model',
			);
			expect((await post('kling-v2.6-pro-i2v', { aspect_ratio: '9:16', sound: true })).status).toBe(
				200,
			);
			expect((await post('kling-v2.6-pro-i2v', { aspect_ratio: '4:3' })).status).toBe(400);
			expect((await post('kling-o1-i2v', { last_image: png, duration: 10 })).status).toBe(200);
			expect((await post('kling-o1-i2v', { negative_prompt: 'blur' })).status).toBe(400);
		});
	});

	// [C] every 3.0 page marks prompt required; the pro page calls multi_prompt "Mutually exclusive with prompt".
	it.each([
		['both', 200, 200],
		['promptAlongside', 200, 'prompt is required'],
		['promptExclusive', 'prompt is mutually exclusive with multi_prompt', 200],
	] as const)(
		'3.0 shots under the %s reading: with a prompt %s, without one %s',
		async (novitaShots, withPrompt, withoutPrompt) => {
			await withSimulator({ provider: 'novita', requestForms: { novitaShots } }, async (client) => {
				const shots = [1, 2, 2].map((duration) => ({ prompt: 'shot', duration }));
				const post = async (body: Record<string, unknown>) => {
					const answer = await client.call('POST', '/v3/async/kling-v3.0-pro-i2v', {
						body: { ...v3, multi_prompt: shots, ...body },
					});
					return answer.status === 200 ? 200 : answer.json.message;
				};
				expect(await post({})).toBe(withPrompt);
				expect(await post({ prompt: undefined })).toBe(withoutPrompt);
				expect(await post({ prompt: undefined, multi_prompt: undefined })).toBe(
					'prompt is required',
				);
			});
		},
	);

	it('serves each white label only the endpoints its docs list', async () => {
		const post = (client: SimulatorClient, slug: string) =>
			client.call('POST', `/v3/async/${slug}`, { body: { image: URL, prompt: 'p', duration: 5 } });
		await withSimulator({ provider: 'myRouter' }, async (client) => {
			expect((await post(client, 'kling-v3.0-4k-i2v')).status).toBe(404);
			expect((await post(client, 'kling-o1-i2v')).status).toBe(200);
		});
		// [C] docs.jiekou.ai/en/docs/models/reference-kling-o1-i2v
		await withSimulator({ provider: 'highwayApi' }, async (client) => {
			expect((await post(client, 'kling-o1-i2v')).status).toBe(200);
			expect((await post(client, 'kling-v3.0-4k-i2v')).status).toBe(200);
		});
	});
});

describe('AI/ML API model ids', () => {
	it('takes generate_audio and tail_image_url on 3.0, neither on 2.1; integer durations', async () => {
		await withSimulator({ provider: 'aimlApi' }, async (client) => {
			const post = (body: Record<string, unknown>) =>
				client.call('POST', '/v2/video/generations', {
					body: { image_url: URL, prompt: 'p', duration: 5, ...body },
				});
			const v3 = 'klingai/video-v3-pro-image-to-video';
			expect(
				(await post({ model: v3, generate_audio: true, tail_image_url: URL, duration: 12 })).status,
			).toBe(200);
			expect((await post({ model: v3, duration: '12' })).status).toBe(400);
			const v21 = 'kling-video/v2.1/pro/image-to-video';
			expect((await post({ model: v21, tail_image_url: URL })).json.message).toBe(
				'tail_image_url is not a parameter of this model',
			);
			expect(
				(await post({ model: 'klingai/video-v2-6-pro-image-to-video', prompt: undefined })).json
					.message,
			).toBe('prompt is required');
		});
	});

	it('3.0 Turbo takes no audio or end frame [C]; 3.0 Omni a tail frame only with generate_audio false [C]', async () => {
		await withSimulator({ provider: 'aimlApi' }, async (client) => {
			const post = (body: Record<string, unknown>) =>
				client.call('POST', '/v2/video/generations', {
					body: { image_url: URL, duration: 5, ...body },
				});
			const turbo = 'klingai/video-v3-standard-turbo-image-to-video';
			expect((await post({ model: turbo })).status).toBe(200);
			expect((await post({ model: turbo, generate_audio: false })).json.message).toBe(
				'generate_audio is not a parameter of this model',
			);
			const omni = 'klingai/video-v3-omni-1080p-image-to-video';
			const withTail = { model: omni, prompt: 'p', tail_image_url: URL };
			expect((await post({ ...withTail, generate_audio: false })).status).toBe(200);
			expect((await post(withTail)).json.message).toMatch(
				/^tail_image_url is not supported when generate_audio is enabled/,
			);
		});
	});
});

describe('GMI Cloud payloads', () => {
	const post = (client: SimulatorClient, model: string, payload: Record<string, unknown>) =>
		client.call('POST', '/api/v1/ie/requestqueue/apikey/requests', {
			body: { model, payload: { prompt: 'p', ...payload } },
		});

	it('Kling 2.5 Turbo and 2.6 take image URLs only; 3.0 takes string durations and image_tail', async () => {
		await withSimulator({ provider: 'gmiCloud' }, async (client) => {
			expect((await post(client, 'kling-v2-5-turbo', { image: png, mode: 'pro' })).json.error).toBe(
				'payload.image must be an http(s) URL: this model takes image links only',
			);
			expect(
				(await post(client, 'kling-v2-6', { image: URL, sound: 'on', mode: 'pro' })).status,
			).toBe(200);
			const v3 = { image: png, duration: '15', sound: 'off', image_tail: png };
			expect((await post(client, 'kling-v3-image-to-video', v3)).status).toBe(200);
			expect(
				(await post(client, 'kling-v3-image-to-video', { ...v3, duration: 15 })).json.error,
			).toMatch(/^payload\.duration must be one of the string "3"/);
			expect(
				(await post(client, 'kling-v3-image-to-video', { ...v3, mode: 'pro' })).json.error,
			).toBe('payload.mode is not a parameter of this model');
		});
	});

	it('3.0 Turbo takes first_frame as a URL and the tier as resolution 720p or 1080p [C]', async () => {
		await withSimulator({ provider: 'gmiCloud' }, async (client) => {
			const turbo = { first_frame: URL, resolution: '1080p', duration: '15' };
			expect((await post(client, 'kling-3.0-turbo-i2v', turbo)).status).toBe(200);
			expect(
				(await post(client, 'kling-3.0-turbo-i2v', { ...turbo, resolution: '4k' })).status,
			).toBe(400);
			expect((await post(client, 'kling-3.0-turbo-i2v', { ...turbo, image: URL })).json.error).toBe(
				'payload.image is not a parameter of this model',
			);
		});
	});

	it('takes both readings of 2.6 sound, or only the one a test picks', async () => {
		await withSimulator({ provider: 'gmiCloud' }, async (client) => {
			for (const sound of ['on', 'off', 'yes', 'no'])
				expect((await post(client, 'kling-v2-6', { image: URL, sound })).status).toBe(200);
		});
		await withSimulator(
			{ provider: 'gmiCloud', requestForms: { gmiSoundValues: 'yesNo' } },
			async (client) => {
				const refused = await post(client, 'kling-v2-6', { image: URL, sound: 'on' });
				expect(refused.json.error).toBe(
					'payload.sound must be one of the string "yes", "no", not "on"',
				);
				expect((await post(client, 'kling-v2-6', { image: URL, sound: 'yes' })).status).toBe(200);
			},
		);
	});
});
