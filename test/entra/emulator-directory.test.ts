/**
 * The emulator's directory surface on its own (over HTTPS with minted tokens): groups, nested
 * memberships, managers, directory roles, extension attributes, $count, and users/groups delta
 * with deltaLink, @removed, members@delta and token expiry.
 */
import { directoryStore } from '../emulator/graph/directory';
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();

const ALICE = '79719b4a-22ee-5f2e-bbac-dca31ff99a15';
const BOB = '09db03a2-9629-5b80-8af4-3eafd9fcef01';
const CAROL = 'da54ce34-c1a4-5806-86ac-d641c21a798f';
const FINANCE = 'fd7c9995-5677-50aa-8bde-6f0d5a9c211a';
const LEADS = 'e92c0ef5-54ee-5b63-a03d-e709a9359912';
const CONTROLLERS = 'be9ad6ee-1f64-57c1-8a10-abbe391e5304';
const ALL_STAFF = '3add7a6f-6647-5926-9817-efe6fa89ce7f';

const reader = () => mintToken(emulator(), { roles: ['Directory.Read.All'] });
const eventual = { ConsistencyLevel: 'eventual' };

async function all(path: string, token: string, headers: Record<string, string> = {}) {
	const out: any[] = [];
	let next: string | undefined = path;
	let pages = 0;
	let deltaLink: string | undefined;
	while (next) {
		const r = await graph(emulator(), 'GET', next, token, undefined, headers);
		expect(r.status).toBe(200);
		out.push(...r.body.value);
		next = r.body['@odata.nextLink'];
		deltaLink = r.body['@odata.deltaLink'];
		pages++;
	}
	return { items: out, pages, deltaLink };
}

