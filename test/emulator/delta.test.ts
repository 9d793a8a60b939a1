/**
 * Delta query response shapes, from Microsoft's documentation:
 * - users/groups: https://learn.microsoft.com/en-us/graph/api/user-delta ("Default: return the
 *   same properties as initial delta request", "Alternative: return only the changed
 *   properties" with `Prefer: return=minimal`), https://learn.microsoft.com/en-us/graph/api/group-delta;
 * - messages: https://learn.microsoft.com/en-us/graph/api/message-delta (Prefer takes only
 *   `odata.maxpagesize`; the changed message comes with its selected properties).
 * Tests change one property through the admin API (PATCH /_emulator/users/{upn},
 * /_emulator/groups/{id}, /_emulator/mail/messages/{id}?user=UPN).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';
import { directoryStore } from './graph/directory';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const DOMAIN = 'contoso.onmicrosoft.com';
const MINIMAL = { Prefer: 'return=minimal' };

async function admin(method: string, path: string, body: unknown): Promise<void> {
	const r = await fetch(`${emulator().url}/_emulator${path}`, {
		method,
		body: JSON.stringify(body),
	});
	expect(r.status).toBe(200);
}

/** Runs a delta round to its end; returns the objects and the deltaLink. */
async function round(
	url: string,
	token: string,
	headers: Record<string, string> = {},
): Promise<{ value: any[]; deltaLink: string; headers: Headers[] }> {
	const value: any[] = [];
	const seen: Headers[] = [];
	let next: string | undefined = url;
	for (;;) {
		const page = await graph(emulator(), 'GET', next!, token, undefined, headers);
		expect(page.status).toBe(200);
		seen.push(page.headers);
		value.push(...page.body.value);
		next = page.body['@odata.nextLink'];
		if (!next) return { value, deltaLink: page.body['@odata.deltaLink'], headers: seen };
	}
}

describe('users/delta', () => {
	const token = () => mintToken(emulator(), { roles: ['User.Read.All'] });
	const UPN = `delta.dana@${DOMAIN}`;

	beforeAll(() => {
		const emu = emulator();
		directoryStore(emu).createUser(emu.directory.home, {
			userPrincipalName: UPN,
			displayName: 'Dana Delta',
			givenName: 'Dana',
			jobTitle: 'Analyst',
			officeLocation: 'B1',
		});
	});

	test('default: a changed user carries every default property; never-set ones are left out', async () => {
		const first = await round('/users/delta', token());
		const initial = first.value.find((u) => u.userPrincipalName === UPN);
		expect(initial).toMatchObject({ displayName: 'Dana Delta', jobTitle: 'Analyst' });
		expect(initial).not.toHaveProperty('mobilePhone'); // never set: omitted, not null
		await admin('PATCH', `/users/${UPN}`, { jobTitle: 'Lead Analyst' });
		const next = await round(first.deltaLink, token());
		expect(next.value).toHaveLength(1);
		const dana = next.value[0];
		expect(dana).toMatchObject({
			id: initial.id,
			jobTitle: 'Lead Analyst',
			displayName: 'Dana Delta',
			givenName: 'Dana',
			officeLocation: 'B1',
			userPrincipalName: UPN,
		});
		expect(dana).not.toHaveProperty('mobilePhone');
		expect(dana).not.toHaveProperty('surname');
		expect(next.headers[0].get('preference-applied')).toBeNull();
	});

	test('Prefer: return=minimal: an updated user carries id and the changed properties only', async () => {
		const start = await round('/users/delta?$deltatoken=latest', token());
		await admin('PATCH', `/users/${UPN}`, { officeLocation: 'C3' });
		const created = directoryStore(emulator()).createUser(emulator().directory.home, {
			userPrincipalName: `delta.eli@${DOMAIN}`,
			displayName: 'Eli Delta',
			jobTitle: 'Intern',
		});
		const next = await round(start.deltaLink, token(), MINIMAL);
		expect(next.headers[0].get('preference-applied')).toBe('return=minimal');
		const dana = next.value.find((u) => u.id !== created.id);
		expect(dana).toEqual({ id: expect.any(String), officeLocation: 'C3' });
		// a user created in the round comes whole (without never-set properties)
		const eli = next.value.find((u) => u.id === created.id);
		expect(eli).toMatchObject({
			id: created.id,
			displayName: 'Eli Delta',
			jobTitle: 'Intern',
			userPrincipalName: `delta.eli@${DOMAIN}`,
		});
		expect(eli).not.toHaveProperty('mobilePhone');
	});

	test('a property cleared to null is sent as null; $select limits both shapes', async () => {
		const start = await round('/users/delta?$select=displayName,jobTitle,officeLocation', token());
		await admin('PATCH', `/users/${UPN}`, { jobTitle: null });
		const link = start.deltaLink;
		const full = await round(link, token());
		expect(full.value).toEqual([
			{ id: expect.any(String), displayName: 'Dana Delta', jobTitle: null, officeLocation: 'C3' },
		]);
		const minimal = await round(link, token(), MINIMAL);
		expect(minimal.value).toEqual([{ id: expect.any(String), jobTitle: null }]);
	});

	test('removed users: { id, @removed: { reason } } — changed (soft) or deleted (permanent)', async () => {
		const emu = emulator();
		const store = directoryStore(emu);
		const a = store.createUser(emu.directory.home, {
			userPrincipalName: `soft@${DOMAIN}`,
			displayName: 'Soft',
		});
		const b = store.createUser(emu.directory.home, {
			userPrincipalName: `hard@${DOMAIN}`,
			displayName: 'Hard',
		});
		const start = await round('/users/delta?$deltatoken=latest', token());
		store.deleteUser(emu.directory.home, a.id);
		store.deleteUser(emu.directory.home, b.id, true);
		for (const headers of [{}, MINIMAL]) {
			const next = await round(start.deltaLink, token(), headers);
			expect(next.value).toEqual(
				expect.arrayContaining([
					{ id: a.id, '@removed': { reason: 'changed' } },
					{ id: b.id, '@removed': { reason: 'deleted' } },
				]),
			);
			expect(next.value).toHaveLength(2);
		}
	});
});

