/* eslint-disable @n8n/community-nodes/no-restricted-imports -- test tooling runs in plain Node, outside n8n's sandbox */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What a callback receiver got: one entry per call, in arrival order. */
export interface ReceivedCall {
	at: number;
	path: string;
	body: unknown;
}

export interface CallbackReceiver {
	/** An address with a token in its query, shaped like n8n 2.x's resume URL. */
	url: string;
	/** The token alone, which must not leak either. */
	token: string;
	/**
	 * An expression that makes the address, as a node parameter holds `{{ $execution.resumeUrl }}`:
	 * n8n records a failed node's parameters with its error, so a literal address would show there.
	 */
	expression: string;
	calls: ReceivedCall[];
	close(): Promise<void>;
}

/** A local stand-in for whoever the provider calls back: answers 200 to everything and records it. */
export async function startCallbackReceiver(status = 200): Promise<CallbackReceiver> {
	const calls: ReceivedCall[] = [];
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			let body: unknown;
			try {
				body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
			} catch {
				body = undefined;
			}
			calls.push({ at: Date.now(), path: req.url ?? '', body });
			res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const marker = 'resume-token-7f3a9c2e41b8d605';
	return {
		url: `http://127.0.0.1:${port}/webhook-waiting/4711?signature=${marker}`,
		token: marker,
		expression: `={{ 'http://127.0.0.1:${port}/webhook-waiting/4711?signature=' + 'resume-token-' + '7f3a9c2e41b8d605' }}`,
		calls,
		close: () =>
			new Promise<void>((resolve) => {
				server.closeAllConnections();
				server.close(() => resolve());
			}),
	};
}
