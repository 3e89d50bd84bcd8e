import type { EngineRun } from '../support/engine';
import { expectedVideoBytes, startSimulator, type Simulator } from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling } from './kling';

/** The API key goes to the provider's API host and nowhere else: not to storage, redirects, output, errors or logs. */

const API_KEY = 'dummy-key-7f3a9c2e51b84d06';

let sim: Simulator;
afterEach(async () => await sim?.close());

const generate = () => klingNode(sim, { operation: 'generate', imageUrl: IMAGE_URL });

function everythingTheRunProduced(run: EngineRun): string {
	return JSON.stringify({
		runData: run.runData,
		error: run.error,
		logs: run.logs,
		result: run.run.data.resultData,
	});
}

function expectKeyOnlyAtTheApi() {
	for (const request of sim.requests) {
		const leaked = JSON.stringify(request).includes(API_KEY);
		expect({ server: request.server, path: request.path, leaked }).toEqual({
			server: request.server,
			path: request.path,
			leaked: request.server === 'api',
		});
	}
}

it('a successful run: the key appears in API requests only, never in what the run produced', async () => {
	sim = await startSimulator({ provider: 'novita', apiKey: API_KEY, latency: { meanMs: 300 } });
	sim.faults.next('download', { type: 'redirect' });
	const run = await runKling(sim, { nodes: [generate()] }).result;

	expect(run.error).toBeUndefined();
	expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
	// The storage host redirected to a foreign origin; the video was fetched there, without credentials.
	expect(
		sim.requests.some((request) => request.server === 'other' && request.kind === 'download'),
	).toBe(true);
	expectKeyOnlyAtTheApi();
	expect(everythingTheRunProduced(run)).not.toContain(API_KEY);
});

it('a provider that echoes the key in its error message does not get it into the error', async () => {
	sim = await startSimulator({ provider: 'aimlApi', apiKey: API_KEY });
	sim.faults.next('submit', { type: 'http', status: 401, message: `Invalid API key ${API_KEY}` });
	const run = await runKling(sim, { nodes: [generate()] }).result;

	expect(run.error?.message).toBe(
		'AI/ML API rejected the API key (401): Invalid API key *** [item 0]',
	);
	expect(run.error?.description).toContain('Check the API key in the AI/ML API credential');
	expect(everythingTheRunProduced(run)).not.toContain(API_KEY);
});

it('nor when the error body is bare text rather than a JSON object', async () => {
	sim = await startSimulator({ provider: 'novita', apiKey: API_KEY });
	sim.faults.next('submit', { type: 'http', status: 401, body: `Invalid API key ${API_KEY}` });
	const run = await runKling(sim, { nodes: [generate()] }).result;

	expect(run.error?.message).toBe(
		'Novita AI rejected the API key (401): Invalid API key *** [item 0]',
	);
	expect(everythingTheRunProduced(run)).not.toContain(API_KEY);
});

it('an API redirect to another origin is not followed, so the key cannot travel with it', async () => {
	sim = await startSimulator({ provider: 'gmiCloud', apiKey: API_KEY, latency: { meanMs: 300 } });
	sim.faults.next('status', { type: 'redirect' });
	const run = await runKling(sim, { nodes: [generate()] }).result;

	expect(run.error?.message).toBe(
		`GMI Cloud answered with a redirect (302) to ${new URL(sim.otherHostUrl).origin} [item 0]`,
	);
	expect(run.error?.description).toContain('never leaves the configured host');
	expect(run.error?.description).toContain(
		`This item's task, ${sim.tasks[0].id}, exists at the provider`,
	);
	expect(sim.requests.filter((request) => request.server === 'other')).toEqual([]);
	expectKeyOnlyAtTheApi();
	expect(everythingTheRunProduced(run)).not.toContain(API_KEY);
});
