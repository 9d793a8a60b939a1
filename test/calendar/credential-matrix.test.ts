/**
 * Every operation of the Calendar node with each credential type: the delegated credential on the
 * signed-in user's own calendar ("Me"), and the app credential on a named mailbox. Each one that
 * Graph allows for the type runs and answers; the one it does not (Find Meeting Times is
 * delegated-only, https://learn.microsoft.com/en-us/graph/api/user-findmeetingtimes) is refused
 * with the app credential before any request.
 */
import type { INodeParameters } from 'n8n-workflow';
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

type Kind = 'delegated' | 'app';
/** Delegated: the signed-in user (Alice) is the owner; app-only: her mailbox, named. */
const ownerFor = (kind: Kind): INodeParameters =>
	kind === 'app' ? { mailbox: locator(ALICE, 'address') } : { calendarOwner: 'me' };

const at = (day: number, hour: number) => ({
	dateTime: `2027-09-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00`,
	timeZone: 'UTC',
});

/** An event of Alice's own, made in the emulator, for the operations that take an event. */
function ownEvent(subject: string, day: number): string {
	return String(
		emulator().calendar.createEvent(ALICE, {
			subject,
			start: at(day, 10),
			end: at(day, 11),
			attendees: [{ emailAddress: { address: BOB }, type: 'required' }],
		}).id,
	);
}

/** Bob's meeting with Alice invited: the id of Alice's copy (to respond to). */
function invitation(subject: string, day: number): string {
	emulator().calendar.createEvent(BOB, {
		subject,
		start: at(day, 14),
		end: at(day, 15),
		attendees: [{ emailAddress: { address: ALICE }, type: 'required' }],
	});
	const copy = emulator()
		.calendar.events(ALICE)
		.find((e) => e.subject === subject);
	return String(copy!.id);
}

/** Each operation: its parameters for one credential kind (events made fresh for each run). */
const OPERATIONS: Array<[string, string, (kind: Kind, n: number) => INodeParameters]> = [
	[
		'event',
		'getMany',
		(k, n) => {
			ownEvent(`view ${k}`, n);
			return {
				view: 'calendarView',
				start: '2027-09-01T00:00:00Z',
				end: '2027-10-01T00:00:00Z',
				returnAll: true,
			};
		},
	],
	[
		'event',
		'getMany',
		(k, n) => {
			ownEvent(`list ${k}`, n);
			return { view: 'events', returnAll: true };
		},
	],
	['event', 'get', (k, n) => ({ eventId: ownEvent(`get ${k}`, n) })],
	[
		'event',
		'create',
		(k, n) => ({
			subject: `create ${k}`,
			start: `2027-09-${String(n).padStart(2, '0')}T09:00:00Z`,
			end: `2027-09-${String(n).padStart(2, '0')}T09:30:00Z`,
			timeZone: 'UTC',
			additionalFields: { requiredAttendees: BOB, rooms: ROOM_1 },
		}),
	],
	[
		'event',
		'update',
		(k, n) => ({ eventId: ownEvent(`update ${k}`, n), updateFields: { subject: `updated ${k}` } }),
	],
	['event', 'cancel', (k, n) => ({ eventId: ownEvent(`cancel ${k}`, n), comment: 'Not needed' })],
	['event', 'delete', (k, n) => ({ eventId: ownEvent(`delete ${k}`, n) })],
	[
		'event',
		'respond',
		(k, n) => ({
			eventId: invitation(`respond ${k}`, n),
			response: 'accept',
			comment: 'Fine',
			sendResponse: true,
		}),
	],
	[
		'event',
		'forward',
		(k, n) => ({ eventId: ownEvent(`forward ${k}`, n), toRecipients: BOB, comment: 'FYI' }),
	],
	['calendar', 'getMany', () => ({ returnAll: true })],
	['calendar', 'get', () => ({ calendar: locator('Calendar', 'name') })],
	['calendar', 'create', (k) => ({ name: `Matrix ${k}` })],
	['calendar', 'delete', (k) => ({ calendar: locator(`Matrix ${k}`, 'name') })],
	[
		'schedule',
		'getFreeBusy',
		() => ({
			schedules: `${BOB}, ${ROOM_1}`,
			start: '2027-09-20T08:00:00Z',
			end: '2027-09-20T18:00:00Z',
			timeZone: 'UTC',
		}),
	],
	[
		'schedule',
		'findMeetingTimes',
		() => ({
			attendees: BOB,
			duration: 30,
			start: '2027-09-21T08:00:00Z',
			end: '2027-09-21T17:00:00Z',
			timeZone: 'UTC',
			activityDomain: 'unrestricted',
		}),
	],
	['room', 'getRoomLists', () => ({})],
	['room', 'getRooms', () => ({ roomList: locator(ZURICH_ROOMS, 'address') })],
	[
		'room',
		'findFreeRooms',
		() => ({
			roomList: locator(ZURICH_ROOMS, 'address'),
			start: '2027-09-22T10:00:00Z',
			end: '2027-09-22T11:00:00Z',
		}),
	],
];

const DELEGATED_ONLY = new Set(['schedule.findMeetingTimes']);

describe.each(['delegated', 'app'] as Kind[])('%s credential', (kind) => {
	test.each(OPERATIONS.map(([r, o, p], i) => [`${r} → ${o}`, r, o, p, i + 1] as const))(
		'%s',
		async (_name, resource, operation, parameters, n) => {
			const emu = emulator();
			const auth = kind === 'app' ? app : me;
			const params = { resource, operation, ...ownerFor(kind), ...parameters(kind, n) };
			const mark = emu.mark();
			const result = await runCalendar(auth, params);
			if (kind === 'app' && DELEGATED_ONLY.has(`${resource}.${operation}`)) {
				expect(errorText(result)).toMatch(/delegated/i);
				expect(graphRequests(emu, mark)).toHaveLength(0);
				return;
			}
			expect(errorText(result).trim()).toBe('');
			expect(graphRequests(emu, mark).length).toBeGreaterThan(0);
			// Every request went to the owner's data (or to places), never to another user's.
			for (const request of graphRequests(emu, mark)) {
				const url = decodeURIComponent(request.url);
				if (kind === 'app') expect(url).toMatch(/\/v1\.0\/(users\/alice@|places|\$batch)/);
				else expect(url).toMatch(/\/v1\.0\/(me\/|me$|places|\$batch)/);
				expect(request.status).toBeLessThan(300);
			}
			expect(json(result).length).toBeGreaterThan(0);
		},
	);
});
