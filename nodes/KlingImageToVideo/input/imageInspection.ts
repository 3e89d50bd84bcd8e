/**
 * Reads an image's format and pixel size from its bytes, without decoding it: enough to refuse,
 * before anything is paid for, what every provider would refuse anyway.
 */

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'heic' | 'unknown';

export interface ImageFacts {
	format: ImageFormat;
	width?: number;
	height?: number;
	/** Set when the bytes stop before the image's own structure says they should. */
	truncated?: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: number[], offset = 0): boolean {
	return prefix.every((byte, index) => bytes[offset + index] === byte);
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
	return String.fromCharCode(...bytes.subarray(start, start + length));
}

function readUint32(bytes: Uint8Array, offset: number): number {
	return (
		((bytes[offset] << 24) |
			(bytes[offset + 1] << 16) |
			(bytes[offset + 2] << 8) |
			bytes[offset + 3]) >>>
		0
	);
}

function readUint16(bytes: Uint8Array, offset: number): number {
	return (bytes[offset] << 8) | bytes[offset + 1];
}

/** Walks the chunk list: a PNG is whole only if its chunks reach IEND inside the bytes. */
function inspectPng(bytes: Uint8Array): ImageFacts {
	if (bytes.length < 33 || ascii(bytes, 12, 4) !== 'IHDR')
		return { format: 'png', truncated: true };
	const facts: ImageFacts = {
		format: 'png',
		width: readUint32(bytes, 16),
		height: readUint32(bytes, 20),
	};
	let offset = 8;
	while (offset + 12 <= bytes.length) {
		const chunkLength = readUint32(bytes, offset);
		const chunkType = ascii(bytes, offset + 4, 4);
		offset += 12 + chunkLength;
		if (chunkType === 'IEND') return offset <= bytes.length ? facts : { ...facts, truncated: true };
	}
	return { ...facts, truncated: true };
}

const JPEG_FRAME_MARKERS = new Set([
	0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);
const JPEG_START_OF_SCAN = 0xda;
const JPEG_END_OF_IMAGE = [0xff, 0xd9];

/** Walks the segments up to the first scan; the size is in the frame header, the end marker after the scan. */
function inspectJpeg(bytes: Uint8Array): ImageFacts {
	const facts: ImageFacts = { format: 'jpeg' };
	let offset = 2;
	while (offset + 4 <= bytes.length) {
		if (bytes[offset] !== 0xff) return { ...facts, truncated: true };
		const marker = bytes[offset + 1];
		if (marker === 0xff) {
			offset += 1; // fill byte
			continue;
		}
		const segmentLength = readUint16(bytes, offset + 2);
		if (JPEG_FRAME_MARKERS.has(marker) && offset + 9 <= bytes.length) {
			facts.height = readUint16(bytes, offset + 5);
			facts.width = readUint16(bytes, offset + 7);
		}
		if (marker === JPEG_START_OF_SCAN) {
			const scanStart = offset + 2 + segmentLength;
			const hasEnd = lastIndexOfPair(bytes, JPEG_END_OF_IMAGE) >= scanStart;
			return hasEnd && facts.width !== undefined ? facts : { ...facts, truncated: true };
		}
		offset += 2 + segmentLength;
	}
	return { ...facts, truncated: true };
}

function lastIndexOfPair(bytes: Uint8Array, pair: number[]): number {
	for (let index = bytes.length - 2; index >= 0; index--) {
		if (bytes[index] === pair[0] && bytes[index + 1] === pair[1]) return index;
	}
	return -1;
}

export function inspectImage(bytes: Uint8Array): ImageFacts {
	if (startsWith(bytes, PNG_SIGNATURE)) return inspectPng(bytes);
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return inspectJpeg(bytes);
	if (ascii(bytes, 0, 4) === 'GIF8') return { format: 'gif' };
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return { format: 'webp' };
	if (ascii(bytes, 0, 2) === 'BM') return { format: 'bmp' };
	if (ascii(bytes, 4, 4) === 'ftyp' && /^(heic|heix|mif1|avif)$/.test(ascii(bytes, 8, 4)))
		return { format: 'heic' };
	return { format: 'unknown' };
}

export const MIME_TYPE_BY_FORMAT: Partial<Record<ImageFormat, 'image/png' | 'image/jpeg'>> = {
	png: 'image/png',
	jpeg: 'image/jpeg',
};
