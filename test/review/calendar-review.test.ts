/**
 * Review of the Calendar node and trigger (adversarial): hostile IDs, privacy of outputs, faults
 * at each request position. Each test states the standard it holds the node to.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOB,
	BOARDROOM,
	calendarFixture,
	errorText,
	graphRequests,
	json,
	locator,
	runCalendar,
	type Auth,
} from '../calendar/helpers';
import { appAuth, graphRequests as triggerRequests, poll } from '../triggers/calendar-helpers';

const emulator = useEmulator({ fixture: calendarFixture(), accessTokenLifetime: 3600 });

let app: Auth;
beforeAll(() => {
	app = { kind: 'app', data: appCredential(emulator()) };
});
afterEach(() => emulator().faults.clear());
const owner = (mailbox: string) => ({ mailbox: locator(mailbox, 'address') });

describe('an ID of "." or ".." is refused before any request (no request to another resource)', () => {
	test.each([
		['event delete', { resource: 'event', operation: 'delete', eventId: '..' }, 'Event ID'],
		['event delete (.)', { resource: 'event', operation: 'delete', eventId: '.' }, 'Event ID'],
		[
			'event update',
			{ resource: 'event', operation: 'update', eventId: '..', updateFields: { subject: 'x' } },
			'Event ID',
		],
		['event get', { resource: 'event', operation: 'get', eventId: '..' }, 'Event ID'],
		[
			'calendar delete by ID',
			{ resource: 'calendar', operation: 'delete', calendar: locator('..', 'id') },
			'Calendar',
		],
		[
			'owner mailbox ".."',
			{
				resource: 'event',
				operation: 'get',
				eventId: 'AAMk1',
				mailbox: locator('={{ ".." }}', 'address'),
			},
			'Mailbox',
		],
	])('%s', async (_name, params, field) => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(app, { ...owner(BOB), ...params });
		const sent = graphRequests(emu, mark).map((e) => `${e.method} ${e.url}`);
		expect(sent).toEqual([]);
		expect(errorText(result)).toContain(`${field}:`);
	});
});

function seed(user: string, count: number, day: string, subject = user.split('@')[0]) {
	emulator().calendar.seedEvents(
		user,
		Array.from({ length: count }, (_, i) => ({
			subject: `${subject} ${i}`,
			start: { dateTime: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
			end: { dateTime: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:20:00`, timeZone: 'UTC' },
		})),
	);
}

const view = (day: string) => ({
	resource: 'event',
	operation: 'getMany',
	view: 'calendarView',
	start: `${day}T00:00:00Z`,
	end: `${day}T23:59:00Z`,
	returnAll: true,
	options: { outputTimeZone: 'UTC' },
});

describe('get many under faults', () => {
	test('one item, Return All: a middle page that fails (503, then reset) is read again; no event lost or repeated', async () => {
		const emu = emulator();
		const day = '2027-05-03';
		seed(ALICE, 2500, day, 'probe');
		emu.addFault({
			method: 'GET',
			path: '^/v1.0/users/alice[^/]*/calendarView',
			kind: 'status',
			status: 503,
			skip: 1,
			count: 1,
		});
		emu.addFault({
			method: 'GET',
			path: '^/v1.0/users/alice[^/]*/calendarView',
			kind: 'reset-after',
			skip: 2,
			count: 1,
		});
		const mark = emu.mark();
		const result = await runCalendar(app, { ...owner(ALICE), ...view(day) });
		expect(result.error).toBeUndefined();
		const ids = json(result).map((e) => e.id);
		expect(ids).toHaveLength(2500);
		expect(new Set(ids).size).toBe(2500);
		expect(graphRequests(emu, mark)).toHaveLength(5);
	});

	test("three items via $batch, Continue On Fail: a member that fails (500) is that item's error; a middle page that fails (503) is read again", async () => {
		const emu = emulator();
		const day = '2027-05-04';
		seed(ALICE, 1500, day);
		seed(BOB, 3, day);
		seed('carol@contoso.onmicrosoft.com', 2, day);
		// Alice's second page: 503 once (retried); Bob's listing: 500 (his item fails).
		emu.addFault({
			method: 'GET',
			path: '^/v1.0/users/alice[^/]*/calendarView',
			kind: 'status',
			status: 503,
			retryAfter: 0,
			skip: 1,
			count: 1,
		});
		emu.addFault({
			method: 'GET',
			path: '^/v1.0/users/bob[^/]*/calendarView',
			kind: 'status',
			status: 500,
			code: 'generalException',
			count: 1,
		});
		const input = [ALICE, BOB, 'carol@contoso.onmicrosoft.com'].map((user) => ({ json: { user } }));
		const result = await runCalendar(
			app,
			{ ...view(day), mailbox: locator('={{ $json.user }}', 'address') },
			input,
			{ continueOnFail: true },
		);
		expect(result.error).toBeUndefined();
		const out = result.output[0];
		const of = (i: number) => out.filter((o) => (o.pairedItem as { item: number }).item === i);
		expect(new Set(of(0).map((o) => o.json.id)).size).toBe(1500);
		expect(of(0)).toHaveLength(1500);
		expect(of(1)).toHaveLength(1);
		expect(of(1)[0].json.error ?? of(1)[0].error).toBeTruthy();
		expect(of(2)).toHaveLength(2);
	});
});

