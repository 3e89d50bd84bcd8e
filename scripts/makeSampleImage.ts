/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, no-console -- test tooling runs in plain Node, outside n8n's sandbox */
/**
 * Draws examples/assets/sample.png: a mountain lake at sunset, 768×512, the first frame `npm run demo`
 * animates. Deterministic, no dependencies: `npx tsx scripts/makeSampleImage.ts [output.png]`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { encodePng } from '../tools/png';

const WIDTH = 768;
const HEIGHT = 512;
const HORIZON = Math.round(HEIGHT * 0.6);

type Rgb = [number, number, number];

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
	a[0] + (b[0] - a[0]) * t,
	a[1] + (b[1] - a[1]) * t,
	a[2] + (b[2] - a[2]) * t,
];
const clamp01 = (value: number) => Math.min(1, Math.max(0, value));
const smooth = (edge0: number, edge1: number, value: number) => {
	const t = clamp01((value - edge0) / (edge1 - edge0));
	return t * t * (3 - 2 * t);
};

/** A colour ramp through the given stops (position 0..1). */
function ramp(stops: Array<[number, Rgb]>, t: number): Rgb {
	for (let index = 1; index < stops.length; index++) {
		const [position, color] = stops[index];
		const [previousPosition, previousColor] = stops[index - 1];
		if (t <= position) return mix(previousColor, color, smooth(previousPosition, position, t));
	}
	return stops[stops.length - 1][1];
}

const SUN = { x: WIDTH * 0.68, y: HORIZON - 92, radius: 30 };

function sky(x: number, y: number): Rgb {
	const t = y / HORIZON;
	let color = ramp(
		[
			[0, [22, 28, 66]],
			[0.35, [78, 56, 120]],
			[0.7, [214, 104, 96]],
			[0.92, [255, 168, 92]],
			[1, [255, 204, 128]],
		],
		t,
	);
	const distance = Math.hypot(x - SUN.x, (y - SUN.y) * 1.15);
	const glow = Math.exp(-((distance / 150) ** 2)) * 0.55 + Math.exp(-((distance / 60) ** 2)) * 0.35;
	color = mix(color, [255, 226, 170], clamp01(glow));
	if (distance < SUN.radius)
		color = mix(color, [255, 246, 222], smooth(SUN.radius, SUN.radius - 2.5, distance));
	// A few stars high up, where the sky is still dark.
	const star = Math.sin(x * 12.9898 + y * 78.233) * 43758.5453;
	if (t < 0.35 && star - Math.floor(star) > 0.9993)
		color = mix(color, [255, 255, 240], 0.8 * (1 - t / 0.35));
	return color;
}

/** Ridge height (pixels above the horizon) of a mountain layer at column x. */
function ridge(x: number, layer: number): number {
	const u = x / WIDTH;
	const shapes = [
		() =>
			120 + 55 * Math.sin(u * 5.1 + 1.3) + 28 * Math.sin(u * 13.7 + 0.4) + 9 * Math.sin(u * 41 + 2),
		() =>
			78 +
			40 * Math.sin(u * 7.3 + 4.1) +
			18 * Math.sin(u * 19.1 + 1.7) +
			6 * Math.sin(u * 57 + 0.5),
		() =>
			34 + 22 * Math.sin(u * 9.7 + 2.2) + 10 * Math.sin(u * 27.3 + 3.1) + 4 * Math.sin(u * 83 + 1),
	];
	return shapes[layer]();
}

const MOUNTAIN_COLORS: Rgb[] = [
	[150, 88, 128],
	[92, 54, 104],
	[46, 30, 66],
];

/** The scene above the water line. */
function land(x: number, y: number): Rgb {
	let color = sky(x, y);
	for (let layer = 0; layer < 3; layer++) {
		const top = HORIZON - ridge(x, layer);
		if (y >= top) {
			const depth = clamp01((y - top) / (HORIZON - top + 1));
			const base = MOUNTAIN_COLORS[layer];
			// Light from the sun catches the far ridges; haze lifts them toward the sky colour.
			const lit = mix(base, [236, 150, 120], (1 - depth) * (0.35 - layer * 0.12));
			color = mix(lit, mix(base, [20, 14, 36], 0.4), depth * 0.6);
		}
	}
	return color;
}

