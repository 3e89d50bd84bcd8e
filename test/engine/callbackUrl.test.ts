import { sleep } from 'n8n-workflow';

import type { EngineRun } from '../support/engine';
import { startCallbackReceiver, type CallbackReceiver } from '../support/callbackReceiver';
import {
	startSimulator,
	type FaultRule,
	type ProviderId,
	type Simulator,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, submitRequests } from './kling';

/**
 * "Callback URL" in Generate Video and Submit Task: sent in the documented place at the three
 * routes that call back, sent nowhere else, checked before paying, and never shown: the address
 * carries the token that resumes an n8n execution.
 */

let sim: Simulator;
let receiver: CallbackReceiver;
beforeEach(async () => {
	receiver = await startCallbackReceiver();
});
afterEach(async () => {
	await sim?.close();
	await receiver.close();
});

const start = async (provider: ProviderId, faults: FaultRule[] = []) => {
	sim = await startSimulator({
		provider,
		latency: { meanMs: 600 },
		queueMs: 200,
		callbacks: { retryDelaysMs: [200, 400] },
		faults,
	});
	return sim;
};

const node = (operation: 'generate' | 'submit', callbackUrl = receiver.expression, extra = {}) =>
	klingNode(sim, {
		operation,
		imageUrl: IMAGE_URL,
		downloadVideo: false,
		options: { callbackUrl },
		...extra,
	});

/** Everything a user could see of a run: output, errors, and every log line. */
function everythingShown(run: EngineRun): string {
	return JSON.stringify({ runData: run.runData, error: run.error, logs: run.logs });
}

function expectNoCallbackAddress(run: EngineRun): void {
	const shown = everythingShown(run);
	for (const secret of [receiver.token, receiver.url, encodeURIComponent(receiver.url)])
		expect(shown).not.toContain(secret);
}

/**
 * The address as sent: the user's, its `signature` kept, with the node's tag for the item appended
 * (n8n 2.x reads its token from `signature` alone, so another query parameter keeps it valid).
 */
function tagOf(sent: unknown): string {
	expect(typeof sent).toBe('string');
	const [bare, tag] = (sent as string).split('&klingTag=');
	expect(bare).toBe(receiver.url);
	expect(tag).toMatch(/^n8n-[A-Za-z0-9._:-]+$/);
	return tag;
}

/** Waits until the receiver has at least `count` calls (they follow the task, not the run). */
async function callsArrive(count: number): Promise<void> {
	for (let waited = 0; receiver.calls.length < count && waited < 5000; waited += 50)
		await sleep(50);
}

describe('at the routes that document a callback', () => {
	it('the official Kling API gets callback_url and calls it on every status change', async () => {
		await start('kling');
		const run = await runKling(sim, { nodes: [node('generate')] }).result;

		expect(run.status).toBe('success');
		expect(run.output('Kling')[0].json.status).toBe('succeeded');
		const tag = tagOf((sim.tasks[0].body as Record<string, unknown>).callback_url);
		await callsArrive(3);
		expect(receiver.calls.every((call) => call.path.endsWith(`&klingTag=${tag}`))).toBe(true);
		expect(
			receiver.calls.map((call) => (call.body as { task_status: string }).task_status),
		).toEqual(['submitted', 'processing', 'succeed']);
		expectNoCallbackAddress(run);
	});

	it('fal.ai gets fal_webhook as a query parameter of the queue submission, called once it ends', async () => {
		await start('fal');
		const run = await runKling(sim, { nodes: [node('generate')] }).result;

		expect(run.status).toBe('success');
		tagOf(submitRequests(sim)[0].query.fal_webhook);
		expect(JSON.stringify(sim.tasks[0].body)).not.toContain(receiver.token);
		await callsArrive(1);
		expect(receiver.calls.map((call) => (call.body as { status: string }).status)).toEqual(['OK']);
		expectNoCallbackAddress(run);
	});

	it('Novita AI gets extra.webhook.url, called when the task ends', async () => {
		await start('novita');
		const run = await runKling(sim, { nodes: [node('submit')] }).result;

		expect(run.status).toBe('success');
		const { extra } = sim.tasks[0].body as { extra: { webhook: { url: string } } };
		expect(Object.keys(extra)).toEqual(['webhook']);
		// The item carries the tag its call will name: Wait for Completion's "Woken By" matches it.
		expect(run.output('Kling')[0].json).toMatchObject({
			status: 'queued',
			taskId: sim.tasks[0].id,
			callbackTag: tagOf(extra.webhook.url),
		});
		await callsArrive(1);
		expect(receiver.calls.map((call) => (call.body as { event_type: string }).event_type)).toEqual([
			'ASYNC_TASK_RESULT',
		]);
		expectNoCallbackAddress(run);
	});
});

