/**
 * The retry policy against the emulator over HTTPS: throttling and unavailability under a 30%
 * fault rate, waits that follow Retry-After, network resets, and no POST repeated.
 */
import { Readable } from 'node:stream';
import { NodeApiError } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { GraphTransport, parseRetryAfter } from '../../nodes/shared/transport';
import {
	backoffMs,
	DEFAULT_RETRY_POLICY,
	mayRetryNetwork,
	mayRetryStatus,
	networkErrorCode,
} from '../../nodes/shared/transport/retry';
import { NODE, emulatorProvider, pool, transportFor } from './helpers';

const emulator = useEmulator();

afterEach(() => {
	emulator().faults.clear();
});

describe('retry policy (pure)', () => {
	it('reads Retry-After as seconds or as an HTTP date', () => {
		const now = Date.parse('2025-01-01T00:00:00Z');
		expect(parseRetryAfter('3', now)).toBe(3000);
		expect(parseRetryAfter('0', now)).toBe(0);
		expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:05 GMT', now)).toBe(5000);
		expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
		expect(parseRetryAfter('soon', now)).toBeUndefined();
		expect(parseRetryAfter(null, now)).toBeUndefined();
	});

	it('backs off exponentially, capped, with jitter', () => {
		const p = { ...DEFAULT_RETRY_POLICY };
		expect(backoffMs(1, p, () => 0)).toBe(500);
		expect(backoffMs(1, p, () => 1)).toBe(1000);
		expect(backoffMs(3, p, () => 1)).toBe(4000);
		expect(backoffMs(20, p, () => 1)).toBe(30_000);
		expect(backoffMs(20, p, () => 0)).toBe(15_000);
	});

	it('decides every retry from the declared side effect', () => {
		// [effect, status, Retry-After ms, sent again?]
		const statuses: Array<
			[Parameters<typeof mayRetryStatus>[0], number, number | undefined, boolean]
		> = [
			['read', 429, undefined, true],
			['read', 503, undefined, true],
			['read', 504, undefined, true],
			['read', 500, undefined, false],
			['replaceable', 503, undefined, true],
			['replaceable', 504, undefined, true],
			['createOnce', 429, undefined, true],
			['createOnce', 429, 1000, true],
			['createOnce', 503, 1000, true],
			['createOnce', 503, undefined, false],
			['createOnce', 504, undefined, false],
			['createOnce', 500, undefined, false],
			['uploadFragment', 429, 1000, false],
			['uploadFragment', 503, 1000, false],
		];
		for (const [effect, status, retryAfter, expected] of statuses)
			expect([effect, status, retryAfter, mayRetryStatus(effect, status, retryAfter)]).toEqual([
				effect,
				status,
				retryAfter,
				expected,
			]);
		// A connection never made proves nothing was sent; a reset or timeout proves nothing.
		expect(mayRetryNetwork('createOnce', 'ECONNREFUSED')).toBe(true);
		expect(mayRetryNetwork('createOnce', 'ENOTFOUND')).toBe(true);
		expect(mayRetryNetwork('createOnce', 'ECONNRESET')).toBe(false);
		expect(mayRetryNetwork('createOnce', 'timeout')).toBe(false);
		expect(mayRetryNetwork('read', 'ECONNRESET')).toBe(true);
		expect(mayRetryNetwork('replaceable', 'timeout')).toBe(true);
		expect(mayRetryNetwork('uploadFragment', 'ECONNREFUSED')).toBe(false);
	});

	it('recognises network failures', () => {
		expect(
			networkErrorCode(
				new TypeError('fetch failed', {
					cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }),
				}),
			),
		).toBe('ECONNRESET');
		expect(networkErrorCode(new Error('socket hang up'))).toBe('ECONNRESET');
		expect(networkErrorCode(new DOMException('t', 'TimeoutError'))).toBe('timeout');
		expect(networkErrorCode(new Error('something else'))).toBeUndefined();
	});
});

