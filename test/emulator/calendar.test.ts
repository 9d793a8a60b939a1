/**
 * The emulator's calendar, written from Microsoft's pages: events CRUD, transactionId, calendarView
 * with recurrence expansion (DST, all-day, patterns and ranges), time zones with
 * `Prefer: outlook.timezone`, permission refusals, the meeting flow (requests, responses, room
 * booking), and calendarView delta rounds.
 */
import { request } from 'node:https';
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const CAROL = 'carol@contoso.onmicrosoft.com';

function app(roles = ['Calendars.Read', 'Calendars.ReadWrite']): string {
	return mintToken(emulator(), { roles });
}

function rawGet(url: string, token: string): Promise<{ status: number; body: any }> {
	return new Promise((resolve, reject) => {
		const req = request(
			url,
			{ agent: false, ca: emulator().caPem, headers: { Authorization: `Bearer ${token}` } },
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (c: Buffer) => chunks.push(c));
				res.on('end', () =>
					resolve({
						status: res.statusCode ?? 0,
						body: JSON.parse(Buffer.concat(chunks).toString() || '{}'),
					}),
				);
			},
		);
		req.on('error', reject);
		req.end();
	});
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

describe('recurrence patterns and ranges', () => {
	const dates = (user: string, subject: string, from: string, to: string) =>
		emulator()
			.calendar.view(user, from, to)
			.filter((e) => e.subject === subject)
			.map((e) => (e.start as { dateTime: string }).dateTime.slice(0, 10));
	const series = (subject: string, start: string, pattern: object, range: object) =>
		emulator().calendar.createEvent(ALICE, {
			subject,
			start: { dateTime: `${start}T12:00:00`, timeZone: 'UTC' },
			end: { dateTime: `${start}T13:00:00`, timeZone: 'UTC' },
			recurrence: { pattern, range: { startDate: start, ...range } },
		});

	test('daily with an interval and an end date', () => {
		series(
			'daily',
			'2027-01-01',
			{ type: 'daily', interval: 2 },
			{ type: 'endDate', endDate: '2027-01-07' },
		);
		expect(dates(ALICE, 'daily', '2026-12-01T00:00:00Z', '2027-02-01T00:00:00Z')).toEqual([
			'2027-01-01',
			'2027-01-03',
			'2027-01-05',
			'2027-01-07',
		]);
	});

	test('weekly every other week on two days, numbered (firstDayOfWeek decides the week)', () => {
		series(
			'biweekly',
			'2027-01-04',
			{ type: 'weekly', interval: 2, daysOfWeek: ['monday', 'thursday'], firstDayOfWeek: 'sunday' },
			{ type: 'numbered', numberOfOccurrences: 5 },
		);
		expect(dates(ALICE, 'biweekly', '2027-01-01T00:00:00Z', '2027-03-01T00:00:00Z')).toEqual([
			'2027-01-04',
			'2027-01-07',
			'2027-01-18',
			'2027-01-21',
			'2027-02-01',
		]);
	});

	test('absoluteMonthly on day 31 falls on the last day of shorter months; relativeMonthly last Friday', () => {
		series(
			'monthly31',
			'2027-01-31',
			{ type: 'absoluteMonthly', interval: 1, dayOfMonth: 31 },
			{ type: 'numbered', numberOfOccurrences: 3 },
		);
		expect(dates(ALICE, 'monthly31', '2027-01-01T00:00:00Z', '2027-06-01T00:00:00Z')).toEqual([
			'2027-01-31',
			'2027-02-28',
			'2027-03-31',
		]);
		series(
			'lastFriday',
			'2027-01-01',
			{ type: 'relativeMonthly', interval: 1, daysOfWeek: ['friday'], index: 'last' },
			{ type: 'noEnd' },
		);
		expect(dates(ALICE, 'lastFriday', '2027-01-01T00:00:00Z', '2027-04-01T00:00:00Z')).toEqual([
			'2027-01-29',
			'2027-02-26',
			'2027-03-26',
		]);
	});

	test('absoluteYearly and relativeYearly', () => {
		series(
			'yearly',
			'2027-03-15',
			{ type: 'absoluteYearly', interval: 1, month: 3, dayOfMonth: 15 },
			{ type: 'noEnd' },
		);
		expect(dates(ALICE, 'yearly', '2027-01-01T00:00:00Z', '2030-01-01T00:00:00Z')).toEqual([
			'2027-03-15',
			'2028-03-15',
			'2029-03-15',
		]);
		series(
			'firstMondaySeptember',
			'2027-01-01',
			{ type: 'relativeYearly', interval: 1, month: 9, daysOfWeek: ['monday'], index: 'first' },
			{ type: 'endDate', endDate: '2028-12-31' },
		);
		expect(
			dates(ALICE, 'firstMondaySeptember', '2027-01-01T00:00:00Z', '2030-01-01T00:00:00Z'),
		).toEqual(['2027-09-06', '2028-09-04']);
	});

	test('a deleted occurrence disappears; a changed one becomes an exception; instances lists both', async () => {
		const emu = emulator();
		const token = app();
		const master = series(
			'standup',
			'2027-05-03',
			{ type: 'daily', interval: 1 },
			{ type: 'numbered', numberOfOccurrences: 4 },
		);
		const window = view(
			ALICE,
			'2027-05-01T00:00:00Z',
			'2027-05-10T00:00:00Z',
			"&$filter=subject eq 'standup'",
		);
		const all = await graph(emu, 'GET', window, token);
		expect(all.body.value).toHaveLength(4);
		const [, second, third] = all.body.value;
		expect(second.seriesMasterId).toBe(master.id);
		expect((await graph(emu, 'DELETE', `/users/${ALICE}/events/${second.id}`, token)).status).toBe(
			204,
		);
		const moved = await graph(emu, 'PATCH', `/users/${ALICE}/events/${third.id}`, token, {
			start: { dateTime: '2027-05-05T15:00:00', timeZone: 'UTC' },
			end: { dateTime: '2027-05-05T16:00:00', timeZone: 'UTC' },
		});
		expect(moved.status).toBe(200);
		expect(moved.body.type).toBe('exception');
		const instances = await graph(
			emu,
			'GET',
			`/users/${ALICE}/events/${master.id}/instances?startDateTime=2027-05-01T00:00:00Z&endDateTime=2027-05-10T00:00:00Z`,
			token,
		);
		expect(instances.body.value.map((e: any) => [e.type, e.start.dateTime.slice(0, 13)])).toEqual([
			['occurrence', '2027-05-03T12'],
			['exception', '2027-05-05T15'],
			['occurrence', '2027-05-06T12'],
		]);
		const got = await graph(emu, 'GET', `/users/${ALICE}/events/${master.id}`, token);
		expect(got.body.cancelledOccurrences).toHaveLength(1);
	});

	test('calendarView pages by 10, by Prefer: odata.maxpagesize and by $top', async () => {
		const emu = emulator();
		const token = app();
		series(
			'paged',
			'2027-08-01',
			{ type: 'daily', interval: 1 },
			{ type: 'numbered', numberOfOccurrences: 25 },
		);
		const url = view(
			ALICE,
			'2027-08-01T00:00:00Z',
			'2027-09-01T00:00:00Z',
			"&$filter=subject eq 'paged'",
		);
		const first = await graph(emu, 'GET', url, token);
		expect(first.body.value).toHaveLength(10);
		let next = first.body['@odata.nextLink'];
		let total = first.body.value.length;
		while (next) {
			const page = await graph(emu, 'GET', next, token);
			total += page.body.value.length;
			next = page.body['@odata.nextLink'];
		}
		expect(total).toBe(25);
		const big = await graph(emu, 'GET', url, token, undefined, { Prefer: 'odata.maxpagesize=20' });
		expect(big.body.value).toHaveLength(20);
		expect(big.headers.get('preference-applied')).toContain('odata.maxpagesize=20');
		const top = await graph(emu, 'GET', `${url}&$top=5`, token);
		expect(top.body.value).toHaveLength(5);
	});
});

