import { SigningKey } from '../emulator/jwt';
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const DOMAIN = 'contoso.onmicrosoft.com';

function expectGraphError(call: { status: number; body: any }, status: number, code: string) {
	expect(call.status).toBe(status);
	expect(call.body.error.code).toBe(code);
	expect(typeof call.body.error.message).toBe('string');
	expect(call.body.error.innerError['request-id']).toMatch(/^[0-9a-f-]{36}$/);
	expect(call.body.error.innerError.date).toMatch(/^\d{4}-\d{2}-\d{2}T/);
}

describe('Graph token validation (401 InvalidAuthenticationToken)', () => {
	test('a missing token is refused', async () => {
		const call = await graph(emulator(), 'GET', '/users');
		expectGraphError(call, 401, 'InvalidAuthenticationToken');
		expect(call.body.error.message).toBe('Access token is empty.');
		expect(call.headers.get('www-authenticate')).toMatch(/^Bearer/);
	});

	test('an expired token is refused', async () => {
		const token = mintToken(emulator(), { roles: ['User.Read.All'], lifetimeSeconds: -5 });
		const call = await graph(emulator(), 'GET', '/users', token);
		expectGraphError(call, 401, 'InvalidAuthenticationToken');
		expect(call.body.error.message).toMatch(/token is expired/);
	});

	test('a token signed by another key is refused', async () => {
		const good = mintToken(emulator(), { roles: ['User.Read.All'] });
		const [, payload] = good.split('.');
		const forged = new SigningKey().sign(JSON.parse(Buffer.from(payload, 'base64url').toString()));
		const call = await graph(emulator(), 'GET', '/users', forged);
		expectGraphError(call, 401, 'InvalidAuthenticationToken');
		expect(call.body.error.message).toBe('Access token validation failure.');
	});

	test('a token for another audience (Exchange) is refused', async () => {
		const token = mintToken(emulator(), { roles: ['User.Read.All'], resource: 'outlook' });
		const call = await graph(emulator(), 'GET', '/users', token);
		expectGraphError(call, 401, 'InvalidAuthenticationToken');
		expect(call.body.error.message).toMatch(/Invalid audience/);
	});

	test('"token expiry now" invalidates tokens issued before it', async () => {
		const token = mintToken(emulator(), { roles: ['User.Read.All'] });
		expect((await graph(emulator(), 'GET', '/users?$top=1', token)).status).toBe(200);
		emulator().tokens.expireAll();
		expect((await graph(emulator(), 'GET', '/users?$top=1', token)).status).toBe(401);
		const fresh = mintToken(emulator(), { roles: ['User.Read.All'] });
		expect((await graph(emulator(), 'GET', '/users?$top=1', fresh)).status).toBe(200);
	});
});

describe('permission enforcement from the permissions catalogue (403)', () => {
	const user = `alice@${DOMAIN}`;
	const cases: {
		permission: string;
		method: string;
		path: string;
		body?: unknown;
		code: string;
	}[] = [
		{
			permission: 'Mail.Send',
			method: 'POST',
			path: `/users/${user}/sendMail`,
			body: { message: { subject: 'x' } },
			code: 'ErrorAccessDenied',
		},
		{
			permission: 'User.Read.All',
			method: 'GET',
			path: '/users',
			code: 'Authorization_RequestDenied',
		},
		{
			permission: 'ChannelMessage.Send',
			method: 'POST',
			path: '/teams/t1/channels/c1/messages',
			body: { body: { content: 'x' } },
			code: 'Forbidden',
		},
		{
			permission: 'Sites.ReadWrite.All',
			method: 'POST',
			path: '/sites/s1/lists/l1/items',
			body: { fields: { Title: 'x' } },
			code: 'accessDenied',
		},
		{
			permission: 'Files.ReadWrite.All',
			method: 'PUT',
			path: '/drives/d1/items/i1/content',
			code: 'accessDenied',
		},
	];

	for (const c of cases) {
		for (const scheme of ['delegated', 'application'] as const) {
			test(`${c.method} ${c.path} without ${c.permission} (${scheme}) is refused, and allowed with it`, async () => {
				const emu = emulator();
				const base =
					scheme === 'delegated' ? { user, scopes: ['User.Read'] } : { roles: ['Group.Read.All'] };
				const denied = await graph(
					emu,
					c.method,
					c.path.replace('/me/', `/users/${user}/`),
					mintToken(emu, base),
					c.body,
				);
				expectGraphError(denied, 403, c.code);
				if (c.code === 'Forbidden')
					expect(denied.body.error.message).toContain(
						scheme === 'delegated' ? 'ChannelMessage.Send' : 'Teamwork.Migrate.All',
					);

				const granted =
					scheme === 'delegated'
						? mintToken(emu, { user, scopes: ['User.Read', c.permission] })
						: mintToken(emu, {
								roles: [
									c.permission === 'ChannelMessage.Send' ? 'Teamwork.Migrate.All' : c.permission,
								],
							});
				const allowed = await graph(emu, c.method, c.path, granted, c.body);
				expect(allowed.status).not.toBe(403);
				expect(allowed.status).not.toBe(401);
			});
		}
	}
});

