import {
	runWorkflow,
	type InputItem,
	type NodeSpec,
	type RunningWorkflow,
} from '../support/engine';
import type { IConnections, INodeParameters, INodeType } from 'n8n-workflow';

import { AimlApi } from '../../credentials/AimlApi.credentials';
import { FalQueueApi } from '../../credentials/FalQueueApi.credentials';
import { GmiCloudApi } from '../../credentials/GmiCloudApi.credentials';
import { HighwayApi } from '../../credentials/HighwayApi.credentials';
import { KlingApi } from '../../credentials/KlingApi.credentials';
import { MyRouterApi } from '../../credentials/MyRouterApi.credentials';
import { NovitaApi } from '../../credentials/NovitaApi.credentials';
import { KlingImageToVideo } from '../../nodes/KlingImageToVideo/KlingImageToVideo.node';
import { PROVIDERS } from '../../nodes/KlingImageToVideo/providers';
import type { ProviderId, RecordedRequest, Simulator } from '../../tools/simulators';

/** Shared set-up for running the Kling node in n8n's engine against a provider simulator. */

export const ALL_PROVIDERS = Object.keys(PROVIDERS) as ProviderId[];

export const CREDENTIAL_TYPE = Object.fromEntries(
	ALL_PROVIDERS.map((provider) => [provider, PROVIDERS[provider].credentialType]),
) as Record<ProviderId, string>;

const credentialTypes = [
	new NovitaApi(),
	new MyRouterApi(),
	new HighwayApi(),
	new AimlApi(),
	new GmiCloudApi(),
	new KlingApi(),
	new FalQueueApi(),
];

/** The Authorization header an API request carries with the simulator's API key. */
export function apiKeyAuthorization(sim: Simulator): string {
	return sim.provider === 'fal' ? `Key ${sim.apiKey}` : `Bearer ${sim.apiKey}`;
}

export const IMAGE_URL = 'https://images.example.com/product.jpg';

/**
 * A Kling node spec: provider and operation first, then whatever the test sets. Node version 1
 * unless the settings say otherwise: the versions differ only in the default model, and the tests
 * that set none were written for Kling 2.1 (test/engine/nodeVersions.test.ts covers version 2).
 */
export function klingNode(
	sim: Simulator,
	parameters: INodeParameters,
	settings: Partial<NodeSpec> = {},
	name = 'Kling',
): NodeSpec {
	return {
		name,
		type: 'klingImageToVideo',
		typeVersion: 1,
		parameters: { provider: sim.provider, prompt: 'The camera slowly pushes in', ...parameters },
		credentials: [CREDENTIAL_TYPE[sim.provider]],
		...settings,
	};
}

export function runKling(
	sim: Simulator,
	spec: {
		nodes: NodeSpec[];
		input?: InputItem[];
		connections?: IConnections;
		credentials?: Record<string, unknown>;
		executionTimeoutMs?: number;
		/** More node types next to the Kling node (an agent, a tool variant...). */
		nodeTypes?: Record<string, INodeType>;
	},
): RunningWorkflow {
	return runWorkflow({
		nodeTypes: { klingImageToVideo: new KlingImageToVideo(), ...spec.nodeTypes },
		credentialTypes,
		credentials: {
			[CREDENTIAL_TYPE[sim.provider]]: {
				apiKey: sim.apiKey,
				baseUrl: sim.baseUrl,
				...spec.credentials,
			},
		},
		nodes: spec.nodes,
		connections: spec.connections,
		input: spec.input,
		executionTimeoutMs: spec.executionTimeoutMs,
	});
}

export const submitRequests = (sim: Simulator): RecordedRequest[] =>
	sim.requests.filter((request) => request.kind === 'submit');
export const statusRequests = (sim: Simulator): RecordedRequest[] =>
	sim.requests.filter((request) => request.kind === 'status');
export const apiRequests = (sim: Simulator): RecordedRequest[] =>
	sim.requests.filter((request) => request.server === 'api');
