import type { IExecuteFunctions } from 'n8n-workflow';

/**
 * As an AI agent's tool (n8n names the tool variant of a node `<name>Tool`), the answer carries the
 * video's URL, task id and facts but not the MP4: n8n's agent forwards a tool's binary to the
 * model (up to 50 MB) or drops it, and neither helps. The workflow can still ask for the file.
 */
export function withholdsVideoFile(ctx: IExecuteFunctions, itemIndex: number): boolean {
	if (!ctx.getNode().type.endsWith('Tool')) return false;
	return ctx.getNodeParameter('videoFileToAgent', itemIndex, false) !== true;
}
