import { NodeConnectionTypes } from 'n8n-workflow';

import { KlingImageToVideo } from '../../nodes/KlingImageToVideo/KlingImageToVideo.node';
import { connect, HARNESS_TRIGGER_NODE_NAME } from '../support/engine';
import {
	scriptedAgent,
	toolVariantOf,
	type ToolCallResult,
} from '../support/engine/scripted-agent';
import { startSimulator, type Simulator } from '../../tools/simulators';
import { ALL_PROVIDERS, IMAGE_URL, klingNode, runKling, submitRequests } from './kling';

/**
 * Node version 2 makes Kling 3.0 (Standard, 5 s, sound off) when no Model is set, at every route;
 * a version 1 node holding no model (n8n saves none equal to the default) still makes Kling 2.1.
 * The request a bare version 2 node sends is the one a node naming Kling 3.0 sends.
 */

describe.each(ALL_PROVIDERS)('node versions at %s', (provider) => {
	let sim: Simulator;

	beforeEach(async () => {
		sim = await startSimulator({ provider, videoBytes: 2048, latency: { meanMs: 20 } });
	});
	afterEach(async () => await sim.close());

	async function generate(typeVersion: number, parameters: Record<string, string> = {}) {
		const run = await runKling(sim, {
			nodes: [
				klingNode(
					sim,
					{ operation: 'generate', imageUrl: IMAGE_URL, ...parameters },
					{ typeVersion },
				),
			],
		}).result;
		expect(run.error).toBeUndefined();
		const [item] = run.output('Kling');
		const task = sim.tasks[sim.tasks.length - 1];
		// Kling's external_task_id names the execution, so it differs between any two runs.
		const body = { ...(task.body as Record<string, unknown>) };
		delete body.external_task_id;
		return { json: item.json, model: task.model, body };
	}

	it('version 2 with no Model set makes Kling 3.0, Standard, 5 s, as a node naming Kling 3.0 does', async () => {
		const bare = await generate(2);
		const named = await generate(1, { model: 'v3.0' });

		expect(bare.json).toMatchObject({ model: 'v3.0', mode: 'standard', duration: 5 });
		expect(bare.model).toBe(named.model);
		expect(bare.body).toEqual(named.body);
		expect(JSON.stringify(bare.body)).not.toMatch(
			/"(sound|generate_audio|audio)":\s*(true|"on"|"yes")/,
		);
		expect(submitRequests(sim)).toHaveLength(2);
	});

	it('version 1 with no Model set still makes Kling 2.1, as a node naming Kling 2.1 does', async () => {
		const bare = await generate(1);
		const named = await generate(2, { model: 'v2.1' });

		expect(bare.json).toMatchObject({ model: 'v2.1', mode: 'standard', duration: 5 });
		expect(bare.model).toBe(named.model);
		expect(bare.body).toEqual(named.body);
		expect(submitRequests(sim)).toHaveLength(2);
	});
});

describe('a version 2 node as an AI-agent tool', () => {
	let sim: Simulator;
	afterEach(async () => await sim?.close());

	it('makes Kling 3.0 when no Model is set, and answers the agent', async () => {
		sim = await startSimulator({ provider: 'fal', videoBytes: 2048, latency: { meanMs: 20 } });
		const parameters = { operation: 'generate', imageUrl: '={{ $json.imageUrl }}' };
		const run = await runKling(sim, {
			nodeTypes: {
				klingImageToVideoTool: toolVariantOf(new KlingImageToVideo()),
				scriptedAgent: scriptedAgent([{ toolNode: 'Kling Tool', input: { imageUrl: IMAGE_URL } }]),
			},
			nodes: [
				{ name: 'Agent', type: 'scriptedAgent' },
				{
					...klingNode(sim, parameters, { typeVersion: 2 }, 'Kling Tool'),
					type: 'klingImageToVideoTool',
				},
			],
			connections: connect(
				{ from: HARNESS_TRIGGER_NODE_NAME, to: 'Agent' },
				{ from: 'Kling Tool', to: 'Agent', type: NodeConnectionTypes.AiTool },
			),
		}).result;

		expect(run.error).toBeUndefined();
		const [result] = run.output('Agent')[0].json.results as ToolCallResult[];
		expect(result.answer).toEqual([
			expect.objectContaining({ model: 'v3.0', mode: 'standard', duration: 5 }),
		]);
		expect(submitRequests(sim)).toHaveLength(1);
		expect(sim.tasks[0].model).toContain('v3');
	});
});
