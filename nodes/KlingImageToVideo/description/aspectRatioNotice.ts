import type { INodeProperties } from 'n8n-workflow';

import { offerVariants, showFor } from './offerVariants';

/**
 * Where a model takes no aspect ratio, the video keeps the image's shape: said where the Aspect
 * Ratio field would be, so a vertical clip is made by giving a vertical (9:16) image.
 */
export function aspectRatioNotices(): INodeProperties[] {
	return offerVariants((offer) => (offer.aspectRatios.length === 0 ? true : undefined)).map(
		(variant): INodeProperties => ({
			displayName:
				'Aspect Ratio: the image decides. This model takes no aspect ratio here, so the video has the shape of the image: for Reels, Shorts or TikTok give a 9:16 image (crop or pad it first, e.g. with the Edit Image node).',
			name: 'aspectRatioNotice',
			type: 'notice',
			default: '',
			displayOptions: showFor(variant),
		}),
	);
}
