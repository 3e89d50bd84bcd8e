import type { GenerationRequest } from '../providers';
import { withCallbackUrl } from '../input/readCallbackUrl';
import { readGenerationRequest } from '../input/readGenerationRequest';
import type { WatchedTask } from '../waiting/poller';
import type { OperationContext } from './operationContext';

/**
 * Checks every item, then starts one task per item and returns at once with the task ids.
 * Images given as bytes are read again at submission time rather than kept from the check, so a
 * run of many large images holds only the ones being sent.
 */
export async function submitTasks(
	ctx: OperationContext,
	itemIndexes: number[],
	onSubmitted: (
		itemIndex: number,
		taskId: string,
		request: GenerationRequest,
		submittedAt: number,
	) => Promise<void>,
): Promise<void> {
	const { run, provider, client } = ctx;
	const checked = await run.checkEach(itemIndexes, async (itemIndex) => {
		const request = withCallbackUrl(
			run.ctx,
			itemIndex,
			provider,
			await readGenerationRequest(run.ctx, itemIndex, provider),
		);
		return request.image.kind === 'url' ? request : undefined;
	});

	await run.forEachItem([...checked.keys()], async (itemIndex) => {
		const { taskId, request, submittedAt } = await ctx.submissions.run(async () => {
			const request =
				checked.get(itemIndex) ??
				withCallbackUrl(
					run.ctx,
					itemIndex,
					provider,
					await readGenerationRequest(run.ctx, itemIndex, provider),
				);
			const submittedAt = Date.now();
			const taskId = await client.submit(request, itemIndex);
			return { taskId, request, submittedAt };
		});
		run.noteTaskStarted(itemIndex, taskId);
		run.ctx.logger.debug(`Kling task ${taskId} submitted`, {
			itemIndex,
			provider: provider.id,
			model: request.model,
			mode: request.mode,
			duration: request.duration,
		});
		await onSubmitted(itemIndex, taskId, request, submittedAt);
	});
}

/**
 * Starts one task per item and returns the task ids at once, with `checkAfterSeconds`: when the
 * tasks are first worth asking about (at least 66 s for Kling's minutes, so that a Wait node fed
 * with it keeps the execution in the database meanwhile).
 */
export async function submit(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const poller = ctx.createPoller();
	const submitted: Array<{ task: WatchedTask; request: GenerationRequest; submittedAt: number }> =
		[];
	await submitTasks(ctx, itemIndexes, async (itemIndex, taskId, request, submittedAt) => {
		const { model, mode, duration } = request;
		const task = poller.track(taskId, itemIndex, { submittedAt, model, mode, duration });
		submitted.push({ task, request, submittedAt });
	});

	const checkAfterSeconds = poller.checkAfterSeconds(submitted.map(({ task }) => task));
	for (const { task, request, submittedAt } of submitted) {
		ctx.run.succeed(task.itemIndex, {
			provider: ctx.provider.id,
			taskId: task.taskId,
			status: 'queued',
			model: request.model,
			mode: request.mode,
			duration: request.duration,
			submittedAt: new Date(submittedAt).toISOString(),
			checkAfterSeconds,
			// The tag on the callback address: Wait for Completion's "Woken By" matches it to the item.
			...(request.callbackTag && { callbackTag: request.callbackTag }),
		});
	}
}