describe('writes that send mail are sent once', () => {
	test.each([
		['cancel', { operation: 'cancel', comment: 'off' }, 'cancel'],
		['forward', { operation: 'forward', toRecipients: 'carol@contoso.onmicrosoft.com' }, 'forward'],
		[
			'respond (sent)',
			{ operation: 'respond', response: 'decline', sendResponse: true },
			'decline',
		],
	])(
		'%s: answer lost → one POST, an error saying it may have been carried out',
		async (_n, params, action) => {
			const emu = emulator();
			const event = emu.calendar.createEvent(BOB, {
				subject: `Once ${action}`,
				start: { dateTime: '2027-06-01T10:00:00', timeZone: 'UTC' },
				end: { dateTime: '2027-06-01T11:00:00', timeZone: 'UTC' },
				attendees: [{ emailAddress: { address: ALICE }, type: 'required' }],
			});
			emu.addFault({
				method: 'POST',
				path: `^/v1.0/users/bob[^/]*/events/[^/]+/${action}$`,
				kind: 'reset-after',
				count: 1,
			});
			const mark = emu.mark();
			const result = await runCalendar(app, {
				resource: 'event',
				...owner(BOB),
				eventId: String(event.id),
				...params,
			});
			const posts = graphRequests(emu, mark).filter((e) => e.method === 'POST');
			expect(posts).toHaveLength(1);
			expect(result.error).toBeDefined();
			expect(errorText(result)).not.toMatch(/Bearer|eyJ/);
		},
	);
});

describe('privacy', () => {
	test("Pseudonymise Addresses: a booked room's address appears nowhere (location names included)", async () => {
		const emu = emulator();
		const created = await runCalendar(app, {
			resource: 'event',
			operation: 'create',
			...owner(BOB),
			subject: 'Room pseudonyms',
			start: '2027-07-01T10:00:00Z',
			end: '2027-07-01T11:00:00Z',
			additionalFields: { rooms: BOARDROOM, requiredAttendees: ALICE },
		});
		expect(created.error).toBeUndefined();
		const id = String(json(created)[0].id);
		for (const operation of ['get', 'getMany']) {
			const result = await runCalendar(app, {
				resource: 'event',
				operation,
				...owner(BOB),
				eventId: id,
				...(operation === 'getMany' ? view('2027-07-01') : {}),
				pseudonymise: true,
				pseudonymKeySource: 'credential',
			});
			expect(result.error).toBeUndefined();
			const text = JSON.stringify(json(result)).toLowerCase();
			expect(text).not.toContain('room-5');
			expect(text).not.toContain('@contoso.onmicrosoft.com');
		}
		void emu;
	});
});

describe('trigger: bad input before any request', () => {
	test('an unknown Output Time Zone is refused naming the field, with no request', async () => {
		const emu = emulator();
		const auth = appAuth(emu, {
			id: appCredential(emu).clientId as string,
			secret: appCredential(emu).clientSecret as string,
		});
		const mark = emu.mark();
		const result = await poll(auth, {
			mailbox: locator(BOB, 'address'),
			events: ['created'],
			options: { outputTimeZone: 'Mars/Olympus' },
		});
		expect(String((result as { error?: Error }).error?.message)).toContain('Output Time Zone:');
		expect(triggerRequests(emu, mark)).toEqual([]);
	});
});

