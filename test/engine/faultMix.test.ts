/* eslint-disable no-console, @n8n/community-nodes/no-restricted-globals -- prints the seed so a failure can be replayed, read from the environment */
import {
	DEFAULT_RANDOM_FAULTS,
	expectedVideoBytes,
	randomFaults,
	startSimulator,
	type Simulator,
} from '../../tools/simulators';
import { klingNode, runKling } from './kling';

/**
 * 50 items under a seeded random mix of faults at every stage. Whatever happens: items in equals
 * items out, each paired to its own input, and no item ever creates a second task.
 * Replay a failure with KLING_FAULT_SEED=<seed printed below>.
 */

const SEED = Number(process.env.KLING_FAULT_SEED ?? 20261121);
const ITEMS = 50;

let sim: Simulator;
afterAll(async () => await sim?.close());

it(`50 items under random faults (seed ${SEED}): one output per input, never two tasks for one item`, async () => {
	console.log(`fault mix seed: ${SEED}`);
	sim = await startSimulator({
		provider: 'novita',
		seed: SEED,
		videoBytes: 50_000,
		latency: { meanMs: 2_000, spread: 0.5, seed: SEED },
		faults: randomFaults({
			seed: SEED,
			rate: 0.15,
			kinds: ['submit', 'status', 'download'],
			actions: {
				status: [
					...DEFAULT_RANDOM_FAULTS.status,
					{ type: 'hang' },
					{ type: 'refused', forMs: 500 },
				],
				download: DEFAULT_RANDOM_FAULTS.download,
			},
		}),
	});
	const input = Array.from({ length: ITEMS }, (_, index) => ({
		json: { url: `https://images.example.com/${index}.png` },
	}));
	const node = klingNode(
		sim,
		{
			operation: 'generate',
			imageUrl: '={{ $json.url }}',
			requestOptions: { requestTimeoutSeconds: 2 },
		},
		{ onError: 'continueRegularOutput' },
	);
	const run = await runKling(sim, { nodes: [node], input }).result;

	const output = run.output('Kling');
	expect(output).toHaveLength(ITEMS);
	expect(output.map((item) => item.pairedItem)).toEqual(input.map((_, item) => ({ item })));

	const tasksByImage = new Map<string, string[]>();
	for (const task of sim.tasks) {
		const image = String((task.body as { image?: string }).image);
		tasksByImage.set(image, [...(tasksByImage.get(image) ?? []), task.id]);
	}
	expect([...tasksByImage.values()].filter((ids) => ids.length > 1)).toEqual([]);

	let succeeded = 0;
	const errors: string[] = [];
	for (const [index, item] of output.entries()) {
		if (item.json.status === 'succeeded') {
			succeeded++;
			expect(item.json.taskId).toBe(tasksByImage.get(input[index].json.url)?.[0]);
			expect(await run.readBinary(item)).toEqual(expectedVideoBytes(50_000));
		} else {
			expect(item.json.error).toEqual(expect.any(String));
			errors.push(`  item ${index}: ${String(item.json.error)}`);
			expect(item.json.provider).toBe('novita');
		}
	}
	const faulted = sim.requests.filter((request) => request.fault).length;
	console.log(
		`seed ${SEED}: ${succeeded}/${ITEMS} videos, ${ITEMS - succeeded} reported errors, ${sim.tasks.length} tasks created, ${faulted} faulted requests\n${errors.join('\n')}`,
	);
	expect(faulted).toBeGreaterThan(20);
	expect(succeeded).toBeGreaterThan(ITEMS / 2);
});
