import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';

import { PROVIDERS } from '../providers';

export const providerProperty: INodeProperties = {
	displayName: 'Provider',
	name: 'provider',
	type: 'options',
	noDataExpression: true,
	// One option per registered provider, in alphabetical order as n8n lists options.
	options: Object.values(PROVIDERS)
		.map((provider) => ({
			name: provider.editorLabel ?? provider.displayName,
			value: provider.id,
			...(provider.editorDescription && { description: provider.editorDescription }),
		}))
		.sort((a, b) => a.name.localeCompare(b.name, 'en')),
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
