import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

import { formatCount, LIMITS } from '../input/limits';

const fields: INodeProperties[] = [
	{
		displayName: 'Image Source',
		name: 'imageSource',
		type: 'options',
		options: [
			{
				name: 'Image URL',
				value: 'url',
				description: 'A public http(s) link the provider downloads',
			},
			{
				name: 'Binary File',
				value: 'binary',
				description: 'An image in binary data from an earlier node',
			},
			{ name: 'Base64', value: 'base64', description: 'The image as base64 text or a data: URI' },
		],
		default: 'url',
		description:
			'Where the first frame of the video comes from. JPEG or PNG, up to 10 MB, at least 300×300 px, aspect ratio between 1:2.5 and 2.5:1.',
	},
	{
		displayName: 'Image URL',
		name: 'imageUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/product.jpg',
		displayOptions: { show: { imageSource: ['url'] } },
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the input binary field holding the image',
		displayOptions: { show: { imageSource: ['binary'] } },
	},
	{
		displayName: 'Image (Base64)',
		name: 'imageBase64',
		type: 'string',
		typeOptions: { rows: 2 },
		default: '',
		required: true,
		placeholder: 'data:image/png;base64,iVBORw0KGgo...',
		displayOptions: { show: { imageSource: ['base64'] } },
	},
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'The camera slowly pushes in while steam rises from the cup',
		description: `What should happen in the video, up to ${formatCount(LIMITS.maxPromptChars)} characters. Required by Novita AI, MyRouter and HighwayAPI.`,
	},
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		options: [
			{ name: 'Standard (720p)', value: 'standard', description: 'Fastest and cheapest' },
			{
				name: 'Professional (1080p)',
				value: 'professional',
				description: 'Higher quality, costs more',
			},
			{
				name: 'Master (1080p)',
				value: 'master',
				description: 'Kling 2.1 Master: the best motion, costs the most',
			},
		],
		default: 'standard',
	},
	{
		displayName: 'Duration',
		name: 'duration',
		type: 'options',
		options: [
			{ name: '5 Seconds', value: '5' },
			{ name: '10 Seconds', value: '10' },
		],
		default: '5',
		description:
			'Length of the video. 10 seconds costs about twice as much and takes about twice as long.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Guidance Scale',
				name: 'guidanceScale',
				type: 'number',
				typeOptions: {
					minValue: LIMITS.minGuidanceScale,
					maxValue: LIMITS.maxGuidanceScale,
					numberPrecision: 2,
					numberStepSize: 0.01,
				},
				default: 0.5,
				description: 'How closely the video follows the prompt, from 0 (freely) to 1 (strictly)',
			},
			{
				displayName: 'Negative Prompt',
				name: 'negativePrompt',
				type: 'string',
				typeOptions: { rows: 2 },
				default: '',
				placeholder: 'blur, distortion, text',
				description: `What the video should avoid, up to ${formatCount(LIMITS.maxPromptChars)} characters`,
			},
		],
	},
];

export const generationFields = updateDisplayOptions(
	{ show: { operation: ['generate', 'submit'] } },
	fields,
);
