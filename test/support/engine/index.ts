/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Runs nodes inside n8n's real engine (n8n-core's WorkflowExecute) in jest tests: real HTTP
 * through n8n's outbound layer, real credential authentication, a real filesystem binary
 * store, n8n's own error handling (continueOnFail / error output), cancellation and logging.
 */
// Must stay the first import: n8n reads N8N_USER_FOLDER when its services are first used.
import { binaryStoreFolder, harnessUserFolder } from './temp-user-folder';

import { randomUUID } from 'node:crypto';
import {
	BinaryDataService,
	ExecutionLifecycleHooks,
	WorkflowExecute,
	WorkflowHasIssuesError,
} from 'n8n-core';
import type { BinaryDataConfig, ErrorReporter } from 'n8n-core';
import type {
	ExecutionError,
	ExecutionStatus,
	ICredentialDataDecryptedObject,
	ICredentialType,
	IConnections,
	IDataObject,
	INode,
	INodeCredentials,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IRunData,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	NodeConnectionType,
} from 'n8n-workflow';
import {
	createRunExecutionData,
	LoggerProxy,
	NodeConnectionTypes,
	NodeHelpers,
	UnexpectedError,
	Workflow,
} from 'n8n-workflow';

import { CapturingLogger } from './capturing-logger';
import {
	createHarnessManualTrigger,
	HARNESS_TRIGGER_NODE_NAME,
	HARNESS_TRIGGER_NODE_TYPE,
} from './harness-trigger-node';
import type { InputItem } from './harness-trigger-node';
import { Container, N8nCoreLoggerToken } from './n8n-core-dependencies';
import { TestCredentialsHelper } from './test-credentials-helper';

export {
	binaryStoreFolder,
	HARNESS_TRIGGER_NODE_NAME,
	HARNESS_TRIGGER_NODE_TYPE,
	harnessUserFolder,
};
export type { InputBinary, InputItem } from './harness-trigger-node';
export { TestCredentialsHelper } from './test-credentials-helper';

/** Node types passed by short name are registered as `CUSTOM.<name>`, as n8n does for N8N_CUSTOM_EXTENSIONS. */
export const CUSTOM_NODE_TYPE_PREFIX = 'CUSTOM.';

export type BinaryDataMode =
	/** n8n's default in regular mode: binary data streams to files under a temp folder. */
	| 'filesystem'
	/** No store configured (bare unit tests): binary data is kept as base64 inside the item. */
	| 'in-memory';

export interface NodeSpec {
	name: string;
	/** A key of `nodeTypes` (registered as `CUSTOM.<key>`) or a full type name. */
	type: string;
	parameters?: INode['parameters'];
	/** Defaults to the latest version the node type declares. */
	typeVersion?: number;
	/**
	 * Credential type names to select on the node, as a user would in the credential dropdown.
	 * Default: every credential the node type declares for which the spec has `credentials` data.
	 */
	credentials?: string[];
	/** The node's "On Error" setting. */
	onError?: INode['onError'];
	/** The older "Continue On Fail" setting (same as onError 'continueRegularOutput'). */
	continueOnFail?: boolean;
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	alwaysOutputData?: boolean;
	executeOnce?: boolean;
	disabled?: boolean;
}

export interface WorkflowSpec {
	/** e.g. `{ klingImageToVideo: new KlingImageToVideo() }` */
	nodeTypes: Record<string, INodeType | IVersionedNodeType>;
	/** The package's credential classes; `authenticate` is applied as n8n applies it. */
	credentialTypes?: ICredentialType[];
	/** Decrypted credential data by credential type name, e.g. `{ novitaApi: { apiKey } }`. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	nodes: NodeSpec[];
	/**
	 * Defaults to a chain: Manual Trigger -> nodes[0] -> nodes[1] -> ...
	 * Build others with `connect(...)`; the trigger is named HARNESS_TRIGGER_NODE_NAME.
	 */
	connections?: IConnections;
	/** Items the trigger emits; binary given as Buffers is stored through the binary data service. Default: one empty item. */
	input?: InputItem[];
	/** Like the workflow setting "Timeout Workflow": the execution is canceled after this many ms. */
	executionTimeoutMs?: number;
	binaryDataMode?: BinaryDataMode;
	settings?: IWorkflowSettings;
}

