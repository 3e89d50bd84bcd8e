import {
	expectedVideoBytes,
	startSimulator,
	type ResponseShapes,
	type Simulator,
	type SimulatorOptions,
} from '../../tools/simulators';
import { IMAGE_URL, klingNode, runKling, statusRequests } from './kling';

/**
 * GMI Cloud's answers in the shapes [3P] a third-party GMI client reads (beside the documented
 * ones in providerTruth.test.ts): where the video is, why a request failed, and a `created`
 * status. Each item ends as a user expects, and no case creates a second task.
 */

let sim: Simulator;
afterEach(async () => await sim?.close());

async function simulate(options: Omit<SimulatorOptions, 'provider'>): Promise<Simulator> {
	sim = await startSimulator({ provider: 'gmiCloud', latency: { meanMs: 300 }, ...options });
	return sim;
}

const generate = () => klingNode(sim, { operation: 'generate', imageUrl: IMAGE_URL });

const unknownStatusLines = (logs: string[]) =>
	logs.filter((line) => /^debug: .*answered the unknown status/.test(line));

/** Status requests answered after the task had finished at the provider. */
const answersAfterFinish = () =>
	statusRequests(sim).filter((request) => request.at >= sim.tasks[0].finishesAt);

describe('GMI Cloud answers as [3P] a third-party GMI client reads them', () => {
	it.each<NonNullable<ResponseShapes['gmiVideoUrl']>>(['outcome.medias', 'outcome.medias.strings'])(
		'a video under %s (objects with a url, or URL strings) is found and delivered',
		async (gmiVideoUrl) => {
			await simulate({ shapes: { gmiVideoUrl } });
			const run = await runKling(sim, { nodes: [generate()] }).result;

			expect(run.error).toBeUndefined();
			expect(await run.readBinary(run.output('Kling')[0])).toEqual(expectedVideoBytes(2048));
			expect(sim.submissions()).toBe(1);
		},
	);

	it.each<NonNullable<ResponseShapes['gmiFailure']>>([
		'error_message',
		'outcome.message',
		'outcome.fail_reason',
	])("a failure's reason in %s is what the user sees", async (gmiFailure) => {
		await simulate({ shapes: { gmiFailure } });
		sim.setTaskOutcome('next', { status: 'failed', reason: 'Image contains prohibited content' });
		const run = await runKling(sim, { nodes: [generate()] }).result;

		expect(run.error?.message).toBe(
			`Task ${sim.tasks[0].id} failed at GMI Cloud: Image contains prohibited content [item 0]`,
		);
		expect(answersAfterFinish()).toHaveLength(1);
		expect(sim.submissions()).toBe(1);
	});

	it('a `created` status is queued: the wait goes on through it, and the videos arrive', async () => {
		await simulate({
			latency: { meanMs: 5_000, spread: 0 },
			queueMs: 4_500,
			statusWords: { queued: 'created' },
		});
		// Two tasks of one kind: each probes the other's span, so the wait after `created` stays short.
		const run = await runKling(sim, {
			nodes: [generate()],
			input: [{ json: {} }, { json: {} }],
		}).result;

		expect(run.error).toBeUndefined();
		for (const item of run.output('Kling'))
			expect(await run.readBinary(item)).toEqual(expectedVideoBytes(2048));
		for (const task of sim.tasks) {
			const asked = statusRequests(sim).filter((request) => request.taskId === task.id);
			expect(
				asked.filter((request) => request.at < task.processingStartsAt).length,
			).toBeGreaterThanOrEqual(1);
		}
		expect(unknownStatusLines(run.logs)).toEqual([]);
		expect(sim.submissions()).toBe(2);
	});
});
