/**
 * Calendars, app-only on both sides: n8n's Microsoft Outlook v2 "Event → Get Many" (Service
 * Principal credential) against our Microsoft 365 Calendar node (app credential), the same app
 * registration (Room Booking, granted Calendars.Read and Place.Read.All through the emulator's
 * admin consent route before the runs).
 *
 * - A year of one user's calendar: 2,000 occurrences of 50 weekly series. The built-in's
 *   defaults list the series masters (`/calendars/{id}/events`); a second row turns on its
 *   "Include Recurring Event Instances" (`/calendars/{id}/calendarView`, 100 per page).
 * - Free/busy of 100 rooms for one day: ours finds the free rooms of a room list (the list's rooms,
 *   then one getSchedule); the built-in reads each room's calendar view, one item per room.
 * - Calendar metadata of 1,000 users over 4 weeks: one input item per user; ours with Metadata
 *   Only and Pseudonymise Addresses (its `$batch` path), the built-in with instances on.
 */
import { demoApp } from '../../scripts/e2e/stack';
import { rl, type NodeSpec } from '../lib/workflow';
import { measuredNode, planWith, type BenchContext, type Scenario } from './types';

/** The app both sides use, and what the benchmark grants it. */
const APP = 'Room Booking';
const GRANTS = ['Calendars.Read', 'Place.Read.All'];
/** Graph's JSON batching takes at most 20 requests per `$batch`. */
const BATCH = 20;
/** Outlook's largest page of events (`$top`), https://learn.microsoft.com/graph/paging (assumed 1,000 as for messages). */
const MAX_EVENT_PAGE = 1000;
/** getSchedule takes up to 100 schedules per request (our node's MAX_SCHEDULES). */
const MAX_SCHEDULES = 100;

const YEAR = { start: '2026-01-01T00:00:00Z', end: '2027-01-01T00:00:00Z' };
const DAY = { start: '2026-03-10T00:00:00Z', end: '2026-03-11T00:00:00Z' };
const FOUR_WEEKS = { start: '2026-03-02T00:00:00Z', end: '2026-03-30T00:00:00Z' };
/** Not a secret: the benchmark's pseudonym key (the key field, so no key credential is needed). */
const PSEUDONYM_KEY = 'bench-pseudonym-key-not-a-secret';

const SERIES = 50;
const OCCURRENCES = 40;
const roomCount = (ctx: BenchContext) => (ctx.quick ? 20 : 100);
const userCount = (ctx: BenchContext) => (ctx.quick ? 100 : 1000);
/** Occurrences per user in the 4 weeks: two single meetings and a weekly series (4). */
const PER_USER = 6;

/** Mailboxes the scenarios seeded (UPNs), filled by `prepare`. */
const seeded = { year: '', rooms: [] as string[], roomList: '', users: [] as string[] };

async function grant(ctx: BenchContext): Promise<void> {
	await ctx.bench.admin('POST', `apps/${demoApp(APP).appId}/consent`, { application: GRANTS });
}

async function mailboxes(
	ctx: BenchContext,
	body: {
		count: number;
		prefix: string;
		kind?: 'user' | 'room';
		roomList?: { displayName: string; emailAddress: string };
	},
): Promise<string[]> {
	return (await ctx.bench.admin<{ mailboxes: string[] }>('POST', 'calendar/mailboxes/seed', body))
		.mailboxes;
}

async function seedEvents(
	ctx: BenchContext,
	seeds: Array<{ user: string; events: Array<Record<string, unknown>> }>,
): Promise<number> {
	let total = 0;
	// Bounded bodies: 100 mailboxes per call.
	for (let i = 0; i < seeds.length; i += 100)
		total += (
			await ctx.bench.admin<{ events: number }>('POST', 'calendar/seed', {
				seeds: seeds.slice(i, i + 100),
			})
		).events;
	return total;
}

const utc = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });
const pad = (n: number) => String(n).padStart(2, '0');
const attendee = (address: string) => ({
	type: 'required',
	emailAddress: { address, name: address.split('@')[0] },
});

/** A Code node returning one item per mailbox: `{ mailbox }`. */
function mailboxItems(upns: string[]): NodeSpec {
	return {
		name: 'Mailboxes',
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		parameters: {
			language: 'javaScript',
			mode: 'runOnceForAllItems',
			jsCode: `return ${JSON.stringify(upns)}.map((mailbox) => ({ json: { mailbox } }));`,
		},
	};
}

/** n8n's Outlook v2 Event → Get Many (Return All), app-only, per item's mailbox. */
function builtinGetMany(
	ctx: BenchContext,
	mailbox: string,
	window?: { start: string; end: string },
) {
	return measuredNode(ctx, 'Events', {
		type: 'n8n-nodes-base.microsoftOutlook',
		typeVersion: 2,
		credential: 'builtin-calendar',
		parameters: {
			authentication: 'microsoftEntraServicePrincipalApi',
			mailbox: rl(mailbox),
			resource: 'event',
			operation: 'getAll',
			returnAll: true,
			...(window
				? {
						includeRecurringInstances: true,
						startDateTime: window.start,
						endDateTime: window.end,
					}
				: {}),
		},
	});
}