export interface EngineRun {
	executionId: string;
	/** The status n8n saves for the execution ('success', 'error', 'canceled', 'waiting'...). */
	status: ExecutionStatus;
	/**
	 * The error n8n recorded for the run (resultData.error). n8n stores a copy of the node error's
	 * fields (message, description, httpCode, context.itemIndex, node...), not the instance, so
	 * check fields rather than `instanceof`.
	 */
	error?: ExecutionError;
	/** True when the run was canceled by `executionTimeoutMs`. */
	timedOut: boolean;
	/** Output items of a node, per output index, as n8n passed them on (json, binary, pairedItem). */
	output(nodeName: string, outputIndex?: number, runIndex?: number): INodeExecutionData[];
	/** The error recorded on one node's task (set also when the node continued on fail). */
	nodeError(nodeName: string, runIndex?: number): ExecutionError | undefined;
	/** Reads an item's binary data through the real BinaryDataService (from disk in filesystem mode). */
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/** Every line n8n's loggers were given during the run, e.g. `info: message { metadata }`. */
	logs: string[];
	/** Raw run data. After a cancel it also shows how the node ended once it saw the abort. */
	runData: IRunData;
	/** The full run as n8n's execution-finished hook received it. */
	run: IRun;
}

export interface RunningWorkflow {
	result: Promise<EngineRun>;
	/** Stops the execution like the Stop button: the running node's execution cancel signal aborts. */
	cancel(): void;
}

export interface Connection {
	from: string;
	to: string;
	/** Output of `from`; 1 is the error output of a node with onError 'continueErrorOutput'. */
	outputIndex?: number;
	inputIndex?: number;
	type?: NodeConnectionType;
}

/** Builds n8n's connections object from a list of edges. */
export function connect(...edges: Connection[]): IConnections {
	const connections: IConnections = {};
	for (const {
		from,
		to,
		outputIndex = 0,
		inputIndex = 0,
		type = NodeConnectionTypes.Main,
	} of edges) {
		const outputs = ((connections[from] ??= {})[type] ??= []);
		while (outputs.length <= outputIndex) outputs.push([]);
		(outputs[outputIndex] ??= []).push({ node: to, type, index: inputIndex });
	}
	return connections;
}

/** Manual Trigger -> first -> second -> ... on the main outputs. */
export function chain(...nodeNames: string[]): IConnections {
	const names = [HARNESS_TRIGGER_NODE_NAME, ...nodeNames];
	return connect(...names.slice(1).map((to, index) => ({ from: names[index], to })));
}

// ---- engine-wide services, installed once per test file (jest gives each file fresh modules) ----

const capturingLogger = new CapturingLogger();
Container.set(N8nCoreLoggerToken, capturingLogger);
LoggerProxy.init(capturingLogger);

const WORKFLOW_ID = 'engineHarnessWf';

function createBinaryDataService(localStoragePath: string) {
	// A plain config: BinaryDataConfig's own constructor would pull in n8n's instance settings.
	const config = {
		mode: 'filesystem',
		availableModes: ['filesystem'],
		localStoragePath,
		signingSecret: 'engine-harness',
		dbMaxFileSize: 512,
	} as unknown as BinaryDataConfig;
	const errorReporter = {
		error: (error: unknown) => capturingLogger.error(String(error), { error }),
	};
	return new BinaryDataService(
		config,
		errorReporter as unknown as ErrorReporter,
		capturingLogger as never,
	);
}

