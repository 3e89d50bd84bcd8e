import {
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
	type INodeExecutionData,
	type NodeApiError,
} from 'n8n-workflow';

import type { ProviderId } from '../providers';
import { CancelledError, eitherSignal } from '../transport/cancellation';

/**
 * One execution of the node over its input items: every item ends as exactly one output item,
 * paired to its input. With "Continue On Fail" a failed item carries its error; without it, the
 * first failure stops the other items' work (nothing keeps running after the node returns) and is
 * raised, naming the tasks already started so that none of them is lost.
 */

type NodeError = NodeApiError | NodeOperationError;

export class ItemRun {
	private readonly outputs: Array<INodeExecutionData | undefined>;
	private readonly stopOthers = new AbortController();
	private readonly startedTasks = new Map<number, string>();
	private firstFatalError?: NodeError;
	readonly signal: AbortSignal;
	readonly continueOnFail: boolean;

	constructor(
		readonly ctx: IExecuteFunctions,
		readonly provider: ProviderId,
		readonly itemCount: number,
	) {
		this.outputs = new Array(itemCount).fill(undefined);
		this.continueOnFail = ctx.continueOnFail();
		const cancel = ctx.getExecutionCancelSignal?.();
		this.signal = cancel ? eitherSignal(cancel, this.stopOthers.signal) : this.stopOthers.signal;
	}

	get executionCancelled(): boolean {
		return this.signal.aborted && !this.stopOthers.signal.aborted;
	}

	noteTaskStarted(itemIndex: number, taskId: string): void {
		this.startedTasks.set(itemIndex, taskId);
	}

	succeed(itemIndex: number, json: IDataObject, binary?: Record<string, IBinaryData>): void {
		this.outputs[itemIndex] = { json, ...(binary && { binary }), pairedItem: { item: itemIndex } };
	}

	/**
	 * Checks every item, one after the other, before any request is sent: without "Continue On
	 * Fail" the first bad item stops the run while nothing has been paid for yet.
	 */
	async checkEach<T>(
		itemIndexes: number[],
		check: (itemIndex: number) => Promise<T> | T,
	): Promise<Map<number, T>> {
		const checked = new Map<number, T>();
		for (const itemIndex of itemIndexes) {
			try {
				checked.set(itemIndex, await check(itemIndex));
			} catch (error) {
				if (!this.continueOnFail) throw asNodeError(this.ctx, error, itemIndex);
				this.recordFailure(itemIndex, error);
			}
		}
		return checked;
	}

	/**
	 * Runs `work` for each item at once. An item whose work throws becomes an error item, or, without
	 * "Continue On Fail", stops the rest; the first such error is raised once everything has stopped.
	 */
	async forEachItem(
		itemIndexes: number[],
		work: (itemIndex: number) => Promise<void>,
	): Promise<void> {
		await Promise.all(
			itemIndexes.map(async (itemIndex) => {
				try {
					await work(itemIndex);
				} catch (error) {
					this.recordFailure(itemIndex, error);
				}
			}),
		);
		if (this.executionCancelled)
			throw new NodeOperationError(this.ctx.getNode(), 'The execution was stopped');
		if (this.firstFatalError) throw this.withStartedTasks(this.firstFatalError);
	}

	outputItems(): INodeExecutionData[] {
		return this.outputs.filter((output): output is INodeExecutionData => output !== undefined);
	}

	private recordFailure(itemIndex: number, error: unknown): void {
		// Work cut short because another item failed, or because the execution was stopped.
		if (error instanceof CancelledError || this.signal.aborted) return;
		const nodeError = asNodeError(this.ctx, error, itemIndex);
		if (this.continueOnFail) {
			this.outputs[itemIndex] = {
				json: this.errorJson(itemIndex, nodeError),
				pairedItem: { item: itemIndex },
			};
			return;
		}
		this.firstFatalError ??= nodeError;
		this.stopOthers.abort();
	}

	/**
	 * A failed item's json. On the regular output it says what failed and which task it concerns.
	 * n8n routes an item to the error output only when its json holds nothing but error, message
	 * and details (and an item carrying an error object loses the rest of its json), so there the
	 * same facts go under `details`.
	 */
	private errorJson(itemIndex: number, error: NodeError): IDataObject {
		const taskId = this.startedTasks.get(itemIndex) ?? (error.context.taskId as string | undefined);
		const status =
			typeof error.context.taskStatus === 'string' ? error.context.taskStatus : undefined;
		const facts: IDataObject = {
			...(error.description && { errorDescription: error.description }),
			provider: this.provider,
			...(taskId && { taskId }),
			...(status && { status }),
		};
		if (this.ctx.getNode().onError === 'continueErrorOutput') {
			const { errorDescription, ...details } = facts;
			return {
				error: error.message,
				...(errorDescription !== undefined && { message: errorDescription }),
				details,
			};
		}
		return { error: error.message, ...facts };
	}

	/** Names every task that the stop leaves behind at the provider, so that none is lost. */
	private withStartedTasks(error: NodeError): NodeError {
		const failedItem = error.context.itemIndex as number;
		const notes: string[] = [];
		const ownTask = this.startedTasks.get(failedItem);
		if (ownTask && !error.message.includes(ownTask)) {
			notes.push(`This item's task, ${ownTask}, exists at the provider and may still be running.`);
		}
		const others = [...this.startedTasks].filter(
			([itemIndex]) => itemIndex !== failedItem && this.outputs[itemIndex] === undefined,
		);
		if (others.length > 0) {
			const list = others.map(([itemIndex, taskId]) => `item ${itemIndex}: ${taskId}`).join(', ');
			notes.push(
				`Tasks already started for other items keep running at the provider and may be charged; pick them up with "Wait for Completion": ${list}.`,
			);
		}
		if (notes.length > 0)
			error.description = [error.description, ...notes].filter(Boolean).join(' ');
		return error;
	}
}

/** Every item-level error says which item it is about, in n8n's own "[item N]" form. */
function asNodeError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeError {
	const nodeError = isNodeError(error)
		? error
		: new NodeOperationError(
				ctx.getNode(),
				error instanceof Error ? error.message : String(error),
				{ itemIndex },
			);
	nodeError.context.itemIndex ??= itemIndex;
	const suffix = ` [item ${nodeError.context.itemIndex as number}]`;
	if (!nodeError.message.endsWith(suffix)) nodeError.message += suffix;
	return nodeError;
}

/** By name, not instanceof: the host may load its own copy of n8n-workflow. */
function isNodeError(error: unknown): error is NodeError {
	return (
		error instanceof Error && (error.name === 'NodeApiError' || error.name === 'NodeOperationError')
	);
}
