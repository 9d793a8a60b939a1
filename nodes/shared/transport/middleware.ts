/**
 * The transport's middleware for the Graph SDK's chain (`Middleware`, `Context`):
 *
 *   AuthMiddleware -> RetryMiddleware -> the SDK's HTTPMessageHandler (fetch)
 *
 * Why not the SDK's AuthenticationHandler and RetryHandler: the AuthenticationHandler takes a
 * token but does nothing on a 401, and we want exactly one forced refresh (shared by concurrent
 * requests) and a hard rule that no token ever goes to an origin other than the configured
 * Graph root. The RetryHandler retries 429/503/504 for any method (a POST answered 504 may have
 * been carried out), never retries network errors (resets, timeouts) even for a GET, adds no
 * jitter, has no time budget and records nothing a test could check. Both pieces are small, so
 * they are ours; the chain, `Context` and the fetch handler stay the SDK's.
 *
 * Each request carries its own state on the context (`m365`); requests that enter the chain
 * through `client.api()` (SDK tasks) get a state derived from the method, URL and body.
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { grantsOfToken, type TokenGrants } from '../auth/token-grants';
import type { TokenProvider } from '../auth/types';
import { registerSecret } from '../redact';
import {
	decideWait,
	defaultEffect,
	mayRetryNetwork,
	mayRetryStatus,
	networkErrorCode,
	parseRetryAfter,
	recordWait,
	RetryPolicy,
	type SideEffect,
	sleep,
	TransportStats,
} from './retry';

export interface RequestState {
	method: string;
	url: string;
	/** Send the credential's token (only ever to the Graph origin). */
	authenticate: boolean;
	/** What the request may do to the world: decides every retry (see retry.ts). */
	effect: SideEffect;
	/** False for stream bodies: they cannot be sent twice, so nothing replays them. */
	replayable: boolean;
	/** Read the whole response body inside the chain (so a reset mid-body is retried), or leave it as a stream. */
	responseMode: 'buffer' | 'stream';
	timeoutMs: number;
	signal?: AbortSignal;
	// Outcome
	attempts: number;
	refreshed: boolean;
	bodyBuffer?: Buffer;
	retryAfterMs?: number;
	stoppedBecause?: 'attempts' | 'budget' | 'retry-after-too-long';
	network?: {
		code: string;
		cause: unknown;
		notRetried?: NotRetriedReason;
	};
	/** A failure that is neither HTTP nor network (bad body, ...). */
	failure?: unknown;
	/**
	 * An earlier attempt may have reached the service and acted (its answer was lost, or Graph's
	 * gateway timed out): a DELETE that then finds nothing has done what it asked.
	 */
	earlierAttemptMayHaveActed?: boolean;
	/** The DELETE answered 404 after such an attempt, and is reported as done. */
	goneAfterRetry?: boolean;
}

/** Why a failed request was not (or no longer) sent again. */
export type NotRetriedReason =
	'may-have-acted' | 'upload-fragment' | 'stream-body' | 'attempts' | 'budget' | 'aborted';

export interface TransportContext extends Context {
	m365?: RequestState;
}

export function isStreamBody(body: unknown): boolean {
	if (!body || typeof body !== 'object') return false;
	if (Buffer.isBuffer(body) || ArrayBuffer.isView(body) || body instanceof ArrayBuffer)
		return false;
	if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return true;
	return (
		typeof (body as { pipe?: unknown }).pipe === 'function' ||
		typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] === 'function'
	);
}

function requestUrl(context: Context): string {
	const request = context.request as unknown;
	if (typeof request === 'string') return request;
	return (request as { url: string }).url;
}

/** The state of a request, derived when it entered through `client.api()`. */
function stateOf(context: TransportContext, graphOrigin: string, timeoutMs: number): RequestState {
	if (context.m365) return context.m365;
	const method = (context.options?.method ?? 'GET').toUpperCase();
	const url = requestUrl(context);
	let origin = '';
	try {
		origin = new URL(url).origin;
	} catch {
		// not absolute
	}
	context.m365 = {
		method,
		url,
		authenticate: origin === graphOrigin,
		effect: defaultEffect(method),
		replayable: !isStreamBody(context.options?.body),
		responseMode: 'stream',
		timeoutMs,
		attempts: 0,
		refreshed: false,
	};
	return context.m365;
}

type HeaderMap = Record<string, string>;

function headersOf(context: Context): HeaderMap {
	context.options ??= {};
	const current = context.options.headers as unknown;
	let map: HeaderMap = {};
	if (current instanceof Headers) current.forEach((v, k) => (map[k] = v));
	else if (Array.isArray(current)) for (const [k, v] of current as string[][]) map[k] = v;
	else if (current && typeof current === 'object') map = { ...(current as HeaderMap) };
	context.options.headers = map;
	return map;
}

export function removeHeader(headers: HeaderMap, name: string): void {
	for (const key of Object.keys(headers))
		if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
}

/** Adds the bearer token for Graph-origin requests; one forced refresh and one retry after a 401. */
export class AuthMiddleware implements Middleware {
	private next?: Middleware;
	private refreshing?: Promise<string>;
	private lastToken?: string;

	constructor(
		private readonly provider: TokenProvider,
		private readonly graphOrigin: string,
		private readonly stats: TransportStats,
		private readonly timeoutMs: number,
	) {}

	setNext(next: Middleware): void {
		this.next = next;
	}

