/**
 * Calendar Trigger against the emulator's calendarView delta: the first poll records the window
 * and emits nothing; then each change (created, updated, cancelled, deleted; also one
 * occurrence of a recurring series modified and one cancelled) is emitted exactly once; the
 * rolling window moves without emitting what only entered or left it; an expired delta token
 * re-syncs and emits only real differences; the state stays bounded by the window; and the
 * calendar owner is checked before any request.
 */
import type { IDataObject } from 'n8n-workflow';
import { pseudonym } from '../../nodes/shared/pseudonym';
import { runNode } from '../harness';
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appAuth,
	BOB,
	CALENDAR_APP,
	credentialTypes,
	delegatedAuth,
	eventAt,
	eventOnDay,
	graphRequests,
	keys,
	nodeTypes,
	poll,
	stateOf,
	TRIGGER,
	type Auth,
} from './calendar-helpers';

const emulator = useEmulator();
let alice: Auth;
const params = {
	calendarOwner: 'me',
	events: ['created', 'updated', 'cancelled'],
	lookBackDays: 1,
	lookAheadDays: 30,
};

beforeAll(async () => {
	alice = await delegatedAuth(emulator());
});

const cal = () => emulator().calendar;

test('baseline emits nothing; created, updated, cancelled and deleted are each emitted once', async () => {
	const emu = emulator();
	const kept = cal().createEvent(ALICE, eventAt('kept', 5));
	const toUpdate = cal().createEvent(ALICE, eventAt('to update', 6));
	const toCancel = cal().createEvent(ALICE, eventAt('to cancel', 7));
	const toDelete = cal().createEvent(ALICE, eventAt('to delete', 8));

	const base = await poll(alice, params, undefined, { activation: 'activate' });
	expect(base.error).toBeUndefined();
	expect(base.output).toBeNull();

	const created = cal().createEvent(ALICE, eventAt('created', 9));
	cal().updateEvent(ALICE, String(toUpdate.id), { subject: 'updated' });
	cal().cancelEvent(ALICE, String(toCancel.id));
	cal().deleteEvent(ALICE, String(toDelete.id));
	const mark = emu.mark();
	const r = await poll(alice, params, base.staticData);
	expect(r.error).toBeUndefined();
	// One delta page, nothing else.
	expect(graphRequests(emu, mark)).toEqual(['GET /v1.0/me/calendarView/delta']);
	const types = new Map((r.output?.[0] ?? []).map((i) => [String(i.json.id), i.json.changeType]));
	expect(r.output?.[0]).toHaveLength(4);
	expect(types.get(String(created.id))).toBe('created');
	expect(types.get(String(toUpdate.id))).toBe('updated');
	// Cancelled by its organizer (Alice): Outlook removes it from her calendar (deleted).
	expect(types.get(String(toCancel.id))).toMatch(/^(cancelled|deleted)$/);
	expect(types.get(String(toDelete.id))).toBe('deleted');
	const byId = new Map((r.output?.[0] ?? []).map((i) => [String(i.json.id), i.json]));
	expect(byId.get(String(created.id))?.subject).toBe('created');
	expect(byId.get(String(toUpdate.id))?.subject).toBe('updated');
	expect(byId.has(String(kept.id))).toBe(false);

	const again = await poll(alice, params, r.staticData);
	expect(again.output).toBeNull();
});

test('Events filter: only the chosen change types are emitted, the state advances for all', async () => {
	const a = cal().createEvent(ALICE, eventAt('filter a', 3));
	const base = await poll(alice, { ...params, events: ['updated'] });
	const b = cal().createEvent(ALICE, eventAt('filter b', 4));
	cal().updateEvent(ALICE, String(a.id), { subject: 'filter a2' });
	const r = await poll(alice, { ...params, events: ['updated'] }, base.staticData);
	expect(keys(r.output)).toEqual([`updated:${String(a.id)}`]);
	const all = await poll(alice, params, r.staticData);
	expect(all.output).toBeNull();
	expect(String(b.id)).toBeTruthy();
});

