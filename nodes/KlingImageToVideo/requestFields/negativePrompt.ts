import { formatCount, LIMITS } from '../models/limits';
import { readingOf, type RequestField } from './field';

export interface NegativePromptShape {
	name: 'negativePrompt';
	/** The body field, where the model takes one. */
	form: { negativePrompt?: string };
	facts: object;
	offer: { negativePrompt: boolean };
	choice: string;
	request: { negativePrompt?: string };
}

export const negativePrompt: RequestField<NegativePromptShape> = {
	name: 'negativePrompt',
	offerOf: ({ form }) => ({ negativePrompt: form.negativePrompt !== undefined }),
	editor: {
		inOptions: true,
		offered: (offer) => offer.negativePrompt,
		property: {
			displayName: 'Negative Prompt',
			name: 'negativePrompt',
			type: 'string',
			typeOptions: { rows: 2 },
			default: '',
			placeholder: 'blur, distortion, text',
			description: `What the video should avoid, up to ${formatCount(LIMITS.maxPromptChars)} characters`,
		},
	},
	read(input, offer) {
		if (!offer.negativePrompt) return undefined;
		const text = input.text('options.negativePrompt', 'Negative Prompt').trim();
		input.checkLength('Negative Prompt', text);
		return text === '' ? undefined : readingOf<NegativePromptShape>(text, { negativePrompt: text });
	},
	write(request, form, body) {
		if (request.negativePrompt && form.negativePrompt)
			body.set(form.negativePrompt, request.negativePrompt);
	},
};
