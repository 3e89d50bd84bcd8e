/**
 * A Manual-Trigger-like start node (n8n-nodes-base is not installed). Like n8n's Manual Trigger
 * it runs through the engine's trigger path in 'manual' mode and emits from
 * manualTriggerFunction; it emits the test's input items, storing their binary data through
 * the real binary data service so downstream nodes read it exactly as in n8n.
 */
import type {
	IBinaryKeyData,
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	ITriggerFunctions,
	ITriggerResponse,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/** Binary data for an input item, given as bytes; stored like a file a user uploaded. */
export interface InputBinary {
	data: Buffer;
	mimeType: string;
	fileName?: string;
}

export interface InputItem {
	json?: IDataObject;
	binary?: Record<string, InputBinary>;
}

export const HARNESS_TRIGGER_NODE_NAME = 'Manual Trigger';
export const HARNESS_TRIGGER_NODE_TYPE = 'harness.manualTrigger';

const harnessManualTriggerDescription: INodeTypeDescription = {
	displayName: 'Harness Manual Trigger',
	name: 'manualTrigger',
	group: ['trigger'],
	version: 1,
	description: 'Emits the items a test passes as input',
	defaults: { name: HARNESS_TRIGGER_NODE_NAME },
	inputs: [],
	outputs: [NodeConnectionTypes.Main],
	properties: [],
};

/** Built per run, because the items it emits belong to that run. */
export function createHarnessManualTrigger(inputItems: InputItem[] | undefined): INodeType {
	const items = inputItems ?? [{ json: {} }];
	return {
		description: harnessManualTriggerDescription,
		async trigger(this: ITriggerFunctions): Promise<ITriggerResponse> {
			const manualTriggerFunction = async () => {
				const emitted: INodeExecutionData[] = [];
				for (const item of items) {
					const binary: IBinaryKeyData = {};
					for (const [property, file] of Object.entries(item.binary ?? {})) {
						binary[property] = await this.helpers.prepareBinaryData(
							file.data,
							file.fileName,
							file.mimeType,
						);
					}
					emitted.push({
						json: item.json ?? {},
						...(item.binary === undefined ? {} : { binary }),
					});
				}
				this.emit([emitted]);
			};
			return { manualTriggerFunction };
		},
	};
}
