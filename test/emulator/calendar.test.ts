/**
 * The emulator's calendar, written from Microsoft's pages: events CRUD, transactionId, calendarView
 * with recurrence expansion (DST, all-day, patterns and ranges), time zones with
 * `Prefer: outlook.timezone`, permission refusals, the meeting flow (requests, responses, room
 * booking), and calendarView delta rounds.
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const CAROL = 'carol@contoso.onmicrosoft.com';

function app(roles = ['Calendars.Read', 'Calendars.ReadWrite']): string {
	return mintToken(emulator(), { roles });
}

function view(user: string, from: string, to: string, extra = '') {
	return `/users/${user}/calendarView?startDateTime=${from}&endDateTime=${to}${extra}`;
}

describe('events', () => {
	test('create, get, update, delete; calendarView needs a window', async () => {
		const emu = emulator();
		const token = app();
		const created = await graph(emu, 'POST', `/users/${ALICE}/events`, token, {
			subject: 'Planning',
			start: { dateTime: '2026-05-04T10:00:00', timeZone: 'W. Europe Standard Time' },
			end: { dateTime: '2026-05-04T11:00:00', timeZone: 'W. Europe Standard Time' },
		});
		expect(created.status).toBe(201);
		expect(created.body.type).toBe('singleInstance');
		expect(created.body.start).toEqual({
			dateTime: '2026-05-04T08:00:00.0000000',
			timeZone: 'UTC',
		});
		expect(created.body.originalStartTimeZone).toBe('W. Europe Standard Time');

		const got = await graph(
			emu,
			'GET',
			`/users/${ALICE}/events/${created.body.id}`,
			token,
			undefined,
			{
				Prefer: 'outlook.timezone="Pacific Standard Time"',
			},
		);
		expect(got.status).toBe(200);
		expect(got.body.start).toEqual({
			dateTime: '2026-05-04T01:00:00.0000000',
			timeZone: 'Pacific Standard Time',
		});
		expect(got.headers.get('preference-applied')).toBe('outlook.timezone="Pacific Standard Time"');

		const patched = await graph(emu, 'PATCH', `/users/${ALICE}/events/${created.body.id}`, token, {
			subject: 'Planning (moved)',
			start: { dateTime: '2026-05-04T12:00:00', timeZone: 'Europe/Zurich' },
			end: { dateTime: '2026-05-04T13:00:00', timeZone: 'Europe/Zurich' },
		});
		expect(patched.status).toBe(200);
		expect(patched.body.start.dateTime).toBe('2026-05-04T10:00:00.0000000');

		const missing = await graph(emu, 'GET', `/users/${ALICE}/calendarView`, token);
		expect(missing.status).toBe(400);
		expect(missing.body.error.code).toBe('ErrorInvalidParameter');

		const deleted = await graph(emu, 'DELETE', `/users/${ALICE}/events/${created.body.id}`, token);
		expect(deleted.status).toBe(204);
		const gone = await graph(emu, 'GET', `/users/${ALICE}/events/${created.body.id}`, token);
		expect(gone.status).toBe(404);
		expect(gone.body.error.code).toBe('ErrorItemNotFound');
	});

	test('a second POST with the same transactionId returns the first event', async () => {
		const emu = emulator();
		const token = app();
		const body = {
			subject: 'Retry-safe',
			transactionId: 'tx-0001',
			start: { dateTime: '2026-06-01T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-06-01T09:30:00', timeZone: 'UTC' },
		};
		const first = await graph(emu, 'POST', `/users/${BOB}/events`, token, body);
		const second = await graph(emu, 'POST', `/users/${BOB}/events`, token, body);
		expect(first.status).toBe(201);
		expect(second.body.id).toBe(first.body.id);
		expect(emu.calendar.events(BOB).filter((e) => e.subject === 'Retry-safe')).toHaveLength(1);
	});

	test('unknown time zones and bad all-day events are 400', async () => {
		const emu = emulator();
		const token = app();
		const zone = await graph(emu, 'POST', `/users/${BOB}/events`, token, {
			subject: 'x',
			start: { dateTime: '2026-06-01T09:00:00', timeZone: 'Mars Standard Time' },
			end: { dateTime: '2026-06-01T09:30:00', timeZone: 'Mars Standard Time' },
		});
		expect(zone.status).toBe(400);
		expect(zone.body.error.message).toMatch(/Mars Standard Time/);
		const allDay = await graph(emu, 'POST', `/users/${BOB}/events`, token, {
			subject: 'x',
			isAllDay: true,
			start: { dateTime: '2026-06-01T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2026-06-02T00:00:00', timeZone: 'UTC' },
		});
		expect(allDay.status).toBe(400);
		const ok = await graph(emu, 'POST', `/users/${BOB}/events`, token, {
			subject: 'Holiday',
			isAllDay: true,
			start: { dateTime: '2026-06-01T00:00:00', timeZone: 'W. Europe Standard Time' },
			end: { dateTime: '2026-06-03T00:00:00', timeZone: 'W. Europe Standard Time' },
		});
		expect(ok.status).toBe(201);
	});

	test('an app token without Calendars.* is refused', async () => {
		const emu = emulator();
		const token = mintToken(emu, { roles: ['Mail.Read'] });
		const res = await graph(emu, 'GET', `/users/${ALICE}/events`, token);
		expect(res.status).toBe(403);
		expect(res.body.error.code).toBe('ErrorAccessDenied');
	});
});

describe('recurrence in calendarView', () => {
	test('a weekly 09:00 W. Europe series stays at 09:00 local across the DST change', async () => {
		const emu = emulator();
		const token = app();
		emu.calendar.createEvent(CAROL, {
			subject: 'Weekly sync',
			start: { dateTime: '2026-03-16T09:00:00', timeZone: 'W. Europe Standard Time' },
			end: { dateTime: '2026-03-16T09:30:00', timeZone: 'W. Europe Standard Time' },
			recurrence: {
				pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'], firstDayOfWeek: 'monday' },
				range: { type: 'numbered', startDate: '2026-03-16', numberOfOccurrences: 4 },
			},
		});
		const res = await graph(
			emu,
			'GET',
			view(CAROL, '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z', '&$select=subject,start,type'),
			token,
		);
		expect(res.status).toBe(200);
		const weekly = res.body.value.filter((e: any) => e.subject === 'Weekly sync');
		expect(weekly.map((e: any) => e.start.dateTime)).toEqual([
			'2026-03-16T08:00:00.0000000',
			'2026-03-23T08:00:00.0000000',
			'2026-03-30T07:00:00.0000000',
			'2026-04-06T07:00:00.0000000',
		]);
		expect(weekly.every((e: any) => e.type === 'occurrence')).toBe(true);
		const local = await graph(
			emu,
			'GET',
			view(CAROL, '2026-03-01T00:00:00Z', '2026-05-01T00:00:00Z'),
			token,
			undefined,
			{ Prefer: 'outlook.timezone="W. Europe Standard Time"' },
		);
		const times = local.body.value
			.filter((e: any) => e.subject === 'Weekly sync')
			.map((e: any) => e.start.dateTime.slice(11, 16));
		expect(times).toEqual(['09:00', '09:00', '09:00', '09:00']);
		// /events lists the series master once, not expanded
		const list = await graph(
			emu,
			'GET',
			`/users/${CAROL}/events?$filter=subject eq 'Weekly sync'`,
			token,
		);
		expect(list.body.value).toHaveLength(1);
		expect(list.body.value[0].type).toBe('seriesMaster');
		expect(list.body.value[0].recurrence.pattern.type).toBe('weekly');
	});
});
