/**
 * The transport's retry policy, as pure functions: which answers and failures are retried, how
 * long to wait (Retry-After first, else capped exponential backoff with jitter), and the limits
 * (attempts, longest single wait, overall budget). Used by the retry middleware and by the
 * `$batch` helper for throttled members, so both follow one policy.
 */

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS';

export interface RetryPolicy {
	/** Attempts in all, the first one included (default 6). */
	maxAttempts: number;
	/** The longest single wait; a Retry-After above it ends the retries (default 60 s). */
	maxWaitMs: number;
	/** Time budget for all attempts and waits of one request (default 5 minutes). */
	budgetMs: number;
	/** First backoff step when Graph gives no Retry-After (default 1 s), doubled per attempt. */
	baseDelayMs: number;
	/** Upper bound of a backoff step without Retry-After (default 30 s). */
	maxBackoffMs: number;
	/**
	 * Multiplies every actual wait (not the recorded one). Tests set it below 1 to keep suites
	 * fast while `stats` still shows the waits Graph asked for. Default 1.
	 */
	waitScale: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
	maxAttempts: 6,
	maxWaitMs: 60_000,
	budgetMs: 5 * 60_000,
	baseDelayMs: 1_000,
	maxBackoffMs: 30_000,
	waitScale: 1,
};

/**
 * What a request may do to the world. Every request the package sends declares one, and the
 * retry decision is taken from it alone, here (used by the retry middleware, by the `$batch`
 * helper for its members, and by the upload session loop):
 *
 * - `read` (GET, or a POST that changes nothing) and `replaceable` (PUT/PATCH/DELETE whose
 *   repetition changes nothing): sent again after 429, 503, 504 and any network failure.
 * - `createOnce` (sendMail, reply, forward, channel or chat message, a file create that is not an
 *   explicit replace, a draft): sent again only after an answer that proves the service did not
 *   act: 429, 503 with Retry-After, or a connection that was never made. Anything else (a reset
 *   after connecting, a timeout, a bare 503, 504, 500) leaves it "may have been sent".
 * - `uploadFragment` (a byte range PUT to an upload session): never sent again as it was; the
 *   upload loop asks the session where it stands and resumes from `nextExpectedRanges`.
 *
 * A request whose body is a stream is never sent twice, whatever its kind.
 */
export type SideEffect = 'read' | 'replaceable' | 'createOnce' | 'uploadFragment';

/** Statuses after which a read or a replaceable write is sent again (as the Graph SDK's RetryHandler). */
const REPEATABLE_STATUSES = new Set([429, 503, 504]);

/**
 * Failures that prove the request never reached the service: the connection was refused or never
 * made (no DNS answer, no route, connect timeout). A reset or a timeout after connecting proves
 * nothing: the request may have been written and carried out.
 */
const NEVER_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ENETUNREACH',
	'ENETDOWN',
	'EHOSTUNREACH',
	'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether an HTTP answer lets the request be sent again, for its kind (`retryAfterMs`: the Retry-After sent, if any). */
export function mayRetryStatus(
	effect: SideEffect,
	status: number,
	retryAfterMs: number | undefined,
): boolean {
	switch (effect) {
		case 'read':
		case 'replaceable':
			return REPEATABLE_STATUSES.has(status);
		case 'createOnce':
			// 429: throttled before anything was done. 503 with Retry-After: "unavailable, come back
			// later", refused before processing. A bare 503, a 504 or a 500 may come after the work.
			return status === 429 || (status === 503 && retryAfterMs !== undefined);
		case 'uploadFragment':
			return false;
	}
}

/** Whether a network failure (its code, see `networkErrorCode`) lets the request be sent again. */
export function mayRetryNetwork(effect: SideEffect, code: string): boolean {
	switch (effect) {
		case 'read':
		case 'replaceable':
			return code !== 'aborted';
		case 'createOnce':
			return NEVER_SENT_CODES.has(code);
		case 'uploadFragment':
			return false;
	}
}

/** The kind of a `$batch` envelope: the strongest kind among its members. */
export function combinedEffect(effects: readonly SideEffect[]): SideEffect {
	if (effects.includes('createOnce') || effects.includes('uploadFragment')) return 'createOnce';
	if (effects.includes('replaceable')) return 'replaceable';
	return 'read';
}

/** The usual kind of a method, for requests that enter the chain without a declaration (SDK tasks). */
export function defaultEffect(method: string): SideEffect {
	const m = method.toUpperCase();
	if (m === 'GET' || m === 'HEAD' || m === 'OPTIONS') return 'read';
	if (m === 'PUT' || m === 'DELETE' || m === 'PATCH') return 'replaceable';
	return 'createOnce';
}

