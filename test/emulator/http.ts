/**
 * The emulator's HTTP layer: one HTTPS server, a small router, fault injection (status, latency,
 * connection reset before or after the handler ran) and a request log that tests read.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

export interface EmuRequest {
	method: string;
	/** Host header without port, lower case. */
	host: string;
	/** Path without query string, percent-decoding left to handlers. */
	path: string;
	query: URLSearchParams;
	/** Path and query as received. */
	url: string;
	headers: IncomingHttpHeaders;
	/** The request body: a stream for HTTP requests; a buffer for $batch members. */
	body: Readable | Buffer;
	/** Absolute base URL the client used (scheme, host and port), for links in responses. */
	baseUrl: string;
	requestId: string;
	log: RequestLogEntry;
}

export interface EmuResponse {
	status: number;
	headers?: Record<string, string | number | string[]>;
	/** JSON value, raw bytes, or a stream. */
	body?: unknown;
	/** The Graph type (CSDL) of a JSON body, e.g. `user` or `Collection(user)`, checked by the contract checker. */
	contractType?: string;
}

export type Handler = (
	req: EmuRequest,
	params: Record<string, string>,
) => Promise<EmuResponse> | EmuResponse;

interface Route<H> {
	method: string;
	regex: RegExp;
	keys: string[];
	handler: H;
}

/** Routes by method and path pattern: `:name` matches one segment, `*name` the rest; or a RegExp with named groups. */
export class Router<H = Handler> {
	private readonly routes: Route<H>[] = [];

	add(method: string, pattern: string | RegExp, handler: H): void {
		if (pattern instanceof RegExp) {
			this.routes.push({ method: method.toUpperCase(), regex: pattern, keys: [], handler });
			return;
		}
		const keys: string[] = [];
		const source = pattern
			.split('/')
			.map((segment) => {
				if (segment.startsWith(':')) {
					keys.push(segment.slice(1));
					return '([^/]+)';
				}
				if (segment.startsWith('*')) {
					keys.push(segment.slice(1));
					return '(.*)';
				}
				return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
			})
			.join('/');
		this.routes.push({
			method: method.toUpperCase(),
			regex: new RegExp(`^${source}/?$`, 'i'),
			keys,
			handler,
		});
	}

	match(
		method: string,
		path: string,
	): { handler: H; params: Record<string, string> } | 'method' | undefined {
		let pathMatched = false;
		for (const route of this.routes) {
			const m = route.regex.exec(path);
			if (!m) continue;
			pathMatched = true;
			if (route.method !== method.toUpperCase() && route.method !== '*') continue;
			const params: Record<string, string> = { ...(m.groups ?? {}) };
			route.keys.forEach((key, i) => {
				params[key] = safeDecode(m[i + 1] ?? '');
			});
			return { handler: route.handler, params };
		}
		return pathMatched ? 'method' : undefined;
	}
}

export function safeDecode(value: string): string {
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

export interface RequestLogEntry {
	seq: number;
	time: string;
	method: string;
	host: string;
	url: string;
	/** Request headers; `authorization` reduced to `Bearer [token]` / `Basic [credentials]`. */
	headers: Record<string, string>;
	hasAuthorization: boolean;
	requestBytes: number;
	status?: number;
	responseBytes: number;
	durationMs?: number;
	/** Whether the route's handler ran (a request refused by a fault never reaches it). */
	handled: boolean;
	fault?: string;
	/** Set for members of a $batch: the seq of the outer request. */
	batchSeq?: number;
	/** Token facts (no token itself): app, user, scheme. */
	auth?: { appId?: string; upn?: string; scheme?: 'delegated' | 'application'; aud?: string };
	requestId: string;
}

export function redactHeaders(
	headers: IncomingHttpHeaders | Record<string, string>,
): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value === undefined) continue;
		const v = Array.isArray(value) ? value.join(', ') : String(value);
		const lower = name.toLowerCase();
		if (lower === 'authorization') {
			const scheme = v.split(' ')[0];
			out[lower] = `${scheme} [redacted]`;
		} else if (lower === 'cookie') {
			out[lower] = '[redacted]';
		} else {
			out[lower] = v;
		}
	}
	return out;
}

