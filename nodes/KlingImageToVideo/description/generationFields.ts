import {
	updateDisplayOptions,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import {
	DEFAULT_MODEL_BY_VERSION,
	KLING_MODELS,
	MODEL_CATALOGUE,
	NODE_VERSIONS,
	MODEL_NAMES,
	VIDEO_MODE_CATALOGUE,
	type KlingModel,
	type VideoMode,
} from '../models/catalogue';
import { formatCount, LIMITS } from '../models/limits';
import { PROVIDERS, type ModelOffer, type ProviderId } from '../providers';
import {
	IMAGE_LIMITS,
	imageSourceOptions,
	REQUEST_FIELDS,
	type AnyRequestField,
	type PerForm,
} from '../requestFields';
import { listNames } from '../shared/wording';
import { CALLBACK_URL } from './callbackField';
import { offerVariants, showFor } from './offerVariants';

export const MODEL_OPTIONS = Object.fromEntries(
	MODEL_CATALOGUE.map((entry) => [
		entry.id,
		{ name: entry.name, value: entry.id, description: entry.editorDescription },
	]),
) as Record<KlingModel, INodePropertyOptions>;

const MODE_OPTIONS = Object.fromEntries(
	VIDEO_MODE_CATALOGUE.map((entry) => [
		entry.id,
		{ name: entry.editorName, value: entry.id, description: entry.editorDescription },
	]),
) as Record<VideoMode, INodePropertyOptions>;

const FIELDS: readonly AnyRequestField[] = REQUEST_FIELDS;

/**
 * One `model` parameter per set of models and node version, shown for the providers that offer
 * exactly that set: the versions differ only in the default (n8n resolves it per `@version`).
 */
function modelFields(): INodeProperties[] {
	const providersByModels = new Map<string, ProviderId[]>();
	for (const provider of Object.values(PROVIDERS)) {
		const key = provider.offers.map((offer) => offer.model).join(',');
		providersByModels.set(key, [...(providersByModels.get(key) ?? []), provider.id]);
	}
	return [...providersByModels].flatMap(([models, providers]) =>
		NODE_VERSIONS.map((version): INodeProperties => {
			const defaultModel = DEFAULT_MODEL_BY_VERSION[version];
			return {
				displayName: 'Model',
				name: 'model',
				type: 'options',
				noDataExpression: true,
				options: KLING_MODELS.filter((model) => models.split(',').includes(model)).map(
					(model) => MODEL_OPTIONS[model],
				),
				default: defaultModel,
				description:
					'The Kling generation to use. The fields below change with it: each provider offers its own modes, lengths and extras per model.',
				displayOptions: { show: { provider: providers, '@version': [version] } },
			};
		}),
	);
}

function firstFrameFields(): INodeProperties[] {
	return [
		...offerVariants((offer) => ({ acceptsBytes: offer.acceptsImageBytes })).map(
			(variant): INodeProperties => ({
				displayName: 'Image Source',
				// Literal: saved workflows hold this name.
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

/** Which offers take no prompt, named in the Prompt field's description. */
function promptOptionalAt(): string {
	const optional = offerVariants((offer) => (offer.promptRequired ? undefined : true)).map(
		(variant) =>
			`${MODEL_NAMES[variant.model]} at ${listNames(
				variant.providers.map((id) => PROVIDERS[id].displayName),
				'and',
			)}`,
	);
	const replacedByShots = offerVariants((offer) =>
		offer.promptRequired && offer.storyboard?.prompt === 'either' ? true : undefined,
	).map((variant) => MODEL_NAMES[variant.model]);
	const required =
		optional.length === 0
			? 'Every model requires one'
			: `Required, except for ${optional.join('; ')}`;
	return replacedByShots.length === 0
		? required
		: `${required}. Leave it empty with Custom Shots where the shots replace it (${listNames([...new Set(replacedByShots)], 'and')}, see Shot Mode)`;
}

const perForm: PerForm<ModelOffer> = (formOf, property) =>
	offerVariants(formOf).map((variant) => ({
		...property(variant),
		displayOptions: showFor(variant),
	}));

/** The optional fields shown on their own, in the order of the list of fields. */
function optionalFields(): INodeProperties[] {
	return FIELDS.flatMap((field) =>
		field.editor.inOptions ? [] : field.editor.properties(perForm),
	);
}

/**
 * "Options", once per set of the collection's fields an offer has: n8n before 1.83 drops the
 * values of collection options that carry display options of their own, so each variant is a
 * whole collection, shown for its offers (the same name keeps saved values).
 */
function optionsCollections(): INodeProperties[] {
	const inOptions = FIELDS.flatMap((field) => (field.editor.inOptions ? [field.editor] : []));
	// Every offer has the collection: Callback URL is in each (it says where it is sent).
	return offerVariants((offer) => inOptions.map((editor) => editor.offered(offer))).map(
		(variant): INodeProperties => ({
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [
				...inOptions.filter((_, index) => variant.form[index]).map((editor) => editor.property),
				CALLBACK_URL,
			],
			displayOptions: showFor(variant),
		}),
	);
}

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
	...optionalFields(),
	...optionsCollections(),
];

export const generationFields = updateDisplayOptions(
	{ show: { operation: ['generate', 'submit'] } },
	fields,
);
