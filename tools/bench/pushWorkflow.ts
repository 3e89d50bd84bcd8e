/**
 * The push loop of examples/durable-loop-push-relay.json for the bench's items: the durable loop with
 * Submit Task's Callback URL set to the example's Callback Relay (which forwards each call to
 * `{{ $execution.resumeUrl }}`, again each second while n8n refuses it), a Wait node resumed "On
 * Webhook Call" within `checkAfterSeconds`, and the pending tasks taken back after it (Pending
 * Tasks, Tasks Again), as the example does. The relay's nodes are the example's own.
 */
import type { WorkflowJson } from '../n8n/n8nCli';
import { PROVIDER_IDS, readExample, type CredentialRef, type ProviderId } from '../n8n/workflows';
import { durableWorkflow } from './workflows';

export const pushWebhookPath = (provider: ProviderId) => `bench-push-${provider}`;
const relayPath = (provider: ProviderId) => `bench-push-relay-${provider}`;

const EXAMPLE = readExample('durable-loop-push-relay.json');
const RELAY_NODES = ['Callback Relay', 'Worth Waking the Loop?', 'Wake the Loop'];
const exampleNode = (name: string) => EXAMPLE.nodes.find((node) => node.name === name)!;
const EXAMPLE_CALLBACK_URL = (
	exampleNode('Submit Tasks').parameters.options as { callbackUrl: string }
).callbackUrl;

type Connections = Record<
	string,
	{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
>;

const to = (node: string) => [{ node, type: 'main' as const, index: 0 }];

export function pushWorkflow(
	id: string,
	provider: ProviderId,
	credential: CredentialRef,
	count: number,
): WorkflowJson {
	const durable = durableWorkflow(id, provider, credential, count);
	const providerIndex = String(PROVIDER_IDS.indexOf(provider)).padStart(12, '0');
	const nodes = durable.nodes.map((node) => {
		if (node.name === 'Start')
			return {
				...node,
				webhookId: `0d0e5a0c-0000-4000-8002-${providerIndex}`,
				parameters: { ...node.parameters, path: pushWebhookPath(provider) },
			};
		if (node.name === 'Submit Task')
			return {
				...node,
				parameters: {
					...node.parameters,
					options: {
						callbackUrl: EXAMPLE_CALLBACK_URL.replace('kling-callback-relay', relayPath(provider)),
					},
				},
			};
		if (node.name === 'Wait')
			return {
				...node,
				webhookId: `0d0e5a0c-0000-4000-8003-${providerIndex}`,
				parameters: {
					resume: 'webhook',
					httpMethod: 'POST',
					limitWaitTime: true,
					limitType: 'afterTimeInterval',
					resumeAmount: '={{ $json.checkAfterSeconds }}',
					resumeUnit: 'seconds',
					options: {},
				},
			};
		// The example's Woken By: the round asks about the task the call names.
		if (node.name === 'Wait for Completion')
			return {
				...node,
				parameters: {
					...node.parameters,
					waitOptions: {
						...(node.parameters.waitOptions as Record<string, unknown>),
						wokenBy: "={{ $('Wait').first().json.query }}",
						callbacksRelayed: true,
					},
				},
			};
		return node;
	});
	const relay = RELAY_NODES.map(exampleNode).map((node) =>
		node.name === 'Callback Relay'
			? {
					...node,
					webhookId: `0d0e5a0c-0000-4000-8004-${providerIndex}`,
					parameters: { ...node.parameters, path: relayPath(provider) },
				}
			: node,
	);
	nodes.push(
		...relay,
		{
			name: 'Pending Tasks',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [770, 100],
			parameters: {},
		},
		{
			name: 'Tasks Again',
			type: 'n8n-nodes-base.code',
			typeVersion: 2,
			position: [990, 100],
			parameters: { jsCode: "return $('Pending Tasks').all();" },
		},
	);
	const connections = durable.connections as Connections;
	return {
		...durable,
		name: durable.name.replace('durable loop', 'push loop'),
		nodes,
		connections: {
			...connections,
			'Submit Task': { main: [to('Pending Tasks')] },
			'Pending Tasks': { main: [to('Wait')] },
			Wait: { main: [to('Tasks Again')] },
			'Tasks Again': { main: [to('Wait for Completion')] },
			'Still Running?': { main: [to('Pending Tasks')] },
			'Callback Relay': EXAMPLE.connections['Callback Relay'] as Connections[string],
			'Worth Waking the Loop?': EXAMPLE.connections[
				'Worth Waking the Loop?'
			] as Connections[string],
		},
	};
}
