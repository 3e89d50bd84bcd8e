import type { VideoMode } from '../models/catalogue';
import { tiersCell } from '../shared/wording';
import { readingOf, type RequestField } from './field';
import { checkHttpUrl } from './urls';

/** The motion brush's static area: a mask image whose marked area stays still. */
export interface StaticMaskShape {
	name: 'staticMask';
	/** The body field, where the route takes a mask (AI/ML API's `static_mask`). */
	form: { staticMask?: string };
	/** Tiers that take it, where not all do. */
	facts: { staticMaskModes?: readonly VideoMode[] };
	/** Empty: no static mask here. */
	offer: { staticMaskModes: readonly VideoMode[] };
	choice: true;
	request: { staticMaskUrl?: string };
}

export const staticMask: RequestField<StaticMaskShape> = {
	name: 'staticMask',
	offerOf: ({ form, staticMaskModes }, modes) => ({
		staticMaskModes: form.staticMask ? (staticMaskModes ?? modes) : [],
	}),
	keepTiers: ({ staticMaskModes }, kept) =>
		staticMaskModes ? { staticMaskModes: staticMaskModes.filter(kept) } : {},
	editor: {
		inOptions: true,
		offered: (offer) => offer.staticMaskModes.length > 0,
		property: {
			displayName: 'Static Mask URL',
			name: 'staticMaskUrl',
			type: 'string',
			default: '',
			placeholder: 'https://example.com/mask.png',
			description:
				"A mask image (http(s) link, same size as the image) marking the area that stays still, as drawn with Kling's motion brush. Only in the tiers that take it (see the README), and not together with an end frame.",
		},
	},
	// The tiers it is in and the end frame are rules across fields: see rulesAcrossFields.
	read(input, offer) {
		if (offer.staticMaskModes.length === 0) return undefined;
		const text = input.text('options.staticMaskUrl', 'Static Mask URL').trim();
		if (text === '') return undefined;
		const url = checkHttpUrl(input, '"Static Mask URL"', text);
		return readingOf<StaticMaskShape>(true, { staticMaskUrl: url });
	},
	write(request, form, body) {
		if (request.staticMaskUrl && form.staticMask) body.set(form.staticMask, request.staticMaskUrl);
	},
	readme: {
		header: 'Static mask',
		cell: (offer) =>
			offer.staticMaskModes.length > 0 ? tiersCell(offer.modes, offer.staticMaskModes) : '–',
	},
};
