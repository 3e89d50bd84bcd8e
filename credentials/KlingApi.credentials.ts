import { createHmac } from 'crypto';
import type {
	IAuthenticate,
	Icon,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** Kling's signed tokens live 30 minutes and take effect 5 seconds back, for clocks a little behind. */
const TOKEN_LIFETIME_SECONDS = 1800;
const NOT_BEFORE_SLACK_SECONDS = 5;

function base64url(text: string): string {
	return Buffer.from(text, 'utf8').toString('base64url');
}

/**
 * The HS256 JSON Web Token Kling takes for an access key and secret key: header
 * {"alg":"HS256","typ":"JWT"}, claims iss (the access key), exp and nbf, signed with the secret key
 * (Kling's own client, KwaiVGI/ComfyUI-KLingAI-API; its sample in the docs).
 */
export function signKlingToken(accessKey: string, secretKey: string, nowMs: number): string {
	const now = Math.floor(nowMs / 1000);
	const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const claims = base64url(
		JSON.stringify({
			iss: accessKey,
			exp: now + TOKEN_LIFETIME_SECONDS,
			nbf: now - NOT_BEFORE_SLACK_SECONDS,
		}),
	);
	const signature = createHmac('sha256', secretKey)
		.update(`${header}.${claims}`)
		.digest('base64url');
	return `${header}.${claims}.${signature}`;
}

export class KlingApi implements ICredentialType {
	name = 'klingApi';

	displayName = 'Kling AI API';

	icon: Icon = {
		light: 'file:../nodes/KlingImageToVideo/kling.svg',
		dark: 'file:../nodes/KlingImageToVideo/kling.dark.svg',
	};

	documentationUrl = 'https://app.klingai.com/global/dev/document-api/quickStart/userManual';

	properties: INodeProperties[] = [
		{
			displayName: 'Authentication',
			name: 'authType',
			type: 'options',
			options: [
				{
					name: 'API Key',
					value: 'apiKey',
					description: 'A single key from the Kling developer console, sent as it is',
				},
				{
					name: 'Access Key and Secret Key',
					value: 'accessKey',
					description:
						'The key pair from the Kling developer console; the node signs a fresh token for every request',
				},
			],
			default: 'apiKey',
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'Create one in the Kling developer console at https://app.klingai.com/global/dev',
			displayOptions: { show: { authType: ['apiKey'] } },
		},
		{
			displayName: 'Access Key',
			name: 'accessKey',
			type: 'string',
			required: true,
			default: '',
			description: 'The access key of a key pair from https://app.klingai.com/global/dev',
			displayOptions: { show: { authType: ['accessKey'] } },
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The secret key of the same pair. It signs the tokens here and is never sent anywhere.',
			displayOptions: { show: { authType: ['accessKey'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api-singapore.klingai.com',
			description:
				'The global API. Keys made for the China API work only at https://api-beijing.klingai.com; change it otherwise only to go through a proxy.',
		},
	];

	/** A fresh token for every request, so no wait outlives one; an API key goes as it is. */
	authenticate: IAuthenticate = async (
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> => {
		const token =
			credentials.authType === 'accessKey'
				? signKlingToken(
						String(credentials.accessKey ?? '').trim(),
						String(credentials.secretKey ?? '').trim(),
						Date.now(),
					)
				: String(credentials.apiKey ?? '').trim();
		return {
			...requestOptions,
			headers: { ...requestOptions.headers, Authorization: `Bearer ${token}` },
		};
	};

	// Lists one task: a query, so it is free and takes none of the account's concurrency.
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/v1/videos/image2video',
			qs: { pageNum: 1, pageSize: 1 },
		},
		rules: [
			{
				type: 'responseCode',
				properties: {
					value: 401,
					message:
						"Kling AI refused the key. Check it, and the Base URL: keys for the China API (api-beijing) and the global one (api-singapore) do not work on each other's host. With an access key and secret key, also check this machine's clock.",
				},
			},
		],
	};
}
