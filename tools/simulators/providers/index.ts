import type { ProviderId, RequestForms, ResponseShapes } from '../types';
import type { ProviderAdapter } from './adapter';
import { aimlApiAdapter } from './aimlApi';
import { falAdapter } from './fal';
import { gmiCloudAdapter } from './gmiCloud';
import { klingAdapter } from './kling';
import { novitaAdapter } from './novita';

/** The adapter that speaks `provider`'s API. */
export function adapterFor(
	provider: ProviderId,
	shapes: ResponseShapes,
	forms: RequestForms = {},
): ProviderAdapter {
	switch (provider) {
		case 'novita':
		case 'myRouter':
		case 'highwayApi':
			return novitaAdapter(provider, shapes, forms);
		case 'aimlApi':
			return aimlApiAdapter(forms);
		case 'gmiCloud':
			return gmiCloudAdapter(shapes, forms);
		case 'kling':
			return klingAdapter(shapes);
		case 'fal':
			return falAdapter(shapes, forms);
	}
}
