/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- tooling runs in plain Node, outside n8n's sandbox */
/**
 * The table of docs/models.md: which provider offers which Kling model, tier, length, sound, aspect
 * ratio and end frame, written from the adapters' offers so it cannot drift from what the node does.
 * Each optional request field that has a column writes its own cells. `npx tsx scripts/modelTable.ts`
 * prints it, `--write` puts it into docs/models.md; test/unit/docs.test.ts checks docs/models.md holds it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import {
	KLING_MODELS,
	MODE_NAMES,
	MODEL_NAMES,
	PROVIDERS,
	type ModelOffer,
} from '../nodes/KlingImageToVideo/providers';
import { REQUEST_FIELDS, type AnyRequestField } from '../nodes/KlingImageToVideo/requestFields';

const COLUMNS = (REQUEST_FIELDS as readonly AnyRequestField[]).flatMap((field) =>
	field.readme ? [field.readme] : [],
);

function durations(seconds: readonly number[]): string {
	return seconds.length > 2 ? `${seconds[0]}–${seconds[seconds.length - 1]}` : seconds.join(', ');
}

function cells(offer: ModelOffer): string[] {
	return [
		offer.modes.map((mode) => MODE_NAMES[mode]).join(', '),
		durations(offer.durations),
		...COLUMNS.map((column) => column.cell(offer)),
		offer.acceptsImageBytes ? 'URL, binary, base64' : 'URL only',
		offer.promptRequired
			? offer.storyboard?.prompt === 'either'
				? 'required, unless custom shots'
				: 'required'
			: 'optional',
	];
}

export function modelTableMarkdown(): string {
	const headers = [
		'Model',
		'Providers',
		'Mode',
		'Duration (s)',
		...COLUMNS.map((column) => column.header),
		'Image',
		'Prompt',
	];
	const rows = [`| ${headers.join(' | ')} |`, `|${' --- |'.repeat(headers.length)}`];
	for (const model of KLING_MODELS) {
		// Providers whose offers read the same share a row.
		const byCells = new Map<string, string[]>();
		for (const provider of Object.values(PROVIDERS)) {
			const offer = provider.offers.find((candidate) => candidate.model === model);
			if (!offer) continue;
			const key = cells(offer).join(' | ');
			byCells.set(key, [...(byCells.get(key) ?? []), provider.displayName]);
		}
		for (const [key, providers] of byCells)
			rows.push(`| ${MODEL_NAMES[model]} | ${providers.join(', ')} | ${key} |`);
	}
	return rows.join('\n');
}

export const MODELS_DOC = path.join(__dirname, '..', 'docs', 'models.md');

/** The table between the markers of docs/models.md, or undefined without them. */
export const MODEL_TABLE_IN_DOC = /(<!-- models:start[^>]*-->\n)([\s\S]*?)(\n<!-- models:end -->)/;

if (require.main === module) {
	if (process.argv.includes('--write')) {
		const doc = readFileSync(MODELS_DOC, 'utf8');
		if (!MODEL_TABLE_IN_DOC.test(doc))
			throw new Error(`${MODELS_DOC} has no models:start/end markers`);
		writeFileSync(
			MODELS_DOC,
			doc.replace(
				MODEL_TABLE_IN_DOC,
				(_, start, _table, end) => start + modelTableMarkdown() + end,
			),
		);
		console.log(`${MODELS_DOC}: table written`);
	} else console.log(modelTableMarkdown());
}
