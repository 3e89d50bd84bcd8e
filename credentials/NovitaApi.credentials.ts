import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class NovitaApi implements ICredentialType {
	name = 'novitaApi';

	displayName = 'Novita AI API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	documentationUrl = 'https://novita.ai/docs/guides/quickstart';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Create one at https://novita.ai/settings/key-management',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.novita.ai',
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

	// Reads the balance: free, and creates no task.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/openapi/v1/billing/balance/detail',
		},
	};
}
