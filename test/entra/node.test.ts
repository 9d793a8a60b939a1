/**
 * The Microsoft 365 Entra ID node through n8n's WorkflowExecute against the emulator: users and
 * groups, memberships through nested groups, managers and reports, queries ($filter presets with
 * escaping, $search and $count with ConsistencyLevel), both credentials, list search, and every
 * bad input refused before anything is sent.
 */
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { runListSearch } from '../harness';
import {
	appCredential,
	credentialTypes,
	delegatedCredential,
	graphRequests,
	IDS,
	jsonOf,
	NODE,
	nodeTypes,
	runEntra,
} from './helpers';

const emulator = useEmulator();

const user = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** User → Get Many (all), with more parameters. */
const usersWith = (parameters: IDataObject) =>
	runEntra(emulator(), {
		parameters: { resource: 'user', operation: 'getMany', returnAll: true, ...parameters },
	});

describe('users', () => {
	test('Get by UPN (a guest with #EXT#) and by ID, with fields and an extension attribute', async () => {
		const emu = emulator();
		const ext = 'extension_4f1e2d3c5b6a47889900aabbccddeeff_employeeCode';
		const { output, error } = await runEntra(emu, {
			parameters: {
				resource: 'user',
				operation: 'get',
				user: '={{ $json.who }}',
				fields: ['displayName', 'userType', 'onPremisesExtensionAttributes'],
				customFields: ext,
			},
			input: [
				{ json: { who: 'gina_fabrikam.com#EXT#@contoso.onmicrosoft.com' } },
				{ json: { who: IDS.alice } },
			],
		});
		expect(error).toBeUndefined();
		const [gina, alice] = jsonOf(output);
		expect(gina).toMatchObject({ displayName: 'Gina Guest', userType: 'Guest' });
		expect(gina).not.toHaveProperty('@odata.context');
		expect(alice).toMatchObject({ id: IDS.alice, [ext]: 'E-1001' });
		expect((alice.onPremisesExtensionAttributes as any).extensionAttribute1).toBe('CC-4711');
		expect(output[0][1].pairedItem).toEqual({ item: 1 });
	});

	test('Get Many with presets: enabled members of Finance created after a date', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { output, error } = await usersWith({
			filters: {
				accountEnabled: 'enabled',
				userType: 'Member',
				department: 'Finance',
				createdAfter: '2022-01-01',
			},
			fields: ['displayName'],
		});
		expect(error).toBeUndefined();
		expect(
			jsonOf(output)
				.map((u) => u.displayName)
				.sort(),
		).toEqual(['Bob Berger', 'Carol Chen']);
		const [request] = graphRequests(emu, mark);
		const filter = new URL(request.url, emu.url).searchParams.get('$filter');
		expect(filter).toBe(
			"accountEnabled eq true and userType eq 'Member' and department eq 'Finance' and createdDateTime ge 2022-01-01T00:00:00Z",
		);
		expect(request.headers.consistencylevel).toBeUndefined();
	});

	test('a preset value with a quote is escaped (doubled) and finds the right user; no injection', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const found = await usersWith({
			filters: { displayNameStartsWith: "Dana O'N" },
		});
		expect(jsonOf(found.output).map((u) => u.id)).toEqual([IDS.dana]);
		const url = new URL(graphRequests(emu, mark)[0].url, emu.url);
		expect(url.searchParams.get('$filter')).toBe("startswith(displayName,'Dana O''N')");
		// A value trying to close the literal and add a clause matches nothing instead.
		const injected = await usersWith({
			filters: { department: "x' or department ne 'x" },
		});
		expect(injected.error).toBeUndefined();
		expect(jsonOf(injected.output)).toEqual([]);
	});

	test('$search sends ConsistencyLevel: eventual and $count=true; quotes in the text are escaped', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { output } = await usersWith({
			options: { search: 'alice' },
			fields: ['displayName'],
		});
		expect(jsonOf(output).map((u) => u.displayName)).toEqual(['Alice Anders']);
		const [request] = graphRequests(emu, mark);
		expect(request.headers.consistencylevel).toBe('eventual');
		const params = new URL(request.url, emu.url).searchParams;
		expect(params.get('$search')).toBe('"displayName:alice" OR "mail:alice"');
		expect(params.get('$count')).toBe('true');

		const quoted = emu.mark();
		const none = await usersWith({
			options: { search: 'say "hi' },
		});
		expect(none.error).toBeUndefined();
		expect(new URL(graphRequests(emu, quoted)[0].url, emu.url).searchParams.get('$search')).toBe(
			'"displayName:say \\"hi" OR "mail:say \\"hi"',
		);
	});

	test('Output Count reads /users/$count with ConsistencyLevel: eventual', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { output, error } = await runEntra(emu, {
			parameters: {
				resource: 'user',
				operation: 'getMany',
				filters: { userType: 'Guest' },
				options: { output: 'count' },
			},
		});
		expect(error).toBeUndefined();
		expect(jsonOf(output)).toEqual([{ count: 1 }]);
		const [request] = graphRequests(emu, mark);
		expect(request.url).toMatch(/^\/v1\.0\/users\/\$count\?/);
		expect(request.headers.consistencylevel).toBe('eventual');
	});

	test('order by and limit: one request with $top = limit', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { output } = await runEntra(emu, {
			parameters: {
				resource: 'user',
				operation: 'getMany',
				limit: 3,
				options: { orderBy: 'displayName' },
				fields: ['displayName'],
			},
		});
		expect(jsonOf(output).map((u) => u.displayName)).toEqual([
			'Adele Admin',
			'Alice Anders',
			'Bob Berger',
		]);
		const requests = graphRequests(emu, mark);
		expect(requests).toHaveLength(1);
		expect(new URL(requests[0].url, emu.url).searchParams.get('$top')).toBe('3');
	});
});

