import type { INodeProperties } from 'n8n-workflow';

import { MODE_EDITOR_NAMES, type VideoMode } from '../models/catalogue';
import { tiersCell } from '../shared/wording';
import type { ImageInput } from './core';
import type { RequestField } from './field';
import { END_FRAME, IMAGE_LIMITS, imageSourceOptions, type FrameSource } from './imageFrames';

export interface EndFrameShape {
	name: 'endFrame';
	/**
	 * The body field of the last frame; a list where a provider's docs name it two ways, so the
	 * same image goes under each name and is read under either.
	 */
	form: { endImage?: string | readonly string[] };
	facts: {
		/** Tiers that take an end frame, where not all do (default: every tier, when the form has one). */
		endFrameModes?: readonly VideoMode[];
		/** False where an end frame cannot be combined with sound. */
		endFrameWithSound?: boolean;
	};
	offer: {
		/** Modes that take an end frame; empty: none. */
		endFrameModes: readonly VideoMode[];
		endFrameWithSound: boolean;
	};
	choice: FrameSource;
	/** The last frame, where the model takes one. */
	request: { endImage?: ImageInput };
}

/** Where the end image comes from, once a source other than None is chosen. */
const SOURCE_FIELDS: INodeProperties[] = [
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

export const endFrame: RequestField<EndFrameShape> = {
	name: 'endFrame',
	offerOf: ({ form, endFrameModes, endFrameWithSound }, modes) => ({
		endFrameModes: form.endImage ? (endFrameModes ?? modes) : [],
		endFrameWithSound: endFrameWithSound ?? true,
	}),
	keepTiers: ({ endFrameModes }, kept) =>
		endFrameModes ? { endFrameModes: endFrameModes.filter(kept) } : {},
	editor: {
		inOptions: false,
		properties: (perForm) => [
			...perForm(
				(offer) =>
					offer.endFrameModes.length > 0
						? {
								acceptsBytes: offer.acceptsImageBytes,
								modes: offer.endFrameModes,
								withSound: offer.endFrameWithSound,
								allModes: offer.endFrameModes.length === offer.modes.length,
							}
						: undefined,
				(variant) => {
					const { acceptsBytes, modes, withSound, allModes } = variant.form;
					const limits = [
						...(allModes
							? []
							: [`only in ${modes.map((mode) => MODE_EDITOR_NAMES[mode]).join(', ')}`]),
						...(withSound ? [] : ['not together with sound']),
					];
					return {
						displayName: 'End Image Source',
						name: 'endImageSource',
						type: 'options',
						options: imageSourceOptions(acceptsBytes, true),
						default: 'none',
						description: `An optional last frame: the video moves from the first image to this one. ${IMAGE_LIMITS}.`,
						...(limits.length > 0 && { hint: `End frame: ${limits.join('; ')}` }),
					};
				},
			),
			...SOURCE_FIELDS,
		],
	},
	// The tiers it is in and sound are rules across fields: see rulesAcrossFields.
	read(input, offer) {
		if (offer.endFrameModes.length === 0) return undefined;
		const source = input.imageSource(END_FRAME);
		if (source === 'none') return undefined;
		return {
			choice: source,
			value: async () => ({ endImage: await input.image(END_FRAME, source) }),
		};
	},
	write(request, form, body) {
		const { endImage } = request;
		if (!endImage || !form.endImage) return;
		const fields = typeof form.endImage === 'string' ? [form.endImage] : form.endImage;
		for (const field of fields) body.image(field, endImage);
	},
	readme: {
		header: 'End frame',
		cell: (offer) =>
			offer.endFrameModes.length > 0
				? `${tiersCell(offer.modes, offer.endFrameModes)}${offer.endFrameWithSound ? '' : ', without sound'}`
				: '–',
	},
};
