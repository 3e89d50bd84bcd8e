import { updateDisplayOptions, type INodeProperties } from 'n8n-workflow';

const videoFields: INodeProperties[] = [
	{
		displayName: 'Download Video',
		name: 'downloadVideo',
		type: 'boolean',
		default: true,
		description:
			'Whether to store the video as binary data for the next nodes. Off: only its URL is returned (it expires after a while).',
	},
	{
		displayName: 'Put Output in Field',
		name: 'outputBinaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the output binary field for the video',
		displayOptions: { show: { downloadVideo: [true] } },
	},
	{
		displayName: 'Give the Agent the Video File',
		name: 'videoFileToAgent',
		type: 'boolean',
		default: false,
		description:
			"Whether the agent's answer carries the MP4 as binary. Off: it gets videoUrl, taskId and the video's facts (size, length), which is what a model can use.",
		displayOptions: { show: { '@tool': [true], downloadVideo: [true] } },
	},
];

const waitingOptions: INodeProperties[] = [
	{
		displayName: 'Poll Interval (Seconds)',
		name: 'pollIntervalSeconds',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 0,
		description:
			"The shortest time between two status checks of one task. 0 lets the node decide: it follows the provider's estimate and checks densely only when the video is about to be ready.",
	},
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeoutSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 900,
		description:
			'How long to wait for each task before giving up. The task keeps running at the provider; pick it up later with Wait for Completion.',
	},
];

const holdOptions: INodeProperties[] = [
	{
		displayName: 'Hold At Most (Seconds)',
		name: 'holdAtMostSeconds',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 60,
		description:
			"The longest this run waits, for all its items together. Tasks still running then are handled as chosen under 'Tasks Still Running After the Hold'. About 60 suits a loop through n8n's Wait node, which can keep the execution in the database between rounds.",
	},
	{
		displayName: 'Tasks Still Running After the Hold',
		name: 'stillRunningAfterHold',
		type: 'options',
		options: [
			{
				name: 'Fail the Item',
				value: 'fail',
				description: 'The item fails, naming its task ID',
			},
			{
				name: 'Pass It On Unfinished',
				value: 'passOn',
				description:
					'The item goes on with done false and checkAfterSeconds, for an IF node to send back through a Wait node',
			},
		],
		default: 'fail',
		description:
			"What happens to an item whose task is still running when 'Hold At Most' runs out. With Pass It On, the Timeout counts from the task's submission, across every round.",
	},
	{
		displayName: 'Woken By',
		name: 'wokenBy',
		type: 'string',
		default: '',
		placeholder: "{{ $('Wait for a Callback').first().json.query }}",
		description:
			"For a push loop (Submit Task's Callback URL set, a Wait node 'On Webhook Call' before this node): the query of the call that woke the Wait node. Submit Task tags its Callback URL per item, so a round asks only about the task the call names and the tasks due by their own schedule, and passes the rest on at once. The call is only a hint: the task is always asked about. Without 'Calls Come Through a Relay' this is done only where the provider reports an eta (Novita AI); elsewhere every round asks about every task. Leave it out to ask about every task each round.",
	},
	{
		displayName: 'Calls Come Through a Relay',
		name: 'callbacksRelayed',
		type: 'boolean',
		default: false,
		description:
			"Whether Submit Task's Callback URL is a relay: a Webhook node that answers the provider at once and forwards each call to the resume URL, sending it again every second while n8n refuses it because a round is running, as in the example workflow durable-loop-push-relay. Then 'Woken By' narrows each round at every route, fal.ai and the official Kling API included. Without a relay a refused call waits for the provider's own resend, so there every round asks about every task.",
	},
];

/**
 * "Wait Options", once per operation that waits: n8n 1.x cannot resolve a collection whose options
 * carry displayOptions, so Wait for Completion's extra options live in a collection of its own
 * (same name, so saved workflows keep their values).
 */
function waitOptions(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Wait Options',
		name: 'waitOptions',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options,
	};
}

export const outputFields: INodeProperties[] = [
	...updateDisplayOptions({ show: { operation: ['generate', 'waitForCompletion'] } }, videoFields),
	...updateDisplayOptions({ show: { operation: ['generate'] } }, [waitOptions(waitingOptions)]),
	...updateDisplayOptions({ show: { operation: ['waitForCompletion'] } }, [
		waitOptions([...waitingOptions, ...holdOptions]),
	]),
];
