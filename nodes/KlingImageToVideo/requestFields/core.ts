import type { KlingModel, VideoMode } from '../models/catalogue';

/** What every request and every offer has, whichever optional fields a model takes. */

/** The image as the user gave it: a URL the provider fetches, or bytes we checked ourselves. */
export type ImageInput =
	| { kind: 'url'; url: string }
	| { kind: 'bytes'; base64: string; mimeType: 'image/png' | 'image/jpeg' };

/**
 * What one provider sells of one model, without the optional fields (each field module adds its
 * part). Derived from the adapter's model table; the editor shows only these fields and values, and
 * the input checks refuse anything else before paying.
 */
export interface CoreOffer {
	model: KlingModel;
	modes: readonly VideoMode[];
	/** The mode a node shows and sends until the user picks one (see the catalogue's defaultMode). */
	defaultMode: VideoMode;
	/** Video lengths in seconds. */
	durations: readonly number[];
	promptRequired: boolean;
	/** Whether image bytes (binary or base64 input) can be sent; otherwise URLs only. */
	acceptsImageBytes: boolean;
	/** Seconds the provider publishes for a 5 s video of each mode, where it does: seeds the waiting schedule. */
	publishedSeconds?: Partial<Record<VideoMode, number>>;
}

/**
 * Request forms an adapter can switch to when the provider refuses the primary one with a 400
 * naming the field (a 400 creates no task, so trying the other form cannot charge twice).
 */
export type AlternateForm = 'imageEncoding' | 'soundValues' | 'shotsAsText' | 'shotsWithoutPrompt';
