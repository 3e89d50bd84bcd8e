import { offerOf, requestFields } from '../../nodes/KlingImageToVideo/providers/modelTable';
import type { FieldInput } from '../../nodes/KlingImageToVideo/requestFields';
import { checkRulesAcrossFields } from '../../nodes/KlingImageToVideo/requestFields/rulesAcrossFields';
import { staticMask } from '../../nodes/KlingImageToVideo/requestFields/staticMask';

/** The static mask on its own: offered per tier, checked, written, and never with an end frame. */

const url = { kind: 'url', url: 'https://cdn.example.com/first.png' } as const;
const offer = offerOf({
	model: 'v2.1',
	form: {
		image: 'image',
		promptRequired: false,
		duration: 'integer',
		staticMask: 'static_mask',
		endImage: 'image_tail',
	},
	tiers: { standard: 'std', professional: 'pro' },
	staticMaskModes: ['professional'],
	durations: [5],
});

function inputWith(mask: unknown): FieldInput {
	return {
		offerName: 'Kling 2.1 at Test',
		asked: { duration: 5, prompt: '' },
		parameter: () => undefined,
		text: () => String(mask),
		checkLength: () => undefined,
		refuse: (message) => new Error(message),
		imageSource: () => 'url',
		image: async () => await Promise.resolve(url),
	};
}

describe('static mask', () => {
	it('is offered in the tiers the row names, and written as the route names it', async () => {
		expect(offer.staticMaskModes).toEqual(['professional']);
		expect(staticMask.readme?.cell(offer)).toBe('in Professional');
		expect(staticMask.read(inputWith(''), offer)).toBeUndefined();
		const request = await staticMask.read(inputWith(' https://a.example/m.png '), offer)!.value();
		const { fields } = requestFields(
			{ model: 'v2.1', mode: 'professional', duration: 5, image: url, prompt: '', ...request },
			{ image: 'image', promptRequired: false, duration: 'integer', staticMask: 'static_mask' },
			new Set(),
		);
		expect(fields.static_mask).toBe('https://a.example/m.png');
	});

	it('is refused in another tier, and with an end frame', () => {
		const input = inputWith('');
		expect(() => checkRulesAcrossFields(input, offer, 'standard', { staticMask: true })).toThrow(
			'"Static Mask URL" is not available in mode "standard" for Kling 2.1 at Test',
		);
		expect(() =>
			checkRulesAcrossFields(input, offer, 'professional', { staticMask: true, endFrame: 'url' }),
		).toThrow('A static mask cannot be combined with an end frame for Kling 2.1 at Test');
		expect(() => staticMask.read(inputWith('file:///m.png'), offer)).toThrow(
			'"Static Mask URL" must start with http:// or https://',
		);
	});
});
