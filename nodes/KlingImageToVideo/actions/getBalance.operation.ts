import { NodeOperationError } from 'n8n-workflow';

import type { OperationContext } from './operationContext';

/**
 * Reads the account's balance once per item, through the provider's documented free request:
 * `{ provider, balance, unit, currency? }`, for an IF before a scheduled batch. Costs nothing.
 */
export async function getBalance(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const { run, provider } = ctx;
	await run.forEachItem(itemIndexes, async (itemIndex) => {
		if (!provider.balance) {
			throw new NodeOperationError(
				run.ctx.getNode(),
				`${provider.displayName} documents no balance request, so "Get Balance" cannot read it`,
				{
					itemIndex,
					description: `See the balance at ${provider.billingPageUrl}. Get Balance works with Novita AI, AI/ML API and Kling AI.`,
				},
			);
		}
		const answer = await ctx.client.fetchAccount(provider.balance.build(Date.now()), itemIndex);
		let balance;
		try {
			balance = provider.balance.parse(answer);
		} catch (error) {
			throw new NodeOperationError(
				run.ctx.getNode(),
				`${provider.displayName}'s balance answer was not understood: ${(error as Error).message}`,
				{ itemIndex, description: `See the balance at ${provider.billingPageUrl}.` },
			);
		}
		run.succeed(itemIndex, {
			provider: provider.id,
			balance: balance.balance,
			unit: balance.unit,
			...(balance.currency && { currency: balance.currency }),
		});
	});
}
