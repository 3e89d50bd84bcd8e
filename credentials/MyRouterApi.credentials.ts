import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class MyRouterApi implements ICredentialType {
	name = 'myRouterApi';

	displayName = 'MyRouter API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	documentationUrl = 'https://docs.myrouter.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Create one at https://myrouter.ai',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.myrouter.ai',
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

	// Reads the balance: free, and creates no task. MyRouter documents its own credits endpoint only
	// on a placeholder host; this is the one of the Novita API it serves (see the README).
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/openapi/v1/billing/balance/detail',
		},
	};
}
