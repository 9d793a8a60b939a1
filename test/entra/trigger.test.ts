/**
 * The Microsoft 365 Entra ID Trigger through n8n's PollTriggerExecutor against the emulator's
 * users/delta and groups/delta: every change emitted exactly once across polls, an n8n restart
 * (only the static data n8n saved survives) and an expired delta token in between.
 */
import type { IDataObject } from 'n8n-workflow';
import { directoryStore } from '../emulator/graph/directory';
import { useEmulator } from '../helpers/emulator';
import { runNode } from '../harness';
import {
	appCredential,
	credentialTypes,
	graphRequests,
	IDS,
	nodeTypes,
	poll,
	TRIGGER,
} from './helpers';

const emulator = useEmulator();

const key = (c: IDataObject) =>
	c.objectType === 'membership'
		? `${String(c.changeType)}:${String(c.groupId)}:${String(c.memberId)}`
		: `${String(c.changeType)}:${String(c.objectType)}:${String(c.id)}`;

function changes(output: { json: IDataObject }[][] | null): IDataObject[] {
	return (output?.[0] ?? []).map((i) => i.json);
}

test('four polls with creates, updates, deletes, a restart and an expired token: each change exactly once', async () => {
	const emu = emulator();
	const tenant = emu.directory.home;
	const store = directoryStore(emu);
	const parameters = {
		track: ['users', 'groups', 'memberships'],
		firstRun: 'baseline',
		userFields: ['displayName', 'department', 'jobTitle', 'accountEnabled'],
		groupFields: ['displayName', 'description'],
	};
	const emitted: IDataObject[] = [];

	// Poll 1 (workflow activated): records the baseline, emits nothing.
	const p1 = await poll(emu, { parameters, activation: 'activate' });
	expect(p1.error).toBeUndefined();
	expect(p1.output).toBeNull();
	let memory = p1.staticData;

	// Changes A.
	const x = store.createUser(tenant, {
		userPrincipalName: 'xavier@contoso.onmicrosoft.com',
		displayName: 'Xavier X',
	});
	store.updateUser(tenant, IDS.bob, { department: 'Treasury' });
	const erik = store.deleteUser(tenant, 'erik@contoso.onmicrosoft.com');
	tenant.addMember(IDS.finance, IDS.carol);
	store.updateUser(tenant, IDS.dana, { mobilePhone: '+41 44 000 00 00' }); // a field not selected

	// Poll 2: the changes of A.
	const p2 = await poll(emu, { parameters, staticData: memory });
	expect(p2.error).toBeUndefined();
	expect(p2.staticDataSaved).toBe(true);
	emitted.push(...changes(p2.output));
	expect(changes(p2.output).map(key).sort()).toEqual(
		[
			`created:user:${x.id}`,
			`updated:user:${IDS.bob}`,
			`deleted:user:${erik.id}`,
			`memberAdded:${IDS.finance}:${IDS.carol}`,
		].sort(),
	);
	expect(changes(p2.output).find((c) => c.id === IDS.bob)).toMatchObject({
		department: 'Treasury',
		displayName: 'Bob Berger',
	});
	expect(changes(p2.output).find((c) => c.id === erik.id)).toMatchObject({
		removedReason: 'changed',
	});
	let saved = p2.staticData;
	memory = p2.staticData;

	// Changes B, then n8n restarts: only the saved static data survives.
	store.updateUser(tenant, x.id, { jobTitle: 'Analyst' });
	const y = store.createUser(tenant, {
		userPrincipalName: 'yara@contoso.onmicrosoft.com',
		displayName: 'Yara Y',
	});
	const group = store.createGroup(tenant, { displayName: 'Treasury', members: [IDS.bob] });

	// Poll 3 (after the restart).
	const p3 = await poll(emu, { parameters, staticData: saved, activation: 'init' });
	expect(p3.error).toBeUndefined();
	emitted.push(...changes(p3.output));
	expect(changes(p3.output).map(key).sort()).toEqual(
		[
			`updated:user:${x.id}`,
			`created:user:${y.id}`,
			`created:group:${group.id}`,
			`memberAdded:${group.id}:${IDS.bob}`,
		].sort(),
	);
	saved = p3.staticData;
	memory = p3.staticData;

	// Changes C, and Graph loses the change state (410 Gone, syncStateNotFound).
	store.deleteUser(tenant, y.id, true);
	store.updateUser(tenant, IDS.alice, { jobTitle: 'CFO' });
	store.expireTokens(tenant, 410);

	// Poll 4: restarts with a full sync, says so, and emits only what changed.
	const mark = emu.mark();
	const p4 = await poll(emu, { parameters, staticData: memory });
	expect(p4.error).toBeUndefined();
	const c4 = changes(p4.output);
	expect(c4[0]).toMatchObject({ changeType: 'syncRestarted', objectType: 'user' });
	expect(String(c4[0].message)).toMatch(/410 syncStateNotFound.*restarted with a full sync/);
	expect(graphRequests(emu, mark).filter((r) => r.status === 410).length).toBe(2);
	const real = c4.filter(
		(c) => c.changeType !== 'syncRestarted' && c.changeType !== 'membersResynced',
	);
	emitted.push(...real);
	expect(real.map(key).sort()).toEqual(
		[`updated:user:${IDS.alice}`, `deleted:user:${y.id}`].sort(),
	);
	memory = p4.staticData;

	// Poll 5: recovered, incremental again.
	store.updateUser(tenant, IDS.carol, { jobTitle: 'Senior Controller' });
	const mark5 = emu.mark();
	const p5 = await poll(emu, { parameters, staticData: memory });
	expect(changes(p5.output).map(key)).toEqual([`updated:user:${IDS.carol}`]);
	emitted.push(...changes(p5.output));
	expect(graphRequests(emu, mark5).every((r) => r.url.includes('$deltatoken='))).toBe(true);

	// Nothing was emitted twice.
	const keys = emitted.map(key);
	expect(new Set(keys).size).toBe(keys.length);

	// Poll 6: no changes, nothing emitted.
	const p6 = await poll(emu, { parameters, staticData: p5.staticData });
	expect(p6.output).toBeNull();
});