describe('groups and memberships', () => {
	test('transitive memberOf follows three levels of nesting; direct memberOf does not', async () => {
		const token = reader();
		const direct = await graph(emulator(), 'GET', `/users/${CAROL}/memberOf`, token);
		expect(direct.status).toBe(200);
		expect(direct.body.value.map((g: any) => g.displayName).sort()).toEqual([
			'All Staff',
			'Finance Controllers',
		]);
		const transitive = await graph(
			emulator(),
			'GET',
			`/users/${CAROL}/transitiveMemberOf/microsoft.graph.group?$select=id,displayName`,
			token,
		);
		expect(transitive.body.value.map((g: any) => g.displayName).sort()).toEqual([
			'All Staff',
			'Finance',
			'Finance Controllers',
			'Finance Leads',
		]);
		expect(transitive.body.value[0]).toEqual({
			'@odata.type': '#microsoft.graph.group',
			id: expect.any(String),
			displayName: expect.any(String),
		});
	});

	test('memberOf lists directory roles too; a cast keeps one type', async () => {
		const token = reader();
		const all = await graph(emulator(), 'GET', `/users/${ALICE}/memberOf`, token);
		const types = all.body.value.map((o: any) => o['@odata.type']);
		expect(types).toContain('#microsoft.graph.directoryRole');
		expect(types).toContain('#microsoft.graph.group');
		const roles = await graph(
			emulator(),
			'GET',
			`/users/${ALICE}/memberOf/microsoft.graph.directoryRole`,
			token,
		);
		expect(roles.body.value.map((r: any) => r.displayName)).toEqual(['Global Reader']);
	});

	test('members and transitiveMembers of a nested group', async () => {
		const token = reader();
		const direct = await graph(
			emulator(),
			'GET',
			`/groups/${FINANCE}/members?$select=id,displayName`,
			token,
		);
		expect(direct.body.value.map((o: any) => o.id).sort()).toEqual([ALICE, LEADS].sort());
		const users = await graph(
			emulator(),
			'GET',
			`/groups/${FINANCE}/transitiveMembers/microsoft.graph.user?$select=id`,
			token,
		);
		expect(users.body.value.map((o: any) => o.id).sort()).toEqual([ALICE, BOB, CAROL].sort());
		const everything = await graph(
			emulator(),
			'GET',
			`/groups/${FINANCE}/transitiveMembers`,
			token,
		);
		expect(everything.body.value.map((o: any) => o.id).sort()).toEqual(
			[ALICE, BOB, CAROL, LEADS, CONTROLLERS].sort(),
		);
	});

	test('manager, direct reports; a user without a manager is 404', async () => {
		const token = reader();
		const manager = await graph(emulator(), 'GET', `/users/${BOB}/manager`, token);
		expect(manager.body).toMatchObject({ '@odata.type': '#microsoft.graph.user', id: ALICE });
		const reports = await graph(
			emulator(),
			'GET',
			`/users/${ALICE}/directReports?$select=id`,
			token,
		);
		expect(reports.body.value.map((u: any) => u.id).sort()).toEqual([BOB, CAROL].sort());
		const none = await graph(emulator(), 'GET', `/users/${ALICE}/manager`, token);
		expect(none.status).toBe(404);
		expect(none.body.error.code).toBe('Request_ResourceNotFound');
	});

	test('groups: list with $filter, get, $search needs ConsistencyLevel', async () => {
		const token = reader();
		const list = await graph(
			emulator(),
			'GET',
			`/groups?$filter=securityEnabled eq true&$select=displayName`,
			token,
		);
		expect(list.body.value.map((g: any) => g.displayName)).toContain('Finance Leads');
		expect(list.body.value.map((g: any) => g.displayName)).not.toContain('All Staff');
		const one = await graph(emulator(), 'GET', `/groups/${ALL_STAFF}`, token);
		expect(one.body).toMatchObject({ displayName: 'All Staff', groupTypes: ['Unified'] });
		const bad = await graph(emulator(), 'GET', `/groups?$search="displayName:fin"`, token);
		expect(bad.status).toBe(400);
		const ok = await graph(
			emulator(),
			'GET',
			`/groups?$search="displayName:fin"&$count=true`,
			token,
			undefined,
			eventual,
		);
		expect(ok.body['@odata.count']).toBe(3);
	});

	test('/users/$count and /groups/$count answer text and need ConsistencyLevel', async () => {
		const token = reader();
		const refused = await graph(emulator(), 'GET', '/users/$count', token);
		expect(refused.status).toBe(400);
		const count = await graph(
			emulator(),
			'GET',
			`/users/$count?$filter=userType eq 'Guest'`,
			token,
			undefined,
			eventual,
		);
		expect(count.status).toBe(200);
		expect(count.body).toBe(1);
		const groups = await graph(emulator(), 'GET', '/groups/$count', token, undefined, eventual);
		expect(groups.body).toBe(emulator().directory.home.groups.length);
	});

	test('extension attributes: selectable, present where set', async () => {
		const token = reader();
		const ext = 'extension_4f1e2d3c5b6a47889900aabbccddeeff_employeeCode';
		const r = await graph(
			emulator(),
			'GET',
			`/users?$select=id,onPremisesExtensionAttributes,${ext}&$filter=department eq 'Finance'`,
			token,
		);
		const alice = r.body.value.find((u: any) => u.id === ALICE);
		const carol = r.body.value.find((u: any) => u.id === CAROL);
		expect(alice[ext]).toBe('E-1001');
		expect(alice.onPremisesExtensionAttributes.extensionAttribute1).toBe('CC-4711');
		expect(carol).not.toHaveProperty(ext);
		expect(carol.onPremisesExtensionAttributes.extensionAttribute1).toBeNull();
		const unknown = await graph(emulator(), 'GET', '/users?$select=id,costCentre', token);
		expect(unknown.status).toBe(400);
	});

	test('permissions: memberOf needs a directory or group-member permission, not User.Read.All alone', async () => {
		const token = mintToken(emulator(), { roles: ['User.Read.All'] });
		expect((await graph(emulator(), 'GET', `/users/${BOB}/memberOf`, token)).status).toBe(403);
		expect(
			(await graph(emulator(), 'GET', `/users/${BOB}/memberOf/microsoft.graph.group`, token))
				.status,
		).toBe(403);
		expect((await graph(emulator(), 'GET', `/users/${BOB}/transitiveMemberOf`, token)).status).toBe(
			200,
		);
		expect((await graph(emulator(), 'GET', '/users/delta', token)).status).toBe(200);
	});
});

