/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { modelTableMarkdown } from '../../scripts/modelTable';

describe('README', () => {
	it('shows the models, tiers, lengths, sound, aspect ratios and end frames the adapters offer (run `npx tsx scripts/modelTable.ts` after changing a model table)', () => {
		const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
		const between = /<!-- models:start[^>]*-->\n([\s\S]*?)\n<!-- models:end -->/.exec(readme);
		expect(between?.[1]).toBe(modelTableMarkdown());
	});
});
