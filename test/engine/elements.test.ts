import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSimulator, type ProviderId, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, submitRequests } from './kling';

/**
 * Subject references (`elements`) where a route takes them inline with the request: AI/ML API's
 * 3.0 schema [C] and fal's 3.0 [3P copy of fal's docs]. The body each simulator received, one
 * task, and refusals before any request.
 */

const FRONT = 'https://images.example.com/bottle-front.jpg';
const SIDE = 'https://images.example.com/bottle-side.jpg';
const BACK = 'https://images.example.com/bottle-back.jpg';
const MODEL = 'https://images.example.com/model-face.jpg';

const withElements = (
	element: INodeParameters[],
	extra: INodeParameters = {},
): INodeParameters => ({
	operation: 'generate',
	model: 'v3.0',
	mode: 'standard',
	imageUrl: IMAGE_URL,
	duration: '5',
	prompt: '@Element1 stands on the shelf while @Element2 picks it up',
	elements: { element },
	...extra,
});

async function withSimulator(provider: ProviderId, run: (sim: Simulator) => Promise<void>) {
	const sim = await startSimulator({ provider, latency: { meanMs: 120 } });
	try {
		await run(sim);
	} finally {
		await sim.close();
	}
}

async function generate(sim: Simulator, parameters: INodeParameters) {
	return await runKling(sim, { nodes: [klingNode(sim, parameters)] }).result;
}

describe('subject references, sent inline', () => {
	it.each([['aimlApi'], ['fal']] as Array<[ProviderId]>)(
		'%s: two subjects, one per element, reference links one per line',
		async (provider) => {
			await withSimulator(provider, async (sim) => {
				const run = await generate(
					sim,
					withElements([
						{ frontalImageUrl: FRONT, referenceImageUrls: `${SIDE}\n  ${BACK}\n\n` },
						{ frontalImageUrl: MODEL, referenceImageUrls: MODEL },
					]),
				);

				expect(run.error).toBeUndefined();
				expect(submitRequests(sim).map((request) => request.status)).toEqual([200]);
				expect(sim.submissions()).toBe(1);
				expect((sim.tasks[0].body as IDataObject).elements).toEqual([
					{ frontal_image_url: FRONT, reference_image_urls: [SIDE, BACK] },
					{ frontal_image_url: MODEL, reference_image_urls: [MODEL] },
				]);
			});
		},
	);

	it('AI/ML API, Kling 3.0 Omni: its schema takes them as v3 does [C]', async () => {
		await withSimulator('aimlApi', async (sim) => {
			const run = await generate(
				sim,
				withElements([{ frontalImageUrl: FRONT, referenceImageUrls: SIDE }], {
					model: 'v3.0-omni',
				}),
			);

			expect(run.error).toBeUndefined();
			expect(sim.submissions()).toBe(1);
			expect(sim.tasks[0].model).toBe('klingai/video-v3-omni-720p-image-to-video');
			expect((sim.tasks[0].body as IDataObject).elements).toEqual([
				{ frontal_image_url: FRONT, reference_image_urls: [SIDE] },
			]);
		});
	});

	it('AI/ML API: the frontal image is optional there, so an element may carry references only', async () => {
		await withSimulator('aimlApi', async (sim) => {
			const run = await generate(sim, withElements([{ referenceImageUrls: SIDE }]));

			expect(run.error).toBeUndefined();
			expect((sim.tasks[0].body as IDataObject).elements).toEqual([
				{ reference_image_urls: [SIDE] },
			]);
		});
	});

	it('no subjects: no elements field', async () => {
		await withSimulator('fal', async (sim) => {
			const run = await generate(sim, withElements([]));

			expect(run.error).toBeUndefined();
			expect(sim.tasks[0].body).not.toHaveProperty('elements');
		});
	});
});

describe('subject references the routes would refuse are refused before paying', () => {
	const one = { frontalImageUrl: FRONT, referenceImageUrls: SIDE };
	it.each([
		[
			'five subjects at AI/ML API',
			'aimlApi',
			[one, one, one, one, one],
			'"Subject References" has 5 subjects; Kling 3.0 at AI/ML API takes up to 4 [item 0]',
		],
		[
			'five reference images',
			'aimlApi',
			[{ frontalImageUrl: FRONT, referenceImageUrls: [SIDE, BACK, SIDE, BACK, SIDE].join('\n') }],
			'Subject 1 has 5 reference images; Kling 3.0 at AI/ML API takes 1 to 4 a subject, one link per line [item 0]',
		],
		[
			'no reference image',
			'aimlApi',
			[{ frontalImageUrl: FRONT, referenceImageUrls: '' }],
			'Subject 1 has 0 reference images; Kling 3.0 at AI/ML API takes 1 to 4 a subject, one link per line [item 0]',
		],
		[
			'no frontal image at fal.ai',
			'fal',
			[{ referenceImageUrls: SIDE }],
			'Subject 1 has no frontal image; Kling 3.0 at fal.ai needs one for each subject [item 0]',
		],
		[
			'a file: link',
			'fal',
			[{ frontalImageUrl: FRONT, referenceImageUrls: `${SIDE}\nfile:///tmp/back.jpg` }],
			'Reference image 2 of subject 1 must start with http:// or https:// (the provider downloads it), not file: [item 0]',
		],
	] as Array<[string, ProviderId, INodeParameters[], string]>)(
		'%s',
		async (_, provider, element, message) => {
			await withSimulator(provider, async (sim) => {
				const run = await generate(sim, withElements(element));

				expect(run.status).toBe('error');
				expect(run.error?.message).toBe(message);
				expect(sim.requests).toEqual([]);
			});
		},
	);
});