describe('memberships, managers and groups', () => {
	test('Get Groups: transitive membership through three levels of nesting', async () => {
		const emu = emulator();
		const run = (transitive: boolean) =>
			runEntra(emu, {
				parameters: {
					resource: 'user',
					operation: 'getGroups',
					user: user(IDS.carol),
					transitive,
					returnAll: true,
					fields: ['displayName'],
				},
			});
		const direct = await run(false);
		expect(
			jsonOf(direct.output)
				.map((g) => g.displayName)
				.sort(),
		).toEqual(['All Staff', 'Finance Controllers']);
		const nested = await run(true);
		expect(
			jsonOf(nested.output)
				.map((g) => g.displayName)
				.sort(),
		).toEqual(['All Staff', 'Finance', 'Finance Controllers', 'Finance Leads']);
	});

	test('Get Groups with directory roles', async () => {
		const emu = emulator();
		const { output } = await runEntra(emu, {
			parameters: {
				resource: 'user',
				operation: 'getGroups',
				user: user('alice@contoso.onmicrosoft.com'),
				include: 'groupsAndRoles',
				returnAll: true,
			},
		});
		const json = jsonOf(output);
		expect(json.find((o) => o['@odata.type'] === '#microsoft.graph.directoryRole')).toMatchObject({
			displayName: 'Global Reader',
			roleTemplateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
		});
		expect(
			json
				.filter((o) => o['@odata.type'] === '#microsoft.graph.group')
				.map((g) => g.displayName)
				.sort(),
		).toEqual(['All Staff', 'Analytics Mailboxes', 'Finance']);
	});

	test('Get Manager and Get Direct Reports; no item for a user without a manager', async () => {
		const emu = emulator();
		const manager = await runEntra(emu, {
			parameters: { resource: 'user', operation: 'getManager', user: user('={{ $json.id }}') },
			input: [{ json: { id: IDS.bob } }, { json: { id: IDS.alice } }, { json: { id: IDS.dana } }],
		});
		expect(manager.error).toBeUndefined();
		expect(manager.output[0].map((i) => [i.pairedItem, i.json.id])).toEqual([
			[{ item: 0 }, IDS.alice],
			[{ item: 2 }, IDS.admin],
		]);
		const reports = await runEntra(emu, {
			parameters: {
				resource: 'user',
				operation: 'getDirectReports',
				user: user(
					'https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/' +
						IDS.alice,
					'url',
				),
				returnAll: true,
				fields: ['displayName'],
			},
		});
		expect(
			jsonOf(reports.output)
				.map((u) => u.displayName)
				.sort(),
		).toEqual(['Bob Berger', 'Carol Chen']);
	});

	test('Group Get Members: transitive users only, or every type', async () => {
		const emu = emulator();
		const run = (include: string) =>
			runEntra(emu, {
				parameters: {
					resource: 'group',
					operation: 'getMembers',
					group: user(IDS.finance),
					transitive: true,
					include,
					returnAll: true,
				},
			});
		expect(
			jsonOf((await run('users')).output)
				.map((u) => u.id)
				.sort(),
		).toEqual([IDS.alice, IDS.bob, IDS.carol].sort());
		expect(
			jsonOf((await run('all')).output)
				.map((u) => u.id)
				.sort(),
		).toEqual([IDS.alice, IDS.bob, IDS.carol, IDS.leads, IDS.controllers].sort());
	});

	test('Group Get and Get Many (security groups, search) with the Room Booking app (Group.Read.All)', async () => {
		const emu = emulator();
		const one = await runEntra(emu, {
			app: 'roomBooking',
			parameters: {
				resource: 'group',
				operation: 'get',
				group: user(IDS.allStaff),
				fields: ['displayName', 'groupTypes'],
			},
		});
		expect(jsonOf(one.output)).toEqual([
			{ id: IDS.allStaff, displayName: 'All Staff', groupTypes: ['Unified'] },
		]);
		const many = await runEntra(emu, {
			app: 'roomBooking',
			parameters: {
				resource: 'group',
				operation: 'getMany',
				returnAll: true,
				filters: { kind: 'security' },
				options: { search: 'finance' },
				fields: ['displayName'],
			},
		});
		expect(many.error).toBeUndefined();
		expect(
			jsonOf(many.output)
				.map((g) => g.displayName)
				.sort(),
		).toEqual(['Finance', 'Finance Controllers', 'Finance Leads']);
	});

	test('with the delegated credential (tokens from the emulator’s sign-in)', async () => {
		const emu = emulator();
		const delegated = await delegatedCredential(emu);
		const { output, error } = await runEntra(emu, {
			delegated,
			parameters: {
				resource: 'group',
				operation: 'getMembers',
				group: user(IDS.leads),
				returnAll: true,
				fields: ['displayName'],
			},
		});
		expect(error).toBeUndefined();
		expect(jsonOf(output).map((u) => u.displayName)).toEqual(['Bob Berger']);
	});

	test('list search for the resource locators, with paging tokens', async () => {
		const emu = emulator();
		const node = {
			type: NODE,
			parameters: { authentication: 'app', resource: 'user', operation: 'get' },
			credentials: { microsoft365AppApi: { id: 'app', name: 'App' } },
		};
		const { result } = await runListSearch({
			nodeTypes,
			credentialTypes,
			node: node as never,
			credentialsData: { app: appCredential(emu) as never },
			methodName: 'searchUsers',
			filter: 'carol',
		});
		expect(result.results).toEqual([
			{ name: 'Carol Chen (carol@contoso.onmicrosoft.com)', value: IDS.carol },
		]);
		emu.directory.home.seedUsers(150, 'listsearch');
		const first = await runListSearch({
			nodeTypes,
			credentialTypes,
			node: node as never,
			credentialsData: { app: appCredential(emu) as never },
			methodName: 'searchUsers',
		});
		expect(first.result.results).toHaveLength(100);
		expect(first.result.paginationToken).toMatch(/^https:\/\/.*\/v1\.0\/users\?/);
		const second = await runListSearch({
			nodeTypes,
			credentialTypes,
			node: node as never,
			credentialsData: { app: appCredential(emu) as never },
			methodName: 'searchUsers',
			paginationToken: first.result.paginationToken as string,
		});
		expect(second.result.results.length).toBeGreaterThan(0);
		const groups = await runListSearch({
			nodeTypes,
			credentialTypes,
			node: node as never,
			credentialsData: { app: appCredential(emu) as never },
			methodName: 'searchGroups',
			filter: 'staff',
		});
		expect(groups.result.results).toEqual([
			{ name: 'All Staff (allstaff@contoso.onmicrosoft.com)', value: IDS.allStaff },
		]);
	});
});

