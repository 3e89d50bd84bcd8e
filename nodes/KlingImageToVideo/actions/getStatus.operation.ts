import { readTaskId } from '../input/readGenerationRequest';
import { TERMINAL_STATUSES, type TaskSnapshot } from '../providers';
import type { TaskHints, WatchedTask } from '../waiting/poller';
import type { OperationContext } from './operationContext';
import { hintsFromInput, hintsJson } from './taskHints';
import { snapshotJson } from './taskResults';

/**
 * Asks once per item and reports what the provider says, failed tasks included, without waiting:
 * `done` once the task has ended, else `checkAfterSeconds` until it is next worth asking.
 */
export async function getStatus(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const { run, provider } = ctx;
	const items = run.ctx.getInputData();
	const taskIds = await run.checkEach(itemIndexes, (itemIndex) =>
		readTaskId(run.ctx, itemIndex, provider),
	);
	const poller = ctx.createPoller();
	const answers: Array<{ task: WatchedTask; snapshot: TaskSnapshot; hints: TaskHints }> = [];

	await run.forEachItem([...taskIds.keys()], async (itemIndex) => {
		const hints = hintsFromInput(items[itemIndex]?.json);
		const task = poller.track(taskIds.get(itemIndex)!, itemIndex, hints);
		answers.push({ task, snapshot: await poller.checkOnce(task), hints });
	});

	// Every answer is in: what the run learned from all of them goes into the next look.
	const running = answers.filter(({ snapshot }) => !TERMINAL_STATUSES.includes(snapshot.status));
	const checkAfterSeconds = poller.checkAfterSeconds(running.map(({ task }) => task));
	for (const { task, snapshot, hints } of answers) {
		const done = TERMINAL_STATUSES.includes(snapshot.status);
		run.succeed(task.itemIndex, {
			...snapshotJson(ctx, snapshot),
			done,
			checkAfterSeconds: done ? 0 : checkAfterSeconds,
			...hintsJson(hints),
		});
	}
}