describe.each<ProviderId>(['myRouter', 'highwayApi', 'aimlApi', 'gmiCloud'])(
	'at %s, which documents no callback',
	(provider) => {
		it('the task is submitted as without the option, and nothing calls back', async () => {
			await start(provider);
			const run = await runKling(sim, { nodes: [node('generate')] }).result;

			expect(run.status).toBe('success');
			expect(run.output('Kling')[0].json.status).toBe('succeeded');
			const submit = submitRequests(sim)[0];
			expect(JSON.stringify([sim.tasks[0].body, submit.query, submit.path])).not.toContain(
				receiver.token,
			);
			await sleep(300);
			expect(receiver.calls).toEqual([]);
			expectNoCallbackAddress(run);
		});
	},
);

describe('a Callback URL that is not an http(s) address', () => {
	it.each([
		['an ftp address', 'ftp://files.example.com/resume?signature=abcdefgh12345678'],
		['a mistyped expression result', 'resumeUrl?signature=abcdefgh12345678'],
		['an address without a host', 'https://?signature=abcdefgh12345678'],
	])('%s is refused before anything is sent, without quoting it', async (_name, value) => {
		await start('fal');
		const run = await runKling(sim, {
			nodes: [node('submit', `={{ $json.callback ?? (${receiver.expression.slice(4, -3)}) }}`)],
			input: [{ json: {} }, { json: { callback: value } }],
		}).result;

		expect(run.status).toBe('error');
		expect(run.error?.message).toBe(
			'"Callback URL" must be an http(s) URL, for example {{ $execution.resumeUrl }} [item 1]',
		);
		expect(sim.requests).toEqual([]);
		// The item itself holds the value; the error and the logs do not repeat it.
		const said = JSON.stringify([run.error?.message, run.error?.description, run.logs]);
		expect(said).not.toContain('abcdefgh12345678');
	});

	it('a value longer than any resume URL names the limit', async () => {
		await start('kling');
		const run = await runKling(sim, {
			nodes: [node('submit', `https://example.com/${'x'.repeat(3000)}`)],
		}).result;

		expect(run.error?.message).toBe(
			'"Callback URL" is 3020 characters long; at most 2048 are accepted [item 0]',
		);
		expect(sim.requests).toEqual([]);
	});
});

describe('errors of a run with a Callback URL', () => {
	/** A provider that quotes the request back in its error, in every form the address could take. */
	const echo = () =>
		`callback ${receiver.url} (${encodeURIComponent(receiver.url)}) token ${receiver.token} refused`;

	it.each<[string, ProviderId, FaultRule]>([
		[
			'a refused submission at Kling',
			'kling',
			{ kind: 'submit', action: () => ({ type: 'http', status: 400, message: echo() }) },
		],
		[
			'a refused submission at fal',
			'fal',
			{ kind: 'submit', action: () => ({ type: 'http', status: 422, message: echo() }) },
		],
		[
			'an unconfirmed submission at Novita',
			'novita',
			{
				kind: 'submit',
				action: () => ({ type: 'http', status: 500, message: echo(), afterCreate: true }),
			},
		],
		[
			'a failing status request at Kling',
			'kling',
			{ kind: 'status', action: () => ({ type: 'http', status: 403, message: echo() }) },
		],
	])('%s shows neither the address nor its token', async (_name, provider, fault) => {
		await start(provider, [fault]);
		const run = await runKling(sim, {
			nodes: [node('generate', receiver.expression, { waitOptions: { timeoutSeconds: 20 } })],
		}).result;

		expect(run.status).toBe('error');
		expect(`${run.error?.message} ${run.error?.description}`).toContain('***');
		expectNoCallbackAddress(run);
	});
});