describe('throttling and unavailability', () => {
	it('500 GETs all succeed under a 30% 429 / 30% 503 rate, and the waits follow Retry-After', async () => {
		const emu = emulator();
		const users = emu.directory.home.users.slice(0, 5).map((u) => u.id);
		// 429 with Retry-After: 1 on the user reads; 503 without Retry-After on /organization (backoff).
		emu.addFault({ kind: 'status', status: 429, ratio: 0.3, retryAfter: 1, path: '/v1.0/users/' });
		emu.addFault({
			kind: 'status',
			status: 503,
			ratio: 0.3,
			retryAfter: null,
			path: '/v1.0/organization',
		});
		// 0.3^10: no request runs out of attempts in 500.
		const { transport } = transportFor(emu, 'application', {}, { retry: { maxAttempts: 10 } });
		const mark = emu.mark();
		const results = await pool<unknown>(500, 25, (i) =>
			i % 2 === 0
				? transport.request<{ id: string }>({
						effect: 'read',
						url: `/users/${users[i % users.length]}`,
					})
				: transport.request<{ value: unknown[] }>({ effect: 'read', url: '/organization' }),
		);
		expect(
			results.filter((r, i) =>
				i % 2 === 0
					? (r as { id: string }).id === users[i % users.length]
					: Array.isArray((r as { value: unknown[] }).value),
			),
		).toHaveLength(500);

		const log = emu.since(mark);
		const throttled = log.filter((e) => e.fault === 'status 429').length;
		const unavailable = log.filter((e) => e.fault === 'status 503').length;
		expect(throttled).toBeGreaterThan(60); // ~30% of ~360 attempts
		expect(unavailable).toBeGreaterThan(60);
		expect(log.filter((e) => e.status === 200)).toHaveLength(500);
		expect(transport.stats.requests).toBe(log.length);
		expect(transport.stats.retries).toBe(throttled + unavailable);
		// Every 429 wait followed its Retry-After of 1 s exactly; the 503s (no Retry-After) backed off.
		expect(transport.stats.retryAfterWaits).toBe(throttled);
		expect(transport.stats.retryAfterMs).toBe(throttled * 1000);
		expect(transport.stats.backoffWaits).toBe(unavailable);
		expect(transport.stats.waitedMs - transport.stats.retryAfterMs).toBeGreaterThanOrEqual(
			unavailable * 500,
		);
	});

	it('really waits Retry-After seconds (unscaled), also given as an HTTP date', async () => {
		const emu = emulator();
		const transport = new GraphTransport(NODE, emulatorProvider(emu, 'application'));
		emu.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 1,
			path: '/v1.0/organization',
			count: 1,
		});
		let started = Date.now();
		await transport.request({ effect: 'read', url: '/organization' });
		const seconds = Date.now() - started;
		// It really waited (no timed upper bound: load on the machine must not fail a test), and
		// the wait it chose was exactly the Retry-After.
		expect(seconds).toBeGreaterThanOrEqual(1000);
		expect(transport.stats.waitedMs).toBe(1000);
		expect(transport.stats.retryAfterMs).toBe(1000);

		emu.addFault({
			kind: 'status',
			status: 503,
			retryAfter: new Date(Date.now() + 2000).toUTCString(),
			path: '/v1.0/organization',
			count: 1,
		});
		started = Date.now();
		await transport.request({ effect: 'read', url: '/organization' });
		const dated = Date.now() - started;
		expect(dated).toBeGreaterThanOrEqual(900);
		// The HTTP date was read as ~2 s from its sending (whole seconds), not as a number.
		expect(transport.stats.retryAfterMs - 1000).toBeGreaterThan(900);
		expect(transport.stats.retryAfterMs - 1000).toBeLessThanOrEqual(2000);
		expect(transport.stats.retryAfterWaits).toBe(2);
	});

	it('gives up after the attempts and explains the 429', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu, 'application', {}, { retry: { maxAttempts: 3 } });
		emu.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 2,
			path: '/v1.0/organization',
			count: 5,
		});
		const mark = emu.mark();
		const error = await transport
			.request({ effect: 'read', url: '/organization' })
			.catch((e: unknown) => e);
		expect(error).toBeInstanceOf(NodeApiError);
		const e = error as NodeApiError;
		expect(e.httpCode).toBe('429');
		expect(e.message).toMatch(/throttling.*GET \/organization.*after 3 attempts/);
		expect(e.description).toMatch(/TooManyRequests/);
		expect(e.description).toMatch(/wait 2 s/);
		expect(e.description).toMatch(/request-id: [0-9a-f-]{36}/);
		expect(emu.since(mark)).toHaveLength(3);
	});

	it('does not wait a Retry-After longer than the per-wait cap', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu, 'application', {}, { retry: { maxWaitMs: 5_000 } });
		emu.addFault({
			kind: 'status',
			status: 503,
			retryAfter: 120,
			path: '/v1.0/organization',
			count: 1,
		});
		const error = (await transport
			.request({ effect: 'read', url: '/organization' })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error.httpCode).toBe('503');
		expect(error.description).toMatch(/wait 120 s.*longer than the transport waits/);
	});
});

