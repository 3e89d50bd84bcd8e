/**
 * The Kling generations the node knows, each declared once: its id (saved in workflows), its name
 * in the editor and in messages, its default mode and its editor description. Which provider sells
 * which tiers, lengths and extras is each adapter's model table.
 */

export const VIDEO_MODE_CATALOGUE = [
	{
		id: 'standard',
		name: 'Standard',
		editorName: 'Standard (720p)',
		editorDescription: 'Fastest and cheapest',
	},
	{
		id: 'professional',
		name: 'Professional',
		editorName: 'Professional (1080p)',
		editorDescription: 'Higher quality, costs more',
	},
	{
		id: 'master',
		name: 'Master',
		editorName: 'Master (1080p)',
		editorDescription: 'Kling 2.1 Master: the best motion, costs the most',
	},
	{
		id: '4k',
		name: '4K',
		editorName: '4K',
		editorDescription: 'Kling 3.0 in 4K: the sharpest, costs the most',
	},
] as const;

/** Quality tiers: 720p, 1080p, Kling 2.1 Master, and the 4K tier of 3.0 where it is sold. */
export type VideoMode = (typeof VIDEO_MODE_CATALOGUE)[number]['id'];

interface CatalogueEntry {
	id: string;
	name: string;
	/**
	 * The mode a node shows and sends until the user picks one, wherever a provider offers it (else
	 * the offer's first mode). Never change one: n8n saves no value that equals the default, so a
	 * saved workflow showing the default holds no mode, and would silently switch tier (and price).
	 */
	defaultMode: VideoMode;
	editorDescription: string;
	/**
	 * When Kling released it (year and month; 3.0 Turbo: first seen on Kling's capability map of
	 * 2026-05). Catalogue order is the editor's, not always release order: O1 came before 3.0.
	 */
	released: `${number}-${number}`;
}

/** Oldest first: the editor lists the models in this order. */
export const MODEL_CATALOGUE = [
	{
		id: 'v2.1',
		released: '2025-05',
		name: 'Kling 2.1',
		defaultMode: 'standard',
		editorDescription: 'Standard (720p), Professional (1080p) or Master; 5 or 10 s',
	},
	{
		id: 'v2.5-turbo',
		released: '2025-09',
		name: 'Kling 2.5 Turbo',
		defaultMode: 'professional',
		editorDescription: 'Better motion than 2.1 for less; 1080p, 5 or 10 s',
	},
	{
		id: 'v2.6',
		released: '2025-12',
		name: 'Kling 2.6',
		defaultMode: 'professional',
		editorDescription: 'Can add sound; 1080p, 5 or 10 s',
	},
	{
		id: 'v3.0',
		released: '2026-02',
		name: 'Kling 3.0',
		defaultMode: 'standard',
		editorDescription: '3 to 15 s, sound, an end frame where offered',
	},
	{
		id: 'o1',
		released: '2025-12',
		name: 'Kling O1',
		defaultMode: 'professional',
		editorDescription: "Kling's omni model: a first and a last frame; 5 or 10 s",
	},
	{
		id: 'v3.0-turbo',
		released: '2026-05',
		name: 'Kling 3.0 Turbo',
		defaultMode: 'standard',
		editorDescription:
			'The cheapest 3.0: 3 to 15 s where offered, a first frame only (no end frame)',
	},
	{
		id: 'v3.0-omni',
		released: '2026-02',
		name: 'Kling 3.0 Omni',
		defaultMode: 'standard',
		editorDescription: "Kling's 3.0 omni model: a first and a last frame, 3 to 15 s where offered",
	},
] as const satisfies readonly CatalogueEntry[];

export type KlingModel = (typeof MODEL_CATALOGUE)[number]['id'];

/**
 * The model of a node saved without one, and of a task whose item names none: node version 1 and
 * Submit Task of 0.1.0 made Kling 2.1 before the model could be chosen.
 */
export const LEGACY_DEFAULT_MODEL: KlingModel = 'v2.1';

/** The node versions n8n offers; a new node gets the last (n8n's light versioning). */
export const NODE_VERSIONS = [1, 2] as const;

/**
 * The model a node of each version shows and makes until one is chosen. Version 2 exists for this
 * default alone: version 1 workflows save no model when they hold 2.1, so theirs stays 2.1.
 */
export const DEFAULT_MODEL_BY_VERSION: Record<(typeof NODE_VERSIONS)[number], KlingModel> = {
	1: LEGACY_DEFAULT_MODEL,
	2: 'v3.0',
};

/** The default model of a node of `typeVersion` (a version n8n did not know yet reads as the last). */
export function defaultModelOf(typeVersion: number): KlingModel {
	return typeVersion < 2 ? DEFAULT_MODEL_BY_VERSION[1] : DEFAULT_MODEL_BY_VERSION[2];
}

/** The most recently released of `models` (the later catalogue entry of two released together). */
export function newestOf(models: readonly KlingModel[]): KlingModel | undefined {
	const released = (model: KlingModel) =>
		MODEL_CATALOGUE.find((entry) => entry.id === model)?.released ?? '';
	return [...models].sort((a, b) => released(a).localeCompare(released(b))).pop();
}

export const KLING_MODELS: readonly KlingModel[] = MODEL_CATALOGUE.map((entry) => entry.id);

export const VIDEO_MODES: readonly VideoMode[] = VIDEO_MODE_CATALOGUE.map((entry) => entry.id);

/** How models and modes are named to users, in the editor and in messages. */
export const MODEL_NAMES = Object.fromEntries(
	MODEL_CATALOGUE.map((entry) => [entry.id, entry.name]),
) as Record<KlingModel, string>;

export const MODE_NAMES = Object.fromEntries(
	VIDEO_MODE_CATALOGUE.map((entry) => [entry.id, entry.name]),
) as Record<VideoMode, string>;

/** How modes are named in the editor's options, with their resolution. */
export const MODE_EDITOR_NAMES = Object.fromEntries(
	VIDEO_MODE_CATALOGUE.map((entry) => [entry.id, entry.editorName]),
) as Record<VideoMode, string>;

export const DEFAULT_MODES = Object.fromEntries(
	MODEL_CATALOGUE.map((entry) => [entry.id, entry.defaultMode]),
) as Record<KlingModel, VideoMode>;

export const ASPECT_RATIOS = ['16:9', '9:16', '1:1'] as const;

export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export function isKlingModel(value: unknown): value is KlingModel {
	return KLING_MODELS.includes(value as KlingModel);
}
