/**
 * The shared Graph transport: the only code in the package that talks to Microsoft Graph. One
 * `GraphTransport` per execution (and credential), built from a node, a TokenProvider and
 * options, so tests construct it without n8n; nodes call `createGraphTransport(ctx, type)`.
 *
 * Requests run through the Graph SDK's middleware chain (`Client.initWithMiddleware`):
 * AuthMiddleware -> RetryMiddleware -> the SDK's HTTPMessageHandler (see middleware.ts for why
 * the first two are ours). The transport enters the chain itself with a prepared `Context`
 * instead of going through `client.api()`, because GraphRequest re-parses every URL (it takes
 * the first path segment of any absolute URL for an API version and rebuilds the query string,
 * which would mangle pre-authenticated upload URLs) and JSON-stringifies stream bodies. SDK tasks
 * that want `client.api()` can use `transport.client`: it is the same chain and the same rules.
 *
 * Rules kept here: a token goes only to the configured Graph origin (any absolute URL or
 * nextLink on another origin is refused before a request is made); upload-session URLs are sent
 * without Authorization; errors leave as NodeApiError via ../errors.ts.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from '@microsoft/microsoft-graph-client';
import type { INode } from 'n8n-workflow';
import type { AuthScheme, TokenProvider } from '../auth/types';
import type { TokenGrants } from '../auth/token-grants';
import { assertMailboxAllowed } from '../credentials/validate';
import { describeCall, graphApiError, networkError, refusedRequestError } from '../errors';
import {
	AuthMiddleware,
	isStreamBody,
	removeHeader,
	RequestState,
	RetryMiddleware,
	TransportContext,
} from './middleware';
import { ProxyAwareHttpMessageHandler } from './http-client';
import { BatchItem, BatchItemResult, BatchOptions, runBatch } from './batch';
import { collectAll, getPage, Page, PageOptions, pages, paginate } from './paging';
import { DailyCapError, postPacer, type PaceTarget, type PostPacer } from './pacing';
import {
	DEFAULT_RETRY_POLICY,
	HttpMethod,
	newStats,
	RetryPolicy,
	type SideEffect,
	TransportStats,
} from './retry';

type Body = NonNullable<RequestInit['body']>;

export type QueryValue = string | number | boolean | undefined;

export interface GraphTransportOptions {
	/** Graph API version (default `v1.0`). */
	version?: 'v1.0' | 'beta';
	retry?: Partial<RetryPolicy>;
	/** Per-attempt timeout (default 120 s). */
	timeoutMs?: number;
	/** A streamed download that delivers no byte for this long ends with an error (default 60 s). */
	idleTimeoutMs?: number;
	/** `$batch` requests in flight at once (default 4). */
	batchConcurrency?: number;
	/** Random source for backoff jitter (tests). */
	random?: () => number;
	/** Paces posts that declare `pace` (default: the process-wide pacer, see pacing.ts). */
	pacer?: PostPacer;
}

export interface TransportRequest {
	method?: HttpMethod;
	/** A path under the Graph root (`/users/{id}`, version prefix optional) or an absolute URL on the Graph origin (a nextLink). */
	url: string;
	query?: Record<string, QueryValue>;
	headers?: Record<string, string>;
	/** A JSON value (sent as JSON), or a string, Buffer, Uint8Array or Readable with your own Content-Type. */
	body?: unknown;
	/** What the request may do to the world; decides whether and when it is sent again (retry.ts). */
	effect: SideEffect;
	/**
	 * A post to a Teams channel or chat (`channelPace`, `chatPace`): it waits for its slot under
	 * Teams' documented limits before it is sent, and a channel's daily cap refuses it (pacing.ts).
	 */
	pace?: PaceTarget;
	/** `json` (default): parsed JSON (text if not JSON, undefined when empty); `buffer`; `stream` (a Readable). */
	responseType?: 'json' | 'buffer' | 'stream';
	/** Statuses returned instead of thrown (or `any`). */
	acceptStatus?: number[] | 'any';
	/** Item the request serves, for n8n's error display. */
	itemIndex?: number;
	timeoutMs?: number;
	signal?: AbortSignal;
}