/** Dark pines on the near shore, left and right. */
function pine(x: number, y: number): boolean {
	const trees = [
		{ x: 60, base: HEIGHT - 70, height: 190, width: 44 },
		{ x: 108, base: HEIGHT - 60, height: 140, width: 34 },
		{ x: 22, base: HEIGHT - 64, height: 120, width: 30 },
		{ x: 712, base: HEIGHT - 66, height: 170, width: 40 },
		{ x: 752, base: HEIGHT - 58, height: 120, width: 30 },
	];
	return trees.some((tree) => {
		const fromTop = y - (tree.base - tree.height);
		if (fromTop < 0 || y > tree.base)
			return Math.abs(x - tree.x) < 3 && y > tree.base && y < tree.base + 14;
		const halfWidth =
			(fromTop / tree.height) * tree.width * (0.75 + 0.25 * Math.abs(Math.sin(fromTop / 9)));
		return Math.abs(x - tree.x) < halfWidth;
	});
}

function shoreTop(x: number): number {
	const u = x / WIDTH;
	const edge = Math.max(0, 1 - Math.min(u, 1 - u) * 3.2);
	return HEIGHT - 58 - 26 * edge * edge + 4 * Math.sin(u * 31);
}

function pixel(x: number, y: number): Rgb {
	if (pine(x, y) || y >= shoreTop(x))
		return mix([16, 12, 26], [40, 26, 44], clamp01((HEIGHT - y) / 120) * 0.4);
	if (y < HORIZON) return land(x, y);
	// Water: the land mirrored, rippled, darker and bluer further from the shore line.
	const below = y - HORIZON;
	const ripple = Math.sin(below * 0.9 + Math.sin(x * 0.05) * 2) * (1 + below * 0.06);
	const mirrorY = Math.max(0, HORIZON - 1 - below * 1.05);
	const reflected = land(Math.min(WIDTH - 1, Math.max(0, x + ripple)), mirrorY);
	let color = mix(reflected, [30, 36, 78], clamp01(0.25 + below / 260));
	// The sun's glitter path on the water.
	const path = Math.exp(-(((x - SUN.x) / (14 + below * 0.55)) ** 2));
	const glitter = 0.5 + 0.5 * Math.sin(below * 1.7 + x * 0.21) * Math.sin(below * 0.37);
	color = mix(color, [255, 214, 150], clamp01(path * glitter * (1 - below / 240)));
	return color;
}

/** Renders `pixel` 2×2 supersampled into an RGB PNG (the sample scene and the product shot). */
export function renderSupersampledPng(
	width: number,
	height: number,
	pixel: (x: number, y: number) => readonly number[],
): Buffer {
	const rgb = new Uint8Array(width * height * 3);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const samples = [pixel(x, y), pixel(x + 0.5, y), pixel(x, y + 0.5), pixel(x + 0.5, y + 0.5)];
			for (let channel = 0; channel < 3; channel++) {
				const value = samples.reduce((sum, sample) => sum + sample[channel], 0) / samples.length;
				rgb[(y * width + x) * 3 + channel] = Math.round(Math.min(255, Math.max(0, value)));
			}
		}
	}
	return encodePng(width, height, rgb);
}

/** Renders the scene and returns it as PNG bytes. */
export function renderSampleImage(): Buffer {
	return renderSupersampledPng(WIDTH, HEIGHT, pixel);
}

if (require.main === module) {
	const output = process.argv[2] ?? path.join(__dirname, '..', 'examples', 'assets', 'sample.png');
	mkdirSync(path.dirname(output), { recursive: true });
	const png = renderSampleImage();
	writeFileSync(output, png);
	console.log(`${output}: ${WIDTH}×${HEIGHT} PNG, ${(png.length / 1024).toFixed(0)} KB`);
}
