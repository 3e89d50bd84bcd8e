/**
 * The contenders as n8n workflows: the loop of core nodes n8n users build today, the node's Generate
 * Video (waiting in memory), and the durable loop of examples/durable-loop.json (waiting in n8n's
 * database between rounds). All start from the same N items, made without the Code node (Set, then
 * Split Out).
 */
import type { Simulator } from '../simulators';
import type { WorkflowJson } from '../n8n/n8nCli';
import {
	klingNode,
	manualTrigger,
	PROVIDER_IDS,
	type CredentialRef,
	type ProviderId,
	type WorkflowNode,
} from '../n8n/workflows';

export const PROMPT = 'The camera slowly pushes in while the lake shimmers';

/** How a user talks to each provider's raw API in the loop: submit, status, "done" test, video URL. */
interface RawApi {
	submitPath: string;
	submitBody: (item: string) => string;
	/** Expression giving the task id on both the submit answer and a status answer (the loop feeds both to Get Status). */
	taskIdExpression: string;
	statusUrl: (baseUrl: string, taskId: string) => string;
	statusExpression: string;
	succeeded: string;
	videoUrlExpression: string;
}

const NOVITA_FAMILY: RawApi = {
	submitPath: '/v3/async/kling-v2.1-i2v',
	submitBody: (item) =>
		`={ "image": "https://example.com/frame-${item}.jpg", "prompt": "${PROMPT}", "duration": "5", "mode": "Standard" }`,
	taskIdExpression: '$json.task_id ?? $json.task.task_id',
	statusUrl: (baseUrl, taskId) => `${baseUrl}/v3/async/task-result?task_id=${taskId}`,
	statusExpression: '$json.task.status',
	succeeded: 'TASK_STATUS_SUCCEED',
	videoUrlExpression: '$json.videos[0].video_url',
};

/** The loop is built for the resellers' Bearer-key APIs; the official Kling API and fal are not benchmarked. */
const RAW_APIS: Partial<Record<ProviderId, RawApi>> = {
	novita: NOVITA_FAMILY,
	myRouter: NOVITA_FAMILY,
	highwayApi: NOVITA_FAMILY,
	aimlApi: {
		submitPath: '/v2/video/generations',
		submitBody: (item) =>
			`={ "model": "kling-video/v2.1/standard/image-to-video", "image_url": "https://example.com/frame-${item}.jpg", "prompt": "${PROMPT}", "duration": 5 }`,
		taskIdExpression: '$json.id',
		statusUrl: (baseUrl, taskId) => `${baseUrl}/v2/video/generations?generation_id=${taskId}`,
		statusExpression: '$json.status',
		succeeded: 'completed',
		videoUrlExpression: '$json.video.url',
	},
	gmiCloud: {
		submitPath: '/api/v1/ie/requestqueue/apikey/requests',
		submitBody: (item) =>
			`={ "model": "Kling-Image2Video-V2.1-Standard", "payload": { "image": "https://example.com/frame-${item}.jpg", "prompt": "${PROMPT}", "duration": "5" } }`,
		taskIdExpression: '$json.request_id',
		statusUrl: (baseUrl, taskId) => `${baseUrl}/api/v1/ie/requestqueue/apikey/requests/${taskId}`,
		statusExpression: '$json.status',
		succeeded: 'success',
		videoUrlExpression: '$json.outcome.video_url',
	},
};

type Edge = [from: string, to: string, outputIndex?: number];