/** `Retry-After` as milliseconds from `now`: delta seconds or an HTTP date; undefined if absent or unreadable. */
export function parseRetryAfter(
	value: string | null | undefined,
	now = Date.now(),
): number | undefined {
	if (value === null || value === undefined) return undefined;
	const text = value.trim();
	if (text === '') return undefined;
	if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
	const date = Date.parse(text);
	if (Number.isNaN(date)) return undefined;
	return Math.max(0, date - now);
}

/** Backoff for `attempt` (1 = the wait after the first failure): exponential, capped, equal jitter. */
export function backoffMs(
	attempt: number,
	policy: RetryPolicy,
	random: () => number = Math.random,
): number {
	const ceiling = Math.min(policy.maxBackoffMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
	return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ECONNREFUSED',
	'ECONNABORTED',
	'EPIPE',
	'ETIMEDOUT',
	'ENETUNREACH',
	'ENETDOWN',
	'EHOSTUNREACH',
	'EAI_AGAIN',
	'ENOTFOUND',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
	'UND_ERR_CLOSED',
]);

/** The code of a network failure (`ECONNRESET`, `timeout`, ...), or undefined for other errors. */
export function networkErrorCode(error: unknown): string | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		const e = current as {
			code?: unknown;
			name?: unknown;
			message?: unknown;
			cause?: unknown;
			errorResponse?: { networkCode?: unknown };
		};
		if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
		// The transport's own network NodeApiError (errors.ts networkError) after its retries.
		if (typeof e.errorResponse?.networkCode === 'string') return e.errorResponse.networkCode;
		if (e.name === 'TimeoutError') return 'timeout';
		if (typeof e.message === 'string') {
			if (/socket hang up/i.test(e.message)) return 'ECONNRESET';
			if (/other side closed|terminated/i.test(e.message) && depth > 0) return 'ECONNRESET';
		}
		current = e.cause;
	}
	const top = error as { message?: unknown; name?: unknown } | undefined;
	if (top && typeof top.message === 'string' && /fetch failed|terminated/i.test(top.message))
		return 'network';
	return undefined;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		const onAbort = () => {
			clearTimeout(timer);
			reject(signal?.reason ?? new Error('aborted'));
		};
		if (signal?.aborted) return onAbort();
		signal?.addEventListener('abort', onAbort, { once: true });
	});
}

/** Counters a transport keeps, for logs and tests. */
export interface TransportStats {
	/** HTTP requests sent (every attempt, $batch envelopes included). */
	requests: number;
	/** Attempts after the first (status and network retries, batch-member rounds). */
	retries: number;
	/** Waits the policy chose, before `waitScale` (ms). */
	waitedMs: number;
	/** Sum of the Retry-After values the waits followed (ms). */
	retryAfterMs: number;
	/** Waits that followed a Retry-After / that used backoff. */
	retryAfterWaits: number;
	backoffWaits: number;
	/** Forced token refreshes after a 401. */
	tokenRefreshes: number;
}

export function newStats(): TransportStats {
	return {
		requests: 0,
		retries: 0,
		waitedMs: 0,
		retryAfterMs: 0,
		retryAfterWaits: 0,
		backoffWaits: 0,
		tokenRefreshes: 0,
	};
}

export type WaitDecision =
	| { retry: true; waitMs: number; retryAfterMs?: number }
	| { retry: false; reason: 'attempts' | 'budget' | 'retry-after-too-long'; retryAfterMs?: number };

/**
 * Whether to try again after a retryable outcome on `attempt` (1-based), and how long to wait.
 * `retryAfterMs` is the server's Retry-After (see `parseRetryAfter`), if it sent one: it is
 * followed as given (no jitter: Graph says when it will take the request again).
 */
export function decideWait(
	policy: RetryPolicy,
	attempt: number,
	startedAt: number,
	retryAfterMs: number | undefined,
	random: () => number = Math.random,
): WaitDecision {
	if (attempt >= policy.maxAttempts) return { retry: false, reason: 'attempts', retryAfterMs };
	if (retryAfterMs !== undefined && retryAfterMs > policy.maxWaitMs)
		return { retry: false, reason: 'retry-after-too-long', retryAfterMs };
	const waitMs = retryAfterMs ?? Math.min(policy.maxWaitMs, backoffMs(attempt, policy, random));
	if (Date.now() - startedAt + waitMs * policy.waitScale > policy.budgetMs)
		return { retry: false, reason: 'budget', retryAfterMs };
	return { retry: true, waitMs, retryAfterMs };
}

export function recordWait(
	stats: TransportStats,
	decision: { waitMs: number; retryAfterMs?: number },
): void {
	stats.retries += 1;
	stats.waitedMs += decision.waitMs;
	if (decision.retryAfterMs !== undefined) {
		stats.retryAfterMs += decision.retryAfterMs;
		stats.retryAfterWaits += 1;
	} else {
		stats.backoffWaits += 1;
	}
}
