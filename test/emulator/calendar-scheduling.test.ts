/**
 * Free/busy and places in the emulator, from Microsoft's pages: getSchedule's availabilityView
 * (calendar-getschedule, scheduleinformation), findMeetingTimes' suggestions, confidence and
 * emptySuggestionsReason (user-findmeetingtimes, meetingtimesuggestionsresult), and the places
 * API for rooms and room lists (place-list, place-get).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const ROOM3 = 'room-3@contoso.onmicrosoft.com';
const DAY = '2029-07-02'; // a Monday

const at = (hour: number, minute = 0) =>
	`${DAY}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
const utc = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });

beforeAll(() => {
	const emu = emulator();
	emu.calendar.seedEvents(BOB, [
		{ subject: 'Busy', start: utc(at(10)), end: utc(at(11)) },
		{ subject: 'Maybe', showAs: 'tentative', start: utc(at(11, 30)), end: utc(at(12)) },
		{ subject: 'Away', showAs: 'oof', start: utc(at(14)), end: utc(at(15)) },
		{ subject: 'Elsewhere', showAs: 'workingElsewhere', start: utc(at(15)), end: utc(at(16)) },
	]);
	emu.calendar.seedEvents(ROOM3, [{ subject: 'Booked', start: utc(at(8)), end: utc(at(10)) }]);
});

describe('getSchedule', () => {
	const token = () => mintToken(emulator(), { roles: ['Calendars.Read'] });

	test('availabilityView per slot: 0 free or working elsewhere, 1 tentative, 2 busy, 3 away', async () => {
		const res = await graph(emulator(), 'POST', `/users/${ALICE}/calendar/getSchedule`, token(), {
			schedules: [BOB, 'nobody@contoso.onmicrosoft.com'],
			startTime: utc(at(9)),
			endTime: utc(at(17)),
			availabilityViewInterval: 60,
		});
		expect(res.status).toBe(200);
		const [bob, nobody] = res.body.value;
		expect(bob.scheduleId).toBe(BOB);
		expect(bob.availabilityView).toBe('02100300');
		expect(bob.scheduleItems.map((i: any) => i.status)).toEqual([
			'busy',
			'tentative',
			'oof',
			'workingElsewhere',
		]);
		expect(bob.workingHours.startTime).toBe('08:00:00.0000000');
		expect(nobody.error.responseCode).toBeTruthy();

		const fine = await graph(emulator(), 'POST', `/users/${ALICE}/calendar/getSchedule`, token(), {
			schedules: [BOB],
			startTime: utc(at(9)),
			endTime: utc(at(13)),
		});
		expect(fine.body.value[0].availabilityView).toBe('00220100');
	});

	test('times in the Prefer zone; refused: interval out of 5-1440, over 100 schedules, no permission', async () => {
		const zoned = await graph(
			emulator(),
			'POST',
			`/users/${ALICE}/calendar/getSchedule`,
			token(),
			{ schedules: [BOB], startTime: utc(at(9)), endTime: utc(at(12)) },
			{ Prefer: 'outlook.timezone="W. Europe Standard Time"' },
		);
		expect(zoned.body.value[0].scheduleItems[0].start).toEqual({
			dateTime: `${DAY}T12:00:00.0000000`,
			timeZone: 'W. Europe Standard Time',
		});
		expect(zoned.headers.get('preference-applied')).toBe(
			'outlook.timezone="W. Europe Standard Time"',
		);
		const body = { schedules: [BOB], startTime: utc(at(9)), endTime: utc(at(12)) };
		for (const interval of [4, 1441]) {
			const res = await graph(emulator(), 'POST', `/users/${ALICE}/calendar/getSchedule`, token(), {
				...body,
				availabilityViewInterval: interval,
			});
			expect(res.status).toBe(400);
		}
		const many = await graph(emulator(), 'POST', `/users/${ALICE}/calendar/getSchedule`, token(), {
			...body,
			schedules: Array.from({ length: 101 }, (_, i) => `u${i}@contoso.onmicrosoft.com`),
		});
		expect(many.status).toBe(400);
		const none = await graph(
			emulator(),
			'POST',
			`/users/${ALICE}/calendar/getSchedule`,
			mintToken(emulator(), { roles: ['Mail.Read'] }),
			body,
		);
		expect(none.status).toBe(403);
	});
});

describe('findMeetingTimes', () => {
	const delegated = () =>
		mintToken(emulator(), { user: ALICE, scopes: ['Calendars.Read.Shared', 'User.Read'] });
	const find = (body: object, token = delegated()) =>
		graph(emulator(), 'POST', '/me/findMeetingTimes', token, body);
	const window = (from: number, to: number) => ({
		activityDomain: 'work',
		timeSlots: [{ start: utc(at(from)), end: utc(at(to)) }],
	});

	test('suggestions by confidence, then time; busy slots are left out', async () => {
		const res = await find({
			attendees: [{ type: 'required', emailAddress: { address: BOB } }],
			timeConstraint: window(8, 13),
			meetingDuration: 'PT1H',
			returnSuggestionReasons: true,
		});
		expect(res.status).toBe(200);
		expect(res.body.emptySuggestionsReason).toBe('');
		const got = res.body.meetingTimeSuggestions.map((s: any) => [
			s.meetingTimeSlot.start.dateTime.slice(11, 16),
			s.confidence,
			s.order,
		]);
		expect(got).toEqual([
			['08:00', 100, 1],
			['08:30', 100, 2],
			['09:00', 100, 3],
			['12:00', 100, 4],
			['11:00', 50, 5],
			['11:30', 50, 6],
		]);
		expect(res.body.meetingTimeSuggestions[0].attendeeAvailability[0]).toEqual({
			attendee: { type: 'required', emailAddress: { address: BOB } },
			availability: 'free',
		});
		expect(res.body.meetingTimeSuggestions[0].suggestionReason).toMatch(/all attendees/);
	});

	test('emptySuggestionsReason: attendeesUnavailable, attendeesUnavailableOrUnknown, organizerUnavailable, locationsUnavailable', async () => {
		const bob = [{ type: 'required', emailAddress: { address: BOB } }];
		const busy = await find({
			attendees: bob,
			timeConstraint: window(10, 11),
			meetingDuration: 'PT1H',
		});
		expect(busy.body).toMatchObject({
			meetingTimeSuggestions: [],
			emptySuggestionsReason: 'attendeesUnavailable',
		});
		const unknown = await find({
			attendees: [{ type: 'required', emailAddress: { address: 'guest@fabrikam.com' } }],
			timeConstraint: window(8, 9),
			meetingDuration: 'PT1H',
		});
		expect(unknown.body.emptySuggestionsReason).toBe('attendeesUnavailableOrUnknown');
		emulator().calendar.seedEvents(ALICE, [
			{ subject: 'Focus', start: utc(at(16)), end: utc(at(17)) },
		]);
		const organizer = await find({
			attendees: bob,
			timeConstraint: window(16, 17),
			meetingDuration: 'PT1H',
		});
		expect(organizer.body.emptySuggestionsReason).toBe('organizerUnavailable');
		const room = await find({
			attendees: bob,
			timeConstraint: window(8, 9),
			meetingDuration: 'PT1H',
			locationConstraint: {
				isRequired: true,
				locations: [
					{ displayName: 'Room 3', locationEmailAddress: ROOM3, resolveAvailability: true },
				],
			},
		});
		expect(room.body.emptySuggestionsReason).toBe('locationsUnavailable');
	});

	test('work hours only by default; an application token is refused (delegated only)', async () => {
		const evening = await find({ timeConstraint: window(18, 20), meetingDuration: 'PT30M' });
		expect(evening.body.meetingTimeSuggestions).toHaveLength(0);
		const anyTime = await find({
			timeConstraint: { ...window(18, 20), activityDomain: 'unrestricted' },
			meetingDuration: 'PT30M',
			maxCandidates: 2,
		});
		expect(anyTime.body.meetingTimeSuggestions).toHaveLength(2);
		const app = await graph(
			emulator(),
			'POST',
			`/users/${ALICE}/findMeetingTimes`,
			mintToken(emulator(), { roles: ['Calendars.ReadWrite'] }),
			{ meetingDuration: 'PT30M' },
		);
		expect(app.status).toBe(403);
	});
});

describe('places', () => {
	const token = () => mintToken(emulator(), { roles: ['Place.Read.All'] });

	test('rooms, room lists, rooms of a list (by its email address), one place, paging', async () => {
		const emu = emulator();
		const rooms = await graph(emu, 'GET', '/places/microsoft.graph.room', token());
		expect(rooms.status).toBe(200);
		expect(rooms.body.value.map((r: any) => r.emailAddress).sort()).toEqual(
			[
				'room-5@contoso.onmicrosoft.com',
				'room-1@contoso.onmicrosoft.com',
				'room-2@contoso.onmicrosoft.com',
				'room-3@contoso.onmicrosoft.com',
				'room-4@contoso.onmicrosoft.com',
			].sort(),
		);
		const lists = await graph(emu, 'GET', '/places/microsoft.graph.roomlist', token());
		expect(lists.body.value.map((l: any) => l.emailAddress)).toEqual([
			'rooms-zurich@contoso.onmicrosoft.com',
			'rooms-basel@contoso.onmicrosoft.com',
		]);
		const zurich = await graph(
			emu,
			'GET',
			'/places/rooms-zurich@contoso.onmicrosoft.com/microsoft.graph.roomlist/rooms',
			token(),
		);
		expect(zurich.body.value).toHaveLength(3);
		expect(zurich.body.value[0]).toMatchObject({
			capacity: 8,
			building: 'Zurich HQ',
			floorNumber: 1,
		});
		const byId = await graph(
			emu,
			'GET',
			`/places/${lists.body.value[1].id}/microsoft.graph.roomlist/rooms`,
			token(),
		);
		expect(byId.status).toBe(404);
		const one = await graph(emu, 'GET', `/places/${ROOM3}`, token());
		expect(one.body).toMatchObject({ '@odata.type': '#microsoft.graph.room', capacity: 12 });
		const paged = await graph(emu, 'GET', '/places/microsoft.graph.room?$top=2', token());
		expect(paged.body.value).toHaveLength(2);
		expect(paged.body['@odata.nextLink']).toContain('$skip=2');
		const big = await graph(
			emu,
			'GET',
			'/places/microsoft.graph.room?$filter=capacity ge 10',
			token(),
		);
		expect(big.body.value.map((r: any) => r.capacity).sort()).toEqual([12, 20]);
	});

	test('needs Place.Read.All', async () => {
		const res = await graph(
			emulator(),
			'GET',
			'/places/microsoft.graph.room',
			mintToken(emulator(), { roles: ['Calendars.Read'] }),
		);
		expect(res.status).toBe(403);
	});
});
