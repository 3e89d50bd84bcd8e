import { Mp4FactsReader } from '../../nodes/KlingImageToVideo/media/mp4Facts';
import { makeMp4 } from '../../tools/simulators/mp4';
import { videoSlice } from '../../tools/simulators/video';

/** Feeds `bytes` in chunks of `chunkBytes`, as a stream would. */
function read(bytes: Buffer, chunkBytes: number): Mp4FactsReader {
	const reader = new Mp4FactsReader();
	for (let offset = 0; offset < bytes.length; offset += chunkBytes)
		reader.push(bytes.subarray(offset, offset + chunkBytes));
	reader.end();
	return reader;
}

const vertical = { width: 720, height: 1280, durationSeconds: 5 };
const wide = { width: 1920, height: 1080, durationSeconds: 10.04 };

describe('Mp4FactsReader', () => {
	it.each([1, 7, 64, 100_000])('reads a faststart file in chunks of %i bytes', (chunkBytes) => {
		const reader = read(makeMp4('faststart', vertical), chunkBytes);
		expect(reader.facts).toEqual(vertical);
		expect(reader.problem).toBeUndefined();
	});

	it.each([1, 13, 4096])(
		'reads a file whose moov comes after mdat (chunks of %i)',
		(chunkBytes) => {
			const reader = read(makeMp4('moovAtEnd', wide, 20_000), chunkBytes);
			expect(reader.facts).toEqual(wide);
			expect(reader.bytes).toBe(makeMp4('moovAtEnd', wide, 20_000).length);
		},
	);

	it('reads a 200 MB moov-at-end file holding nothing but the moov', () => {
		const total = 200 * 1024 * 1024;
		const reader = new Mp4FactsReader();
		// Only the first and last chunks carry boxes; the middle is skipped by count alone.
		const chunk = 1024 * 1024;
		for (let offset = 0; offset < total; offset += chunk) {
			const edge = offset < chunk || offset + chunk >= total;
			reader.push(
				edge
					? videoSlice(total, offset, Math.min(total, offset + chunk), 'moovAtEnd', wide)
					: Buffer.alloc(chunk),
			);
		}
		reader.end();
		expect(reader.facts).toEqual(wide);
		expect(reader.bytes).toBe(total);
	});

	it('leaves the facts out of a malformed moov, saying why', () => {
		const reader = read(makeMp4('malformed'), 64);
		expect(reader.facts).toBeUndefined();
		expect(reader.problem).toBe('its moov box lacks a readable mvhd or video track');
	});

	it('leaves the facts out of a file that is not an MP4', () => {
		const reader = read(makeMp4('notMp4'), 64);
		expect(reader.facts).toBeUndefined();
		expect(reader.problem).toBe('the file is not an MP4 (no ftyp box)');
	});

	it('says the moov was cut short when the file ends inside it', () => {
		const whole = makeMp4('moovAtEnd', vertical);
		const reader = read(whole.subarray(0, whole.length - 20), 512);
		expect(reader.facts).toBeUndefined();
		expect(reader.problem).toBe('its moov box is cut short');
	});

	it('says a file without moov has none', () => {
		const whole = makeMp4('moovAtEnd', vertical);
		const moovStart = whole.lastIndexOf(Buffer.from('moov')) - 4;
		const reader = read(whole.subarray(0, moovStart), 512);
		expect(reader.problem).toBe('it has no moov box');
	});

	it('reads the size from the avc1 entry when tkhd gives none', () => {
		const file = makeMp4('faststart', vertical);
		const tkhd = file.indexOf(Buffer.from('tkhd'));
		const size = file.readUInt32BE(tkhd - 4);
		file.fill(0, tkhd - 4 + size - 8, tkhd - 4 + size); // tkhd width and height: 0
		expect(read(file, 100).facts).toEqual(vertical);
	});
});
