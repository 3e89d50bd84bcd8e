import { startCallbackReceiver, type CallbackReceiver } from '../../support/callbackReceiver';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../../tools/simulators';
import { SimulatorClient, sleep } from './simulatorClient';

/** The simulators' callbacks, as the push loop's tests rely on them: when, how often, and how retried. */

let sim: Simulator;
let client: SimulatorClient;
let receiver: CallbackReceiver;

afterEach(async () => {
	await client?.close();
	await sim?.close();
	await receiver?.close();
});

async function start(
	options: Partial<SimulatorOptions> & Pick<SimulatorOptions, 'provider'>,
	status = 200,
) {
	receiver = await startCallbackReceiver(status);
	sim = await startSimulator({ latency: { meanMs: 300 }, queueMs: 100, ...options });
	client = new SimulatorClient(sim);
}

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
	for (let waited = 0; !condition() && waited < timeoutMs; waited += 20) await sleep(20);
}

it('Novita calls extra.webhook.url once the task ends, and again after each refusal, five times at most', async () => {
	await start({ provider: 'novita', callbacks: { retryDelaysMs: [50, 50, 50, 50, 50] } }, 409);
	const taskId = await client.submit({
		...client.calls.submitBody(),
		extra: { webhook: { url: receiver.url } },
	});
	await until(() => sim.callbacks.length >= 6);
	await sleep(200);

	expect(sim.callbacks.map((call) => [call.taskId, call.event, call.attempt, call.status])).toEqual(
		[0, 1, 2, 3, 4, 5].map((attempt) => [taskId, 'finished', attempt, 409]),
	);
	expect(sim.callbacks[0].at).toBeGreaterThanOrEqual(sim.tasks[0].finishesAt);
	expect(receiver.calls[0].body).toMatchObject({
		event_type: 'ASYNC_TASK_RESULT',
		payload: { task: { task_id: taskId, status: 'TASK_STATUS_SUCCEED' } },
	});
});

it('Novita refuses an extra.webhook.url that is not an http(s) address', async () => {
	await start({ provider: 'novita' });
	const result = await client.call('POST', client.calls.submitPath, {
		body: { ...client.calls.submitBody(), extra: { webhook: { url: 'ftp://example.com/x' } } },
	});
	expect(result.status).toBe(400);
	expect(result.text).toContain('extra.webhook.url must be an http(s) URL');
	expect(sim.submissions()).toBe(0);
});

it('Kling calls callback_url on every status change; duplicate sends each twice', async () => {
	await start({ provider: 'kling', callbacks: { duplicate: true } });
	await client.call('POST', '/v1/videos/image2video', {
		body: {
			model_name: 'kling-v2-1',
			image: 'https://example.com/a.jpg',
			callback_url: receiver.url,
		},
	});
	await until(() => sim.callbacks.length >= 6);

	// The duplicates follow a moment later, so they may interleave with the next change.
	expect(sim.callbacks.map((call) => call.event).sort()).toEqual([
		'finished',
		'finished',
		'processing',
		'processing',
		'submitted',
		'submitted',
	]);
	const words = receiver.calls.map((call) => (call.body as { task_status: string }).task_status);
	expect(words.sort()).toEqual([
		'processing',
		'processing',
		'submitted',
		'submitted',
		'succeed',
		'succeed',
	]);
});

it('fal calls fal_webhook once done; an early call comes before, a dropped one never', async () => {
	await start({ provider: 'fal', latency: { meanMs: 1500 }, callbacks: { early: true } });
	const path = `${client.calls.submitPath}?fal_webhook=${encodeURIComponent(receiver.url)}`;
	await client.call('POST', path, { body: client.calls.submitBody() });
	await until(() => sim.callbacks.length >= 2);

	expect(sim.callbacks.map((call) => call.event)).toEqual(['early', 'finished']);
	expect(sim.callbacks[0].at).toBeLessThan(sim.tasks[0].finishesAt);
	expect(receiver.calls[1].body).toMatchObject({ status: 'OK', request_id: sim.tasks[0].id });

	sim.reset();
	await sim.close();
	sim = await startSimulator({
		provider: 'fal',
		latency: { meanMs: 100 },
		callbacks: { drop: true },
	});
	client = new SimulatorClient(sim);
	await client.call('POST', path, { body: client.calls.submitBody() });
	await sleep(400);
	expect(sim.callbacks).toEqual([]);
});
