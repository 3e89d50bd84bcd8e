import type { IExecuteFunctions } from 'n8n-workflow';

import type { ApiCall, GenerationRequest, KlingModel, ProviderAdapter } from '../providers';
import { ProviderHttp, type ClientOptions } from './http';
import { TransportMessages } from './messages';
import { StatusRouting, type StatusAnswer } from './statusRouting';
import { Submission } from './submission';
import { DEFAULT_TIMINGS } from './timings';

export type { ClientOptions } from './http';
export type { StatusAnswer } from './statusRouting';

/**
 * The one door to a provider's API for the operations: submissions (submission.ts, its rules in
 * submitDecision.ts), status requests (statusRouting.ts), over one HTTP layer (http.ts) whose
 * errors for the user are all worded in messages.ts.
 */
export class ProviderClient {
	private constructor(
		private readonly http: ProviderHttp,
		private readonly submission: Submission,
		private readonly status: StatusRouting,
		private readonly messages: TransportMessages,
	) {}

	static async connect(
		ctx: IExecuteFunctions,
		provider: ProviderAdapter,
		options: ClientOptions,
	): Promise<ProviderClient> {
		const http = await ProviderHttp.connect(ctx, provider, options);
		const timings = { ...DEFAULT_TIMINGS, ...options.timings };
		const messages = new TransportMessages(http, timings.capacityPatienceMs);
		return new ProviderClient(
			http,
			new Submission(http, messages, timings),
			new StatusRouting(http, messages),
			messages,
		);
	}

	get provider(): ProviderAdapter {
		return this.http.provider;
	}

	/** Removes the credential's secrets from any text that could reach the user, in case a provider echoes them. */
	redact(text: string): string {
		return this.http.redact(text);
	}

	throwIfCancelled(): void {
		this.http.throwIfCancelled();
	}

	/**
	 * Starts one task. A request that may have reached the provider is never sent again blindly: a
	 * second attempt could buy a second video.
	 */
	submit(request: GenerationRequest, itemIndex: number): Promise<string> {
		return this.submission.submit(request, itemIndex);
	}

	fetchStatus(taskId: string, itemIndex: number, model?: KlingModel): Promise<StatusAnswer> {
		return this.status.fetchStatus(taskId, itemIndex, model);
	}

	/** One free account request (the balance): its JSON answer, or an error for the user. */
	async fetchAccount(call: ApiCall, itemIndex: number): Promise<unknown> {
		const result = await this.http.send(call);
		if (result.kind === 'network') throw this.messages.unreachable(itemIndex, result.failure);
		const answer = this.http.read(result, 'balance');
		if (!answer.error && answer.text === undefined) return answer.json;
		if (!answer.error) answer.error = {};
		throw this.messages.refusal(answer, itemIndex, { action: 'balance' });
	}
}
