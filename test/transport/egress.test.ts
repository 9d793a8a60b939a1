/**
 * The token goes only to Microsoft (issue "Trust", item 5), proven with a listener on a foreign
 * loopback address that counts every connection made to it:
 * - a nextLink, an absolute URL or a `$batch` member on another host: a clear error, and zero
 *   connections to that host;
 * - an SMTP host named by a node parameter (as 0.1.0 workflows had) or by an item: ignored; the
 *   mail goes to the credential's cloud's SMTP endpoint, zero connections to the other host.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { GraphTransport } from '../../nodes/shared/transport';
import { useEmulator } from '../helpers/emulator';
import { appCredential, ALICE, REPORTS, runMail } from '../mail/helpers';
import { emulatorProvider, NODE } from './helpers';

const emulator = useEmulator({ smtp: true });

/** A listener on 127.0.0.42 that counts connections (and closes them). */
let foreign: { server: Server; port: number; connections: number };

beforeAll(async () => {
	const server = createServer((socket: Socket) => {
		foreign.connections += 1;
		socket.destroy();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.42', resolve));
	foreign = { server, port: (server.address() as { port: number }).port, connections: 0 };
});

afterAll(async () => {
	await new Promise((resolve) => foreign.server.close(resolve));
});

beforeEach(() => {
	foreign.connections = 0;
});

const foreignUrl = () => `https://127.0.0.42:${foreign.port}`;

test('a nextLink, an absolute URL and a $batch member on another host: clear error, zero connections', async () => {
	const emu = emulator();
	const transport = new GraphTransport(NODE, emulatorProvider(emu, 'application'), {
		retry: { waitScale: 0.001 },
	});
	const mark = emu.mark();
	await expect(
		transport.collectAll(`${foreignUrl()}/v1.0/users?$skiptoken=stolen`),
	).rejects.toThrow(new RegExp(`Refused to send the credential's token to ${foreignUrl()}`));
	await expect(
		transport.request({
			effect: 'createOnce',
			method: 'POST',
			url: `${foreignUrl()}/v1.0/me/sendMail`,
			body: {},
		}),
	).rejects.toThrow(/Refused to send the credential's token/);
	await expect(
		transport.batch([{ method: 'GET', effect: 'read', url: `${foreignUrl()}/v1.0/users` }]),
	).rejects.toThrow(/Refused to send the credential's token/);
	expect(foreign.connections).toBe(0);
	expect(emu.since(mark)).toEqual([]);
});

test("an SMTP host from a node parameter or an item is not used: the credential's endpoint gets the mail, the other host nothing", async () => {
	const emu = emulator();
	const before = emu.smtp!.received.length;
	const { output, error } = await runMail(
		{ kind: 'app', data: appCredential(emu) },
		{
			operation: 'send',
			sendVia: 'smtp',
			mailbox: REPORTS,
			// What a 0.1.0 workflow (or incoming data) could set: no longer parameters of the node.
			smtpHost: '={{ $json.host }}',
			smtpPort: '={{ $json.port }}',
			toRecipients: ALICE,
			subject: 'Only to Microsoft',
			body: 'x',
		},
		[{ json: { host: '127.0.0.42', port: foreign.port } }],
	);
	expect(error).toBeUndefined();
	expect(output[0][0].json.sent).toBe(true);
	expect(emu.smtp!.received.length).toBe(before + 1);
	expect(emu.smtp!.received.at(-1)).toMatchObject({ rcptTo: [ALICE], scheme: 'application' });
	expect(foreign.connections).toBe(0);
});

test('a "." or ".." segment (an ID, mailbox or name given as such) is refused before any request: it would name another resource', async () => {
	const emu = emulator();
	const transport = new GraphTransport(NODE, emulatorProvider(emu, 'delegated'), {
		retry: { waitScale: 0.001 },
	});
	const mark = emu.mark();
	for (const url of [
		'/users/../messages',
		'/users/alice@contoso.onmicrosoft.com/events/..',
		'/me/mailFolders/./messages',
		'/users/%2E%2E/messages',
		'/users/%2e/events?$top=1',
	]) {
		await expect(
			transport.request({ effect: 'replaceable', method: 'DELETE', url }),
		).rejects.toThrow(/has a "\." or "\.\." segment/);
	}
	expect(emu.since(mark)).toEqual([]);
	// Dots inside a segment are ordinary characters.
	await expect(
		transport.request({ effect: 'read', method: 'GET', url: '/users/first.last..x@contoso.com' }),
	).rejects.not.toThrow(/segment/);
});