/** Our Event → Get Many as a calendar view (Return All), app-only. */
function oursGetMany(
	ctx: BenchContext,
	mailbox: string,
	window: { start: string; end: string },
	privacy: boolean,
) {
	return measuredNode(ctx, 'Events', {
		type: 'microsoft365Calendar',
		typeVersion: 1,
		credential: 'ours-calendar',
		parameters: {
			authentication: 'app',
			resource: 'event',
			operation: 'getMany',
			mailbox: rl(mailbox, 'address'),
			view: 'calendarView',
			start: window.start,
			end: window.end,
			returnAll: true,
			options: { outputTimeZone: 'UTC', ...(privacy ? { metadataOnly: true } : {}) },
			...(privacy
				? { pseudonymise: true, pseudonymKeySource: 'field', pseudonymKey: PSEUDONYM_KEY }
				: {}),
		},
	});
}

function pageLimit(ctx: BenchContext, occurrences: number) {
	const pages = Math.ceil(occurrences / MAX_EVENT_PAGE);
	return {
		ms: pages * ctx.latency.requestMs,
		formula: `${pages} page${pages > 1 ? 's' : ''} of <= ${MAX_EVENT_PAGE.toLocaleString('en-US')} x ${ctx.latency.requestMs} ms`,
	};
}

export const calendarYear: Scenario = {
	id: 'calendar-year',
	title: 'Calendar view of one user over a year (2,000 occurrences of 50 weekly series)',
	items: () => 1,
	outputItems: () => SERIES * OCCURRENCES,
	timeoutMs: 10 * 60_000,
	async prepare(ctx) {
		await grant(ctx);
		[seeded.year] = await mailboxes(ctx, { count: 1, prefix: 'cal-year' });
		// 50 weekly series: Monday to Friday, 10 slots a day (08:00 to 17:00 UTC), 40 weeks from
		// the first week of January (the last occurrence in October).
		const events = Array.from({ length: SERIES }, (_, i) => {
			const day = i % 5;
			const hour = 8 + Math.floor(i / 5);
			const date = `2026-01-${pad(5 + day)}`;
			return {
				subject: `Weekly ${i + 1}`,
				start: utc(`${date}T${pad(hour)}:00:00`),
				end: utc(`${date}T${pad(hour)}:30:00`),
				attendees: [attendee(ctx.ids.recipient)],
				recurrence: {
					pattern: {
						type: 'weekly',
						interval: 1,
						daysOfWeek: [['monday', 'tuesday', 'wednesday', 'thursday', 'friday'][day]],
						firstDayOfWeek: 'monday',
					},
					range: { type: 'numbered', startDate: date, numberOfOccurrences: OCCURRENCES },
				},
			};
		});
		await seedEvents(ctx, [{ user: seeded.year, events }]);
	},
	plan(ctx, side) {
		const node =
			side === 'built-in'
				? builtinGetMany(ctx, seeded.year)
				: oursGetMany(ctx, seeded.year, YEAR, false);
		return planWith('calendar-year', side, node, [], true);
	},
	limit: (ctx) => pageLimit(ctx, SERIES * OCCURRENCES),
	target: 'ours returns all 2,000 occurrences, in fewer requests than the built-in calendar view',
	notes: {
		'built-in':
			'defaults ("Include Recurring Event Instances" off): the series masters, one item per series',
	},
};

export const calendarYearInstances: Scenario = {
	id: 'calendar-year-instances',
	title: 'The same year, built-in with "Include Recurring Event Instances"',
	items: () => 1,
	outputItems: () => SERIES * OCCURRENCES,
	timeoutMs: 10 * 60_000,
	// Seeded by calendar-year (run it in the same bench run).
	plan(ctx, side) {
		if (side === 'ours') return { unavailable: 'ours as in the row above' };
		if (!seeded.year) return { unavailable: 'needs calendar-year in the same run (its seeding)' };
		return planWith(
			'calendar-year-instances',
			side,
			builtinGetMany(ctx, seeded.year, YEAR),
			[],
			true,
		);
	},
	limit: (ctx) => pageLimit(ctx, SERIES * OCCURRENCES),
};