describe('network errors and non-idempotent requests', () => {
	const batchBody = { requests: [{ id: '1', method: 'GET', url: '/organization' }] };

	it('retries a GET whose connection dropped before the handler ran', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.addFault({ kind: 'reset-before', path: '/v1.0/organization', count: 2 });
		const mark = emu.mark();
		const body = await transport.request<{ value: unknown[] }>({
			effect: 'read',
			url: '/organization',
		});
		expect(body.value).toHaveLength(1);
		const log = emu.since(mark);
		expect(log.map((e) => [e.handled, e.fault ?? 'ok'])).toEqual([
			[false, 'reset before handler'],
			[false, 'reset before handler'],
			[true, 'ok'],
		]);
	});

	it('retries a GET whose answer was lost after the handler ran', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.addFault({ kind: 'reset-after', path: '/v1.0/organization', count: 1 });
		const mark = emu.mark();
		await transport.request({ effect: 'read', url: '/organization' });
		expect(emu.since(mark).map((e) => e.handled)).toEqual([true, true]);
	});

	it('never repeats a POST that reached the handler: it fails with a clear error, sent once', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.addFault({ kind: 'reset-after', method: 'POST', path: '/v1.0/$batch', count: 1 });
		const mark = emu.mark();
		const error = (await transport
			.request({ method: 'POST', effect: 'createOnce', url: '/$batch', body: batchBody })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/No answer from .* for POST \/\$batch: the connection failed/);
		expect(error.description).toMatch(/may have carried it out; it was not sent again/);
		const posts = emu.since(mark).filter((e) => e.method === 'POST');
		expect(posts).toHaveLength(1);
		expect(posts[0].handled).toBe(true);
		expect(posts[0].fault).toBe('reset after handler');
		expect(transport.stats.retries).toBe(0);
	});

	it('never repeats a POST after a reset before the handler either (the client cannot tell)', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.addFault({ kind: 'reset-before', method: 'POST', path: '/v1.0/$batch', count: 1 });
		const mark = emu.mark();
		await expect(
			transport.request({ method: 'POST', effect: 'createOnce', url: '/$batch', body: batchBody }),
		).rejects.toThrow(/connection failed/);
		expect(emu.since(mark).filter((e) => e.method === 'POST')).toHaveLength(1);
	});

	it('repeats a POST declared a read (a $batch of GETs)', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.addFault({ kind: 'reset-after', method: 'POST', path: '/v1.0/$batch', count: 1 });
		const mark = emu.mark();
		await transport.request({ method: 'POST', effect: 'read', url: '/$batch', body: batchBody });
		expect(
			emu.since(mark).filter((e) => e.method === 'POST' && e.batchSeq === undefined),
		).toHaveLength(2);
	});

	it('retries a throttled POST (429: not carried out) but not a POST answered 504', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 0,
			method: 'POST',
			path: '/v1.0/$batch',
			count: 1,
			batchMembers: false,
		});
		let mark = emu.mark();
		await transport.request({
			method: 'POST',
			effect: 'createOnce',
			url: '/$batch',
			body: batchBody,
		});
		expect(emu.since(mark).filter((e) => e.method === 'POST')).toHaveLength(2);

		emu.addFault({
			kind: 'status',
			status: 504,
			retryAfter: null,
			method: 'POST',
			path: '/v1.0/$batch',
			count: 1,
			batchMembers: false,
		});
		mark = emu.mark();
		await expect(
			transport.request({ method: 'POST', effect: 'createOnce', url: '/$batch', body: batchBody }),
		).rejects.toThrow(/timed out answering \(504\)/);
		expect(emu.since(mark).filter((e) => e.method === 'POST')).toHaveLength(1);
	});

	it('sends a createOnce POST again after 503 with Retry-After, never after a bare 503', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const fault = (retryAfter: number | null) =>
			emu.addFault({
				kind: 'status',
				status: 503,
				retryAfter,
				method: 'POST',
				path: '/v1.0/$batch',
				count: 1,
				batchMembers: false,
			});
		fault(0);
		let mark = emu.mark();
		await transport.request({
			method: 'POST',
			effect: 'createOnce',
			url: '/$batch',
			body: batchBody,
		});
		expect(
			emu.since(mark).filter((e) => e.method === 'POST' && e.batchSeq === undefined),
		).toHaveLength(2);

		fault(null);
		mark = emu.mark();
		const error = (await transport
			.request({ method: 'POST', effect: 'createOnce', url: '/$batch', body: batchBody })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.description).toMatch(/may have carried it out|may have been carried out/);
		expect(
			emu.since(mark).filter((e) => e.method === 'POST' && e.batchSeq === undefined),
		).toHaveLength(1);

		// The same bare 503 on a read is sent again.
		fault(null);
		mark = emu.mark();
		await transport.request({ method: 'POST', effect: 'read', url: '/$batch', body: batchBody });
		expect(
			emu.since(mark).filter((e) => e.method === 'POST' && e.batchSeq === undefined),
		).toHaveLength(2);
	});

	it('never replays a stream body', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const upload = `https://localhost:${emu.port}/upload/stream-1`;
		emu.addFault({ kind: 'status', status: 503, retryAfter: 0, host: 'localhost', count: 1 });
		const mark = emu.mark();
		const response = await transport.sendUnauthenticated({
			method: 'PUT',
			effect: 'replaceable',
			url: upload,
			headers: { 'Content-Range': 'bytes 0-9/10', 'Content-Length': '10' },
			body: Readable.from([Buffer.from('0123456789')]),
			acceptStatus: 'any',
		});
		expect(response.status).toBe(503);
		expect(emu.since(mark)).toHaveLength(1);
	});

	it('retries a GET that timed out; a timed-out POST is not repeated', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu, 'application', {}, { timeoutMs: 300 });
		emu.addFault({ kind: 'latency', latencyMs: 1000, path: '/v1.0/organization', count: 1 });
		let mark = emu.mark();
		await transport.request({ effect: 'read', url: '/organization' });
		expect(emu.since(mark)).toHaveLength(2);
		expect(transport.stats.retries).toBe(1);

		emu.addFault({
			kind: 'latency',
			latencyMs: 1000,
			method: 'POST',
			path: '/v1.0/$batch',
			count: 1,
			batchMembers: false,
		});
		mark = emu.mark();
		await expect(
			transport.request({ method: 'POST', effect: 'createOnce', url: '/$batch', body: batchBody }),
		).rejects.toThrow(/POST \/\$batch: the request timed out/);
		expect(emu.since(mark).filter((e) => e.method === 'POST')).toHaveLength(1);
	});

	it('stops waiting when the caller cancels', async () => {
		const emu = emulator();
		const transport = new GraphTransport(NODE, emulatorProvider(emu, 'application'));
		emu.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 30,
			path: '/v1.0/organization',
			count: 1,
		});
		const controller = new AbortController();
		const mark = emu.mark();
		// Cancelled while it waits out the 30 s Retry-After (once the 429 was answered).
		const watch = setInterval(() => {
			if (emu.since(mark).length > 0) {
				clearInterval(watch);
				setTimeout(() => controller.abort(), 50);
			}
		}, 10);
		const started = Date.now();
		const error = (await transport
			.request({ effect: 'read', url: '/organization', signal: controller.signal })
			.catch((e: unknown) => e)) as NodeApiError;
		clearInterval(watch);
		expect(Date.now() - started).toBeLessThan(25_000);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.description).toMatch(/cancelled/);
		expect(emu.since(mark)).toHaveLength(1);
	});
});
