/* eslint-disable @n8n/community-nodes/no-restricted-imports -- tooling runs in plain Node, outside n8n's sandbox */
/** The one PNG encoder of the tools, tests and scripts: 8-bit RGB, no dependencies. */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Buffer): Buffer {
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body) >>> 0);
	return Buffer.concat([length, body, crc]);
}

/** How the rows are encoded: the smallest file, or the quickest (test images of a known size). */
export interface PngEncoding {
	/** `adaptive` picks per row the filter with the smallest output, as encoders do; `none` filters no row. */
	filters: 'adaptive' | 'none';
	/** zlib's level, 0 to 9 (zlib's default: -1). */
	level: number;
}

const SMALLEST: PngEncoding = { filters: 'adaptive', level: 9 };

/** Encodes 8-bit RGB rows as a PNG. */
export function encodePng(
	width: number,
	height: number,
	rgb: Uint8Array,
	encoding: PngEncoding = SMALLEST,
): Buffer {
	const stride = width * 3;
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const row = rgb.subarray(y * stride, (y + 1) * stride);
		const above = y > 0 ? rgb.subarray((y - 1) * stride, y * stride) : new Uint8Array(stride);
		const filters = encoding.filters === 'adaptive' ? [0, 1, 2, 4] : [0];
		const candidates = filters.map((filter) => {
			const out = Buffer.alloc(stride + 1);
			out[0] = filter;
			for (let i = 0; i < stride; i++) {
				const left = i >= 3 ? row[i - 3] : 0;
				const up = above[i];
				const upLeft = i >= 3 ? above[i - 3] : 0;
				let predicted = 0;
				if (filter === 1) predicted = left;
				if (filter === 2) predicted = up;
				if (filter === 4) {
					const p = left + up - upLeft;
					const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
					predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
				}
				out[i + 1] = (row[i] - predicted) & 0xff;
			}
			let cost = 0;
			for (let i = 1; i < out.length; i++) cost += out[i] < 128 ? out[i] : 256 - out[i];
			return { out, cost };
		});
		rows.push(
			candidates.reduce((best, candidate) => (candidate.cost < best.cost ? candidate : best)).out,
		);
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8; // bits per channel
	header[9] = 2; // RGB
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(Buffer.concat(rows), { level: encoding.level })),
		chunk('IEND', Buffer.alloc(0)),
	]);
}

/** An RGB image of `width`×`height` whose pixels `color(x, y)` gives. */
export function rgbImage(
	width: number,
	height: number,
	color: (x: number, y: number) => readonly [number, number, number],
): Uint8Array {
	const rgb = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++)
		for (let x = 0; x < width; x++) rgb.set(color(x, y), (y * width + x) * 3);
	return rgb;
}

/** Rows unfiltered at zlib's default level: quick to make, and the sizes the tests' messages quote. */
export const UNFILTERED: PngEncoding = { filters: 'none', level: -1 };
