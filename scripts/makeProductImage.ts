/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Draws examples/assets/product.png: a product shot (an amber serum bottle on a studio table),
 * 540×960, the portrait photo the 9:16 example animates. Deterministic, no dependencies:
 * `npx tsx scripts/makeProductImage.ts [output.png]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { renderSupersampledPng } from './makeSampleImage';

const WIDTH = 540;
const HEIGHT = 960;
const TABLE_TOP = 700;
const CENTER = WIDTH / 2;

type Rgb = [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
	a[0] + (b[0] - a[0]) * t,
	a[1] + (b[1] - a[1]) * t,
	a[2] + (b[2] - a[2]) * t,
];
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
/** Coverage of a shape whose signed distance is `distance` (negative inside), over a 1 px edge. */
const inside = (distance: number) => clamp01(0.5 - distance);

/** Signed distance to a rectangle centred on (cx, cy) with rounded corners. */
function roundedRect(
	x: number,
	y: number,
	box: { cx: number; cy: number; halfWidth: number; halfHeight: number; radius: number },
): number {
	const dx = Math.abs(x - box.cx) - (box.halfWidth - box.radius);
	const dy = Math.abs(y - box.cy) - (box.halfHeight - box.radius);
	return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - box.radius;
}

const BODY = { cx: CENTER, cy: 560, halfWidth: 104, halfHeight: 150, radius: 34 };
const NECK = { cx: CENTER, cy: 392, halfWidth: 34, halfHeight: 26, radius: 6 };
const CAP = { cx: CENTER, cy: 330, halfWidth: 46, halfHeight: 44, radius: 10 };
const LABEL = { cx: CENTER, cy: 585, halfWidth: 74, halfHeight: 66, radius: 4 };

function background(x: number, y: number): Rgb {
	if (y < TABLE_TOP) {
		const wall = mix([246, 232, 214], [236, 206, 186], y / TABLE_TOP);
		// A soft spotlight behind the product.
		const light = Math.exp(-((Math.hypot(x - CENTER, y - 480) / 330) ** 2));
		return mix(wall, [255, 246, 234], 0.6 * light);
	}
	const depth = (y - TABLE_TOP) / (HEIGHT - TABLE_TOP);
	let table = mix([214, 178, 150], [176, 138, 114], depth);
	// The bottle's shadow, cast forward and a little to the right.
	const shadow = Math.exp(-(((x - CENTER - 30) / 150) ** 2 + ((y - 722) / 22) ** 2));
	table = mix(table, [120, 86, 70], 0.55 * shadow);
	return table;
}

/** Amber glass lit from the left: darker at the edges, a highlight stripe, a rim of light. */
function glass(x: number, y: number): Rgb {
	const across = (x - (BODY.cx - BODY.halfWidth)) / (2 * BODY.halfWidth);
	const roundness = Math.sin(Math.PI * clamp01(across));
	let color = mix([92, 44, 16], [196, 112, 38], roundness);
	color = mix(color, [150, 80, 28], clamp01((y - 420) / 320) * 0.4);
	const highlight = Math.exp(-(((across - 0.28) / 0.05) ** 2));
	color = mix(color, [255, 226, 178], 0.75 * highlight);
	const rim = Math.exp(-(((across - 0.9) / 0.03) ** 2));
	return mix(color, [255, 196, 132], 0.35 * rim);
}

function label(x: number, y: number): Rgb {
	let color: Rgb = [248, 240, 226];
	// A brand line and three lines of small print, as bars.
	const bars = [
		{ cy: 548, halfHeight: 9, halfWidth: 50, color: [60, 40, 30] as Rgb },
		{ cy: 580, halfHeight: 3, halfWidth: 56, color: [150, 120, 100] as Rgb },
		{ cy: 600, halfHeight: 3, halfWidth: 44, color: [150, 120, 100] as Rgb },
		{ cy: 620, halfHeight: 3, halfWidth: 50, color: [150, 120, 100] as Rgb },
	];
	for (const bar of bars) {
		const coverage = inside(roundedRect(x, y, { cx: CENTER, ...bar, radius: 2 }));
		color = mix(color, bar.color, coverage);
	}
	return color;
}

function cap(x: number): Rgb {
	const across = (x - (CAP.cx - CAP.halfWidth)) / (2 * CAP.halfWidth);
	const color = mix([26, 24, 28], [88, 84, 90], Math.sin(Math.PI * clamp01(across)));
	return mix(color, [220, 214, 220], 0.6 * Math.exp(-(((across - 0.3) / 0.06) ** 2)));
}

function pixel(x: number, y: number): Rgb {
	let color = background(x, y);
	color = mix(color, glass(x, y), inside(roundedRect(x, y, NECK)));
	color = mix(color, glass(x, y), inside(roundedRect(x, y, BODY)));
	color = mix(color, label(x, y), inside(roundedRect(x, y, LABEL)));
	color = mix(color, cap(x), inside(roundedRect(x, y, CAP)));
	return color;
}

/** Renders the product shot and returns it as PNG bytes. */
export function renderProductImage(): Buffer {
	return renderSupersampledPng(WIDTH, HEIGHT, pixel);
}

if (require.main === module) {
	const output = process.argv[2] ?? path.join(__dirname, '..', 'examples', 'assets', 'product.png');
	mkdirSync(path.dirname(output), { recursive: true });
	const png = renderProductImage();
	writeFileSync(output, png);
	console.log(`${output}: ${WIDTH}×${HEIGHT} PNG, ${(png.length / 1024).toFixed(0)} KB`);
}