describe('delta', () => {
	test('users: full sync, then created, updated and deleted users; latest; expiry', async () => {
		const emu = emulator();
		const tenant = emu.directory.home;
		const store = directoryStore(emu);
		const token = reader();
		const first = await all('/users/delta?$select=id,displayName,department', token);
		expect(first.items.length).toBe(tenant.users.length);
		expect(first.deltaLink).toMatch(/\/users\/delta\?\$deltatoken=/);

		const fresh = store.createUser(tenant, {
			userPrincipalName: 'new.hire@contoso.onmicrosoft.com',
			displayName: 'New Hire',
		});
		store.updateUser(tenant, BOB, { department: 'Treasury' });
		const gone = store.deleteUser(tenant, 'erik@contoso.onmicrosoft.com');
		const second = await all(first.deltaLink!, token);
		expect(second.items).toEqual(
			expect.arrayContaining([
				// a property never set is left out of a delta answer, not sent as null
				// (https://learn.microsoft.com/en-us/graph/api/user-delta)
				{ id: fresh.id, displayName: 'New Hire' },
				{ id: BOB, displayName: 'Bob Berger', department: 'Treasury' },
				{ id: gone.id, '@removed': { reason: 'changed' } },
			]),
		);
		expect(second.items).toHaveLength(3);

		const third = await all(second.deltaLink!, token);
		expect(third.items).toEqual([]);

		const latest = await graph(emu, 'GET', '/users/delta?$deltatoken=latest', token);
		expect(latest.body.value).toEqual([]);
		expect(latest.body['@odata.deltaLink']).toBeTruthy();

		store.expireTokens(tenant, 410);
		const expired = await graph(emu, 'GET', third.deltaLink!, token);
		expect(expired.status).toBe(410);
		expect(expired.body.error.code).toBe('syncStateNotFound');
		store.expireTokens(tenant);
		const expired400 = await graph(emu, 'GET', latest.body['@odata.deltaLink'], token);
		expect(expired400.status).toBe(400);
		expect(expired400.body.error.code).toBe('syncStateNotFound');
	});

	test('groups: members@delta for added and removed members', async () => {
		const emu = emulator();
		const tenant = emu.directory.home;
		const token = reader();
		const first = await all('/groups/delta?$select=displayName,members', token);
		const finance = first.items.find((g: any) => g.id === FINANCE);
		expect(finance['members@delta'].map((m: any) => m.id).sort()).toEqual([ALICE, LEADS].sort());
		tenant.addMember(FINANCE, CAROL);
		tenant.removeMember(FINANCE, ALICE);
		const second = await all(first.deltaLink!, token);
		expect(second.items).toHaveLength(1);
		expect(second.items[0]['members@delta']).toEqual(
			expect.arrayContaining([
				{ '@odata.type': '#microsoft.graph.user', id: CAROL },
				{ '@odata.type': '#microsoft.graph.user', id: ALICE, '@removed': { reason: 'deleted' } },
			]),
		);
		tenant.removeMember(FINANCE, CAROL);
		tenant.addMember(FINANCE, ALICE);
	});

	test('delta pages hold 200 objects; every user exactly once across pages', async () => {
		const emu = emulator();
		emu.directory.home.seedUsers(450, 'deltapage');
		const result = await all('/users/delta?$select=id', reader());
		expect(result.pages).toBe(Math.ceil(emu.directory.home.users.length / 200));
		expect(new Set(result.items.map((u: any) => u.id)).size).toBe(emu.directory.home.users.length);
	});
});