describe('users: query options and paging', () => {
	const token = () => mintToken(emulator(), { roles: ['User.Read.All'] });

	test('paging over 10,000 seeded users with $top=999 returns every user exactly once', async () => {
		const emu = emulator();
		emu.directory.home.seedUsers(10_000);
		const total = emu.directory.home.users.length;
		const seen = new Map<string, number>();
		const mark = emu.mark();
		let url: string | undefined = '/users?$top=999&$select=id,userPrincipalName';
		const t = token();
		while (url) {
			const call = await graph(emu, 'GET', url, t);
			expect(call.status).toBe(200);
			expect(call.body.value.length).toBeLessThanOrEqual(999);
			for (const u of call.body.value) seen.set(u.id, (seen.get(u.id) ?? 0) + 1);
			url = call.body['@odata.nextLink'];
			if (url) expect(url.startsWith(emu.graphUrl)).toBe(true);
		}
		expect(seen.size).toBe(total);
		expect([...seen.values()].every((n) => n === 1)).toBe(true);
		expect(emu.since(mark).length).toBe(Math.ceil(total / 999));
	});

	test('$top outside 1..999 is refused', async () => {
		for (const top of ['0', '1000', 'x']) {
			const call = await graph(emulator(), 'GET', `/users?$top=${top}`, token());
			expectGraphError(call, 400, 'Request_UnsupportedQuery');
		}
	});

	test('$select returns only the selected properties, and an unknown one is refused', async () => {
		const call = await graph(
			emulator(),
			'GET',
			`/users/bob@${DOMAIN}?$select=displayName,department`,
			token(),
		);
		expect(call.status).toBe(200);
		expect(Object.keys(call.body).sort()).toEqual(['@odata.context', 'department', 'displayName']);
		expect(call.body.department).toBe('Finance');
		const bad = await graph(emulator(), 'GET', '/users?$select=displayName,toRecepients', token());
		expectGraphError(bad, 400, 'Request_BadRequest');
		expect(bad.body.error.message).toContain('toRecepients');
	});

	test('$filter with eq, startswith, and, or, and a doubled single quote', async () => {
		const q = async (filter: string) => {
			const call = await graph(
				emulator(),
				'GET',
				`/users?$select=userPrincipalName&$filter=${encodeURIComponent(filter)}`,
				token(),
			);
			expect(call.status).toBe(200);
			return call.body.value.map((u: { userPrincipalName: string }) => u.userPrincipalName).sort();
		};
		expect(await q("department eq 'Finance' and startswith(displayName,'B')")).toEqual([
			`bob@${DOMAIN}`,
		]);
		expect(
			await q(
				"userPrincipalName eq 'alice@contoso.onmicrosoft.com' or userPrincipalName eq 'carol@contoso.onmicrosoft.com'",
			),
		).toEqual([`alice@${DOMAIN}`, `carol@${DOMAIN}`]);
		expect(await q("surname eq 'O''Neil'")).toEqual([`dana.oneil@${DOMAIN}`]);
		const broken = await graph(
			emulator(),
			'GET',
			`/users?$filter=${encodeURIComponent("surname eq 'O'Neil'")}`,
			token(),
		);
		expect(broken.status).toBe(400);
	});

	test('$search needs ConsistencyLevel: eventual; with it, $count is returned too', async () => {
		const path = `/users?$search=${encodeURIComponent('"displayName:carol"')}&$count=true`;
		const refused = await graph(emulator(), 'GET', path, token());
		expectGraphError(refused, 400, 'Request_UnsupportedQuery');
		expect(refused.body.error.message).toContain('ConsistencyLevel');
		const call = await graph(emulator(), 'GET', path, token(), undefined, {
			ConsistencyLevel: 'eventual',
		});
		expect(call.status).toBe(200);
		expect(call.body['@odata.count']).toBe(1);
		expect(call.body.value[0].userPrincipalName).toBe(`carol@${DOMAIN}`);
	});

	test('/me answers for the signed-in user, and /organization for the tenant', async () => {
		const emu = emulator();
		const me = await graph(
			emu,
			'GET',
			'/me',
			mintToken(emu, { user: `alice@${DOMAIN}`, scopes: ['User.Read'] }),
		);
		expect(me.status).toBe(200);
		expect(me.body.userPrincipalName).toBe(`alice@${DOMAIN}`);
		expect(me.body['@odata.context']).toMatch(/\$metadata#users\/\$entity$/);
		const org = await graph(
			emu,
			'GET',
			'/organization',
			mintToken(emu, { roles: ['Directory.Read.All'] }),
		);
		expect(org.status).toBe(200);
		expect(org.body.value[0].id).toBe(emu.directory.home.id);
	});
});

describe('JSON batching', () => {
	// https://learn.microsoft.com/en-us/graph/json-batching and the known issue "Request
	// dependencies are limited" (https://learn.microsoft.com/en-us/graph/known-issues): parallel,
	// serial, or all on the same request; each request depends on one other at most.
	const userUrl = (i: number) => `/users/${i % 2 ? 'alice' : 'bob'}@${DOMAIN}?$select=id`;
	const MISSING = '/users/nobody@contoso.onmicrosoft.com';

	test('serial: 20 members, each on the previous; after a failing member, dependants get 424', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const requests = [];
		for (let i = 1; i <= 20; i++) {
			requests.push({
				id: String(i),
				method: 'GET',
				url: i === 5 ? MISSING : userUrl(i),
				...(i > 1 ? { dependsOn: [String(i - 1)] } : {}),
			});
		}
		const mark = emu.mark();
		const call = await graph(emu, 'POST', '/$batch', token, { requests });
		expect(call.status).toBe(200);
		const byId = new Map<string, { status: number; body: any }>(
			call.body.responses.map((r: any) => [r.id, r]),
		);
		expect(byId.size).toBe(20);
		for (let i = 1; i <= 4; i++) expect(byId.get(String(i))!.status).toBe(200);
		expect(byId.get('5')!.status).toBe(404);
		for (let i = 6; i <= 20; i++) {
			expect(byId.get(String(i))!.status).toBe(424);
			expect(byId.get(String(i))!.body.error.code).toBe('FailedDependency');
		}
		// members 1-5 ran, one after another, in order
		const members = emu.since(mark).filter((e) => e.url !== '/v1.0/$batch');
		expect(members.map((e) => e.url)).toEqual(requests.slice(0, 5).map((r) => `/v1.0${r.url}`));
	});

	test('parallel: no dependsOn at all', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const requests = Array.from({ length: 20 }, (_, i) => ({
			id: String(i + 1),
			method: 'GET',
			url: i === 4 ? MISSING : userUrl(i),
		}));
		const call = await graph(emu, 'POST', '/$batch', token, { requests });
		expect(call.status).toBe(200);
		const statuses = new Map(call.body.responses.map((r: any) => [r.id, r.status]));
		expect(statuses.get('5')).toBe(404);
		expect([...statuses.values()].filter((s) => s === 200)).toHaveLength(19);
	});

	test('same: every dependant on the one request (others without dependsOn)', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const requests = [
			{ id: 'a', method: 'GET', url: userUrl(1), dependsOn: ['root'] },
			{ id: 'root', method: 'GET', url: userUrl(2) },
			{ id: 'b', method: 'GET', url: userUrl(3), dependsOn: ['root'] },
			{ id: 'c', method: 'GET', url: userUrl(4) },
		];
		const mark = emu.mark();
		const call = await graph(emu, 'POST', '/$batch', token, { requests });
		expect(call.status).toBe(200);
		expect(call.body.responses.map((r: any) => r.status)).toEqual([200, 200, 200, 200]);
		const order = emu
			.since(mark)
			.filter((e) => e.url !== '/v1.0/$batch')
			.map((e) => e.url);
		expect(order[0]).toBe(`/v1.0${userUrl(2)}`);
		// a failing common dependency fails every dependant
		requests[1].url = MISSING;
		const failed = await graph(emu, 'POST', '/$batch', token, { requests });
		const byId = new Map(failed.body.responses.map((r: any) => [r.id, r.status]));
		expect(Object.fromEntries(byId)).toEqual({ root: 404, a: 424, b: 424, c: 200 });
	});

	test.each([
		[
			'two separate chains',
			[{ id: '1' }, { id: '2', dependsOn: ['1'] }, { id: '3' }, { id: '4', dependsOn: ['3'] }],
		],
		[
			'a chain that stops half way (some serial, some parallel)',
			[{ id: '1' }, { id: '2', dependsOn: ['1'] }, { id: '3', dependsOn: ['2'] }, { id: '4' }],
		],
		['a request on two others', [{ id: '1' }, { id: '2' }, { id: '3', dependsOn: ['1', '2'] }]],
		['a request on itself', [{ id: '1', dependsOn: ['1'] }, { id: '2' }]],
	])('refused: %s (400 BadRequest naming the rule)', async (_, shape) => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const requests = shape.map((r, i) => ({ ...r, method: 'GET', url: userUrl(i) }));
		const mark = emu.mark();
		const call = await graph(emu, 'POST', '/$batch', token, { requests });
		expectGraphError(call, 400, 'BadRequest');
		expect(call.body.error.message).toMatch(
			/^Batch should be either fully sequential or fully parallel/,
		);
		// no member ran
		expect(emu.since(mark).filter((e) => e.url !== '/v1.0/$batch')).toEqual([]);
	});

	test('more than 20 members are refused', async () => {
		const emu = emulator();
		const requests = Array.from({ length: 21 }, (_, i) => ({
			id: String(i + 1),
			method: 'GET',
			url: '/me',
		}));
		const call = await graph(emu, 'POST', '/$batch', mintToken(emu, { roles: ['User.Read.All'] }), {
			requests,
		});
		expectGraphError(call, 400, 'BadRequest');
		expect(call.body.error.message).toMatch(/limit of 20/);
		// 20 are accepted
		const twenty = await graph(
			emu,
			'POST',
			'/$batch',
			mintToken(emu, { roles: ['User.Read.All'] }),
			{
				requests: requests.slice(0, 20),
			},
		);
		expect(twenty.status).toBe(200);
	});
});

