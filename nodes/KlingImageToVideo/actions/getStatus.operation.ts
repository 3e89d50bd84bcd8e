import { readTaskId } from '../input/readGenerationRequest';
import type { OperationContext } from './operationContext';
import { snapshotJson } from './taskResults';
import { hintsFromInput } from './waitForCompletion.operation';

/** Asks once per item and reports what the provider says, failed tasks included, without waiting. */
export async function getStatus(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const { run, provider } = ctx;
	const taskIds = await run.checkEach(itemIndexes, (itemIndex) =>
		readTaskId(run.ctx, itemIndex, provider),
	);
	const poller = ctx.createPoller();
	const items = run.ctx.getInputData();

	await run.forEachItem([...taskIds.keys()], async (itemIndex) => {
		// The model on a Submit Task output picks the status route where a provider has several.
		const { model } = hintsFromInput(items[itemIndex]?.json);
		const task = poller.track(taskIds.get(itemIndex)!, itemIndex, model && { model });
		const snapshot = await poller.checkOnce(task);
		run.succeed(itemIndex, snapshotJson(ctx, snapshot));
	});
}
