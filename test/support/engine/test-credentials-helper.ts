/**
 * n8n's CredentialsHelper lives in packages/cli (database, encryption), which is not published.
 * This one keeps the test's credentials decrypted in memory and otherwise follows the CLI's
 * logic: defaults of the credential type are filled in, expressions in credential data are
 * resolved, `authenticate` is applied (a function, or the generic `={{$credentials.x}}`
 * headers/qs/body/auth resolved through the workflow's expression engine), and `preAuthentication`
 * runs for credentials with an expirable property.
 */
import { getAdditionalKeys } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsExpressionResolveValues,
	ICredentials,
	ICredentialType,
	IExecuteData,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeParameters,
	INodeProperties,
	IRequestOptionsSimplified,
	IWorkflowExecuteAdditionalData,
	Workflow,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, isExpression, NodeHelpers, UnexpectedError } from 'n8n-workflow';

export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly credentialTypesByName: Map<string, ICredentialType>;

	/** Decrypted data by credential type name; updated when preAuthentication refreshes a token. */
	private readonly storedCredentials: Record<string, ICredentialDataDecryptedObject>;

	constructor(
		credentialTypes: ICredentialType[],
		credentials: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
		this.credentialTypesByName = new Map(credentialTypes.map((type) => [type.name, type]));
		this.storedCredentials = structuredClone(credentials);
	}

	hasCredentials(typeName: string) {
		return this.storedCredentials[typeName] !== undefined;
	}

	getCredentialType(typeName: string): ICredentialType {
		const credentialType = this.credentialTypesByName.get(typeName);
		if (!credentialType) {
			throw new UnexpectedError(
				`Credential type "${typeName}" is not registered with the engine harness (pass it in credentialTypes)`,
			);
		}
		return credentialType;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		incomingRequestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
		workflow?: Workflow,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const requestOptions = incomingRequestOptions as IHttpRequestOptions;
		const { authenticate } = this.getCredentialType(typeName);
		if (authenticate === undefined) return requestOptions;

		if (typeof authenticate === 'function') {
			return await authenticate(credentials, requestOptions);
		}

		if (!workflow || !node) {
			throw new UnexpectedError(
				'Workflow and node are required for declarative credential authentication',
			);
		}
		requestOptions.headers ??= {};
		if (authenticate.type === 'generic') {
			for (const [outerKey, outerValue] of Object.entries(authenticate.properties)) {
				const target = requestOptions as unknown as Record<string, Record<string, unknown>>;
				target[outerKey] ??= {};
				for (const [key, value] of Object.entries(outerValue as Record<string, string>)) {
					const resolvedKey = this.resolveAuthValue(key, credentials, workflow, node);
					target[outerKey][resolvedKey] = this.resolveAuthValue(value, credentials, workflow, node);
				}
			}
		}
		return requestOptions;
	}

	/** Same call the CLI makes: mode 'internal', only $credentials available. */
	private resolveAuthValue(
		value: string,
		credentials: ICredentialDataDecryptedObject,
		workflow: Workflow,
		node: INode,
	): string {
		if (!isExpression(value)) return value;
		const resolved = workflow.expression.getSimpleParameterValue(
			node,
			value,
			'internal',
			{ $credentials: credentials },
			undefined,
			'',
		);
		return resolved ? String(resolved) : '';
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const credentialType = this.getCredentialType(typeName);
		const expirableProperty = credentialType.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (expirableProperty === undefined || typeof credentialType.preAuthentication !== 'function') {
			return undefined;
		}
		if (credentials[expirableProperty.name] !== '' && !credentialsExpired) return undefined;

		const output = (await credentialType.preAuthentication.call(
			helpers,
			credentials,
		)) as ICredentialDataDecryptedObject;
		if (output[expirableProperty.name] === undefined) return undefined;

		// n8n saves the refreshed token to the database; here the in-memory copy stands in for it.
		this.storedCredentials[typeName] = { ...this.storedCredentials[typeName], ...output };
		return Object.assign(credentials, output);
	}

	async runPreAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const { preAuthentication } = this.getCredentialType(typeName);
		if (typeof preAuthentication !== 'function') return undefined;
		return (await preAuthentication.call(
			helpers,
			credentials,
		)) as unknown as ICredentialDataDecryptedObject;
	}

	getParentTypes(typeName: string): string[] {
		const parents = this.credentialTypesByName.get(typeName)?.extends ?? [];
		return parents.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
		const typeDefinition = this.credentialTypesByName.get(credentialType);
		if (!typeDefinition?.restrictToSupportedNodes) return true;
		const shortNodeType = nodeType.slice(nodeType.lastIndexOf('.') + 1);
		return (typeDefinition.supportedNodes ?? []).some(
			(supported) => supported === nodeType || supported === shortNodeType,
		);
	}

	async getCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentials> {
		// Only OAuth flows need the encrypted entity; the packages under test use API keys.
		throw new UnexpectedError(
			`The engine harness keeps credentials decrypted; getCredentials("${type}") is not supported`,
		);
	}

	async getDecrypted(
		additionalData: IWorkflowExecuteAdditionalData,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
		mode: WorkflowExecuteMode,
		executeData?: IExecuteData,
		raw?: boolean,
		expressionResolveValues?: ICredentialsExpressionResolveValues,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.storedCredentials[type];
		if (stored === undefined) {
			// Same wording as n8n's CredentialNotFoundError.
			throw new UnexpectedError(
				`Credential with ID "${nodeCredentials.id}" does not exist for type "${type}".`,
			);
		}
		const decrypted = structuredClone(stored);
		if (raw === true) return decrypted;

		let withDefaults = NodeHelpers.getNodeParameters(
			this.getCredentialsProperties(type),
			decrypted as INodeParameters,
			true,
			false,
			null,
			null,
		) as ICredentialDataDecryptedObject;
		if (decrypted.oauthTokenData !== undefined)
			withDefaults.oauthTokenData = decrypted.oauthTokenData;

		if (expressionResolveValues) {
			const additionalKeys = getAdditionalKeys(additionalData, mode, null, { isCredential: true });
			withDefaults = expressionResolveValues.workflow.expression.getParameterValue(
				withDefaults as INodeParameters,
				expressionResolveValues.runExecutionData,
				expressionResolveValues.runIndex,
				expressionResolveValues.itemIndex,
				expressionResolveValues.node.name,
				expressionResolveValues.connectionInputData,
				mode,
				additionalKeys,
				executeData,
				false,
				withDefaults,
			) as ICredentialDataDecryptedObject;
		}
		return withDefaults;
	}

	async updateCredentials(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.storedCredentials[type] = structuredClone(data);
	}

	async updateCredentialsOauthTokenData(
		_nodeCredentials: INodeCredentialsDetails,
		type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		this.storedCredentials[type] = {
			...this.storedCredentials[type],
			oauthTokenData: data.oauthTokenData,
		};
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		const credentialType = this.getCredentialType(type);
		if (credentialType.extends === undefined) return credentialType.properties;

		const combined: INodeProperties[] = [];
		for (const parentType of credentialType.extends) {
			NodeHelpers.mergeNodeProperties(combined, this.getCredentialsProperties(parentType));
		}
		// The credential's own properties win over its parents'.
		NodeHelpers.mergeNodeProperties(combined, credentialType.properties);
		return combined;
	}
}
