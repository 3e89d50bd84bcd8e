import type {
	IAuthenticateGeneric,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Named falQueueApi: credential type names are global in an n8n instance, and falApi and falAiApi
 * belong to other fal packages.
 */
export class FalQueueApi implements ICredentialType {
	name = 'falQueueApi';

	displayName = 'fal.ai API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	documentationUrl = 'https://docs.fal.ai/model-endpoints/queue';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Create one at https://fal.ai/dashboard/keys',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://queue.fal.run',
			description: "fal's queue. Change only to go through a proxy or a compatible host.",
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Key {{$credentials.apiKey}}',
			},
		},
	};

	// Reads the price of one Kling endpoint: free, and it needs a valid key (fal's model list would
	// answer a wrong key too). fal serves it from its platform API; a custom base URL (proxy,
	// simulator) is asked directly.
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{ $credentials.baseUrl.replace(/\\/+$/, "") === "https://queue.fal.run" ? "https://api.fal.ai" : $credentials.baseUrl.replace(/\\/+$/, "") }}',
			url: '/v1/models/pricing',
			qs: { endpoint_id: 'fal-ai/kling-video/v2.1/standard/image-to-video' },
		},
		rules: [
			{
				type: 'responseCode',
				properties: { value: 401, message: 'fal.ai refused the API key: check it' },
			},
		],
	};
}