describe('faults', () => {
	test('throttling, resets and an expired token while paging: every user exactly once, GETs retried', async () => {
		const emu = emulator();
		emu.directory.home.seedUsers(2_500, 'faulty');
		const total = emu.directory.home.users.length;
		// A token cached from an earlier run, then expired: the first answer without a fault is 401.
		await runEntra(emu, {
			parameters: { resource: 'user', operation: 'get', user: user(IDS.bob) },
		});
		emu.tokens.expireAll();
		// Matching requests take the rules in turn: 429, then a reset after the handler ran, then 503.
		emu.addFault({ kind: 'status', status: 429, retryAfter: 0, path: '/v1.0/users', count: 1 });
		emu.addFault({ kind: 'reset-after', path: '/v1.0/users', count: 1 });
		emu.addFault({ kind: 'status', status: 503, retryAfter: 0, path: '/v1.0/users', count: 1 });
		const mark = emu.mark();
		const { output, error } = await runEntra(emu, {
			parameters: { resource: 'user', operation: 'getMany', returnAll: true, fields: ['id'] },
		});
		expect(error).toBeUndefined();
		const ids = jsonOf(output).map((u) => u.id);
		expect(ids).toHaveLength(total);
		expect(new Set(ids).size).toBe(total);
		const requests = graphRequests(emu, mark);
		const faults = requests.filter((r) => r.status !== 200);
		expect(faults.map((r) => r.status)).toEqual([429, 0, 503, 401]);
		expect(requests.filter((r) => r.status === 200)).toHaveLength(Math.ceil(total / 999));
	});
});