describe('groups/delta', () => {
	const token = () => mintToken(emulator(), { roles: ['Group.Read.All'] });

	test('default and minimal shapes for one changed group property', async () => {
		const emu = emulator();
		const group = directoryStore(emu).createGroup(emu.directory.home, {
			displayName: 'Delta Team',
			description: 'first',
			mailNickname: 'deltateam',
			mailEnabled: false,
			securityEnabled: true,
		} as never);
		const start = await round('/groups/delta?$deltatoken=latest', token());
		await admin('PATCH', `/groups/${group.id}`, { description: 'second' });
		const full = await round(start.deltaLink, token());
		expect(full.value).toHaveLength(1);
		expect(full.value[0]).toMatchObject({
			id: group.id,
			displayName: 'Delta Team',
			description: 'second',
		});
		const minimal = await round(start.deltaLink, token(), MINIMAL);
		expect(minimal.value).toEqual([{ id: group.id, description: 'second' }]);
		expect(minimal.headers[0].get('preference-applied')).toBe('return=minimal');
	});
});

describe('messages delta', () => {
	const USER = `carol@${DOMAIN}`;
	const token = () => mintToken(emulator(), { roles: ['Mail.ReadWrite'] });

	test('a message changed by another client comes with its selected properties; return=minimal is not applied', async () => {
		const emu = emulator();
		emu.mail.seed(USER, 3);
		const base = `/users/${USER}/mailFolders/inbox/messages/delta?$select=subject,isRead,importance`;
		const start = await round(base, token());
		const target = start.value[0];
		await admin('PATCH', `/mail/messages/${encodeURIComponent(target.id)}?user=${USER}`, {
			isRead: !target.isRead,
		});
		for (const headers of [{}, MINIMAL]) {
			const next = await round(start.deltaLink, token(), headers);
			expect(next.value).toEqual([
				expect.objectContaining({
					id: target.id,
					subject: target.subject,
					importance: target.importance,
					isRead: !target.isRead,
				}),
			]);
			// message: delta documents only `Prefer: odata.maxpagesize`
			expect(next.headers[0].get('preference-applied')).toBeNull();
		}
	});

	test('a message deleted from the folder comes as @removed', async () => {
		const emu = emulator();
		const base = `/users/${USER}/mailFolders/inbox/messages/delta?$select=subject`;
		const start = await round(base, token());
		const victim = start.value[0];
		const del = await graph(emu, 'DELETE', `/users/${USER}/messages/${victim.id}`, token());
		expect(del.status).toBe(204);
		const next = await round(start.deltaLink, token());
		expect(next.value).toContainEqual(
			expect.objectContaining({ id: victim.id, '@removed': { reason: 'deleted' } }),
		);
	});
});
