import type { INodePropertyOptions } from 'n8n-workflow';

/** The parameters of the first frame (required) and of the end frame (where the model takes one). */

export interface ImageFrame {
	source: string;
	url: string;
	binary: string;
	base64: string;
	/** Whether "None" is a source: the end frame. */
	optional: boolean;
	/** How its fields are named to the user. */
	labels: { source: string; url: string; binary: string; base64: string };
}

export type ImageSource = 'url' | 'binary' | 'base64' | 'none';
export type FrameSource = Exclude<ImageSource, 'none'>;

export const FIRST_FRAME: ImageFrame = {
	source: 'imageSource',
	url: 'imageUrl',
	binary: 'binaryPropertyName',
	base64: 'imageBase64',
	optional: false,
	labels: {
		source: 'Image Source',
		url: 'Image URL',
		binary: 'Input Binary Field',
		base64: 'Image (Base64)',
	},
};

export const END_FRAME: ImageFrame = {
	source: 'endImageSource',
	url: 'endImageUrl',
	binary: 'endBinaryPropertyName',
	base64: 'endImageBase64',
	optional: true,
	labels: {
		source: 'End Image Source',
		url: 'End Image URL',
		binary: 'End Image Binary Field',
		base64: 'End Image (Base64)',
	},
};

export const IMAGE_LIMITS =
	'JPEG or PNG, up to 10 MB, at least 300×300 px, aspect ratio between 1:2.5 and 2.5:1';

export function imageSourceOptions(
	acceptsBytes: boolean,
	optional: boolean,
): INodePropertyOptions[] {
	return [
		...(optional ? [{ name: 'None', value: 'none', description: 'No end frame' }] : []),
		{
			name: 'Image URL',
			value: 'url',
			description: 'A public http(s) link the provider downloads',
		},
		...(acceptsBytes
			? [
					{
						name: 'Binary File',
						value: 'binary',
						description: 'An image in binary data from an earlier node',
					},
					{
						name: 'Base64',
						value: 'base64',
						description: 'The image as base64 text or a data: URI',
					},
				]
			: []),
	];
}