test('without fingerprints: baseline from $deltatoken=latest, created vs updated by createdDateTime, re-sync emits everything', async () => {
	const emu = emulator();
	const tenant = emu.directory.home;
	const store = directoryStore(emu);
	const parameters = {
		track: ['users'],
		firstRun: 'baseline',
		userFields: ['displayName'],
		options: { fingerprints: false },
	};
	const mark = emu.mark();
	const p1 = await poll(emu, { parameters });
	expect(p1.output).toBeNull();
	const first = graphRequests(emu, mark);
	expect(first).toHaveLength(1);
	expect(first[0].url).toContain('$deltatoken=latest');
	expect(JSON.stringify(p1.staticData)).not.toContain('fingerprints');

	const z = store.createUser(tenant, {
		userPrincipalName: 'zoe@contoso.onmicrosoft.com',
		displayName: 'Zoe Z',
	});
	store.updateUser(tenant, IDS.admin, { displayName: 'Adele Admin (IT)' });
	const p2 = await poll(emu, { parameters, staticData: p1.staticData });
	expect(changes(p2.output).map(key).sort()).toEqual(
		[`created:user:${z.id}`, `updated:user:${IDS.admin}`].sort(),
	);

	store.expireTokens(tenant);
	const p3 = await poll(emu, { parameters, staticData: p2.staticData });
	const c3 = changes(p3.output);
	expect(c3[0]).toMatchObject({ changeType: 'syncRestarted' });
	expect(String(c3[0].message)).toMatch(/400 syncStateNotFound/);
	expect(c3.filter((c) => c.changeType === 'resynced')).toHaveLength(tenant.users.length);
});

test('first run "Emit Everything" emits every user once as "existing"; bad fields are refused before any request', async () => {
	const emu = emulator();
	const p1 = await poll(emu, {
		parameters: { track: ['users'], firstRun: 'emitAll', userFields: ['displayName'] },
	});
	const c1 = changes(p1.output);
	expect(c1).toHaveLength(emu.directory.home.users.length);
	expect(new Set(c1.map((c) => c.changeType))).toEqual(new Set(['existing']));

	const mark = emu.mark();
	const bad = await poll(emu, { parameters: { track: ['users'], userCustomFields: 'nickName' } });
	expect(bad.error?.message).toMatch(/Unknown field "nickName" in User Fields/);
	expect(emu.since(mark)).toEqual([]);
});

test('"Fetch Test Event" (manual run): a sample of current users, nothing stored', async () => {
	const emu = emulator();
	const mark = emu.mark();
	const { output, error, staticData } = await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			type: TRIGGER,
			parameters: { authentication: 'app', track: ['users'], userFields: ['displayName'] },
			credentials: { microsoft365AppApi: { id: 'app', name: 'App' } },
		},
		credentialsData: { app: appCredential(emu) as never },
	});
	expect(error).toBeUndefined();
	const sample = output[0].map((i) => i.json);
	expect(sample.length).toBeGreaterThan(0);
	expect(sample.every((c) => c.changeType === 'existing' && c.objectType === 'user')).toBe(true);
	expect(graphRequests(emu, mark)).toHaveLength(1);
	expect(JSON.stringify(staticData)).not.toContain('entraDelta');
});
