import type { IDataObject } from 'n8n-workflow';

import { DEFAULT_MODES } from '../models/catalogue';
import {
	REQUEST_FIELDS,
	type AnyRequestField,
	type BodyWriter,
	type FieldFacts,
	type FieldForms,
} from '../requestFields';
import { toDataUri } from './fields';
import type {
	AlternateForm,
	GenerationRequest,
	ImageInput,
	KlingModel,
	ModelOffer,
	SubmitPlan,
	VideoMode,
} from './types';

export type { SoundForm } from '../requestFields';

/** The field modules, as code that treats them alike sees them. */
const FIELDS: readonly AnyRequestField[] = REQUEST_FIELDS;

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

/**
 * How one provider wants one model's request fields: their names and value forms. The optional
 * fields' members (negativePrompt, guidance, sound, aspectRatio, endImage) come from their modules.
 */
export type RequestForm = {
	image: string;
	/** How image bytes go first (the other encoding is tried once if refused); unset: URLs only. */
	imageBytes?: ImageEncoding;
	promptRequired: boolean;
	duration: 'string' | 'integer';
} & FieldForms;

/**
 * One row of an adapter's model table. `Target` is the adapter's own routing (endpoint, model
 * id...). The optional fields add their facts (soundModes, endFrameModes, aspectRatios...).
 */
export type ModelRow<Target> = {
	model: KlingModel;
	form: RequestForm;
	/** Where each tier goes; the keys are the tiers offered. */
	tiers: Partial<Record<VideoMode, Target>>;
	durations: readonly number[];
	publishedSeconds?: Partial<Record<VideoMode, number>>;
} & FieldFacts;

export function offerOf<Target>(row: ModelRow<Target>): ModelOffer {
	const modes = Object.keys(row.tiers) as VideoMode[];
	const { form } = row;
	const core = {
		model: row.model,
		modes,
		defaultMode: modes.includes(DEFAULT_MODES[row.model]) ? DEFAULT_MODES[row.model] : modes[0],
		durations: row.durations,
		promptRequired: form.promptRequired,
		acceptsImageBytes: form.imageBytes !== undefined,
		...(row.publishedSeconds && { publishedSeconds: row.publishedSeconds }),
	};
	return Object.assign(core, ...FIELDS.map((field) => field.offerOf(row, modes))) as ModelOffer;
}

/** What a provider does not document of a table it otherwise shares: a whole model, or some tiers of it. */
export interface Omission {
	model: KlingModel;
	/** The tiers left out; unset (and no formMembers): the whole model. */
	modes?: readonly VideoMode[];
	/** Optional fields whose page the white label lacks: their form members are dropped. */
	formMembers?: ReadonlyArray<keyof FieldForms>;
}

function withoutFormMembers<Target>(row: ModelRow<Target>, omitted: Omission): ModelRow<Target> {
	if (!omitted.formMembers) return row;
	const form = { ...row.form };
	for (const member of omitted.formMembers) delete form[member];
	return { ...row, form };
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
		if (!omittedModes) return omitted.formMembers ? [withoutFormMembers(row, omitted)] : [];
		row = withoutFormMembers(row, omitted);
		const kept = (mode: VideoMode) => !omittedModes.includes(mode);
		const tiers = Object.fromEntries(
			Object.entries(row.tiers).filter(([mode]) => kept(mode as VideoMode)),
		) as ModelRow<Target>['tiers'];
		if (Object.keys(tiers).length === 0) return [];
		const facts = FIELDS.map((field) => field.keepTiers?.(row, kept));
		return [Object.assign({ ...row, tiers }, ...facts) as ModelRow<Target>];
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
 * Optional fields are written by their modules, only when the request has them.
 */
export function requestFields(
	request: GenerationRequest,
	form: RequestForm,
	alternates: ReadonlySet<AlternateForm>,
): { fields: IDataObject; alternates: SubmitPlan['alternates'] } {
	const fields: IDataObject = {};
	const available: Array<SubmitPlan['alternates'][number]> = [];
	const encoding = alternates.has('imageEncoding')
		? OTHER_ENCODING[form.imageBytes ?? 'rawBase64']
		: (form.imageBytes ?? 'rawBase64');
	const images: Array<{ field: string; image: ImageInput }> = [];
	const body: BodyWriter = {
		set: (field, value) => {
			fields[field] = value;
		},
		omit: (field) => {
			delete fields[field];
		},
		image: (field, image) => {
			fields[field] = encodeImage(image, encoding);
			images.push({ field, image });
		},
		uses: (alternate) => alternates.has(alternate),
		couldSwitch: (alternate, changed) => {
			available.push({ form: alternate, fields: changed });
		},
	};
	body.image(form.image, request.image);
	if (request.prompt) fields.prompt = request.prompt;
	fields.duration = form.duration === 'string' ? String(request.duration) : request.duration;
	for (const field of FIELDS) field.write(request, form, body);
	// The image encoding changes every image field, known once all are written.
	const sendsBytes = images.some(({ image }) => image.kind === 'bytes');
	if (sendsBytes && form.imageBytes && !alternates.has('imageEncoding'))
		available.unshift({ form: 'imageEncoding', fields: images.map(({ field }) => field) });
	return { fields, alternates: available };
}