let filesystemBinaryDataService: Promise<BinaryDataService> | undefined;
// Never initialized, so it has no storage manager and keeps data in the item, as n8n does without a store.
const inMemoryBinaryDataService = createBinaryDataService(binaryStoreFolder);

async function useBinaryDataService(mode: BinaryDataMode): Promise<BinaryDataService> {
	let service = inMemoryBinaryDataService;
	if (mode === 'filesystem') {
		filesystemBinaryDataService ??= (async () => {
			const filesystemService = createBinaryDataService(binaryStoreFolder);
			await filesystemService.init();
			return filesystemService;
		})();
		service = await filesystemBinaryDataService;
	}
	Container.set(BinaryDataService, service);
	return service;
}

let lastExecutionId = 0;

class HarnessNodeTypes implements INodeTypes {
	constructor(private readonly types: Map<string, INodeType | IVersionedNodeType>) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) {
			throw new UnexpectedError(
				`Unknown node type "${nodeType}"; registered: ${[...this.types.keys()].join(', ')}`,
			);
		}
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

function fullTypeName(type: string) {
	return type.includes('.') ? type : `${CUSTOM_NODE_TYPE_PREFIX}${type}`;
}

function latestVersion(nodeType: INodeType | IVersionedNodeType): number {
	if ('nodeVersions' in nodeType) return nodeType.currentVersion;
	const { version } = nodeType.description;
	return Array.isArray(version) ? Math.max(...version) : version;
}

function selectedCredentials(
	credentialTypeNamesOnSpec: string[] | undefined,
	nodeType: INodeType,
	credentialsHelper: TestCredentialsHelper,
): INodeCredentials | undefined {
	const credentialTypeNames =
		credentialTypeNamesOnSpec ??
		(nodeType.description.credentials ?? [])
			.map((credential) => credential.name)
			.filter((name) => credentialsHelper.hasCredentials(name));
	if (credentialTypeNames.length === 0) return undefined;
	return Object.fromEntries(
		credentialTypeNames.map((name) => [name, { id: `${name}-id`, name: `${name} account` }]),
	);
}