describe('trigger: Metadata Only', () => {
	test('a deleted occurrence is its ID and reason, not an event with 0 attendees and 0 locations', async () => {
		const emu = emulator();
		const auth = appAuth(emu, {
			id: appCredential(emu).clientId as string,
			secret: appCredential(emu).clientSecret as string,
		});
		const params = {
			mailbox: locator(ALICE, 'address'),
			events: ['created', 'updated', 'cancelled'],
			options: { metadataOnly: true },
		};
		const start = new Date(Date.now() + 5 * 3600_000);
		const dt = (d: Date) => ({ dateTime: d.toISOString().replace('Z', ''), timeZone: 'UTC' });
		const event = emu.calendar.createEvent(ALICE, {
			subject: 'to delete',
			start: dt(start),
			end: dt(new Date(start.getTime() + 3600_000)),
			attendees: [{ emailAddress: { address: BOB }, type: 'required' }],
		});
		const base = await poll(auth, params, undefined, { activation: 'activate' });
		expect(base.error).toBeUndefined();
		emu.calendar.deleteEvent(ALICE, String(event.id));
		const round = await poll(auth, params, base.staticData);
		expect(round.error).toBeUndefined();
		const [item] = round.output?.[0] ?? [];
		expect(item?.json).toEqual({
			changeType: 'deleted',
			id: event.id,
			removedReason: expect.any(String),
		});
	});
});

describe('expressions giving an object or a list for a text field: refused naming the field, no request', () => {
	const create = {
		resource: 'event',
		operation: 'create',
		subject: 'Typed',
		start: '2027-08-03T10:00:00Z',
		end: '2027-08-03T11:00:00Z',
	};
	test.each([
		['Subject', { ...create, subject: '={{ { title: "x" } }}' }],
		['Location', { ...create, additionalFields: { location: '={{ { name: "x" } }}' } }],
		['Body', { ...create, additionalFields: { body: '={{ { html: "x" } }}' } }],
		['Categories', { ...create, additionalFields: { categories: '={{ [{ a: 1 }] }}' } }],
		[
			'Subject',
			{
				resource: 'event',
				operation: 'update',
				eventId: 'AAMk1',
				updateFields: { subject: '={{ ["a"] }}' },
			},
		],
		['Name', { resource: 'calendar', operation: 'create', name: '={{ { name: "x" } }}' }],
		[
			'Message to Attendees',
			{ resource: 'event', operation: 'cancel', eventId: 'AAMk1', comment: '={{ { a: 1 } }}' },
		],
	])('%s', async (field, params) => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(app, { ...owner(BOB), ...params });
		expect(errorText(result)).toContain(`${field}: the expression gives`);
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});
});

describe('DST', () => {
	test('02:30 to 03:30 on the spring-forward day (Europe/Zurich): the error says how the times were read', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'create',
			...owner(BOB),
			subject: 'Gap',
			start: '2027-03-28T02:30:00',
			end: '2027-03-28T03:30:00',
			timeZone: 'europe/zurich',
		});
		// 02:30 does not exist that day: read as 03:30, which is End.
		expect(errorText(result)).toMatch(
			/End: .*2027-03-28T03:30:00\+02:00.*Start.*2027-03-28T03:30:00\+02:00/,
		);
		expect(errorText(result)).toMatch(/daylight saving/);
		expect(graphRequests(emu, mark)).toHaveLength(0);
	});
});

describe('a lost answer to a delete', () => {
	// The first request ran (reset-after: the handler ran, the answer was lost); the transport
	// sends the replaceable request again and Graph answers 404 ErrorItemNotFound: the transport
	// reports the DELETE as done (the earlier attempt deleted it), not as a wrong ID.
	test('delete: answer lost, the retry finds it gone: reported as deleted', async () => {
		const emu = emulator();
		const event = emu.calendar.createEvent(BOB, {
			subject: 'lost delete',
			start: { dateTime: '2027-06-01T10:00:00', timeZone: 'UTC' },
			end: { dateTime: '2027-06-01T11:00:00', timeZone: 'UTC' },
		});
		emu.addFault({
			method: 'DELETE',
			path: '^/v1.0/users/bob[^/]*/events/',
			kind: 'reset-after',
			count: 1,
		});
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'delete',
			...owner(BOB),
			eventId: String(event.id),
		});
		expect(graphRequests(emu, mark).map((e) => e.status)).toEqual([0, 404]);
		expect(result.error).toBeUndefined();
		expect(json(result)).toEqual([{ deleted: true, id: event.id }]);
	});

	test('a 503 (Graph did not act) then 404: still the wrong-ID failure, not "deleted"', async () => {
		const emu = emulator();
		emu.addFault({
			method: 'DELETE',
			path: '^/v1.0/users/bob[^/]*/events/',
			kind: 'status',
			status: 503,
			retryAfter: 0,
			count: 1,
		});
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'delete',
			...owner(BOB),
			eventId: 'AAMkNoSuchEvent',
		});
		expect(graphRequests(emu, mark).map((e) => e.status)).toEqual([503, 404]);
		expect(result.error).toBeDefined();
		expect(errorText(result)).toMatch(/404|not found|ErrorItemNotFound/i);
	});
});

