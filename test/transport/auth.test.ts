/**
 * Tokens: one forced refresh after a 401 (shared by concurrent requests), a 401 that persists
 * explained, and no token ever sent to another origin — also through the Graph SDK client.
 */
import { Readable } from 'node:stream';
import { NodeApiError } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { GraphTransport } from '../../nodes/shared/transport';
import { emulatorProvider, NODE, transportFor } from './helpers';

const emulator = useEmulator();

afterEach(() => emulator().faults.clear());

describe('401 refresh', () => {
	it('a 401 after the tokens expired triggers exactly one refresh, and the call succeeds', async () => {
		const emu = emulator();
		const { transport, provider } = transportFor(emu, 'delegated');
		await transport.request({ effect: 'read', url: '/me' });
		emu.tokens.expireAll();
		const mark = emu.mark();
		const me = await transport.request<{ userPrincipalName: string }>({
			effect: 'read',
			url: '/me',
		});
		expect(me.userPrincipalName).toBe('alice@contoso.onmicrosoft.com');
		expect(provider.forced).toBe(1);
		expect(transport.stats.tokenRefreshes).toBe(1);
		expect(emu.since(mark).map((e) => e.status)).toEqual([401, 200]);
	});

	it('concurrent requests that meet the same expired token share one refresh', async () => {
		const emu = emulator();
		const { transport, provider } = transportFor(emu, 'application');
		await transport.request({ effect: 'read', url: '/organization' });
		emu.tokens.expireAll();
		await Promise.all(
			Array.from({ length: 8 }, () => transport.request({ effect: 'read', url: '/organization' })),
		);
		expect(provider.forced).toBe(1);
		expect(transport.stats.tokenRefreshes).toBe(1);
	});

	it('refreshes and retries a POST after a 401 (refused before it was carried out)', async () => {
		const emu = emulator();
		const { transport, provider } = transportFor(emu, 'application');
		await transport.request({ effect: 'read', url: '/organization' });
		emu.tokens.expireAll();
		const mark = emu.mark();
		await transport.request({
			method: 'POST',
			effect: 'read',
			url: '/$batch',
			body: { requests: [{ id: '1', method: 'GET', url: '/organization' }] },
		});
		expect(provider.forced).toBe(1);
		expect(
			emu
				.since(mark)
				.filter((e) => e.batchSeq === undefined)
				.map((e) => e.status),
		).toEqual([401, 200]);
	});

	it('a token refused again after the refresh is explained (401 InvalidAuthenticationToken)', async () => {
		const emu = emulator();
		// A token for Exchange, not Graph: Graph refuses it whatever the refresh.
		const provider = emulatorProvider(emu, 'application', { resource: 'outlook' });
		const transport = new GraphTransport(NODE, provider);
		const mark = emu.mark();
		const error = (await transport
			.request({ effect: 'read', url: '/users' })
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.httpCode).toBe('401');
		expect(error.message).toBe('Microsoft Graph rejected the access token for GET /users');
		expect(error.description).toMatch(
			/InvalidAuthenticationToken: Access token validation failure\. Invalid audience\./,
		);
		expect(error.description).toMatch(/A new token was requested and was refused as well/);
		expect(error.description).toMatch(/cloud/);
		expect(provider.forced).toBe(1);
		expect(emu.since(mark)).toHaveLength(2);
		// The token itself is in no message.
		const token = await provider.getToken();
		expect(
			JSON.stringify([error.message, error.description, error.cause, error.context]),
		).not.toContain(token.split('.')[1]);
	});

	it('passes an error of the token provider through unchanged (login errors are mapped there)', async () => {
		const emu = emulator();
		const failure = new Error('AADSTS7000215: Invalid client secret provided.');
		const provider = {
			...emulatorProvider(emu, 'application'),
			getToken: async () => {
				throw failure;
			},
		};
		const transport = new GraphTransport(NODE, provider);
		const mark = emu.mark();
		await expect(transport.request({ effect: 'read', url: '/users' })).rejects.toBe(failure);
		expect(emu.since(mark)).toHaveLength(0);
	});
});

describe('origins', () => {
	it('refuses an absolute URL on another origin before any request', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const mark = emu.mark();
		for (const url of [
			`https://localhost:${emu.port}/v1.0/users`,
			`http://127.0.0.1:${emu.port}/v1.0/users`,
			'https://graph.microsoft.com.evil.example/v1.0/users',
		]) {
			await expect(transport.request({ effect: 'read', url })).rejects.toThrow(
				/Refused to send the credential's token to/,
			);
		}
		expect(emu.since(mark)).toHaveLength(0);
	});

	it('sends upload-session requests without Authorization, with Content-Range, retried when replayable', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		await transport.request({ effect: 'read', url: '/organization' }); // a token exists
		const upload = `https://localhost:${emu.port}/upload/session-1?guid=abc&path=~tmp`;
		emu.addFault({ kind: 'status', status: 503, retryAfter: 0, host: 'localhost', count: 1 });
		const mark = emu.mark();
		const body = Buffer.alloc(4096, 7);
		const response = await transport.sendUnauthenticated({
			method: 'PUT',
			effect: 'replaceable',
			url: upload,
			headers: { 'Content-Range': 'bytes 0-4095/8192', Authorization: 'Bearer must-not-leave' },
			body,
			acceptStatus: 'any',
		});
		expect(response.status).toBe(404); // the emulator serves no upload route here; what matters is what was sent
		const log = emu.since(mark);
		expect(log).toHaveLength(2);
		for (const entry of log) {
			expect(entry.host).toBe('localhost');
			expect(entry.hasAuthorization).toBe(false);
			expect(entry.url).toBe('/upload/session-1?guid=abc&path=~tmp');
			expect(entry.headers['content-range']).toBe('bytes 0-4095/8192');
		}
		expect(log[1].requestBytes).toBe(4096);
	});

	it('streams a Readable body with its Content-Length, once, without Authorization', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const mark = emu.mark();
		await transport.sendUnauthenticated({
			method: 'PUT',
			effect: 'uploadFragment',
			url: `https://localhost:${emu.port}/upload/session-2`,
			headers: { 'Content-Range': 'bytes 0-65535/65536', 'Content-Length': '65536' },
			body: Readable.from([Buffer.alloc(32768, 1), Buffer.alloc(32768, 2)]),
			acceptStatus: 'any',
		});
		const [entry] = emu.since(mark);
		expect(entry.hasAuthorization).toBe(false);
		expect(entry.headers['content-length']).toBe('65536');
		expect(entry.requestBytes).toBe(65536);
	});

	it('refuses plain http for pre-authenticated URLs', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		await expect(
			transport.sendUnauthenticated({
				method: 'PUT',
				effect: 'uploadFragment',
				url: 'http://example.invalid/upload',
				body: Buffer.from('x'),
			}),
		).rejects.toThrow(/plain http/);
	});

	it('the SDK client runs the same chain: token for Graph, none for another origin', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const mark = emu.mark();
		const users = await transport.client.api('/users').top(2).get();
		expect(users.value).toHaveLength(2);
		await transport.client
			.api(`https://localhost:${emu.port}/v1.0/users`)
			.get()
			.catch(() => undefined);
		const log = emu.since(mark);
		expect(log.map((e) => [e.host, e.hasAuthorization, e.status])).toEqual([
			['127.0.0.1', true, 200],
			['localhost', false, 401],
		]);
	});
});
