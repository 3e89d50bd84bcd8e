import { FalQueueApi } from '../../credentials/FalQueueApi.credentials';
import { KlingApi } from '../../credentials/KlingApi.credentials';
import { resolveCredentialExpression, runCredentialTest } from '../support/credentialTest';
import { startSimulator, type Simulator } from '../../tools/simulators';

/**
 * The two new credentials' tests, run as n8n's credential tester runs them, against the
 * simulators: a right key passes, a wrong one is refused, and nothing is created or paid.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

describe('Kling AI API', () => {
	const klingApi = new KlingApi();

	it.each([
		['an API key', (s: Simulator) => ({ authType: 'apiKey', apiKey: s.apiKey })],
		[
			'an access key and secret key',
			(s: Simulator) => ({ authType: 'accessKey', accessKey: s.accessKey, secretKey: s.secretKey }),
		],
	])('passes with %s, by listing one task', async (_, credentials) => {
		sim = await startSimulator({ provider: 'kling' });
		const result = await runCredentialTest(klingApi, {
			...credentials(sim),
			baseUrl: `${sim.baseUrl}/`,
		});

		expect(result).toMatchObject({ status: 'OK' });
		expect(sim.requests.map((request) => [request.kind, request.query])).toEqual([
			['list', { pageNum: '1', pageSize: '1' }],
		]);
		expect(sim.submissions()).toBe(0);
	});

	it.each([
		['a wrong API key', (s: Simulator) => ({ authType: 'apiKey', apiKey: `${s.apiKey}x` })],
		[
			'a wrong secret key',
			(s: Simulator) => ({ authType: 'accessKey', accessKey: s.accessKey, secretKey: 'nope' }),
		],
	])('fails with %s, saying what to check', async (_, credentials) => {
		sim = await startSimulator({ provider: 'kling' });
		const result = await runCredentialTest(klingApi, { ...credentials(sim), baseUrl: sim.baseUrl });

		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/^Kling AI refused the key\. .*api-beijing.*clock/);
	});
});

describe('fal.ai API', () => {
	const falQueueApi = new FalQueueApi();

	it("asks fal's platform API for the default queue host, and a custom base URL directly", () => {
		const baseUrlOf = (baseUrl: string) =>
			resolveCredentialExpression(falQueueApi.test.request.baseURL, { baseUrl });
		expect(baseUrlOf('https://queue.fal.run')).toBe('https://api.fal.ai');
		expect(baseUrlOf('https://queue.fal.run/')).toBe('https://api.fal.ai');
		expect(baseUrlOf('https://fal-proxy.example.com/')).toBe('https://fal-proxy.example.com');
	});

	it('passes with the right key, reading a price, and fails with a wrong one', async () => {
		sim = await startSimulator({ provider: 'fal' });
		const right = await runCredentialTest(falQueueApi, {
			apiKey: sim.apiKey,
			baseUrl: sim.baseUrl,
		});
		const wrong = await runCredentialTest(falQueueApi, { apiKey: 'nope', baseUrl: sim.baseUrl });

		expect(right).toEqual({
			status: 'OK',
			message: 'Connection successful!',
			url: `${sim.baseUrl}/v1/models/pricing?endpoint_id=fal-ai%2Fkling-video%2Fv2.1%2Fstandard%2Fimage-to-video`,
		});
		expect(wrong).toMatchObject({
			status: 'Error',
			message: 'fal.ai refused the API key: check it',
		});
		expect(sim.requests.map((request) => [request.kind, request.status])).toEqual([
			['pricing', 200],
			['pricing', 401],
		]);
		expect(sim.requests[0].headers.authorization).toBe(`Key ${sim.apiKey}`);
	});
});
