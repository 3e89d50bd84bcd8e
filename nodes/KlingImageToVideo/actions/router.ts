import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { isProviderId, PROVIDERS } from '../providers';
import { generate } from './generate.operation';
import { getBalance } from './getBalance.operation';
import { getStatus } from './getStatus.operation';
import { OperationContext } from './operationContext';
import { submit } from './submit.operation';
import { waitForCompletion } from './waitForCompletion.operation';

export const OPERATIONS = { generate, submit, waitForCompletion, getStatus, getBalance } as const;

export type Operation = keyof typeof OPERATIONS;

/** Runs the chosen operation over all input items and returns one output item per input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const operation = this.getNodeParameter('operation', 0) as string;
	const providerId = this.getNodeParameter('provider', 0);
	if (!Object.prototype.hasOwnProperty.call(OPERATIONS, operation)) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
	}
	if (!isProviderId(providerId)) {
		throw new NodeOperationError(
			this.getNode(),
			`The provider "${String(providerId)}" is not supported`,
		);
	}

	const ctx = await OperationContext.create(this, PROVIDERS[providerId]);
	const itemIndexes = this.getInputData().map((_, itemIndex) => itemIndex);
	await OPERATIONS[operation as Operation](ctx, itemIndexes);
	return [ctx.run.outputItems()];
}