test('a restart (only the saved static data through JSON) emits nothing twice and loses nothing', async () => {
	const json = (d: IDataObject) => JSON.parse(JSON.stringify(d)) as IDataObject;
	const base = await poll(alice, params, undefined, { activation: 'activate' });
	let saved = json(base.staticData);
	const emitted: string[] = [];
	const a = cal().createEvent(ALICE, eventAt('restart a', 10));
	const p1 = await poll(alice, params, saved, { activation: 'init' });
	expect(p1.staticDataSaved).toBe(true);
	emitted.push(...keys(p1.output));
	saved = json(p1.staticData);

	// A poll that emits nothing: its advance lives in memory only.
	const p2 = await poll(alice, params, p1.staticData);
	expect(p2.output).toBeNull();
	cal().updateEvent(ALICE, String(a.id), { subject: 'restart a2' });
	// n8n restarts from the saved data: the change is read again, once.
	const p3 = await poll(alice, params, json(saved), { activation: 'init' });
	emitted.push(...keys(p3.output));
	const p4 = await poll(alice, params, json(p3.staticData));
	expect(p4.output).toBeNull();
	expect(emitted).toEqual([`created:${String(a.id)}`, `updated:${String(a.id)}`]);
});

test('a recurring series: one occurrence modified, one cancelled, one deleted; each emitted once', async () => {
	const emu = emulator();
	const master = cal().createEvent(
		ALICE,
		eventOnDay('daily stand-up', 1, 9, {
			recurrence: {
				pattern: { type: 'daily', interval: 1 },
				range: {
					type: 'numbered',
					startDate: String((eventOnDay('', 1).start as IDataObject).dateTime).slice(0, 10),
					numberOfOccurrences: 5,
				},
			},
		}),
	);
	const base = await poll(alice, params);
	expect(base.output).toBeNull();
	const occurrences = cal()
		.view(ALICE, windowOf(-1), windowOf(31))
		.filter((e) => e.seriesMasterId === master.id)
		.map((e) => String(e.id));
	expect(occurrences).toHaveLength(5);
	cal().updateEvent(ALICE, occurrences[1], { subject: 'stand-up (moved room)' });
	cal().cancelEvent(ALICE, occurrences[2]);
	cal().deleteEvent(ALICE, occurrences[3]);
	const mark = emu.mark();
	const r = await poll(alice, params, base.staticData);
	expect(graphRequests(emu, mark)).toEqual(['GET /v1.0/me/calendarView/delta']);
	const types = new Map((r.output?.[0] ?? []).map((i) => [String(i.json.id), i.json.changeType]));
	expect(r.output?.[0]).toHaveLength(3);
	expect(types.get(occurrences[1])).toBe('updated');
	expect(types.get(occurrences[2])).toMatch(/^(cancelled|deleted)$/);
	expect(types.get(occurrences[3])).toBe('deleted');
	const updated = r.output![0].find((i) => i.json.id === occurrences[1])!.json;
	expect(updated).toMatchObject({ type: 'exception', seriesMasterId: master.id });
	const again = await poll(alice, params, r.staticData);
	expect(again.output).toBeNull();
});

function windowOf(dayOffset: number): string {
	const day = 24 * 3600_000;
	return new Date(Math.floor(Date.now() / day) * day + dayOffset * day).toISOString();
}

test('a meeting cancelled by its organizer is "cancelled" in the attendee\'s calendar', async () => {
	const bob = await delegatedAuth(emulator(), BOB);
	const meeting = cal().createEvent(
		ALICE,
		eventOnDay('planning', 2, 14, {
			attendees: [{ emailAddress: { address: BOB }, type: 'required' }],
		}),
	);
	const base = await poll(bob, params);
	expect(base.error).toBeUndefined();
	const copy = cal()
		.events(BOB)
		.find((e) => e.iCalUId === meeting.iCalUId);
	expect(copy).toBeDefined();
	cal().cancelEvent(ALICE, String(meeting.id));
	const r = await poll(bob, params, base.staticData);
	expect(keys(r.output)).toEqual([`cancelled:${String(copy!.id)}`]);
	expect(r.output![0][0].json.isCancelled).toBe(true);
	const again = await poll(bob, params, r.staticData);
	expect(again.output).toBeNull();
});

