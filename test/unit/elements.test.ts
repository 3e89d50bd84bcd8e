import { offerOf, requestFields } from '../../nodes/KlingImageToVideo/providers/modelTable';
import type { FieldInput } from '../../nodes/KlingImageToVideo/requestFields';
import { elements, type ElementsForm } from '../../nodes/KlingImageToVideo/requestFields/elements';

/** Subject references on their own: offer from a row form, the checks, the body. */

const url = { kind: 'url', url: 'https://cdn.example.com/first.png' } as const;
const FORM: ElementsForm = {
	field: 'elements',
	frontal: 'frontal_image_url',
	references: 'reference_image_urls',
	maxElements: 2,
	maxReferences: 2,
	frontalRequired: false,
	promptName: '@Element{n}',
};
const offerWith = (form?: ElementsForm) =>
	offerOf({
		model: 'v3.0',
		form: { image: 'image', promptRequired: true, duration: 'integer', elements: form },
		tiers: { standard: 'std' },
		durations: [5],
	});

function inputWith(element: unknown): FieldInput {
	return {
		offerName: 'Kling 3.0 at Test',
		asked: { duration: 5, prompt: 'p' },
		parameter: (name, fallback) => (name === 'elements' ? { element } : fallback),
		text: () => '',
		checkLength: () => undefined,
		refuse: (message) => new Error(message),
		imageSource: () => 'url',
		image: async () => await Promise.resolve(url),
	};
}

describe('subject references', () => {
	it('are offered where the row form has them, with the limits and prompt naming in the editor', () => {
		expect(offerWith().elements).toBeUndefined();
		const offer = offerWith(FORM);
		expect(offer.elements).toEqual({
			maxElements: 2,
			maxReferences: 2,
			frontalRequired: false,
			promptName: '@Element{n}',
		});
		expect(elements.readme?.cell(offer)).toBe('up to 2');
		if (elements.editor.inOptions) throw new Error('not in Options');
		const [property] = elements.editor.properties((formOf, build) => {
			const form = formOf(offer);
			return form ? [build({ form, model: 'v3.0' })] : [];
		});
		expect(property).toMatchObject({ name: 'elements', type: 'fixedCollection' });
		expect(property.description).toContain('up to 2 subjects');
		expect(property.description).toContain('@Element1, @Element2');
	});

	it('read one link per line, blank lines ignored, and are written in the route field names', async () => {
		const reading = elements.read(
			inputWith([
				{
					frontalImageUrl: ' ',
					referenceImageUrls: 'https://a.example/1.png\n\n https://a.example/2.png ',
				},
			]),
			offerWith(FORM),
		);
		const request = await reading!.value();
		expect(request).toEqual({
			elements: [{ referenceImageUrls: ['https://a.example/1.png', 'https://a.example/2.png'] }],
		});
		const { fields } = requestFields(
			{ model: 'v3.0', mode: 'standard', duration: 5, image: url, prompt: 'p', ...request },
			{ image: 'image', promptRequired: true, duration: 'integer', elements: FORM },
			new Set(),
		);
		expect(fields.elements).toEqual([
			{ reference_image_urls: ['https://a.example/1.png', 'https://a.example/2.png'] },
		]);
	});

	it.each([
		[[{}, {}, {}], '"Subject References" has 3 subjects; Kling 3.0 at Test takes up to 2'],
		[[{ referenceImageUrls: 'not a link' }], 'Reference image 1 of subject 1 is not a URL'],
		[[{ referenceImageUrls: 42 }], 'The reference images of subject 1 must be text'],
		['x', '"Subject References" must be a list of subjects, but its value is a string'],
	])('refuse %j', (element, message) => {
		expect(() => elements.read(inputWith(element), offerWith(FORM))).toThrow(message);
	});
});