describe('fault injection and the request log', () => {
	test('injected 429 and 503 carry Retry-After and show in the log', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const mark = emu.mark();
		emu.addFault({ kind: 'status', status: 429, retryAfter: 2, path: '/v1.0/users', count: 1 });
		emu.addFault({ kind: 'status', status: 503, retryAfter: 7, path: '/v1.0/users', count: 1 });
		const first = await graph(emu, 'GET', '/users?$top=1', token);
		expect(first.status).toBe(429);
		expect(first.headers.get('retry-after')).toBe('2');
		expect(first.body.error.code).toBe('TooManyRequests');
		const second = await graph(emu, 'GET', '/users?$top=1', token);
		expect(second.status).toBe(503);
		expect(second.headers.get('retry-after')).toBe('7');
		const third = await graph(emu, 'GET', '/users?$top=1', token);
		expect(third.status).toBe(200);
		const log = emu.since(mark);
		expect(log.map((e) => e.status)).toEqual([429, 503, 200]);
		expect(log.map((e) => e.fault)).toEqual(['status 429', 'status 503', undefined]);
		expect(log.every((e) => e.headers.authorization === 'Bearer [redacted]')).toBe(true);
		expect(JSON.stringify(log)).not.toContain(token);
	});

	test('faults can be set through the admin API over HTTPS', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const set = await fetch(`${emu.url}/_emulator/faults`, {
			method: 'POST',
			body: JSON.stringify({
				kind: 'status',
				status: 503,
				retryAfter: 1,
				path: '/v1.0/users',
				count: 2,
			}),
		});
		expect(set.status).toBe(200);
		expect((await graph(emu, 'GET', '/users?$top=1', token)).status).toBe(503);
		expect((await graph(emu, 'GET', '/users?$top=1', token)).status).toBe(503);
		expect((await graph(emu, 'GET', '/users?$top=1', token)).status).toBe(200);
		const log = (await (await fetch(`${emu.url}/_emulator/log?since=0`)).json()) as {
			entries: { status: number }[];
		};
		expect(log.entries.filter((e) => e.status === 503).length).toBeGreaterThanOrEqual(2);
	});

	test('injected latency delays a POST without losing its body', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		emu.faults.latencyMs = 150;
		try {
			const mark = emu.mark();
			const requests = [{ id: '1', method: 'GET', url: `/users/alice@${DOMAIN}?$select=id` }];
			const call = await graph(emu, 'POST', '/$batch', token, { requests });
			expect(call.status).toBe(200);
			expect(call.body.responses[0].status).toBe(200);
			const outer = emu.since(mark).find((e) => e.url === '/v1.0/$batch')!;
			expect(outer.requestBytes).toBe(JSON.stringify({ requests }).length);
		} finally {
			emu.faults.latencyMs = 0;
		}
	});

	test('a ratio fault hits about that share of requests, reproducibly', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['User.Read.All'] });
		const id = emu.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 0,
			path: '/v1.0/users',
			ratio: 0.3,
		});
		let throttled = 0;
		for (let i = 0; i < 100; i++)
			if ((await graph(emu, 'GET', '/users?$top=1', token)).status === 429) throttled++;
		emu.faults.remove(id);
		expect(throttled).toBeGreaterThan(15);
		expect(throttled).toBeLessThan(45);
	});
});
