import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { properties, providerCredentials } from './description';
import { MODEL_CATALOGUE, NODE_VERSIONS } from './models/catalogue';
import { listNames } from './shared/wording';

/**
 * The node's one input and output. n8n-workflow has NodeConnectionTypes from 1.83 (n8n 1.85) on; in
 * n8n 1.82 to 1.84 it is undefined and 'main', its value, is what n8n reads.
 */
const MAIN_CONNECTION = NodeConnectionTypes?.Main ?? 'main';

/** "Kling 2.1, 2.5 Turbo, 2.6, 3.0 or O1". */
const MODEL_LIST = `Kling ${listNames(MODEL_CATALOGUE.map((entry) => entry.name.replace(/^Kling /, '')))}`;

export class KlingImageToVideo implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Kling Image-to-Video',
		name: 'klingImageToVideo',
		icon: { light: 'file:kling.svg', dark: 'file:kling.dark.svg' },
		group: ['transform'],
		// Version 2 makes Kling 3.0 until a model is chosen; version 1 workflows keep Kling 2.1.
		version: [...NODE_VERSIONS],
		defaultVersion: NODE_VERSIONS[NODE_VERSIONS.length - 1],
		subtitle:
			'={{ {generate: "Generate Video", submit: "Submit Task", waitForCompletion: "Wait for Completion", getStatus: "Get Status", getBalance: "Get Balance"}[$parameter["operation"]] }}',
		description: `Turn a still image into a short video with ${MODEL_LIST}, through Kling's own API, fal.ai, Novita AI, MyRouter, HighwayAPI, AI/ML API or GMI Cloud`,
		defaults: { name: 'Kling Image-to-Video' },
		usableAsTool: true,
		inputs: [MAIN_CONNECTION],
		outputs: [MAIN_CONNECTION],
		credentials: providerCredentials,
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Loaded on first use: n8n loads every installed node at boot, most of them never run.
		const { router } = await import('./actions/router');
		return await router.call(this);
	}
}
