/**
 * A realistic latency model for benchmarks (off unless asked for): a fixed delay added to every
 * HTTP request the emulator serves, and Outlook's mail processing — each message sent costs
 * `mailProcessingMs`, with at most `mailConcurrency` messages processed at a time per mailbox
 * (a per-mailbox semaphore; further sends queue rather than fail).
 *
 * Where the figures come from (estimates, not Microsoft guarantees):
 * - 50 ms per request: a typical round trip to graph.microsoft.com from a European or US data
 *   centre plus Graph's front door; Microsoft publishes no figure.
 * - 20 ms per message and 4 per mailbox: Exchange Online limits each mailbox to 4 concurrent
 *   requests (https://learn.microsoft.com/graph/throttling-limits, "Outlook service limits");
 *   the 20 ms processing per message is an estimate of the transport's per-message work.
 *   Real Exchange answers a fifth concurrent request with 429 (MailboxConcurrency); the model
 *   queues instead, so a benchmark measures the client's design rather than its retry policy.
 *
 * Matched by path (method POST, Graph v1.0): `{me|users/{id}}/sendMail` and
 * `{me|users/{id}}[/mailFolders/{id}]/messages/{id}/{send|reply|replyAll|forward}`, as HTTP
 * requests and as `$batch` members. The mailbox is the `users/{id}` segment (lower case), or for
 * `/me` the token's `oid`. Processing runs after the handler answered with a 2xx, so a send the
 * workload refused costs no processing.
 *
 * The base delay is added once per HTTP request: a `$batch`'s members ride on the batch's own
 * round trip (Graph fans them out inside its data centre), so they get none of their own.
 */
import type { EmuRequest, EmuResponse, Router } from './http';
import { readBody } from './http';

export interface LatencyModelSettings {
	/** The model applies at all (the emulator's default is off). */
	enabled: boolean;
	/** Added to every HTTP request (not to `$batch` members). */
	requestMs: number;
	/** Processing time per message sent. */
	mailProcessingMs: number;
	/** Messages processed at a time per mailbox. */
	mailConcurrency: number;
}

export const DEFAULT_LATENCY_MODEL: LatencyModelSettings = {
	enabled: true,
	requestMs: 50,
	mailProcessingMs: 20,
	mailConcurrency: 4,
};

export interface LatencyModelStats {
	/** HTTP requests that got the base delay. */
	delayedRequests: number;
	/** Messages that went through mail processing. */
	mailSends: number;
	/** Time sends spent waiting for a free slot of their mailbox, summed. */
	mailQueueWaitMs: number;
	/** The longest queue seen for one mailbox. */
	maxMailQueue: number;
	/** The most messages processed at once for one mailbox (never above `mailConcurrency`). */
	maxMailConcurrent: number;
}

/** `POST` paths that send a message; group 1 is `me` or `users/{id}`. */
const SEND_PATH =
	/^\/v1\.0\/(me|users\/[^/]+)\/(?:sendMail|(?:mailFolders\/[^/]+\/)?messages\/[^/]+\/(?:send|reply|replyAll|forward))\/?$/i;

/** The mailbox a request sends from, or undefined when it sends no mail. */
export function sendingMailbox(
	method: string,
	path: string,
	authorization?: string,
): string | undefined {
	if (method.toUpperCase() !== 'POST') return undefined;
	const match = SEND_PATH.exec(path);
	if (!match) return undefined;
	if (match[1].toLowerCase() !== 'me') {
		return safeDecode(match[1].slice('users/'.length)).toLowerCase();
	}
	return `me:${tokenSubject(authorization) ?? 'unknown'}`;
}

function safeDecode(segment: string): string {
	try {
		return decodeURIComponent(segment);
	} catch {
		return segment;
	}
}

/** The `oid` (else `sub`) of a bearer token, read without verification (Graph checks it later). */
function tokenSubject(authorization?: string): string | undefined {
	const token = /^Bearer\s+(\S+)/i.exec(authorization ?? '')?.[1];
	const payload = token?.split('.')[1];
	if (!payload) return undefined;
	try {
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
			oid?: string;
			sub?: string;
		};
		return claims.oid ?? claims.sub;
	} catch {
		return undefined;
	}
}

const sleep = async (ms: number) =>
	ms > 0 ? await new Promise<void>((resolve) => setTimeout(resolve, ms)) : undefined;

class Semaphore {
	active = 0;
	readonly waiting: Array<() => void> = [];

