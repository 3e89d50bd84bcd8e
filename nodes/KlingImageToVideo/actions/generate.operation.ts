import type { OperationContext } from './operationContext';
import { submitTasks } from './submit.operation';
import { finishTask } from './taskResults';

/** Submit, then wait: the one-node path. All items are waited on together. */
export async function generate(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const poller = ctx.createPoller();
	const { run } = ctx;
	// Output settings are checked up front too: a typo here must not surface after paying.
	const downloadable = await run.checkEach(itemIndexes, (itemIndex) =>
		ctx.downloadVideo(itemIndex) ? ctx.outputBinaryPropertyName(itemIndex) : '',
	);

	await submitTasks(
		ctx,
		[...downloadable.keys()],
		async (itemIndex, taskId, request, submittedAt) => {
			const { model, mode, duration } = request;
			const task = poller.track(taskId, itemIndex, { submittedAt, model, mode, duration });
			const { json, binary } = await finishTask(ctx, poller, task, { model, mode, duration });
			run.succeed(itemIndex, json, binary);
		},
	);
}
