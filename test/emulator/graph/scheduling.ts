/**
 * Free/busy for the emulator's calendars: `calendar: getSchedule`
 * (https://learn.microsoft.com/en-us/graph/api/calendar-getschedule, the availabilityView codes
 * from https://learn.microsoft.com/en-us/graph/api/resources/scheduleinformation) and
 * `user: findMeetingTimes` (https://learn.microsoft.com/en-us/graph/api/user-findmeetingtimes,
 * https://learn.microsoft.com/en-us/graph/api/resources/meetingtimesuggestionsresult).
 */
import type { CalendarMailbox, Instance } from '../calendar-store';
import type { EmuResponse } from '../http';
import { instantOf, localParts, resolveZone, toDateTimeTimeZone } from '../timezones';
import { DAYS } from '../recurrence';
import type { CalendarService } from './calendar';
import type { MailService } from './mail';
import { GraphContext, GraphError, GraphService } from './service';

/** Both limits are the emulator's (assumed: the getSchedule page states neither). */
export const MAX_SCHEDULES = 100;
export const MAX_SCHEDULE_DAYS = 62;
/** findMeetingTimes: candidate start times step by 30 minutes; at most 10 suggestions unless maxCandidates says (assumed). */
const SLOT_STEP_MS = 30 * 60000;
const DEFAULT_CANDIDATES = 10;
/** Default working hours (user-findmeetingtimes: "Monday to Friday, 8am to 5pm in the time zone set for the mailbox"). */
const WORK_START = 8;
const WORK_END = 17;

type Status = 'free' | 'tentative' | 'busy' | 'oof' | 'workingElsewhere' | 'unknown';
const SEVERITY: Record<string, number> = {
	free: 0,
	workingElsewhere: 1,
	tentative: 2,
	busy: 3,
	oof: 4,
};
/** scheduleInformation.availabilityView: "0 = free or working elsewhere, 1 = tentative, 2 = busy, 3 = out of office". */
const VIEW_CODE: Record<string, string> = {
	free: '0',
	workingElsewhere: '0',
	tentative: '1',
	busy: '2',
	oof: '3',
};

function badRequest(message: string, code = 'ErrorInvalidParameter'): GraphError {
	return new GraphError(400, code, message);
}

function blocking(i: Instance): boolean {
	return !i.event.isCancelled && i.event.showAs !== 'free' && i.event.showAs !== 'unknown';
}

/** The most severe free/busy status of a mailbox's default calendar over [from, to). */
export function statusOver(box: CalendarMailbox, from: number, to: number): Status {
	let status: Status = 'free';
	for (const i of box.view(from, to, box.defaultCalendar.id)) {
		if (!blocking(i) || !(i.start < to && i.end > from)) continue;
		const s = i.event.showAs as Status;
		if ((SEVERITY[s] ?? 0) > (SEVERITY[status] ?? 0)) status = s;
	}
	return status;
}

/** ISO 8601 duration (PnDTnHnMnS) in ms. */
export function parseDuration(text: string): number {
	const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text.trim());
	if (!m || text.trim().toUpperCase() === 'P' || text.trim().toUpperCase() === 'PT')
		throw badRequest(`The value '${text}' of parameter 'MeetingDuration' is invalid.`);
	return (
		(Number(m[1] ?? 0) * 86400 +
			Number(m[2] ?? 0) * 3600 +
			Number(m[3] ?? 0) * 60 +
			Number(m[4] ?? 0)) *
		1000
	);
}

interface TimeInput {
	dateTime?: unknown;
	timeZone?: unknown;
}

export class Scheduling {
	constructor(private readonly calendar: CalendarService) {}

	private workingHours(box: CalendarMailbox) {
		return {
			daysOfWeek: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
			startTime: `${String(WORK_START).padStart(2, '0')}:00:00.0000000`,
			endTime: `${String(WORK_END).padStart(2, '0')}:00:00.0000000`,
			timeZone: { name: box.timeZone },
		};
	}

