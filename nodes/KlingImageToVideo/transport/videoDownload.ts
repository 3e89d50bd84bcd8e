import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import {
	Mp4FactsReader,
	readFactsAsItStreams,
	type ChunkEmitter,
	type VideoFacts,
} from '../media/mp4Facts';
import { describeNetworkFailure } from './networkErrors';

/**
 * Fetches a finished video from the provider's storage host and streams it into n8n's binary data
 * store. It goes through the plain request helper, so no credential is attached: the API key never
 * reaches the storage host, nor any host a redirect leads to.
 */

export type DownloadOutcome =
	/** `facts`: read from the MP4's moov as it streamed; absent when the file is not a readable MP4. */
	| { kind: 'stored'; binary: IBinaryData; facts?: VideoFacts & { bytes: number } }
	/** 401/403/404/410 at the storage host: signed URLs expire, so ask the provider for a fresh one. */
	| { kind: 'urlRejected'; statusCode: number }
	| { kind: 'retryable'; reason: string };

interface Readable {
	destroy(error?: Error): void;
	resume?(): void;
}

const URL_REJECTED_STATUSES = new Set([401, 403, 404, 410]);

export async function downloadVideo(
	ctx: IExecuteFunctions,
	url: string,
	fileName: string,
	options: { timeoutMs: number; signal: AbortSignal },
): Promise<DownloadOutcome> {
	let response: IN8nHttpFullResponse;
	try {
		response = (await ctx.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'stream',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: options.timeoutMs,
			abortSignal: options.signal,
		})) as IN8nHttpFullResponse;
	} catch (error) {
		return {
			kind: 'retryable',
			reason: `the video download failed: ${describeNetworkFailure(error).summary}`,
		};
	}

	const body = response.body as Readable;
	if (response.statusCode < 200 || response.statusCode >= 300) {
		body.destroy();
		if (URL_REJECTED_STATUSES.has(response.statusCode))
			return { kind: 'urlRejected', statusCode: response.statusCode };
		return { kind: 'retryable', reason: `the video host answered ${response.statusCode}` };
	}

	const expectedBytes = Number((response.headers as IDataObject)['content-length']);
	const mp4 = new Mp4FactsReader();
	readFactsAsItStreams(response.body as ChunkEmitter, mp4);
	let binary: IBinaryData;
	try {
		binary = await ctx.helpers.prepareBinaryData(response.body as Buffer, fileName, 'video/mp4');
	} catch (error) {
		body.destroy();
		return {
			kind: 'retryable',
			reason: `the video download broke off: ${describeNetworkFailure(error).summary}`,
		};
	}
	if (
		Number.isFinite(expectedBytes) &&
		expectedBytes > 0 &&
		binary.bytes !== undefined &&
		binary.bytes !== expectedBytes
	) {
		return {
			kind: 'retryable',
			reason: `the video arrived incomplete (${binary.bytes} of ${expectedBytes} bytes)`,
		};
	}
	mp4.end();
	if (!mp4.facts) ctx.logger.debug(`Video ${fileName} stored without its facts: ${mp4.problem}`);
	const facts = mp4.facts && { ...mp4.facts, bytes: binary.bytes ?? mp4.bytes };
	return { kind: 'stored', binary, ...(facts && { facts }) };
}