/** A request to a pre-authenticated absolute URL (upload session): never carries a token. */
export interface UnauthenticatedRequest {
	method: 'PUT' | 'POST' | 'GET' | 'DELETE';
	url: string;
	headers?: Record<string, string>;
	/** Buffer/Uint8Array/string (replayable) or Readable (sent once, not retried). */
	body?: Buffer | Uint8Array | string | Readable;
	responseType?: 'json' | 'buffer' | 'stream';
	acceptStatus?: number[] | 'any';
	/** What the request may do to the world (an upload range PUT: `uploadFragment`). */
	effect: SideEffect;
	itemIndex?: number;
	timeoutMs?: number;
	signal?: AbortSignal;
}

export interface TransportResponse<T = unknown> {
	status: number;
	headers: Headers;
	body: T;
	/** Graph's `request-id` header. */
	requestId?: string;
}

export class GraphTransport {
	/** The Graph SDK client over the same middleware chain, for SDK tasks (`client.api()`). */
	readonly client: Client;
	readonly stats: TransportStats = newStats();
	/** Graph origin, e.g. `https://graph.microsoft.com`. */
	readonly origin: string;
	/** Graph root, e.g. `https://graph.microsoft.com/v1.0`. */
	readonly root: string;
	readonly policy: RetryPolicy;
	readonly batchConcurrency: number;
	readonly pacer: PostPacer;
	private readonly chain: AuthMiddleware;
	private readonly timeoutMs: number;
	private readonly idleTimeoutMs: number;

	constructor(
		readonly node: INode,
		readonly provider: TokenProvider,
		options: GraphTransportOptions = {},
	) {
		const base = new URL(provider.endpoints.graph);
		if (base.protocol !== 'https:')
			throw refusedRequestError(
				node,
				'The Graph endpoint must use https://',
				`Got ${base.origin}.`,
			);
		this.origin = base.origin;
		this.root = `${this.origin}/${options.version ?? 'v1.0'}`;
		this.policy = { ...DEFAULT_RETRY_POLICY, ...(options.retry ?? {}) };
		this.timeoutMs = options.timeoutMs ?? 120_000;
		this.idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
		this.batchConcurrency = Math.max(1, options.batchConcurrency ?? 4);
		this.pacer = options.pacer ?? postPacer();
		this.chain = new AuthMiddleware(provider, this.origin, this.stats, this.timeoutMs);
		const retry = new RetryMiddleware(
			this.policy,
			this.stats,
			this.origin,
			this.timeoutMs,
			options.random,
		);
		this.client = Client.initWithMiddleware({
			// The SDK's HTTPMessageHandler over a fetch that honours HTTPS_PROXY/NO_PROXY as n8n does.
			middleware: [this.chain, retry, new ProxyAwareHttpMessageHandler()],
			baseUrl: this.origin,
			defaultVersion: options.version ?? 'v1.0',
			customHosts: new Set([base.hostname]),
		});
	}

	get scheme(): AuthScheme {
		return this.provider.scheme;
	}

	/** The permissions the last token sent carries (undefined before the first request). */
	grants(): TokenGrants | undefined {
		return this.chain.grants();
	}

