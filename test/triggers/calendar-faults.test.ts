/**
 * Calendar Trigger under a fault at every request position of a poll round (the first round's
 * first and next page, an incremental round's first and next delta page, and a window move's
 * new-window page and old deltaLink page): a retried fault costs one more request and nothing
 * else; a failed round leaves the static data as it was, and the next poll emits every change
 * exactly once; the requests are the expected ones (the emulator's request log).
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import {
	delegatedAuth,
	eventOnDay,
	graphRequests,
	keys,
	poll,
	stateOf,
	type Auth,
} from './calendar-helpers';
import { FAULT_KINDS } from './faults';
import { windowAt } from '../../nodes/Microsoft365Calendar/trigger/eventChanges.operation';
import { DELTA_PAGE } from '../../nodes/Microsoft365Calendar/trigger/sync';

const emulator = useEmulator();
const DELTA = 'GET /v1.0/me/calendarView/delta';
const params = {
	calendarOwner: 'me',
	events: ['created', 'updated', 'cancelled'],
	lookBackDays: 1,
	lookAheadDays: 30,
};
/** The window of the day before (see calendar-changes.test.ts): the next poll moves it. */
const yesterday = { ...params, lookBackDays: 2, lookAheadDays: 29 };

const USERS = {
	baseline: 'alice@contoso.onmicrosoft.com',
	incremental: 'reports@contoso.onmicrosoft.com',
	moved: 'carol@contoso.onmicrosoft.com',
};
const auth: Record<string, Auth> = {};
let n = 0;
/** Events made only to fill delta pages: deleted after each test, so the calendars stay small. */
const bulk: Array<[string, string]> = [];

afterEach(() => {
	for (const [upn, id] of bulk.splice(0)) cal().deleteEvent(upn, id);
});

beforeAll(async () => {
	const emu = emulator();
	for (const [name, upn] of Object.entries(USERS)) {
		auth[name] = await delegatedAuth(emu, upn);
		// 150 occurrences in the window: a first round of two pages (100 + 50).
		emu.calendar.seedEvents(
			upn,
			Array.from({ length: 150 }, (_, i) => eventOnDay(`seed ${i}`, i % 20, i % 24)),
		);
	}
});

const cal = () => emulator().calendar;

/** A created, an updated and a deleted event of `upn`; the expected change keys. */
function changes(upn: string, many = 0): string[] {
	const i = ++n;
	const created = cal().createEvent(upn, eventOnDay(`created ${i}`, 2, i % 24));
	const existing = cal()
		.events(upn)
		.filter((e) => String(e.subject).startsWith('seed '));
	const toUpdate = existing[(2 * i) % existing.length];
	const toDelete = existing[(2 * i + 1) % existing.length];
	cal().updateEvent(upn, String(toUpdate.id), { subject: `seed updated ${i}` });
	cal().deleteEvent(upn, String(toDelete.id));
	const out = [
		`created:${String(created.id)}`,
		`updated:${String(toUpdate.id)}`,
		`deleted:${String(toDelete.id)}`,
	];
	for (let k = 0; k < many; k++) {
		const id = String(cal().createEvent(upn, eventOnDay(`bulk ${i}.${k}`, 3, k % 24)).id);
		bulk.push([upn, id]);
		out.push(`created:${id}`);
	}
	return out.sort();
}

interface Scenario {
	name: string;
	user: keyof typeof USERS;
	/** Parameters of the poll before the faulted one (it gives the state). */
	before?: INodeParameters;
	/** Changes made before the faulted poll (keys expected from it). */
	change: () => string[];
	/** Requests of the faulted round without faults (after `change`). */
	round: () => string[];
	/** Position name → index in the round (negative: from the end). */
	positions: Array<[string, number]>;
}

/** Requests of a first round of the window of `params`: pages of 100 occurrences. */
function firstRound(upn: string): string[] {
	const window = windowAt(Date.now(), params.lookBackDays, params.lookAheadDays);
	const count = cal().view(upn, window.start, window.end).length;
	return Array(Math.max(1, Math.ceil(count / DELTA_PAGE))).fill(DELTA);
}

const SCENARIOS: Scenario[] = [
	{
		name: 'first round (baseline)',
		user: 'baseline',
		change: () => [],
		round: () => firstRound(USERS.baseline),
		positions: [
			['first page', 0],
			['next page', 1],
		],
	},
	{
		name: 'incremental round',
		user: 'incremental',
		before: params,
		// 103 changes: two delta pages.
		change: () => changes(USERS.incremental, 100),
		round: () => [DELTA, DELTA],
		positions: [
			['first delta page', 0],
			['next delta page', 1],
		],
	},
	{
		name: 'window move',
		user: 'moved',
		before: yesterday,
		change: () => changes(USERS.moved),
		// The new window's first round (two pages of the seeded events), then the old deltaLink.
		round: () => [...firstRound(USERS.moved), DELTA],
		positions: [
			['new window first page', 0],
			['new window next page', 1],
			['old deltaLink page', -1],
		],
	},
];

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', (_name, scenario) => {
	const cases = scenario.positions.flatMap(([position, at]) =>
		FAULT_KINDS.map((kind) => [position, kind.name, at, kind] as const),
	);
	test.each(cases)('fault at the %s: %s', async (_position, _kind, at, kind) => {
		const emu = emulator();
		const user = auth[scenario.user];
		let staticData: IDataObject | undefined;
		if (scenario.before) {
			const base = await poll(user, scenario.before);
			expect(base.error).toBeUndefined();
			expect(base.output).toBeNull();
			staticData = base.staticData;
		}
		const expected = scenario.change();
		const round = scenario.round();
		expect(round.length).toBeGreaterThanOrEqual(2);
		const index = at < 0 ? round.length + at : at;
		emu.addFault({
			...kind.rule,
			method: 'GET',
			path: '^/v1\\.0/me/calendarView/delta$',
			skip: index,
			count: kind.rule.count ?? 1,
		});
		const mark = emu.mark();
		const faulted = await poll(user, params, staticData);
		emu.faults.clear();
		const log = graphRequests(emu, mark);
		const emitted: string[] = [];
		let memory = faulted.staticData;
		if (kind.fails) {
			expect(faulted.error).toBeDefined();
			expect(faulted.output).toBeNull();
			// The requests up to the fault, then the attempts at it; nothing after.
			expect(log).toEqual(Array(index + kind.attempts).fill(DELTA));
			expect(stateOf(faulted.staticData)).toEqual(stateOf(staticData));
			const mark2 = emu.mark();
			const again = await poll(user, params, memory);
			expect(again.error).toBeUndefined();
			expect(graphRequests(emu, mark2)).toEqual(round);
			emitted.push(...keys(again.output));
			memory = again.staticData;
		} else {
			expect(faulted.error).toBeUndefined();
			expect(log).toEqual(Array(round.length + kind.attempts - 1).fill(DELTA));
			emitted.push(...keys(faulted.output));
		}
		expect(emitted.sort()).toEqual(expected);

		// Then: the next changes once, and nothing more.
		const more = changes(USERS[scenario.user]);
		const next = await poll(user, params, memory);
		expect(keys(next.output).sort()).toEqual(more);
		const last = await poll(user, params, next.staticData);
		expect(last.output).toBeNull();
	});
});
