/* eslint-disable @n8n/community-nodes/no-restricted-globals -- test tooling runs in plain Node, outside n8n's sandbox */
/* eslint-disable @typescript-eslint/no-explicit-any -- assertions read provider response bodies ad hoc */
import { Agent, request } from 'undici';
import { makeTestPng } from '../../../tools/simulators';
import type { ProviderId, Simulator } from '../../../tools/simulators';

const PNG_BASE64 = makeTestPng().toString('base64');

/** How a client talks to one provider, just enough to drive the simulator over real HTTP. */
export interface ProviderCalls {
	submitPath: string;
	submitBody(): Record<string, unknown>;
	statusPath(taskId: string): string;
	credentialPath: string;
	taskIdOf(json: any): string;
	statusOf(json: any): string;
	videoUrlOf(json: any): string | undefined;
	terminal: string[];
	succeeded: string;
	/** How the key is sent (default Bearer). */
	authScheme?: 'Bearer' | 'Key';
}

const novitaCalls: ProviderCalls = {
	submitPath: '/v3/async/kling-v2.1-i2v',
	submitBody: () => ({
		image: PNG_BASE64,
		prompt: 'a cat turns its head',
		mode: 'Standard',
		duration: '5',
		guidance_scale: 0.5,
	}),
	statusPath: (id) => `/v3/async/task-result?task_id=${encodeURIComponent(id)}`,
	credentialPath: '/openapi/v1/billing/balance/detail',
	taskIdOf: (json) => json.task_id,
	statusOf: (json) => json.task.status,
	videoUrlOf: (json) => json.videos?.[0]?.video_url,
	terminal: ['TASK_STATUS_SUCCEED', 'TASK_STATUS_FAILED', 'TASK_STATUS_CANCELED'],
	succeeded: 'TASK_STATUS_SUCCEED',
};

/** Per-provider request shapes and response readers. */
export const PROVIDER_CALLS: Record<ProviderId, ProviderCalls> = {
	novita: novitaCalls,
	myRouter: novitaCalls,
	highwayApi: novitaCalls,
	aimlApi: {
		submitPath: '/v2/video/generations',
		submitBody: () => ({
			model: 'kling-video/v2.1/standard/image-to-video',
			image_url: `data:image/png;base64,${PNG_BASE64}`,
			prompt: 'a cat turns its head',
			duration: 5,
			cfg_scale: 0.5,
		}),
		statusPath: (id) => `/v2/video/generations?generation_id=${encodeURIComponent(id)}`,
		credentialPath: '/v2/billing',
		taskIdOf: (json) => json.id,
		statusOf: (json) => json.status,
		videoUrlOf: (json) => json.video?.url,
		terminal: ['completed', 'error'],
		succeeded: 'completed',
	},
	gmiCloud: {
		submitPath: '/api/v1/ie/requestqueue/apikey/requests',
		submitBody: () => ({
			model: 'Kling-Image2Video-V2.1-Standard',
			payload: { image: PNG_BASE64, prompt: 'a cat turns its head', duration: '5', cfg_scale: 0.5 },
		}),
		statusPath: (id) => `/api/v1/ie/requestqueue/apikey/requests/${encodeURIComponent(id)}`,
		credentialPath: '/api/v1/ie/requestqueue/apikey/models',
		taskIdOf: (json) => json.request_id,
		statusOf: (json) => json.status,
		videoUrlOf: (json) => json.outcome?.video_url ?? json.outcome?.media_urls?.[0]?.url,
		terminal: ['success', 'failed', 'cancelled'],
		succeeded: 'success',
	},
	kling: {
		submitPath: '/v1/videos/image2video',
		submitBody: () => ({
			model_name: 'kling-v2-1',
			mode: 'std',
			image: PNG_BASE64,
			prompt: 'a cat turns its head',
			duration: '5',
		}),
		statusPath: (id) => `/v1/videos/image2video/${encodeURIComponent(id)}`,
		credentialPath: '/v1/videos/image2video?pageNum=1&pageSize=1',
		taskIdOf: (json) => json.data.task_id,
		statusOf: (json) => json.data.task_status,
		videoUrlOf: (json) => json.data.task_result?.videos?.[0]?.url,
		terminal: ['succeed', 'failed'],
		succeeded: 'succeed',
	},
	fal: {
		submitPath: '/fal-ai/kling-video/v2.1/standard/image-to-video',
		submitBody: () => ({
			image_url: `data:image/png;base64,${PNG_BASE64}`,
			prompt: 'a cat turns its head',
			duration: '5',
			cfg_scale: 0.5,
		}),
		statusPath: (id) => `/fal-ai/kling-video/requests/${encodeURIComponent(id)}/status`,
		credentialPath:
			'/v1/models/pricing?endpoint_id=fal-ai/kling-video/v2.1/standard/image-to-video',
		taskIdOf: (json) => json.request_id,
		statusOf: (json) => json.status,
		// The status says only COMPLETED; the video is in the result.
		videoUrlOf: (json) => json.video?.url,
		terminal: ['COMPLETED'],
		succeeded: 'COMPLETED',
		authScheme: 'Key',
	},
};

