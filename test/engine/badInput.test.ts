/* eslint-disable no-console -- the table of messages is printed on purpose, for a reader of the test run */
import type { INodeParameters } from 'n8n-workflow';

import type { InputItem } from '../support/engine';
import { GIF_BYTES, makeJpegStructure, makePng, makeWebpHeader } from '../support/images';
import { startSimulator, type ProviderId, type Simulator } from '../../tools/simulators';
import { klingNode, runKling } from './kling';

/**
 * Every kind of bad input is refused before any request is sent (nothing paid, nothing to clean
 * up), with a message that names the item, the field and the limit. Each case runs two items,
 * the first one valid, so the refusal of item 1 also proves no item was submitted before it.
 */

const validPng = makePng(640, 480);
const png = (data: Buffer) => ({ data, mimeType: 'image/png', fileName: 'photo.png' });
const dataUri = (mimeType: string, bytes: Buffer) =>
	`data:${mimeType};base64,${bytes.toString('base64')}`;

/** A structurally valid PNG padded past 10 MB with an ancillary chunk. */
function oversizedPng(): Buffer {
	const base = makePng(400, 400);
	const iendAt = base.length - 12;
	const padding = Buffer.alloc(11 * 1024 * 1024 + 12);
	padding.writeUInt32BE(padding.length - 12, 0);
	padding.write('zPad', 4, 'ascii');
	return Buffer.concat([base.subarray(0, iendAt), padding, base.subarray(iendAt)]);
}

const heic = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypheic'), Buffer.alloc(16)]);

interface Case {
	name: string;
	provider?: ProviderId;
	parameters: INodeParameters;
	/** The second item (item 1), the one that is refused; item 0 is always valid. */
	item?: InputItem;
	credentials?: Record<string, unknown>;
	message: string | RegExp;
}

const generateFromBinary = { operation: 'generate', imageSource: 'binary' };
const generateFromBase64 = {
	operation: 'generate',
	imageSource: 'base64',
	imageBase64: '={{ $json.image }}',
};
const validUrlItem = {
	json: { image: dataUri('image/png', validPng) },
	binary: { data: png(validPng) },
};

/** Two shots adding up to 5 s, as the item gives them (n8n takes no expression for a whole list). */
const VALID_SHOTS = { p1: 'close-up of the bottle', d1: 2, p2: 'wide shot of the shelf', d2: 3 };
const shotsOf = (shots: Array<{ prompt: string; duration: number }>) => ({
	p1: shots[0].prompt,
	d1: shots[0].duration,
	p2: shots[1].prompt,
	d2: shots[1].duration,
});

/** A 5 s Kling 3.0 storyboard of two shots whose texts and lengths come from the item. */
const storyboard = (extra: INodeParameters = {}): INodeParameters => ({
	operation: 'generate',
	model: 'v3.0',
	mode: 'standard',
	duration: '5',
	imageUrl: 'https://images.example.com/a.png',
	shotMode: 'custom',
	shots: {
		shot: [
			{ prompt: '={{ $json.p1 }}', duration: '={{ $json.d1 }}' },
			{ prompt: '={{ $json.p2 }}', duration: '={{ $json.d2 }}' },
		],
	},
	...extra,
});

