import { NodeOperationError } from 'n8n-workflow';

import type { AccountBalance } from '../providers';
import type { OperationContext } from './operationContext';

/**
 * Reads the account's balance through the provider's documented free request, once per run (a node
 * has one account; Kling answers at most one such request a second), and gives every item
 * `{ provider, balance, unit, currency? }`, for an IF before a scheduled batch. Costs nothing.
 */
export async function getBalance(ctx: OperationContext, itemIndexes: number[]): Promise<void> {
	const { run, provider } = ctx;
	const node = run.ctx.getNode();
	const firstItem = itemIndexes[0] ?? 0;
	let outcome: { balance: AccountBalance } | { error: Error; message: string; description: string };
	try {
		if (!provider.balance) {
			throw new NodeOperationError(
				node,
				`${provider.displayName} documents no balance request, so "Get Balance" cannot read it`,
				{
					itemIndex: firstItem,
					description: `See the balance at ${provider.billingPageUrl}. Get Balance works with Novita AI, AI/ML API and Kling AI.`,
				},
			);
		}
		const { build, parse } = provider.balance;
		const body = await ctx.client.fetchAccount(build(Date.now()), firstItem);
		try {
			outcome = { balance: parse(body) };
		} catch (error) {
			throw new NodeOperationError(
				node,
				`${provider.displayName}'s balance answer was not understood: ${(error as Error).message}`,
				{ itemIndex: firstItem, description: `See the balance at ${provider.billingPageUrl}.` },
			);
		}
	} catch (error) {
		const { message, description } = error as Error & { description?: string };
		outcome = { error: error as Error, message, description: description ?? '' };
	}

	await run.forEachItem(itemIndexes, async (itemIndex) => {
		if ('error' in outcome) {
			// The one answer fails every item; each gets an error naming itself.
			if (itemIndex === firstItem) throw outcome.error;
			throw new NodeOperationError(node, outcome.message, {
				itemIndex,
				description: outcome.description,
			});
		}
		const { balance, unit, currency } = outcome.balance;
		run.succeed(itemIndex, {
			provider: provider.id,
			balance,
			unit,
			...(currency && { currency }),
		});
	});
}
