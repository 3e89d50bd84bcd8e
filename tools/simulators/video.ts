/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { Readable } from 'node:stream';
import { encodePng, rgbImage, UNFILTERED } from '../png';
import { DEFAULT_MP4_FACTS, mp4Frame, type Mp4Facts, type Mp4Layout } from './mp4';
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

/** Bytes [start, end) of the simulated mp4 of `totalBytes`: a real MP4 frame around the filler. */
export function videoSlice(
	totalBytes: number,
	start: number,
	end: number,
	layout: Mp4Layout = 'faststart',
	facts: Mp4Facts = DEFAULT_MP4_FACTS,
): Buffer {
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
	const { head, tail } = mp4Frame(totalBytes, layout, facts);
	if (start < head.length) head.copy(slice, 0, start, Math.min(head.length, end));
	const tailStart = totalBytes - tail.length;
	if (tail.length > 0 && end > tailStart) {
		const from = Math.max(start, tailStart);
		tail.copy(slice, from - start, from - tailStart, end - tailStart);
	}
	return slice;
}

/** The whole simulated mp4, to compare a small download against (do not call for huge sizes). */
export function expectedVideoBytes(
	totalBytes: number,
	layout: Mp4Layout = 'faststart',
	facts: Mp4Facts = DEFAULT_MP4_FACTS,
): Buffer {
	return videoSlice(totalBytes, 0, totalBytes, layout, facts);
}

/** Streams bytes [start, end) in 64 KB chunks with backpressure, so large files never sit in memory. */
export function videoStream(
	totalBytes: number,
	start: number,
	end: number,
	layout: Mp4Layout = 'faststart',
	facts: Mp4Facts = DEFAULT_MP4_FACTS,
): Readable {
	let position = start;
	return new Readable({
		read() {
			if (position >= end) {
				this.push(null);
				return;
			}
			const next = Math.min(end, position + CHUNK_BYTES);
			const chunk = videoSlice(totalBytes, position, next, layout, facts);
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
