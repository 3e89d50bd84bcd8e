/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { once } from 'node:events';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import path from 'node:path';
import type {
	ICredentialType,
	IExecuteFunctions,
	INodeCredentialDescription,
	INodeExecutionData,
	INodeType,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError, NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import {
	binaryStoreFolder,
	connect,
	HARNESS_TRIGGER_NODE_NAME,
	runWorkflow,
} from '../support/engine';

// ---- a local server standing in for an API and its CDN ----

interface SeenRequest {
	path: string;
	headers: IncomingHttpHeaders;
}

const VIDEO_BYTES = Buffer.alloc(3 * 1024 * 1024 + 17, 'kling');

let server: Server;
let serverUrl: string;
let seenRequests: SeenRequest[] = [];

beforeAll(async () => {
	server = createServer((request, response) => {
		const path = request.url ?? '/';
		seenRequests.push({ path, headers: request.headers });
		if (path === '/api/task') {
			response.writeHead(200, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ taskId: 'task-1' }));
		} else if (path === '/api/rejects') {
			response.writeHead(422, { 'content-type': 'application/json' });
			response.end(JSON.stringify({ message: 'image is too small' }));
		} else if (path === '/cdn/video.mp4') {
			// Chunked, so the client has to stream it.
			response.writeHead(200, { 'content-type': 'video/mp4' });
			const chunkSize = 64 * 1024;
			for (let offset = 0; offset < VIDEO_BYTES.length; offset += chunkSize) {
				response.write(VIDEO_BYTES.subarray(offset, offset + chunkSize));
			}
			response.end();
		} else {
			response.writeHead(404).end();
		}
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	server.close();
	await once(server, 'close');
});

beforeEach(() => {
	seenRequests = [];
});

// ---- tiny node types ----

function defineNode(
	name: string,
	execute: (this: IExecuteFunctions) => Promise<INodeExecutionData[][]>,
	credentials?: INodeCredentialDescription[],
): INodeType {
	return {
		description: {
			displayName: name,
			name,
			group: ['transform'],
			version: 1,
			description: `Test node ${name}`,
			defaults: { name },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
			credentials,
		},
		execute,
	};
}

const bearerCredential: ICredentialType = {
	name: 'harnessBearerApi',
	displayName: 'Harness Bearer API',
	properties: [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
		},
		{ displayName: 'Region', name: 'region', type: 'string', default: 'eu-west' },
	],
	authenticate: {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
				// Not set by the test: n8n fills the credential's default before resolving.
				'X-Region': '={{$credentials.region}}',
			},
		},
	},
};

// Not a real key: the value the tests look for in headers and logs.
const API_KEY = 'dummy-harness-api-key-7f3a';

