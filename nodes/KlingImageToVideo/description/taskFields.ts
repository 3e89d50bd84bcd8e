import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

const fields: INodeProperties[] = [
	{
		displayName: 'Task ID',
		name: 'taskId',
		type: 'string',
		default: '={{ $json.taskId }}',
		required: true,
		description:
			'The task to check, as returned by Submit Task (the default reads it from the input item)',
	},
];

export const taskFields = updateDisplayOptions(
	{ show: { operation: ['waitForCompletion', 'getStatus'] } },
	fields,
);