	getSchedule(ctx: GraphContext, body: Record<string, unknown>): EmuResponse {
		const { zone, headers } = this.calendar.zoneOf(ctx);
		const schedules = body.schedules ?? body.Schedules;
		if (!Array.isArray(schedules) || schedules.length === 0)
			throw badRequest("The parameter 'Schedules' is required.");
		if (schedules.length > MAX_SCHEDULES)
			throw badRequest(`The number of schedules exceeds the maximum of ${MAX_SCHEDULES}.`);
		const start = instantOf((body.startTime ?? body.StartTime) as TimeInput, 'StartTime');
		const end = instantOf((body.endTime ?? body.EndTime) as TimeInput, 'EndTime');
		if (end <= start) throw badRequest('The end time must be after the start time.');
		if (end - start > MAX_SCHEDULE_DAYS * 86400000)
			throw badRequest(
				`The requested time window exceeds the maximum of ${MAX_SCHEDULE_DAYS} days.`,
			);
		const rawInterval = body.availabilityViewInterval ?? 30;
		const interval = Number(rawInterval);
		if (!Number.isInteger(interval) || interval < 5 || interval > 1440)
			throw badRequest(
				`The value '${String(rawInterval)}' of parameter 'AvailabilityViewInterval' is invalid; it must be between 5 and 1440.`,
			);
		const step = interval * 60000;
		const value = schedules.map((raw) => {
			const address = String(raw);
			const user = this.calendar.findUser(ctx.tenant, address);
			if (!user)
				// freeBusyError for an address Exchange cannot resolve (code and text assumed).
				return {
					scheduleId: address,
					availabilityView: '',
					scheduleItems: [],
					error: {
						message: `The specified user or mailbox ${address} was not found.`,
						responseCode: 'ErrorMailRecipientNotFound',
					},
				};
			const box = this.calendar.store.box(user);
			const items = box.view(start, end, box.defaultCalendar.id).filter(blocking);
			let view = '';
			for (let t = start; t < end; t += step)
				view += VIEW_CODE[statusOver(box, t, Math.min(t + step, end))] ?? '0';
			return {
				scheduleId: address,
				availabilityView: view,
				scheduleItems: items.map((i) => ({
					isPrivate: i.event.sensitivity === 'private',
					status: i.event.showAs,
					subject: i.event.sensitivity === 'private' ? '' : i.event.subject,
					location: String(i.event.location.displayName ?? ''),
					start: toDateTimeTimeZone(i.start, zone),
					end: toDateTimeTimeZone(i.end, zone),
				})),
				workingHours: this.workingHours(box),
			};
		});
		return {
			status: 200,
			headers,
			body: {
				'@odata.context': `${ctx.root}/$metadata#Collection(microsoft.graph.scheduleInformation)`,
				value,
			},
			contractType: 'Collection(scheduleInformation)',
		};
	}

	/** Whether [from, to) lies within working hours (per activityDomain) in the organizer's zone. */
	private allowed(domain: string, zone: string, from: number, to: number): boolean {
		if (domain === 'unrestricted') return true;
		const s = localParts(from, zone);
		const e = localParts(to - 1, zone);
		if (s.year !== e.year || s.month !== e.month || s.day !== e.day) return false;
		const dow = DAYS[new Date(Date.UTC(s.year, s.month - 1, s.day)).getUTCDay()];
		if (domain !== 'personal' && (dow === 'saturday' || dow === 'sunday')) return false;
		const endLocal = localParts(to, zone);
		const endHour = endLocal.day !== s.day ? 24 : endLocal.hour + endLocal.minute / 60;
		return s.hour >= WORK_START && endHour <= WORK_END;
	}