const cases: Case[] = [
	{
		name: 'GIF as binary',
		parameters: generateFromBinary,
		item: { binary: { data: { data: GIF_BYTES, mimeType: 'image/gif' } } },
		message:
			'the image in "Input Binary Field" (data) is a GIF; only JPEG and PNG are accepted [item 1]',
	},
	{
		name: 'WebP as base64',
		parameters: generateFromBase64,
		item: { json: { image: makeWebpHeader().toString('base64') } },
		message:
			'the image in "Image (Base64)" is a WebP image; only JPEG and PNG are accepted [item 1]',
	},
	{
		name: 'HEIC photo from a phone',
		parameters: generateFromBinary,
		item: { binary: { data: { data: heic, mimeType: 'image/heic' } } },
		message: /is a HEIC\/AVIF image; only JPEG and PNG are accepted \[item 1\]$/,
	},
	{
		name: 'over 10 MB',
		parameters: generateFromBinary,
		item: { binary: { data: png(oversizedPng()) } },
		message: 'the image in "Input Binary Field" (data) is 11.1 MB; the limit is 10 MB [item 1]',
	},
	{
		name: 'under 300×300 px',
		parameters: generateFromBinary,
		item: { binary: { data: png(makePng(200, 200)) } },
		message:
			'the image in "Input Binary Field" (data) is 200×200 px; both sides must be at least 300 px [item 1]',
	},
	{
		name: 'one side under 300 px',
		parameters: generateFromBinary,
		item: { binary: { data: png(makePng(1024, 299)) } },
		message: /is 1024×299 px; both sides must be at least 300 px \[item 1\]$/,
	},
	{
		name: 'wider than 2.5:1',
		parameters: generateFromBinary,
		item: { binary: { data: png(makePng(1000, 300)) } },
		message:
			/is 1000×300 px, an aspect ratio of 3\.33:1; it must be between 1:2\.5 and 2\.5:1 \[item 1\]$/,
	},
	{
		name: 'taller than 1:2.5',
		parameters: generateFromBase64,
		item: { json: { image: dataUri('image/jpeg', makeJpegStructure(300, 900)) } },
		message: /is 300×900 px, an aspect ratio of 3\.00:1/,
	},
	{
		name: 'truncated PNG',
		parameters: generateFromBinary,
		item: { binary: { data: png(validPng.subarray(0, validPng.length - 30)) } },
		message:
			'the image in "Input Binary Field" (data) is incomplete (the PNG data is cut short) [item 1]',
	},
	{
		name: 'data URI declaring PNG, bytes are a JPEG',
		parameters: generateFromBase64,
		item: { json: { image: dataUri('image/png', makeJpegStructure(640, 480)) } },
		message:
			'the image in "Image (Base64)" is declared as image/png but its bytes are a JPEG [item 1]',
	},
	{
		name: 'base64 that is not an image',
		parameters: generateFromBase64,
		item: { json: { image: Buffer.from('hello, world: not a picture').toString('base64') } },
		message:
			'the image in "Image (Base64)" is not an image this node recognises; only JPEG and PNG are accepted [item 1]',
	},
	{
		name: 'text that is not base64',
		parameters: generateFromBase64,
		item: { json: { image: 'this is *not* base64!' } },
		message: '"Image (Base64)" is not valid base64 [item 1]',
	},
	{
		name: 'empty base64',
		parameters: generateFromBase64,
		item: { json: { image: '  ' } },
		message: '"Image (Base64)" is empty; give the image as base64 or as a data: URI [item 1]',
	},
	{
		name: 'missing binary field',
		parameters: { ...generateFromBinary, binaryPropertyName: '={{ $json.binaryField }}' },
		item: { json: { binaryField: 'photo' }, binary: { data: png(validPng) } },
		message: 'the input item has no binary field "photo" [item 1]',
	},
	{
		name: 'image URL that is not http(s)',
		parameters: { operation: 'generate', imageUrl: '={{ $json.url }}' },
		item: { json: { url: 'ftp://files.example.com/cat.png' } },
		message:
			'"Image URL" must start with http:// or https:// (the provider downloads it), not ftp: [item 1]',
	},
	{
		name: 'image URL that is not a URL',
		parameters: { operation: 'generate', imageUrl: '={{ $json.url }}' },
		item: { json: { url: 'cat.png' } },
		message: '"Image URL" is not a URL: "cat.png" [item 1]',
	},
	{
		name: 'empty image URL',
		parameters: { operation: 'generate', imageUrl: '={{ $json.url }}' },
		item: { json: { url: '' } },
		message: '"Image URL" is empty; give an http(s) link to a JPEG or PNG [item 1]',
	},
	{
		name: 'missing prompt where required',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			prompt: '={{ $json.prompt }}',
		},
		item: { json: { prompt: '' } },
		message:
			'"Prompt" is empty; Kling 2.1 at Novita AI requires a prompt of 1 to 2,500 characters [item 1]',
	},
	{
		name: 'whitespace-only prompt',
		provider: 'myRouter',
		parameters: {
			operation: 'submit',
			imageUrl: 'https://images.example.com/a.png',
			prompt: '={{ $json.prompt }}',
		},
		item: { json: { prompt: ' \n\t ' } },
		message:
			'"Prompt" is empty; Kling 2.1 at MyRouter requires a prompt of 1 to 2,500 characters [item 1]',
	},
	{
		name: 'prompt over 2,500 characters',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			prompt: '={{ $json.prompt }}',
		},
		item: { json: { prompt: 'x'.repeat(2501) } },
		message: '"Prompt" is 2,501 characters long; the limit is 2,500 [item 1]',
	},
	{
		name: 'negative prompt over 2,500 characters',
		provider: 'gmiCloud',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			options: { negativePrompt: '={{ $json.negative }}' },
		},
		item: { json: { negative: 'é'.repeat(2600) } },
		message: '"Negative Prompt" is 2,600 characters long; the limit is 2,500 [item 1]',
	},
	{
		name: 'prompt from an expression that gives an object',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			prompt: '={{ $json.prompt }}',
		},
		item: { json: { prompt: { text: 'a cat' } } },
		message: '"Prompt" must be text, but its value is an object [item 1]',
	},
	{
		name: 'guidance scale 1.5',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			options: { guidanceScale: '={{ $json.guidance }}' },
		},
		item: { json: { guidance: 1.5 } },
		message: '"Guidance Scale" must be a number from 0 to 1, not 1.5 [item 1]',
	},
	{
		name: 'guidance scale NaN',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			options: { guidanceScale: '={{ $json.guidance }}' },
		},
		item: { json: { guidance: 'strong' } },
		message: '"Guidance Scale" must be a number from 0 to 1, not strong [item 1]',
	},
	{
		name: 'duration 7',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			duration: '={{ $json.duration }}',
		},
		item: { json: { duration: 7 } },
		message:
			'"Duration" 7 is not offered for Kling 2.1 at Novita AI; use 5 or 10 (seconds) [item 1]',
	},
	{
		name: 'a mode no provider offers',
		provider: 'highwayApi',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			mode: '={{ $json.mode }}',
		},
		item: { json: { mode: 'ultra' } },
		message:
			/^"Mode" "ultra" is not offered for Kling 2.1 at HighwayAPI; use "standard" \(Standard\), "professional" \(Professional\), "master" \(Master\) \[item 1\]$/,
	},
	{
		name: 'a 7-second Kling 2.1 video',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v2.1',
			imageUrl: 'https://images.example.com/a.png',
			duration: '={{ $json.duration }}',
		},
		item: { json: { duration: 7 } },
		message:
			'"Duration" 7 is not offered for Kling 2.1 at AI/ML API; use 5 or 10 (seconds) [item 1]',
	},
	{
		name: 'a 16-second Kling 3.0 video',
		parameters: {
			operation: 'submit',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			duration: '={{ $json.duration }}',
		},
		item: { json: { duration: '16' } },
		message:
			'"Duration" "16" is not offered for Kling 3.0 at Novita AI; use 3 to 15 (seconds) [item 1]',
	},
	{
		name: 'a 3-second Kling O1 video',
		provider: 'myRouter',
		parameters: {
			operation: 'generate',
			model: 'o1',
			imageUrl: 'https://images.example.com/a.png',
			duration: '={{ $json.duration }}',
		},
		item: { json: { duration: 3 } },
		message: '"Duration" 3 is not offered for Kling O1 at MyRouter; use 5 or 10 (seconds) [item 1]',
	},
	{
		name: 'the 4K tier at AI/ML API',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			mode: '={{ $json.mode }}',
		},
		item: { json: { mode: '4k' } },
		message:
			'"Mode" "4k" is not offered for Kling 3.0 at AI/ML API; use "standard" (Standard), "professional" (Professional) [item 1]',
	},
	{
		name: 'the 4K tier at MyRouter, whose docs lack it',
		provider: 'myRouter',
		parameters: {
			operation: 'submit',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			mode: '={{ $json.mode }}',
		},
		item: { json: { mode: '4k' } },
		message:
			'"Mode" "4k" is not offered for Kling 3.0 at MyRouter; use "standard" (Standard), "professional" (Professional) [item 1]',
	},
	{
		name: 'Kling 3.0 Turbo at HighwayAPI, whose docs lack it',
		provider: 'highwayApi',
		parameters: {
			operation: 'generate',
			model: 'v3.0-turbo',
			imageUrl: 'https://images.example.com/a.png',
		},
		message:
			'"Model" "v3.0-turbo" is not offered by HighwayAPI; use "v2.1" (Kling 2.1), "v2.5-turbo" (Kling 2.5 Turbo), "v2.6" (Kling 2.6), "v3.0" (Kling 3.0), "o1" (Kling O1) [item 0]',
	},
	{
		name: 'Kling O1 at GMI Cloud, which documents none',
		provider: 'gmiCloud',
		parameters: { operation: 'submit', model: 'o1', imageUrl: 'https://images.example.com/a.png' },
		message:
			'"Model" "o1" is not offered by GMI Cloud; use "v2.1" (Kling 2.1), "v2.5-turbo" (Kling 2.5 Turbo), "v2.6" (Kling 2.6), "v3.0" (Kling 3.0), "v3.0-turbo" (Kling 3.0 Turbo) [item 0]',
	},
	{
		name: 'sound given as text',
		parameters: {
			operation: 'generate',
			model: 'v2.6',
			imageUrl: 'https://images.example.com/a.png',
			sound: '={{ $json.sound }}',
		},
		item: { json: { sound: 'yes' } },
		message: '"Sound" must be true or false, but its value is a string [item 1]',
	},
	{
		name: 'an aspect ratio Kling 2.6 does not take',
		parameters: {
			operation: 'generate',
			model: 'v2.6',
			imageUrl: 'https://images.example.com/a.png',
			aspectRatio: '={{ $json.aspectRatio }}',
		},
		item: { json: { aspectRatio: '4:3' } },
		message:
			'"Aspect Ratio" "4:3" is not offered for Kling 2.6 at Novita AI; use 16:9, 9:16, 1:1 [item 1]',
	},
	{
		name: 'a binary image where GMI Cloud takes URLs only (Kling 2.6)',
		provider: 'gmiCloud',
		parameters: {
			operation: 'generate',
			model: 'v2.6',
			imageSource: '={{ $json.source }}',
			imageUrl: 'https://images.example.com/a.png',
			imageBase64: '={{ $json.image }}',
		},
		item: { json: { source: 'binary' }, binary: { data: png(validPng) } },
		message:
			'Kling 2.6 at GMI Cloud takes images as URLs only; set "Image Source" to Image URL [item 1]',
	},
	{
		name: 'base64 where GMI Cloud takes URLs only (Kling 2.5 Turbo)',
		provider: 'gmiCloud',
		parameters: {
			operation: 'submit',
			model: 'v2.5-turbo',
			imageSource: '={{ $json.source }}',
			imageUrl: 'https://images.example.com/a.png',
			imageBase64: '={{ $json.image }}',
		},
		item: { json: { source: 'base64', image: dataUri('image/png', validPng) } },
		message:
			'Kling 2.5 Turbo at GMI Cloud takes images as URLs only; set "Image Source" to Image URL [item 1]',
	},
	{
		name: 'an empty prompt where Kling 2.6 requires one (AI/ML API)',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v2.6',
			imageUrl: 'https://images.example.com/a.png',
			prompt: '={{ $json.prompt }}',
		},
		item: { json: { prompt: '' } },
		message:
			'"Prompt" is empty; Kling 2.6 at AI/ML API requires a prompt of 1 to 2,500 characters [item 1]',
	},
	{
		name: 'an empty prompt where Kling 3.0 requires one (GMI Cloud)',
		provider: 'gmiCloud',
		parameters: {
			operation: 'submit',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			prompt: '={{ $json.prompt }}',
		},
		item: { json: { prompt: '   ' } },
		message:
			'"Prompt" is empty; Kling 3.0 at GMI Cloud requires a prompt of 1 to 2,500 characters [item 1]',
	},
	{
		name: 'an end frame under 300×300 px, checked from its bytes',
		provider: 'gmiCloud',
		parameters: {
			operation: 'generate',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			endImageSource: '={{ $json.endImageSource }}',
			endImageUrl: 'https://images.example.com/end.png',
			endBinaryPropertyName: 'end',
			endImageBase64: '={{ $json.image }}',
		},
		item: { json: { endImageSource: 'binary' }, binary: { end: png(makePng(200, 200)) } },
		message:
			'the image in "End Image Binary Field" (end) is 200×200 px; both sides must be at least 300 px [item 1]',
	},
	{
		// [C] AI/ML API's v3-omni schemas: tail_image_url "Not supported when generate_audio is enabled".
		name: 'an end frame with sound where Kling 3.0 Omni takes an end frame only without (AI/ML API)',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v3.0-omni',
			imageUrl: 'https://images.example.com/a.png',
			sound: '={{ $json.sound }}',
			endImageSource: 'url',
			endImageUrl: 'https://images.example.com/end.png',
		},
		item: { json: { sound: true } },
		message:
			'An end frame cannot be combined with "Sound" for Kling 3.0 Omni at AI/ML API [item 1]',
	},
	{
		name: 'an end frame URL that is not http(s)',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'o1',
			imageUrl: 'https://images.example.com/a.png',
			endImageSource: 'url',
			endImageUrl: '={{ $json.url }}',
		},
		item: { json: { url: 'file:///tmp/end.png' } },
		message:
			'"End Image URL" must start with http:// or https:// (the provider downloads it), not file: [item 1]',
	},

	{
		name: 'a shot of 2.5 seconds',
		parameters: storyboard(),
		item: {
			json: {
				...shotsOf([
					{ prompt: 'close-up', duration: 2.5 },
					{ prompt: 'wide', duration: 2.5 },
				]),
			},
		},
		message:
			'The duration of shot 1 must be a whole number of seconds, at least 1, not 2.5 [item 1]',
	},
	{
		name: 'a shot of 0 seconds',
		provider: 'fal',
		parameters: storyboard({ prompt: '' }),
		item: {
			json: {
				...shotsOf([
					{ prompt: 'close-up', duration: 5 },
					{ prompt: 'wide', duration: 0 },
				]),
			},
		},
		message: 'The duration of shot 2 must be a whole number of seconds, at least 1, not 0 [item 1]',
	},
	{
		name: 'shots that do not add up to Duration',
		provider: 'kling',
		parameters: storyboard({ prompt: '' }),
		item: {
			json: {
				...shotsOf([
					{ prompt: 'close-up', duration: 3 },
					{ prompt: 'wide', duration: 3 },
				]),
			},
		},
		message:
			'The shots last 6 s together (3 + 3), but "Duration" is 5 s; they must add up to it [item 1]',
	},
	{
		name: 'a shot with no text',
		parameters: storyboard(),
		item: {
			json: {
				...shotsOf([
					{ prompt: '  ', duration: 2 },
					{ prompt: 'wide', duration: 3 },
				]),
			},
		},
		message:
			'The prompt of shot 1 is empty; each shot needs 1 to 2,500 characters describing it [item 1]',
	},
	{
		name: 'a shot longer than Kling’s 512 characters',
		provider: 'kling',
		parameters: storyboard({ prompt: '' }),
		item: {
			json: {
				...shotsOf([
					{ prompt: 'a'.repeat(513), duration: 2 },
					{ prompt: 'wide', duration: 3 },
				]),
			},
		},
		message:
			'The prompt of shot 1 is 513 characters; Kling 3.0 at Kling AI takes up to 512 a shot [item 1]',
	},
	{
		name: 'a shot longer than Kling’s 512 characters, at 3.0 Omni on the omni route',
		provider: 'kling',
		parameters: storyboard({ model: 'v3.0-omni', prompt: '' }),
		item: {
			json: {
				...shotsOf([
					{ prompt: 'wide', duration: 2 },
					{ prompt: 'b'.repeat(513), duration: 3 },
				]),
			},
		},
		message:
			'The prompt of shot 2 is 513 characters; Kling 3.0 Omni at Kling AI takes up to 512 a shot [item 1]',
	},
	{
		name: 'a shot longer than the 3,072 characters AI/ML API’s 3.0 Turbo takes',
		provider: 'aimlApi',
		parameters: storyboard({ model: 'v3.0-turbo', prompt: '' }),
		item: {
			json: {
				...shotsOf([
					{ prompt: 'c'.repeat(3073), duration: 2 },
					{ prompt: 'wide', duration: 3 },
				]),
			},
		},
		message:
			'The prompt of shot 1 is 3,073 characters; Kling 3.0 Turbo at AI/ML API takes up to 3,072 a shot [item 1]',
	},
	{
		name: 'automatic shots at AI/ML API’s 3.0 Turbo, whose schema has no shot_type',
		provider: 'aimlApi',
		parameters: storyboard({ model: 'v3.0-turbo', prompt: '', shotMode: '={{ $json.shotMode }}' }),
		item: { json: { ...VALID_SHOTS, shotMode: 'auto' } },
		message:
			'"Shot Mode" "auto" is not offered for Kling 3.0 Turbo at AI/ML API; use "single" or "custom" [item 1]',
	},
	{
		name: 'a prompt next to custom shots where the route takes one or the other',
		provider: 'aimlApi',
		parameters: storyboard({ prompt: '={{ $json.storyPrompt ?? "" }}' }),
		item: { json: { ...VALID_SHOTS, storyPrompt: 'a perfume ad' } },
		message:
			'"Prompt" must be empty with custom shots at Kling 3.0 at AI/ML API: it takes either a prompt or shots, not both [item 1]',
	},
	{
		name: 'an end frame with a storyboard at Novita ("cannot be used together with end_image")',
		parameters: storyboard({
			endImageSource: '={{ $json.endImageSource }}',
			endImageUrl: 'https://images.example.com/end.png',
			endBinaryPropertyName: 'end',
			endImageBase64: '={{ $json.image }}',
		}),
		item: { json: { ...VALID_SHOTS, endImageSource: 'url' } },
		message:
			'An end frame cannot be combined with a storyboard for Kling 3.0 at Novita AI [item 1]',
	},
	{
		name: 'automatic shots where the route documents none',
		parameters: storyboard({ shotMode: '={{ $json.shotMode }}' }),
		item: { json: { ...VALID_SHOTS, shotMode: 'auto' } },
		message:
			'"Shot Mode" "auto" is not offered for Kling 3.0 at Novita AI; use "single" or "custom" [item 1]',
	},
	{
		name: 'a subject reference that is not an http(s) link',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			elements: { element: [{ frontalImageUrl: '', referenceImageUrls: '={{ $json.refs }}' }] },
		},
		item: {
			json: { refs: 'https://images.example.com/side.png\nftp://images.example.com/back.png' },
		},
		message:
			'Reference image 2 of subject 1 must start with http:// or https:// (the provider downloads it), not ftp: [item 1]',
	},
	{
		name: 'a subject without the frontal image fal.ai asks for',
		provider: 'fal',
		parameters: {
			operation: 'generate',
			model: 'v3.0',
			imageUrl: 'https://images.example.com/a.png',
			elements: {
				element: [
					{
						frontalImageUrl: '={{ $json.front }}',
						referenceImageUrls: 'https://images.example.com/side.png',
					},
				],
			},
		},
		item: { json: { front: '' } },
		message:
			'Subject 1 has no frontal image; Kling 3.0 at fal.ai needs one for each subject [item 1]',
	},
	{
		name: 'a static mask in a tier whose page does not document it',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v2.1',
			mode: '={{ $json.tier ?? "professional" }}',
			imageUrl: 'https://images.example.com/a.png',
			options: { staticMaskUrl: 'https://images.example.com/mask.png' },
		},
		item: { json: { tier: 'standard' } },
		message:
			'"Static Mask URL" is not available in mode "standard" for Kling 2.1 at AI/ML API; it is in "professional" (Professional) [item 1]',
	},
	{
		name: 'a static mask that is not an http(s) link',
		provider: 'aimlApi',
		parameters: {
			operation: 'generate',
			model: 'v2.1',
			mode: 'professional',
			imageUrl: 'https://images.example.com/a.png',
			options: { staticMaskUrl: '={{ $json.mask }}' },
		},
		item: { json: { mask: 'mask.png' } },
		message: '"Static Mask URL" is not a URL: "mask.png" [item 1]',
	},
	{
		name: 'empty task id',
		parameters: { operation: 'waitForCompletion' },
		item: { json: { taskId: '' } },
		message: '"Task ID" is empty [item 1]',
	},
	{
		name: 'task id that is an object',
		parameters: { operation: 'getStatus', taskId: '={{ $json.task }}' },
		item: { json: { task: { id: 'abc' } } },
		message: '"Task ID" must be text, but its value is an object [item 1]',
	},
	{
		name: "task id of another provider's shape",
		parameters: { operation: 'waitForCompletion' },
		item: { json: { taskId: '9b1b6d5f-2c7e:kling-video/v2.1/standard/image-to-video' } },
		message:
			/^"Task ID" "9b1b6d5f-2c7e:kling-video\/v2.1\/standard\/image-to-video" does not look like a Novita AI task id/,
	},
	{
		name: 'empty output field name',
		parameters: {
			operation: 'generate',
			imageUrl: 'https://images.example.com/a.png',
			outputBinaryPropertyName: '={{ $json.field }}',
		},
		item: { json: { field: '' } },
		message: '"Put Output in Field" must name a binary field, for example "data" [item 1]',
	},
	{
		name: 'base URL that is not a URL',
		parameters: { operation: 'generate', imageUrl: 'https://images.example.com/a.png' },
		credentials: { baseUrl: 'api.novita.ai' },
		message: 'The "Base URL" of the Novita AI credential is not an http(s) URL: "api.novita.ai"',
	},
];

