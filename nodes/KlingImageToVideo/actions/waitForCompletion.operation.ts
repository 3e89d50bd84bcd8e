import type { IDataObject } from 'n8n-workflow';

import { readTaskId } from '../input/readGenerationRequest';
import { KLING_MODELS, VIDEO_MODES, type KlingModel, type VideoMode } from '../providers';
import type { TaskHints } from '../waiting/poller';
import type { OperationContext } from './operationContext';
import { finishTask } from './taskResults';

/**
 * What the Submit operation put on the item (submittedAt, model, mode, duration) tells the poller
 * how far along a task probably is; without it the task is treated as just submitted.
 */
export function hintsFromInput(json: IDataObject | undefined): TaskHints {
	const hints: TaskHints = {};
	const submittedAt = typeof json?.submittedAt === 'string' ? Date.parse(json.submittedAt) : NaN;
	if (Number.isFinite(submittedAt)) hints.submittedAt = submittedAt;
	if (VIDEO_MODES.includes(json?.mode as VideoMode)) hints.mode = json!.mode as VideoMode;
	const duration = Number(json?.duration);
	if (Number.isInteger(duration) && duration > 0) hints.duration = duration;
	// Submit Task of 0.1.0 wrote no model: it only made Kling 2.1.
	if (KLING_MODELS.includes(json?.model as KlingModel)) hints.model = json!.model as KlingModel;
	else if (hints.mode) hints.model = 'v2.1';
	return hints;
}

/** The model, mode and duration the input item named, carried to the video as Generate Video does. */
function describedBy({ model, mode, duration }: TaskHints): IDataObject {
	return {
		...(model && { model }),
		...(mode && { mode }),
		...(duration !== undefined && { duration }),
	};
}

/** Waits for existing tasks, all items together, and returns each video. */
export async function waitForCompletion(
	ctx: OperationContext,
	itemIndexes: number[],
): Promise<void> {
	const { run, provider } = ctx;
	const items = run.ctx.getInputData();
	const taskIds = await run.checkEach(itemIndexes, (itemIndex) => {
		if (ctx.downloadVideo(itemIndex)) ctx.outputBinaryPropertyName(itemIndex);
		return readTaskId(run.ctx, itemIndex, provider);
	});
	const poller = ctx.createPoller();

	await run.forEachItem([...taskIds.keys()], async (itemIndex) => {
		const taskId = taskIds.get(itemIndex)!;
		run.noteTaskStarted(itemIndex, taskId);
		const hints = hintsFromInput(items[itemIndex]?.json);
		const task = poller.track(taskId, itemIndex, hints);
		const { json, binary } = await finishTask(ctx, poller, task, describedBy(hints));
		run.succeed(itemIndex, json, binary);
	});
}
