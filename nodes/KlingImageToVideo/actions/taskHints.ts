import type { IDataObject } from 'n8n-workflow';

import {
	isKlingModel,
	LEGACY_DEFAULT_MODEL,
	VIDEO_MODES,
	type VideoMode,
} from '../models/catalogue';
import type { TaskHints } from '../waiting/poller';

/**
 * What an item says about its task (submittedAt, model, mode, duration, as Submit Task and each
 * round of a waiting loop write them) tells the poller how far along the task probably is; without
 * it the task is treated as just submitted.
 */
export function hintsFromInput(json: IDataObject | undefined): TaskHints {
	const hints: TaskHints = {};
	const submittedAt = readTime(json?.submittedAt);
	if (submittedAt !== undefined) hints.submittedAt = submittedAt;
	if (VIDEO_MODES.includes(json?.mode as VideoMode)) hints.mode = json!.mode as VideoMode;
	const duration = Number(json?.duration);
	if (Number.isInteger(duration) && duration > 0) hints.duration = duration;
	// Submit Task of 0.1.0 wrote no model: it only made Kling 2.1.
	const model = json?.model;
	if (isKlingModel(model)) hints.model = model;
	else if (hints.mode) hints.model = LEGACY_DEFAULT_MODEL;
	return hints;
}

/** The model, mode and duration the input item named, carried to the video as Generate Video does. */
export function describedBy({ model, mode, duration }: TaskHints): IDataObject {
	return {
		...(model && { model }),
		...(mode && { mode }),
		...(duration !== undefined && { duration }),
	};
}

/** The hints again, for the output: the next round of a loop reads them from there. */
export function hintsJson(hints: TaskHints): IDataObject {
	return {
		...describedBy(hints),
		...(hints.submittedAt !== undefined && {
			submittedAt: new Date(hints.submittedAt).toISOString(),
		}),
	};
}

/** A moment written as an ISO date (what the node writes), or undefined. */
export function readTime(value: unknown): number | undefined {
	const time = typeof value === 'string' ? Date.parse(value) : NaN;
	return Number.isFinite(time) ? time : undefined;
}
