import type { INodePropertyOptions } from 'n8n-workflow';

import { ASPECT_RATIOS, type AspectRatio } from '../models/catalogue';
import { listNames } from '../shared/wording';
import { readingOf, type RequestField } from './field';

export interface AspectRatioShape {
	name: 'aspectRatio';
	form: { aspectRatio?: string };
	/** Where not every ratio is accepted (default: all three, when the form has an aspect ratio). */
	facts: { aspectRatios?: readonly AspectRatio[] };
	/** Empty: the model takes no aspect ratio here (the image decides). */
	offer: { aspectRatios: readonly AspectRatio[] };
	choice: AspectRatio;
	request: { aspectRatio?: AspectRatio };
}

const ASPECT_RATIO_OPTIONS: Record<AspectRatio, INodePropertyOptions> = {
	'16:9': { name: 'Landscape (16:9)', value: '16:9' },
	'9:16': { name: 'Portrait (9:16)', value: '9:16' },
	'1:1': { name: 'Square (1:1)', value: '1:1' },
};

/** 16:9 where the offer has it (the providers' own default), else its first ratio. */
function defaultOf(ratios: readonly AspectRatio[]): AspectRatio {
	return ratios.includes('16:9') ? '16:9' : ratios[0];
}

export const aspectRatio: RequestField<AspectRatioShape> = {
	name: 'aspectRatio',
	offerOf: ({ form, aspectRatios }) => ({
		aspectRatios: form.aspectRatio ? (aspectRatios ?? ASPECT_RATIOS) : [],
	}),
	editor: {
		inOptions: false,
		properties: (perForm) => [
			...perForm(
				(offer) => (offer.aspectRatios.length > 0 ? offer.aspectRatios : undefined),
				(variant) => ({
					displayName: 'Aspect Ratio',
					name: 'aspectRatio',
					type: 'options',
					options: variant.form.map((ratio) => ASPECT_RATIO_OPTIONS[ratio]),
					default: defaultOf(variant.form),
					description: `The shape of the video: ${listNames(variant.form.map((ratio) => `"${ratio}"`))}. 9:16 suits Reels, Shorts and TikTok. Choose the one closest to your image: the provider fits the image into it (16:9 is its default).`,
				}),
			),
			// Where a model takes no aspect ratio, the video keeps the image's shape: said where the
			// field would be, so a vertical clip is made by giving a vertical (9:16) image.
			...perForm(
				(offer) => (offer.aspectRatios.length === 0 ? true : undefined),
				() => ({
					displayName:
						'Aspect Ratio: the image decides. This model takes no aspect ratio here, so the video has the shape of the image: for Reels, Shorts or TikTok give a 9:16 image (crop or pad it first, e.g. with the Edit Image node).',
					name: 'aspectRatioNotice',
					type: 'notice',
					default: '',
				}),
			),
		],
	},
	read(input, offer) {
		if (offer.aspectRatios.length === 0) return undefined;
		const ratio = input.parameter('aspectRatio', '');
		if (ratio === '' || ratio === undefined || ratio === null) return undefined;
		if (!offer.aspectRatios.includes(ratio as AspectRatio)) {
			throw input.refuse(
				`"Aspect Ratio" ${JSON.stringify(ratio)} is not offered for ${input.offerName}; use ${offer.aspectRatios.join(', ')}`,
			);
		}
		return readingOf<AspectRatioShape>(ratio as AspectRatio, { aspectRatio: ratio as AspectRatio });
	},
	write(request, form, body) {
		if (request.aspectRatio && form.aspectRatio) body.set(form.aspectRatio, request.aspectRatio);
	},
	readme: {
		header: 'Aspect ratio',
		cell: (offer) => (offer.aspectRatios.length > 0 ? offer.aspectRatios.join(', ') : '–'),
	},
};
