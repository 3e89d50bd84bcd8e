import { encodePng, rgbImage, UNFILTERED } from '../../tools/png';

/** Test images of any size, built in memory: real PNGs, and JPEGs whose structure is real. */

/** A real, decodable RGB PNG with a soft gradient. */
export function makePng(width: number, height: number): Buffer {
	return encodePng(
		width,
		height,
		rgbImage(width, height, (x, y) => [(x * 255) / width, (y * 255) / height, 160]),
		UNFILTERED,
	);
}

function jpegSegment(marker: number, payload: Buffer): Buffer {
	const head = Buffer.from([0xff, marker, 0, 0]);
	head.writeUInt16BE(payload.length + 2, 2);
	return Buffer.concat([head, payload]);
}

/**
 * A JPEG with real markers (JFIF header, frame header with the size, scan, end marker) but
 * placeholder scan data: enough for anything that reads the structure, not for a decoder.
 */
export function makeJpegStructure(width: number, height: number, scanBytes = 2048): Buffer {
	const frame = Buffer.from([8, 0, 0, 0, 0, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
	frame.writeUInt16BE(height, 1);
	frame.writeUInt16BE(width, 3);
	return Buffer.concat([
		Buffer.from([0xff, 0xd8]),
		jpegSegment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'binary')),
		jpegSegment(0xdb, Buffer.alloc(65, 1)),
		jpegSegment(0xc0, frame),
		jpegSegment(0xc4, Buffer.alloc(30, 0)),
		jpegSegment(0xda, Buffer.from([3, 1, 0, 2, 0x11, 3, 0x11, 0, 0x3f, 0])),
		Buffer.alloc(scanBytes, 0x55),
		Buffer.from([0xff, 0xd9]),
	]);
}

export const GIF_BYTES = Buffer.from(
	'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7',
	'base64',
);

export function makeWebpHeader(): Buffer {
	return Buffer.concat([
		Buffer.from('RIFF'),
		Buffer.from([36, 0, 0, 0]),
		Buffer.from('WEBPVP8 '),
		Buffer.alloc(24),
	]);
}
