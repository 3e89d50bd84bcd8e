import type { IExecuteFunctions } from 'n8n-workflow';

import { formatCount, LIMITS } from '../models/limits';
import type { ImageFrame, ImageInput, ImageSource } from '../requestFields';
import { invalidInput } from '../shared/itemError';
import { describeType } from '../shared/wording';
import { inspectImage, MIME_TYPE_BY_FORMAT, type ImageFormat } from './imageInspection';

/**
 * Reads an item's text parameters and its images (as a URL, binary data or base64), each checked
 * against every documented limit.
 */

const FORMAT_NAMES: Record<ImageFormat, string> = {
	png: 'a PNG',
	jpeg: 'a JPEG',
	gif: 'a GIF',
	webp: 'a WebP image',
	bmp: 'a BMP image',
	heic: 'a HEIC/AVIF image',
	unknown: 'not an image this node recognises',
};

function formatMegabytes(bytes: number): string {
	return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function readText(
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

function readImageUrl(ctx: IExecuteFunctions, itemIndex: number, frame: ImageFrame): ImageInput {
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
	frame: ImageFrame,
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

function readBase64Image(ctx: IExecuteFunctions, itemIndex: number, frame: ImageFrame): ImageInput {
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

/**
 * The frame's source, checked against what the provider takes before any bytes are read.
 * `urlOnlyAt` names the offer where it takes URLs only.
 */
export function readImageSource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	frame: ImageFrame,
	urlOnlyAt: string | undefined,
): ImageSource {
	const source = ctx.getNodeParameter(
		frame.source,
		itemIndex,
		frame.optional ? 'none' : 'url',
	) as unknown;
	const sources: ImageSource[] = frame.optional
		? ['none', 'url', 'binary', 'base64']
		: ['url', 'binary', 'base64'];
	if (!sources.includes(source as ImageSource)) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${frame.labels.source}" must be ${sources.join(', ')}, not ${JSON.stringify(source)}`,
		);
	}
	if ((source === 'binary' || source === 'base64') && urlOnlyAt !== undefined) {
		throw invalidInput(
			ctx,
			itemIndex,
			`${urlOnlyAt} takes images as URLs only; set "${frame.labels.source}" to Image URL`,
			'The provider documents only image links for this model. Put the image somewhere public (for example a storage bucket or CDN) and pass its URL.',
		);
	}
	return source as ImageSource;
}

export async function readImage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	frame: ImageFrame,
	source: Exclude<ImageSource, 'none'>,
): Promise<ImageInput> {
	if (source === 'url') return readImageUrl(ctx, itemIndex, frame);
	if (source === 'binary') return await readBinaryImage(ctx, itemIndex, frame);
	return readBase64Image(ctx, itemIndex, frame);
}

/** Refuses text longer than a prompt may be. */
export function checkLength(
	ctx: IExecuteFunctions,
	itemIndex: number,
	label: string,
	text: string,
): void {
	const length = [...text].length;
	if (length > LIMITS.maxPromptChars) {
		throw invalidInput(
			ctx,
			itemIndex,
			`"${label}" is ${formatCount(length)} characters long; the limit is ${formatCount(LIMITS.maxPromptChars)}`,
		);
	}
}
