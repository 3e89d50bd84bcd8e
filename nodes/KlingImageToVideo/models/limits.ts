/** What every provider documents for Kling image-to-video input; checked before anything is paid for. */
export const LIMITS = {
	maxImageBytes: 10 * 1024 * 1024,
	minImageSidePx: 300,
	maxAspectRatio: 2.5,
	maxPromptChars: 2500,
	minGuidanceScale: 0,
	maxGuidanceScale: 1,
} as const;

/** 2500 → "2,500". Without Intl: its first use costs more than loading the whole node. */
export function formatCount(count: number): string {
	return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
