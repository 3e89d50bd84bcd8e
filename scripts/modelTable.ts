/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- tooling runs in plain Node, outside n8n's sandbox */
/**
 * The table of docs/models.md: which provider offers which Kling model, tier, length, sound, aspect
 * ratio and end frame, written from the adapters' offers so it cannot drift from what the node does.
 * `npx tsx scripts/modelTable.ts` prints it, `--write` puts it into docs/models.md;
 * test/unit/docs.test.ts checks docs/models.md holds it.
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

function durations(seconds: readonly number[]): string {
	return seconds.length > 2 ? `${seconds[0]}–${seconds[seconds.length - 1]}` : seconds.join(', ');
}

function cells(offer: ModelOffer): string[] {
	const modes = (list: readonly string[]) =>
		list.map((mode) => MODE_NAMES[mode as keyof typeof MODE_NAMES]).join(', ');
	const inModes = (list: readonly string[]) =>
		list.length === offer.modes.length ? 'yes' : `in ${modes(list)}`;
	return [
		modes(offer.modes),
		durations(offer.durations),
		offer.soundModes.length > 0 ? inModes(offer.soundModes) : '–',
		offer.aspectRatios.length > 0 ? offer.aspectRatios.join(', ') : '–',
		offer.endFrameModes.length > 0
			? `${inModes(offer.endFrameModes)}${offer.endFrameWithSound ? '' : ', without sound'}`
			: '–',
		offer.acceptsImageBytes ? 'URL, binary, base64' : 'URL only',
		offer.promptRequired ? 'required' : 'optional',
	];
}

export function modelTableMarkdown(): string {
	const rows = [
		'| Model | Providers | Mode | Duration (s) | Sound | Aspect ratio | End frame | Image | Prompt |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	];
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
