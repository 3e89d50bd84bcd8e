import { aimlApi } from './aimlApi';
import { fal } from './fal';
import { gmiCloud } from './gmiCloud';
import { kling } from './kling';
import { highwayApi, myRouter, novita } from './novitaFamily';
import type { ProviderAdapter, ProviderId } from './types';

/** Every provider the node offers, under its id: the editor, credentials and checks follow this. */
export const PROVIDERS = {
	novita,
	myRouter,
	highwayApi,
	aimlApi,
	gmiCloud,
	kling,
	fal,
} satisfies Record<string, ProviderAdapter>;

export function isProviderId(value: unknown): value is ProviderId {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROVIDERS, value);
}

export * from './types';