	async acquire(limit: number): Promise<void> {
		if (this.active < limit) {
			this.active++;
			return;
		}
		// The releasing holder hands its slot over (active stays the same).
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	release(): void {
		const next = this.waiting.shift();
		if (next) next();
		else this.active--;
	}
}

export class LatencyModel {
	settings: LatencyModelSettings;
	stats: LatencyModelStats = LatencyModel.emptyStats();
	private readonly mailboxes = new Map<string, Semaphore>();

	/** `true`: the defaults; an object: the defaults with these changes; else off. */
	constructor(option?: boolean | Partial<LatencyModelSettings>) {
		this.settings =
			option === true
				? { ...DEFAULT_LATENCY_MODEL }
				: typeof option === 'object'
					? { ...DEFAULT_LATENCY_MODEL, ...option }
					: { ...DEFAULT_LATENCY_MODEL, enabled: false };
	}

	private static emptyStats(): LatencyModelStats {
		return {
			delayedRequests: 0,
			mailSends: 0,
			mailQueueWaitMs: 0,
			maxMailQueue: 0,
			maxMailConcurrent: 0,
		};
	}

	/** Changes settings; rejects values that make no sense. */
	configure(changes: Partial<LatencyModelSettings>): LatencyModelSettings {
		const next = { ...this.settings };
		if (changes.enabled !== undefined) next.enabled = Boolean(changes.enabled);
		for (const key of ['requestMs', 'mailProcessingMs', 'mailConcurrency'] as const) {
			if (changes[key] === undefined) continue;
			const value = Number(changes[key]);
			if (!Number.isFinite(value) || value < 0 || (key === 'mailConcurrency' && value < 1))
				throw new Error(
					`latency model: ${key} must be a number >= ${key === 'mailConcurrency' ? 1 : 0}`,
				);
			next[key] = value;
		}
		this.settings = next;
		return next;
	}

	resetStats(): void {
		this.stats = LatencyModel.emptyStats();
	}

	/** The base delay of an HTTP request (none for `$batch` members). */
	async beforeRequest(req: EmuRequest, batchMember: boolean): Promise<void> {
		if (!this.settings.enabled || batchMember || this.settings.requestMs <= 0) return;
		this.stats.delayedRequests++;
		// The request log's 'data' listener keeps the body flowing: hold it while we wait, or the
		// handler would find it already gone. Its reader (async iteration or pipe) resumes it.
		if (!Buffer.isBuffer(req.body)) req.body.pause();
		await sleep(this.settings.requestMs);
	}

	/** Mail processing of an accepted send, under the mailbox's concurrency limit. */
	async afterGraph(req: EmuRequest, response: EmuResponse): Promise<void> {
		if (!this.settings.enabled || response.status < 200 || response.status >= 300) return;
		const header = req.headers.authorization;
		const mailbox = sendingMailbox(
			req.method,
			req.path,
			Array.isArray(header) ? header[0] : header,
		);
		if (!mailbox) return;
		let semaphore = this.mailboxes.get(mailbox);
		if (!semaphore) {
			semaphore = new Semaphore();
			this.mailboxes.set(mailbox, semaphore);
		}
		const queued = Date.now();
		const acquiring = semaphore.acquire(this.settings.mailConcurrency);
		this.stats.maxMailQueue = Math.max(this.stats.maxMailQueue, semaphore.waiting.length);
		await acquiring;
		this.stats.mailQueueWaitMs += Date.now() - queued;
		this.stats.mailSends++;
		this.stats.maxMailConcurrent = Math.max(this.stats.maxMailConcurrent, semaphore.active);
		try {
			await sleep(this.settings.mailProcessingMs);
		} finally {
			semaphore.release();
		}
	}
}

/**
 * Admin API: `GET /_emulator/latency-model` (settings and stats); `POST` with any of
 * `{ enabled, requestMs, mailProcessingMs, mailConcurrency, resetStats }` (`{ defaults: true }`
 * restores the defaults and turns the model on).
 */
export function registerLatencyModelAdmin(router: Router, model: LatencyModel): void {
	router.add('GET', '/_emulator/latency-model', () => ({
		status: 200,
		body: { settings: model.settings, stats: model.stats },
	}));
	router.add('POST', '/_emulator/latency-model', async (req) => {
		const raw = await readBody(req.body, 64 * 1024);
		const body = (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as Partial<
			LatencyModelSettings & { resetStats: boolean; defaults: boolean }
		>;
		try {
			if (body.defaults) model.configure(DEFAULT_LATENCY_MODEL);
			model.configure(body);
		} catch (error) {
			return { status: 400, body: { error: (error as Error).message } };
		}
		if (body.resetStats) model.resetStats();
		return { status: 200, body: { settings: model.settings, stats: model.stats } };
	});
}
