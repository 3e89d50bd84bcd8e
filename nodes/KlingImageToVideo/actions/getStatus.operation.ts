import { readTaskId } from '../input/readGenerationRequest';
import type { OperationContext } from './operationContext';
import { snapshotJson } from './taskResults';

/** Asks once per item and reports what the provider says, failed tasks included, without waiting. */
export async function getStatus(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const { run, provider } = ctx;
	const taskIds = await run.checkEach(itemIndexes, (itemIndex) =>
		readTaskId(run.ctx, itemIndex, provider),
	);
	const poller = ctx.createPoller();

	await run.forEachItem([...taskIds.keys()], async (itemIndex) => {
		const snapshot = await poller.checkOnce(poller.track(taskIds.get(itemIndex)!, itemIndex));
		run.succeed(itemIndex, snapshotJson(ctx, snapshot));
	});
}
