import type { IExecuteFunctions } from 'n8n-workflow';

import { invalidInput } from '../shared/itemError';
import type { ProviderAdapter } from '../providers';
import { ConcurrencyLimit } from '../transport/concurrencyLimit';
import { ProviderClient } from '../transport/providerClient';
import { TaskPoller } from '../waiting/poller';
import { RequestBudget } from '../waiting/requestBudget';
import { ItemRun } from './itemRun';

/** What every operation works with during one run of the node. */

/** Submissions in flight at once: bounded, so 100 items do not hit the provider in one burst. */
const SUBMISSIONS_IN_FLIGHT = 4;
/** Video downloads at once: bounded for memory and bandwidth; each one is streamed. */
const DOWNLOADS_IN_FLIGHT = 3;

const DEFAULT_TIMEOUT_SECONDS = 900;
const DEFAULT_REQUEST_TIMEOUT_SECONDS = 60;

export class OperationContext {
	readonly submissions = new ConcurrencyLimit(SUBMISSIONS_IN_FLIGHT);
	readonly downloads = new ConcurrencyLimit(DOWNLOADS_IN_FLIGHT);

	private constructor(
		readonly run: ItemRun,
		readonly provider: ProviderAdapter,
		readonly client: ProviderClient,
		readonly requestTimeoutMs: number,
		/** One budget per run: a slow-down asked of a submission pauses the status requests too. */
		private readonly budget: RequestBudget,
	) {}

	static async create(
		ctx: IExecuteFunctions,
		provider: ProviderAdapter,
	): Promise<OperationContext> {
		const run = new ItemRun(ctx, provider.id, ctx.getInputData().length);
		const requestTimeoutSeconds = positiveNumber(
			ctx.getNodeParameter(
				'requestOptions.requestTimeoutSeconds',
				0,
				DEFAULT_REQUEST_TIMEOUT_SECONDS,
			),
			DEFAULT_REQUEST_TIMEOUT_SECONDS,
		);
		const budget = new RequestBudget();
		const client = await ProviderClient.connect(ctx, provider, {
			requestTimeoutMs: requestTimeoutSeconds * 1000,
			signal: run.signal,
			onThrottled: (retryAfterMs) => budget.throttled(retryAfterMs),
		});
		return new OperationContext(run, provider, client, requestTimeoutSeconds * 1000, budget);
	}

	get ctx(): IExecuteFunctions {
		return this.run.ctx;
	}

	/** One poller per run, so every waited task shares its request budget and what it learns. */
	createPoller(): TaskPoller {
		const timeoutSeconds = positiveNumber(
			this.ctx.getNodeParameter('waitOptions.timeoutSeconds', 0, DEFAULT_TIMEOUT_SECONDS),
			DEFAULT_TIMEOUT_SECONDS,
		);
		const pollIntervalSeconds = positiveNumber(
			this.ctx.getNodeParameter('waitOptions.pollIntervalSeconds', 0, 0),
			0,
		);
		return new TaskPoller(
			this.ctx,
			this.client,
			{
				timeoutMs: timeoutSeconds * 1000,
				minGapMs: pollIntervalSeconds * 1000,
				signal: this.run.signal,
			},
			this.budget,
		);
	}

	downloadVideo(itemIndex: number): boolean {
		return this.ctx.getNodeParameter('downloadVideo', itemIndex, true) !== false;
	}

	outputBinaryPropertyName(itemIndex: number): string {
		const name = this.ctx.getNodeParameter('outputBinaryPropertyName', itemIndex, 'data');
		if (typeof name !== 'string' || name.trim() === '') {
			throw invalidInput(
				this.ctx,
				itemIndex,
				'"Put Output in Field" must name a binary field, for example "data"',
			);
		}
		return name.trim();
	}
}

function positiveNumber(value: unknown, fallback: number): number {
	const number = typeof value === 'string' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : fallback;
}