function workflow(id: string, name: string, nodes: WorkflowNode[], edges: Edge[]): WorkflowJson {
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	> = {};
	for (const [from, to, output = 0] of edges) {
		connections[from] ??= { main: [] };
		while (connections[from].main.length <= output) connections[from].main.push([]);
		connections[from].main[output].push({ node: to, type: 'main', index: 0 });
	}
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** Set (one field holding [0..count-1]) then Split Out: `count` items { task: i } without the Code node. */
function itemNodes(count: number): WorkflowNode[] {
	const list = JSON.stringify({ task: Array.from({ length: count }, (_, i) => i) });
	return [
		{
			name: 'Make Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			position: [220, 0],
			parameters: { mode: 'raw', jsonOutput: list, options: {} },
		},
		{
			name: 'Split Out',
			type: 'n8n-nodes-base.splitOut',
			typeVersion: 1,
			position: [440, 0],
			parameters: { fieldToSplitOut: 'task', options: {} },
		},
	];
}

function httpNode(
	name: string,
	position: [number, number],
	parameters: Record<string, unknown>,
): WorkflowNode {
	return { name, type: 'n8n-nodes-base.httpRequest', typeVersion: 4.2, position, parameters };
}

function bearer(apiKey: string) {
	return {
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'Authorization', value: `Bearer ${apiKey}` }] },
	};
}

/**
 * The no-code loop: Submit (HTTP Request) → Wait → Get Status (HTTP Request) → Done? (IF) →
 * true: Download (HTTP Request, file) / false: back to Wait. With v1 execution order each pass of
 * the loop waits once for all the items still running, then asks about each of them at once.
 */