	async execute(context: TransportContext): Promise<void> {
		const state = stateOf(context, this.graphOrigin, this.timeoutMs);
		const headers = headersOf(context);
		removeHeader(headers, 'Authorization');
		let origin = '';
		try {
			origin = new URL(requestUrl(context)).origin;
		} catch {
			// relative URL: fetch will refuse it
		}
		if (!state.authenticate || origin !== this.graphOrigin) {
			// Pre-authenticated URLs (upload sessions) and any other origin: never a token.
			state.authenticate = false;
			return await this.next!.execute(context);
		}
		let token = await this.provider.getToken();
		this.remember(token);
		headers.Authorization = `Bearer ${token}`;
		await this.next!.execute(context);
		if (
			context.response?.status === 401 &&
			!state.refreshed &&
			state.replayable &&
			!state.network
		) {
			state.refreshed = true;
			token = await this.refresh(token);
			headers.Authorization = `Bearer ${token}`;
			state.bodyBuffer = undefined;
			await this.next!.execute(context);
		}
	}

	/** One forced refresh for all requests that failed with the same token. */
	private async refresh(rejected: string): Promise<string> {
		if (this.lastToken && this.lastToken !== rejected) return this.lastToken;
		if (!this.refreshing) {
			this.stats.tokenRefreshes += 1;
			this.refreshing = this.provider.getToken({ forceRefresh: true }).finally(() => {
				this.refreshing = undefined;
			});
		}
		const token = await this.refreshing;
		this.remember(token);
		return token;
	}

	/** Each new token is registered with the central redaction, so no error or log can show it. */
	private remember(token: string): void {
		if (token !== this.lastToken) registerSecret(token);
		this.lastToken = token;
	}

	/** What the last token sent carries (`roles` or `scp`), for explaining a 403; never the token. */
	grants(): TokenGrants | undefined {
		return this.lastToken ? grantsOfToken(this.lastToken, this.provider.scheme) : undefined;
	}
}

/** Retries throttling, unavailability and network failures as the policy allows (see retry.ts). */
export class RetryMiddleware implements Middleware {
	private next?: Middleware;

	constructor(
		private readonly policy: RetryPolicy,
		private readonly stats: TransportStats,
		private readonly graphOrigin: string,
		private readonly timeoutMs: number,
		private readonly random: () => number = Math.random,
	) {}

	setNext(next: Middleware): void {
		this.next = next;
	}

	async execute(context: TransportContext): Promise<void> {
		const state = stateOf(context, this.graphOrigin, this.timeoutMs);
		const started = Date.now();
		for (let attempt = 1; ; attempt++) {
			state.attempts += 1;
			this.stats.requests += 1;
			context.response = undefined;
			state.bodyBuffer = undefined;
			// Per-attempt timeout, up to the answer's headers (stream mode: a long download is
			// not cut off) or up to its whole body (buffer mode).
			const timer = new AbortController();
			const timeout = setTimeout(
				() => timer.abort(new DOMException('The request timed out', 'TimeoutError')),
				state.timeoutMs,
			);
			context.options ??= {};
			context.options.signal = state.signal
				? AbortSignal.any([state.signal, timer.signal])
				: timer.signal;
			let error: unknown;
			try {
				await this.next!.execute(context);
				const answer = context.response as Response | undefined;
				if (state.responseMode === 'buffer' && answer) {
					state.bodyBuffer = Buffer.from(await answer.arrayBuffer());
				}
			} catch (caught) {
				error = caught;
			} finally {
				clearTimeout(timeout);
			}
			if (error !== undefined) {
				context.response = undefined;
				if (state.signal?.aborted) {
					state.network = { code: 'aborted', cause: error, notRetried: 'aborted' };
					return;
				}
				const code = networkErrorCode(error);
				if (!code) {
					state.failure = error;
					return;
				}
				state.network = { code, cause: error };
				if (!mayRetryNetwork(state.effect, code))
					state.network.notRetried =
						state.effect === 'uploadFragment' ? 'upload-fragment' : 'may-have-acted';
				else if (!state.replayable) state.network.notRetried = 'stream-body';
				if (state.network.notRetried) return;
				const decision = decideWait(this.policy, attempt, started, undefined, this.random);
				if (!decision.retry) {
					state.network.notRetried = decision.reason === 'attempts' ? 'attempts' : 'budget';
					return;
				}
				recordWait(this.stats, decision);
				if (!(await this.pause(decision.waitMs, state))) return;
				state.network = undefined;
				state.earlierAttemptMayHaveActed = true;
				continue;
			}
			const response = context.response!;
			if (
				state.method === 'DELETE' &&
				response.status === 404 &&
				state.earlierAttemptMayHaveActed
			) {
				// The earlier attempt deleted it: what the DELETE asked is done. Reporting Graph's 404
				// would call a deleted item a failure (and a wrong ID).
				if (state.responseMode === 'stream') await response.body?.cancel().catch(() => undefined);
				context.response = new Response(null, { status: 204 });
				state.bodyBuffer = Buffer.alloc(0);
				state.goneAfterRetry = true;
				return;
			}
			const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
			state.retryAfterMs = retryAfterMs;
			if (!mayRetryStatus(state.effect, response.status, retryAfterMs) || !state.replayable) return;
			const decision = decideWait(this.policy, attempt, started, retryAfterMs, this.random);
			if (!decision.retry) {
				state.stoppedBecause = decision.reason;
				return;
			}
			if (state.responseMode === 'stream') await response.body?.cancel().catch(() => undefined);
			recordWait(this.stats, decision);
			if (!(await this.pause(decision.waitMs, state))) return;
			if (response.status === 504) state.earlierAttemptMayHaveActed = true;
		}
	}

	/** Waits (scaled); false when the caller cancelled meanwhile. */
	private async pause(waitMs: number, state: RequestState): Promise<boolean> {
		const cancelled = await sleep(waitMs * this.policy.waitScale, state.signal).then(
			() => false,
			() => true,
		);
		if (cancelled)
			state.network = { code: 'aborted', cause: state.signal?.reason, notRetried: 'aborted' };
		return !cancelled;
	}
}
