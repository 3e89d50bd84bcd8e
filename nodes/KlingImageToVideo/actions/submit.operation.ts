import type { GenerationRequest } from '../providers';
import { readGenerationRequest } from '../input/readGenerationRequest';
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
		const request = await readGenerationRequest(run.ctx, itemIndex, provider);
		return request.image.kind === 'url' ? request : undefined;
	});

	await run.forEachItem([...checked.keys()], async (itemIndex) => {
		const { taskId, request, submittedAt } = await ctx.submissions.run(async () => {
			const request =
				checked.get(itemIndex) ?? (await readGenerationRequest(run.ctx, itemIndex, provider));
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

export async function submit(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	await submitTasks(ctx, itemIndexes, async (itemIndex, taskId, request, submittedAt) => {
		ctx.run.succeed(itemIndex, {
			provider: ctx.provider.id,
			taskId,
			status: 'queued',
			model: request.model,
			mode: request.mode,
			duration: request.duration,
			submittedAt: new Date(submittedAt).toISOString(),
		});
	});
}
