import {
	CALLBACK_TAG_PARAM,
	callbackSecrets,
	callbackTagsIn,
	taggedCallbackUrl,
} from '../../nodes/KlingImageToVideo/providers/callbacks';

/**
 * The node's tag on the Callback URL (the item's submission id) and its reading back from the
 * call that woke a Wait node. n8n 2.x compares the `signature` query parameter of a resume URL
 * with the execution's token and reads nothing else of the query [C] (n8n's waiting-webhooks.ts);
 * n8n 1.x's resume URL has no query at all.
 */

const RESUME_2X = 'https://n8n.example.com/webhook-waiting/4711?signature=0123456789abcdef';
const RESUME_1X = 'https://n8n.example.com/webhook-waiting/4711';
const TAG = 'n8n-4711-3-k2j4h5g6';

describe('taggedCallbackUrl', () => {
	it("appends the tag to n8n 2.x's resume URL, its path and signature untouched", () => {
		const tagged = new URL(taggedCallbackUrl(RESUME_2X, TAG));
		expect(tagged.pathname).toBe('/webhook-waiting/4711');
		expect(tagged.searchParams.getAll('signature')).toEqual(['0123456789abcdef']);
		expect(tagged.searchParams.get(CALLBACK_TAG_PARAM)).toBe(TAG);
		expect(tagged.toString()).toBe(`${RESUME_2X}&klingTag=${TAG}`);
	});

	it("gives n8n 1.x's resume URL a query of its own", () => {
		expect(taggedCallbackUrl(RESUME_1X, TAG)).toBe(`${RESUME_1X}?klingTag=${TAG}`);
	});

	it('keeps a tag the user already put there, and adds its own next to it', () => {
		const tagged = new URL(taggedCallbackUrl(`${RESUME_1X}?klingTag=mine`, TAG));
		expect(tagged.searchParams.getAll(CALLBACK_TAG_PARAM)).toEqual(['mine', TAG]);
	});

	it('hides the token, not the tag (messages name the submission id)', () => {
		const secrets = callbackSecrets(RESUME_2X);
		expect(secrets).toContain('0123456789abcdef');
		expect(secrets.some((secret) => secret.includes(TAG))).toBe(false);
	});
});

describe('callbackTagsIn, what "Woken By" hands over', () => {
	it.each<[string, unknown, string[]]>([
		['the query of the call', { signature: 'x', klingTag: TAG }, [TAG]],
		['the whole call', { headers: {}, query: { klingTag: TAG }, body: { klingTag: 'no' } }, [TAG]],
		['a query repeated', { klingTag: [TAG, 'other'] }, [TAG, 'other']],
		['the called URL', `${RESUME_2X}&klingTag=${TAG}`, [TAG]],
		['a query string', `klingTag=${TAG}`, [TAG]],
		['a list of calls', [{ query: { klingTag: TAG } }, { query: { klingTag: 'b' } }], [TAG, 'b']],
		[
			'a Wait node resumed by its time limit (its task items)',
			{ taskId: 't', callbackTag: TAG },
			[],
		],
		['nothing', undefined, []],
		['an empty text', '', []],
		['a number', 42, []],
	])('%s', (_name, value, tags) => {
		expect(callbackTagsIn(value)).toEqual(tags);
	});
});
