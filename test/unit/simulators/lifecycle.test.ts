/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling runs in plain Node, outside n8n's sandbox */
import { request } from 'undici';
import { startSimulator } from '../../../tools/simulators';
import { SimulatorClient, sleep } from './simulatorClient';

const networkHandles = () =>
	process
		.getActiveResourcesInfo()
		.filter((name) => name === 'TCPServerWrap' || name === 'TCPSocketWrap');
const timerHandles = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout');

describe('simulator lifecycle', () => {
	it('close() ends hung requests, pending refused windows and every server, leaving no handle behind', async () => {
		const timersBefore = timerHandles().length;
		const sim = await startSimulator({ provider: 'aimlApi', latency: { meanMs: 10 } });
		const client = new SimulatorClient(sim);
		const taskId = await client.submit();
		await sleep(20);
		sim.faults.next('status', { type: 'hang' });
		const hung = client.status(taskId).catch((error: Error) => error);
		await sleep(30);
		sim.faults.next('download', { type: 'refused', forMs: 60_000 });
		const videoUrl = client.calls.videoUrlOf((await client.status(taskId)).json)!;
		await expect(client.download(videoUrl)).rejects.toThrow();

		await sim.close();
		expect(await hung).toBeInstanceOf(Error);
		await client.close();
		await sleep(10);
		expect(networkHandles()).toEqual([]);
		expect(timerHandles().length).toBeLessThanOrEqual(timersBefore);
		await expect(request(`${sim.baseUrl}/v1/billing/balance`)).rejects.toMatchObject({
			code: 'ECONNREFUSED',
		});
	});

	it('reset() forgets tasks, requests and faults but keeps the same origins', async () => {
		const sim = await startSimulator({ provider: 'gmiCloud', port: 0 });
		const client = new SimulatorClient(sim);
		try {
			await client.submit();
			sim.faults.next('status', { type: 'http', status: 500 });
			const { baseUrl } = sim;
			sim.reset();
			expect([sim.tasks.length, sim.requests.length, sim.submissions()]).toEqual([0, 0, 0]);
			expect(sim.baseUrl).toBe(baseUrl);
			expect((await client.status('gone')).status).toBe(404); // no 500: the fault was cleared
		} finally {
			await client.close();
			await sim.close();
		}
	});

	it('streams a 200 MB video without holding it in memory', async () => {
		const size = 200 * 1024 * 1024;
		const sim = await startSimulator({
			provider: 'novita',
			latency: { meanMs: 0 },
			queueMs: 0,
			videoBytes: size,
		});
		const client = new SimulatorClient(sim);
		try {
			const final = await client.waitForTerminal(await client.submit());
			const response = await request(client.calls.videoUrlOf(final)!, { dispatcher: client.agent });
			expect(response.headers['content-length']).toBe(String(size));
			const rssBefore = process.memoryUsage().rss;
			let peakRss = rssBefore;
			let received = 0;
			let head: Buffer | undefined;
			for await (const chunk of response.body) {
				head ??= chunk as Buffer;
				received += (chunk as Buffer).length;
				if (received % (16 * 1024 * 1024) < 65536)
					peakRss = Math.max(peakRss, process.memoryUsage().rss);
			}
			expect(received).toBe(size);
			expect(head!.subarray(4, 8).toString('latin1')).toBe('ftyp');
			expect(peakRss - rssBefore).toBeLessThan(100 * 1024 * 1024);
		} finally {
			await client.close();
			await sim.close();
		}
	});
});