describe('engine harness', () => {
	it('passes items through and records pairedItem as n8n does', async () => {
		const shout = defineNode('shout', async function () {
			return [
				this.getInputData().map((item, index) => ({
					json: { word: String(item.json.word).toUpperCase() },
					pairedItem: { item: index },
				})),
			];
		});
		// No pairedItem from this node: the engine adds it for same-length output.
		const count = defineNode('count', async function () {
			return [
				this.getInputData().map((item) => ({
					json: { ...item.json, length: String(item.json.word).length },
				})),
			];
		});

		const run = await runWorkflow({
			nodeTypes: { shout, count },
			nodes: [
				{ name: 'Shout', type: 'shout' },
				{ name: 'Count', type: 'count' },
			],
			input: [{ json: { word: 'one' } }, { json: { word: 'three' } }],
		}).result;

		expect(run.status).toBe('success');
		expect(run.error).toBeUndefined();
		expect(run.output(HARNESS_TRIGGER_NODE_NAME)).toHaveLength(2);
		expect(run.output('Shout')).toEqual([
			{ json: { word: 'ONE' }, pairedItem: { item: 0 } },
			{ json: { word: 'THREE' }, pairedItem: { item: 1 } },
		]);
		expect(run.output('Count').map((item) => [item.json.length, item.pairedItem])).toEqual([
			[3, { item: 0 }],
			[5, { item: 1 }],
		]);
		expect(() => run.output('Nope')).toThrow(/Node "Nope" has no run 0/);
	});

	it('resolves expressions in node parameters per item', async () => {
		const greet = defineNode('greet', async function () {
			return [
				this.getInputData().map((_item, index) => ({
					json: { greeting: this.getNodeParameter('greeting', index) as string },
					pairedItem: { item: index },
				})),
			];
		});
		greet.description.properties = [
			{ displayName: 'Greeting', name: 'greeting', type: 'string', default: '' },
		];

		const run = await runWorkflow({
			nodeTypes: { greet },
			nodes: [
				{ name: 'Greet', type: 'greet', parameters: { greeting: '=Hello {{ $json.name }}' } },
			],
			input: [{ json: { name: 'Ada' } }, { json: { name: 'Linus' } }],
		}).result;

		expect(run.output('Greet').map((item) => item.json.greeting)).toEqual([
			'Hello Ada',
			'Hello Linus',
		]);
	});

	it('fails the run when a required parameter is missing, as n8n refuses to start it', async () => {
		const needsPrompt = defineNode('needsPrompt', async function () {
			return [this.getInputData()];
		});
		needsPrompt.description.properties = [
			{ displayName: 'Prompt', name: 'prompt', type: 'string', required: true, default: '' },
		];

		const run = await runWorkflow({
			nodeTypes: { needsPrompt },
			nodes: [{ name: 'Needs Prompt', type: 'needsPrompt' }],
		}).result;

		expect(run.status).toBe('error');
		expect(run.error?.message).toMatch(/Parameter "Prompt" is required/);
		expect(run.runData).toEqual({});
	});

	it('applies a generic credential to httpRequestWithAuthentication only', async () => {
		const callApi = defineNode(
			'callApi',
			async function () {
				const task = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'harnessBearerApi',
					{
						method: 'POST',
						url: `${serverUrl}/api/task`,
						body: { image: 'x' },
						json: true,
					},
				)) as JsonObject;
				await this.helpers.httpRequest({
					url: `${serverUrl}/cdn/video.mp4`,
					encoding: 'arraybuffer',
				});
				return [[{ json: task, pairedItem: { item: 0 } }]];
			},
			[{ name: 'harnessBearerApi', required: true }],
		);

		const run = await runWorkflow({
			nodeTypes: { callApi },
			credentialTypes: [bearerCredential],
			credentials: { harnessBearerApi: { apiKey: API_KEY } },
			nodes: [{ name: 'Call API', type: 'callApi' }],
		}).result;

		expect(run.status).toBe('success');
		expect(run.output('Call API')[0].json).toEqual({ taskId: 'task-1' });
		const [apiRequest, cdnRequest] = seenRequests;
		expect(apiRequest.path).toBe('/api/task');
		expect(apiRequest.headers.authorization).toBe(`Bearer ${API_KEY}`);
		expect(apiRequest.headers['x-region']).toBe('eu-west');
		expect(cdnRequest.path).toBe('/cdn/video.mp4');
		expect(cdnRequest.headers.authorization).toBeUndefined();
		expect(run.logs.join('\n')).not.toContain(API_KEY);
	});

	it('streams a download into the filesystem binary store and reads it back', async () => {
		const download = defineNode('download', async function () {
			const body = (await this.helpers.httpRequest({
				url: `${serverUrl}/cdn/video.mp4`,
				encoding: 'stream',
			})) as Readable;
			const binary = await this.helpers.prepareBinaryData(body, 'x.mp4', 'video/mp4');
			return [[{ json: {}, binary: { data: binary }, pairedItem: { item: 0 } }]];
		});

		const run = await runWorkflow({
			nodeTypes: { download },
			nodes: [{ name: 'Download', type: 'download' }],
		}).result;

		expect(run.status).toBe('success');
		const [item] = run.output('Download');
		const binary = item.binary!.data;
		expect(binary).toMatchObject({
			fileName: 'x.mp4',
			mimeType: 'video/mp4',
			bytes: VIDEO_BYTES.length,
		});
		// Stored as a file, not as base64 inside the item.
		expect(binary.id).toMatch(/^filesystem/);
		expect(binary.data).not.toContain('a2xpbmc');
		const storedFileSizes = readdirSync(binaryStoreFolder, {
			recursive: true,
			encoding: 'utf8',
		}).map((file) => statSync(path.join(binaryStoreFolder, file)).size);
		expect(storedFileSizes).toContain(VIDEO_BYTES.length);
		expect((await run.readBinary(item)).equals(VIDEO_BYTES)).toBe(true);
	});

	it.each(['filesystem', 'in-memory'] as const)(
		'gives input binary data to the node (%s store)',
		async (binaryDataMode) => {
			const measure = defineNode('measure', async function () {
				return [
					await Promise.all(
						this.getInputData().map(async (_item, index) => {
							const binary = this.helpers.assertBinaryData(index, 'image');
							const bytes = await this.helpers.getBinaryDataBuffer(index, 'image');
							return {
								json: {
									fileName: binary.fileName,
									mimeType: binary.mimeType,
									text: bytes.toString(),
								},
								pairedItem: { item: index },
							};
						}),
					),
				];
			});

			const run = await runWorkflow({
				nodeTypes: { measure },
				nodes: [{ name: 'Measure', type: 'measure' }],
				binaryDataMode,
				input: [
					{
						json: { prompt: 'a cat' },
						binary: {
							image: {
								data: Buffer.from('not really a png'),
								mimeType: 'image/png',
								fileName: 'cat.png',
							},
						},
					},
				],
			}).result;

			expect(run.status).toBe('success');
			expect(run.output('Measure')[0].json).toEqual({
				fileName: 'cat.png',
				mimeType: 'image/png',
				text: 'not really a png',
			});
			const triggerItem = run.output(HARNESS_TRIGGER_NODE_NAME)[0];
			expect(Boolean(triggerItem.binary!.image.id)).toBe(binaryDataMode === 'filesystem');
			expect((await run.readBinary(triggerItem, 'image')).toString()).toBe('not really a png');
		},
	);

	it('surfaces a NodeApiError with its HTTP code as the run error', async () => {
		const rejected = defineNode(
			'rejected',
			async function () {
				const response = (await this.helpers.httpRequestWithAuthentication.call(
					this,
					'harnessBearerApi',
					{
						method: 'POST',
						url: `${serverUrl}/api/rejects`,
						json: true,
						ignoreHttpStatusErrors: true,
						returnFullResponse: true,
					},
				)) as { statusCode: number; body: JsonObject };
				throw new NodeApiError(this.getNode(), response.body, {
					httpCode: String(response.statusCode),
					itemIndex: 0,
				});
			},
			[{ name: 'harnessBearerApi', required: true }],
		);

		const run = await runWorkflow({
			nodeTypes: { rejected },
			credentialTypes: [bearerCredential],
			credentials: { harnessBearerApi: { apiKey: API_KEY } },
			nodes: [{ name: 'Rejected', type: 'rejected' }],
		}).result;

		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '422',
			context: { itemIndex: 0 },
			node: { name: 'Rejected' },
		});
		expect(run.nodeError('Rejected')?.message).toBe(run.error?.message);
		expect(run.logs.join('\n')).not.toContain(API_KEY);
	});

	it('keeps the NodeApiError httpRequestWithAuthentication throws (re-wrapping returns it unchanged)', async () => {
		const rewraps = defineNode(
			'rewraps',
			async function () {
				try {
					await this.helpers.httpRequestWithAuthentication.call(this, 'harnessBearerApi', {
						method: 'POST',
						url: `${serverUrl}/api/rejects`,
						json: true,
					});
				} catch (error) {
					// n8n-workflow hands back the original: this itemIndex and message are dropped.
					throw new NodeApiError(this.getNode(), error as JsonObject, {
						itemIndex: 5,
						message: 'ignored',
					});
				}
				return [[]];
			},
			[{ name: 'harnessBearerApi', required: true }],
		);

		const run = await runWorkflow({
			nodeTypes: { rewraps },
			credentialTypes: [bearerCredential],
			credentials: { harnessBearerApi: { apiKey: API_KEY } },
			nodes: [{ name: 'Rewraps', type: 'rewraps' }],
		}).result;

		expect(run.status).toBe('error');
		expect(run.error).toMatchObject({
			name: 'NodeApiError',
			httpCode: '422',
			description: 'image is too small',
			context: { data: { message: 'image is too small' } },
		});
		expect(run.error?.message).not.toBe('ignored');
		expect(run.error).not.toHaveProperty('context.itemIndex');
	});

	describe('when an item fails', () => {
		const failSecondItem = defineNode('failSecondItem', async function () {
			const returnData: INodeExecutionData[] = [];
			for (const [index, item] of this.getInputData().entries()) {
				if (index !== 1) {
					returnData.push({ json: { ok: item.json.n }, pairedItem: { item: index } });
					continue;
				}
				const failure = new NodeOperationError(this.getNode(), 'item 1 is broken', {
					itemIndex: index,
				});
				if (!this.continueOnFail()) throw failure;
				returnData.push({ json: { error: failure.message }, pairedItem: { item: index } });
			}
			return [returnData];
		});
		const input = [{ json: { n: 0 } }, { json: { n: 1 } }, { json: { n: 2 } }];

		it('stops the workflow by default', async () => {
			const run = await runWorkflow({
				nodeTypes: { failSecondItem },
				nodes: [{ name: 'Fail', type: 'failSecondItem' }],
				input,
			}).result;

			expect(run.status).toBe('error');
			expect(run.error).toMatchObject({ message: 'item 1 is broken', context: { itemIndex: 1 } });
		});

		it('turns the failure into an error item with continueOnFail', async () => {
			const run = await runWorkflow({
				nodeTypes: { failSecondItem },
				nodes: [{ name: 'Fail', type: 'failSecondItem', continueOnFail: true }],
				input,
			}).result;

			expect(run.status).toBe('success');
			expect(run.output('Fail')).toEqual([
				{ json: { ok: 0 }, pairedItem: { item: 0 } },
				{ json: { error: 'item 1 is broken' }, pairedItem: { item: 1 } },
				{ json: { ok: 2 }, pairedItem: { item: 2 } },
			]);
		});

		it('routes the error item to the error output with continueErrorOutput', async () => {
			const noop = defineNode('noop', async function () {
				return [this.getInputData()];
			});
			const run = await runWorkflow({
				nodeTypes: { failSecondItem, noop },
				nodes: [
					{ name: 'Fail', type: 'failSecondItem', onError: 'continueErrorOutput' },
					{ name: 'On Success', type: 'noop' },
					{ name: 'On Error', type: 'noop' },
				],
				connections: connect(
					{ from: HARNESS_TRIGGER_NODE_NAME, to: 'Fail' },
					{ from: 'Fail', to: 'On Success', outputIndex: 0 },
					{ from: 'Fail', to: 'On Error', outputIndex: 1 },
				),
				input,
			}).result;

			expect(run.status).toBe('success');
			expect(run.output('Fail', 0).map((item) => item.json)).toEqual([{ ok: 0 }, { ok: 2 }]);
			// n8n merges the failed item's input json into the error item it routes.
			expect(run.output('Fail', 1)).toEqual([
				{ json: { n: 1, error: 'item 1 is broken' }, pairedItem: { item: 1 } },
			]);
			expect(run.output('On Error')).toHaveLength(1);
			expect(run.output('On Success')).toHaveLength(2);
		});
	});

	describe('cancellation', () => {
		function createSleeper() {
			let markStarted!: () => void;
			const started = new Promise<void>((resolve) => (markStarted = resolve));
			const seen = { aborted: false };
			const sleeper = defineNode('sleeper', async function () {
				const signal = this.getExecutionCancelSignal();
				markStarted();
				try {
					await sleep(30_000, undefined, { signal });
				} catch (error) {
					seen.aborted = signal?.aborted === true;
					throw new NodeOperationError(this.getNode(), error as Error, {
						message: 'Execution was canceled',
					});
				}
				return [this.getInputData()];
			});
			return { sleeper, started, seen };
		}

		it('aborts the running node when cancel() is called, like the Stop button', async () => {
			const { sleeper, started, seen } = createSleeper();
			const execution = runWorkflow({
				nodeTypes: { sleeper },
				nodes: [{ name: 'Sleep', type: 'sleeper' }],
			});
			await started;

			const canceledAt = Date.now();
			execution.cancel();
			const run = await execution.result;

			expect(Date.now() - canceledAt).toBeLessThan(1000);
			expect(seen.aborted).toBe(true);
			expect(run.status).toBe('canceled');
			expect(run.timedOut).toBe(false);
		});

		it('cancels on the execution timeout', async () => {
			const { sleeper, seen } = createSleeper();
			const startedAt = Date.now();
			const run = await runWorkflow({
				nodeTypes: { sleeper },
				nodes: [{ name: 'Sleep', type: 'sleeper' }],
				executionTimeoutMs: 300,
			}).result;

			expect(Date.now() - startedAt).toBeLessThan(1300);
			expect(seen.aborted).toBe(true);
			expect(run.status).toBe('canceled');
			expect(run.timedOut).toBe(true);
		});
	});

	it('captures what nodes log through this.logger', async () => {
		const chatty = defineNode('chatty', async function () {
			this.logger.info('Kling task submitted', { taskId: 'task-42' });
			return [this.getInputData()];
		});

		const run = await runWorkflow({
			nodeTypes: { chatty },
			nodes: [{ name: 'Chatty', type: 'chatty' }],
		}).result;

		expect(run.logs).toContainEqual(expect.stringMatching(/^info: Kling task submitted .*task-42/));
	});
});