export const roomsFreeBusy: Scenario = {
	id: 'rooms-freebusy',
	title: 'Free/busy of 100 rooms for one day',
	items: roomCount,
	timeoutMs: 10 * 60_000,
	async prepare(ctx) {
		await grant(ctx);
		seeded.roomList = `rooms-bench@${ctx.ids.mailbox.split('@')[1]}`;
		seeded.rooms = await mailboxes(ctx, {
			count: roomCount(ctx),
			prefix: 'bench-room',
			kind: 'room',
			roomList: { displayName: 'Benchmark building', emailAddress: seeded.roomList },
		});
		// Every third room busy for an hour that day (from 09:00 UTC, staggered), the others free.
		await seedEvents(
			ctx,
			seeded.rooms
				.filter((_, i) => i % 3 === 0)
				.map((room, k) => {
					const hour = 9 + (k % 8);
					return {
						user: room,
						events: [
							{
								subject: 'Booked',
								start: utc(`2026-03-10T${pad(hour)}:00:00`),
								end: utc(`2026-03-10T${pad(hour + 1)}:00:00`),
							},
						],
					};
				}),
		);
	},
	plan(ctx, side) {
		if (side === 'built-in')
			return planWith(
				'rooms-freebusy',
				side,
				builtinGetMany(ctx, '={{ $json.mailbox }}', DAY),
				[mailboxItems(seeded.rooms)],
				true,
			);
		const node = measuredNode(ctx, 'Rooms', {
			type: 'microsoft365Calendar',
			typeVersion: 1,
			credential: 'ours-calendar',
			parameters: {
				authentication: 'app',
				resource: 'room',
				operation: 'findFreeRooms',
				// getSchedule is asked as this mailbox (app-only has no /me).
				mailbox: rl(ctx.ids.mailbox, 'address'),
				roomList: rl(seeded.roomList, 'address'),
				start: DAY.start,
				end: DAY.end,
				timeZone: 'UTC',
			},
		});
		return planWith('rooms-freebusy', side, node, [], true);
	},
	limit(ctx) {
		const n = roomCount(ctx);
		const schedules = Math.ceil(n / MAX_SCHEDULES);
		const requests = 1 + schedules;
		return {
			ms: requests * ctx.latency.requestMs,
			formula: `(1 page of the list's rooms + ${schedules} getSchedule) x ${ctx.latency.requestMs} ms`,
		};
	},
	target: '<= 5 requests',
	notes: {
		'built-in':
			"one item per room (a calendar view of the room's mailbox, after listing its calendars); its output is the rooms' events, not free/busy",
	},
};

export const calendarMetadata: Scenario = {
	id: 'calendar-metadata',
	title: 'Calendar metadata of 1,000 users over 4 weeks',
	items: userCount,
	outputItems: (ctx) => userCount(ctx) * PER_USER,
	timeoutMs: 30 * 60_000,
	async prepare(ctx) {
		await grant(ctx);
		seeded.users = await mailboxes(ctx, { count: userCount(ctx), prefix: 'cal-user' });
		const users = seeded.users;
		await seedEvents(
			ctx,
			users.map((user, i) => {
				const other = (k: number) => users[(i + k) % users.length];
				const day = 2 + (i % 5);
				return {
					user,
					events: [
						{
							subject: `Review ${i}`,
							start: utc(`2026-03-${pad(day)}T10:00:00`),
							end: utc(`2026-03-${pad(day)}T11:00:00`),
							attendees: [attendee(other(1)), attendee(other(2))],
						},
						{
							subject: `One-to-one ${i}`,
							start: utc(`2026-03-${pad(day + 7)}T14:00:00`),
							end: utc(`2026-03-${pad(day + 7)}T14:30:00`),
							attendees: [attendee(other(3))],
						},
						{
							subject: `Stand-up ${i}`,
							start: utc(`2026-03-${pad(day)}T09:00:00`),
							end: utc(`2026-03-${pad(day)}T09:15:00`),
							attendees: [attendee(other(1)), attendee(other(4))],
							recurrence: {
								pattern: {
									type: 'weekly',
									interval: 1,
									daysOfWeek: [['monday', 'tuesday', 'wednesday', 'thursday', 'friday'][day - 2]],
									firstDayOfWeek: 'monday',
								},
								range: {
									type: 'numbered',
									startDate: `2026-03-${pad(day)}`,
									numberOfOccurrences: 4,
								},
							},
						},
					],
				};
			}),
		);
	},
	plan(ctx, side) {
		const node =
			side === 'built-in'
				? builtinGetMany(ctx, '={{ $json.mailbox }}', FOUR_WEEKS)
				: oursGetMany(ctx, '={{ $json.mailbox }}', FOUR_WEEKS, true);
		return planWith('calendar-metadata', side, node, [mailboxItems(seeded.users)], true);
	},
	limit(ctx) {
		const batches = Math.ceil(userCount(ctx) / BATCH);
		return {
			ms: batches * ctx.latency.requestMs,
			formula: `${batches} batches of ${BATCH} calendar views x ${ctx.latency.requestMs} ms`,
		};
	},
	target: 'peak RSS growth < 200 MB',
	notes: {
		'built-in':
			'no Metadata Only or pseudonymisation: full events (its "Simplified" output), one item at a time',
	},
};

export const CALENDAR_SCENARIOS: Scenario[] = [
	calendarYear,
	calendarYearInstances,
	roomsFreeBusy,
	calendarMetadata,
];