	findMeetingTimes(
		ctx: GraphContext,
		organizer: CalendarMailbox,
		body: Record<string, unknown>,
	): EmuResponse {
		const { zone, headers } = this.calendar.zoneOf(ctx);
		const duration = body.meetingDuration
			? parseDuration(String(body.meetingDuration))
			: 30 * 60000;
		const constraint = (body.timeConstraint ?? {}) as {
			activityDomain?: unknown;
			timeSlots?: unknown;
		};
		const domain = ['personal', 'unrestricted'].includes(String(constraint.activityDomain))
			? String(constraint.activityDomain)
			: 'work';
		const slots =
			Array.isArray(constraint.timeSlots) && constraint.timeSlots.length
				? constraint.timeSlots.map((s: { start?: TimeInput; end?: TimeInput }) => ({
						from: instantOf(s.start, 'TimeSlot.Start'),
						to: instantOf(s.end, 'TimeSlot.End'),
					}))
				: // No time constraint: the next two days from now (assumed; the page gives no default window).
					[
						{
							from: Math.ceil(Date.now() / SLOT_STEP_MS) * SLOT_STEP_MS,
							to: Date.now() + 2 * 86400000,
						},
					];
		const isOrganizerOptional =
			body.isOrganizerOptional === true || body.isOrganizerOptional === 'true';
		const minimum = Number(body.minimumAttendeePercentage ?? 50);
		const maxCandidates = Number(body.maxCandidates ?? DEFAULT_CANDIDATES);
		const reasons =
			body.returnSuggestionReasons === true || body.returnSuggestionReasons === 'true';
		const attendees = (Array.isArray(body.attendees) ? body.attendees : []).map(
			(a: { type?: unknown; emailAddress?: { address?: unknown; name?: unknown } }) => ({
				type: String(a.type ?? 'required'),
				emailAddress: {
					address: String(a.emailAddress?.address ?? ''),
					...(a.emailAddress?.name ? { name: String(a.emailAddress.name) } : {}),
				},
			}),
		);
		const people = attendees.filter((a) => a.type !== 'resource');
		const resources = attendees.filter((a) => a.type === 'resource');
		const lc = (body.locationConstraint ?? {}) as {
			isRequired?: unknown;
			locations?: Array<{
				displayName?: unknown;
				locationEmailAddress?: unknown;
				resolveAvailability?: unknown;
			}>;
		};
		const locationRequired = lc.isRequired === true || lc.isRequired === 'true';
		const locations = (lc.locations ?? []).map((l) => ({
			displayName: String(l.displayName ?? ''),
			locationEmailAddress: l.locationEmailAddress ? String(l.locationEmailAddress) : undefined,
			resolve: l.resolveAvailability !== false && !!l.locationEmailAddress,
		}));
		const boxOf = (address: string) => {
			const user = this.calendar.findUser(ctx.tenant, address);
			return user ? this.calendar.store.box(user) : undefined;
		};
		const mailboxZone = resolveZone(organizer.timeZone);
		let candidates = 0;
		let organizerBusy = 0;
		let locationBusy = 0;
		let unknownSeen = false;
		const suggestions: Array<Record<string, unknown> & { confidence: number; start: number }> = [];
		for (const slot of slots) {
			for (
				let t = Math.ceil(slot.from / SLOT_STEP_MS) * SLOT_STEP_MS;
				t + duration <= slot.to;
				t += SLOT_STEP_MS
			) {
				const end = t + duration;
				if (!this.allowed(domain, mailboxZone, t, end)) continue;
				candidates++;
				const organizerAvailability = statusOver(organizer, t, end);
				if (
					!isOrganizerOptional &&
					(organizerAvailability === 'busy' || organizerAvailability === 'oof')
				) {
					organizerBusy++;
					continue;
				}
				const availability = people.map((a) => {
					const box = boxOf(a.emailAddress.address);
					const status: Status = box ? statusOver(box, t, end) : 'unknown';
					if (status === 'unknown') unknownSeen = true;
					return { attendee: { type: a.type, emailAddress: a.emailAddress }, availability: status };
				});
				// "free ... 100% chance of attendance, unknown status 49%, and busy status 0%" (the page);
				// tentative 50% and out of office 0% are assumed.
				const chance = (s: Status) =>
					s === 'free' || s === 'workingElsewhere'
						? 100
						: s === 'unknown'
							? 49
							: s === 'tentative'
								? 50
								: 0;
				const confidence = availability.length
					? availability.reduce((sum, a) => sum + chance(a.availability), 0) / availability.length
					: 100;
				const roomAvailability = resources.map((r) => {
					const box = boxOf(r.emailAddress.address);
					return {
						attendee: { type: 'resource', emailAddress: r.emailAddress },
						availability: (box ? statusOver(box, t, end) : 'unknown') as Status,
					};
				});
				const freeLocations = locations.filter((l) => {
					if (!l.resolve) return true;
					const box = boxOf(l.locationEmailAddress!);
					return !!box && statusOver(box, t, end) === 'free';
				});
				if (locationRequired && locations.length && freeLocations.length === 0) {
					locationBusy++;
					continue;
				}
				if (confidence < minimum) continue;
				suggestions.push({
					start: t,
					confidence,
					organizerAvailability,
					attendeeAvailability: [...availability, ...roomAvailability],
					locations: freeLocations.map((l) => ({
						displayName: l.displayName,
						...(l.locationEmailAddress ? { locationEmailAddress: l.locationEmailAddress } : {}),
					})),
					meetingTimeSlot: {
						start: toDateTimeTimeZone(t, zone),
						end: toDateTimeTimeZone(end, zone),
					},
					...(reasons
						? {
								suggestionReason:
									confidence === 100
										? 'Suggested because it is one of the nearest times when all attendees are available.'
										: 'Suggested because it is one of the nearest times when most attendees are available.',
							}
						: {}),
				});
			}
		}
		// "first orders the suggestions by their computed confidence value from high to low ... then chronologically"
		suggestions.sort((a, b) => b.confidence - a.confidence || a.start - b.start);
		const picked = suggestions
			.slice(0, Math.max(0, maxCandidates))
			.map(({ start: _s, ...s }, i) => {
				void _s;
				return { ...s, order: i + 1 };
			});
		let emptySuggestionsReason = '';
		if (!picked.length) {
			if (candidates === 0) emptySuggestionsReason = 'unknown';
			else if (organizerBusy === candidates) emptySuggestionsReason = 'organizerUnavailable';
			else if (locationBusy > 0 && organizerBusy + locationBusy === candidates)
				emptySuggestionsReason = 'locationsUnavailable';
			else if (unknownSeen) emptySuggestionsReason = 'attendeesUnavailableOrUnknown';
			else emptySuggestionsReason = 'attendeesUnavailable';
		}
		return {
			status: 200,
			headers,
			body: {
				'@odata.context': `${ctx.root}/$metadata#microsoft.graph.meetingTimeSuggestionsResult`,
				emptySuggestionsReason,
				meetingTimeSuggestions: picked,
			},
			contractType: 'meetingTimeSuggestionsResult',
		};
	}
}

export function registerScheduling(
	graph: GraphService,
	calendar: CalendarService,
	mail: MailService,
): Scheduling {
	const scheduling = new Scheduling(calendar);
	for (const prefix of ['/me', '/users/:user']) {
		graph.route(
			'POST',
			`${prefix}/calendar/getSchedule`,
			async (ctx) => {
				const t = calendar.target(ctx, false, true);
				const body = await ctx.json<Record<string, unknown>>();
				return await mail.inMailbox(ctx, t.mailbox, () => scheduling.getSchedule(ctx, body));
			},
			{ workload: 'mail' },
		);
		graph.route(
			'POST',
			`${prefix}/findMeetingTimes`,
			async (ctx) => {
				const t = calendar.target(ctx, false, true);
				const body = await ctx.json<Record<string, unknown>>();
				return await mail.inMailbox(ctx, t.mailbox, () =>
					scheduling.findMeetingTimes(ctx, t.box, body),
				);
			},
			{
				workload: 'mail',
				// "Application: Not supported." (user-findmeetingtimes); the catalogue has no application entry.
				permissions: {
					delegated: ['Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'],
					application: [],
				},
			},
		);
	}
	return scheduling;
}
