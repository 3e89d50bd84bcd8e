/* eslint-disable @n8n/community-nodes/no-restricted-imports, no-console -- test tooling runs in plain Node, outside n8n's sandbox */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CallbackSender, callbackUrlOf } from './callbacks';
import { now, TimerSet } from './clock';
import { FaultPlan } from './faults';
import type { ApiRoute, ProviderAdapter, Refusal, StatusView } from './providers/adapter';
import { reasonForStatus } from './providers/adapter';
import { adapterFor } from './providers';
import { createRandom, randomFor, seededUuid } from './random';
import { OutcomeRules, SimTask } from './tasks';
import type { CallbackRecord } from './callbacks';
import type {
	FaultAction,
	FaultKind,
	ProviderId,
	RecordedRequest,
	ServerName,
	Simulator,
	SimulatorOptions,
	TaskOutcome,
	TaskSelector,
} from './types';
import { makeTestPng, videoStream } from './video';

const DEFAULT_API_KEY = 'sim-key-123';
/** The Kling key pair a simulator accepts unless told otherwise. */
export const DEFAULT_KEY_PAIR = { accessKey: 'sim-access-key', secretKey: 'dummy-sim-secret-key' };
const DEFAULT_BALANCE_REFUSAL: Refusal = { status: 403, reason: 'NOT_ENOUGH_BALANCE' };
const DEFAULT_LATENCY_MS = 200;
const DEFAULT_QUEUE_MS = 20;
const DEFAULT_ETA_NOISE = 0.1;
const DEFAULT_VIDEO_BYTES = 2048;
const DEFAULT_VIDEO_URL_TTL_MS = 3600 * 1000;
const MAX_REQUEST_BODY_BYTES = 64 * 1024 * 1024;
const RELISTEN_ATTEMPTS = 100;
const SERVER_NAMES: ServerName[] = ['api', 'video', 'other'];
/** Kept apart from the node's registry on purpose (the simulators answer as the APIs do, not as the node reads them); a unit test keeps the two lists equal. */
export const PROVIDERS: ProviderId[] = [
	'novita',
	'myRouter',
	'highwayApi',
	'aimlApi',
	'gmiCloud',
	'kling',
	'fal',
];

/** A response before it is written, so faults can delay, cut or replace it. */
interface Reply {
	status: number;
	body: string | Buffer;
	contentType?: string;
	headers?: Record<string, string>;
	/** Runs only if the whole response left the server (a terminal status counts as reported then). */
	onDelivered?: () => void;
}

/** The simulator behind startSimulator(): one provider's API, its video CDN and a foreign origin, all on 127.0.0.1. */
export class ProviderSimulator implements Simulator {
	readonly provider: ProviderId;
	readonly apiKey: string;
	readonly accessKey: string;
	readonly secretKey: string;
	baseUrl = '';
	videoHostUrl = '';
	otherHostUrl = '';
	readonly faults = new FaultPlan();
	readonly requests: RecordedRequest[] = [];
	readonly tasks: SimTask[] = [];

	private readonly adapter: ProviderAdapter;
	private readonly seed: number;
	private readonly servers = {} as Record<ServerName, http.Server>;
	private readonly sockets = {} as Record<ServerName, Set<Socket>>;
	private readonly ports = {} as Record<ServerName, number>;
	private readonly timers = new TimerSet();
	private readonly outcomes = new OutcomeRules();
	private readonly callbackSender: CallbackSender;
	private readonly taskById = new Map<string, SimTask>();
	private readonly taskByExternalId = new Map<string, SimTask>();
	/** Issued video URLs made to fail, by their token. */
	private readonly expiredUrls = new Map<string, 403 | 404>();
	private readonly urlSecret = randomBytes(16);
	private readonly idRandom: () => number;
	private issuedUrls = 0;
	private statusInFlight = 0;
	private statusPeak = 0;
	private closed = false;

	constructor(private readonly options: SimulatorOptions) {
		if (!PROVIDERS.includes(options.provider))
			throw new Error(`Unknown provider '${String(options.provider)}'`);
		this.provider = options.provider;
		this.apiKey = options.apiKey ?? DEFAULT_API_KEY;
		this.accessKey = options.accessKey ?? DEFAULT_KEY_PAIR.accessKey;
		this.secretKey = options.secretKey ?? DEFAULT_KEY_PAIR.secretKey;
		this.seed = options.seed ?? 1;
		// Mixing in the provider keeps ids distinct between simulators of different providers in one test.
		this.idRandom = createRandom(this.seed ^ hashString(options.provider));
		this.adapter = adapterFor(options.provider, options.shapes ?? {}, options.requestForms);
		if (options.faults) this.faults.add(...options.faults);
		this.callbackSender = new CallbackSender(options.provider, this.timers, options.callbacks);
	}

