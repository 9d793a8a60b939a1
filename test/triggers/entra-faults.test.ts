/**
 * Entra ID Trigger (users, groups, memberships; fingerprints on) under a fault at every request
 * position of a poll round: after the fault clears, each change is emitted exactly once across
 * the polls, a failed round leaves the state as it was, and the requests are the expected ones.
 * Also an n8n restart between polls (static data through JSON).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { directoryStore } from '../emulator/graph/directory';
import { useEmulator } from '../helpers/emulator';
import { graphRequests, IDS, poll } from '../entra/helpers';
import { FAULT_KINDS, pathOf } from './faults';

const emulator = useEmulator();
const parameters = {
	track: ['users', 'groups', 'memberships'],
	firstRun: 'baseline',
	userFields: ['displayName', 'department', 'jobTitle'],
	groupFields: ['displayName', 'description'],
};

const key = (c: IDataObject) =>
	c.objectType === 'membership'
		? `${String(c.changeType)}:${String(c.groupId)}:${String(c.memberId)}`
		: `${String(c.changeType)}:${String(c.objectType)}:${String(c.id)}`;
const keys = (output: INodeExecutionData[][] | null) => (output?.[0] ?? []).map((i) => key(i.json));

let n = 0;
/** Changes: a new user, an update, a new member of Finance. Returns the expected change keys. */
function change(): string[] {
	const emu = emulator();
	const tenant = emu.directory.home;
	const store = directoryStore(emu);
	const i = ++n;
	const user = store.createUser(tenant, {
		userPrincipalName: `fault${i}@contoso.onmicrosoft.com`,
		displayName: `Fault ${i}`,
	});
	store.updateUser(tenant, IDS.bob, { jobTitle: `Title ${i}` });
	tenant.addMember(IDS.finance, user.id);
	return [
		`created:user:${user.id}`,
		`updated:user:${IDS.bob}`,
		`memberAdded:${IDS.finance}:${user.id}`,
	].sort();
}

const POSITIONS = [
	{ name: 'users delta page', path: '/v1.0/users/delta' },
	{ name: 'groups delta page', path: '/v1.0/groups/delta' },
];

const requests = (mark: number) => graphRequests(emulator(), mark).map((e) => pathOf(e.url));

test('reference round without faults: one users/delta page, one groups/delta page; each change once', async () => {
	const base = await poll(emulator(), { parameters, activation: 'activate' });
	expect(base.output).toBeNull();
	const expected = change();
	const mark = emulator().mark();
	const r = await poll(emulator(), { parameters, staticData: base.staticData });
	expect(keys(r.output).sort()).toEqual(expected);
	expect(requests(mark)).toEqual(POSITIONS.map((p) => p.path));
});

describe.each(POSITIONS.map((p, i) => [p.name, p.path, i] as const))(
	'fault at %s',
	(_position, path, index) => {
		test.each(FAULT_KINDS.map((k) => [k.name, k] as const))('%s', async (_name, kind) => {
			const emu = emulator();
			const base = await poll(emu, { parameters, activation: 'activate' });
			expect(base.error).toBeUndefined();
			const expected = change();
			const emitted: string[] = [];

			emu.addFault({
				...kind.rule,
				method: 'GET',
				path: `^${path.replace(/[.$/]/g, '\\$&')}$`,
				count: kind.rule.count ?? 1,
			});
			const mark = emu.mark();
			const faulted = await poll(emu, { parameters, staticData: base.staticData });
			emu.faults.clear();
			const log = requests(mark);
			expect(log.filter((p) => p === path)).toHaveLength(kind.attempts);
			let memory = faulted.staticData;
			if (kind.fails) {
				expect(faulted.error).toBeDefined();
				expect(faulted.output).toBeNull();
				expect(log).toEqual([
					...POSITIONS.slice(0, index).map((p) => p.path),
					...Array(kind.attempts).fill(path),
				]);
				expect(faulted.staticData).toEqual(base.staticData);
				const mark2 = emu.mark();
				const again = await poll(emu, { parameters, staticData: memory });
				expect(again.error).toBeUndefined();
				expect(requests(mark2)).toEqual(POSITIONS.map((p) => p.path));
				emitted.push(...keys(again.output));
				memory = again.staticData;
			} else {
				expect(faulted.error).toBeUndefined();
				expect(log).toHaveLength(POSITIONS.length + kind.attempts - 1);
				emitted.push(...keys(faulted.output));
			}
			expect([...emitted].sort()).toEqual(expected);

			const more = change();
			const next = await poll(emu, { parameters, staticData: memory });
			expect(keys(next.output).sort()).toEqual(more);
			const last = await poll(emu, { parameters, staticData: next.staticData });
			expect(last.output).toBeNull();
		});
	},
);

test('n8n restart between polls: only the saved static data (through JSON) survives; nothing lost or repeated', async () => {
	const emu = emulator();
	const json = (d: IDataObject) => JSON.parse(JSON.stringify(d)) as IDataObject;
	// The activation poll's baseline is saved by n8n after activating.
	const base = await poll(emu, { parameters, activation: 'activate' });
	let saved = json(base.staticData);
	const emitted: string[] = [];

	const a = change();
	const p1 = await poll(emu, { parameters, staticData: saved, activation: 'init' });
	expect(p1.staticDataSaved).toBe(true);
	emitted.push(...keys(p1.output));
	saved = json(p1.staticData);

	// A change to a field not selected: delivered by Graph, emitted by nobody; state in memory only.
	directoryStore(emu).updateUser(emu.directory.home, IDS.dana, { mobilePhone: '+41 44 111 11 11' });
	const p2 = await poll(emu, { parameters, staticData: p1.staticData });
	expect(p2.output).toBeNull();
	expect(p2.staticDataSaved).toBe(false);

	// A round failing at groups/delta after users/delta succeeded, then n8n restarts.
	const b = change();
	emu.addFault({ kind: 'status', status: 500, method: 'GET', path: '^/v1\\.0/groups/delta$' });
	const p3 = await poll(emu, { parameters, staticData: p2.staticData });
	emu.faults.clear();
	expect(p3.error).toBeDefined();
	expect(p3.staticData).toEqual(p2.staticData);

	const p4 = await poll(emu, { parameters, staticData: json(saved), activation: 'init' });
	expect(p4.error).toBeUndefined();
	emitted.push(...keys(p4.output));
	const p5 = await poll(emu, { parameters, staticData: json(p4.staticData) });
	expect(p5.output).toBeNull();
	expect(emitted.sort()).toEqual([...a, ...b].sort());
});
