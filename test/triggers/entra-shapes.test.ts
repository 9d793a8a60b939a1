/**
 * The Entra ID Trigger with fingerprints emits a change of any one property exactly once, with
 * either delta shape Graph answers in (issue "Trust", acceptance): by default every selected
 * property of a changed user (never-set ones omitted), with `Prefer: return=minimal` only the
 * changed ones (the emulator answers each shape as Microsoft documents it). Also: setting a
 * property that was never set, and clearing one.
 */
import type { IDataObject } from 'n8n-workflow';
import { directoryStore } from '../emulator/graph/directory';
import { useEmulator } from '../helpers/emulator';
import { IDS, poll } from '../entra/helpers';

const emulator = useEmulator();
const FIELDS = ['displayName', 'department', 'jobTitle', 'officeLocation', 'mobilePhone', 'city'];

describe.each([
	['default shape', false],
	['minimal shape (Prefer: return=minimal)', true],
])('%s', (_title, returnMinimal) => {
	const parameters = {
		track: ['users'],
		firstRun: 'baseline',
		userFields: FIELDS,
		options: { fingerprints: true, returnMinimal },
	};
	let staticData: IDataObject;
	beforeAll(async () => {
		const base = await poll(emulator(), { parameters, activation: 'activate' });
		expect(base.output).toBeNull();
		staticData = base.staticData;
	});

	const changes: Array<[string, Record<string, unknown>]> = [
		...FIELDS.map(
			(f) =>
				[`${f} changed`, { [f]: `${f} ${returnMinimal ? 'm' : 'd'} 1` }] as [
					string,
					Record<string, unknown>,
				],
		),
		['jobTitle cleared', { jobTitle: null }],
	];

	test.each(changes)('%s: emitted once, as an update of that user', async (_name, patch) => {
		const emu = emulator();
		const mark = emu.mark();
		directoryStore(emu).updateUser(emu.directory.home, IDS.carol, patch as never);
		const r = await poll(emu, { parameters, staticData });
		const items = (r.output?.[0] ?? []).map((i) => i.json);
		expect(items.map((i) => [i.changeType, i.objectType, i.id])).toEqual([
			['updated', 'user', IDS.carol],
		]);
		const [field] = Object.keys(patch);
		expect(items[0].changedProperties).toEqual(expect.arrayContaining([field]));
		// The shape asked for is the shape Graph answered in.
		const deltas = emu.since(mark).filter((e) => e.url.startsWith('/v1.0/users/delta'));
		expect(deltas.length).toBeGreaterThan(0);
		expect(deltas.every((e) => /return=minimal/.test(String(e.headers?.prefer ?? '')))).toBe(
			returnMinimal,
		);
		staticData = r.staticData;
		// Nothing more until the next change.
		const again = await poll(emu, { parameters, staticData });
		expect(again.output).toBeNull();
		staticData = again.staticData;
	});
});
