/**
 * Reads what a poster needs to know about an MP4 (frame size, length) from its `moov` box while the
 * file streams past, wherever the box sits: at the start (faststart) it is read as it passes; at the
 * end only the headers of the boxes before it are looked at while their bodies are skipped. Memory
 * is bounded by the size of `moov` (a few KB to a few MB), never by the size of the video.
 */

export interface VideoFacts {
	width: number;
	height: number;
	durationSeconds: number;
}

/** A `moov` larger than this is not a Kling clip's: give up rather than hold it. */
const MAX_MOOV_BYTES = 32 * 1024 * 1024;
/** ftyp, then the usual top-level boxes; anything else first means this is not an MP4. */
const FIRST_BOX = 'ftyp';
/** Visual sample entries whose width and height sit at the place ISO/IEC 14496-12 gives them. */
const VISUAL_ENTRIES = new Set(['avc1', 'avc3', 'hvc1', 'hev1', 'av01', 'vp09', 'mp4v']);

interface Box {
	type: string;
	/** Offset of the body within the buffer it was read from. */
	start: number;
	end: number;
}

/** The boxes in `data[from, to)`; stops at the first one that does not fit. */
function childBoxes(data: Uint8Array, from: number, to: number): Box[] {
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	const boxes: Box[] = [];
	let offset = from;
	while (offset + 8 <= to) {
		let size = view.getUint32(offset);
		const type = String.fromCharCode(...data.subarray(offset + 4, offset + 8));
		let headerBytes = 8;
		if (size === 1) {
			if (offset + 16 > to) break;
			size = Number(view.getBigUint64(offset + 8));
			headerBytes = 16;
		} else if (size === 0) {
			size = to - offset;
		}
		if (size < headerBytes || offset + size > to) break;
		boxes.push({ type, start: offset + headerBytes, end: offset + size });
		offset += size;
	}
	return boxes;
}

function find(data: Uint8Array, parent: Box, type: string): Box | undefined {
	return childBoxes(data, parent.start, parent.end).find((box) => box.type === type);
}

/** The frame size of a video track: tkhd's 16.16 width/height, else its first sample entry's. */
function videoTrackSize(
	data: Uint8Array,
	trak: Box,
): { width: number; height: number } | undefined {
	const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
	const mdia = find(data, trak, 'mdia');
	const hdlr = mdia && find(data, mdia, 'hdlr');
	if (!hdlr || hdlr.end - hdlr.start < 12) return undefined;
	const handler = String.fromCharCode(...data.subarray(hdlr.start + 8, hdlr.start + 12));
	if (handler !== 'vide') return undefined;

	const tkhd = find(data, trak, 'tkhd');
	if (tkhd && tkhd.end - tkhd.start >= 84) {
		const width = view.getUint32(tkhd.end - 8) / 65536;
		const height = view.getUint32(tkhd.end - 4) / 65536;
		if (width > 0 && height > 0) return { width: Math.round(width), height: Math.round(height) };
	}
	const minf = find(data, mdia, 'minf');
	const stbl = minf && find(data, minf, 'stbl');
	const stsd = stbl && find(data, stbl, 'stsd');
	if (!stsd) return undefined;
	// stsd: version/flags (4), entry count (4), then sample entries.
	const entry = childBoxes(data, stsd.start + 8, stsd.end)[0];
	if (!entry || !VISUAL_ENTRIES.has(entry.type) || entry.end - entry.start < 28) return undefined;
	const width = view.getUint16(entry.start + 24);
	const height = view.getUint16(entry.start + 26);
	return width > 0 && height > 0 ? { width, height } : undefined;
}

/** Facts from the body of a `moov` box, or undefined when it lacks what they need. */
export function readMoov(moov: Uint8Array): VideoFacts | undefined {
	const view = new DataView(moov.buffer, moov.byteOffset, moov.byteLength);
	const whole: Box = { type: 'moov', start: 0, end: moov.length };
	const mvhd = find(moov, whole, 'mvhd');
	if (!mvhd) return undefined;
	const version = moov[mvhd.start];
	const needed = version === 1 ? 32 : 20;
	if (mvhd.end - mvhd.start < needed) return undefined;
	const timescale = view.getUint32(mvhd.start + (version === 1 ? 20 : 12));
	const duration =
		version === 1 ? Number(view.getBigUint64(mvhd.start + 24)) : view.getUint32(mvhd.start + 16);
	if (timescale === 0) return undefined;

	let size: { width: number; height: number } | undefined;
	for (const trak of childBoxes(moov, 0, moov.length).filter((box) => box.type === 'trak')) {
		size = videoTrackSize(moov, trak);
		if (size) break;
	}
	if (!size) return undefined;
	return { ...size, durationSeconds: Math.round((duration / timescale) * 1000) / 1000 };
}

