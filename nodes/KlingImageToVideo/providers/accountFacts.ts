import { isObject, readNumber, readString } from './fields';
import type { AccountBalance, ApiCall, TaskCost } from './types';

/**
 * What the providers document about money and link lifetimes: the charge of a finished task, how
 * long a video URL lives, and the balance request. Only documented fields are read; nothing is
 * estimated from price lists.
 */

const DAY_MS = 24 * 60 * 60 * 1000;

function isoAfter(fromMs: number, lifetimeMs: number): string | undefined {
	const at = new Date(fromMs + lifetimeMs);
	return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** Novita family: `videos[].video_url_ttl`, seconds from the answer (a string, "3600") [C]. */
export function novitaVideoUrlExpiresAt(videos: unknown[], now = Date.now()): string | undefined {
	const video = videos.find((entry) => isObject(entry) && readString(entry.video_url));
	const seconds = isObject(video) ? readNumber(video.video_url_ttl) : undefined;
	return seconds !== undefined && seconds > 0 ? isoAfter(now, seconds * 1000) : undefined;
}

/**
 * Kling AI: generated videos "will be cleared after 30 days" (Kling's task query pages [C*]);
 * counted from the task's last update (ms), else from now.
 */
const KLING_VIDEO_LIFETIME_MS = 30 * DAY_MS;

export function klingVideoUrlExpiresAt(
	task: Record<string, unknown>,
	now = Date.now(),
): string | undefined {
	const finishedAt = readNumber(task.updated_at) ?? readNumber(task.created_at) ?? now;
	return isoAfter(finishedAt, KLING_VIDEO_LIFETIME_MS);
}

/** Kling AI: `final_unit_deduction`, the resource-pack units a task took (a string, "1") [C*]. */
export function klingTaskCost(task: Record<string, unknown>): TaskCost | undefined {
	const units = readNumber(task.final_unit_deduction);
	return units === undefined ? undefined : { amount: units, unit: 'units' };
}

/** Novita AI: `GET /openapi/v1/billing/balance/detail`, `availableBalance` in 1/10000 USD [C]. */
export const novitaBalance = {
	build: (): ApiCall => ({ method: 'GET', path: '/openapi/v1/billing/balance/detail' }),
	parse(body: unknown): AccountBalance {
		const available = isObject(body) ? readNumber(body.availableBalance) : undefined;
		if (available === undefined) throw new Error('the answer has no availableBalance');
		return { balance: available / 10_000, unit: 'USD', currency: 'USD' };
	},
};

/**
 * AI/ML API: `GET /v2/billing` on the API host [C]. Its answer is read as `current_balance` with
 * `currency`, or, as the legacy `/v1/billing/balance` documents it, `balance` in credits.
 */
export const aimlApiBalance = {
	build: (): ApiCall => ({ method: 'GET', path: '/v2/billing' }),
	parse(body: unknown): AccountBalance {
		if (!isObject(body)) throw new Error('the answer is not an object');
		const amount = readNumber(body.current_balance);
		if (amount !== undefined) {
			const currency = readString(body.currency);
			return { balance: amount, unit: currency ?? 'USD', ...(currency && { currency }) };
		}
		const credits = readNumber(body.balance);
		if (credits === undefined) throw new Error('the answer has no balance');
		return { balance: credits, unit: 'credits' };
	},
};

/**
 * Kling AI: `GET /account/costs` lists the resource packs bought between start_time and end_time
 * (ms), each with its `remaining_quantity` [C*]; free, at most 1 request a second, and the
 * remaining quantity may lag up to 12 hours. Packs are sold for at most a year, so two years back
 * covers every pack still in use.
 */
const KLING_PACK_WINDOW_MS = 2 * 365 * DAY_MS;

export const klingBalance = {
	build: (now: number): ApiCall => ({
		method: 'GET',
		path: '/account/costs',
		qs: { start_time: String(now - KLING_PACK_WINDOW_MS), end_time: String(now) },
	}),
	parse(body: unknown): AccountBalance {
		const data = isObject(body) && isObject(body.data) ? body.data : undefined;
		const packs = data?.resource_pack_subscribe_infos;
		if (!Array.isArray(packs))
			throw new Error('the answer has no data.resource_pack_subscribe_infos');
		const balance = packs
			.filter((pack) => isObject(pack) && readString(pack.status) === 'online')
			.reduce<number>(
				(sum, pack) =>
					sum + (readNumber((pack as Record<string, unknown>).remaining_quantity) ?? 0),
				0,
			);
		return { balance, unit: 'units' };
	},
};
