import { NodeApiError, NodeOperationError, type INode, type JsonObject } from 'n8n-workflow';

import type { WatchedTask } from './poller';

/** The errors of waiting, for the user: what was last seen of the task, and how to pick it up. */

function lastSeen(task: WatchedTask): string {
	const last = task.timeline.last?.snapshot;
	const seen = last
		? `The last status was "${last.status}"${last.progress !== undefined ? ` at ${last.progress}%` : ''}.`
		: 'No status answer was received.';
	const problem = task.lastProblem ? ` The last status request failed: ${task.lastProblem}.` : '';
	return seen + problem;
}

/** Every attempt of one status request failed. */
export function statusUnavailableError(
	node: INode,
	providerName: string,
	task: WatchedTask,
	attempts: number,
): NodeApiError {
	return new NodeApiError(node, { message: task.lastProblem ?? '' } as JsonObject, {
		message: `Could not get the status of task ${task.taskId} from ${providerName}: ${task.lastProblem}`,
		description: `${attempts} attempts failed. The task itself is not affected and may still be running; try again later.`,
		itemIndex: task.itemIndex,
	});
}

/** A task still running when a run that holds at most `holdSeconds` gives it up. */
export function stillRunningError(
	node: INode,
	providerName: string,
	task: WatchedTask,
	holdSeconds: number,
): NodeOperationError {
	return new NodeOperationError(
		node,
		`Task ${task.taskId} was still running when the hold of ${holdSeconds} s ended [item ${task.itemIndex}]`,
		{
			itemIndex: task.itemIndex,
			description: `It keeps running at ${providerName}. ${lastSeen(task)} Pick it up later with the "Wait for Completion" operation and task id ${task.taskId}, raise "Hold At Most (Seconds)", or choose "Pass It On Unfinished" under Wait Options to send it round a Wait node.`,
		},
	);
}

export function timeoutError(
	node: INode,
	providerName: string,
	task: WatchedTask,
	timeoutMs: number,
): NodeOperationError {
	const seconds = Math.round(timeoutMs / 1000);
	const counted =
		task.timeoutFrom === undefined
			? ''
			: ` The timeout counts from ${new Date(task.timeoutFrom).toISOString()}, across every round of the loop.`;
	return new NodeOperationError(
		node,
		`Task ${task.taskId} did not finish within ${seconds} s [item ${task.itemIndex}]`,
		{
			itemIndex: task.itemIndex,
			description: `It may still be running at ${providerName}. ${lastSeen(task)}${counted} Pick it up later with the "Wait for Completion" operation and task id ${task.taskId}, or raise "Timeout (Seconds)" under Wait Options.`,
		},
	);
}
