import { aspectRatio } from './aspectRatio';
import { elements } from './elements';
import { endFrame } from './endFrame';
import type { FieldShape, RequestField } from './field';
import { guidanceScale } from './guidanceScale';
import { negativePrompt } from './negativePrompt';
import { sound } from './sound';
import { staticMask } from './staticMask';
import { storyboard } from './storyboard';

/**
 * The optional request fields, in the order the editor shows them (those in the "Options"
 * collection come last, in this order among themselves), the request reads and writes them and
 * the README's table lists their columns.
 */
export const REQUEST_FIELDS = [
	guidanceScale,
	negativePrompt,
	sound,
	aspectRatio,
	endFrame,
	storyboard,
	elements,
	staticMask,
] as const;

type ShapeOf<Field> = Field extends RequestField<infer Shape> ? Shape : never;
type FieldShapes = ShapeOf<(typeof REQUEST_FIELDS)[number]>;
type UnionToIntersection<Union> = (Union extends unknown ? (part: Union) => void : never) extends (
	part: infer Intersection,
) => void
	? Intersection
	: never;

/** What the fields add to an adapter's request form, its model rows, an offer and a request. */
export type FieldForms = UnionToIntersection<FieldShapes['form']>;
export type FieldFacts = UnionToIntersection<FieldShapes['facts']>;
export type FieldOffers = UnionToIntersection<FieldShapes['offer']>;
export type FieldRequests = UnionToIntersection<FieldShapes['request']>;
/** What an item asks for, per field, before any bytes are read. */
export type FieldChoices = { [Shape in FieldShapes as Shape['name']]?: Shape['choice'] };

/** Every field, as code that treats them alike sees it: handed whole forms, offers and requests. */
export type AnyRequestField = RequestField<
	FieldShape,
	{ form: FieldForms; facts: FieldFacts; offer: FieldOffers; request: FieldRequests }
>;

export type { AlternateForm, CoreOffer, ImageInput } from './core';
export type { BodyWriter, FieldInput, PerForm } from './field';
export type { SoundForm } from './sound';
export { shotsReplacePrompt, type StoryboardForm } from './storyboard';
export type { ElementsForm } from './elements';
export * from './imageFrames';