function buildNodes(
	spec: WorkflowSpec,
	nodeTypes: HarnessNodeTypes,
	credentialsHelper: TestCredentialsHelper,
): INode[] {
	const trigger: INode = {
		id: randomUUID(),
		name: HARNESS_TRIGGER_NODE_NAME,
		type: HARNESS_TRIGGER_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const nodes = spec.nodes.map((nodeSpec, index): INode => {
		const type = fullTypeName(nodeSpec.type);
		const typeVersion = nodeSpec.typeVersion ?? latestVersion(nodeTypes.getByName(type));
		const { credentials: credentialTypeNames, parameters, ...settings } = nodeSpec;
		const node: INode = {
			...settings,
			id: randomUUID(),
			type,
			typeVersion,
			// Left to right, so executionOrder 'v1' runs branches in the order they are listed.
			position: [(index + 1) * 220, 0],
			parameters: structuredClone(parameters ?? {}),
		};
		const credentials = selectedCredentials(
			credentialTypeNames,
			nodeTypes.getByNameAndVersion(type, typeVersion),
			credentialsHelper,
		);
		if (credentials) node.credentials = credentials;
		return node;
	});
	return [trigger, ...nodes];
}

function buildAdditionalData(
	executionId: string,
	hooks: ExecutionLifecycleHooks,
	credentialsHelper: TestCredentialsHelper,
	executionTimeoutMs: number | undefined,
): IWorkflowExecuteAdditionalData {
	const notAvailable = (what: string) => async () => {
		throw new UnexpectedError(`${what} is not available in the engine harness`);
	};
	const baseUrl = 'http://localhost:5678/';
	const additionalData: Partial<IWorkflowExecuteAdditionalData> = {
		executionId,
		workflowId: WORKFLOW_ID,
		userId: 'engine-harness-user',
		hooks,
		credentialsHelper,
		currentNodeExecutionIndex: 0,
		variables: {},
		instanceBaseUrl: baseUrl,
		restApiUrl: `${baseUrl}rest`,
		webhookBaseUrl: `${baseUrl}webhook`,
		webhookWaitingBaseUrl: `${baseUrl}webhook-waiting`,
		webhookTestBaseUrl: `${baseUrl}webhook-test`,
		formBaseUrl: `${baseUrl}form`,
		formWaitingBaseUrl: `${baseUrl}form-waiting`,
		formTestBaseUrl: `${baseUrl}form-test`,
		mcpBaseUrl: `${baseUrl}mcp`,
		mcpTestBaseUrl: `${baseUrl}mcp-test`,
		executionTimeoutTimestamp:
			executionTimeoutMs === undefined ? undefined : Date.now() + executionTimeoutMs,
		executeWorkflow: notAvailable('Executing a sub-workflow'),
		getRunExecutionData: notAvailable('Loading another execution'),
		getRuntimeCredential: notAvailable('Runtime credentials'),
		startRunnerTask: notAvailable('The task runner (Code node)'),
		logAiEvent: () => {},
		setExecutionStatus: () => {},
		sendDataToUI: () => {},
	};
	return additionalData as IWorkflowExecuteAdditionalData;
}

/** Starts the workflow; await `result` for the run, or call `cancel()` to stop it. */
export function runWorkflow(spec: WorkflowSpec): RunningWorkflow {
	const executionId = String(++lastExecutionId);
	const credentialsHelper = new TestCredentialsHelper(
		spec.credentialTypes ?? [],
		spec.credentials ?? {},
	);
	const registeredTypes = new Map<string, INodeType | IVersionedNodeType>(
		Object.entries(spec.nodeTypes).map(([name, type]) => [fullTypeName(name), type]),
	);
	registeredTypes.set(HARNESS_TRIGGER_NODE_TYPE, createHarnessManualTrigger(spec.input));
	const nodeTypes = new HarnessNodeTypes(registeredTypes);

	const nodes = buildNodes(spec, nodeTypes, credentialsHelper);
	const connections = spec.connections ?? chain(...spec.nodes.map((node) => node.name));
	const settings: IWorkflowSettings = { executionOrder: 'v1', ...spec.settings };
	const workflow = new Workflow({
		id: WORKFLOW_ID,
		name: 'Engine harness workflow',
		nodes,
		connections,
		active: false,
		nodeTypes,
		settings,
	});
	const workflowData: IWorkflowBase = {
		id: WORKFLOW_ID,
		name: 'Engine harness workflow',
		active: false,
		activeVersionId: null,
		isArchived: false,
		createdAt: new Date(),
		updatedAt: new Date(),
		nodes,
		connections,
		settings,
	};

	const logs: string[] = [];
	const stopCapturingLogs = capturingLogger.listen((line) => logs.push(line));

	// What n8n saves comes from this hook: on cancel it fires right away with status 'canceled',
	// and the engine's later result is not saved.
	const hooks = new ExecutionLifecycleHooks('manual', executionId, workflowData);
	let savedRun: { run: IRun; status: ExecutionStatus; error?: ExecutionError } | undefined;
	hooks.addHandler('workflowExecuteAfter', (run) => {
		savedRun = { run, status: run.status, error: run.data.resultData.error };
	});
	const additionalData = buildAdditionalData(
		executionId,
		hooks,
		credentialsHelper,
		spec.executionTimeoutMs,
	);

	const runExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: nodes[0], data: { main: [[{ json: {} }]] }, source: null }],
		},
	});
	const workflowExecute = new WorkflowExecute(additionalData, 'manual', runExecutionData);

	let cancelEngine: (() => void) | undefined;
	let cancelRequested = false;
	const cancel = () => {
		cancelRequested = true;
		cancelEngine?.();
	};

	const result = (async (): Promise<EngineRun> => {
		let executionTimeout: NodeJS.Timeout | undefined;
		let executionTimeoutFired = false;
		try {
			const binaryDataService = await useBinaryDataService(spec.binaryDataMode ?? 'filesystem');
			const started = startExecution(workflowExecute, workflow);
			if (started.workflowIssues) {
				// n8n refuses to start such a workflow and saves a failed execution with this error.
				return createEngineRun({
					executionId,
					...failedBeforeStart(runExecutionData, started.workflowIssues),
					timedOut: false,
					logs,
					binaryDataService,
				});
			}
			const { execution } = started;
			cancelEngine = () => execution.cancel();
			if (cancelRequested) cancelEngine();
			if (spec.executionTimeoutMs !== undefined) {
				// n8n's WorkflowRunner does the same: a timer that stops the execution.
				executionTimeout = setTimeout(() => {
					executionTimeoutFired = true;
					cancel();
				}, spec.executionTimeoutMs);
			}
			// Resolves only once the running node has returned, so nothing outlives the test.
			const engineRun = await execution;
			const { run, status, error } = savedRun ?? {
				run: engineRun,
				status: engineRun.status,
				error: engineRun.data.resultData.error,
			};
			return createEngineRun({
				executionId,
				run,
				status,
				error,
				// The engine only notices the timeout itself between nodes.
				timedOut: executionTimeoutFired || workflowExecute.timedOut,
				logs,
				binaryDataService,
			});
		} finally {
			clearTimeout(executionTimeout);
			stopCapturingLogs();
		}
	})();

	return { result, cancel };
}

