/**
 * Plain-text tables for the benchmark's output (also pasted into docs/benchmarks.md as they are).
 */

export type Cell = string | number | undefined;

export function table(headers: string[], rows: Cell[][]): string {
	const text = rows.map((row) => row.map((cell) => (cell === undefined ? '' : String(cell))));
	const widths = headers.map((header, column) =>
		Math.max(header.length, ...text.map((row) => (row[column] ?? '').length)),
	);
	const line = (cells: string[]) =>
		`| ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join(' | ')} |`;
	const rule = `|${widths.map((width, column) => (column === 0 ? `${'-'.repeat(width + 1)}-` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
	return [line(headers), rule, ...text.map(line)].join('\n');
}

export const seconds = (ms: number, digits = 1) =>
	Number.isFinite(ms) ? `${(ms / 1000).toFixed(digits)} s` : 'n/a';
export const mb = (kb: number) => (kb > 0 ? `${(kb / 1024).toFixed(0)} MB` : 'n/a');
export const signedMb = (kb: number) => `${kb >= 0 ? '+' : ''}${(kb / 1024).toFixed(1)} MB`;
export const fixed = (value: number, digits = 2) =>
	Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
export const ratio = (a: number, b: number) =>
	Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}×` : 'n/a';
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
