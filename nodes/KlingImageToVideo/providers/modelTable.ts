import type { IDataObject } from 'n8n-workflow';

import { toDataUri } from './fields';
import {
	ASPECT_RATIOS,
	DEFAULT_MODES,
	type AlternateForm,
	type AspectRatio,
	type GenerationRequest,
	type ImageInput,
	type KlingModel,
	type ModelOffer,
	type SubmitPlan,
	type VideoMode,
} from './types';

/**
 * The data each adapter keeps per Kling model: where each tier goes and how the provider wants
 * each field. The offer the editor and the input checks use is derived from the same row, so a
 * field is offered exactly where the adapter knows how to send it.
 */

export type ImageEncoding = 'rawBase64' | 'dataUri';

export const FIVE_OR_TEN_SECONDS: readonly number[] = [5, 10];
export const THREE_TO_FIFTEEN_SECONDS: readonly number[] = Array.from(
	{ length: 13 },
	(_, index) => index + 3,
);

/** How the audio switch is written: a boolean, or words such as "on"/"off". */
export interface SoundForm {
	field: string;
	on: string | boolean;
	off: string | boolean;
	/** A second reading of the docs, sent once if the provider refuses the first (a 400 creates no task). */
	alternate?: { on: string | boolean; off: string | boolean };
}

/** How one provider wants one model's request fields: their names and value forms. */
export interface RequestForm {
	image: string;
	/** How image bytes go first (the other encoding is tried once if refused); unset: URLs only. */
	imageBytes?: ImageEncoding;
	promptRequired: boolean;
	duration: 'string' | 'integer';
	negativePrompt?: string;
	guidance?: string;
	sound?: SoundForm;
	aspectRatio?: string;
	endImage?: string;
}

/** One row of an adapter's model table. `Target` is the adapter's own routing (endpoint, model id...). */
export interface ModelRow<Target> {
	model: KlingModel;
	form: RequestForm;
	/** Where each tier goes; the keys are the tiers offered. */
	tiers: Partial<Record<VideoMode, Target>>;
	durations: readonly number[];
	/** Tiers that take sound, where not all do (default: every tier, when the form has sound). */
	soundModes?: readonly VideoMode[];
	/** Tiers that take an end frame, where not all do (default: every tier, when the form has one). */
	endFrameModes?: readonly VideoMode[];
	/** False where an end frame cannot be combined with sound. */
	endFrameWithSound?: boolean;
	/** Where not every ratio is accepted (default: all three, when the form has an aspect ratio). */
	aspectRatios?: readonly AspectRatio[];
	publishedSeconds?: Partial<Record<VideoMode, number>>;
}

export function offerOf<Target>(row: ModelRow<Target>): ModelOffer {
	const modes = Object.keys(row.tiers) as VideoMode[];
	const { form } = row;
	return {
		model: row.model,
		modes,
		defaultMode: modes.includes(DEFAULT_MODES[row.model]) ? DEFAULT_MODES[row.model] : modes[0],
		durations: row.durations,
		promptRequired: form.promptRequired,
		acceptsImageBytes: form.imageBytes !== undefined,
		negativePrompt: form.negativePrompt !== undefined,
		guidanceScale: form.guidance !== undefined,
		soundModes: form.sound ? (row.soundModes ?? modes) : [],
		aspectRatios: form.aspectRatio ? (row.aspectRatios ?? ASPECT_RATIOS) : [],
		endFrameModes: form.endImage ? (row.endFrameModes ?? modes) : [],
		endFrameWithSound: row.endFrameWithSound ?? true,
		...(row.publishedSeconds && { publishedSeconds: row.publishedSeconds }),
	};
}

/** What a provider does not document of a table it otherwise shares: a whole model, or some tiers of it. */
export interface Omission {
	model: KlingModel;
	/** The tiers left out; unset: the whole model. */
	modes?: readonly VideoMode[];
}