function startExecution(workflowExecute: WorkflowExecute, workflow: Workflow) {
	let startError: unknown;
	try {
		return { execution: workflowExecute.processRunExecutionData(workflow) };
	} catch (error) {
		startError = error;
	}
	if (startError instanceof WorkflowHasIssuesError) return { workflowIssues: startError };
	throw startError;
}

function failedBeforeStart(runExecutionData: IRun['data'], error: WorkflowHasIssuesError) {
	const recordedError = { ...error, message: error.message, stack: error.stack } as ExecutionError;
	runExecutionData.resultData.error = recordedError;
	const run: IRun = {
		data: runExecutionData,
		mode: 'manual',
		startedAt: new Date(),
		stoppedAt: new Date(),
		storedAt: 'db',
		status: 'error',
		finished: false,
	};
	return { run, status: run.status, error: recordedError };
}

function createEngineRun(parts: {
	executionId: string;
	run: IRun;
	status: ExecutionStatus;
	error?: ExecutionError;
	timedOut: boolean;
	logs: string[];
	binaryDataService: BinaryDataService;
}): EngineRun {
	const { run, binaryDataService } = parts;
	const { runData } = run.data.resultData;

	const taskOf = (nodeName: string, runIndex: number) => {
		const task = runData[nodeName]?.[runIndex];
		if (!task) {
			const ran = Object.keys(runData).join(', ') || 'none';
			const why = parts.error ? ` The run failed: ${parts.error.message}` : '';
			throw new Error(
				`Node "${nodeName}" has no run ${runIndex} (status ${parts.status}; nodes that ran: ${ran}).${why}`,
			);
		}
		return task;
	};

	return {
		executionId: parts.executionId,
		status: parts.status,
		error: parts.error,
		timedOut: parts.timedOut,
		logs: parts.logs,
		runData,
		run,
		output(nodeName, outputIndex = 0, runIndex = 0) {
			return taskOf(nodeName, runIndex).data?.main?.[outputIndex] ?? [];
		},
		nodeError(nodeName, runIndex = 0) {
			return taskOf(nodeName, runIndex).error;
		},
		async readBinary(item, property = 'data') {
			const binaryData = item.binary?.[property];
			if (!binaryData) {
				const available = Object.keys(item.binary ?? {}).join(', ') || 'none';
				throw new Error(`Item has no binary property "${property}" (available: ${available})`);
			}
			return await binaryDataService.getAsBuffer(binaryData);
		},
	};
}
