import { MODE_EDITOR_NAMES, type VideoMode } from '../models/catalogue';
import { describeType, listNames, tiersCell } from '../shared/wording';
import { readingOf, type RequestField } from './field';

/** How the audio switch is written: a boolean, or words such as "on"/"off". */
export interface SoundForm {
	field: string;
	on: string | boolean;
	/** Unset: off is the field left out, where silence is the documented default and no "off" word is sure. */
	off?: string | boolean;
	/** A second reading of the docs, sent once if the provider refuses the first (a 400 creates no task). */
	alternate?: { on: string | boolean; off?: string | boolean };
}

export interface SoundShape {
	name: 'sound';
	form: { sound?: SoundForm };
	/** Tiers that take sound, where not all do (default: every tier, when the form has sound). */
	facts: { soundModes?: readonly VideoMode[] };
	/** Modes in which audio can be asked for; empty: no sound option. */
	offer: { soundModes: readonly VideoMode[] };
	choice: boolean;
	/** Set, true or false, wherever the offer has sound: some providers add paid audio unless told not to. */
	request: { sound?: boolean };
}

export const sound: RequestField<SoundShape> = {
	name: 'sound',
	offerOf: ({ form, soundModes }, modes) => ({
		soundModes: form.sound ? (soundModes ?? modes) : [],
	}),
	keepTiers: ({ soundModes }, kept) => (soundModes ? { soundModes: soundModes.filter(kept) } : {}),
	editor: {
		inOptions: false,
		properties: (perForm) =>
			perForm(
				(offer) =>
					offer.soundModes.length > 0
						? offer.soundModes.length === offer.modes.length
							? []
							: offer.soundModes
						: undefined,
				(variant) => {
					const onlyIn = variant.form.map((mode) => MODE_EDITOR_NAMES[mode]);
					return {
						displayName: 'Sound',
						name: 'sound',
						type: 'boolean',
						default: false,
						description: `Whether to generate sound with the video (ambience, effects, speech)${onlyIn.length > 0 ? `, only in mode ${listNames(onlyIn)}` : ''}. It costs more. Off is sent explicitly: some providers add sound unless told not to.`,
						hint:
							onlyIn.length > 0
								? `Sound costs more, and only in ${listNames(onlyIn)}`
								: 'Sound costs more than a silent video',
					};
				},
			),
	},
	// Always set where the model has sound, false unless asked for: some providers default it on
	// (the form decides whether off is written or left out).
	read(input, offer) {
		if (offer.soundModes.length === 0) return undefined;
		const value = input.parameter('sound', false);
		if (typeof value !== 'boolean')
			throw input.refuse(`"Sound" must be true or false, but its value is ${describeType(value)}`);
		return readingOf<SoundShape>(value, { sound: value });
	},
	write(request, form, body) {
		if (request.sound === undefined || !form.sound) return;
		const { field, alternate } = form.sound;
		const values = alternate && body.uses('soundValues') ? alternate : form.sound;
		const value = request.sound ? values.on : values.off;
		if (value === undefined) return;
		body.set(field, value);
		if (alternate && !body.uses('soundValues')) body.couldSwitch('soundValues', [field]);
	},
	readme: {
		header: 'Sound',
		cell: (offer) => (offer.soundModes.length > 0 ? tiersCell(offer.modes, offer.soundModes) : '–'),
	},
};