/**
 * A shared table without what one provider does not document (MyRouter and HighwayAPI serve
 * Novita's API, but document fewer models): not offered there, so never sent there.
 */
export function withoutOmissions<Target>(
	table: ReadonlyArray<ModelRow<Target>>,
	omissions: readonly Omission[],
): Array<ModelRow<Target>> {
	return table.flatMap((row) => {
		const omitted = omissions.find((omission) => omission.model === row.model);
		if (!omitted) return [row];
		const omittedModes = omitted.modes;
		if (!omittedModes) return [];
		const kept = (mode: VideoMode) => !omittedModes.includes(mode);
		const tiers = Object.fromEntries(
			Object.entries(row.tiers).filter(([mode]) => kept(mode as VideoMode)),
		) as ModelRow<Target>['tiers'];
		if (Object.keys(tiers).length === 0) return [];
		return [
			{
				...row,
				tiers,
				...(row.soundModes && { soundModes: row.soundModes.filter(kept) }),
				...(row.endFrameModes && { endFrameModes: row.endFrameModes.filter(kept) }),
			},
		];
	});
}

/** The row and tier target of a request. Input checks run first, so a miss is a bug, not user error. */
export function routeOf<Target>(
	table: ReadonlyArray<ModelRow<Target>>,
	request: GenerationRequest,
): { row: ModelRow<Target>; target: Target } {
	const row = table.find((candidate) => candidate.model === request.model);
	const target = row?.tiers[request.mode];
	if (!row || target === undefined)
		throw new Error(`no route for Kling ${request.model} in mode ${request.mode}`);
	return { row, target };
}

function encodeImage(image: ImageInput, encoding: ImageEncoding): string {
	if (image.kind === 'url') return image.url;
	return encoding === 'dataUri' ? toDataUri(image.base64, image.mimeType) : image.base64;
}

const OTHER_ENCODING: Record<ImageEncoding, ImageEncoding> = {
	rawBase64: 'dataUri',
	dataUri: 'rawBase64',
};

/**
 * The request's fields in the form a provider wants, and the alternate forms still available.
 * Optional fields are sent only when the request has them; sound is sent whenever it is set.
 */
export function requestFields(
	request: GenerationRequest,
	form: RequestForm,
	alternates: ReadonlySet<AlternateForm>,
): { fields: IDataObject; alternates: SubmitPlan['alternates'] } {
	const available: Array<SubmitPlan['alternates'][number]> = [];
	const imageFields = [form.image, ...(request.endImage && form.endImage ? [form.endImage] : [])];
	const sendsBytes = [request.image, request.endImage].some((image) => image?.kind === 'bytes');
	let encoding = form.imageBytes ?? 'rawBase64';
	if (alternates.has('imageEncoding')) encoding = OTHER_ENCODING[encoding];
	else if (sendsBytes && form.imageBytes)
		available.push({ form: 'imageEncoding', fields: imageFields });

	const fields: IDataObject = { [form.image]: encodeImage(request.image, encoding) };
	if (request.prompt) fields.prompt = request.prompt;
	if (request.negativePrompt && form.negativePrompt)
		fields[form.negativePrompt] = request.negativePrompt;
	fields.duration = form.duration === 'string' ? String(request.duration) : request.duration;
	if (request.guidanceScale !== undefined && form.guidance)
		fields[form.guidance] = request.guidanceScale;
	if (request.sound !== undefined && form.sound) {
		const { field, alternate } = form.sound;
		const values = alternate && alternates.has('soundValues') ? alternate : form.sound;
		fields[field] = request.sound ? values.on : values.off;
		if (alternate && !alternates.has('soundValues'))
			available.push({ form: 'soundValues', fields: [field] });
	}
	if (request.aspectRatio && form.aspectRatio) fields[form.aspectRatio] = request.aspectRatio;
	if (request.endImage && form.endImage)
		fields[form.endImage] = encodeImage(request.endImage, encoding);
	return { fields, alternates: available };
}