	/**
	 * The absolute URL for a Graph path or URL, with `query` added. Refuses (throws, no request)
	 * an absolute URL on any origin other than the Graph root's.
	 */
	resolveUrl(pathOrUrl: string, query?: Record<string, QueryValue>, itemIndex?: number): string {
		let url: URL;
		if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrUrl)) {
			try {
				url = new URL(pathOrUrl);
			} catch {
				throw refusedRequestError(
					this.node,
					`"${pathOrUrl}" is not a valid URL`,
					'Give a Graph path such as /users or a URL Graph returned.',
					{ itemIndex },
				);
			}
			if (url.origin !== this.origin) {
				throw refusedRequestError(
					this.node,
					`Refused to send the credential's token to ${url.origin}`,
					`Only ${this.origin} (the credential's Graph endpoint) receives the token; a link to another origin (${url.origin}) is not followed.`,
					{ itemIndex },
				);
			}
		} else {
			const path = pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`;
			// An ID or name given as "." or ".." becomes a dot segment, which the URL resolves away
			// (`/users/bob/events/..` is `/users/bob/`): it would name another resource.
			if (
				path
					.split('?')[0]
					.split('/')
					.some((segment) => /^(\.|%2e){1,2}$/i.test(segment))
			) {
				throw refusedRequestError(
					this.node,
					`"${path.split('?')[0]}" has a "." or ".." segment`,
					'An ID, mailbox or name given as "." or ".." would name another resource: enter the real value; no request was made.',
					{ itemIndex },
				);
			}
			const versioned = /^\/(v1\.0|beta)(\/|$|\?)/i.test(path)
				? `${this.origin}${path}`
				: `${this.root}${path}`;
			url = new URL(versioned);
		}
		this.assertUserDataAllowed(url.pathname, itemIndex);
		return withQuery(url.toString(), query);
	}

	/**
	 * The app credential's Mailbox Restriction, on every request (and `$batch` member) whose path
	 * names a user's own data: `/users/{id}/<segment>` for the segments in USER_DATA (mail,
	 * calendars, contacts, chats, OneDrive, OneNote, …). Directory reads of a user (the user
	 * object, manager, memberships, direct reports) are not a mailbox and are not restricted.
	 */
	private assertUserDataAllowed(pathname: string, itemIndex?: number): void {
		const restriction = this.provider.mailboxRestriction;
		if (this.provider.scheme !== 'application' || !restriction) return;
		const user = userOfDataPath(pathname);
		if (user === undefined) return;
		try {
			assertMailboxAllowed(restriction, user);
		} catch (error) {
			throw refusedRequestError(
				this.node,
				(error as Error).message,
				"The credential's Mailbox Restriction lists the only mailboxes and users whose mail, calendars, chats and files this credential may read or act on; no request was made.",
				{ itemIndex },
			);
		}
	}

	/** Sends a Graph request and returns the response; non-2xx statuses throw NodeApiError unless accepted. */
	async send<T = unknown>(request: TransportRequest): Promise<TransportResponse<T>> {
		const method = (request.method ?? 'GET').toUpperCase() as HttpMethod;
		const url = this.resolveUrl(request.url, request.query, request.itemIndex);
		if (!request.pace) return await this.sendPrepared<T>(method, url, true, request);
		return await this.paced(request.pace, request, () =>
			this.sendPrepared<T>(method, url, true, request),
		);
	}

	/**
	 * The app whose Teams limits a post counts against: Microsoft counts per app (and tenant), so
	 * two credentials of one app registration share a budget.
	 */
	get paceIdentity(): string {
		return [this.origin, this.provider.tenant, this.provider.clientId ?? this.scheme]
			.map((part) => part.toLowerCase())
			.join('|');
	}

	/** Sends once the pacer grants the slot, and hands it back with the answer (retries included). */
	private async paced<T>(
		target: PaceTarget,
		request: TransportRequest,
		send: () => Promise<TransportResponse<T>>,
	): Promise<TransportResponse<T>> {
		const admitted = await this.pacer.admit(this.paceIdentity, target, request.signal).then(
			(ticket) => ({ ticket }),
			(error: unknown) => ({ error }),
		);
		if ('error' in admitted) {
			const error = admitted.error;
			if (error instanceof DailyCapError)
				throw refusedRequestError(this.node, error.message, error.description, {
					itemIndex: request.itemIndex,
				});
			throw refusedRequestError(
				this.node,
				"The post was cancelled while it waited for its turn under Teams' posting limits",
				`Nothing was sent. ${String((error as Error)?.message ?? error)}`,
				{ itemIndex: request.itemIndex },
			);
		}
		const outcome = await send().then(
			(response) => ({ response }),
			(error: unknown) => ({ error }),
		);
		// Throttled to the end: Teams did not take the message, so it is not in the day's count.
		const throttled =
			'error' in outcome && String((outcome.error as { httpCode?: unknown }).httpCode) === '429';
		admitted.ticket.finish(!throttled);
		if ('error' in outcome) throw outcome.error as Error;
		return outcome.response;
	}

	/** Sends a Graph request and returns the parsed body. */
	async request<T = unknown>(request: TransportRequest): Promise<T> {
		return (await this.send<T>(request)).body;
	}

	/**
	 * Sends to a pre-authenticated absolute URL (an upload session's `uploadUrl`): https only,
	 * never an Authorization header, same retry policy (a Readable body is sent once).
	 */
	async sendUnauthenticated<T = unknown>(
		request: UnauthenticatedRequest,
	): Promise<TransportResponse<T>> {
		let url: URL;
		try {
			url = new URL(request.url);
		} catch {
			throw refusedRequestError(
				this.node,
				'The upload URL is not a valid absolute URL',
				'Use the uploadUrl Graph returned for the upload session.',
				{ itemIndex: request.itemIndex },
			);
		}
		if (url.protocol !== 'https:') {
			throw refusedRequestError(
				this.node,
				'Refused to send data over plain http://',
				`The pre-authenticated URL must use https:// (got ${url.origin}).`,
				{ itemIndex: request.itemIndex },
			);
		}
		return await this.sendPrepared<T>(request.method, url.toString(), false, request);
	}

	/** Both entry points end here: the caller's Authorization header is always dropped (the auth middleware adds ours where `authenticate`). */
	private async sendPrepared<T>(
		method: HttpMethod,
		url: string,
		authenticate: boolean,
		request: TransportRequest | UnauthenticatedRequest,
	): Promise<TransportResponse<T>> {
		const headers: Record<string, string> = { ...(request.headers ?? {}) };
		removeHeader(headers, 'Authorization');
		return await this.execute<T>(
			{
				method,
				url,
				authenticate,
				effect: request.effect,
				replayable: !isStreamBody(request.body),
				responseMode: request.responseType === 'stream' ? 'stream' : 'buffer',
				timeoutMs: request.timeoutMs ?? this.timeoutMs,
				signal: request.signal,
				attempts: 0,
				refreshed: false,
			},
			headers,
			request.body,
			request,
		);
	}

	/**
	 * `sendUnauthenticated` in the shape upload.ts takes (`PreauthenticatedHttp`): every status
	 * is returned (the upload loop reads 4xx/5xx itself), headers as a lower-case record.
	 */
	preauthenticatedHttp(): {
		request(request: Omit<UnauthenticatedRequest, 'acceptStatus' | 'responseType'>): Promise<{
			status: number;
			headers: Record<string, string>;
			body: unknown;
		}>;
	} {
		return {
			request: async (request) => {
				const response = await this.sendUnauthenticated({ ...request, acceptStatus: 'any' });
				const headers: Record<string, string> = {};
				response.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
				return { status: response.status, headers, body: response.body };
			},
		};
	}

	/** One page of a collection (a path with options, or a nextLink as is). */
	async getPage<T = Record<string, unknown>>(
		pathOrNextLink: string,
		options?: PageOptions,
	): Promise<Page<T>> {
		return await getPage<T>(this, pathOrNextLink, options);
	}

	/** Pages of a collection, following `@odata.nextLink` on the Graph origin only. */
	pages<T = Record<string, unknown>>(path: string, options?: PageOptions): AsyncGenerator<Page<T>> {
		return pages<T>(this, path, options);
	}

	/** Items of a collection across pages, up to `options.limit`. */
	paginate<T = Record<string, unknown>>(path: string, options?: PageOptions): AsyncGenerator<T> {
		return paginate<T>(this, path, options);
	}

	/** All items of a collection, up to `options.limit`. */
	async collectAll<T = Record<string, unknown>>(path: string, options?: PageOptions): Promise<T[]> {
		return await collectAll<T>(this, path, options);
	}

	/** `$batch`: results[i] answers items[i] (see batch.ts). */
	async batch(items: BatchItem[], options?: BatchOptions): Promise<BatchItemResult[]> {
		return await runBatch(this, items, options);
	}

	private async execute<T>(
		state: RequestState,
		headers: Record<string, string>,
		body: unknown,
		request: Pick<TransportRequest, 'responseType' | 'acceptStatus' | 'itemIndex'>,
	): Promise<TransportResponse<T>> {
		const options: RequestInit & { duplex?: 'half' } = { method: state.method, headers };
		if (body !== undefined && body !== null) {
			if (typeof body === 'string' || Buffer.isBuffer(body) || body instanceof Uint8Array) {
				options.body = body as Body;
			} else if (isStreamBody(body)) {
				options.body = (body instanceof Readable ? body : (body as Body)) as Body;
				options.duplex = 'half';
			} else {
				options.body = JSON.stringify(body);
				if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
					headers['Content-Type'] = 'application/json';
			}
		}
		if (
			state.authenticate &&
			!Object.keys(headers).some((h) => h.toLowerCase() === 'client-request-id')
		)
			headers['client-request-id'] = randomUUID();
		const context: TransportContext = { request: state.url, options, m365: state };
		await this.chain.execute(context);
		const itemIndex = request.itemIndex;
		if (state.network) {
			throw networkError(
				this.node,
				{
					method: state.method,
					url: state.url,
					code: state.network.code,
					cause: state.network.cause,
					attempts: state.attempts,
					notRetried: state.network.notRetried,
				},
				{ itemIndex },
			);
		}
		if (state.failure !== undefined || !context.response) {
			const reason = (state.failure as { message?: unknown } | undefined)?.message;
			throw refusedRequestError(
				this.node,
				`The request ${state.method} could not be sent`,
				typeof reason === 'string' ? reason : 'No response.',
				{ itemIndex },
			);
		}
		const response = context.response;
		const accepted =
			response.ok ||
			request.acceptStatus === 'any' ||
			(Array.isArray(request.acceptStatus) && request.acceptStatus.includes(response.status));
		if (!accepted) {
			const raw =
				state.bodyBuffer ??
				Buffer.from(await response.arrayBuffer().catch(() => new ArrayBuffer(0)));
			throw graphApiError(
				this.node,
				{
					status: response.status,
					method: state.method,
					url: state.url,
					body: raw.toString('utf8'),
					headers: response.headers,
					scheme: this.scheme,
					granted: response.status === 403 ? this.grants() : undefined,
					attempts: state.attempts,
					stoppedBecause: state.stoppedBecause,
					retryAfterMs: state.retryAfterMs,
					refreshed: state.refreshed,
					effect: state.effect,
				},
				{ itemIndex },
			);
		}
		let parsed: unknown;
		if (state.responseMode === 'stream') {
			parsed = response.body
				? withIdleTimeout(
						Readable.fromWeb(response.body as import('node:stream/web').ReadableStream),
						this.idleTimeoutMs,
						`${describeCall(state.method, state.url)}`,
					)
				: Readable.from([]);
		} else if (request.responseType === 'buffer') {
			parsed = state.bodyBuffer ?? Buffer.alloc(0);
		} else {
			parsed = parseJson(state.bodyBuffer);
		}
		return {
			status: response.status,
			headers: response.headers,
			body: parsed as T,
			requestId: response.headers.get('request-id') ?? undefined,
		};
	}
}