/**
 * Fed every chunk of a file in order; `facts` is set once the `moov` box was read, `problem` once
 * the file proved unreadable as an MP4 (the chunks are then ignored).
 */
export class Mp4FactsReader {
	facts?: VideoFacts;
	problem?: string;
	bytes = 0;
	/** Bytes of the current top-level box header, until it is complete. */
	private header = new Uint8Array(16);
	private headerFill = 0;
	/** Bytes of the current box's body still to skip (or to collect, for moov). */
	private remaining = 0;
	private moov?: Uint8Array;
	private moovFill = 0;
	private boxesSeen = 0;
	/** A box of size 0 runs to the end of the file: nothing after it can be moov. */
	private toEnd = false;

	get done(): boolean {
		return this.facts !== undefined || this.problem !== undefined;
	}

	push(chunk: Uint8Array): void {
		this.bytes += chunk.length;
		if (this.done) return;
		let offset = 0;
		while (offset < chunk.length && !this.done) {
			if (this.toEnd) return;
			if (this.remaining > 0) {
				const take = Math.min(this.remaining, chunk.length - offset);
				if (this.moov) {
					this.moov.set(chunk.subarray(offset, offset + take), this.moovFill);
					this.moovFill += take;
				}
				this.remaining -= take;
				offset += take;
				if (this.remaining === 0 && this.moov) this.finishMoov();
				continue;
			}
			offset = this.readHeader(chunk, offset);
		}
	}

	/** Called when the file ended: a file that never showed its moov has no facts. */
	end(): void {
		if (this.done) return;
		if (this.boxesSeen === 0) this.problem = 'the file is not an MP4 (no ftyp box)';
		else this.problem = this.moov ? 'its moov box is cut short' : 'it has no moov box';
	}

	private readHeader(chunk: Uint8Array, offset: number): number {
		const wanted = this.headerFill >= 8 && this.isLargeSize() ? 16 : 8;
		const take = Math.min(wanted - this.headerFill, chunk.length - offset);
		this.header.set(chunk.subarray(offset, offset + take), this.headerFill);
		this.headerFill += take;
		offset += take;
		if (this.headerFill < 8 || (this.isLargeSize() && this.headerFill < 16)) return offset;

		const view = new DataView(this.header.buffer);
		const type = String.fromCharCode(...this.header.subarray(4, 8));
		const headerBytes = this.headerFill;
		const size = this.isLargeSize() ? Number(view.getBigUint64(8)) : view.getUint32(0);
		this.headerFill = 0;
		if (this.boxesSeen++ === 0 && type !== FIRST_BOX) {
			this.problem = 'the file is not an MP4 (no ftyp box)';
			return offset;
		}
		if (!/^[\x20-\x7e]{4}$/.test(type)) {
			this.problem = 'a box header is not readable';
			return offset;
		}
		if (size === 0) {
			if (type === 'moov') this.problem = 'its moov box has no size';
			this.toEnd = true;
			return offset;
		}
		if (size < headerBytes) {
			this.problem = `the ${type} box has an impossible size`;
			return offset;
		}
		this.remaining = size - headerBytes;
		if (type === 'moov') {
			if (this.remaining > MAX_MOOV_BYTES) {
				this.problem = 'its moov box is larger than a clip needs';
				return offset;
			}
			this.moov = new Uint8Array(this.remaining);
			this.moovFill = 0;
			if (this.remaining === 0) this.finishMoov();
		}
		return offset;
	}

	private isLargeSize(): boolean {
		return (
			this.header[0] === 0 && this.header[1] === 0 && this.header[2] === 0 && this.header[3] === 1
		);
	}

	private finishMoov(): void {
		const facts = this.moov ? readMoov(this.moov) : undefined;
		this.moov = undefined;
		if (facts) this.facts = facts;
		else this.problem = 'its moov box lacks a readable mvhd or video track';
	}
}

export interface ChunkEmitter {
	emit(event: string | symbol, ...args: unknown[]): boolean;
}

/**
 * Shows `reader` every chunk the stream hands to its consumer (n8n's binary store), without
 * becoming a consumer: a 'data' listener would start the flow before the store is attached, and a
 * pass-through stream needs node:stream, which community nodes may not import.
 */
export function readFactsAsItStreams(stream: ChunkEmitter, reader: Mp4FactsReader): void {
	const emit = stream.emit;
	stream.emit = function (this: ChunkEmitter, event: string | symbol, ...args: unknown[]) {
		if (event === 'data' && !reader.done) {
			const chunk = args[0];
			try {
				if (chunk instanceof Uint8Array) reader.push(chunk);
				else reader.problem = 'the stream gave text, not bytes';
			} catch {
				reader.problem = 'its boxes could not be read';
			}
		} else if (event === 'data' && args[0] instanceof Uint8Array) {
			reader.bytes += args[0].length;
		}
		return emit.call(this, event, ...args);
	};
}