const firstItem = (parameters: INodeParameters): InputItem => ({
	...validUrlItem,
	json: {
		...validUrlItem.json,
		taskId: '830d9c90-d53f-4c5a-8009-6f3d2a1b9e47',
		task: '830d9c90-d53f-4c5a-8009-6f3d2a1b9e47',
		binaryField: 'data',
		prompt: 'a cat',
		url: 'https://images.example.com/a.png',
		guidance: 0.5,
		duration: 5,
		mode: 'standard',
		negative: '',
		field: 'data',
		sound: false,
		source: 'url',
		endImageSource: 'none',
		aspectRatio: '9:16',
		...VALID_SHOTS,
		shotMode: 'custom',
		refs: 'https://images.example.com/side.png',
		front: 'https://images.example.com/front.png',
		mask: 'https://images.example.com/mask.png',
	},
	...(parameters.imageSource === 'base64' && { json: { image: dataUri('image/png', validPng) } }),
});

describe('bad input is refused before any request', () => {
	const seen: string[] = [];
	const simulators = new Map<ProviderId, Simulator>();
	afterAll(async () => {
		console.log(`What a user sees for each bad input:\n${seen.join('\n')}`);
		await Promise.all([...simulators.values()].map(async (sim) => await sim.close()));
	});

	it.each(cases.map((testCase) => [testCase.name, testCase]))('%s', async (_, testCase) => {
		const provider = testCase.provider ?? 'novita';
		if (!simulators.has(provider)) simulators.set(provider, await startSimulator({ provider }));
		const sim = simulators.get(provider)!;
		sim.reset();

		const input = [firstItem(testCase.parameters), ...(testCase.item ? [testCase.item] : [])];
		const run = await runKling(sim, {
			nodes: [klingNode(sim, testCase.parameters)],
			input,
			credentials: testCase.credentials,
		}).result;

		expect(run.status).toBe('error');
		if (typeof testCase.message === 'string') expect(run.error?.message).toBe(testCase.message);
		else expect(run.error?.message).toMatch(testCase.message);
		expect(sim.requests).toEqual([]);
		seen.push(`- ${testCase.name}: ${run.error?.message}`);
	});
});
