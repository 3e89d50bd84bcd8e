import {
	updateDisplayOptions,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { formatCount, LIMITS } from '../input/limits';
import {
	KLING_MODELS,
	MODEL_NAMES,
	PROVIDERS,
	type AspectRatio,
	type KlingModel,
	type ProviderId,
	type VideoMode,
} from '../providers';
import { CALLBACK_URL } from './callbackField';
import { offerVariants, showFor } from './offerVariants';

/** Saved workflows of node version 1 made Kling 2.1 before the model could be chosen: it stays the default. */
const DEFAULT_MODEL: KlingModel = 'v2.1';

const MODEL_OPTIONS: Record<KlingModel, INodePropertyOptions> = {
	'v2.1': {
		name: MODEL_NAMES['v2.1'],
		value: 'v2.1',
		description: 'Standard (720p), Professional (1080p) or Master; 5 or 10 s',
	},
	'v2.5-turbo': {
		name: MODEL_NAMES['v2.5-turbo'],
		value: 'v2.5-turbo',
		description: 'Better motion than 2.1 for less; 1080p, 5 or 10 s',
	},
	'v2.6': {
		name: MODEL_NAMES['v2.6'],
		value: 'v2.6',
		description: 'Can add sound; 1080p, 5 or 10 s',
	},
	'v3.0': {
		name: MODEL_NAMES['v3.0'],
		value: 'v3.0',
		description: 'The newest: 3 to 15 s, sound, an end frame where offered',
	},
	o1: {
		name: MODEL_NAMES.o1,
		value: 'o1',
		description: "Kling's omni model: a first and a last frame; 5 or 10 s",
	},
};

const MODE_OPTIONS: Record<VideoMode, INodePropertyOptions> = {
	standard: { name: 'Standard (720p)', value: 'standard', description: 'Fastest and cheapest' },
	professional: {
		name: 'Professional (1080p)',
		value: 'professional',
		description: 'Higher quality, costs more',
	},
	master: {
		name: 'Master (1080p)',
		value: 'master',
		description: 'Kling 2.1 Master: the best motion, costs the most',
	},
	'4k': { name: '4K', value: '4k', description: 'Kling 3.0 in 4K: the sharpest, costs the most' },
};

const ASPECT_RATIO_OPTIONS: Record<AspectRatio, INodePropertyOptions> = {
	'16:9': { name: 'Landscape (16:9)', value: '16:9' },
	'9:16': { name: 'Portrait (9:16)', value: '9:16' },
	'1:1': { name: 'Square (1:1)', value: '1:1' },
};

const IMAGE_LIMITS =
	'JPEG or PNG, up to 10 MB, at least 300×300 px, aspect ratio between 1:2.5 and 2.5:1';

function imageSourceOptions(acceptsBytes: boolean, optional: boolean): INodePropertyOptions[] {
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

/** The preferred value where the variant has it, else its first. */
function defaultOf<Value extends string>(values: readonly Value[], preferred: Value): Value {
	return values.includes(preferred) ? preferred : values[0];
}

/** One `model` parameter per set of models, shown for the providers that offer exactly that set. */
function modelFields(): INodeProperties[] {
	const providersByModels = new Map<string, ProviderId[]>();
	for (const provider of Object.values(PROVIDERS)) {
		const key = provider.offers.map((offer) => offer.model).join(',');
		providersByModels.set(key, [...(providersByModels.get(key) ?? []), provider.id]);
	}
	return [...providersByModels].map(([models, providers]) => ({
		displayName: 'Model',
		name: 'model',
		type: 'options',
		noDataExpression: true,
		options: KLING_MODELS.filter((model) => models.split(',').includes(model)).map(
			(model) => MODEL_OPTIONS[model],
		),
		default: DEFAULT_MODEL,
		description:
			'The Kling generation to use. The fields below change with it: each provider offers its own modes, lengths and extras per model.',
		displayOptions: { show: { provider: providers } },
	}));
}

function firstFrameFields(): INodeProperties[] {
	return [
		...offerVariants((offer) => ({ acceptsBytes: offer.acceptsImageBytes })).map(
			(variant): INodeProperties => ({
				displayName: 'Image Source',
				name: 'imageSource',
				type: 'options',
				options: imageSourceOptions(variant.form.acceptsBytes, false),
				default: 'url',
				description: `Where the first frame of the video comes from. ${IMAGE_LIMITS}.`,
				...(!variant.form.acceptsBytes && {
					hint: `${MODEL_NAMES[variant.model]} takes images as URLs only at this provider`,
				}),
				displayOptions: showFor(variant),
			}),
		),
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
	];
}

function endFrameFields(): INodeProperties[] {
	return [
		...offerVariants((offer) =>
			offer.endFrameModes.length > 0
				? {
						acceptsBytes: offer.acceptsImageBytes,
						modes: offer.endFrameModes,
						withSound: offer.endFrameWithSound,
						allModes: offer.endFrameModes.length === offer.modes.length,
					}
				: undefined,
		).map((variant): INodeProperties => {
			const limits = [
				...(variant.form.allModes
					? []
					: [`only in ${variant.form.modes.map((mode) => MODE_OPTIONS[mode].name).join(', ')}`]),
				...(variant.form.withSound ? [] : ['not together with sound']),
			];
			return {
				displayName: 'End Image Source',
				name: 'endImageSource',
				type: 'options',
				options: imageSourceOptions(variant.form.acceptsBytes, true),
				default: 'none',
				description: `An optional last frame: the video moves from the first image to this one. ${IMAGE_LIMITS}.`,
				...(limits.length > 0 && { hint: `End frame: ${limits.join('; ')}` }),
				displayOptions: showFor(variant),
			};
		}),
		{
			displayName: 'End Image URL',
			name: 'endImageUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/product-end.jpg',
			displayOptions: { show: { endImageSource: ['url'] } },
		},
		{
			displayName: 'End Image Binary Field',
			name: 'endBinaryPropertyName',
			type: 'string',
			default: 'end',
			required: true,
			hint: 'The name of the input binary field holding the end image',
			displayOptions: { show: { endImageSource: ['binary'] } },
		},
		{
			displayName: 'End Image (Base64)',
			name: 'endImageBase64',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			required: true,
			placeholder: 'data:image/png;base64,iVBORw0KGgo...',
			displayOptions: { show: { endImageSource: ['base64'] } },
		},
	];
}

/** "a, b or c" (or "a, b and c"). */
function listNames(names: string[], conjunction: 'or' | 'and' = 'or'): string {
	return names.length < 2
		? names.join('')
		: `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}

function modeFields(): INodeProperties[] {
	return offerVariants((offer) => ({ modes: offer.modes, defaultMode: offer.defaultMode })).map(
		(variant): INodeProperties => {
			const { modes, defaultMode } = variant.form;
			const values = modes.map((mode) => `"${mode}" for ${MODE_OPTIONS[mode].name}`);
			return {
				displayName: 'Mode',
				name: 'mode',
				type: 'options',
				options: modes.map((mode) => MODE_OPTIONS[mode]),
				default: defaultMode,
				description:
					modes.length === 1
						? `Resolution and quality tier: ${values[0]}, the one tier of ${MODEL_NAMES[variant.model]} at this provider`
						: `Resolution and quality tier: ${listNames(values)}. Higher tiers cost more.`,
				hint:
					modes.length === 1
						? `The one tier of ${MODEL_NAMES[variant.model]} at this provider`
						: `Higher tiers cost more${modes.includes('4k') ? '; 4K the most' : ''}`,
				displayOptions: showFor(variant),
			};
		},
	);
}

function durationFields(): INodeProperties[] {
	return offerVariants((offer) => offer.durations).map((variant): INodeProperties => {
		const seconds = variant.form;
		const [shortest, longest] = [seconds[0], seconds[seconds.length - 1]];
		const range = seconds.length > 2 ? `${shortest} to ${longest}` : listNames(seconds.map(String));
		return {
			displayName: 'Duration',
			name: 'duration',
			type: 'options',
			options: seconds.map((value) => ({ name: `${value} Seconds`, value: String(value) })),
			default: '5',
			description: `Length of the video in seconds: ${range}. The price grows with the length, and longer videos take longer to make.`,
			hint:
				longest >= 15
					? 'Priced by length: 15 seconds cost about three times as much as 5'
					: '10 seconds cost about twice as much as 5',
			displayOptions: showFor(variant),
		};
	});
}

function soundFields(): INodeProperties[] {
	return offerVariants((offer) =>
		offer.soundModes.length > 0
			? offer.soundModes.length === offer.modes.length
				? []
				: offer.soundModes
			: undefined,
	).map((variant): INodeProperties => {
		const onlyIn = variant.form.map((mode) => MODE_OPTIONS[mode].name);
		return {
			displayName: 'Sound',
			name: 'sound',
			type: 'boolean',
			default: false,
			description: `Whether to generate sound with the video (ambience, effects, speech)${onlyIn.length > 0 ? `, only in mode ${listNames(onlyIn)}` : ''}. It costs more. Off is sent explicitly: some providers add sound unless told not to.`,
			hint:
				onlyIn.length > 0
					? `Sound costs more, and only in ${listNames(onlyIn)}`
					: 'Sound costs more than a silent video',
			displayOptions: showFor(variant),
		};
	});
}

/** Which offers take no prompt, named in the Prompt field's description. */
function promptOptionalAt(): string {
	const optional = offerVariants((offer) => (offer.promptRequired ? undefined : true)).map(
		(variant) =>
			`${MODEL_NAMES[variant.model]} at ${listNames(
				variant.providers.map((id) => PROVIDERS[id].displayName),
				'and',
			)}`,
	);
	return optional.length === 0
		? 'Every model requires one'
		: `Required, except for ${optional.join('; ')}`;
}

function aspectRatioFields(): INodeProperties[] {
	return offerVariants((offer) =>
		offer.aspectRatios.length > 0 ? offer.aspectRatios : undefined,
	).map((variant): INodeProperties => ({
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		options: variant.form.map((ratio) => ASPECT_RATIO_OPTIONS[ratio]),
		default: defaultOf(variant.form, '16:9'),
		description: `The shape of the video: ${listNames(variant.form.map((ratio) => `"${ratio}"`))}. 9:16 suits Reels, Shorts and TikTok. Choose the one closest to your image: the provider fits the image into it (16:9 is its default).`,
		displayOptions: showFor(variant),
	}));
}

/**
 * "Options", once per form: n8n before 1.83 drops the values of collection options that carry
 * display options of their own, so each variant is a whole collection, shown for its offers (the
 * same name keeps saved values).
 */
function optionsCollections(): INodeProperties[] {
	return offerVariants((offer) => ({
		guidance: offer.guidanceScale,
		negative: offer.negativePrompt,
	})).map((variant): INodeProperties => ({
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			...(variant.form.guidance ? [GUIDANCE_SCALE] : []),
			...(variant.form.negative ? [NEGATIVE_PROMPT] : []),
			CALLBACK_URL,
		],
		displayOptions: showFor(variant),
	}));
}

const GUIDANCE_SCALE: INodeProperties = {
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
};

const NEGATIVE_PROMPT: INodeProperties = {
	displayName: 'Negative Prompt',
	name: 'negativePrompt',
	type: 'string',
	typeOptions: { rows: 2 },
	default: '',
	placeholder: 'blur, distortion, text',
	description: `What the video should avoid, up to ${formatCount(LIMITS.maxPromptChars)} characters`,
};

const fields: INodeProperties[] = [
	...modelFields(),
	...firstFrameFields(),
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'The camera slowly pushes in while steam rises from the cup',
		description: `What should happen in the video (motion, camera, mood), up to ${formatCount(LIMITS.maxPromptChars)} characters. ${promptOptionalAt()}.`,
	},
	...modeFields(),
	...durationFields(),
	...soundFields(),
	...aspectRatioFields(),
	...endFrameFields(),
	...optionsCollections(),
];

export const generationFields = updateDisplayOptions(
	{ show: { operation: ['generate', 'submit'] } },
	fields,
);