export function loopWorkflow(
	id: string,
	sim: Simulator,
	count: number,
	waitSeconds: number,
): WorkflowJson {
	const api = RAW_APIS[sim.provider];
	if (!api) throw new Error(`no no-code loop baseline for ${sim.provider}`);
	const nodes: WorkflowNode[] = [
		manualTrigger(),
		...itemNodes(count),
		httpNode('Submit', [660, 0], {
			method: 'POST',
			url: `${sim.baseUrl}${api.submitPath}`,
			...bearer(sim.apiKey),
			sendBody: true,
			specifyBody: 'json',
			jsonBody: api.submitBody('{{ $json.task }}'),
			options: {},
		}),
		{
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [880, 0],
			parameters: { amount: waitSeconds, unit: 'seconds' },
		},
		httpNode('Get Status', [1100, 0], {
			url: `=${api.statusUrl(sim.baseUrl, `{{ ${api.taskIdExpression} }}`)}`,
			...bearer(sim.apiKey),
			options: {},
		}),
		{
			name: 'Done?',
			type: 'n8n-nodes-base.if',
			typeVersion: 2.2,
			position: [1320, 0],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'c0ffee00-0000-4000-8000-000000000001',
							leftValue: `={{ ${api.statusExpression} }}`,
							rightValue: api.succeeded,
							operator: { type: 'string', operation: 'equals' },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
		httpNode('Download', [1540, -120], {
			url: `={{ ${api.videoUrlExpression} }}`,
			options: { response: { response: { responseFormat: 'file' } } },
		}),
	];
	return workflow(
		id,
		`Bench: no-code loop (${sim.provider}, ${count} tasks, Wait ${waitSeconds} s)`,
		nodes,
		[
			['Start', 'Make Items'],
			['Make Items', 'Split Out'],
			['Split Out', 'Submit'],
			['Submit', 'Wait'],
			['Wait', 'Get Status'],
			['Get Status', 'Done?'],
			['Done?', 'Download', 0],
			['Done?', 'Wait', 1],
		],
	);
}

/** The node's Generate Video for the same items. */
export function nodeWorkflow(
	id: string,
	provider: ProviderId,
	credential: CredentialRef,
	count: number,
	pollIntervalSeconds: number,
): WorkflowJson {
	const kling = klingNode(
		'Generate Video',
		{
			provider,
			operation: 'generate',
			imageSource: 'url',
			imageUrl: '=https://example.com/frame-{{ $json.task }}.jpg',
			prompt: PROMPT,
			mode: 'standard',
			duration: '5',
			waitOptions: pollIntervalSeconds > 0 ? { pollIntervalSeconds } : {},
		},
		credential,
	);
	return workflow(
		id,
		`Bench: Kling node (${provider}, ${count} tasks)`,
		[manualTrigger(), ...itemNodes(count), { ...kling, position: [660, 0] }],
		[
			['Start', 'Make Items'],
			['Make Items', 'Split Out'],
			['Split Out', 'Generate Video'],
		],
	);
}

/** How long each round of the durable loop holds, as examples/durable-loop.json does. */
export const DURABLE_HOLD_SECONDS = 60;

/** The webhook path that starts a provider's durable loop. */
export const durableWebhookPath = (provider: ProviderId) => `bench-durable-${provider}`;

/**
 * The durable loop of examples/durable-loop.json for the same items: Submit Task → Wait
 * `checkAfterSeconds` → Wait for Completion holding 60 s, passing unfinished items on → Still
 * Running? → back to the Wait. Started by a webhook: it parks, so only n8n as a server runs it.
 */
export function durableWorkflow(
	id: string,
	provider: ProviderId,
	credential: CredentialRef,
	count: number,
): WorkflowJson {
	const kling = (
		name: string,
		position: [number, number],
		parameters: Record<string, unknown>,
	) => ({
		...klingNode(name, { provider, ...parameters }, credential),
		position,
	});
	const nodes: WorkflowNode[] = [
		{
			name: 'Start',
			type: 'n8n-nodes-base.webhook',
			typeVersion: 2,
			position: [0, 0],
			webhookId: `0d0e5a0c-0000-4000-8000-${String(PROVIDER_IDS.indexOf(provider)).padStart(12, '0')}`,
			parameters: {
				httpMethod: 'POST',
				path: durableWebhookPath(provider),
				responseMode: 'onReceived',
				options: {},
			},
		},
		...itemNodes(count),
		kling('Submit Task', [660, 0], {
			operation: 'submit',
			imageSource: 'url',
			imageUrl: '=https://example.com/frame-{{ $json.task }}.jpg',
			prompt: PROMPT,
			mode: 'standard',
			duration: '5',
		}),
		{
			name: 'Wait',
			type: 'n8n-nodes-base.wait',
			typeVersion: 1.1,
			position: [880, 0],
			webhookId: `0d0e5a0c-0000-4000-8001-${String(PROVIDER_IDS.indexOf(provider)).padStart(12, '0')}`,
			parameters: { amount: '={{ $json.checkAfterSeconds }}', unit: 'seconds' },
		},
		kling('Wait for Completion', [1100, 0], {
			operation: 'waitForCompletion',
			taskId: '={{ $json.taskId }}',
			waitOptions: {
				holdAtMostSeconds: DURABLE_HOLD_SECONDS,
				stillRunningAfterHold: 'passOn',
				timeoutSeconds: 3600,
			},
		}),
		{
			name: 'Still Running?',
			type: 'n8n-nodes-base.if',
			typeVersion: 2.2,
			position: [1320, 0],
			parameters: {
				conditions: {
					options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
					conditions: [
						{
							id: 'c0ffee00-0000-4000-8000-000000000002',
							leftValue: '={{ $json.done === false }}',
							rightValue: '',
							operator: { type: 'boolean', operation: 'true', singleValue: true },
						},
					],
					combinator: 'and',
				},
				options: {},
			},
		},
	];
	return workflow(
		id,
		`Bench: durable loop (${provider}, ${count} tasks, hold ${DURABLE_HOLD_SECONDS} s)`,
		nodes,
		[
			['Start', 'Make Items'],
			['Make Items', 'Split Out'],
			['Split Out', 'Submit Task'],
			['Submit Task', 'Wait'],
			['Wait', 'Wait for Completion'],
			['Wait for Completion', 'Still Running?'],
			['Still Running?', 'Wait', 0],
		],
	);
}

/** A workflow that does nothing of note: `n8n execute` of it measures n8n's boot (which loads the installed packages). */
export function bootWorkflow(id: string): WorkflowJson {
	return workflow(
		id,
		'Bench: boot only',
		[manualTrigger(), ...itemNodes(1).slice(0, 1)],
		[['Start', 'Make Items']],
	);
}