/**
 * Segments under `/users/{id}/` that are a user's own data, covered by the Mailbox Restriction:
 * mail, calendars and scheduling, contacts, mailbox settings, Teams chats, OneDrive, OneNote, To
 * Do, Outlook settings, presence and online meetings.
 */
export const USER_DATA = new Set(
	[
		'messages',
		'mailFolders',
		'sendMail',
		'events',
		'calendar',
		'calendars',
		'calendarView',
		'calendarGroups',
		'findMeetingTimes',
		'reminderView',
		'contacts',
		'contactFolders',
		'mailboxSettings',
		'inferenceClassification',
		'outlook',
		'chats',
		'drive',
		'drives',
		'onenote',
		'todo',
		'presence',
		'onlineMeetings',
		'getMailTips',
		'insights',
		'planner',
		'people',
		'followedSites',
	].map((s) => s.toLowerCase()),
);

/** The user a Graph path's data belongs to (`/v1.0/users/{id}/messages/...` → id), or undefined. */
export function userOfDataPath(pathname: string): string | undefined {
	// Decoded segment by segment (`/%75sers/…` is `/users/…`); `.` and `..` resolved as a URL would.
	const segments: string[] = [];
	for (const raw of pathname.split('/')) {
		const segment = safeDecode(raw);
		if (segment === '' || segment === '.') continue;
		if (segment === '..') segments.pop();
		else segments.push(segment);
	}
	if (/^(v1\.0|beta)$/i.test(segments[0] ?? '')) segments.shift();
	let user: string | undefined;
	let rest: string | undefined;
	const head = segments[0] ?? '';
	const call = /^users\('(.*)'\)$/i.exec(head);
	if (call) {
		user = call[1].replace(/''/g, "'");
		rest = segments[1];
	} else if (head.toLowerCase() === 'users' && segments.length >= 3) {
		user = segments[1];
		rest = segments[2];
	}
	if (user === undefined || rest === undefined) return undefined;
	const segment = rest.split(/[(:]/)[0].toLowerCase();
	return USER_DATA.has(segment) ? user : undefined;
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/**
 * A download stream that ends with a clear error when no byte arrives for `idleMs` (a stalled
 * connection would otherwise hold the execution, and the memory of what it read, forever).
 */
export function withIdleTimeout(source: Readable, idleMs: number, what: string): Readable {
	if (!(idleMs > 0)) return source;
	let timer: NodeJS.Timeout | undefined;
	const stop = () => clearTimeout(timer);
	// The clock runs only while the reader wants data and none comes: a slow reader (back
	// pressure) is not a stalled connection.
	const arm = () => {
		stop();
		timer = setTimeout(() => {
			out.destroy(
				Object.assign(
					new Error(
						`The download of ${what} stalled: no data for ${Math.round(idleMs / 1000)} s, so it was stopped. Run the item again; if it keeps stalling, check the network path (proxy, firewall).`,
					),
					{ code: 'ETIMEDOUT' },
				),
			);
		}, idleMs);
		timer.unref?.();
	};
	const out = new Readable({
		read() {
			arm();
			source.resume();
		},
		destroy(error, callback) {
			stop();
			source.destroy();
			callback(error);
		},
	});
	source.on('data', (chunk) => {
		stop();
		if (!out.push(chunk)) source.pause();
		else arm();
	});
	source.pause();
	source.once('end', () => {
		stop();
		out.push(null);
	});
	source.once('error', (error) => out.destroy(error));
	return out;
}

function parseJson(buffer: Buffer | undefined): unknown {
	if (!buffer || buffer.length === 0) return undefined;
	const text = buffer.toString('utf8');
	try {
		return JSON.parse(text);
	} catch {
		return text;
	}
}

/** Percent-encodes a query key or value, leaving `$ , : @` readable as Graph writes them. */
function encodeQuery(text: string): string {
	return encodeURIComponent(text).replace(/%(24|2C|3A|40)/gi, (m) => decodeURIComponent(m));
}

/**
 * Adds query options, replacing ones of the same name: keys keep a literal `$` (as Graph writes
 * them), values are percent-encoded (a space as %20, never `+`), the rest of the URL untouched.
 */
export function withQuery(url: string, query?: Record<string, QueryValue>): string {
	const entries = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
	if (entries.length === 0) return url;
	const hash = url.indexOf('#');
	const base = hash >= 0 ? url.slice(0, hash) : url;
	const q = base.indexOf('?');
	const path = q >= 0 ? base.slice(0, q) : base;
	const names = new Set(entries.map(([k]) => k.toLowerCase()));
	const kept = (q >= 0 ? base.slice(q + 1).split('&') : []).filter((part) => {
		if (!part) return false;
		const key = part.split('=')[0];
		let decoded = key;
		try {
			decoded = decodeURIComponent(key);
		} catch {
			// keep as written
		}
		return !names.has(decoded.toLowerCase());
	});
	const added = entries.map(([k, v]) => `${encodeQuery(k)}=${encodeQuery(String(v))}`);
	return `${path}?${[...kept, ...added].join('&')}`;
}
