import { aimlApi } from './aimlApi';
import { fal } from './fal';
import { gmiCloud } from './gmiCloud';
import { kling } from './kling';
import { highwayApi, myRouter, novita } from './novitaFamily';
import type { ProviderAdapter, ProviderId } from './types';

export const PROVIDERS: Record<ProviderId, ProviderAdapter> = {
	novita,
	myRouter,
	highwayApi,
	aimlApi,
	gmiCloud,
	kling,
	fal,
};

export function isProviderId(value: unknown): value is ProviderId {
	return typeof value === 'string' && Object.prototype.hasOwnProperty.call(PROVIDERS, value);
}

export * from './types';