describe('errors tell the truth', () => {
	test('a calendar name that matches none: the error does not claim that no request was made', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(app, {
			...owner(BOB),
			...view('2027-01-01'),
			calendar: locator("Nobody's calendar", 'name'),
		});
		expect(errorText(result)).toContain('Calendar: no calendar named');
		expect(graphRequests(emu, mark).map((e) => e.method)).toEqual(['GET']);
		expect(errorText(result)).not.toContain('no request was made');
	});
});

describe('a fault at each request position of create-by-calendar-name and find free rooms', () => {
	test('create in a calendar named with quotes, with a room: lookup 503 (read again), POST 504 (the transport sends it again with the same transactionId): one event', async () => {
		const emu = emulator();
		const name = `Bob's "Team"`;
		const made = await runCalendar(app, {
			resource: 'calendar',
			operation: 'create',
			...owner(BOB),
			name,
		});
		expect(made.error).toBeUndefined();
		emu.addFault({
			method: 'GET',
			path: '^/v1.0/users/bob[^/]*/calendars$',
			kind: 'status',
			status: 503,
			count: 1,
		});
		emu.addFault({
			method: 'POST',
			path: '^/v1.0/users/bob[^/]*/calendars/[^/]+/events$',
			kind: 'status',
			status: 504,
			count: 1,
		});
		const mark = emu.mark();
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'create',
			...owner(BOB),
			calendar: locator(name.toLowerCase(), 'name'),
			subject: 'Quoted calendar',
			start: '2027-08-01T10:00:00Z',
			end: '2027-08-01T11:00:00Z',
			additionalFields: { rooms: BOARDROOM },
		});
		expect(result.error).toBeUndefined();
		const sent = graphRequests(emu, mark);
		expect(sent.map((e) => `${e.method} ${e.status}`)).toEqual([
			'GET 503',
			'GET 200',
			'POST 504',
			'POST 201',
		]);
		expect(sent[1].url).toContain(`name%20eq%20%27bob%27%27s%20%22team%22%27`);
		expect(emu.calendar.events(BOB).filter((e) => e.subject === 'Quoted calendar')).toHaveLength(1);
	});

	test('find free rooms: the room listing reset (read again) and getSchedule 503 (read again); the same rooms as without faults', async () => {
		const emu = emulator();
		const params = {
			resource: 'room',
			operation: 'findFreeRooms',
			...owner(BOB),
			start: '2027-08-02T10:00:00Z',
			end: '2027-08-02T11:00:00Z',
		};
		const clean = await runCalendar(app, params);
		emu.addFault({ method: 'GET', path: '^/v1.0/places', kind: 'reset-after', count: 1 });
		emu.addFault({
			method: 'POST',
			path: '^/v1.0/users/bob[^/]*/calendar/getSchedule',
			kind: 'status',
			status: 503,
			count: 1,
		});
		const mark = emu.mark();
		const faulty = await runCalendar(app, params);
		expect(faulty.error).toBeUndefined();
		expect(graphRequests(emu, mark).map((e) => `${e.method} ${e.status}`)).toEqual([
			'GET 0',
			'GET 200',
			'POST 503',
			'POST 200',
		]);
		expect(json(faulty).map((r) => r.emailAddress)).toEqual(json(clean).map((r) => r.emailAddress));
		expect(json(clean).length).toBeGreaterThan(0);
	});
});

describe('odd types that have a clear meaning are read', () => {
	test('weekly On Days from an expression giving text ("Monday, wednesday"): those days, not its letters', async () => {
		const emu = emulator();
		const result = await runCalendar(app, {
			resource: 'event',
			operation: 'create',
			...owner(BOB),
			subject: 'Days as text',
			start: '2027-09-06T10:00:00Z',
			end: '2027-09-06T11:00:00Z',
			recurrence: 'weekly',
			recurrenceDays: '={{ "Monday, wednesday" }}',
			recurrenceEnd: 'numbered',
			recurrenceCount: 4,
		});
		expect(errorText(result).trim()).toBe('');
		const [event] = json(result);
		expect((event.recurrence as { pattern: { daysOfWeek: string[] } }).pattern.daysOfWeek).toEqual([
			'monday',
			'wednesday',
		]);
		expect(emu.calendar.events(BOB).some((e) => e.id === event.id)).toBe(true);
	});
});
