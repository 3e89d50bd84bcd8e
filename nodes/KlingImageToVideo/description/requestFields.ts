import type { INodeProperties } from 'n8n-workflow';

export const requestFields: INodeProperties[] = [
	{
		displayName: 'Request Options',
		name: 'requestOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Request Timeout (Seconds)',
				name: 'requestTimeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 60,
				description:
					'How long one HTTP request may go without an answer. A status check that times out is retried; a submission that times out is not (it may have created a task).',
			},
		],
	},
];
