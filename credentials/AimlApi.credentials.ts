import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

export class AimlApi implements ICredentialType {
	name = 'aimlApi';

	displayName = 'AI/ML API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	documentationUrl = 'https://docs.aimlapi.com/quickstart/setting-up';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Create one at https://aimlapi.com/app/keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.aimlapi.com',
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

	// Reads the balance (GET /v2/billing, documented, on the API host: a proxy sees it too): free,
	// and creates no task.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v2/billing',
		},
	};
}
