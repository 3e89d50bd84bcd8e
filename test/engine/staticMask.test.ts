import type { IDataObject } from 'n8n-workflow';

import { startSimulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, submitRequests } from './kling';

/** The motion brush's static area, where AI/ML API documents it: Kling 2.1 Professional [C]. */

const MASK_URL = 'https://images.example.com/still-area-mask.png';

describe('static mask at AI/ML API', () => {
	it('Kling 2.1 Professional: sent as static_mask, one submission, one video', async () => {
		const sim = await startSimulator({ provider: 'aimlApi', latency: { meanMs: 120 } });
		try {
			const run = await runKling(sim, {
				nodes: [
					klingNode(sim, {
						operation: 'generate',
						model: 'v2.1',
						mode: 'professional',
						imageUrl: IMAGE_URL,
						duration: '5',
						options: { staticMaskUrl: MASK_URL },
					}),
				],
			}).result;

			expect(run.error).toBeUndefined();
			expect(submitRequests(sim).map((request) => request.status)).toEqual([200]);
			expect(sim.tasks[0].body as IDataObject).toMatchObject({
				model: 'kling-video/v2.1/pro/image-to-video',
				static_mask: MASK_URL,
			});
		} finally {
			await sim.close();
		}
	});
});
