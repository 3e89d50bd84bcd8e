import type { INodeProperties } from 'n8n-workflow';

/** In the Options of Submit Task and Generate Video, at every provider and model. */
export const CALLBACK_URL: INodeProperties = {
	displayName: 'Callback URL',
	name: 'callbackUrl',
	type: 'string',
	default: '',
	placeholder: '{{ $execution.resumeUrl }}',
	description:
		'An address the provider calls when the task changes, so that a Wait node set to "On Webhook Call" resumes at once: {{ $execution.resumeUrl }}. Sent to the official Kling API (called on every status change), fal.ai and Novita AI (called when the task ends). MyRouter, HighwayAPI, AI/ML API and GMI Cloud document no callback: nothing is sent there, and the Wait node resumes at its time limit instead. The call only wakes the workflow: the task is always checked with the provider.',
};