test('the window moves a day: a new delta for the new window; what only entered or left it is not emitted, real changes once', async () => {
	const emu = emulator();
	// Look Back 2 / Look Ahead 29, then 1 / 30: the window of yesterday, then of today.
	const yesterday = { ...params, lookBackDays: 2, lookAheadDays: 29 };
	const leaving = cal().createEvent(ALICE, eventOnDay('leaving', -2, 8));
	const entering = cal().createEvent(ALICE, eventOnDay('entering', 30, 8));
	const staying = cal().createEvent(ALICE, eventOnDay('staying', 3, 8));
	// The round's time is the Date header (whole seconds): start it in a later second.
	await nextSecond();
	const base = await poll(alice, yesterday);
	expect(base.output).toBeNull();
	expect(Object.keys(stateOf(base.staticData)!.events)).toContain(String(leaving.id));

	cal().updateEvent(ALICE, String(staying.id), { subject: 'staying (renamed)' });
	const fresh = cal().createEvent(ALICE, eventOnDay('created in the new days', 30, 12));
	const mark = emu.mark();
	const moved = await poll(alice, params, base.staticData);
	expect(moved.error).toBeUndefined();
	// The new window's first round (one page), then the old deltaLink (one page).
	expect(graphRequests(emu, mark)).toEqual([
		'GET /v1.0/me/calendarView/delta',
		'GET /v1.0/me/calendarView/delta',
	]);
	expect(keys(moved.output).sort()).toEqual(
		[`updated:${String(staying.id)}`, `created:${String(fresh.id)}`].sort(),
	);
	const state = stateOf(moved.staticData)!;
	expect(Object.keys(state.events)).toContain(String(entering.id));
	expect(Object.keys(state.events)).not.toContain(String(leaving.id));

	const again = await poll(alice, params, moved.staticData);
	expect(again.output).toBeNull();
	cal().updateEvent(ALICE, String(entering.id), { subject: 'entering (renamed)' });
	const later = await poll(alice, params, again.staticData);
	expect(keys(later.output)).toEqual([`updated:${String(entering.id)}`]);
});

async function nextSecond(): Promise<void> {
	await new Promise((resolve) => setTimeout(resolve, 1001 - (Date.now() % 1000)));
}

test('an expired delta token: the window is synced again and only real differences are emitted', async () => {
	const emu = emulator();
	const unchanged = cal().createEvent(ALICE, eventOnDay('unchanged', 1, 8));
	const toUpdate = cal().createEvent(ALICE, eventOnDay('to update', 1, 10));
	const toDelete = cal().createEvent(ALICE, eventOnDay('to delete', 1, 12));
	const base = await poll(alice, params);
	const created = cal().createEvent(ALICE, eventOnDay('created', 1, 14));
	cal().updateEvent(ALICE, String(toUpdate.id), { subject: 'updated' });
	cal().deleteEvent(ALICE, String(toDelete.id));
	cal().expireDeltaTokens(ALICE);
	const mark = emu.mark();
	const r = await poll(alice, params, base.staticData);
	expect(r.error).toBeUndefined();
	const log = emu.since(mark).filter((e) => e.url.startsWith('/v1.0'));
	expect(log.map((e) => [pathOfUrl(e.url), e.status])).toEqual([
		['/v1.0/me/calendarView/delta', 410],
		['/v1.0/me/calendarView/delta', 200],
	]);
	expect(keys(r.output).sort()).toEqual(
		[
			`created:${String(created.id)}`,
			`updated:${String(toUpdate.id)}`,
			`deleted:${String(toDelete.id)}`,
		].sort(),
	);
	expect(keys(r.output).join()).not.toContain(String(unchanged.id));
	const again = await poll(alice, params, r.staticData);
	expect(again.error).toBeUndefined();
	expect(again.output).toBeNull();
});

const pathOfUrl = (url: string) => url.split('?')[0];

test('first round over a large window: pages streamed, the state holds one short record per occurrence', async () => {
	const emu = emulator();
	const count = 450;
	const body = 'x'.repeat(2000);
	const events = Array.from({ length: count }, (_, i) =>
		eventOnDay(`bulk ${i}`, (i % 60) - 1, i % 24, { body: { contentType: 'text', content: body } }),
	);
	cal().seedEvents(BOB, events);
	const bob = await delegatedAuth(emu, BOB);
	const wide = { ...params, lookBackDays: 2, lookAheadDays: 60 };
	const mark = emu.mark();
	const base = await poll(bob, wide);
	expect(base.error).toBeUndefined();
	expect(base.output).toBeNull();
	// 450 occurrences in pages of 100.
	expect(graphRequests(emu, mark)).toEqual(Array(5).fill('GET /v1.0/me/calendarView/delta'));
	const state = stateOf(base.staticData)!;
	const ids = Object.keys(state.events);
	expect(ids.length).toBeGreaterThanOrEqual(count);
	const size = JSON.stringify(base.staticData).length;
	const idBytes = ids.reduce((n, id) => n + id.length, 0);
	// The IDs, ~20 bytes of record and JSON punctuation each, and the deltaLink: no event content.
	expect(size).toBeLessThan(idBytes + ids.length * 24 + state.deltaLink.length + 500);
	expect(JSON.stringify(base.staticData)).not.toContain('bulk');
});

