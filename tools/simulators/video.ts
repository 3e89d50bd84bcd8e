/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { Readable } from 'node:stream';
import { encodePng, rgbImage, UNFILTERED } from '../png';
import { createRandom } from './random';

const PATTERN_BYTES = 64 * 1024;
const CHUNK_BYTES = 64 * 1024;

// Filler bytes repeat with this period, so any byte range is computed on demand (Range requests, 200 MB files).
const PATTERN = (() => {
	const random = createRandom(0x5eed);
	const bytes = Buffer.alloc(PATTERN_BYTES);
	for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
	return bytes;
})();

/** ftyp box (what players and MIME sniffers look for) followed by an mdat box header spanning the rest. */
function mp4Header(totalBytes: number): Buffer {
	const header = Buffer.alloc(40);
	header.writeUInt32BE(32, 0);
	header.write('ftypisom', 4, 'latin1');
	header.writeUInt32BE(0x200, 12);
	header.write('isomiso2avc1mp41', 16, 'latin1');
	header.writeUInt32BE(Math.min(Math.max(totalBytes - 32, 8), 0xffffffff), 32);
	header.write('mdat', 36, 'latin1');
	return header;
}

/** Bytes [start, end) of the simulated mp4 of `totalBytes`. */
export function videoSlice(totalBytes: number, start: number, end: number): Buffer {
	const slice = Buffer.alloc(Math.max(0, end - start));
	let written = 0;
	while (written < slice.length) {
		const offset = (start + written) % PATTERN_BYTES;
		written += PATTERN.copy(
			slice,
			written,
			offset,
			Math.min(PATTERN_BYTES, offset + slice.length - written),
		);
	}
	const header = mp4Header(totalBytes);
	if (start < header.length) header.copy(slice, 0, start, Math.min(header.length, end));
	return slice;
}

/** The whole simulated mp4, to compare a small download against (do not call for huge sizes). */
export function expectedVideoBytes(totalBytes: number): Buffer {
	return videoSlice(totalBytes, 0, totalBytes);
}

/** Streams bytes [start, end) in 64 KB chunks with backpressure, so large files never sit in memory. */
export function videoStream(totalBytes: number, start: number, end: number): Readable {
	let position = start;
	return new Readable({
		read() {
			if (position >= end) {
				this.push(null);
				return;
			}
			const next = Math.min(end, position + CHUNK_BYTES);
			const chunk = videoSlice(totalBytes, position, next);
			position = next;
			this.push(chunk);
		},
	});
}

/** A valid solid-colour RGB PNG, for submissions that must pass the providers' image checks (>= 300x300). */
export function makeTestPng(width = 320, height = 320): Buffer {
	return encodePng(
		width,
		height,
		rgbImage(width, height, () => [0x80, 0x80, 0x80]),
		UNFILTERED,
	);
}
