import { startSimulator, type ProviderId, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests, submitRequests } from './kling';

/**
 * A provider that no longer serves a model (Kling 2.1 is reported retired on Kling's own API
 * since 2026-09-15 [3P]) refuses its submission in its own words: the Novita family and fal.ai
 * with a 404 for the model's path, AI/ML API and GMI Cloud with a 400 on `model`, Kling with a
 * 1201 on `model_name`. The item's error says so and names the newest model the node offers
 * there; the submission is sent once, nothing is made, nothing is retried.
 */

const CASES: Array<[ProviderId, string, string]> = [
	// The newest by release, not by the editor's order: 3.0 (2026-02) came after O1 (2025-12).
	['novita', 'kling-v2.1-i2v', 'Kling 3.0 ("v3.0")'],
	['myRouter', 'kling-v2.1-i2v', 'Kling 3.0 ("v3.0")'],
	['highwayApi', 'kling-v2.1-i2v', 'Kling 3.0 ("v3.0")'],
	['aimlApi', 'kling-video/v2.1/standard/image-to-video', 'Kling 3.0 Turbo ("v3.0-turbo")'],
	['gmiCloud', 'Kling-Image2Video-V2.1-Standard', 'Kling 3.0 Turbo ("v3.0-turbo")'],
	['kling', 'kling-v2-1', 'Kling 3.0 Omni ("v3.0-omni")'],
	['fal', 'v2.1/standard/image-to-video', 'Kling 3.0 Omni ("v3.0-omni")'],
];

let sim: Simulator;
afterEach(async () => await sim?.close());

describe.each(CASES)('a model %s no longer serves (%s)', (provider, retired, newest) => {
	it('fails the item with the model named and the newest offered instead, after one request', async () => {
		sim = await startSimulator({ provider, retiredModels: [retired], latency: { meanMs: 20 } });
		// A version 1 node holding no model: Kling 2.1, Standard.
		const run = await runKling(sim, {
			nodes: [klingNode(sim, { operation: 'generate', imageUrl: IMAGE_URL })],
		}).result;

		expect(run.error?.message).toMatch(
			new RegExp(
				`no longer serves Kling 2\\.1 \\(or does not know it\\): it refused the task \\((404|400)`,
			),
		);
		expect(run.error?.description).toContain(`The newest model the node offers at `);
		expect(run.error?.description).toContain(`is ${newest}`);
		expect(run.error?.description).toContain('No task was created and nothing was charged');
		// A 404 is also what a wrong Base URL gets: the description says so only then.
		const answered404 = submitRequests(sim)[0].status === 404;
		expect(run.error?.description?.includes('wrong Base URL')).toBe(answered404);
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.tasks).toHaveLength(0);
		expect(statusRequests(sim)).toHaveLength(0);
	});
});

it('with Continue On Fail, each item carries the error, and each was sent once', async () => {
	sim = await startSimulator({
		provider: 'kling',
		retiredModels: ['kling-v2-1'],
		latency: { meanMs: 20 },
	});
	const run = await runKling(sim, {
		nodes: [
			klingNode(
				sim,
				{ operation: 'generate', imageUrl: IMAGE_URL },
				{ onError: 'continueRegularOutput' },
			),
		],
		input: [{ json: {} }, { json: {} }],
	}).result;

	const outputs = run.output('Kling');
	expect(outputs.map((item) => String(item.json.error))).toEqual([
		expect.stringMatching(/^Kling AI no longer serves Kling 2\.1/),
		expect.stringMatching(/^Kling AI no longer serves Kling 2\.1/),
	]);
	expect(submitRequests(sim)).toHaveLength(2);
	expect(sim.tasks).toHaveLength(0);
});
