/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The folders of the node import downward only, so each layer can be read, tested and changed
 * without the ones above it. Top to bottom; the node file sits above them all.
 */
const LAYERS = [
	'actions',
	'description',
	'input',
	'waiting',
	'transport',
	'providers',
	// One module per optional request field: the adapters write their bodies through them.
	'requestFields',
	// Reads facts from the video files transport streams; depends on nothing.
	'media',
	// Small helpers several layers use (wording, the item error factory), above the catalogue.
	'shared',
	'models',
];

const NODE_ROOT = resolve(__dirname, '../../nodes/KlingImageToVideo');

function sourceFiles(folder: string): string[] {
	return readdirSync(folder).flatMap((name) => {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) return sourceFiles(path);
		return name.endsWith('.ts') ? [path] : [];
	});
}

/** Every module a file names: static imports and re-exports, side-effect and dynamic imports. */
function importedModules(source: string): string[] {
	const patterns = [
		/\b(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/g,
		/\bimport\s*['"]([^'"]+)['"]/g,
		/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
	];
	return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1]));
}

/** The layer a path under the node folder belongs to (a folder itself: its index); '' for the root. */
function layerOf(path: string): string {
	const parts = relative(NODE_ROOT, path).split(sep);
	const isFolder = parts.length === 1 && LAYERS.includes(parts[0]);
	return parts.length > 1 || isFolder ? parts[0] : '';
}

/** "file imports target" for every import that reaches into a layer above its own. */
function upwardImports(files: ReadonlyMap<string, string>): string[] {
	const found: string[] = [];
	for (const [file, source] of files) {
		const from = layerOf(file);
		for (const module of importedModules(source)) {
			if (!module.startsWith('.')) continue;
			const to = layerOf(resolve(dirname(file), module));
			if (to === from || from === '') continue;
			if (to === '' || LAYERS.indexOf(to) < LAYERS.indexOf(from))
				found.push(`${relative(NODE_ROOT, file)} imports ${module}`);
		}
	}
	return found;
}

const files = new Map(sourceFiles(NODE_ROOT).map((file) => [file, readFileSync(file, 'utf8')]));

describe('layers of nodes/KlingImageToVideo', () => {
	it('places every folder in the layer order', () => {
		const folders = new Set([...files.keys()].map(layerOf).filter(Boolean));
		expect([...folders].filter((folder) => !LAYERS.includes(folder))).toEqual([]);
	});

	it('has no folder importing a folder above it', () => {
		expect(upwardImports(files)).toEqual([]);
	});

	it('reads the imports it checks, and flags one that goes up', () => {
		const poller = join(NODE_ROOT, 'waiting', 'poller.ts');
		const sample = new Map([
			[
				poller,
				[
					"import type { StatusAnswer } from '../transport/providerClient';",
					'import {\n\tsubmit,\n} from "../actions/submit.operation";',
					"export { x } from '../description';",
					"const lazy = () => import('../input/limits');",
				].join('\n'),
			],
		]);
		expect(upwardImports(sample)).toEqual([
			'waiting/poller.ts imports ../actions/submit.operation',
			'waiting/poller.ts imports ../description',
			'waiting/poller.ts imports ../input/limits',
		]);
		expect(importedModules(files.get(poller)!)).toContain('../transport/providerClient');
	});
});
