/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

import { MODEL_TABLE_IN_DOC, MODELS_DOC, modelTableMarkdown } from '../../scripts/modelTable';

const REPO_ROOT = path.join(__dirname, '..', '..');

/** The markdown a reader follows links through: the front door, docs/, and the guides beside the code. */
const LINKED_DOCS = [
	'README.md',
	'CONTRIBUTING.md',
	'examples/README.md',
	'test/e2e/README.md',
	'tools/simulators/README.md',
	...readdirSync(path.join(REPO_ROOT, 'docs'))
		.filter((name) => name.endsWith('.md'))
		.map((name) => `docs/${name}`),
];

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
	const anchors = new Set<string>();
	const seen = new Map<string, number>();
	for (const [, heading] of withoutCode(markdown).matchAll(/^#{1,6} +(.+?) *#*$/gm)) {
		const slug = heading
			.replace(/`/g, '')
			.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
			.toLowerCase()
			.replace(/[^\p{L}\p{N}\s_-]/gu, '')
			.replace(/\s/g, '-');
		const count = seen.get(slug) ?? 0;
		seen.set(slug, count + 1);
		anchors.add(count === 0 ? slug : `${slug}-${count}`);
	}
	return anchors;
}

/** Fenced blocks and inline code hold examples, not links. */
function withoutCode(markdown: string): string {
	return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

function relativeLinks(markdown: string): string[] {
	return [...withoutCode(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
		.map(([, target]) => target)
		.filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('docs', () => {
	it('docs/models.md shows the models, tiers, lengths, sound, aspect ratios and end frames the adapters offer (run `npx tsx scripts/modelTable.ts --write` after changing a model table)', () => {
		const doc = readFileSync(MODELS_DOC, 'utf8');
		expect(MODEL_TABLE_IN_DOC.exec(doc)?.[2]).toBe(modelTableMarkdown());
	});

	it.each(LINKED_DOCS)(
		'every relative link in %s leads to a file and heading that exist',
		(doc) => {
			const markdown = readFileSync(path.join(REPO_ROOT, doc), 'utf8');
			const broken = relativeLinks(markdown).filter((target) => {
				const [file, anchor] = target.split('#');
				const resolved = file
					? path.join(REPO_ROOT, path.dirname(doc), file)
					: path.join(REPO_ROOT, doc);
				if (!existsSync(resolved)) return true;
				if (!anchor || !resolved.endsWith('.md')) return false;
				return !headingAnchors(readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor));
			});
			expect(broken).toEqual([]);
		},
	);
});
