import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { KlingModel, VideoMode } from '../models/catalogue';
import type { AlternateForm, CoreOffer, ImageInput } from './core';
import type { FrameSource, ImageFrame, ImageSource } from './imageFrames';

/**
 * One optional request field (negative prompt, sound, end frame...), all in one object: how an
 * adapter's model row offers it, how the editor shows it, how an item's parameters are read and
 * checked, how it is written into a provider's body and how the README's model table shows it.
 * `Seen` is what it is handed: its own parts by default; the code that treats every field alike
 * (AnyRequestField) hands it whole forms, offers and requests.
 */
export interface RequestField<
	Shape extends FieldShape,
	Seen extends FieldParts = Pick<Shape, keyof FieldParts>,
> {
	name: Shape['name'];
	/** The field's part of an offer, from the adapter's row: its form and its own row facts. */
	offerOf(row: { form: Seen['form'] } & Seen['facts'], modes: readonly VideoMode[]): Shape['offer'];
	/** The row's facts without the tiers a provider leaves out, where the facts list tiers. */
	keepTiers?(facts: Seen['facts'], kept: (mode: VideoMode) => boolean): Partial<Shape['facts']>;
	editor: FieldEditor<CoreOffer & Seen['offer']>;
	/** Reads and checks the field of one item; undefined where the offer has none or none is asked for. */
	read(input: FieldInput, offer: CoreOffer & Seen['offer']): FieldReading<Shape> | undefined;
	/** Writes the field as the provider's form wants it; the request holds it only where offered. */
	write(request: Seen['request'], form: Seen['form'], body: BodyWriter): void;
	/** Its column in the README's model table. */
	readme?: { header: string; cell(offer: CoreOffer & Seen['offer']): string };
}

/** The types one field adds to the request form, the model row, the offer and the request. */
export interface FieldShape extends FieldParts {
	name: string;
	/** What the item asks for, as the rules across fields see it before any bytes are read. */
	choice: unknown;
}

export interface FieldParts {
	/** How the provider wants it (its body field name, its value form): set in the row's form. */
	form: object;
	/** The row's own facts about it (the tiers it applies in...). */
	facts: object;
	offer: object;
	request: object;
}

export interface FieldReading<Shape extends FieldShape> {
	choice: Shape['choice'];
	/** The request's part; image bytes are read only here, once every choice of the item is checked. */
	value(): Shape['request'] | Promise<Shape['request']>;
}

export type FieldEditor<Offer> =
	| {
			/**
			 * In the "Options" collection: n8n before 1.83 drops the values of collection options that
			 * carry display options of their own, so the collection is defined once per set of such
			 * fields an offer has. The value is read from "options.<name>".
			 */
			inOptions: true;
			offered(offer: Offer): boolean;
			property: INodeProperties;
	  }
	| { inOptions: false; properties(perForm: PerForm<Offer>): INodeProperties[] };

/**
 * One property per distinct form of a field among each model's offers, shown for the providers
 * that share it (n8n resolves same-named parameters by their display options). `formOf` returns
 * undefined where the offer does not have the field.
 */
export type PerForm<Offer> = <Form>(
	formOf: (offer: Offer) => Form | undefined,
	property: (variant: FieldVariant<Form>) => INodeProperties,
) => INodeProperties[];

export interface FieldVariant<Form> {
	form: Form;
	model: KlingModel;
}

/** One item's parameters, as a field reads them. */
export interface FieldInput {
	/** "Kling 3.0 at AI/ML API": what a refusal is measured against. */
	offerName: string;
	/** The item's Duration (seconds, already checked) and Prompt (trimmed), for fields measured against them. */
	asked: { duration: number; prompt: string };
	parameter(name: string, fallback: unknown): unknown;
	/** A text parameter, refused unless it is text (a number reads as text). */
	text(name: string, label: string): string;
	/** Refuses text longer than a prompt may be. */
	checkLength(label: string, text: string): void;
	/** A refusal naming the item. */
	refuse(message: string, description?: string): Error;
	/** A frame's source, checked against what the offer takes before any bytes are read. */
	imageSource(frame: ImageFrame): ImageSource;
	/** A frame's image, its bytes checked against every documented limit. */
	image(frame: ImageFrame, source: FrameSource): Promise<ImageInput>;
}

/** A provider's request body as the fields write it. */
export interface BodyWriter {
	set(field: string, value: IDataObject[string]): void;
	/** Leaves out a field written before (the core's prompt, where an alternate sends none). */
	omit(field: string): void;
	/** Writes an image in the encoding in use: the imageEncoding alternate switches every image. */
	image(field: string, image: ImageInput): void;
	/** Whether the provider refused the primary form, so this alternate is sent now. */
	uses(form: AlternateForm): boolean;
	/** This call could still switch to `form`, which changes these fields. */
	couldSwitch(form: AlternateForm, fields: readonly string[]): void;
}

/** A reading whose value needs no more work. */
export function readingOf<Shape extends FieldShape>(
	choice: Shape['choice'],
	request: Shape['request'],
): FieldReading<Shape> {
	return { choice, value: () => request };
}
