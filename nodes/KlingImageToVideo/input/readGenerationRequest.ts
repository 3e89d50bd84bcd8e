import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import {
	ASPECT_RATIOS,
	KLING_MODELS,
	MODE_NAMES,
	MODEL_NAMES,
	offerFor,
	type AspectRatio,
	type GenerationRequest,
	type ImageInput,
	type KlingModel,
	type ModelOffer,
	type ProviderAdapter,
	type VideoMode,
} from '../providers';
import { inspectImage, MIME_TYPE_BY_FORMAT, type ImageFormat } from './imageInspection';
import { formatCount, LIMITS } from './limits';

/**
 * Reads and checks one item's generation parameters against what the chosen provider offers for
 * the chosen model. Every refusal names the item, the field and what is accepted, and happens
 * before any request is sent, so a bad item never costs a video.
 */

export function invalidInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	// ItemRun adds the "[item N]" every item error carries.
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}

const FORMAT_NAMES: Record<ImageFormat, string> = {
	png: 'a PNG',
	jpeg: 'a JPEG',
	gif: 'a GIF',
	webp: 'a WebP image',
	bmp: 'a BMP image',
	heic: 'a HEIC/AVIF image',
	unknown: 'not an image this node recognises',
};

function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function formatMegabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function readText(
	ctx: IExecuteFunctions,
	itemIndex: number,
	name: string,
	label: string,
	fallback = '',
): string {
	const value = ctx.getNodeParameter(name, itemIndex, fallback) as unknown;
	if (value === undefined || value === null) return '';
	if (typeof value === 'number') return String(value);
	if (typeof value !== 'string') {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${label}" must be text, but its value is ${describeType(value)}`,
		);
	}
	return value;
}

function checkLength(ctx: IExecuteFunctions, itemIndex: number, label: string, text: string): void {
	const length = [...text].length;
	if (length > LIMITS.maxPromptChars) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${label}" is ${formatCount(length)} characters long; the limit is ${formatCount(LIMITS.maxPromptChars)}`,
		);
	}
}

/** "Kling 3.0 at AI/ML API": what a refusal is measured against. */
function offerName(provider: ProviderAdapter, offer: ModelOffer): string {
	return `${MODEL_NAMES[offer.model]} at ${provider.displayName}`;
}

function listModes(modes: readonly VideoMode[]): string {
	return modes.map((mode) => `"${mode}" (${MODE_NAMES[mode]})`).join(', ');
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
	const model = ctx.getNodeParameter('model', itemIndex, 'v2.1') as unknown;
	const offer = KLING_MODELS.includes(model as KlingModel)
		? offerFor(provider, model as KlingModel)
		: undefined;
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
	if (prompt === '' && offer.promptRequired) {
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

function readGuidanceScale(ctx: IExecuteFunctions, itemIndex: number): number {
	const raw = ctx.getNodeParameter('options.guidanceScale', itemIndex, 0.5) as unknown;
	const scale = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (
		typeof scale !== 'number' ||
		!Number.isFinite(scale) ||
		scale < LIMITS.minGuidanceScale ||
		scale > LIMITS.maxGuidanceScale
	) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Guidance Scale" must be a number from ${LIMITS.minGuidanceScale} to ${LIMITS.maxGuidanceScale}, not ${String(raw)}`,
		);
	}
	return scale;
}

/** Sound where the model has it: always set, false unless asked for, as some providers default it on. */
function readSound(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
	mode: VideoMode,
): boolean | undefined {
	if (offer.soundModes.length === 0) return undefined;
	const sound = ctx.getNodeParameter('sound', itemIndex, false) as unknown;
	if (typeof sound !== 'boolean') {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Sound" must be true or false, but its value is ${describeType(sound)}`,
		);
	}
	if (sound && !offer.soundModes.includes(mode)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Sound" is not available in mode "${mode}" for ${offerName(provider, offer)}; it is in ${listModes(offer.soundModes)}`,
		);
	}
	return sound;
}

function readAspectRatio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
): AspectRatio | undefined {
	if (offer.aspectRatios.length === 0) return undefined;
	const ratio = ctx.getNodeParameter('aspectRatio', itemIndex, '') as unknown;
	if (ratio === '' || ratio === undefined || ratio === null) return undefined;
	if (!offer.aspectRatios.includes(ratio as AspectRatio)) {
		const accepted = (offer.aspectRatios.length ? offer.aspectRatios : ASPECT_RATIOS).join(', ');
		throw invalidInput(
			ctx,
			itemIndex,
			`"Aspect Ratio" ${JSON.stringify(ratio)} is not offered for ${offerName(provider, offer)}; use ${accepted}`,
		);
	}
	return ratio as AspectRatio;
}

