/**
 * Real (if tiny) MP4 structures: ftyp, a moov with mvhd, one video track (tkhd, mdia with mdhd,
 * hdlr 'vide' and an avc1 sample entry) and an mdat, in the two layouts files come in: faststart
 * (moov before mdat) and moov at the end. The mdat body is the caller's filler.
 */

export type Mp4Layout = 'faststart' | 'moovAtEnd' | 'malformed' | 'notMp4';

export interface Mp4Facts {
	width: number;
	height: number;
	durationSeconds: number;
}

export const DEFAULT_MP4_FACTS: Mp4Facts = { width: 720, height: 1280, durationSeconds: 5 };

const TIMESCALE = 1000;

function box(type: string, ...parts: Buffer[]): Buffer {
	const body = Buffer.concat(parts);
	const header = Buffer.alloc(8);
	header.writeUInt32BE(8 + body.length, 0);
	header.write(type, 4, 'latin1');
	return Buffer.concat([header, body]);
}

function fullBoxBody(version: number, bytes: number): Buffer {
	const body = Buffer.alloc(bytes);
	body.writeUInt8(version, 0);
	return body;
}

/** The unity matrix every header carries. */
function writeMatrix(target: Buffer, offset: number): void {
	[0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000].forEach((value, index) =>
		target.writeUInt32BE(value, offset + index * 4),
	);
}

function mvhd(durationUnits: number): Buffer {
	const body = fullBoxBody(0, 100);
	body.writeUInt32BE(TIMESCALE, 12);
	body.writeUInt32BE(durationUnits, 16);
	body.writeUInt32BE(0x10000, 20); // rate 1.0
	body.writeUInt16BE(0x100, 24); // volume 1.0
	writeMatrix(body, 36);
	body.writeUInt32BE(2, 96); // next track id
	return box('mvhd', body);
}

function tkhd(facts: Mp4Facts, durationUnits: number): Buffer {
	const body = fullBoxBody(0, 84);
	body.writeUInt8(3, 3); // flags: enabled, in movie
	body.writeUInt32BE(1, 12); // track id
	body.writeUInt32BE(durationUnits, 20);
	writeMatrix(body, 40);
	body.writeUInt32BE(facts.width * 0x10000, 76);
	body.writeUInt32BE(facts.height * 0x10000, 80);
	return box('tkhd', body);
}

function mdhd(durationUnits: number): Buffer {
	const body = fullBoxBody(0, 24);
	body.writeUInt32BE(TIMESCALE, 12);
	body.writeUInt32BE(durationUnits, 16);
	body.writeUInt16BE(0x55c4, 20); // language 'und'
	return box('mdhd', body);
}

function hdlr(handler: string): Buffer {
	const body = fullBoxBody(0, 25);
	body.write(handler, 8, 'latin1');
	body.write('Video', 20, 'latin1');
	return box('hdlr', body);
}

function avc1(facts: Mp4Facts): Buffer {
	const body = Buffer.alloc(78);
	body.writeUInt16BE(1, 6); // data reference index
	body.writeUInt16BE(facts.width, 24);
	body.writeUInt16BE(facts.height, 26);
	body.writeUInt32BE(0x480000, 28); // 72 dpi
	body.writeUInt32BE(0x480000, 32);
	body.writeUInt16BE(1, 40); // frame count
	body.writeUInt16BE(0x18, 74); // depth
	body.writeInt16BE(-1, 76);
	return box('avc1', body);
}

export function moovBox(facts: Mp4Facts = DEFAULT_MP4_FACTS): Buffer {
	const units = Math.round(facts.durationSeconds * TIMESCALE);
	const stsdHead = fullBoxBody(0, 8);
	stsdHead.writeUInt32BE(1, 4); // entry count
	const stbl = box('stbl', box('stsd', stsdHead, avc1(facts)));
	const minf = box('minf', box('vmhd', fullBoxBody(0, 12)), stbl);
	const mdia = box('mdia', mdhd(units), hdlr('vide'), minf);
	return box('moov', mvhd(units), box('trak', tkhd(facts, units), mdia));
}

export function ftypBox(): Buffer {
	return box('ftyp', Buffer.from('isom\0\0\x02\0isomiso2avc1mp41', 'latin1'));
}

/**
 * The bytes around the mdat body of a file of `totalBytes`: `head` from byte 0, `tail` ending at
 * the last byte; the mdat body fills what lies between.
 */
export function mp4Frame(
	totalBytes: number,
	layout: Mp4Layout,
	facts: Mp4Facts = DEFAULT_MP4_FACTS,
): { head: Buffer; tail: Buffer } {
	const ftyp = ftypBox();
	const moov = moovBox(facts);
	const mdatHeader = (bodyBytes: number): Buffer => {
		const header = Buffer.alloc(8);
		header.writeUInt32BE(Math.min(8 + Math.max(bodyBytes, 0), 0xffffffff), 0);
		header.write('mdat', 4, 'latin1');
		return header;
	};
	switch (layout) {
		case 'faststart': {
			const head = Buffer.concat([ftyp, moov]);
			return {
				head: Buffer.concat([head, mdatHeader(totalBytes - head.length - 8)]),
				tail: Buffer.alloc(0),
			};
		}
		case 'moovAtEnd':
			return {
				head: Buffer.concat([ftyp, mdatHeader(totalBytes - ftyp.length - 8 - moov.length)]),
				tail: moov,
			};
		case 'malformed': {
			// A moov whose mvhd is cut: the box sizes add up, the header inside does not.
			const broken = box('moov', box('mvhd', Buffer.alloc(4)));
			const head = Buffer.concat([ftyp, broken]);
			return {
				head: Buffer.concat([head, mdatHeader(totalBytes - head.length - 8)]),
				tail: Buffer.alloc(0),
			};
		}
		case 'notMp4':
			return { head: Buffer.from('<html>not a video</html>\n', 'latin1'), tail: Buffer.alloc(0) };
	}
}

/** A whole small MP4 with `mdatBytes` of filler, for unit tests. */
export function makeMp4(
	layout: Mp4Layout,
	facts: Mp4Facts = DEFAULT_MP4_FACTS,
	mdatBytes = 4096,
): Buffer {
	const probe = mp4Frame(0, layout, facts);
	const totalBytes = probe.head.length + probe.tail.length + mdatBytes;
	const { head, tail } = mp4Frame(totalBytes, layout, facts);
	const filler = Buffer.alloc(totalBytes - head.length - tail.length, 0xab);
	return Buffer.concat([head, filler, tail]);
}
