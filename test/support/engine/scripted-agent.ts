/**
 * An AI agent without a model, for running a node as an agent's tool inside the real engine:
 * n8n's own tool variant of the node (what n8n builds for `usableAsTool` nodes), called the way
 * n8n 2.x's Tools Agent calls tools: it returns an engine request, n8n-core's WorkflowExecute
 * runs the tool node, then runs the agent again with the tool's result.
 */
import type {
	EngineRequest,
	EngineResponse,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * The node as n8n offers it to agents (packages/cli tool-generation `convertNodeToAiTool`): the
 * same node type, named `<name>Tool`, with no main input and one `ai_tool` output.
 */
export function toolVariantOf(nodeType: INodeType): INodeType {
	const { description } = nodeType;
	return Object.create(nodeType, {
		description: {
			value: {
				...description,
				name: `${description.name}Tool`,
				displayName: `${description.displayName} Tool`,
				inputs: [],
				outputs: [NodeConnectionTypes.AiTool],
				usableAsTool: undefined,
			},
		},
	}) as INodeType;
}

/** One tool call the agent makes: the tool node's name and the arguments the model would fill. */
export interface ScriptedToolCall {
	toolNode: string;
	input: IDataObject;
}

/** What the agent outputs once the tools answered: each call's result as the engine handed it back. */
export interface ToolCallResult extends IDataObject {
	toolCallId: string;
	/** The json of each item the tool returned. */
	answer: IDataObject[];
	error?: string;
}

/**
 * How the agent reaches its tools: n8n 2.x's Tools Agent asks the engine to run them
 * ('engineRequest'); older agents (n8n 1.x) call them as LangChain tools that n8n-core builds from
 * the node ('langchainTool', through getInputConnectionData), whose arguments come from $fromAI().
 */
export type ToolCallPath = 'engineRequest' | 'langchainTool';

/** An agent that makes the given tool calls at once, then outputs their results. */
export function scriptedAgent(
	calls: ScriptedToolCall[],
	path: ToolCallPath = 'engineRequest',
): INodeType {
	return {
		description: {
			displayName: 'Scripted Agent',
			name: 'scriptedAgent',
			group: ['transform'],
			version: 1,
			description: 'Calls tools as a Tools Agent would, without a model',
			defaults: { name: 'Agent' },
			inputs: [
				NodeConnectionTypes.Main,
				{ type: NodeConnectionTypes.AiTool, displayName: 'Tools', required: true },
			],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(
			this: IExecuteFunctions,
			response?: EngineResponse,
		): Promise<INodeExecutionData[][] | EngineRequest> {
			if (path === 'langchainTool') return [[{ json: { results: await callTools(this, calls) } }]];
			if (!response?.actionResponses.length) {
				return {
					actions: calls.map((call, index) => ({
						actionType: 'ExecutionNodeAction' as const,
						nodeName: call.toolNode,
						input: call.input,
						type: NodeConnectionTypes.AiTool,
						id: `call-${index}`,
						metadata: { itemIndex: 0 },
					})),
					metadata: {},
				};
			}
			const results: ToolCallResult[] = response.actionResponses.map(({ action, data }) => {
				const items = data.data?.[NodeConnectionTypes.AiTool]?.[0] ?? data.data?.main?.[0] ?? [];
				return {
					toolCallId: action.id,
					answer: items.map((item) => item.json),
					...(data.error && { error: data.error.message }),
				};
			});
			return [[{ json: { results } }]];
		},
	};
}

interface LangchainTool {
	name: string;
	metadata?: { sourceNodeName?: string };
	invoke(input: IDataObject): Promise<string>;
}

/** The 1.x way: the tools as LangChain tools; each answers with its items' json, as a string. */
async function callTools(
	ctx: IExecuteFunctions,
	calls: ScriptedToolCall[],
): Promise<ToolCallResult[]> {
	const connected = (await ctx.getInputConnectionData(NodeConnectionTypes.AiTool, 0)) as
		LangchainTool | LangchainTool[];
	const tools = Array.isArray(connected) ? connected : [connected];
	return await Promise.all(
		calls.map(async (call, index) => {
			const tool = tools.find((candidate) => candidate.metadata?.sourceNodeName === call.toolNode);
			if (!tool) throw new Error(`no tool for node ${call.toolNode}`);
			try {
				const answer = JSON.parse(await tool.invoke(call.input)) as IDataObject[];
				return { toolCallId: `call-${index}`, answer };
			} catch (error) {
				return { toolCallId: `call-${index}`, answer: [], error: (error as Error).message };
			}
		}),
	);
}
