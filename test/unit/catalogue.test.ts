import packageJson from '../../package.json';
import { KlingImageToVideo } from '../../nodes/KlingImageToVideo/KlingImageToVideo.node';
import { MODEL_OPTIONS } from '../../nodes/KlingImageToVideo/description/generationFields';
import {
	DEFAULT_MODES,
	KLING_MODELS,
	LEGACY_DEFAULT_MODEL,
	MODEL_CATALOGUE,
	MODEL_NAMES,
	newestOf,
	VIDEO_MODES,
} from '../../nodes/KlingImageToVideo/models/catalogue';
import { PROVIDERS } from '../../nodes/KlingImageToVideo/providers';

/**
 * The model catalogue is the one place a Kling generation is declared: every name, default and
 * editor text users see of a model comes from its entry, and no adapter sells a model it lacks.
 */

describe('the model catalogue', () => {
	it.each(MODEL_CATALOGUE.map((entry) => [entry.id, entry]))(
		'%s has a name, a default mode and an editor description',
		(_, entry) => {
			expect(entry.name).toMatch(/^Kling \S/);
			expect(VIDEO_MODES).toContain(entry.defaultMode);
			expect(entry.editorDescription.length).toBeGreaterThan(10);
			expect(MODEL_OPTIONS[entry.id]).toEqual({
				name: entry.name,
				value: entry.id,
				description: entry.editorDescription,
			});
		},
	);

	it('declares each model once, and the legacy default among them', () => {
		expect(new Set(KLING_MODELS).size).toBe(MODEL_CATALOGUE.length);
		expect(new Set(Object.values(MODEL_NAMES)).size).toBe(MODEL_CATALOGUE.length);
		expect(KLING_MODELS).toContain(LEGACY_DEFAULT_MODEL);
	});

	it('keeps the ids, names and default modes saved workflows and messages rely on', () => {
		expect(MODEL_NAMES).toMatchObject({
			'v2.1': 'Kling 2.1',
			'v2.5-turbo': 'Kling 2.5 Turbo',
			'v2.6': 'Kling 2.6',
			'v3.0': 'Kling 3.0',
			o1: 'Kling O1',
		});
		expect(DEFAULT_MODES).toMatchObject({
			'v2.1': 'standard',
			'v2.5-turbo': 'professional',
			'v2.6': 'professional',
			'v3.0': 'standard',
			o1: 'professional',
		});
		expect(LEGACY_DEFAULT_MODEL).toBe('v2.1');
	});

	it.each(Object.values(PROVIDERS).map((provider) => [provider.displayName, provider]))(
		'every model %s sells is in the catalogue, in its order',
		(_, provider) => {
			const models = provider.offers.map((offer) => offer.model);
			expect(models.length).toBeGreaterThan(0);
			expect(models).toEqual(KLING_MODELS.filter((model) => models.includes(model)));
		},
	);

	it('every catalogue model is sold by at least one provider', () => {
		const sold = new Set(
			Object.values(PROVIDERS).flatMap((provider) => provider.offers.map((offer) => offer.model)),
		);
		expect([...sold].sort()).toEqual([...KLING_MODELS].sort());
	});

	it('the node description names every model', () => {
		const { description } = new KlingImageToVideo().description;
		expect(description).toMatch(
			/^Turn a still image into a short video with Kling 2\.1, 2\.5 Turbo, 2\.6, 3\.0(,| or) O1\b/,
		);
		for (const entry of MODEL_CATALOGUE)
			expect(description).toContain(entry.name.replace(/^Kling /, ''));
	});

	it("package.json's description names every model (npm search shows it)", () => {
		for (const entry of MODEL_CATALOGUE)
			expect(packageJson.description).toContain(entry.name.replace(/^Kling /, ''));
	});

	it('names as newest the most recently released model, not the last in the editor', () => {
		expect(newestOf(['v2.1', 'v3.0', 'o1'])).toBe('v3.0');
		expect(newestOf(['v3.0', 'v3.0-omni'])).toBe('v3.0-omni');
		expect(newestOf(KLING_MODELS)).toBe('v3.0-turbo');
		expect(newestOf([])).toBeUndefined();
		for (const entry of MODEL_CATALOGUE) expect(entry.released).toMatch(/^20\d\d-(0[1-9]|1[0-2])$/);
	});
});
