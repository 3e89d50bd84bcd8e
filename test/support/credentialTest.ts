import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentialType,
	type IHttpRequestOptions,
	type INode,
	type INodeTypes,
} from 'n8n-workflow';

/**
 * A credential's `test` as n8n's credential tester runs it (packages/cli CredentialsTester): the
 * request's expressions resolved with only $credentials, the credential's `authenticate` applied,
 * any 2xx passes, and a non-2xx fails with the message of a matching responseCode rule.
 */

const NO_NODE_TYPES = {
	getByName: () => undefined,
	getByNameAndVersion: () => undefined,
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

const NODE: INode = {
	id: 'credential-test',
	name: 'Credential test',
	type: 'credentialTest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export interface CredentialTestResult {
	status: 'OK' | 'Error';
	message: string;
	/** Where the test request went. */
	url: string;
}

/** Resolves one `={{ ... }}` value the way n8n does for credentials ('internal' mode, $credentials only). */
export function resolveCredentialExpression(
	value: unknown,
	credentials: ICredentialDataDecryptedObject,
): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	const workflow = new Workflow({
		nodes: [],
		connections: {},
		active: false,
		nodeTypes: NO_NODE_TYPES,
	});
	return workflow.expression.getSimpleParameterValue(
		NODE,
		value,
		'internal',
		{ $credentials: credentials },
		undefined,
		'',
	);
}

export async function runCredentialTest(
	type: ICredentialType,
	data: ICredentialDataDecryptedObject,
): Promise<CredentialTestResult> {
	const credentials: ICredentialDataDecryptedObject = Object.fromEntries(
		type.properties.map((property) => [property.name, data[property.name] ?? property.default]),
	) as ICredentialDataDecryptedObject;
	const request = type.test!.request;
	const baseUrl = String(resolveCredentialExpression(request.baseURL ?? '', credentials));
	const path = String(resolveCredentialExpression(request.url ?? '', credentials));
	const query = new URLSearchParams(
		Object.entries(request.qs ?? {}).map(([name, value]) => [name, String(value)]),
	).toString();
	const url = `${baseUrl}${path}${query ? `?${query}` : ''}`;

	let options: IHttpRequestOptions = { url, method: request.method ?? 'GET', headers: {} };
	const { authenticate } = type;
	if (typeof authenticate === 'function') {
		options = await authenticate(credentials, options);
	} else if (authenticate?.type === 'generic') {
		const headers = (authenticate.properties.headers ?? {}) as Record<string, string>;
		for (const [name, value] of Object.entries(headers))
			options.headers![name] = String(resolveCredentialExpression(value, credentials));
	}

	const response = await fetch(url, {
		method: options.method,
		headers: options.headers as Record<string, string>,
	});
	await response.arrayBuffer();
	if (response.ok) return { status: 'OK', message: 'Connection successful!', url };
	const rule = (type.test!.rules ?? []).find(
		(candidate) =>
			candidate.type === 'responseCode' && candidate.properties.value === response.status,
	);
	return {
		status: 'Error',
		message: rule?.properties.message ?? `Received HTTP status code: ${response.status}`,
		url,
	};
}
