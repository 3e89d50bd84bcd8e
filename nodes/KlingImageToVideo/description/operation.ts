import type { INodeProperties } from 'n8n-workflow';

export const operationProperty: INodeProperties = {
	displayName: 'Operation',
	name: 'operation',
	type: 'options',
	noDataExpression: true,
	options: [
		{
			name: 'Generate Video',
			value: 'generate',
			action: 'Generate a video from an image',
			description:
				'Start a task and wait for its video, in one step (paid: Get Balance and Get Status are the free calls)',
		},
		{
			name: 'Get Balance',
			value: 'getBalance',
			action: 'Get the account balance free of charge',
			description:
				"Free: read the provider account's remaining credit, for example before a scheduled batch",
		},
		{
			name: 'Get Status',
			value: 'getStatus',
			action: 'Get the status of a task',
			description: 'Ask once how a task is doing, without waiting (free)',
		},
		{
			name: 'Submit Task',
			value: 'submit',
			action: 'Submit a video task',
			description: 'Start a task and return its ID at once',
		},
		{
			name: 'Wait for Completion',
			value: 'waitForCompletion',
			action: 'Wait for a task to complete',
			description: 'Wait until submitted tasks finish and return their videos',
		},
	],
	default: 'generate',
};
