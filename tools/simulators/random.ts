/** Seeded PRNG (mulberry32), so latencies, eta noise and random fault mixes are reproducible. */
export function createRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** One draw in [0, 1) fixed by (seed, ...keys), independent of the order tasks arrive in. */
export function randomFor(seed: number, ...keys: number[]): number {
	let hash = (seed ^ 0x9e3779b9) >>> 0;
	for (const key of keys) {
		hash = Math.imul(hash ^ (key >>> 0), 0x85ebca6b) >>> 0;
		hash = (hash ^ (hash >>> 13)) >>> 0;
	}
	return createRandom(hash)();
}

/** A UUID v4 drawn from a seeded generator, so task ids repeat across runs with the same seed. */
export function seededUuid(random: () => number): string {
	const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16));
	hex[12] = '4';
	hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
	const s = hex.join('');
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
