import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

/** A refusal of one item's input, raised before anything is sent, so a bad item never costs a video. */
export function invalidInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	// ItemRun adds the "[item N]" every item error carries.
	return new NodeOperationError(ctx.getNode(), message, { itemIndex, description });
}
