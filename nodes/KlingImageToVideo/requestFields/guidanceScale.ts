import { LIMITS } from '../models/limits';
import { readingOf, type RequestField } from './field';

export interface GuidanceScaleShape {
	name: 'guidanceScale';
	/** The body field, where the model takes one (cfg_scale, guidance_scale...). */
	form: { guidance?: string };
	facts: object;
	offer: { guidanceScale: boolean };
	choice: number;
	request: { guidanceScale?: number };
}

export const guidanceScale: RequestField<GuidanceScaleShape> = {
	name: 'guidanceScale',
	offerOf: ({ form }) => ({ guidanceScale: form.guidance !== undefined }),
	editor: {
		inOptions: true,
		offered: (offer) => offer.guidanceScale,
		property: {
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
	},
	read(input, offer) {
		if (!offer.guidanceScale) return undefined;
		const raw = input.parameter('options.guidanceScale', 0.5);
		const scale = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
		if (
			typeof scale !== 'number' ||
			!Number.isFinite(scale) ||
			scale < LIMITS.minGuidanceScale ||
			scale > LIMITS.maxGuidanceScale
		) {
			throw input.refuse(
				`"Guidance Scale" must be a number from ${LIMITS.minGuidanceScale} to ${LIMITS.maxGuidanceScale}, not ${String(raw)}`,
			);
		}
		return readingOf<GuidanceScaleShape>(scale, { guidanceScale: scale });
	},
	write(request, form, body) {
		if (request.guidanceScale !== undefined && form.guidance)
			body.set(form.guidance, request.guidanceScale);
	},
};