/** The parameters of one frame: the first (required), or the last (where the model takes one). */
interface Frame {
	source: string;
	url: string;
	binary: string;
	base64: string;
	/** How its fields are named to the user. */
	labels: { source: string; url: string; binary: string; base64: string };
}

const FIRST_FRAME: Frame = {
	source: 'imageSource',
	url: 'imageUrl',
	binary: 'binaryPropertyName',
	base64: 'imageBase64',
	labels: {
		source: 'Image Source',
		url: 'Image URL',
		binary: 'Input Binary Field',
		base64: 'Image (Base64)',
	},
};

const END_FRAME: Frame = {
	source: 'endImageSource',
	url: 'endImageUrl',
	binary: 'endBinaryPropertyName',
	base64: 'endImageBase64',
	labels: {
		source: 'End Image Source',
		url: 'End Image URL',
		binary: 'End Image Binary Field',
		base64: 'End Image (Base64)',
	},
};

function readImageUrl(ctx: IExecuteFunctions, itemIndex: number, frame: Frame): ImageInput {
	const label = frame.labels.url;
	const text = readText(ctx, itemIndex, frame.url, label).trim();
	if (text === '')
		throw invalidInput(
			ctx,
			itemIndex,
			`"${label}" is empty; give an http(s) link to a JPEG or PNG`,
		);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${label}" is not a URL: ${JSON.stringify(text.slice(0, 100))}`,
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${label}" must start with http:// or https:// (the provider downloads it), not ${url.protocol}`,
			`To send a local file, read it into binary data and set "${frame.labels.source}" to Binary.`,
		);
	}
	return { kind: 'url', url: url.toString() };
}

/** Checks decoded bytes against every documented limit and returns them as the providers take them. */
function checkImageBytes(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	bytes: Buffer,
	declaredMimeType?: string,
): ImageInput {
	if (bytes.length > LIMITS.maxImageBytes) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is ${formatMegabytes(bytes.length)}; the limit is 10 MB`,
		);
	}
	const facts = inspectImage(bytes);
	const mimeType = MIME_TYPE_BY_FORMAT[facts.format];
	if (mimeType === undefined) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is ${FORMAT_NAMES[facts.format]}; only JPEG and PNG are accepted`,
		);
	}
	if (
		declaredMimeType &&
		declaredMimeType !== mimeType &&
		!(declaredMimeType === 'image/jpg' && mimeType === 'image/jpeg')
	) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is declared as ${declaredMimeType} but its bytes are ${FORMAT_NAMES[facts.format]}`,
		);
	}
	if (facts.truncated || facts.width === undefined || facts.height === undefined) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is incomplete (the ${facts.format.toUpperCase()} data is cut short)`,
		);
	}
	const { width, height } = facts;
	if (width < LIMITS.minImageSidePx || height < LIMITS.minImageSidePx) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is ${width}×${height} px; both sides must be at least ${LIMITS.minImageSidePx} px`,
		);
	}
	const ratio = Math.max(width / height, height / width);
	if (ratio > LIMITS.maxAspectRatio) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is ${width}×${height} px, an aspect ratio of ${ratio.toFixed(2)}:1; it must be between 1:2.5 and 2.5:1`,
		);
	}
	return { kind: 'bytes', base64: bytes.toString('base64'), mimeType };
}

async function readBinaryImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	frame: Frame,
): Promise<ImageInput> {
	const field = frame.labels.binary;
	const propertyName = readText(ctx, itemIndex, frame.binary, field, 'data').trim();
	const label = `"${field}" (${propertyName || 'empty'})`;
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	const binaryData = binary[propertyName];
	if (!binaryData) {
		const present = Object.keys(binary);
		throw invalidInput(
			ctx,
			itemIndex,
			`the input item has no binary field "${propertyName}"`,
			present.length
				? `Binary fields on this item: ${present.join(', ')}. Set "${field}" to one of them.`
				: 'This item carries no binary data. Read the image first (for example with Read/Write Files from Disk or HTTP Request) or use an image URL.',
		);
	}
	if (typeof binaryData.bytes === 'number' && binaryData.bytes > LIMITS.maxImageBytes) {
		throw invalidInput(
			ctx,
			itemIndex,
			`the image in ${label} is ${formatMegabytes(binaryData.bytes)}; the limit is 10 MB`,
		);
	}
	const bytes = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	return checkImageBytes(ctx, itemIndex, label, bytes);
}

const DATA_URI = /^data:([^;,]*)(?:;[^,]*)?;base64,/i;
const BASE64_BODY = /^[A-Za-z0-9+/]+={0,2}$|^[A-Za-z0-9_-]+={0,2}$/;

