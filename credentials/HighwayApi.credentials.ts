import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class HighwayApi implements ICredentialType {
	name = 'highwayApi';

	displayName = 'HighwayAPI API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	// HighwayAPI's English docs are served by its parent, JieKou.
	documentationUrl = 'https://docs.jiekou.ai/en/docs/models/reference-kling-v2.1-i2v';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Create one at https://highwayapi.ai',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.highwayapi.ai',
			description: 'Change only to go through a proxy or a compatible host',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Bearer {{$credentials.apiKey}}',
			},
		},
	};

	// Reads the balance: free, and creates no task. HighwayAPI documents no balance endpoint; this is
	// the one of the Novita API it serves, which it is assumed to serve too (see the README).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/openapi/v1/billing/balance/detail',
		},
	};
}
