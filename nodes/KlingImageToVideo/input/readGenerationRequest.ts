import type { IExecuteFunctions } from 'n8n-workflow';

import { defaultModelOf, isKlingModel, MODEL_NAMES } from '../models/catalogue';
import { formatCount, LIMITS } from '../models/limits';
import {
	offerFor,
	type GenerationRequest,
	type ModelOffer,
	type ProviderAdapter,
	type VideoMode,
} from '../providers';
import {
	FIRST_FRAME,
	REQUEST_FIELDS,
	shotsReplacePrompt,
	type AnyRequestField,
	type FieldChoices,
	type FieldInput,
	type FrameSource,
} from '../requestFields';
import { checkRulesAcrossFields } from '../requestFields/rulesAcrossFields';
import { invalidInput } from '../shared/itemError';
import { describeType, listModes } from '../shared/wording';
import { checkLength, readImage, readImageSource, readText } from './parameters';

/**
 * Reads and checks one item's generation parameters against what the chosen provider offers for
 * the chosen model. Every refusal names the item, the field and what is accepted, and happens
 * before any request is sent, so a bad item never costs a video.
 */

const FIELDS: readonly AnyRequestField[] = REQUEST_FIELDS;

/** "Kling 3.0 at AI/ML API": what a refusal is measured against. */
function offerName(provider: ProviderAdapter, offer: ModelOffer): string {
	return `${MODEL_NAMES[offer.model]} at ${provider.displayName}`;
}

function listDurations(durations: readonly number[]): string {
	const contiguous = durations.every(
		(value, index) => index === 0 || value === durations[index - 1] + 1,
	);
	if (contiguous && durations.length > 2)
		return `${durations[0]} to ${durations[durations.length - 1]}`;
	return durations.join(' or ');
}

function readModel(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
): ModelOffer {
	// n8n fills in the version's default; the fallback is the same default, for a node n8n left bare.
	const fallback = defaultModelOf(ctx.getNode().typeVersion);
	const model = ctx.getNodeParameter('model', itemIndex, fallback) as unknown;
	const offer = isKlingModel(model) ? offerFor(provider, model) : undefined;
	if (!offer) {
		const offered = provider.offers
			.map((candidate) => `"${candidate.model}" (${MODEL_NAMES[candidate.model]})`)
			.join(', ');
		throw invalidInput(
			ctx,
			itemIndex,
			`"Model" ${JSON.stringify(model)} is not offered by ${provider.displayName}; use ${offered}`,
		);
	}
	return offer;
}

function readPrompt(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
): string {
	const prompt = readText(ctx, itemIndex, 'prompt', 'Prompt').trim();
	// Custom shots take the place of the prompt where the route takes one or the other.
	const parameter = (name: string, fallback: unknown) =>
		ctx.getNodeParameter(name, itemIndex, fallback);
	if (prompt === '' && offer.promptRequired && !shotsReplacePrompt(parameter, offer)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Prompt" is empty; ${offerName(provider, offer)} requires a prompt of 1 to ${formatCount(LIMITS.maxPromptChars)} characters`,
			'Describe the motion you want, for example "the camera slowly pushes in while leaves drift by".',
		);
	}
	checkLength(ctx, itemIndex, 'Prompt', prompt);
	return prompt;
}

function readMode(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
): VideoMode {
	const mode = ctx.getNodeParameter('mode', itemIndex, offer.defaultMode) as unknown;
	if (!offer.modes.includes(mode as VideoMode)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Mode" ${JSON.stringify(mode)} is not offered for ${offerName(provider, offer)}; use ${listModes(offer.modes)}`,
		);
	}
	return mode as VideoMode;
}

function readDuration(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
): number {
	const raw = ctx.getNodeParameter('duration', itemIndex, '5') as unknown;
	const duration = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (!offer.durations.includes(duration as number)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Duration" ${JSON.stringify(raw)} is not offered for ${offerName(provider, offer)}; use ${listDurations(offer.durations)} (seconds)`,
		);
	}
	return duration as number;
}

/** The item's parameters as the field modules read them. */
function fieldInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
	asked: FieldInput['asked'],
): FieldInput {
	const name = offerName(provider, offer);
	return {
		offerName: name,
		asked,
		parameter: (parameter, fallback) => ctx.getNodeParameter(parameter, itemIndex, fallback),
		text: (parameter, label) => readText(ctx, itemIndex, parameter, label),
		checkLength: (label, text) => checkLength(ctx, itemIndex, label, text),
		refuse: (message, description) => invalidInput(ctx, itemIndex, message, description),
		imageSource: (frame) =>
			readImageSource(ctx, itemIndex, frame, offer.acceptsImageBytes ? undefined : name),
		image: async (frame, source) => await readImage(ctx, itemIndex, frame, source),
	};
}

export async function readGenerationRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
): Promise<GenerationRequest> {
	const offer = readModel(ctx, itemIndex, provider);
	const mode = readMode(ctx, itemIndex, provider, offer);
	const duration = readDuration(ctx, itemIndex, provider, offer);
	const prompt = readPrompt(ctx, itemIndex, provider, offer);
	const input = fieldInput(ctx, itemIndex, provider, offer, { duration, prompt });
	const readings = FIELDS.map((field) => ({ field, reading: field.read(input, offer) }));
	const choices: FieldChoices = Object.fromEntries(
		readings.flatMap(({ field, reading }) => (reading ? [[field.name, reading.choice]] : [])),
	);
	checkRulesAcrossFields(input, offer, mode, choices);
	const imageSource = input.imageSource(FIRST_FRAME) as FrameSource;
	// Every choice is checked before any image bytes are read: those are the expensive part.
	const image = await readImage(ctx, itemIndex, FIRST_FRAME, imageSource);
	const request: GenerationRequest = { model: offer.model, mode, duration, image, prompt };
	for (const { reading } of readings) if (reading) Object.assign(request, await reading.value());
	return request;
}

/** Task ids are checked loosely: enough to catch an empty field, a pasted object or another provider's id. */
export function readTaskId(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
): string {
	const raw = ctx.getNodeParameter('taskId', itemIndex, '') as unknown;
	if (typeof raw !== 'string' && typeof raw !== 'number') {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Task ID" must be text, but its value is ${describeType(raw)}`,
		);
	}
	const taskId = String(raw).trim();
	if (taskId === '') {
		throw invalidInput(
			ctx,
			itemIndex,
			'"Task ID" is empty',
			'Connect this node after a Submit operation (its output has taskId), or type the id the provider gave you.',
		);
	}
	if (!provider.taskIdPattern.test(taskId)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Task ID" ${JSON.stringify(taskId.slice(0, 80))} does not look like a ${provider.displayName} task id (for example ${provider.taskIdExample})`,
			'Check that the provider selected here is the one that created the task.',
		);
	}
	return taskId;
}
