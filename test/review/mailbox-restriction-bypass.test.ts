/**
 * Review (issue "Trust", promise 5): Mailbox Restriction bypasses at the transport.
 * The restriction allows only alice; each path below names bob's own data and should be refused
 * before anything is sent. `userOfDataPath` compares the first segment with "users" without
 * percent-decoding it (it decodes only the `users('…')` form and the data segment), so
 * `/%75sers/bob/messages` — which an RFC 3986 server treats as `/users/bob/messages` — passes.
 * Segments of a user's own data missing from USER_DATA (insights: the user's OneDrive documents
 * shared/used; planner: their tasks; people) pass too.
 */
import { parseMailboxRestriction } from '../../nodes/shared/credentials/validate';
import { GraphTransport } from '../../nodes/shared/transport';
import { userOfDataPath } from '../../nodes/shared/transport/transport';
import { useEmulator } from '../helpers/emulator';
import { emulatorProvider, NODE } from '../transport/helpers';

const emulator = useEmulator();
const ALLOWED = 'alice@contoso.onmicrosoft.com';
const OUTSIDE = 'bob@contoso.onmicrosoft.com';

function transport() {
	const provider = emulatorProvider(emulator(), 'application', {
		roles: ['Mail.ReadWrite', 'User.Read.All', 'Files.ReadWrite.All'],
	});
	Object.assign(provider, { mailboxRestriction: parseMailboxRestriction(ALLOWED) });
	return new GraphTransport(NODE, provider, { retry: { waitScale: 0.001 } });
}

test('percent-encoded "users" segment (/%75sers/bob/messages) is still bob\'s mailbox', () => {
	// Same resource for Graph: unreserved characters may be percent-encoded (RFC 3986 §2.3).
	expect(userOfDataPath(`/v1.0/%75sers/${OUTSIDE}/messages`)).toBe(OUTSIDE);
});

test.each([
	`/%75sers/${OUTSIDE}/messages`,
	`/u%73ers/${OUTSIDE}/mailFolders/inbox/messages`,
	`/users/${OUTSIDE}/insights/shared`,
	`/users/${OUTSIDE}/planner/tasks`,
])('refused before sending: %s', async (path) => {
	const emu = emulator();
	const mark = emu.mark();
	const error = await transport()
		.send({ effect: 'read', url: path, acceptStatus: 'any' })
		.then(
			() => undefined,
			(e: Error) => e,
		);
	expect(error?.message ?? '').toMatch(/Mailbox Restriction/);
	expect(emu.since(mark)).toEqual([]);
});