export interface FaultRule {
	id?: string;
	/** Which requests: all given fields must match. */
	method?: string;
	/** Matched against the path (without query) as a prefix, or a regular expression source when it starts with `^`. */
	path?: string;
	host?: string;
	/** What happens. `reset-before`: the connection drops while the request body is read (the handler never runs);
	 * `reset-after`: the handler runs, then the connection drops without a response. */
	kind: 'status' | 'reset-before' | 'reset-after' | 'latency';
	status?: number;
	/** Retry-After header value (seconds or an HTTP date); omitted when null. */
	retryAfter?: number | string | null;
	/** Graph error code in the body of a status fault (default TooManyRequests / ServiceUnavailable). */
	code?: string;
	/** For reset-before: bytes of the request body read before the reset (default: half of Content-Length). */
	afterBytes?: number;
	latencyMs?: number;
	/** Applies to the next `count` matching requests (default unlimited while `ratio` is set, else 1). */
	count?: number;
	/**
	 * Lets the first `skip` matching requests through untouched (they do not use up `count`), so a
	 * fault can hit the n-th request of a path that a client sends several times (default 0).
	 */
	skip?: number;
	/** Fraction of matching requests affected, drawn from the emulator's seeded random sequence. */
	ratio?: number;
	/** Also applies to $batch members (default true). */
	batchMembers?: boolean;
}

/** Seeded PRNG (mulberry32) so a ratio fault picks the same requests on every run. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export class Faults {
	private rules: (FaultRule & { id: string; remaining: number; skipping: number })[] = [];
	private random: () => number;
	/** Added to every request, before any other work. */
	latencyMs = 0;

	constructor(seed = 42) {
		this.random = seededRandom(seed);
	}

	reseed(seed: number): void {
		this.random = seededRandom(seed);
	}

	add(rule: FaultRule): string {
		const id = rule.id ?? randomUUID();
		const remaining = rule.count ?? (rule.ratio !== undefined ? Number.POSITIVE_INFINITY : 1);
		this.rules.push({ ...rule, id, remaining, skipping: Math.max(0, rule.skip ?? 0) });
		return id;
	}

	remove(id: string): void {
		this.rules = this.rules.filter((r) => r.id !== id);
	}

	clear(): void {
		this.rules = [];
		this.latencyMs = 0;
	}

	list(): FaultRule[] {
		return this.rules.map(({ skipping, ...r }) => ({ ...r, skip: skipping }));
	}

	/** The fault rules that apply to this request (consuming their counts). */
	take(method: string, host: string, path: string, batchMember: boolean): FaultRule[] {
		const hits: FaultRule[] = [];
		for (const rule of this.rules) {
			if (rule.remaining <= 0) continue;
			if (batchMember && rule.batchMembers === false) continue;
			if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
			if (rule.host && rule.host.toLowerCase() !== host) continue;
			if (rule.path) {
				const ok = rule.path.startsWith('^')
					? new RegExp(rule.path, 'i').test(path)
					: path.toLowerCase().startsWith(rule.path.toLowerCase());
				if (!ok) continue;
			}
			// One refusal (status or reset) per request; latency rules add up.
			if (rule.kind !== 'latency' && hits.some((h) => h.kind !== 'latency')) continue;
			if (rule.skipping > 0) {
				rule.skipping -= 1;
				continue;
			}
			if (rule.ratio !== undefined && this.random() >= rule.ratio) continue;
			rule.remaining -= 1;
			hits.push(rule);
		}
		this.rules = this.rules.filter((r) => r.remaining > 0);
		return hits;
	}
}

export function sendResponse(
	res: ServerResponse,
	response: EmuResponse,
	log: RequestLogEntry,
): void {
	const headers: Record<string, string | number | string[]> = { ...(response.headers ?? {}) };
	const body = response.body;
	log.status = response.status;
	if (body instanceof Readable) {
		res.writeHead(response.status, headers);
		body.on('data', (chunk: Buffer) => {
			log.responseBytes += chunk.length;
		});
		body.pipe(res);
		return;
	}
	let payload: Buffer | undefined;
	if (Buffer.isBuffer(body)) payload = body;
	else if (typeof body === 'string') payload = Buffer.from(body);
	else if (body !== undefined) {
		payload = Buffer.from(JSON.stringify(body));
		if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
			headers['Content-Type'] =
				'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
		}
	}
	headers['Content-Length'] = payload?.length ?? 0;
	log.responseBytes = payload?.length ?? 0;
	res.writeHead(response.status, headers);
	res.end(payload);
}

/** Reads a whole request body, refusing bodies over `limit` bytes. */
export async function readBody(body: Readable | Buffer, limit = 64 * 1024 * 1024): Promise<Buffer> {
	if (Buffer.isBuffer(body)) return body;
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of body) {
		size += (chunk as Buffer).length;
		if (size > limit) throw new BodyTooLargeError(size);
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

export class BodyTooLargeError extends Error {
	constructor(readonly size: number) {
		super(`request body over the limit (${size} bytes read)`);
	}
}

export function newRequestId(): string {
	return randomUUID();
}