describe('the meeting flow', () => {
	const DANA = 'dana.oneil@contoso.onmicrosoft.com';
	const ROOM1 = 'room-1@contoso.onmicrosoft.com';
	const BOARDROOM = 'room-5@contoso.onmicrosoft.com';
	const mailToken = () => mintToken(emulator(), { roles: ['Mail.Read'] });
	const meeting = (subject: string, attendees: Array<[string, string]>, hour = 9) => ({
		subject,
		start: { dateTime: `2027-10-04T${String(hour).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
		end: { dateTime: `2027-10-04T${String(hour + 1).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
		attendees: attendees.map(([address, type]) => ({ type, emailAddress: { address } })),
	});

	test('requests reach attendees, rooms accept or decline, responses reach the organizer', async () => {
		const emu = emulator();
		const token = app();
		const created = await graph(
			emu,
			'POST',
			`/users/${DANA}/events`,
			token,
			meeting('Design review', [
				[BOB, 'required'],
				[ROOM1, 'resource'],
				['partner@fabrikam.com', 'optional'],
			]),
		);
		expect(created.status).toBe(201);
		// Bob: a meeting request in the Inbox, a copy in the calendar awaiting his answer
		const inbox = await graph(
			emu,
			'GET',
			`/users/${BOB}/messages?$filter=subject eq 'Design review'`,
			mailToken(),
		);
		expect(inbox.body.value).toHaveLength(1);
		expect(inbox.body.value[0]['@odata.type']).toBe('#microsoft.graph.eventMessageRequest');
		expect(inbox.body.value[0].meetingMessageType).toBe('meetingRequest');
		const copy = emu.calendar.events(BOB).find((e) => e.subject === 'Design review')!;
		expect(copy.responseStatus).toMatchObject({ response: 'none' });
		expect(copy.isOrganizer).toBe(false);
		// the room booked itself and answered
		expect(emu.calendar.events(ROOM1).some((e) => e.subject === 'Design review')).toBe(true);
		let organizer = emu.calendar.events(DANA).find((e) => e.id === created.body.id)!;
		const status = (address: string) =>
			(organizer.attendees as any[]).find((a) => a.emailAddress.address === address).status
				.response;
		expect(status(ROOM1)).toBe('accepted');
		expect(emu.mail.messages(DANA).map((m) => m.subject)).toContain('Accepted: Design review');
		expect(emu.mail.store.outbound.some((o) => o.recipients.includes('partner@fabrikam.com'))).toBe(
			true,
		);

		// Bob accepts: the organizer's attendee status and an eventMessageResponse
		const accept = await graph(emu, 'POST', `/users/${BOB}/events/${copy.id}/accept`, token, {
			comment: 'See you there',
			sendResponse: true,
		});
		expect(accept.status).toBe(202);
		organizer = emu.calendar.events(DANA).find((e) => e.id === created.body.id)!;
		expect(status(BOB)).toBe('accepted');
		const responses = await graph(
			emu,
			'GET',
			`/users/${DANA}/messages?$filter=subject eq 'Accepted: Design review'`,
			mailToken(),
		);
		const fromBob = responses.body.value.find((m: any) => m.from.emailAddress.address === BOB);
		expect(fromBob['@odata.type']).toBe('#microsoft.graph.eventMessageResponse');
		expect(fromBob.meetingMessageType).toBe('meetingAccepted');

		// a second meeting at the same time: the room declines it
		const clash = emu.calendar.createEvent(CAROL, meeting('Clash', [[ROOM1, 'resource']]));
		const clashStatus = (
			emu.calendar.events(CAROL).find((e) => e.id === clash.id)!.attendees as any[]
		)[0].status.response;
		expect(clashStatus).toBe('declined');
		expect(emu.calendar.events(ROOM1).some((e) => e.subject === 'Clash')).toBe(false);
		expect(emu.mail.messages(CAROL).map((m) => m.subject)).toContain('Declined: Clash');

		// a room without auto-accept (the boardroom) gets the request and leaves it tentative
		emu.calendar.createEvent(CAROL, meeting('Board', [[BOARDROOM, 'resource']], 14));
		expect(emu.calendar.events(BOARDROOM).find((e) => e.subject === 'Board')!.showAs).toBe(
			'tentative',
		);
		expect(emu.mail.messages(BOARDROOM).map((m) => m.subject)).toContain('Board');

		// only the organizer cancels; attendees get meetingCancelled
		const refused = await graph(emu, 'POST', `/users/${BOB}/events/${copy.id}/cancel`, token, {
			comment: 'no',
		});
		expect(refused.status).toBe(400);
		const cancel = await graph(
			emu,
			'POST',
			`/users/${DANA}/events/${created.body.id}/cancel`,
			token,
			{
				comment: 'Moved to next week',
			},
		);
		expect(cancel.status).toBe(202);
		const cancelled = emu.mail.messages(BOB).find((m) => m.subject === 'Canceled: Design review')!;
		expect(cancelled.eventMessage?.meetingMessageType).toBe('meetingCancelled');
		expect(emu.calendar.events(BOB).find((e) => e.id === copy.id)!.isCancelled).toBe(true);
		expect(emu.calendar.events(ROOM1).some((e) => e.subject === 'Design review')).toBe(false);
		expect(emu.calendar.events(DANA).some((e) => e.id === created.body.id)).toBe(false);
	});

	test('proposedNewTime needs sendResponse true and an organizer who allows proposals', async () => {
		const emu = emulator();
		const token = app();
		const proposal = {
			start: { dateTime: '2027-10-05T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2027-10-05T10:00:00', timeZone: 'UTC' },
		};
		emu.calendar.createEvent(DANA, { ...meeting('Proposals', [[CAROL, 'required']], 11) });
		const copy = emu.calendar.events(CAROL).find((e) => e.subject === 'Proposals')!;
		const silent = await graph(
			emu,
			'POST',
			`/users/${CAROL}/events/${copy.id}/tentativelyAccept`,
			token,
			{
				sendResponse: false,
				proposedNewTime: proposal,
			},
		);
		expect(silent.status).toBe(400);
		const ok = await graph(
			emu,
			'POST',
			`/users/${CAROL}/events/${copy.id}/tentativelyAccept`,
			token,
			{
				comment: 'Tuesday?',
				sendResponse: true,
				proposedNewTime: proposal,
			},
		);
		expect(ok.status).toBe(202);
		const organizer = emu.calendar.events(DANA).find((e) => e.subject === 'Proposals')!;
		const carol = (organizer.attendees as any[]).find((a) => a.emailAddress.address === CAROL);
		expect(carol.status.response).toBe('tentativelyAccepted');
		expect(carol.proposedNewTime.start.dateTime).toBe('2027-10-05T09:00:00');

		emu.calendar.createEvent(DANA, {
			...meeting('Fixed', [[CAROL, 'required']], 13),
			allowNewTimeProposals: false,
		});
		const fixed = emu.calendar.events(CAROL).find((e) => e.subject === 'Fixed')!;
		const refused = await graph(emu, 'POST', `/users/${CAROL}/events/${fixed.id}/decline`, token, {
			sendResponse: true,
			proposedNewTime: proposal,
		});
		expect(refused.status).toBe(400);
		const declined = await graph(emu, 'POST', `/users/${CAROL}/events/${fixed.id}/decline`, token, {
			sendResponse: true,
		});
		expect(declined.status).toBe(202);
		expect(emu.calendar.events(CAROL).some((e) => e.id === fixed.id)).toBe(false);
	});
});

describe('calendarView delta', () => {
	const ERIK = 'erik@contoso.onmicrosoft.com';
	const base = `/users/${ERIK}/calendarView/delta?startDateTime=2028-01-01T00:00:00Z&endDateTime=2028-02-01T00:00:00Z`;

	async function round(url: string, token: string) {
		const items: any[] = [];
		let next: string | undefined = url;
		let delta: string | undefined;
		let pages = 0;
		while (next) {
			const page = await graph(emulator(), 'GET', next, token, undefined, {
				Prefer: 'odata.maxpagesize=2',
			});
			expect(page.status).toBe(200);
			pages++;
			items.push(...page.body.value);
			next = page.body['@odata.nextLink'];
			delta = page.body['@odata.deltaLink'];
		}
		return { items, delta: delta!, pages };
	}

	test('rounds report created, updated and deleted instances; expired tokens answer 410', async () => {
		const emu = emulator();
		const token = app();
		const single = emu.calendar.createEvent(ERIK, {
			subject: 'single',
			start: { dateTime: '2028-01-10T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-01-10T10:00:00', timeZone: 'UTC' },
		});
		const daily = emu.calendar.createEvent(ERIK, {
			subject: 'daily',
			start: { dateTime: '2028-01-11T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-01-11T09:15:00', timeZone: 'UTC' },
			recurrence: {
				pattern: { type: 'daily', interval: 1 },
				range: { type: 'numbered', startDate: '2028-01-11', numberOfOccurrences: 3 },
			},
		});
		const first = await round(base, token);
		expect(first.items).toHaveLength(4);
		expect(first.pages).toBe(2);
		expect(first.delta).toContain('$deltatoken=');

		const quiet = await round(first.delta, token);
		expect(quiet.items).toHaveLength(0);

		const occurrences = first.items.filter((e) => e.subject === 'daily');
		emu.calendar.updateEvent(ERIK, single.id as string, { subject: 'single (renamed)' });
		emu.calendar.deleteEvent(ERIK, occurrences[1].id);
		emu.calendar.createEvent(ERIK, {
			subject: 'new',
			start: { dateTime: '2028-01-20T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-01-20T10:00:00', timeZone: 'UTC' },
		});
		const second = await round(quiet.delta, token);
		expect(second.items.map((e) => e.subject ?? e['@removed']?.reason).sort()).toEqual(
			['deleted', 'new', 'single (renamed)'].sort(),
		);
		expect(second.items.find((e) => e['@removed']).id).toBe(occurrences[1].id);

		emu.calendar.deleteEvent(ERIK, daily.id as string);
		const third = await round(second.delta, token);
		expect(third.items.map((e) => e.id).sort()).toEqual(
			[occurrences[0].id, occurrences[2].id].sort(),
		);
		expect(third.items.every((e) => e['@removed'].reason === 'deleted')).toBe(true);

		emu.calendar.expireDeltaTokens(ERIK);
		const expired = await graph(emu, 'GET', third.delta, token);
		expect(expired.status).toBe(410);
		expect(expired.body.error.code).toBe('syncStateNotFound');
	});
});

describe('limits and the test API over HTTP', () => {
	test("calendar routes share Outlook's 4 concurrent requests per app and mailbox", async () => {
		const emu = emulator();
		const token = app();
		emu.mail.processingMs = 500; // long enough for every TLS handshake to land while the first four wait
		const before = emu.mail.throttled;
		try {
			// One socket per request (fetch's pool would queue them behind a few connections).
			const calls = await Promise.all(
				Array.from({ length: 8 }, () =>
					rawGet(`${emu.graphUrl}/users/${CAROL}/events?$top=1`, token),
				),
			);
			const throttled = calls.filter((c) => c.status === 429);
			expect(throttled.length).toBeGreaterThan(0);
			expect(throttled[0].body.error.code).toBe('ApplicationThrottled');
			expect(calls.filter((c) => c.status === 200).length).toBeGreaterThan(0);
			expect(emu.mail.maxConcurrency(CAROL)).toBe(4);
			expect(emu.mail.throttled - before).toBe(throttled.length);
		} finally {
			emu.mail.processingMs = 1;
		}
	});

	test('/_emulator/calendar/events: create (with meeting requests), update, cancel, delete', async () => {
		const emu = emulator();
		const admin = (method: string, path: string, body?: unknown) =>
			graph(emu, method, `${emu.url}/_emulator/calendar/events${path}`, undefined, body);
		const created = await admin('POST', `?user=${ALICE}`, {
			subject: 'From another process',
			start: { dateTime: '2028-03-01T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-03-01T10:00:00', timeZone: 'UTC' },
			attendees: [{ type: 'required', emailAddress: { address: BOB } }],
		});
		expect(created.status).toBe(200);
		expect(created.body.organizer.emailAddress.address).toBe(ALICE);
		expect(emu.mail.messages(BOB).some((m) => m.subject === 'From another process')).toBe(true);
		const id = encodeURIComponent(created.body.id);
		const patched = await admin('PATCH', `/${id}?user=${ALICE}`, { subject: 'Renamed' });
		expect(patched.body.subject).toBe('Renamed');
		expect(emu.calendar.events(BOB).some((e) => e.subject === 'Renamed')).toBe(true);
		expect((await admin('POST', `/${id}/cancel?user=${ALICE}`, { comment: 'off' })).status).toBe(
			204,
		);
		expect(emu.mail.messages(BOB).some((m) => m.subject === 'Canceled: Renamed')).toBe(true);
		expect((await admin('DELETE', `/${id}?user=${ALICE}`)).status).toBe(404);
		const again = await admin('POST', `?user=${ALICE}`, {
			subject: 'Short-lived',
			start: { dateTime: '2028-03-02T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-03-02T10:00:00', timeZone: 'UTC' },
		});
		expect(
			(await admin('DELETE', `/${encodeURIComponent(again.body.id)}?user=${ALICE}`)).status,
		).toBe(204);
		expect(emu.calendar.events(ALICE).some((e) => e.id === again.body.id)).toBe(false);
	});

	test('seedEvents stores many events fast and sends no meeting requests', () => {
		const emu = emulator();
		const inbox = emu.mail.messages(BOB).length;
		const started = Date.now();
		const count = emu.calendar.seedEvents(
			ALICE,
			Array.from({ length: 2000 }, (_, i) => ({
				subject: `Seeded ${i}`,
				start: { dateTime: `2029-01-01T${String(i % 24).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
				end: { dateTime: `2029-01-01T${String(i % 24).padStart(2, '0')}:30:00`, timeZone: 'UTC' },
				attendees: [{ type: 'required', emailAddress: { address: BOB } }],
			})),
		);
		expect(count).toBe(2000);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(emu.mail.messages(BOB)).toHaveLength(inbox);
	});
});

describe('calendars, delegated access, forward, all-day series', () => {
	const GINA_FREE = 'servicedesk@contoso.onmicrosoft.com';

	test('create a calendar (a duplicate name is refused), its events and view; the default calendar stays', async () => {
		const emu = emulator();
		const token = app();
		const created = await graph(emu, 'POST', `/users/${GINA_FREE}/calendars`, token, {
			name: 'Rota',
		});
		expect(created.status).toBe(201);
		expect(created.body.isDefaultCalendar).toBe(false);
		const dup = await graph(emu, 'POST', `/users/${GINA_FREE}/calendars`, token, { name: 'rota' });
		expect(dup.status).toBe(409);
		const id = created.body.id;
		const event = await graph(emu, 'POST', `/users/${GINA_FREE}/calendars/${id}/events`, token, {
			subject: 'On call',
			start: { dateTime: '2028-05-01T08:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-05-01T16:00:00', timeZone: 'UTC' },
		});
		expect(event.status).toBe(201);
		const inRota = await graph(emu, 'GET', `/users/${GINA_FREE}/calendars/${id}/events`, token);
		expect(inRota.body.value.map((e: any) => e.subject)).toEqual(['On call']);
		const defaultView = await graph(
			emu,
			'GET',
			`/users/${GINA_FREE}/calendar/calendarView?startDateTime=2028-05-01T00:00:00Z&endDateTime=2028-05-02T00:00:00Z`,
			token,
		);
		expect(defaultView.body.value).toHaveLength(0);
		const rotaView = await graph(
			emu,
			'GET',
			`/users/${GINA_FREE}/calendars/${id}/calendarView?startDateTime=2028-05-01T00:00:00Z&endDateTime=2028-05-02T00:00:00Z`,
			token,
		);
		expect(rotaView.body.value).toHaveLength(1);
		const list = await graph(
			emu,
			'GET',
			`/users/${GINA_FREE}/calendars?$filter=name eq 'Rota'`,
			token,
		);
		expect(list.body.value).toHaveLength(1);
		const def = await graph(emu, 'GET', `/users/${GINA_FREE}/calendar`, token);
		expect(def.body.isDefaultCalendar).toBe(true);
		expect(
			(await graph(emu, 'DELETE', `/users/${GINA_FREE}/calendars/${def.body.id}`, token)).status,
		).toBe(400);
		expect((await graph(emu, 'DELETE', `/users/${GINA_FREE}/calendars/${id}`, token)).status).toBe(
			204,
		);
		expect(emu.calendar.calendars(GINA_FREE)).toHaveLength(1);
	});

	test('delegated: /me works with Calendars.Read; another user needs a .Shared scope', async () => {
		const emu = emulator();
		emu.calendar.seedEvents(BOB, [
			{
				subject: 'Bob only',
				start: { dateTime: '2028-06-01T09:00:00', timeZone: 'UTC' },
				end: { dateTime: '2028-06-01T10:00:00', timeZone: 'UTC' },
			},
		]);
		const bob = mintToken(emu, { user: BOB, scopes: ['Calendars.Read'] });
		const mine = await graph(
			emu,
			'GET',
			'/me/calendarView?startDateTime=2028-06-01T00:00:00Z&endDateTime=2028-06-02T00:00:00Z',
			bob,
		);
		expect(mine.body.value.map((e: any) => e.subject)).toEqual(['Bob only']);
		const alice = mintToken(emu, { user: ALICE, scopes: ['Calendars.Read'] });
		const other = await graph(emu, 'GET', `/users/${BOB}/events`, alice);
		expect(other.status).toBe(403);
		const shared = mintToken(emu, {
			user: ALICE,
			scopes: ['Calendars.Read', 'Calendars.Read.Shared'],
		});
		expect((await graph(emu, 'GET', `/users/${BOB}/events`, shared)).status).toBe(200);
		const appMe = await graph(emu, 'GET', '/me/events', app());
		expect(appMe.status).toBe(400);
	});

	test('forward sends a meeting request and a copy; $orderby on events', async () => {
		const emu = emulator();
		const token = app();
		const original = emu.calendar.createEvent(GINA_FREE, {
			subject: 'Forwarded',
			start: { dateTime: '2028-07-03T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-07-03T10:00:00', timeZone: 'UTC' },
		});
		const fwd = await graph(
			emu,
			'POST',
			`/users/${GINA_FREE}/events/${original.id}/forward`,
			token,
			{
				toRecipients: [{ emailAddress: { address: CAROL } }],
				comment: 'FYI',
			},
		);
		expect(fwd.status).toBe(202);
		const request = emu.mail.messages(CAROL).find((m) => m.subject === 'Forwarded')!;
		expect(request.eventMessage?.meetingMessageType).toBe('meetingRequest');
		expect(emu.calendar.events(CAROL).some((e) => e.subject === 'Forwarded')).toBe(true);
		emu.calendar.createEvent(GINA_FREE, {
			subject: 'Earlier',
			start: { dateTime: '2028-07-01T09:00:00', timeZone: 'UTC' },
			end: { dateTime: '2028-07-01T10:00:00', timeZone: 'UTC' },
		});
		const ordered = await graph(
			emu,
			'GET',
			`/users/${GINA_FREE}/events?$orderby=start/dateTime desc&$select=subject`,
			token,
		);
		const subjects = ordered.body.value.map((e: any) => e.subject);
		expect(subjects.indexOf('Forwarded')).toBeLessThan(subjects.indexOf('Earlier'));
	});

	test('an all-day weekly series stays on local midnight across DST', () => {
		const emu = emulator();
		emu.calendar.createEvent(GINA_FREE, {
			subject: 'Home office',
			isAllDay: true,
			start: { dateTime: '2028-03-20T00:00:00', timeZone: 'W. Europe Standard Time' },
			end: { dateTime: '2028-03-21T00:00:00', timeZone: 'W. Europe Standard Time' },
			recurrence: {
				pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] },
				range: { type: 'numbered', startDate: '2028-03-20', numberOfOccurrences: 3 },
			},
		});
		const starts = emu.calendar
			.view(GINA_FREE, '2028-03-01T00:00:00Z', '2028-05-01T00:00:00Z')
			.filter((e) => e.subject === 'Home office')
			.map((e) => [(e.start as any).dateTime.slice(0, 16), e.isAllDay]);
		// Europe moves to summer time on 2028-03-26: midnight is 23:00Z, then 22:00Z
		expect(starts).toEqual([
			['2028-03-19T23:00', true],
			['2028-03-26T22:00', true],
			['2028-04-02T22:00', true],
		]);
	});
});