	get callbacks(): CallbackRecord[] {
		return this.callbackSender.sent;
	}

	async start(): Promise<void> {
		for (const name of SERVER_NAMES) {
			const server = http.createServer((req, res) => this.handle(name, req, res));
			const sockets = new Set<Socket>();
			server.on('connection', (socket: Socket) => {
				sockets.add(socket);
				socket.once('close', () => sockets.delete(socket));
			});
			this.servers[name] = server;
			this.sockets[name] = sockets;
		}
		let listening = false;
		try {
			for (const name of SERVER_NAMES) {
				await this.listen(name, name === 'api' ? (this.options.port ?? 0) : 0);
				this.ports[name] = (this.servers[name].address() as AddressInfo).port;
			}
			listening = true;
		} finally {
			if (!listening) await this.close(); // e.g. the requested port is taken: free the others
		}
		this.baseUrl = `http://127.0.0.1:${this.ports.api}`;
		this.videoHostUrl = `http://127.0.0.1:${this.ports.video}`;
		this.otherHostUrl = `http://127.0.0.1:${this.ports.other}`;
	}

	submissions(): number {
		return this.tasks.length;
	}

	statusCallsFor(taskId: string): number {
		return this.taskById.get(taskId)?.statusCalls ?? 0;
	}

	maxConcurrentStatusRequests(): number {
		return this.statusPeak;
	}

	setTaskOutcome(selector: TaskSelector, outcome: TaskOutcome): void {
		this.outcomes.set(selector, outcome, this.tasks);
	}

	finishNow(taskId?: string): void {
		const time = now();
		const targets = taskId === undefined ? this.tasks : [this.taskById.get(taskId)];
		for (const task of targets) {
			if (!task) throw new Error(`finishNow: no task ${taskId}`);
			if (task.finishesAt <= time) continue;
			task.finishesAt = time;
			task.processingStartsAt = Math.min(task.processingStartsAt, time);
		}
	}

	expireVideoUrl(url: string, status: 403 | 404 = 403): void {
		const token = new URL(url).searchParams.get('token');
		if (!token) throw new Error(`expireVideoUrl: ${url} is not a URL this simulator issued`);
		this.expiredUrls.set(token, status);
	}

	reset(): void {
		this.tasks.length = 0;
		this.taskById.clear();
		this.taskByExternalId.clear();
		this.requests.length = 0;
		this.callbackSender.sent.length = 0;
		this.faults.clear();
		this.outcomes.clear();
		this.expiredUrls.clear();
		this.statusPeak = this.statusInFlight;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		this.timers.clearAll();
		await Promise.all(
			SERVER_NAMES.filter((name) => this.servers[name]).map(
				(name) =>
					new Promise<void>((resolve) => {
						const server = this.servers[name];
						for (const socket of this.sockets[name]) socket.destroy();
						if (server.listening) server.close(() => resolve());
						else resolve();
					}),
			),
		);
	}

	// ---- request handling -------------------------------------------------------------------

	private handle(server: ServerName, req: http.IncomingMessage, res: http.ServerResponse): void {
		const url = new URL(req.url ?? '/', 'http://127.0.0.1');
		const entry: RecordedRequest = {
			at: now(),
			server,
			method: req.method ?? 'GET',
			path: url.pathname,
			query: Object.fromEntries(url.searchParams),
			headers: flattenHeaders(req.headers),
			bodyBytes: 0,
			kind: 'unknown',
			status: 'pending',
		};
		this.requests.push(entry);
		res.once('close', () => {
			if (entry.status === 'pending') entry.status = 'reset';
		});
		// 'finish': the last byte went to the socket (for a video, the end of the download).
		res.once('finish', () => {
			entry.completedAt = now();
		});
		const work =
			server === 'api'
				? this.handleApi(req, res, entry, url)
				: this.handleMedia(server, req, res, entry, url);
		work.catch((error: unknown) => {
			if (req.destroyed || res.destroyed) return; // the client went away mid-request: nothing to answer
			console.error('[simulator] request handler failed', error);
			if (res.headersSent) res.destroy();
			else this.send(res, entry, { status: 500, body: JSON.stringify({ error: String(error) }) });
		});
	}