describe('credentials', () => {
	test('app-only: the mailbox is required, refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const r = await poll(appAuth(emu, CALENDAR_APP), { ...params, calendarOwner: undefined });
		expect(r.error?.message).toMatch(/Mailbox/);
		expect(emu.since(mark)).toEqual([]);
	});

	test('app-only: a mailbox outside the Mailbox Restriction is refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const r = await poll(appAuth(emu, CALENDAR_APP, { mailboxRestriction: BOB }), {
			...params,
			mailbox: { __rl: true, mode: 'address', value: ALICE },
		});
		expect(r.error?.message).toMatch(/Mailbox Restriction|restrict/i);
		expect(emu.since(mark)).toEqual([]);
	});

	test('app-only with the mailbox: baseline, then a change once, on /users/{mailbox}', async () => {
		const emu = emulator();
		const app = appAuth(emu, CALENDAR_APP, { mailboxRestriction: ALICE });
		const p = { ...params, mailbox: { __rl: true, mode: 'address', value: ALICE } };
		const base = await poll(app, p);
		expect(base.error).toBeUndefined();
		const created = cal().createEvent(ALICE, eventOnDay('app-only', 2));
		const mark = emu.mark();
		const r = await poll(app, p, base.staticData);
		expect(graphRequests(emu, mark)).toEqual([
			`GET /v1.0/users/${encodeURIComponent(ALICE)}/calendarView/delta`,
		]);
		expect(keys(r.output)).toEqual([`created:${String(created.id)}`]);
	});
});

test('"Fetch Test Event" (manual run): the most recently modified event of the window, nothing stored', async () => {
	const emu = emulator();
	const older = cal().createEvent(ALICE, eventOnDay('sample older', 4));
	const latest = cal().createEvent(ALICE, eventOnDay('sample latest', 5));
	cal().updateEvent(ALICE, String(older.id), { subject: 'sample older (renamed)' });
	const mark = emu.mark();
	const { output, error, staticData } = await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			type: TRIGGER,
			parameters: { authentication: 'delegated', ...params },
			credentials: { microsoft365OAuth2Api: { id: 'me', name: 'Delegated' } },
		},
		credentialsData: { me: alice.data as never },
	});
	expect(error).toBeUndefined();
	expect(output[0].map((i) => [i.json.changeType, i.json.id])).toEqual([['updated', older.id]]);
	expect(graphRequests(emu, mark)).toEqual(['GET /v1.0/me/calendarView']);
	expect(JSON.stringify(staticData ?? {})).not.toContain('calendarDelta');
	expect(String(latest.id)).not.toBe(String(older.id));
});

test('Output Time Zone and Metadata Only shape the items', async () => {
	const p = { ...params, options: { outputTimeZone: 'Europe/Berlin', metadataOnly: true } };
	const base = await poll(alice, p);
	const created = cal().createEvent(
		ALICE,
		eventOnDay('private subject', 6, 10, { body: { contentType: 'text', content: 'secret body' } }),
	);
	const r = await poll(alice, p, base.staticData);
	expect(keys(r.output)).toEqual([`created:${String(created.id)}`]);
	const item = r.output![0][0].json;
	expect(item.start).toMatchObject({ timeZone: 'Europe/Berlin' });
	// 10:00 UTC is 11:00 in Berlin in winter, 12:00 in summer.
	expect(String((item.start as IDataObject).dateTime)).toMatch(/T1[12]:00:00/);
	expect(JSON.stringify(item)).not.toMatch(/private subject|secret body/);
	expect(item).toMatchObject({ changeType: 'created', id: created.id, isCancelled: false });
});

