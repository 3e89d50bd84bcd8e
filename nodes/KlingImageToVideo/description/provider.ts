import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers';

export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	options: [
		{ name: 'AI/ML API', value: 'aimlApi' },
		{ name: 'fal.ai', value: 'fal' },
		{ name: 'GMI Cloud', value: 'gmiCloud' },
		{ name: 'HighwayAPI', value: 'highwayApi' },
		{
			name: 'Kling AI (Official API)',
			value: 'kling',
			description: "Kling's own API: every model first, a submission safe to retry",
		},
		{ name: 'MyRouter', value: 'myRouter' },
		{ name: 'Novita AI', value: 'novita' },
	],
	default: 'novita',
	description:
		"The service that runs Kling for you: Kling's own API or a host that resells it; each needs its own credential",
};

/** One credential per provider, each shown only when its provider is selected. */
export const providerCredentials: INodeCredentialDescription[] = Object.values(PROVIDERS).map(
	(provider) => ({
		name: provider.credentialType,
		required: true,
		displayOptions: { show: { provider: [provider.id] } },
	}),
);
