import type { IDisplayOptions } from 'n8n-workflow';

import {
	KLING_MODELS,
	PROVIDERS,
	type KlingModel,
	type ModelOffer,
	type ProviderId,
} from '../providers';

/**
 * The editor shows each field in the form the chosen provider and model offer. A field whose form
 * differs between offers (the modes of Kling 3.0 at AI/ML API and at Novita AI, say) is defined
 * once per distinct form, shown for the providers that share it: n8n resolves same-named
 * parameters by their display options.
 */

export interface OfferVariant<Form> {
	form: Form;
	model: KlingModel;
	providers: ProviderId[];
}

/**
 * Groups, per model, the providers whose offer has the same form of a field. `formOf` returns
 * undefined where the offer does not have the field at all.
 */
export function offerVariants<Form>(
	formOf: (offer: ModelOffer) => Form | undefined,
): Array<OfferVariant<Form>> {
	const variants: Array<OfferVariant<Form>> = [];
	for (const model of KLING_MODELS) {
		const byKey = new Map<string, OfferVariant<Form>>();
		for (const provider of Object.values(PROVIDERS)) {
			const offer = provider.offers.find((candidate) => candidate.model === model);
			const form = offer && formOf(offer);
			if (form === undefined) continue;
			const key = JSON.stringify(form);
			const variant = byKey.get(key) ?? { form, model, providers: [] };
			variant.providers.push(provider.id);
			byKey.set(key, variant);
		}
		variants.push(...byKey.values());
	}
	return variants;
}

/** Shown for the variant's providers and model; `prefix` is '/' inside a collection. */
export function showFor(
	variant: Pick<OfferVariant<unknown>, 'model' | 'providers'>,
	more: IDisplayOptions['show'] = {},
	prefix = '',
): IDisplayOptions {
	return {
		show: {
			[`${prefix}provider`]: variant.providers,
			[`${prefix}model`]: [variant.model],
			...more,
		},
	};
}