	private async handleApi(
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: RecordedRequest,
		url: URL,
	): Promise<void> {
		const body = await readBody(req, MAX_REQUEST_BODY_BYTES);
		entry.bodyBytes = body.bytes;
		const route = this.adapter.route(entry.method, entry.path, url.searchParams);
		if (!route) {
			return this.send(
				res,
				entry,
				this.errorReply(404, 'NOT_FOUND', `no route for ${entry.method} ${entry.path}`, entry.path),
			);
		}
		entry.kind = route.kind;
		if (route.kind === 'status') {
			entry.taskId = this.findTask(route.taskId)?.id ?? route.taskId;
			this.countStatusCall(entry.taskId, res);
		}
		if (route.kind === 'result') entry.taskId = route.taskId;
		const fault = this.pickFault(entry, route.kind);
		if (!body.data)
			return this.send(
				res,
				entry,
				this.errorReply(413, 'PAYLOAD_TOO_LARGE', undefined, entry.path),
			);
		const rawBody = body.data;
		const answer = () => this.answerApi(route, rawBody, entry, req.headers.authorization);
		return this.respondWithFault('api', res, entry, fault, answer, route.kind === 'submit');
	}

	private answerApi(
		route: ApiRoute,
		rawBody: Buffer,
		entry: RecordedRequest,
		authorization?: string,
	): Reply {
		const refusedKey = this.adapter.authorize
			? this.adapter.authorize(authorization, {
					apiKey: this.apiKey,
					accessKey: this.accessKey,
					secretKey: this.secretKey,
					now: now() + (this.options.clockOffsetMs ?? 0),
				})
			: /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1] === this.apiKey
				? undefined
				: 'INVALID_API_KEY';
		if (refusedKey) return this.errorReply(401, refusedKey, undefined, entry.path);
		const insufficient = this.options.balance === 'insufficient';
		switch (route.kind) {
			case 'balance':
				return jsonReply(200, this.adapter.balanceResponse(insufficient, route));
			case 'models':
				return jsonReply(200, this.adapter.modelsResponse());
			case 'pricing':
				return jsonReply(200, this.adapter.pricingResponse?.(route.endpointId) ?? {});
			case 'submit':
				return this.submit(route, rawBody, entry, insufficient);
			case 'status':
				return this.statusReply(route, entry);
			case 'result':
				return this.resultReply(route.taskId, entry);
			case 'list':
			case 'lookup':
				return this.listReply(route);
		}
	}

	/** A task by id, or (where the API reads external ids in the status path) by the client's id. */
	private findTask(id: string): SimTask | undefined {
		const byId = this.taskById.get(id);
		if (byId || this.options.externalIdLookup !== 'path') return byId;
		const byExternalId = this.taskByExternalId.get(id);
		return byExternalId && this.visibleToLookups(byExternalId) ? byExternalId : undefined;
	}

	private visibleToLookups(task: SimTask): boolean {
		return now() >= task.createdAt + (this.options.lookupDelayMs ?? 0);
	}

	/** Kling's task list, newest first; asked by external_task_id, filtered or not by the reading simulated. */
	private listReply(route: Extract<ApiRoute, { kind: 'list' | 'lookup' }>): Reply {
		const time = now();
		let tasks = this.tasks
			.filter((task) => task.collection === route.collection && task.outcome.status !== 'unknown')
			.filter((task) => this.visibleToLookups(task))
			.reverse();
		if (route.kind === 'lookup' && this.options.externalIdLookup !== 'path')
			tasks = tasks.filter((task) => task.externalId === route.externalId);
		const pageSize = Number.isInteger(route.pageSize) && route.pageSize > 0 ? route.pageSize : 30;
		const entries = tasks
			.slice(0, Math.min(pageSize, 500))
			.map((task) => ({ task, view: this.statusView(task, time) }));
		return jsonReply(200, this.adapter.listResponse?.(entries) ?? entries);
	}

	/** fal's result request: the video, the request's error, or "still in progress". */
	private resultReply(taskId: string, entry: RecordedRequest): Reply {
		const task = this.taskById.get(taskId);
		if (!task || task.outcome.status === 'unknown')
			return this.errorReply(404, 'TASK_NOT_FOUND', undefined, entry.path);
		const view = this.statusView(task, now());
		if (view.status === 'queued' || view.status === 'processing') {
			const pending = this.adapter.pendingResult?.(task) ?? { status: 400, body: {} };
			return jsonReply(pending.status, pending.body);
		}
		if (view.status !== 'succeeded') {
			const failed = this.adapter.resultError?.(task) ?? { status: 500, body: {} };
			return jsonReply(failed.status, failed.body);
		}
		const reply = jsonReply(200, this.adapter.resultResponse?.(task, view) ?? {});
		reply.onDelivered = () => {
			task.firstReportedTerminalAt ??= now();
		};
		return reply;
	}

	private submit(
		route: ApiRoute,
		rawBody: Buffer,
		entry: RecordedRequest,
		insufficient: boolean,
	): Reply {
		let body: unknown;
		try {
			body = JSON.parse(rawBody.toString('utf8'));
		} catch {
			return this.errorReply(
				400,
				'INVALID_REQUEST_BODY',
				'request body is not valid JSON',
				entry.path,
			);
		}
		const verdict = this.adapter.validateSubmit(route, body, {
			imageBytes: this.options.imageBytes,
		});
		if ('error' in verdict)
			return this.errorReply(400, 'INVALID_REQUEST_BODY', verdict.error, entry.path);
		if (this.options.retiredModels?.includes(verdict.model)) {
			const retired = this.adapter.modelRefusal?.(verdict.model) ?? {
				status: 404,
				reason: 'NOT_FOUND',
				message: `no route for ${entry.method} ${entry.path}`,
			};
			return this.errorReply(retired.status, retired.reason, retired.message, entry.path);
		}
		const refusal = this.submissionRefusal(verdict.externalId, insufficient);
		if (refusal) return this.errorReply(refusal.status, refusal.reason, undefined, entry.path);
		const collection = route.kind === 'submit' ? route.collection : undefined;
		const task = this.createTask(verdict.model, body, collection, verdict.externalId);
		if (verdict.readAs) task.readAs = verdict.readAs;
		entry.taskId = task.id;
		const callbackUrl = callbackUrlOf(this.provider, body, entry.query);
		if (callbackUrl) this.callbackSender.schedule(task, callbackUrl);
		return jsonReply(200, this.adapter.submitResponse(task, this.baseUrl));
	}

	/** Why a valid submission is refused: the balance, a client id already used, or the account's concurrency. */
	private submissionRefusal(
		externalId: string | undefined,
		insufficient: boolean,
	): Refusal | undefined {
		if (insufficient) return this.adapter.balanceRefusal ?? DEFAULT_BALANCE_REFUSAL;
		const { duplicateRefusal, concurrencyRefusal } = this.adapter;
		if (externalId !== undefined && duplicateRefusal && this.taskByExternalId.has(externalId))
			return duplicateRefusal;
		const limit = this.options.concurrency;
		if (limit !== undefined && this.adapter.concurrency === 'refuse' && concurrencyRefusal) {
			const time = now();
			const running = this.tasks.filter((task) => {
				const status = task.statusAt(time);
				return status === 'queued' || status === 'processing';
			}).length;
			if (running >= limit) return concurrencyRefusal;
		}
		return undefined;
	}

	private statusReply(route: Extract<ApiRoute, { kind: 'status' }>, entry: RecordedRequest): Reply {
		if (!route.taskId)
			return this.errorReply(400, 'INVALID_REQUEST_BODY', 'task id is required', entry.path);
		const task = this.findTask(route.taskId);
		if (!task || task.outcome.status === 'unknown' || task.collection !== route.collection)
			return this.errorReply(404, 'TASK_NOT_FOUND', undefined, entry.path);
		const view = this.statusView(task, now());
		const failure = this.adapter.statusError?.(task, view);
		const reply = failure
			? this.errorReply(failure.status, failure.reason, failure.message, entry.path)
			: jsonReply(200, this.adapter.statusResponse(task, view));
		if (view.status !== 'queued' && view.status !== 'processing') {
			reply.onDelivered = () => {
				task.firstReportedTerminalAt ??= now();
			};
		}
		return reply;
	}

	private statusView(task: SimTask, time: number): StatusView {
		const status = task.statusAt(time) as StatusView['status'];
		const running = status === 'queued' || status === 'processing';
		const noise =
			(this.options.etaNoise ?? DEFAULT_ETA_NOISE) *
			(2 * randomFor(this.seed, task.index, task.statusCalls) - 1);
		const remainingSeconds = Math.max(0, task.finishesAt - time) / 1000;
		const fraction = task.processingFraction(time);
		// A late URL: the first answers after success carry none (each answer counts once).
		const urlWithheld =
			status === 'succeeded' && task.answersWithoutUrl < (this.options.videoUrlLate ?? 0);
		if (urlWithheld) task.answersWithoutUrl += 1;
		const videoUrl = status === 'succeeded' && !urlWithheld ? this.issueVideoUrl(task) : undefined;
		const statusWord = this.options.statusWords?.[status];
		return {
			...(statusWord !== undefined && { statusWord }),
			status,
			...(status === 'queued' && {
				queuePosition: this.tasks.filter(
					(other) => other.index < task.index && other.statusAt(time) === 'queued',
				).length,
			}),
			origin: this.baseUrl,
			etaSeconds: running ? Math.max(0, Math.round(remainingSeconds * (1 + noise))) : 0,
			progressPercent:
				status === 'succeeded'
					? 100
					: status === 'processing'
						? Math.min(99, Math.floor(fraction * 100))
						: 0,
			processingFraction: fraction,
			videoUrl,
			thumbnailUrl: videoUrl?.replace('/videos/', '/thumbnails/').replace('.mp4?', '.png?'), // same signature
			videoUrlTtlSeconds: Math.round(this.videoUrlTtlMs() / 1000),
			time,
		};
	}

	private async handleMedia(
		server: ServerName,
		req: http.IncomingMessage,
		res: http.ServerResponse,
		entry: RecordedRequest,
		url: URL,
	): Promise<void> {
		entry.bodyBytes = (await readBody(req, MAX_REQUEST_BODY_BYTES)).bytes;
		const video = /^\/videos\/([^/]+)\.mp4$/.exec(entry.path);
		const thumbnail = /^\/thumbnails\/([^/]+)\.png$/.exec(entry.path);
		const match = video ?? thumbnail;
		if (!match || (entry.method !== 'GET' && entry.method !== 'HEAD')) {
			return this.send(res, entry, xmlError(404, 'NoSuchKey', 'The specified key does not exist.'));
		}
		entry.kind = 'download';
		entry.taskId = decodeURIComponent(match[1]);
		// Download faults act at the video host only; the other origin is the clean redirect target.
		const fault = server === 'video' ? this.pickFault(entry, 'download') : undefined;
		switch (fault?.type) {
			case 'redirect':
				return this.send(res, entry, {
					status: fault.status ?? 302,
					headers: { location: `${this.otherHostUrl}${entry.path}${url.search}` },
					body: '',
					contentType: 'text/plain',
				});
			case 'expired': {
				const token = url.searchParams.get('token');
				if (token) this.expiredUrls.set(token, fault.status ?? 403);
				break;
			}
			case 'http':
				return this.send(
					res,
					entry,
					withRetryAfter(
						xmlError(fault.status, s3Code(fault.status), fault.message ?? 'Error'),
						fault,
					),
				);
			case 'htmlPage':
				return this.send(res, entry, htmlErrorPage(fault.status ?? 502));
			case 'edge':
				return this.send(res, entry, edgeRefusal(fault.status ?? 403, fault.code ?? 1010));
			case 'hang':
				entry.status = 'hang';
				return;
			case 'refused':
				return this.refuse(server, fault.forMs, entry);
			case 'slow':
				await this.timers.delay(fault.delayMs);
				break;
		}
		const denied = this.mediaAccessProblem(entry.taskId, url.searchParams);
		if (denied) return this.send(res, entry, denied);
		if (thumbnail)
			return this.send(res, entry, {
				status: 200,
				body: makeTestPng(4, 4),
				contentType: 'image/png',
			});
		const cut =
			fault?.type === 'truncated'
				? (fault.fraction ?? 0.5)
				: fault?.type === 'reset'
					? 0.5
					: undefined;
		return this.streamVideo(res, entry, req.headers.range, cut, fault?.type === 'reset');
	}

	/** Why a video URL is refused (as an object store would answer), or undefined when it may be served. */
	private mediaAccessProblem(taskId: string, query: URLSearchParams): Reply | undefined {
		const task = this.taskById.get(taskId);
		if (!task || task.statusAt(now()) !== 'succeeded')
			return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
		const token = query.get('token') ?? '';
		const expires = query.get('expires') ?? '';
		if (query.get('sig') !== this.sign(taskId, token, expires)) {
			return xmlError(
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match the signature you provided.',
			);
		}
		const expiredStatus = this.expiredUrls.get(token);
		if (expiredStatus === 404)
			return xmlError(404, 'NoSuchKey', 'The specified key does not exist.');
		if (expiredStatus === 403 || now() > Number(expires))
			return xmlError(403, 'AccessDenied', 'Request has expired');
		return undefined;
	}

	private streamVideo(
		res: http.ServerResponse,
		entry: RecordedRequest,
		rangeHeader: string | undefined,
		cutAtFraction: number | undefined,
		reset: boolean,
	): void {
		const total = this.options.videoBytes ?? DEFAULT_VIDEO_BYTES;
		const range = parseRange(rangeHeader, total);
		if (range === 'unsatisfiable') {
			return this.send(res, entry, {
				status: 416,
				body: '',
				contentType: 'text/plain',
				headers: { 'content-range': `bytes */${total}` },
			});
		}
		const { start, end } = range ?? { start: 0, end: total };
		const status = range ? 206 : 200;
		entry.status = reset ? 'reset' : status;
		res.writeHead(status, {
			'content-type': 'video/mp4',
			'content-length': String(end - start),
			'accept-ranges': 'bytes',
			...(range ? { 'content-range': `bytes ${start}-${end - 1}/${total}` } : {}),
		});
		if (entry.method === 'HEAD') {
			res.end();
			return;
		}
		const sendUntil =
			cutAtFraction === undefined ? end : start + Math.floor((end - start) * cutAtFraction);
		const stream = videoStream(
			total,
			start,
			sendUntil,
			this.options.videoLayout,
			this.options.videoFacts,
		);
		res.once('close', () => stream.destroy());
		if (cutAtFraction === undefined) {
			stream.pipe(res);
			return;
		}
		stream.pipe(res, { end: false });
		stream.once('end', () => {
			// end() flushes what was written then closes (a short body); destroy() drops the connection as a reset does.
			if (reset) res.socket?.destroy();
			else res.socket?.end();
		});
	}

	// ---- faults -----------------------------------------------------------------------------

	private pickFault(entry: RecordedRequest, kind: FaultKind): FaultAction | undefined {
		const fault = this.faults.pick({ kind, request: entry, taskId: entry.taskId });
		if (fault) entry.fault = fault.type;
		return fault;
	}

	/** Sends `answer()`, altered by the fault; `afterCreate` submissions create the task before the fault acts. */
	private async respondWithFault(
		server: ServerName,
		res: http.ServerResponse,
		entry: RecordedRequest,
		fault: FaultAction | undefined,
		answer: () => Reply,
		isSubmit: boolean,
	): Promise<void> {
		if (!fault) return this.send(res, entry, answer());
		const createFirst = isSubmit && 'afterCreate' in fault && fault.afterCreate === true;
		const created = createFirst ? answer() : undefined;
		// An invalid request created nothing, so its own error is the honest answer.
		if (created && created.status >= 300) return this.send(res, entry, created);
		switch (fault.type) {
			case 'http':
				return this.send(res, entry, this.httpFaultReply(fault, entry));
			case 'htmlPage':
				return this.send(res, entry, htmlErrorPage(fault.status ?? 502));
			case 'edge':
				return this.send(res, entry, edgeRefusal(fault.status ?? 403, fault.code ?? 1010));
			case 'malformedJson': {
				const reply = answer();
				const body = Buffer.from(reply.body);
				return this.send(res, entry, {
					...reply,
					body: body.subarray(0, Math.floor(body.length / 2)),
					onDelivered: undefined,
				});
			}
			case 'slow':
				await this.timers.delay(fault.delayMs);
				// A client that gave up during the delay never reached the provider (unless afterCreate).
				if (entry.status !== 'pending') return;
				return this.send(res, entry, created ?? answer());
			case 'reset':
				// A submission reset before creation never reached the provider: no byte comes back.
				return this.dropMidResponse(res, entry, created ?? (isSubmit ? undefined : answer()));
			case 'hang':
				entry.status = 'hang';
				return;
			case 'refused':
				return this.refuse(server, fault.forMs, entry);
			case 'redirect':
				// A misconfigured proxy or a moved API: the same request, on a foreign origin.
				return this.send(res, entry, {
					status: fault.status ?? 302,
					headers: {
						location: `${this.otherHostUrl}${entry.path}${new URLSearchParams(entry.query).size ? `?${new URLSearchParams(entry.query)}` : ''}`,
					},
					body: '',
					contentType: 'text/plain',
				});
			default:
				return this.send(res, entry, created ?? answer()); // download-only faults do not apply to API calls
		}
	}

	private httpFaultReply(
		fault: Extract<FaultAction, { type: 'http' }>,
		entry: RecordedRequest,
	): Reply {
		const reply =
			fault.body !== undefined
				? jsonReply(fault.status, fault.body)
				: this.errorReply(
						fault.status,
						fault.reason ?? reasonForStatus(fault.status),
						fault.message,
						entry.path,
					);
		return withRetryAfter(reply, fault);
	}

	/** Headers and half the body, then the socket is destroyed; with no reply, the socket is dropped at once. */
	private dropMidResponse(
		res: http.ServerResponse,
		entry: RecordedRequest,
		reply: Reply | undefined,
	): void {
		entry.status = 'reset';
		if (!reply) {
			res.destroy();
			return;
		}
		const body = Buffer.from(reply.body);
		res.writeHead(reply.status, {
			'content-type': reply.contentType ?? 'application/json',
			'content-length': String(body.length),
		});
		res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))), () => res.destroy());
	}

	/** Drops the connection and stops listening on this server's port for forMs; clients get ECONNREFUSED meanwhile. */
	private refuse(server: ServerName, forMs: number, entry: RecordedRequest): void {
		entry.status = 'reset';
		const listener = this.servers[server];
		if (listener.listening) listener.close();
		for (const socket of this.sockets[server]) socket.destroy();
		this.timers.after(forMs, () => {
			if (this.closed || listener.listening) return;
			this.listen(server, this.ports[server]).catch((error: unknown) => {
				console.error(`[simulator] could not listen again on ${this.ports[server]}`, error);
			});
		});
	}

	private listen(name: ServerName, port: number, attempt = 0): Promise<void> {
		const server = this.servers[name];
		return new Promise<void>((resolve, reject) => {
			const onError = (error: NodeJS.ErrnoException) => {
				server.off('listening', onListening);
				// After a refused window the port may linger briefly; retry rather than move the origin.
				if (
					error.code === 'EADDRINUSE' &&
					port !== 0 &&
					attempt < RELISTEN_ATTEMPTS &&
					!this.closed
				) {
					this.timers.after(10, () => this.listen(name, port, attempt + 1).then(resolve, reject));
				} else reject(error);
			};
			const onListening = () => {
				server.off('error', onError);
				resolve();
			};
			server.once('error', onError);
			server.once('listening', onListening);
			server.listen(port, '127.0.0.1');
		});
	}

	// ---- tasks and replies --------------------------------------------------------------------

	private createTask(
		model: string,
		body: unknown,
		collection?: string,
		externalId?: string,
	): SimTask {
		const index = this.tasks.length;
		const createdAt = now();
		const latencyMs = this.latencyFor(index);
		const queueMs = Math.min(this.options.queueMs ?? DEFAULT_QUEUE_MS, latencyMs);
		const startsAt = this.startOfProcessing(createdAt + queueMs);
		const seed = Math.floor(randomFor(this.seed, index, 0x5eed) * 2 ** 31);
		const task = new SimTask(
			seededUuid(this.idRandom),
			index,
			model,
			body,
			createdAt,
			startsAt,
			startsAt + latencyMs - queueMs,
			{ status: 'succeeded' },
			seed,
		);
		task.outcome = this.outcomes.claim(task);
		if (collection !== undefined) task.collection = collection;
		if (externalId !== undefined) {
			task.externalId = externalId;
			if (!this.taskByExternalId.has(externalId)) this.taskByExternalId.set(externalId, task);
		}
		this.tasks.push(task);
		this.taskById.set(task.id, task);
		return task;
	}

	/**
	 * When a task ready at `readyAt` starts processing: at once, or where the account queues tasks
	 * past its concurrency (fal), once fewer than that many run, after the tasks queued before it.
	 */
	private startOfProcessing(readyAt: number): number {
		const limit = this.options.concurrency;
		if (limit === undefined || this.adapter.concurrency !== 'queue') return readyAt;
		const earliest = Math.max(readyAt, ...this.tasks.map((task) => task.processingStartsAt));
		const candidates = [earliest, ...this.tasks.map((task) => task.finishesAt)]
			.filter((time) => time >= earliest)
			.sort((a, b) => a - b);
		return (
			candidates.find(
				(time) =>
					this.tasks.filter((task) => task.processingStartsAt <= time && time < task.finishesAt)
						.length < limit,
			) ?? earliest
		);
	}

	private latencyFor(index: number): number {
		const latency = this.options.latency ?? { meanMs: DEFAULT_LATENCY_MS };
		if (typeof latency === 'function') return Math.max(0, Math.round(latency(index)));
		const spread = latency.spread ?? 0;
		const draw = randomFor(latency.seed ?? this.seed, index);
		return Math.max(0, Math.round(latency.meanMs * (1 + spread * (2 * draw - 1))));
	}

	private countStatusCall(taskId: string, res: http.ServerResponse): void {
		const task = this.taskById.get(taskId);
		if (task) task.statusCalls += 1;
		this.statusInFlight += 1;
		this.statusPeak = Math.max(this.statusPeak, this.statusInFlight);
		res.once('close', () => {
			this.statusInFlight -= 1;
		});
	}

	/** A fresh signed URL per call, so an expired one can be replaced by polling again. */
	private issueVideoUrl(task: SimTask): string {
		const token = String(++this.issuedUrls);
		const expires = String(now() + this.videoUrlTtlMs());
		const sig = this.sign(task.id, token, expires);
		return `${this.videoHostUrl}/videos/${encodeURIComponent(task.id)}.mp4?token=${token}&expires=${expires}&sig=${sig}`;
	}

	private sign(taskId: string, token: string, expires: string): string {
		return createHmac('sha256', this.urlSecret)
			.update(`${taskId}:${token}:${expires}`)
			.digest('hex')
			.slice(0, 32);
	}

	private videoUrlTtlMs(): number {
		return this.options.videoUrlTtlMs ?? DEFAULT_VIDEO_URL_TTL_MS;
	}

	private errorReply(
		status: number,
		reason: string,
		message: string | undefined,
		path: string,
	): Reply {
		const body = this.adapter.errorBody({ status, reason, message, path });
		return jsonReply(this.adapter.httpStatusOf?.(status, reason) ?? status, body);
	}

	private send(res: http.ServerResponse, entry: RecordedRequest, reply: Reply): void {
		if (res.headersSent || res.destroyed) return;
		const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
		entry.status = reply.status;
		res.writeHead(reply.status, {
			'content-type': reply.contentType ?? 'application/json',
			'content-length': String(body.length),
			...reply.headers,
		});
		if (reply.onDelivered) res.once('finish', reply.onDelivered);
		res.end(entry.method === 'HEAD' ? undefined : body);
	}
}

