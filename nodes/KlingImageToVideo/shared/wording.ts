import { MODE_NAMES, type VideoMode } from '../models/catalogue';

/** How values are named in the editor and in refusals. */

/** "a, b or c" (or "a, b and c"). */
export function listNames(names: string[], conjunction: 'or' | 'and' = 'or'): string {
	return names.length < 2
		? names.join('')
		: `${names.slice(0, -1).join(', ')} ${conjunction} ${names.at(-1)}`;
}

/** `"standard" (Standard), "professional" (Professional)`: the values a refusal accepts. */
export function listModes(modes: readonly VideoMode[]): string {
	return modes.map((mode) => `"${mode}" (${MODE_NAMES[mode]})`).join(', ');
}

export function describeType(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'a list';
	return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A README cell: "yes" where every tier offered has it, else the tiers that do ("in Standard, 4K"). */
export function tiersCell(offered: readonly VideoMode[], tiers: readonly VideoMode[]): string {
	return tiers.length === offered.length
		? 'yes'
		: `in ${tiers.map((mode) => MODE_NAMES[mode]).join(', ')}`;
}
