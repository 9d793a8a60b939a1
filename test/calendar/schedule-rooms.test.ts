/**
 * Calendar node, Schedule, Room and Calendar resources against the emulator: free/busy with
 * slots, find meeting times (delegated only: the app credential refused before any request),
 * room lists, rooms, free rooms in one getSchedule call, calendars by list/ID/name; the window
 * and Mailbox Restriction checks on addresses in request bodies.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOARDROOM,
	BOB,
	CAROL,
	calendarFixture,
	delegatedCredential,
	errorText,
	graphRequests,
	json,
	listSearch,
	locator,
	ROOM_1,
	ROOM_2,
	runCalendar,
	ZURICH_ROOMS,
	type Auth,
} from './helpers';

const emulator = useEmulator({ fixture: calendarFixture(), accessTokenLifetime: 3600 });

let me: Auth;
let app: Auth;
beforeAll(async () => {
	me = { kind: 'delegated', data: await delegatedCredential(emulator(), ALICE) };
	app = { kind: 'app', data: appCredential(emulator()) };
});

const owner = (mailbox: string) => ({ mailbox: locator(mailbox, 'address') });

describe('schedule', () => {
	test('free/busy (app-only): one item per address, availabilityView parsed into slots', async () => {
		const emu = emulator();
		emu.calendar.createEvent(BOB, {
			subject: 'Busy hour',
			start: { dateTime: '2026-11-02T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-11-02T11:00:00', timeZone: 'UTC' },
			showAs: 'busy',
		});
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'schedule',
			operation: 'getFreeBusy',
			...owner(ALICE),
			schedules: `${BOB}, ${ROOM_1}`,
			start: '2026-11-02T09:00:00',
			end: '2026-11-02T12:00:00',
			interval: 60,
			timeZone: 'UTC',
		});
		expect(result.error).toBeUndefined();
		const requests = graphRequests(emu, mark);
		expect(requests.map((r) => `${r.method} ${r.url.split('?')[0]}`)).toEqual([
			`POST /v1.0/users/${encodeURIComponent(ALICE)}/calendar/getSchedule`,
		]);
		const [bob, room] = json(result);
		expect(bob.scheduleId).toBe(BOB);
		expect(bob.availabilityView).toBe('020');
		expect(bob.slots).toEqual([
			{ status: 'free', start: '2026-11-02T09:00:00+00:00', end: '2026-11-02T10:00:00+00:00' },
			{ status: 'busy', start: '2026-11-02T10:00:00+00:00', end: '2026-11-02T11:00:00+00:00' },
			{ status: 'free', start: '2026-11-02T11:00:00+00:00', end: '2026-11-02T12:00:00+00:00' },
		]);
		expect(bob.workingHours).toBeDefined();
		expect(room.scheduleId).toBe(ROOM_1);
	});

	test('free/busy refusals before any request: window over 62 days, address outside the restriction, not an address', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const wide = await runCalendar(app, {
			resource: 'schedule',
			operation: 'getFreeBusy',
			...owner(ALICE),
			schedules: BOB,
			start: '2026-01-01T00:00:00Z',
			end: '2026-03-05T00:00:00Z',
			timeZone: 'UTC',
		});
		expect(errorText(wide)).toMatch(/End: .*at most 62 days/);
		const restricted: Auth = {
			kind: 'app',
			data: appCredential(emu, { mailboxRestriction: ALICE }),
		};
		const outside = await runCalendar(restricted, {
			resource: 'schedule',
			operation: 'getFreeBusy',
			...owner(ALICE),
			schedules: `${ALICE}, ${BOB}`,
			start: '2026-01-01T00:00:00Z',
			end: '2026-01-02T00:00:00Z',
		});
		expect(errorText(outside)).toMatch(/Users and Rooms: Mailbox "bob@.*" is not allowed/);
		const notAddress = await runCalendar(app, {
			resource: 'schedule',
			operation: 'getFreeBusy',
			...owner(ALICE),
			schedules: 'bob',
			start: '2026-01-01T00:00:00Z',
			end: '2026-01-02T00:00:00Z',
		});
		expect(errorText(notAddress)).toContain('Users and Rooms: "bob" is not an email address');
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});

	test('find meeting times (delegated): suggestions, and a readable reason when there are none', async () => {
		const result = await runCalendar(me, {
			resource: 'schedule',
			operation: 'findMeetingTimes',
			attendees: BOB,
			duration: 30,
			start: '2026-11-03T08:00:00Z',
			end: '2026-11-03T17:00:00Z',
			timeZone: 'UTC',
			activityDomain: 'unrestricted',
			options: { maxCandidates: 3 },
		});
		expect(result.error).toBeUndefined();
		const [found] = json(result);
		expect((found.suggestions as unknown[]).length).toBeGreaterThan(0);
		expect((found.suggestions as unknown[]).length).toBeLessThanOrEqual(3);

		const emu = emulator();
		emu.calendar.createEvent(BOB, {
			subject: 'All day busy',
			start: { dateTime: '2026-11-04T00:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-11-05T00:00:00', timeZone: 'UTC' },
			showAs: 'busy',
		});
		emu.calendar.createEvent(ALICE, {
			subject: 'Also busy',
			start: { dateTime: '2026-11-04T00:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-11-05T00:00:00', timeZone: 'UTC' },
			showAs: 'busy',
		});
		const none = await runCalendar(me, {
			resource: 'schedule',
			operation: 'findMeetingTimes',
			attendees: BOB,
			duration: 60,
			start: '2026-11-04T09:00:00Z',
			end: '2026-11-04T12:00:00Z',
			timeZone: 'UTC',
			activityDomain: 'unrestricted',
			options: { minimumAttendeePercentage: 100 },
		});
		expect(none.error).toBeUndefined();
		const [empty] = json(none);
		expect(empty.suggestions).toEqual([]);
		expect(typeof empty.emptySuggestionsReason).toBe('string');
		expect(String(empty.explanation).length).toBeGreaterThan(20);
	});

	test('find meeting times with the app credential: refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'schedule',
			operation: 'findMeetingTimes',
			...owner(ALICE),
			attendees: BOB,
			start: '2026-11-03T08:00:00Z',
			end: '2026-11-03T17:00:00Z',
		});
		expect(errorText(result)).toContain(
			'Authentication: Find Meeting Times works only with the delegated credential',
		);
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});
});

describe('rooms', () => {
	test('room lists and rooms (all, of a list, with a minimum capacity)', async () => {
		const lists = await runCalendar(app, { resource: 'room', operation: 'getRoomLists' });
		expect(lists.error).toBeUndefined();
		expect(json(lists).map((l) => l.emailAddress)).toContain(ZURICH_ROOMS);
		const zurich = await runCalendar(app, {
			resource: 'room',
			operation: 'getRooms',
			roomList: locator(ZURICH_ROOMS, 'address'),
		});
		expect(
			json(zurich)
				.map((r) => r.emailAddress)
				.sort(),
		).toEqual([BOARDROOM, ROOM_1, ROOM_2].sort());
		const big = await runCalendar(me, {
			resource: 'room',
			operation: 'getRooms',
			roomList: locator('', 'list'),
			minCapacity: 10,
		});
		expect(json(big).every((r) => Number(r.capacity) >= 10)).toBe(true);
		expect(json(big).map((r) => r.emailAddress)).toContain(BOARDROOM);
	});

	test('free rooms of a list: one getSchedule call for all its rooms, busy ones left out', async () => {
		const emu = emulator();
		emu.calendar.createEvent(ALICE, {
			subject: 'Uses room 1',
			start: { dateTime: '2026-12-01T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-12-01T11:00:00', timeZone: 'UTC' },
			attendees: [{ emailAddress: { address: ROOM_1 }, type: 'resource' }],
		});
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'room',
			operation: 'findFreeRooms',
			...owner(ALICE),
			roomList: locator(ZURICH_ROOMS, 'address'),
			start: '2026-12-01T10:30:00Z',
			end: '2026-12-01T11:30:00Z',
			minCapacity: 0,
		});
		expect(result.error).toBeUndefined();
		const posts = graphRequests(emu, mark).filter((r) => r.url.includes('getSchedule'));
		expect(posts).toHaveLength(1);
		const free = json(result).map((r) => r.emailAddress);
		expect(free).not.toContain(ROOM_1);
		expect(free).toEqual(expect.arrayContaining([ROOM_2, BOARDROOM]));
	});
});

describe('calendars', () => {
	test('create, list, get by ID and by name, delete', async () => {
		const emu = emulator();
		const created = await runCalendar(app, {
			resource: 'calendar',
			operation: 'create',
			...owner(CAROL),
			name: 'Team Holidays',
			color: 'lightGreen',
		});
		expect(created.error).toBeUndefined();
		const id = json(created)[0].id as string;
		const list = await runCalendar(app, {
			resource: 'calendar',
			operation: 'getMany',
			...owner(CAROL),
			returnAll: true,
		});
		expect(json(list).map((c) => c.name)).toEqual(expect.arrayContaining(['Team Holidays']));
		const byName = await runCalendar(app, {
			resource: 'calendar',
			operation: 'get',
			...owner(CAROL),
			calendar: locator('team holidays', 'name'),
		});
		expect(json(byName)[0].id).toBe(id);
		const event = await runCalendar(app, {
			resource: 'event',
			operation: 'create',
			...owner(CAROL),
			calendar: locator('Team Holidays', 'name'),
			subject: 'In the new calendar',
			start: '2026-12-24T00:00:00Z',
			end: '2026-12-25T00:00:00Z',
		});
		expect(event.error).toBeUndefined();
		expect(emu.calendar.events(CAROL, id).map((e) => e.subject)).toContain('In the new calendar');
		const missing = await runCalendar(app, {
			resource: 'calendar',
			operation: 'get',
			...owner(CAROL),
			calendar: locator('No such calendar', 'name'),
		});
		expect(errorText(missing)).toContain('Calendar: no calendar named "No such calendar"');
		const deleted = await runCalendar(app, {
			resource: 'calendar',
			operation: 'delete',
			...owner(CAROL),
			calendar: locator(id),
		});
		expect(json(deleted)[0]).toEqual({ deleted: true, id });
		expect(emu.calendar.calendars(CAROL).some((c) => c.id === id)).toBe(false);
	});
});

describe('lists', () => {
	test('calendars of the owner (searchable), mailboxes, room lists', async () => {
		const emu = emulator();
		emu.calendar.createEvent(ALICE, {
			subject: 'x',
			start: { dateTime: '2026-01-05T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-01-05T11:00:00', timeZone: 'UTC' },
		});
		const mine = await listSearch(me, 'searchCalendars', { calendarOwner: 'me' });
		expect(mine.result.results.length).toBeGreaterThan(0);
		expect(mine.result.results.some((r) => String(r.name).endsWith('(default)'))).toBe(true);
		const bobs = await listSearch(app, 'searchCalendars', { mailbox: locator(BOB, 'address') });
		expect(bobs.result.results.length).toBeGreaterThan(0);
		const none = await listSearch(app, 'searchCalendars', { mailbox: locator('', 'list') });
		expect(none.result.results).toEqual([]);
		const lists = await listSearch(app, 'searchRoomLists', {}, 'zur');
		expect(lists.result.results.map((r) => r.value)).toEqual([ZURICH_ROOMS]);
		const boxes = await listSearch(app, 'searchMailboxes', {}, 'room');
		expect(boxes.result.results.map((r) => r.value)).toEqual(expect.arrayContaining([ROOM_1]));
	});
});
