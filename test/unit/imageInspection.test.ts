import { inspectImage } from '../../nodes/KlingImageToVideo/input/imageInspection';
import { GIF_BYTES, makeJpegStructure, makePng, makeWebpHeader } from '../support/images';

describe('inspectImage', () => {
	it("reads a PNG's size and sees it whole", () => {
		expect(inspectImage(makePng(640, 360))).toEqual({ format: 'png', width: 640, height: 360 });
	});

	it('notices a PNG cut short', () => {
		const png = makePng(640, 360);
		expect(inspectImage(png.subarray(0, png.length - 20))).toMatchObject({
			format: 'png',
			truncated: true,
		});
		expect(inspectImage(png.subarray(0, 20))).toMatchObject({ format: 'png', truncated: true });
	});

	it("reads a JPEG's size from its frame header and notices a missing end marker", () => {
		const jpeg = makeJpegStructure(1280, 720);
		expect(inspectImage(jpeg)).toEqual({ format: 'jpeg', width: 1280, height: 720 });
		expect(inspectImage(jpeg.subarray(0, jpeg.length - 100))).toMatchObject({
			format: 'jpeg',
			truncated: true,
		});
	});

	it('names other formats so the error can say what the file is', () => {
		expect(inspectImage(GIF_BYTES).format).toBe('gif');
		expect(inspectImage(makeWebpHeader()).format).toBe('webp');
		expect(inspectImage(Buffer.from('hello, not an image')).format).toBe('unknown');
		expect(inspectImage(Buffer.alloc(0)).format).toBe('unknown');
	});
});
