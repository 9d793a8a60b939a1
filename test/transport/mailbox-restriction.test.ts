/**
 * The app credential's Mailbox Restriction on every path that names a user's own data, in every
 * node (issue "Trust", item 7): table-driven over every Graph call every operation declares. A
 * call under /users/{id}/<user data> is refused for a user outside the restriction before any
 * request (zero requests reach the emulator) and sent for a user inside it; directory reads of a
 * user (the user object, manager, memberships) are not restricted. `$batch` members and
 * nextLinks are checked the same way.
 */
import { collectDeclarations } from '../../scripts/generate-permissions-table';
import { parseMailboxRestriction } from '../../nodes/shared/credentials/validate';
import { GraphTransport } from '../../nodes/shared/transport';
import { userOfDataPath } from '../../nodes/shared/transport/transport';
import { useEmulator } from '../helpers/emulator';
import { emulatorProvider, NODE } from './helpers';
import { join } from 'node:path';

const emulator = useEmulator();
const ALLOWED = 'alice@contoso.onmicrosoft.com';
const OUTSIDE = 'bob@contoso.onmicrosoft.com';

const declarations = collectDeclarations(join(__dirname, '..', '..'));
const calls = declarations.flatMap((op) =>
	op.graphCalls
		.filter((call) => call.path.startsWith('/users/{id}'))
		.map((call) => ({ op: `${op.node} ${op.resource} ${op.operation}`, ...call })),
);
const userData = calls.filter((c) => userOfDataPath(c.path.replace(/\{id\}/g, 'x')) !== undefined);
const directory = calls.filter((c) => userOfDataPath(c.path.replace(/\{id\}/g, 'x')) === undefined);

function transportFor(restriction: string) {
	const emu = emulator();
	const provider = emulatorProvider(emu, 'application', {
		roles: ['Mail.ReadWrite', 'Mail.Send', 'User.Read.All', 'Chat.Read.All', 'Files.ReadWrite.All'],
	});
	Object.assign(provider, { mailboxRestriction: parseMailboxRestriction(restriction) });
	return new GraphTransport(NODE, provider, { retry: { waitScale: 0.001 } });
}

function instantiate(path: string, user: string): string {
	let first = true;
	return path.replace(/\{id\}/g, () => {
		const value = first ? encodeURIComponent(user) : 'AAMkAGI2-test-id';
		first = false;
		return value;
	});
}

test('the table covers the operations that take a user: mail, the mail trigger and user chats', () => {
	const ops = new Set(userData.map((c) => c.op));
	expect([...ops]).toEqual(
		expect.arrayContaining([
			'Microsoft 365 Mail message send',
			'Microsoft 365 Mail message get',
			'Microsoft 365 Mail message getAll',
			'Microsoft 365 Mail message reply',
			'Microsoft 365 Mail message forward',
			'Microsoft 365 Mail message move',
			'Microsoft 365 Mail message delete',
			'Microsoft 365 Mail Trigger message new message (poll)',
			'Microsoft 365 Teams chat getMany',
		]),
	);
	// Directory reads of a user are not mailbox data.
	expect(directory.map((c) => c.path)).toEqual(
		expect.arrayContaining(['/users/{id}', '/users/{id}/manager', '/users/{id}/memberOf']),
	);
});

describe.each(userData.map((c) => [`${c.op}: ${c.method} ${c.path}`, c] as const))(
	'%s',
	(_title, call) => {
		test('refused for a user outside the restriction, before any request', async () => {
			const emu = emulator();
			const transport = transportFor(`${ALLOWED}, @fabrikam.com`);
			const mark = emu.mark();
			const error = await transport
				.request({
					method: call.method,
					effect: call.method === 'GET' ? 'read' : 'createOnce',
					url: instantiate(call.path, OUTSIDE),
					body: call.method === 'GET' ? undefined : {},
				})
				.catch((e: Error) => e);
			expect(error).toBeInstanceOf(Error);
			expect((error as Error).message).toMatch(
				new RegExp(`Mailbox "${OUTSIDE}" is not allowed by the credential's Mailbox Restriction`),
			);
			expect(emu.since(mark)).toEqual([]);
		});

		test('sent for a user inside it', async () => {
			const emu = emulator();
			const transport = transportFor(`${ALLOWED}, @fabrikam.com`);
			const mark = emu.mark();
			await transport
				.send({
					method: call.method,
					effect: call.method === 'GET' ? 'read' : 'createOnce',
					url: instantiate(call.path, ALLOWED),
					body: call.method === 'GET' ? undefined : {},
					acceptStatus: 'any',
				})
				.catch(() => undefined);
			expect(emu.since(mark).length).toBeGreaterThan(0);
		});
	},
);

test('directory reads of a user outside the restriction are sent (not mailbox data)', async () => {
	const emu = emulator();
	const transport = transportFor(ALLOWED);
	const mark = emu.mark();
	for (const path of ['/users/{id}', '/users/{id}/manager', '/users/{id}/memberOf']) {
		await transport.send({
			effect: 'read',
			url: instantiate(path, OUTSIDE),
			acceptStatus: 'any',
		});
	}
	expect(emu.since(mark)).toHaveLength(3);
});

test("$batch members and the users('…') form are checked too; nothing is sent", async () => {
	const emu = emulator();
	const transport = transportFor(ALLOWED);
	const mark = emu.mark();
	await expect(
		transport.batch([
			{ method: 'GET', effect: 'read', url: `/users/${ALLOWED}/messages` },
			{ method: 'GET', effect: 'read', url: `/users/${OUTSIDE}/calendarView` },
		]),
	).rejects.toThrow(/Mailbox Restriction/);
	await expect(
		transport.request({ effect: 'read', url: `/users('${OUTSIDE}')/events` }),
	).rejects.toThrow(/Mailbox Restriction/);
	await expect(
		transport.request({
			effect: 'read',
			url: `${emu.url}/v1.0/users/${encodeURIComponent(OUTSIDE)}/chats?$skiptoken=x`,
		}),
	).rejects.toThrow(/Mailbox Restriction/);
	expect(emu.since(mark)).toEqual([]);
});

test('a delegated credential and an app credential without restriction are not restricted', () => {
	expect(userOfDataPath('/v1.0/users/bob%40contoso.com/drive/root')).toBe('bob@contoso.com');
	expect(userOfDataPath('/v1.0/users/bob/manager')).toBeUndefined();
	expect(userOfDataPath('/v1.0/me/messages')).toBeUndefined();
});
