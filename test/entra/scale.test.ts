/**
 * Get Many over 100,000 users: every user exactly once, in 101 Graph requests of up to 999 users,
 * with an app credential that holds only User.Read.All (the "Directory Reader" demo app).
 */
import { useEmulator } from '../helpers/emulator';
import { graphRequests, jsonOf, runEntra } from './helpers';

const emulator = useEmulator();

test('100,000 users: all returned exactly once in 101 requests of 999, with only User.Read.All', async () => {
	const emu = emulator();
	const tenant = emu.directory.home;
	tenant.seedUsers(100_000);
	const total = tenant.users.length;
	expect(Math.ceil(total / 999)).toBe(101);
	const mark = emu.mark();
	const { output, error } = await runEntra(emu, {
		app: 'directoryReader',
		parameters: {
			resource: 'user',
			operation: 'getMany',
			returnAll: true,
			fields: ['userPrincipalName'],
		},
	});
	expect(error).toBeUndefined();
	const users = jsonOf(output);
	expect(users).toHaveLength(total);
	const ids = new Set(users.map((u) => u.id));
	expect(ids.size).toBe(total);
	for (const u of tenant.users)
		if (!ids.has(u.id)) throw new Error(`missing ${u.userPrincipalName}`);

	const requests = graphRequests(emu, mark);
	expect(requests).toHaveLength(101);
	expect(requests.every((r) => r.status === 200)).toBe(true);
	expect(new URL(requests[0].url, emu.url).searchParams.get('$top')).toBe('999');
	// One token for the whole run, of the app whose only consented permission is User.Read.All.
	const logins = emu.since(mark).filter((e) => e.url.includes('/oauth2/v2.0/token'));
	expect(logins).toHaveLength(1);
	expect(tenant.apps.get('3f0c9a51-8d2e-4b7a-9c61-5e4d3b2a1f09')?.consent?.application).toEqual([
		'User.Read.All',
	]);
	expect(requests.every((r) => r.auth?.appId === '3f0c9a51-8d2e-4b7a-9c61-5e4d3b2a1f09')).toBe(
		true,
	);
}, 120_000);
