import {
	aimlApiBalance,
	klingBalance,
	novitaBalance,
	novitaVideoUrlExpiresAt,
} from '../../nodes/KlingImageToVideo/providers/accountFacts';

describe('balance answers, as each provider documents them', () => {
	it('Novita AI: availableBalance in 1/10000 USD [C]', () => {
		expect(novitaBalance.parse({ availableBalance: '1000000', cashBalance: '800000' })).toEqual({
			balance: 100,
			unit: 'USD',
			currency: 'USD',
		});
		expect(() => novitaBalance.parse({})).toThrow('the answer has no availableBalance');
	});

	it("AI/ML API: current_balance with its currency, or the legacy answer's credits", () => {
		expect(aimlApiBalance.parse({ current_balance: 12.5, currency: 'USD' })).toEqual({
			balance: 12.5,
			unit: 'USD',
			currency: 'USD',
		});
		expect(aimlApiBalance.parse({ balance: 551564495, lowBalance: false })).toEqual({
			balance: 551564495,
			unit: 'credits',
		});
		expect(() => aimlApiBalance.parse({ status: 'current' })).toThrow('the answer has no balance');
	});

	it('Kling AI: the remaining units of the packs still online', () => {
		const pack = (status: string, remaining_quantity: number) => ({ status, remaining_quantity });
		const body = {
			code: 0,
			data: {
				code: 0,
				resource_pack_subscribe_infos: [
					pack('online', 10),
					pack('online', 2.5),
					pack('expired', 40),
					pack('runOut', 0),
					pack('toBeOnline', 100),
				],
			},
		};
		expect(klingBalance.parse(body)).toEqual({ balance: 12.5, unit: 'units' });
		expect(() => klingBalance.parse({ code: 0, data: {} })).toThrow(
			'the answer has no data.resource_pack_subscribe_infos',
		);
	});
});

describe("Novita's link lifetime", () => {
	it('counts video_url_ttl seconds from the answer, for the video that has a URL', () => {
		const now = Date.parse('2026-12-07T10:00:00Z');
		expect(
			novitaVideoUrlExpiresAt([{ video_url: 'https://x/v.mp4', video_url_ttl: '3600' }], now),
		).toBe('2026-12-07T11:00:00.000Z');
		expect(novitaVideoUrlExpiresAt([{ video_url: 'https://x/v.mp4' }], now)).toBeUndefined();
		expect(
			novitaVideoUrlExpiresAt([{ video_url: 'https://x/v.mp4', video_url_ttl: '0' }], now),
		).toBeUndefined();
	});
});
