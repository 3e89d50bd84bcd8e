import {
	NodeHelpers,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';

import { KlingImageToVideo } from '../../nodes/KlingImageToVideo/KlingImageToVideo.node';
import { PROVIDERS, type ModelOffer } from '../../nodes/KlingImageToVideo/providers';

/**
 * The editor's view of the generated fields, resolved as n8n resolves them (NodeHelpers, the
 * code the editor and the engine share): for every provider and model, the fields shown are
 * exactly those the offer has, each default is a value the offer takes, and the descriptions an
 * AI agent reads list the accepted values.
 */

const { description } = new KlingImageToVideo();
const node = { typeVersion: 1 } as INode;

function editorView(values: INodeParameters, typeVersion = 1) {
	const versioned = { typeVersion } as INode;
	const parameters = NodeHelpers.getNodeParameters(
		description.properties,
		values,
		true,
		false,
		versioned,
		description,
	)!;
	const shown = description.properties.filter((property) =>
		NodeHelpers.displayParameter(parameters, property, versioned, description),
	);
	const field = (name: string): INodeProperties | undefined =>
		shown.find((property) => property.name === name);
	const optionValues = (name: string) =>
		(field(name)?.options as INodePropertyOptions[] | undefined)?.map((option) => option.value);
	return { parameters, field, optionValues };
}

const OFFERS = Object.values(PROVIDERS).flatMap((provider) =>
	provider.offers.map((offer): [string, string, ModelOffer] => [provider.id, offer.model, offer]),
);

describe.each(OFFERS)('the editor for %s, Kling %s', (provider, model, offer) => {
	const view = editorView({ provider, operation: 'generate', model });

	it('offers exactly the tiers and lengths the provider sells, with a default among them', () => {
		expect(view.optionValues('mode')).toEqual(offer.modes);
		expect(offer.modes).toContain(view.parameters.mode);
		expect(view.optionValues('duration')).toEqual(offer.durations.map(String));
		expect(offer.durations).toContain(Number(view.parameters.duration));
	});

	it('shows sound, aspect ratio, end frame, negative prompt and guidance only where offered, a callback everywhere', () => {
		expect(view.field('sound') !== undefined).toBe(offer.soundModes.length > 0);
		if (offer.soundModes.length > 0) expect(view.parameters.sound).toBe(false);
		expect(view.optionValues('aspectRatio') ?? []).toEqual(offer.aspectRatios);
		if (offer.aspectRatios.length > 0) expect(view.parameters.aspectRatio).toBe('16:9');
		// Where no aspect ratio is taken, a notice in its place says the image decides the shape.
		expect(
			view.field('aspectRatioNotice')?.displayName.startsWith('Aspect Ratio: the image decides'),
		).toBe(offer.aspectRatios.length === 0 ? true : undefined);
		expect(view.field('endImageSource') !== undefined).toBe(offer.endFrameModes.length > 0);
		if (offer.endFrameModes.length > 0) expect(view.parameters.endImageSource).toBe('none');
		const options = ((view.field('options')?.options ?? []) as INodeProperties[]).filter((option) =>
			NodeHelpers.displayParameterPath(view.parameters, option, 'options', node, description),
		);
		expect(options.map((option) => option.name).sort()).toEqual(
			[
				...(offer.guidanceScale ? ['guidanceScale'] : []),
				...(offer.negativePrompt ? ['negativePrompt'] : []),
				...(offer.staticMaskModes.length > 0 ? ['staticMaskUrl'] : []),
				'callbackUrl',
			].sort(),
		);
	});

	it('shows Shot Mode and Subject References only where the route documents them', () => {
		expect(view.optionValues('shotMode') ?? []).toEqual(offer.shotModes);
		if (offer.shotModes.length > 0) expect(view.parameters.shotMode).toBe('single');
		// Shots appear with Custom Shots only.
		expect(view.field('shots')).toBeUndefined();
		expect(view.field('elements') !== undefined).toBe(offer.elements !== undefined);
	});

	it('lets binary and base64 images be chosen only where the provider takes bytes', () => {
		expect(view.optionValues('imageSource')).toEqual(
			offer.acceptsImageBytes ? ['url', 'binary', 'base64'] : ['url'],
		);
		expect(view.parameters.imageSource).toBe('url');
	});

	it('describes the accepted values and what costs more', () => {
		const mode = view.field('mode')!;
		for (const tier of offer.modes) expect(mode.description).toContain(`"${tier}"`);
		expect(view.field('duration')!.description).toContain(
			offer.durations.length > 2 ? `${offer.durations[0]} to ` : `${offer.durations[0]} or `,
		);
		expect(view.field('duration')!.hint).toMatch(/cost/);
		if (offer.soundModes.length > 0) expect(view.field('sound')!.hint).toMatch(/costs more/);
		if (offer.modes.includes('4k')) expect(mode.hint).toContain('4K the most');
		for (const ratio of offer.aspectRatios)
			expect(view.field('aspectRatio')!.description).toContain(`"${ratio}"`);
	});
});

it('offers Get Balance first among the free calls, and shows "Give the Agent the Video File" only to a tool', () => {
	const operations = description.properties.find((property) => property.name === 'operation')!;
	const names = (operations.options as INodePropertyOptions[]).map((option) => option.name);
	expect(names.indexOf('Get Balance')).toBe(names.indexOf('Get Status') - 1);
	const asTool = { ...description, name: `${description.name}Tool` };
	const values = { provider: 'novita', operation: 'generate', downloadVideo: true };
	const shownTo = (nodeType: typeof description) =>
		description.properties.some(
			(property) =>
				property.name === 'videoFileToAgent' &&
				NodeHelpers.displayParameter(values, property, node, nodeType),
		);
	expect(shownTo(description)).toBe(false);
	expect(shownTo(asTool)).toBe(true);
});

it('keeps Kling 2.1 as the model of a version 1 node saved without one', () => {
	for (const provider of Object.values(PROVIDERS)) {
		const view = editorView({ provider: provider.id, operation: 'submit' });
		expect(view.parameters.model).toBe('v2.1');
		expect(view.optionValues('model')).toEqual(provider.offers.map((offer) => offer.model));
	}
});

it('shows a new node (version 2) Kling 3.0, Standard, 5 s, sound off, at every provider', () => {
	expect(description.version).toEqual([1, 2]);
	expect(description.defaultVersion).toBe(2);
	for (const provider of Object.values(PROVIDERS)) {
		const view = editorView({ provider: provider.id, operation: 'generate' }, 2);
		expect(view.parameters.model).toBe('v3.0');
		expect(view.parameters.mode).toBe('standard');
		expect(view.parameters.duration).toBe('5');
		expect(view.parameters.sound).toBe(false);
		expect(view.optionValues('model')).toEqual(provider.offers.map((offer) => offer.model));
		// One Model field per version: the editor shows one, never two.
		const shown = description.properties.filter(
			(property) =>
				property.name === 'model' &&
				NodeHelpers.displayParameter(
					view.parameters,
					property,
					{ typeVersion: 2 } as INode,
					description,
				),
		);
		expect(shown).toHaveLength(1);
	}
});

it('gives the agent tool of a version 2 node the same fields, with Kling 3.0 as the model', () => {
	const asTool = { ...description, name: `${description.name}Tool` };
	const values = { provider: 'fal', operation: 'generate' };
	const parameters = NodeHelpers.getNodeParameters(
		asTool.properties,
		values,
		true,
		false,
		{ typeVersion: 2 } as INode,
		asTool,
	)!;
	expect(parameters.model).toBe('v3.0');
	expect(parameters.mode).toBe('standard');
});
