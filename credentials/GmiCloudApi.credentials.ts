import type {
	ICredentialDataDecryptedObject,
	Icon,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

export class GmiCloudApi implements ICredentialType {
	name = 'gmiCloudApi';

	displayName = 'GMI Cloud API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	documentationUrl = 'https://docs.gmicloud.ai';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Create one in the GMI Cloud console (https://console.gmicloud.ai), under API Keys',
		},
		{
			displayName: 'Organization ID',
			name: 'organizationId',
			type: 'string',
			default: '',
			description:
				'Only for keys that belong to several organizations; sent as the X-Organization-ID header',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://console.gmicloud.ai',
			description: 'Change only to go through a proxy or a compatible host',
		},
	];

	// Bearer like the others; a function only so that an empty Organization ID sends no header at all.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const organizationId = String(credentials.organizationId ?? '').trim();
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${credentials.apiKey}`,
				...(organizationId && { 'X-Organization-ID': organizationId }),
			},
		};
	}

	// Lists the request-queue models: free, and creates no task.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/api/v1/ie/requestqueue/apikey/models',
		},
	};
}