export interface HttpResult {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	json: any;
}

/** A real HTTP client (undici, own connection pool) bound to one simulator. */
export class SimulatorClient {
	readonly agent = new Agent({ keepAliveTimeout: 500 });
	readonly calls: ProviderCalls;

	constructor(readonly sim: Simulator) {
		this.calls = PROVIDER_CALLS[sim.provider];
	}

	async call(
		method: 'GET' | 'POST',
		urlOrPath: string,
		options: {
			body?: unknown;
			key?: string | null;
			headers?: Record<string, string>;
			signal?: AbortSignal;
		} = {},
	): Promise<HttpResult> {
		const url = urlOrPath.startsWith('http') ? urlOrPath : `${this.sim.baseUrl}${urlOrPath}`;
		const headers: Record<string, string> = { ...options.headers };
		const key = options.key === undefined ? this.sim.apiKey : options.key;
		if (key !== null) headers.authorization = `${this.calls.authScheme ?? 'Bearer'} ${key}`;
		if (options.body !== undefined) headers['content-type'] = 'application/json';
		const response = await request(url, {
			method,
			headers,
			body: options.body === undefined ? undefined : JSON.stringify(options.body),
			dispatcher: this.agent,
			signal: options.signal,
		});
		const text = await response.body.text();
		let json: unknown;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: response.statusCode, headers: response.headers, text, json };
	}

	async submit(body: unknown = this.calls.submitBody()): Promise<string> {
		const result = await this.call('POST', this.calls.submitPath, { body });
		if (result.status !== 200) throw new Error(`submit answered ${result.status}: ${result.text}`);
		return this.calls.taskIdOf(result.json);
	}

	status(taskId: string): Promise<HttpResult> {
		return this.call('GET', this.calls.statusPath(taskId));
	}

	/** Polls every intervalMs until a terminal status; returns the last status JSON. */
	async waitForTerminal(taskId: string, intervalMs = 10, timeoutMs = 3000): Promise<any> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			const result = await this.status(taskId);
			if (result.status === 200 && this.calls.terminal.includes(this.calls.statusOf(result.json)))
				return result.json;
			await new Promise((resolve) => setTimeout(resolve, intervalMs));
		}
		throw new Error(`task ${taskId} did not finish in ${timeoutMs} ms`);
	}

	/** Downloads without any Authorization header, as the node must. */
	async download(
		url: string,
		headers: Record<string, string> = {},
	): Promise<{ status: number; headers: HttpResult['headers']; bytes: Buffer }> {
		const response = await request(url, { method: 'GET', headers, dispatcher: this.agent });
		const bytes = Buffer.from(await response.body.arrayBuffer());
		return { status: response.statusCode, headers: response.headers, bytes };
	}

	close(): Promise<void> {
		return this.agent.close();
	}
}

/** Waits for a short real-time interval. */
export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