test('an expired token and a moved window at once (n8n was down for a while): what left the window is not "deleted"', async () => {
	// Output in UTC+14: the end of an event read as local time would look 14 hours later.
	const zone = { options: { outputTimeZone: 'Pacific/Kiritimati' } };
	const before = { ...params, lookBackDays: 2, lookAheadDays: 29, ...zone };
	const leaving = cal().createEvent(ALICE, eventOnDay('left yesterday evening', -2, 20));
	const toDelete = cal().createEvent(ALICE, eventOnDay('deleted while down', 2, 9));
	await nextSecond();
	const base = await poll(alice, before);
	expect(base.output).toBeNull();
	expect(Object.keys(stateOf(base.staticData)!.events)).toContain(String(leaving.id));
	cal().deleteEvent(ALICE, String(toDelete.id));
	const created = cal().createEvent(ALICE, eventOnDay('created while down', 3, 9));
	cal().expireDeltaTokens(ALICE);
	const r = await poll(alice, { ...params, ...zone }, base.staticData);
	expect(r.error).toBeUndefined();
	expect(keys(r.output).sort()).toEqual(
		[`created:${String(created.id)}`, `deleted:${String(toDelete.id)}`].sort(),
	);
	expect(Object.keys(stateOf(r.staticData)!.events)).not.toContain(String(leaving.id));
	const again = await poll(alice, { ...params, ...zone }, r.staticData);
	expect(again.output).toBeNull();
});

test("Pseudonymise Addresses: the Entra ID node's pseudonyms; a short key is refused before any request", async () => {
	const emu = emulator();
	const pseudonymKey = ['calendar', 'trigger', 'test', 'value', '0001'].join('-');
	const p = { ...params, pseudonymise: true, pseudonymKeySource: 'field', pseudonymKey };
	const mark = emu.mark();
	const short = await poll(alice, { ...p, pseudonymKey: 'short' });
	expect(short.error?.message).toMatch(/Pseudonym Key/i);
	expect(emu.since(mark)).toEqual([]);

	const base = await poll(alice, p);
	expect(base.error).toBeUndefined();
	const meeting = cal().createEvent(
		ALICE,
		eventOnDay('with bob', 4, 15, {
			attendees: [{ emailAddress: { address: BOB, name: 'Bob' }, type: 'required' }],
		}),
	);
	const r = await poll(alice, p, base.staticData);
	expect(keys(r.output)).toEqual([`created:${String(meeting.id)}`]);
	const text = JSON.stringify(r.output![0][0].json);
	expect(text).not.toMatch(/bob@|alice@/i);
	const attendees = r.output![0][0].json.attendees as IDataObject[];
	expect((attendees[0].emailAddress as IDataObject).address).toBe(pseudonym(pseudonymKey, BOB));
});

test('another calendar (by ID, or by name: one lookup per poll): only its events, on /calendars/{id}/calendarView/delta', async () => {
	const emu = emulator();
	const box = cal().boxOf(emu.directory.home, ALICE);
	const team = box.addCalendar('Team Trips');
	const byId = { ...params, calendar: { __rl: true, mode: 'id', value: team.id } };
	const byName = { ...params, calendar: { __rl: true, mode: 'name', value: 'team trips' } };
	const base = await poll(alice, byId);
	expect(base.error).toBeUndefined();
	const inTeam = cal().createEvent(ALICE, eventOnDay('trip', 5), team.id);
	cal().createEvent(ALICE, eventOnDay('in the default calendar', 5));
	const mark = emu.mark();
	const r = await poll(alice, byId, base.staticData);
	expect(graphRequests(emu, mark)).toEqual([
		`GET /v1.0/me/calendars/${encodeURIComponent(team.id)}/calendarView/delta`,
	]);
	expect(keys(r.output)).toEqual([`created:${String(inTeam.id)}`]);
	// By name: the same calendar, so the same state goes on.
	cal().updateEvent(ALICE, String(inTeam.id), { subject: 'trip (booked)' });
	const mark2 = emu.mark();
	const named = await poll(alice, byName, r.staticData);
	expect(graphRequests(emu, mark2)).toEqual([
		'GET /v1.0/me/calendars',
		`GET /v1.0/me/calendars/${encodeURIComponent(team.id)}/calendarView/delta`,
	]);
	expect(keys(named.output)).toEqual([`updated:${String(inTeam.id)}`]);
});
