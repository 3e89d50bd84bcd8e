import type { VideoMode } from '../models/catalogue';
import { listModes } from '../shared/wording';
import type { CoreOffer } from './core';
import type { FieldInput } from './field';
import type { FieldChoices, FieldOffers } from './index';

/**
 * What one field allows depends on the mode and on the other fields: sound and the end frame are
 * sold in some tiers only, and some offers take an end frame only without sound. Checked once
 * every field is read, before any image bytes are.
 */
export function checkRulesAcrossFields(
	input: FieldInput,
	offer: CoreOffer & FieldOffers,
	mode: VideoMode,
	choices: FieldChoices,
): void {
	if (choices.sound && !offer.soundModes.includes(mode)) {
		throw input.refuse(
			`"Sound" is not available in mode "${mode}" for ${input.offerName}; it is in ${listModes(offer.soundModes)}`,
		);
	}
	if (choices.staticMask && !offer.staticMaskModes.includes(mode)) {
		throw input.refuse(
			`"Static Mask URL" is not available in mode "${mode}" for ${input.offerName}; it is in ${listModes(offer.staticMaskModes)}`,
		);
	}
	if (choices.endFrame === undefined) return;
	// Kling's motion brush excludes an end frame [3P]: refused wherever both are offered.
	if (choices.staticMask) {
		throw input.refuse(
			`A static mask cannot be combined with an end frame for ${input.offerName}`,
			'Set "End Image Source" to None, or remove "Static Mask URL".',
		);
	}
	if (choices.storyboard && offer.storyboard && !offer.storyboard.withEndFrame) {
		throw input.refuse(
			`An end frame cannot be combined with a storyboard for ${input.offerName}`,
			'Set "End Image Source" to None, or set "Shot Mode" to Single Shot.',
		);
	}
	if (!offer.endFrameModes.includes(mode)) {
		throw input.refuse(
			`An end frame is not available in mode "${mode}" for ${input.offerName}; it is in ${listModes(offer.endFrameModes)}`,
			'Set "End Image Source" to None, or choose a mode that takes an end frame.',
		);
	}
	if (choices.sound && !offer.endFrameWithSound) {
		throw input.refuse(
			`An end frame cannot be combined with "Sound" for ${input.offerName}`,
			'Turn "Sound" off, or set "End Image Source" to None.',
		);
	}
}
