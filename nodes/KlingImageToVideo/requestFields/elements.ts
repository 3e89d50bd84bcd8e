import type { IDataObject, INodeProperties } from 'n8n-workflow';

import { describeType } from '../shared/wording';
import type { FieldInput, RequestField } from './field';
import { checkHttpUrl } from './urls';

/** How a route takes subject references inline with the request (no registration step first). */
export interface ElementsForm {
	field: string;
	/** The body fields of an element's frontal image and of its list of reference images. */
	frontal: string;
	references: string;
	maxElements: number;
	/** Reference images an element takes: 1 to this many. */
	maxReferences: number;
	frontalRequired: boolean;
	/** How the prompt names element n, `{n}` standing for its number (fal: "@Element{n}"). */
	promptName?: string;
}

export type ElementsLimits = Omit<ElementsForm, 'field' | 'frontal' | 'references'>;

/** One subject, checked: its frontal image (where given) and 1 or more reference images. */
export interface SubjectElement {
	frontalImageUrl?: string;
	referenceImageUrls: string[];
}

export interface ElementsShape {
	name: 'elements';
	form: { elements?: ElementsForm };
	facts: object;
	offer: { elements?: ElementsLimits };
	/** How many elements the item gives. */
	choice: number;
	request: { elements?: SubjectElement[] };
}

function description(limits: ElementsLimits): string {
	const naming = limits.promptName
		? ` Name them in the prompt (or the shots) as ${limits.promptName.replace('{n}', '1')}, ${limits.promptName.replace('{n}', '2')}… in the order given.`
		: '';
	return `The same product or character across videos: up to ${limits.maxElements} subjects, each with ${limits.frontalRequired ? 'a frontal image and ' : 'an optional frontal image and '}1 to ${limits.maxReferences} reference images (http(s) links, one per line).${naming}`;
}

function elementProperty(limits: ElementsLimits): INodeProperties {
	return {
		displayName: 'Subject References',
		name: 'elements',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Subject',
		default: {},
		description: description(limits),
		options: [
			{
				displayName: 'Subject',
				name: 'element',
				values: [
					{
						displayName: 'Frontal Image URL',
						name: 'frontalImageUrl',
						type: 'string',
						default: '',
						placeholder: 'https://example.com/bottle-front.jpg',
						description: `The subject seen from the front${limits.frontalRequired ? '' : ' (optional)'}`,
					},
					{
						displayName: 'Reference Image URLs',
						name: 'referenceImageUrls',
						type: 'string',
						typeOptions: { rows: 3 },
						default: '',
						placeholder: 'https://example.com/bottle-side.jpg\nhttps://example.com/bottle-back.jpg',
						description: `1 to ${limits.maxReferences} links to other views of the subject, one per line`,
					},
				],
			},
		],
	};
}

function entriesOf(input: FieldInput): unknown[] {
	const raw = input.parameter('elements', {});
	const entries =
		typeof raw === 'object' && raw !== null ? (raw as { element?: unknown }).element : raw;
	if (entries === undefined) return [];
	if (Array.isArray(entries)) return entries;
	throw input.refuse(
		`"Subject References" must be a list of subjects, but its value is ${describeType(entries)}`,
	);
}

function readElement(
	input: FieldInput,
	entry: unknown,
	number: number,
	limits: ElementsLimits,
): SubjectElement {
	const values =
		typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
	const text = (value: unknown, label: string): string => {
		if (value === undefined || value === null) return '';
		if (typeof value !== 'string')
			throw input.refuse(`${label} must be text, but its value is ${describeType(value)}`);
		return value.trim();
	};
	const frontal = text(values.frontalImageUrl, `The frontal image of subject ${number}`);
	if (frontal === '' && limits.frontalRequired)
		throw input.refuse(
			`Subject ${number} has no frontal image; ${input.offerName} needs one for each subject`,
		);
	const references = text(values.referenceImageUrls, `The reference images of subject ${number}`)
		.split(/\r?\n/)
		.map((line) => line.trim())
		.filter((line) => line !== '');
	if (references.length < 1 || references.length > limits.maxReferences)
		throw input.refuse(
			`Subject ${number} has ${references.length} reference image${references.length === 1 ? '' : 's'}; ${input.offerName} takes 1 to ${limits.maxReferences} a subject, one link per line`,
		);
	return {
		...(frontal !== '' && {
			frontalImageUrl: checkHttpUrl(input, `The frontal image of subject ${number}`, frontal),
		}),
		referenceImageUrls: references.map((url, index) =>
			checkHttpUrl(input, `Reference image ${index + 1} of subject ${number}`, url),
		),
	};
}

export const elements: RequestField<ElementsShape> = {
	name: 'elements',
	offerOf: ({ form }) => {
		if (!form.elements) return {};
		const { maxElements, maxReferences, frontalRequired, promptName } = form.elements;
		return {
			elements: { maxElements, maxReferences, frontalRequired, ...(promptName && { promptName }) },
		};
	},
	editor: {
		inOptions: false,
		properties: (perForm) =>
			perForm(
				(offer) => offer.elements,
				(variant) => elementProperty(variant.form),
			),
	},
	read(input, offer) {
		if (!offer.elements) return undefined;
		const entries = entriesOf(input);
		if (entries.length === 0) return undefined;
		if (entries.length > offer.elements.maxElements)
			throw input.refuse(
				`"Subject References" has ${entries.length} subjects; ${input.offerName} takes up to ${offer.elements.maxElements}`,
			);
		const limits = offer.elements;
		const read = entries.map((entry, index) => readElement(input, entry, index + 1, limits));
		return { choice: read.length, value: () => ({ elements: read }) };
	},
	write(request, form, body) {
		const shape = form.elements;
		if (!request.elements || !shape) return;
		body.set(
			shape.field,
			request.elements.map((element): IDataObject => ({
				...(element.frontalImageUrl && { [shape.frontal]: element.frontalImageUrl }),
				[shape.references]: element.referenceImageUrls,
			})),
		);
	},
	readme: {
		header: 'Subject references',
		cell: (offer) => (offer.elements ? `up to ${offer.elements.maxElements}` : '–'),
	},
};
