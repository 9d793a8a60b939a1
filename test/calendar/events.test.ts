/**
 * Calendar node, Event resource, against the emulator: create (times, zones, all-day, rooms,
 * recurrence, transactionId), get, get many (calendar view with series expanded, stored events,
 * paging), update, respond, forward, cancel, delete; delegated and app-only.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOB,
	calendarFixture,
	delegatedCredential,
	errorText,
	graphRequests,
	json,
	locator,
	ROOM_1,
	runCalendar,
	type Auth,
} from './helpers';

const emulator = useEmulator({ fixture: calendarFixture(), accessTokenLifetime: 3600 });
const BERLIN = { workflowSettings: { executionOrder: 'v1' as const, timezone: 'Europe/Berlin' } };

let me: Auth;
let app: Auth;
beforeAll(async () => {
	me = { kind: 'delegated', data: await delegatedCredential(emulator(), ALICE) };
	app = { kind: 'app', data: appCredential(emulator()) };
});

const owner = (mailbox: string) => ({ mailbox: locator(mailbox, 'address') });

describe('create', () => {
	test('delegated, my calendar: times in the given Windows zone, attendees, Teams, output zone', async () => {
		const emu = emulator();
		const result = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Planning',
				start: '2026-05-04T10:00:00',
				end: '2026-05-04T11:00:00',
				timeZone: 'W. Europe Standard Time',
				additionalFields: {
					requiredAttendees: `${BOB}`,
					isOnlineMeeting: true,
					body: 'Agenda',
					reminderMinutes: 10,
					showAs: 'tentative',
					categories: 'Blue category, Planning',
				},
				options: { outputTimeZone: 'Pacific Standard Time' },
			},
			undefined,
			BERLIN,
		);
		expect(result.error).toBeUndefined();
		const [event] = json(result);
		expect(event.subject).toBe('Planning');
		expect(event.start).toEqual({
			dateTime: '2026-05-04T01:00:00.0000000',
			timeZone: 'Pacific Standard Time',
		});
		expect(event.originalStartTimeZone).toBe('W. Europe Standard Time');
		expect(event.transactionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-/);
		expect(event.showAs).toBe('tentative');
		expect(event.categories).toEqual(['Blue category', 'Planning']);
		expect((event.attendees as any[]).map((a) => [a.emailAddress.address, a.type])).toEqual([
			[BOB, 'required'],
		]);
		expect(emu.calendar.events(ALICE).some((e) => e.id === event.id)).toBe(true);
	});

	test('app-only: a named mailbox, IANA zone, a time with an offset keeps its instant', async () => {
		const emu = emulator();
		const result = await runCalendar(
			app,
			{
				resource: 'event',
				operation: 'create',
				...owner(BOB),
				subject: 'Offset',
				start: '2026-06-01T09:00:00+02:00',
				end: '2026-06-01T10:00:00+02:00',
				timeZone: 'America/New_York',
				options: { outputTimeZone: 'UTC' },
			},
			undefined,
			BERLIN,
		);
		expect(result.error).toBeUndefined();
		const [event] = json(result);
		expect(event.start).toEqual({ dateTime: '2026-06-01T07:00:00.0000000', timeZone: 'UTC' });
		expect(emu.calendar.events(BOB).some((e) => e.id === event.id)).toBe(true);
	});

	test('all-day across the spring DST change: midnight to midnight in the zone, end day included', async () => {
		const result = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Offsite',
				start: '2026-03-28T15:00:00',
				end: '2026-03-29T09:00:00',
				timeZone: 'Europe/Berlin',
				isAllDay: true,
				options: { outputTimeZone: 'Europe/Berlin' },
			},
			undefined,
			BERLIN,
		);
		expect(result.error).toBeUndefined();
		const [event] = json(result);
		expect(event.isAllDay).toBe(true);
		expect(event.start).toEqual({
			dateTime: '2026-03-28T00:00:00.0000000',
			timeZone: 'Europe/Berlin',
		});
		expect(event.end).toEqual({
			dateTime: '2026-03-30T00:00:00.0000000',
			timeZone: 'Europe/Berlin',
		});
	});

	test('a room becomes a resource attendee and the location', async () => {
		const result = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Room booking',
				start: '2026-07-01T14:00:00',
				end: '2026-07-01T15:00:00',
				additionalFields: { rooms: ROOM_1, location: 'Room 1' },
			},
			undefined,
			BERLIN,
		);
		expect(result.error).toBeUndefined();
		const [event] = json(result);
		expect((event.attendees as any[]).find((a) => a.emailAddress.address === ROOM_1)?.type).toBe(
			'resource',
		);
		expect((event.location as any).locationEmailAddress).toBe(ROOM_1);
		expect((event.location as any).displayName).toBe('Room 1');
	});

	test('weekly recurrence with a count; the calendar view expands it', async () => {
		const created = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Standup',
				start: '2026-09-07T09:00:00',
				end: '2026-09-07T09:15:00',
				recurrence: 'weekly',
				recurrenceInterval: 1,
				recurrenceDays: ['monday', 'wednesday'],
				recurrenceEnd: 'numbered',
				recurrenceCount: 4,
			},
			undefined,
			BERLIN,
		);
		expect(created.error).toBeUndefined();
		const [master] = json(created);
		expect(master.type).toBe('seriesMaster');
		expect((master.recurrence as any).range).toMatchObject({
			type: 'numbered',
			numberOfOccurrences: 4,
			startDate: '2026-09-07',
		});
		const view = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'getMany',
				view: 'calendarView',
				start: '2026-09-01T00:00:00',
				end: '2026-10-01T00:00:00',
				returnAll: true,
				options: { outputTimeZone: 'Europe/Berlin' },
			},
			undefined,
			BERLIN,
		);
		const standups = json(view).filter((e) => e.seriesMasterId === master.id);
		expect(standups.map((e) => (e.start as any).dateTime.slice(0, 16))).toEqual([
			'2026-09-07T09:00',
			'2026-09-09T09:00',
			'2026-09-14T09:00',
			'2026-09-16T09:00',
		]);
		const stored = await runCalendar(
			me,
			{ resource: 'event', operation: 'getMany', view: 'events', returnAll: true },
			undefined,
			BERLIN,
		);
		expect(json(stored).filter((e) => e.id === master.id)).toHaveLength(1);
		expect(json(stored).some((e) => e.seriesMasterId === master.id)).toBe(false);
	});

	test('a create whose answer is lost is sent once more with the same transactionId: one event', async () => {
		const emu = emulator();
		const before = emu.calendar.events(ALICE).length;
		emu.addFault({ method: 'POST', path: '/v1.0/me/events', kind: 'reset-after', count: 1 });
		const mark = emu.mark();
		const result = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Exactly once',
				start: '2026-08-03T10:00:00',
				end: '2026-08-03T11:00:00',
			},
			undefined,
			BERLIN,
		);
		expect(result.error).toBeUndefined();
		const posts = graphRequests(emu, mark).filter((e) => e.method === 'POST');
		expect(posts).toHaveLength(2);
		expect(posts[0].handled).toBe(true);
		const after = emu.calendar.events(ALICE).filter((e) => e.subject === 'Exactly once');
		expect(after).toHaveLength(1);
		expect(emu.calendar.events(ALICE).length).toBe(before + 1);
		expect(json(result)[0].id).toBe(after[0].id);
	});

	test('a user-set transactionId is used as is: a second run with it makes no second event', async () => {
		const emu = emulator();
		const params = {
			resource: 'event',
			operation: 'create',
			subject: 'Own key',
			start: '2026-08-04T10:00:00',
			end: '2026-08-04T11:00:00',
			additionalFields: { transactionId: 'my-own-key-1' },
		};
		const first = await runCalendar(me, params, undefined, BERLIN);
		const second = await runCalendar(me, params, undefined, BERLIN);
		expect(json(first)[0].transactionId).toBe('my-own-key-1');
		expect(json(second)[0].id).toBe(json(first)[0].id);
		expect(emu.calendar.events(ALICE).filter((e) => e.subject === 'Own key')).toHaveLength(1);
	});
});

describe('bad input: an error naming the field, no request', () => {
	const base = {
		resource: 'event',
		operation: 'create',
		subject: 'Bad',
		start: '2026-05-04T10:00:00',
		end: '2026-05-04T11:00:00',
	};
	test.each([
		['end before start', { end: '2026-05-04T09:00:00' }, 'End'],
		['unknown time zone', { timeZone: 'Mars/Olympus' }, 'Time Zone'],
		[
			'attendee not an address',
			{ additionalFields: { requiredAttendees: 'bob, carol@x.com' } },
			'Required Attendees',
		],
		['unreadable start', { start: 'next tuesday' }, 'Start'],
		[
			'recurrence without an end date (No End must be chosen)',
			{ recurrence: 'daily', recurrenceEnd: 'endDate', recurrenceEndDate: '' },
			'End Repeat On',
		],
	])('%s', async (_name, change, field) => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(me, { ...base, ...change }, undefined, BERLIN);
		expect(errorText(result)).toContain(`${field}:`);
		expect(errorText(result)).toContain('no request was made');
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});

	test('a calendar view wider than 1825 days', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(me, {
			resource: 'event',
			operation: 'getMany',
			view: 'calendarView',
			start: '2026-01-01T00:00:00Z',
			end: '2031-01-02T00:00:00Z',
		});
		expect(errorText(result)).toMatch(/End: .*1825 days/);
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});

	test('app-only without a mailbox, and a mailbox outside the Mailbox Restriction', async () => {
		const emu = emulator();
		const mark = emu.mark();
		// n8n itself refuses an empty required locator; an expression that comes out empty reaches the node.
		const none = await runCalendar(app, {
			resource: 'event',
			operation: 'get',
			eventId: 'x',
			mailbox: locator('={{ "" }}', 'address'),
		});
		expect(errorText(none)).toContain('Mailbox:');
		const restricted: Auth = {
			kind: 'app',
			data: appCredential(emu, { mailboxRestriction: ALICE }),
		};
		const outside = await runCalendar(restricted, {
			resource: 'event',
			operation: 'get',
			eventId: 'x',
			...owner(BOB),
		});
		expect(errorText(outside)).toMatch(/Mailbox: Mailbox "bob@.*" is not allowed/);
		const room = await runCalendar(restricted, {
			...base,
			...owner(ALICE),
			additionalFields: { rooms: ROOM_1 },
		});
		expect(errorText(room)).toMatch(/Rooms: Mailbox "room-1@.*" is not allowed/);
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});
});

describe('read, change, respond', () => {
	test('get with Metadata Only: no subject, body, preview or names; times, addresses and counts kept', async () => {
		const emu = emulator();
		const event = emu.calendar.createEvent(ALICE, {
			subject: 'Secret project',
			body: { contentType: 'text', content: 'Confidential agenda' },
			start: { dateTime: '2026-05-05T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-05-05T11:00:00', timeZone: 'UTC' },
			attendees: [{ emailAddress: { address: BOB, name: 'Bob' }, type: 'required' }],
			location: { displayName: 'Hidden place' },
		});
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'get',
			...owner(ALICE),
			eventId: String(event.id),
			options: { metadataOnly: true, outputTimeZone: 'UTC' },
		});
		expect(result.error).toBeUndefined();
		const [got] = json(result);
		const text = JSON.stringify(got);
		for (const secret of ['Secret project', 'Confidential agenda', 'Hidden place', '"Bob"'])
			expect(text).not.toContain(secret);
		expect(got.bodyPreview).toBeUndefined();
		expect(got.start).toEqual({ dateTime: '2026-05-05T10:00:00.0000000', timeZone: 'UTC' });
		expect((got.attendees as any[])[0].emailAddress).toEqual({ address: BOB });
		expect(got.attendeeCount).toBe(1);
		expect(got.type).toBe('singleInstance');
	});

	test('update (PATCH), respond with a proposed time, forward, cancel, delete', async () => {
		const emu = emulator();
		const created = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Review',
				start: '2026-10-12T10:00:00',
				end: '2026-10-12T11:00:00',
				additionalFields: { requiredAttendees: BOB },
			},
			undefined,
			BERLIN,
		);
		const id = json(created)[0].id as string;
		const updated = await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'update',
				eventId: id,
				updateFields: {
					subject: 'Review (moved)',
					start: '2026-10-12T12:00:00',
					end: '2026-10-12T13:00:00',
				},
				options: { outputTimeZone: 'Europe/Berlin' },
			},
			undefined,
			BERLIN,
		);
		expect(updated.error).toBeUndefined();
		expect(json(updated)[0].subject).toBe('Review (moved)');
		expect((json(updated)[0].start as any).dateTime).toBe('2026-10-12T12:00:00.0000000');

		// Bob's copy of the meeting request: he declines and proposes another time (app-only on his mailbox).
		const copy = emu.calendar.events(BOB).find((e) => e.subject === 'Review (moved)');
		expect(copy).toBeDefined();
		const responded = await runCalendar(
			app,
			{
				resource: 'event',
				operation: 'respond',
				...owner(BOB),
				eventId: String(copy!.id),
				response: 'decline',
				comment: 'Clash',
				sendResponse: true,
				proposeNewTime: true,
				proposedStart: '2026-10-13T12:00:00',
				proposedEnd: '2026-10-13T13:00:00',
				timeZone: 'Europe/Berlin',
			},
			undefined,
			BERLIN,
		);
		expect(responded.error).toBeUndefined();
		expect(json(responded)[0]).toMatchObject({ response: 'decline', sent: true });

		const forwarded = await runCalendar(me, {
			resource: 'event',
			operation: 'forward',
			eventId: id,
			toRecipients: 'carol@contoso.onmicrosoft.com',
			comment: 'FYI',
		});
		expect(forwarded.error).toBeUndefined();

		const cancelled = await runCalendar(me, {
			resource: 'event',
			operation: 'cancel',
			eventId: id,
			comment: 'Not needed',
		});
		expect(cancelled.error).toBeUndefined();
		const created2 = emu.calendar.createEvent(ALICE, {
			subject: 'To delete',
			start: { dateTime: '2026-10-14T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-10-14T11:00:00', timeZone: 'UTC' },
		});
		const deleted = await runCalendar(me, {
			resource: 'event',
			operation: 'delete',
			eventId: String(created2.id),
		});
		expect(json(deleted)[0]).toEqual({ deleted: true, id: created2.id });
		expect(emu.calendar.events(ALICE).some((e) => e.id === created2.id)).toBe(false);
	});

	test('propose a new time without sending the response: refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(me, {
			resource: 'event',
			operation: 'respond',
			eventId: 'AAMk-x',
			response: 'tentativelyAccept',
			sendResponse: false,
			proposeNewTime: true,
			proposedStart: '2026-10-13T12:00:00',
			proposedEnd: '2026-10-13T13:00:00',
		});
		expect(errorText(result)).toContain('Send Response:');
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});
});

describe('get many', () => {
	test('a daily series across the autumn DST change stays at 09:00 local; UTC moves by an hour', async () => {
		await runCalendar(
			me,
			{
				resource: 'event',
				operation: 'create',
				subject: 'Daily at nine',
				start: '2026-10-23T09:00:00',
				end: '2026-10-23T09:30:00',
				timeZone: 'Europe/Berlin',
				recurrence: 'daily',
				recurrenceEnd: 'endDate',
				recurrenceEndDate: '2026-10-27',
			},
			undefined,
			BERLIN,
		);
		const view = async (outputTimeZone: string) =>
			json(
				await runCalendar(me, {
					resource: 'event',
					operation: 'getMany',
					view: 'calendarView',
					start: '2026-10-23T00:00:00+02:00',
					end: '2026-10-28T00:00:00+01:00',
					returnAll: true,
					options: { outputTimeZone },
				}),
			)
				.filter((e) => e.subject === 'Daily at nine')
				.map((e) => (e.start as any).dateTime.slice(0, 16));
		expect(await view('Europe/Berlin')).toEqual([
			'2026-10-23T09:00',
			'2026-10-24T09:00',
			'2026-10-25T09:00',
			'2026-10-26T09:00',
			'2026-10-27T09:00',
		]);
		expect(await view('UTC')).toEqual([
			'2026-10-23T07:00',
			'2026-10-24T07:00',
			'2026-10-25T08:00',
			'2026-10-26T08:00',
			'2026-10-27T08:00',
		]);
	});

	test('Return All pages through every page; Limit stops early', async () => {
		const emu = emulator();
		const events = Array.from({ length: 230 }, (_, i) => ({
			subject: `Bulk ${i}`,
			start: {
				dateTime: `2027-02-01T${String(8 + (i % 10)).padStart(2, '0')}:00:00`,
				timeZone: 'UTC',
			},
			end: {
				dateTime: `2027-02-01T${String(8 + (i % 10)).padStart(2, '0')}:30:00`,
				timeZone: 'UTC',
			},
		}));
		emu.calendar.seedEvents(CAROL_BOX, events);
		const mark = emu.mark();
		const all = await runCalendar(app, {
			resource: 'event',
			operation: 'getMany',
			...owner(CAROL_BOX),
			view: 'calendarView',
			start: '2027-02-01T00:00:00Z',
			end: '2027-02-02T00:00:00Z',
			returnAll: true,
		});
		expect(all.error).toBeUndefined();
		expect(json(all)).toHaveLength(230);
		expect(graphRequests(emu, mark).filter((e) => e.url.includes('calendarView'))).toHaveLength(3);
		const mark2 = emu.mark();
		const some = await runCalendar(app, {
			resource: 'event',
			operation: 'getMany',
			...owner(CAROL_BOX),
			view: 'calendarView',
			start: '2027-02-01T00:00:00Z',
			end: '2027-02-02T00:00:00Z',
			returnAll: false,
			limit: 7,
		});
		expect(json(some)).toHaveLength(7);
		expect(graphRequests(emu, mark2).filter((e) => e.url.includes('calendarView'))).toHaveLength(1);
	});

	test('429 with Retry-After on a calendar view is waited out and sent again', async () => {
		const emu = emulator();
		emu.addFault({
			method: 'GET',
			path: '^/v1\\.0/users/[^/]+/calendarView',
			kind: 'status',
			status: 429,
			retryAfter: 1,
			count: 1,
		});
		const mark = emu.mark();
		const started = Date.now();
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'getMany',
			...owner(ALICE),
			view: 'calendarView',
			start: '2026-05-01T00:00:00Z',
			end: '2026-06-01T00:00:00Z',
			returnAll: true,
		});
		expect(result.error).toBeUndefined();
		const views = graphRequests(emu, mark).filter((e) => e.url.includes('calendarView'));
		expect(views.map((e) => e.status)).toEqual([429, 200]);
		expect(Date.now() - started).toBeGreaterThanOrEqual(900);
	});
});

const CAROL_BOX = 'carol@contoso.onmicrosoft.com';

describe('delegated access to another mailbox', () => {
	test('Calendar Owner "Another User or Room": /users/{upn}/... with the signed-in user', async () => {
		const emu = emulator();
		emu.calendar.createEvent(BOB, {
			subject: 'Bob only',
			start: { dateTime: '2026-01-07T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-01-07T11:00:00', timeZone: 'UTC' },
		});
		const mark = emu.mark();
		const result = await runCalendar(me, {
			resource: 'event',
			operation: 'getMany',
			calendarOwner: 'other',
			mailbox: locator(BOB, 'address'),
			view: 'events',
			returnAll: false,
			limit: 500,
		});
		const requests = graphRequests(emu, mark);
		expect(requests).toHaveLength(1);
		expect(requests[0].url).toContain(`/v1.0/users/${encodeURIComponent(BOB)}/events`);
		expect(requests[0].auth?.upn).toBe(ALICE);
		// With Calendars.Read.Shared (and Bob's calendar shared with her), Alice reads it.
		expect(result.error).toBeUndefined();
		expect(json(result).map((e) => e.subject)).toContain('Bob only');
	});
});