function readBase64Image(ctx: IExecuteFunctions, itemIndex: number, frame: Frame): ImageInput {
	const label = `"${frame.labels.base64}"`;
	let text = readText(ctx, itemIndex, frame.base64, frame.labels.base64).trim();
	let declaredMimeType: string | undefined;
	const dataUri = DATA_URI.exec(text);
	if (dataUri) {
		declaredMimeType = dataUri[1].toLowerCase() || undefined;
		text = text.slice(dataUri[0].length);
	}
	text = text.replace(/\s+/g, '');
	if (text === '')
		throw invalidInput(
			ctx,
			itemIndex,
			`${label} is empty; give the image as base64 or as a data: URI`,
		);
	if (!BASE64_BODY.test(text) || text.replace(/=+$/, '').length % 4 === 1) {
		throw invalidInput(ctx, itemIndex, `${label} is not valid base64`);
	}
	return checkImageBytes(ctx, itemIndex, label, Buffer.from(text, 'base64'), declaredMimeType);
}

type ImageSource = 'url' | 'binary' | 'base64' | 'none';
type FrameSource = Exclude<ImageSource, 'none'>;

/** The frame's source, checked against what the provider takes before any bytes are read. */
function readImageSource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	frame: Frame,
	provider: ProviderAdapter,
	offer: ModelOffer,
): ImageSource {
	const optional = frame === END_FRAME;
	const source = ctx.getNodeParameter(
		frame.source,
		itemIndex,
		optional ? 'none' : 'url',
	) as unknown;
	const sources: ImageSource[] = optional
		? ['none', 'url', 'binary', 'base64']
		: ['url', 'binary', 'base64'];
	if (!sources.includes(source as ImageSource)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${frame.labels.source}" must be ${sources.join(', ')}, not ${JSON.stringify(source)}`,
		);
	}
	if ((source === 'binary' || source === 'base64') && !offer.acceptsImageBytes) {
		throw invalidInput(
			ctx,
			itemIndex,
			`${offerName(provider, offer)} takes images as URLs only; set "${frame.labels.source}" to Image URL`,
			'The provider documents only image links for this model. Put the image somewhere public (for example a storage bucket or CDN) and pass its URL.',
		);
	}
	return source as ImageSource;
}

async function readImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	frame: Frame,
	source: FrameSource,
): Promise<ImageInput> {
	if (source === 'url') return readImageUrl(ctx, itemIndex, frame);
	if (source === 'binary') return await readBinaryImage(ctx, itemIndex, frame);
	return readBase64Image(ctx, itemIndex, frame);
}

/** The end frame's source, where the model takes one, with the combinations it allows. */
function readEndImageSource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
	offer: ModelOffer,
	mode: VideoMode,
	sound: boolean | undefined,
): ImageSource {
	if (offer.endFrameModes.length === 0) return 'none';
	const source = readImageSource(ctx, itemIndex, END_FRAME, provider, offer);
	if (source === 'none') return source;
	if (!offer.endFrameModes.includes(mode)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`An end frame is not available in mode "${mode}" for ${offerName(provider, offer)}; it is in ${listModes(offer.endFrameModes)}`,
			'Set "End Image Source" to None, or choose a mode that takes an end frame.',
		);
	}
	if (sound && !offer.endFrameWithSound) {
		throw invalidInput(
			ctx,
			itemIndex,
			`An end frame cannot be combined with "Sound" for ${offerName(provider, offer)}`,
			'Turn "Sound" off, or set "End Image Source" to None.',
		);
	}
	return source;
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
	const negativePrompt = offer.negativePrompt
		? readText(ctx, itemIndex, 'options.negativePrompt', 'Negative Prompt').trim()
		: '';
	checkLength(ctx, itemIndex, 'Negative Prompt', negativePrompt);
	const guidanceScale = offer.guidanceScale ? readGuidanceScale(ctx, itemIndex) : undefined;
	const sound = readSound(ctx, itemIndex, provider, offer, mode);
	const aspectRatio = readAspectRatio(ctx, itemIndex, provider, offer);
	// Every choice is checked before any image bytes are read: those are the expensive part.
	const imageSource = readImageSource(ctx, itemIndex, FIRST_FRAME, provider, offer);
	const endImageSource = readEndImageSource(ctx, itemIndex, provider, offer, mode, sound);
	const image = await readImage(ctx, itemIndex, FIRST_FRAME, imageSource as FrameSource);
	const endImage =
		endImageSource === 'none'
			? undefined
			: await readImage(ctx, itemIndex, END_FRAME, endImageSource);
	return {
		model: offer.model,
		mode,
		duration,
		image,
		prompt,
		...(endImage && { endImage }),
		...(negativePrompt && { negativePrompt }),
		...(guidanceScale !== undefined && { guidanceScale }),
		...(sound !== undefined && { sound }),
		...(aspectRatio && { aspectRatio }),
	};
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
