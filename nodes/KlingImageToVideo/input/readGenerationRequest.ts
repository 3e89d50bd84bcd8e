import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import type {
	GenerationRequest,
	ImageInput,
	ProviderAdapter,
	VideoDuration,
	VideoMode,
} from '../providers';
import { inspectImage, MIME_TYPE_BY_FORMAT, type ImageFormat } from './imageInspection';
import { formatCount, LIMITS } from './limits';

/**
 * Reads and checks one item's generation parameters. Every refusal names the item, the field and
 * the limit, and happens before any request is sent, so a bad item never costs a video.
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

const MODE_NAMES: Record<VideoMode, string> = {
	standard: 'Standard',
	professional: 'Professional',
	master: 'Master',
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

function readPrompt(ctx: IExecuteFunctions, itemIndex: number, provider: ProviderAdapter): string {
	const prompt = readText(ctx, itemIndex, 'prompt', 'Prompt').trim();
	if (prompt === '' && provider.promptRequired) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Prompt" is empty; ${provider.displayName} requires a prompt of 1 to ${formatCount(LIMITS.maxPromptChars)} characters`,
			'Describe the motion you want, for example "the camera slowly pushes in while leaves drift by".',
		);
	}
	checkLength(ctx, itemIndex, 'Prompt', prompt);
	return prompt;
}

function readMode(ctx: IExecuteFunctions, itemIndex: number, provider: ProviderAdapter): VideoMode {
	const mode = ctx.getNodeParameter('mode', itemIndex, 'standard') as unknown;
	if (!provider.modes.includes(mode as VideoMode)) {
		const offered = provider.modes.map((value) => `"${value}" (${MODE_NAMES[value]})`).join(', ');
		throw invalidInput(
			ctx,
			itemIndex,
			`"Mode" ${JSON.stringify(mode)} is not offered by ${provider.displayName}; use ${offered}`,
		);
	}
	return mode as VideoMode;
}

function readDuration(ctx: IExecuteFunctions, itemIndex: number): VideoDuration {
	const raw = ctx.getNodeParameter('duration', itemIndex, '5') as unknown;
	const duration = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
	if (!LIMITS.durationsSeconds.includes(duration as VideoDuration)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Duration" must be 5 or 10 (seconds), not ${JSON.stringify(raw)}`,
		);
	}
	return duration as VideoDuration;
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

function readImageUrl(ctx: IExecuteFunctions, itemIndex: number): ImageInput {
	const text = readText(ctx, itemIndex, 'imageUrl', 'Image URL').trim();
	if (text === '')
		throw invalidInput(
			ctx,
			itemIndex,
			'"Image URL" is empty; give an http(s) link to a JPEG or PNG',
		);
	let url: URL;
	try {
		url = new URL(text);
	} catch {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Image URL" is not a URL: ${JSON.stringify(text.slice(0, 100))}`,
		);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw invalidInput(
			ctx,
			itemIndex,
			`"Image URL" must start with http:// or https:// (the provider downloads it), not ${url.protocol}`,
			'To send a local file, read it into binary data and set "Image Source" to Binary.',
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

async function readBinaryImage(ctx: IExecuteFunctions, itemIndex: number): Promise<ImageInput> {
	const propertyName = readText(
		ctx,
		itemIndex,
		'binaryPropertyName',
		'Input Binary Field',
		'data',
	).trim();
	const label = `"Input Binary Field" (${propertyName || 'empty'})`;
	const binary = ctx.getInputData()[itemIndex]?.binary ?? {};
	const binaryData = binary[propertyName];
	if (!binaryData) {
		const present = Object.keys(binary);
		throw invalidInput(
			ctx,
			itemIndex,
			`the input item has no binary field "${propertyName}"`,
			present.length
				? `Binary fields on this item: ${present.join(', ')}. Set "Input Binary Field" to one of them.`
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

function readBase64Image(ctx: IExecuteFunctions, itemIndex: number): ImageInput {
	const label = '"Image (Base64)"';
	let text = readText(ctx, itemIndex, 'imageBase64', 'Image (Base64)').trim();
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

async function readImage(ctx: IExecuteFunctions, itemIndex: number): Promise<ImageInput> {
	const source = ctx.getNodeParameter('imageSource', itemIndex, 'url') as unknown;
	if (source === 'url') return readImageUrl(ctx, itemIndex);
	if (source === 'binary') return await readBinaryImage(ctx, itemIndex);
	if (source === 'base64') return readBase64Image(ctx, itemIndex);
	throw invalidInput(
		ctx,
		itemIndex,
		`"Image Source" must be url, binary or base64, not ${JSON.stringify(source)}`,
	);
}

export async function readGenerationRequest(
	ctx: IExecuteFunctions,
	itemIndex: number,
	provider: ProviderAdapter,
): Promise<GenerationRequest> {
	const prompt = readPrompt(ctx, itemIndex, provider);
	const mode = readMode(ctx, itemIndex, provider);
	const duration = readDuration(ctx, itemIndex);
	const negativePrompt = readText(
		ctx,
		itemIndex,
		'options.negativePrompt',
		'Negative Prompt',
	).trim();
	checkLength(ctx, itemIndex, 'Negative Prompt', negativePrompt);
	const guidanceScale = readGuidanceScale(ctx, itemIndex);
	const image = await readImage(ctx, itemIndex);
	return {
		image,
		prompt,
		mode,
		duration,
		guidanceScale,
		...(negativePrompt && { negativePrompt }),
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
