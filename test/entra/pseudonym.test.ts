/**
 * Pseudonymisation: with one key a user maps to the same pseudonym in every run (and their `id`
 * to the same value wherever it appears, so outputs join), another key gives other pseudonyms,
 * and no raw identity is in the output. Also the trigger's output, and a short key refused.
 */
import type { IDataObject } from 'n8n-workflow';
import { directoryStore } from '../emulator/graph/directory';
import { useEmulator } from '../helpers/emulator';
import { IDS, jsonOf, poll, runEntra } from './helpers';

const emulator = useEmulator();

const PSEUDONYM_A = 'k1-0123456789abcdef-pseudonyms';
const PSEUDONYM_B = 'k2-fedcba9876543210-pseudonyms';

const users = (pseudonymKey: string) =>
	runEntra(emulator(), {
		pseudonymKey,
		parameters: {
			resource: 'user',
			operation: 'getMany',
			returnAll: true,
			fields: [
				'userPrincipalName',
				'mail',
				'displayName',
				'givenName',
				'surname',
				'mailNickname',
				'department',
			],
			pseudonymise: true,
			pseudonymFields: ['userPrincipalName', 'mail', 'displayName', 'ids'],
			pseudonymKeySource: 'credential',
		},
	});

/** Every identity of the tenant's users and groups, in the forms they could appear in. */
function rawIdentities(groups = true): string[] {
	const tenant = emulator().directory.home;
	const values = new Set<string>();
	for (const u of tenant.users) {
		for (const v of [
			u.id,
			u.userPrincipalName,
			u.mail,
			u.displayName,
			u.givenName,
			u.surname,
			u.mailNickname,
		])
			if (v) values.add(v.toLowerCase());
	}
	if (groups)
		for (const g of tenant.groups)
			for (const v of [g.id, g.displayName, g.mail]) if (v) values.add(v.toLowerCase());
	return [...values];
}

function expectNoRawValue(output: IDataObject[], groups = true) {
	const text = JSON.stringify(output).toLowerCase();
	for (const raw of rawIdentities(groups))
		if (text.includes(`"${raw}"`)) throw new Error(`raw value in output: ${raw}`);
	// Not even inside another string (a UPN within a longer value).
	for (const raw of rawIdentities().filter((r) => r.includes('@'))) expect(text).not.toContain(raw);
}

test('same key → same pseudonyms across runs; other key → other pseudonyms; no raw value in the output', async () => {
	const a = jsonOf((await users(PSEUDONYM_A)).output);
	const b = jsonOf((await users(PSEUDONYM_A)).output);
	const c = jsonOf((await users(PSEUDONYM_B)).output);
	expect(a).toHaveLength(emulator().directory.home.users.length);
	expect(b).toEqual(a);
	// (Users only: a department may be called like a group.)
	expectNoRawValue(a, false);
	expectNoRawValue(c, false);
	// Unchosen fields stay as they are.
	expect(a.filter((u) => u.department === 'Finance')).toHaveLength(3);
	for (const [i, user] of a.entries()) {
		expect(user.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(c[i].id).not.toBe(user.id);
		expect(c[i].userPrincipalName).not.toBe(user.userPrincipalName);
	}
	expect(new Set(a.map((u) => u.id)).size).toBe(a.length);
});

test('pseudonyms join: a member’s id from Get Members equals the user’s id from Get Many (key from a field)', async () => {
	const common = {
		pseudonymise: true,
		pseudonymFields: ['ids', 'displayName', 'mail', 'userPrincipalName'],
		pseudonymKeySource: 'field',
		pseudonymKey: PSEUDONYM_A,
	};
	const members = jsonOf(
		(
			await runEntra(emulator(), {
				parameters: {
					resource: 'group',
					operation: 'getMembers',
					group: { __rl: true, mode: 'id', value: IDS.leads },
					returnAll: true,
					...common,
				},
			})
		).output,
	);
	const all = jsonOf((await users(PSEUDONYM_A)).output);
	expect(members).toHaveLength(1);
	expect(all.map((u) => u.id)).toContain(members[0].id);
	expectNoRawValue(members);
});

test('the trigger pseudonymises change records, membership IDs included', async () => {
	const emu = emulator();
	const store = directoryStore(emu);
	const parameters = {
		track: ['users', 'memberships'],
		firstRun: 'baseline',
		userFields: ['displayName', 'userPrincipalName'],
		pseudonymise: true,
		pseudonymFields: ['ids', 'displayName', 'userPrincipalName', 'mail'],
		pseudonymKeySource: 'credential',
	};
	const p1 = await poll(emu, { parameters, pseudonymKey: PSEUDONYM_A });
	const added = store.createUser(emu.directory.home, {
		userPrincipalName: 'pseudo.user@contoso.onmicrosoft.com',
		displayName: 'Pseudo User',
	});
	emu.directory.home.addMember(IDS.allStaff, added.id);
	const p2 = await poll(emu, { parameters, staticData: p1.staticData, pseudonymKey: PSEUDONYM_A });
	const out = (p2.output?.[0] ?? []).map((i) => i.json);
	expect(out.map((c) => c.changeType).sort()).toEqual(['created', 'memberAdded']);
	const created = out.find((c) => c.changeType === 'created')!;
	const membership = out.find((c) => c.changeType === 'memberAdded')!;
	expect(membership.memberId).toBe(created.id);
	const text = JSON.stringify(out).toLowerCase();
	for (const raw of [added.id, added.userPrincipalName, 'pseudo user', IDS.allStaff])
		expect(text).not.toContain(raw.toLowerCase());
});

test('a key shorter than 16 characters is refused before anything is sent', async () => {
	const emu = emulator();
	const mark = emu.mark();
	const { error } = await runEntra(emu, {
		pseudonymKey: 'tiny-key-x1',
		parameters: {
			resource: 'user',
			operation: 'getMany',
			returnAll: true,
			pseudonymise: true,
			pseudonymKeySource: 'credential',
		},
	});
	expect(error?.message).toMatch(
		/pseudonym key is too short: the Microsoft 365 Pseudonym Key credential needs at least 16/,
	);
	expect(JSON.stringify(error)).not.toContain('tiny-key-x1');
	expect(emu.since(mark)).toEqual([]);
});
