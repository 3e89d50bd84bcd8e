import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { callbackTagsIn } from '../providers/callbacks';

/**
 * Wait for Completion's "Woken By": the call that woke the Wait node before it (its query carries
 * the tag Submit Task appended to the Callback URL). Undefined when the option is not set: the
 * round then asks about every task, as the durable loop does. Set but naming no known tag (the
 * Wait node's time limit ran out, or a forged call), the round asks only what is due.
 */
export function readWokenBy(ctx: IExecuteFunctions): Set<string> | undefined {
	const options = ctx.getNode().parameters.waitOptions as IDataObject | undefined;
	if (!options || options.wokenBy === undefined) return undefined;
	try {
		return new Set(callbackTagsIn(ctx.getNodeParameter('waitOptions.wokenBy', 0, '')));
	} catch (error) {
		// An expression that cannot be read (a renamed node) must not lose the loop's tasks: the
		// round then goes by the schedule alone.
		ctx.logger.debug(`"Woken By" could not be read; going by the schedule alone: ${String(error)}`);
		return new Set();
	}
}