function hashString(text: string): number {
	let hash = 0;
	for (const char of text) hash = (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0;
	return hash;
}

function jsonReply(status: number, body: unknown): Reply {
	return { status, body: JSON.stringify(body) };
}

function withRetryAfter(reply: Reply, fault: { retryAfterSeconds?: number }): Reply {
	if (fault.retryAfterSeconds === undefined) return reply;
	return {
		...reply,
		headers: { ...reply.headers, 'retry-after': String(fault.retryAfterSeconds) },
	};
}

/** The error page an nginx-style proxy in front of the provider returns. */
function htmlErrorPage(status: number): Reply {
	const title = `${status} ${http.STATUS_CODES[status] ?? 'Error'}`;
	return {
		status,
		contentType: 'text/html',
		body: `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
	};
}

/** Cloudflare's own refusal (e.g. 1010, a banned client signature): plain text, the API never saw the request. */
function edgeRefusal(status: number, code: number): Reply {
	return { status, contentType: 'text/plain; charset=UTF-8', body: `error code: ${code}` };
}

/** Object-store style errors, as CDNs serving signed video URLs answer. */
function xmlError(status: number, code: string, message: string): Reply {
	return {
		status,
		contentType: 'application/xml',
		body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
	};
}

function s3Code(status: number): string {
	const codes: Record<number, string> = {
		403: 'AccessDenied',
		404: 'NoSuchKey',
		429: 'SlowDown',
		503: 'SlowDown',
	};
	return codes[status] ?? 'InternalError';
}

function flattenHeaders(headers: http.IncomingHttpHeaders): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	return flat;
}

/** Reads the whole body; past `limit` it keeps counting but drops the bytes (answered with 413). */
function readBody(
	req: http.IncomingMessage,
	limit: number,
): Promise<{ bytes: number; data?: Buffer }> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let bytes = 0;
		req.on('data', (chunk: Buffer) => {
			bytes += chunk.length;
			if (bytes <= limit) chunks.push(chunk);
		});
		req.once('end', () =>
			resolve({ bytes, data: bytes <= limit ? Buffer.concat(chunks) : undefined }),
		);
		req.once('error', reject);
	});
}

/** A single `bytes=a-b` range as [start, end), undefined for none, or 'unsatisfiable'. */
function parseRange(
	header: string | undefined,
	total: number,
): { start: number; end: number } | 'unsatisfiable' | undefined {
	if (!header) return undefined;
	const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
	if (!match || (match[1] === '' && match[2] === '')) return 'unsatisfiable';
	let start: number;
	let end: number;
	if (match[1] === '') {
		start = Math.max(0, total - Number(match[2]));
		end = total;
	} else {
		start = Number(match[1]);
		end = match[2] === '' ? total : Math.min(total, Number(match[2]) + 1);
	}
	return start < end && start < total ? { start, end } : 'unsatisfiable';
}