describe('bad input: a clear error naming the field, nothing sent', () => {
	async function refused(parameters: IDataObject, pattern: RegExp) {
		const emu = emulator();
		const mark = emu.mark();
		const { error, output } = await runEntra(emu, { parameters });
		expect(output).toEqual([]);
		expect(`${error?.message} ${error?.description ?? ''}`).toMatch(pattern);
		expect(emu.since(mark)).toEqual([]);
		return error!;
	}

	test('an unknown field name (checked against the CSDL)', async () => {
		const error = await refused(
			{
				resource: 'user',
				operation: 'getMany',
				returnAll: true,
				customFields: 'displayName, costCentre',
			},
			/Unknown field "costCentre" in Fields \/ Custom Fields/,
		);
		expect(error.description).toMatch(/extension_<app ID without dashes>_<name>/);
		await refused(
			{
				resource: 'group',
				operation: 'get',
				group: user(IDS.finance),
				customFields: 'userPrincipalName',
			},
			/Unknown field "userPrincipalName"/,
		);
		await refused(
			{ resource: 'user', operation: 'get', user: user(IDS.bob), customFields: 'display_name' },
			/Unknown field "display_name"/,
		);
	});

	test('a limit outside 1..1,000,000', async () => {
		for (const limit of [0, 1_000_001, 2.5]) {
			await refused(
				{ resource: 'user', operation: 'getMany', returnAll: false, limit },
				/Limit must be a whole number from 1 to 1,000,000/,
			);
		}
	});

	test('a user that is neither an ID nor a UPN; a bad date preset', async () => {
		await refused(
			{ resource: 'user', operation: 'get', user: user('alice') },
			/"alice" is not a user ID or user principal name/,
		);
		await refused(
			{
				resource: 'user',
				operation: 'getMany',
				returnAll: true,
				filters: { createdAfter: 'last tuesday' },
			},
			/"last tuesday" in Filters → Created After is not a date/,
		);
	});

	test('a raw $filter Graph rejects is reported with Graph’s message', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { error } = await usersWith({
			options: { filter: "department eq 'Finance" },
		});
		expect(error?.message).toMatch(/Invalid filter clause: unterminated string literal/);
		expect(graphRequests(emu, mark)).toHaveLength(1);
	});

	test('permissions: Get Groups with an app holding only User.Read.All names the permission to grant', async () => {
		const emu = emulator();
		const { error } = await runEntra(emu, {
			app: 'directoryReader',
			parameters: {
				resource: 'user',
				operation: 'getGroups',
				user: user(IDS.bob),
				returnAll: true,
			},
		});
		expect(error?.message).toMatch(
			/Forbidden: the application credential lacks permission .*grant/,
		);
	});
});
