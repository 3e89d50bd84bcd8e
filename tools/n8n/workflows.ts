/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Small builders for the workflows the end-to-end tests import: the same JSON the n8n editor saves.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import type { WorkflowJson } from './n8nCli';
import { KLING_NODE_TYPE, REPO_ROOT } from './packageInstall';

/** One node of a workflow. */
export type WorkflowNode = WorkflowJson['nodes'][number];

/** A reference to a stored credential, as a node carries it. */
export interface CredentialRef {
	type: string;
	id: string;
	name: string;
}

/** The n8n credential type of each provider the node supports. */
export const CREDENTIAL_TYPES = {
	novita: 'novitaApi',
	myRouter: 'myRouterApi',
	highwayApi: 'highwayApi',
	aimlApi: 'aimlApi',
	gmiCloud: 'gmiCloudApi',
	kling: 'klingApi',
	fal: 'falQueueApi',
} as const;

/** The providers, as the node's "Provider" parameter names them. */
export type ProviderId = keyof typeof CREDENTIAL_TYPES;

/** How each provider is named in the node's Provider list. */
export const PROVIDER_NAMES: Record<ProviderId, string> = {
	novita: 'Novita AI',
	myRouter: 'MyRouter',
	highwayApi: 'HighwayAPI',
	aimlApi: 'AI/ML API',
	gmiCloud: 'GMI Cloud',
	kling: 'Kling AI (Official API)',
	fal: 'fal.ai',
};

/** Every provider the node supports. */
export const PROVIDER_IDS = Object.keys(CREDENTIAL_TYPES) as ProviderId[];

/** A Manual Trigger: where `n8n execute` starts a workflow. */
export function manualTrigger(name = 'Start'): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.manualTrigger',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
}

/**
 * The Kling Image-to-Video node as installed from the packed package; node version 1 unless told
 * (the versions differ only in the default model: 2.1 for version 1, 3.0 for version 2).
 */
export function klingNode(
	name: string,
	parameters: Record<string, unknown>,
	credential: CredentialRef,
	typeVersion = 1,
): WorkflowNode {
	return {
		name,
		type: KLING_NODE_TYPE,
		typeVersion,
		position: [0, 0],
		parameters,
		credentials: { [credential.type]: { id: credential.id, name: credential.name } },
	};
}

/** "Read/Write Files from Disk" reading files into binary field `data`. */
export function readFilesNode(name: string, fileSelector: string): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [0, 0],
		parameters: { operation: 'read', fileSelector, options: {} },
	};
}

/** "Read/Write Files from Disk" writing binary field `dataPropertyName` to `fileName` (an expression is fine). */
export function writeFileNode(
	name: string,
	fileName: string,
	dataPropertyName = 'data',
): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.readWriteFile',
		typeVersion: 1.1,
		position: [0, 0],
		parameters: { operation: 'write', fileName, dataPropertyName, options: {} },
	};
}

/** An HTTP Request node that downloads `url` into binary field `data`. */
export function downloadNode(name: string, url: string): WorkflowNode {
	return {
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		position: [0, 0],
		parameters: { url, options: { response: { response: { responseFormat: 'file' } } } },
	};
}

/** A workflow whose nodes run one after the other, in the order given. */
export function chainWorkflow(id: string, name: string, nodes: WorkflowNode[]): WorkflowJson {
	return parallelWorkflow(id, name, nodes[0], [nodes.slice(1)]);
}

/** A trigger followed by independent branches, each a chain of nodes (they run one branch after the other). */
export function parallelWorkflow(
	id: string,
	name: string,
	trigger: WorkflowNode,
	branches: WorkflowNode[][],
): WorkflowJson {
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	> = {};
	const connect = (from: string, to: string) => {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	};
	const nodes = [{ ...trigger, position: [0, 0] as [number, number] }];
	branches.forEach((branch, row) => {
		let previous = trigger.name;
		branch.forEach((node, column) => {
			nodes.push({ ...node, position: [(column + 1) * 240, row * 180] });
			connect(previous, node.name);
			previous = node.name;
		});
	});
	return { id, name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A workflow with the given nodes (laid out left to right) and connections `[from, to]` between their main outputs. */
export function connectedWorkflow(
	id: string,
	name: string,
	nodes: WorkflowNode[],
	edges: Array<[string, string]>,
): WorkflowJson {
	const connections: Record<
		string,
		{ main: Array<Array<{ node: string; type: 'main'; index: number }>> }
	> = {};
	for (const [from, to] of edges) {
		connections[from] ??= { main: [[]] };
		connections[from].main[0].push({ node: to, type: 'main', index: 0 });
	}
	return {
		id,
		name,
		nodes: nodes.map((node, index) => ({
			...node,
			position: [index * 240, 0] as [number, number],
		})),
		connections,
		settings: { executionOrder: 'v1' },
	};
}

/** The example workflows shipped in examples/, by file name. */
export const EXAMPLE_FILES = [
	'generate-from-url.json',
	'scheduled-animate-and-hand-on.json',
	'submit-then-wait.json',
	'vertical-clip-with-sound.json',
	'vertical-clip-for-posting.json',
	'storyboard-three-shots.json',
	'durable-loop.json',
] as const;

/** Reads an example workflow from examples/ as it is committed. */
export function readExample(file: string): WorkflowJson {
	return JSON.parse(readFileSync(path.join(REPO_ROOT, 'examples', file), 'utf8')) as WorkflowJson;
}

/** A copy of `workflow` with every node's credential of `type` replaced by `credential`. */
export function withCredential(workflow: WorkflowJson, credential: CredentialRef): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node) =>
			node.credentials?.[credential.type]
				? {
						...node,
						credentials: {
							...node.credentials,
							[credential.type]: { id: credential.id, name: credential.name },
						},
					}
				: node,
		),
	};
}

/** The image the examples animate: the repository's own sample picture. */
export const EXAMPLE_IMAGE_URL =
	'https://raw.githubusercontent.com/n8n-nodes-kling-i2v/n8n-nodes-kling-i2v/main/examples/assets/sample.png';

/** The portrait product photo the 9:16 example animates. */
export const EXAMPLE_PRODUCT_IMAGE_URL =
	'https://raw.githubusercontent.com/n8n-nodes-kling-i2v/n8n-nodes-kling-i2v/main/examples/assets/product.png';

/** The folder the examples write videos to (n8n's default file-access folder in its Docker image). */
export const EXAMPLE_OUTPUT_FOLDER = '/home/node/.n8n-files';

/**
 * An example made runnable here, changing only what depends on the machine: its credential, and
 * the given text (URLs, folders) wherever it appears in a node's parameters.
 */
export function adaptExample(
	workflow: WorkflowJson,
	credential: CredentialRef,
	replacements: Record<string, string> = {},
): WorkflowJson {
	const adapted = withCredential(workflow, credential);
	return {
		...adapted,
		nodes: adapted.nodes.map((node) => {
			let parameters = JSON.stringify(node.parameters);
			for (const [from, to] of Object.entries(replacements)) {
				parameters = parameters
					.split(JSON.stringify(from).slice(1, -1))
					.join(JSON.stringify(to).slice(1, -1));
			}
			return { ...node, parameters: JSON.parse(parameters) as Record<string, unknown> };
		}),
	};
}
