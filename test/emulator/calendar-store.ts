/**
 * Exchange calendars for the emulator: per mailbox, the default "Calendar" and created ones, the
 * events in them (single instances, series masters with their cancelled occurrences, and
 * exceptions), `transactionId` de-duplication, and a change sequence for calendarView delta.
 *
 * Written from https://learn.microsoft.com/en-us/graph/api/resources/event and
 * https://learn.microsoft.com/en-us/graph/api/resources/calendar.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { exchangeId, now } from './mail-store';
import type { User } from './tenant';
import { expand, PatternedRecurrence } from './recurrence';
import { localParts, resolveZone, toDateTimeTimeZone } from './timezones';

export interface Attendee {
	type: 'required' | 'optional' | 'resource';
	status: { response: string; time: string };
	emailAddress: { name?: string; address: string };
	proposedNewTime?: { start: DateTimeTimeZone; end: DateTimeTimeZone } | null;
}

export interface DateTimeTimeZone {
	dateTime: string;
	timeZone: string;
}

export interface StoredEvent {
	id: string;
	calendarId: string;
	changeKey: string;
	createdDateTime: string;
	lastModifiedDateTime: string;
	iCalUId: string;
	transactionId: string | null;
	type: 'singleInstance' | 'seriesMaster' | 'exception';
	seriesMasterId: string | null;
	/** Exceptions: the original start of the occurrence they replace (UTC ms). */
	originalStart: number | null;
	subject: string;
	body: { contentType: 'text' | 'html'; content: string };
	/** Instants (UTC ms) and the zone names the client gave. */
	startMs: number;
	endMs: number;
	startZone: string;
	endZone: string;
	isAllDay: boolean;
	location: Record<string, unknown>;
	locations: Array<Record<string, unknown>>;
	attendees: Attendee[];
	organizer: { emailAddress: { name?: string; address: string } };
	isOrganizer: boolean;
	responseRequested: boolean;
	responseStatus: { response: string; time: string };
	showAs: string;
	sensitivity: string;
	importance: string;
	categories: string[];
	isReminderOn: boolean;
	reminderMinutesBeforeStart: number;
	allowNewTimeProposals: boolean;
	isCancelled: boolean;
	isOnlineMeeting: boolean;
	recurrence: PatternedRecurrence | null;
	/** Masters: cancelled occurrences by original start (UTC ms), with the change sequence. */
	cancelled: Map<number, number>;
	/** Masters: exceptions by original start (UTC ms) -> exception event ID. */
	exceptions: Map<number, string>;
}

export interface Calendar {
	id: string;
	name: string;
	color: string;
	hexColor: string;
	isDefaultCalendar: boolean;
	changeKey: string;
	owner: { name: string; address: string };
	events: Map<string, StoredEvent>;
}

/** An instance in a calendar view: a single event, an exception or an expanded occurrence. */
export interface Instance {
	id: string;
	event: StoredEvent;
	type: 'singleInstance' | 'occurrence' | 'exception';
	start: number;
	end: number;
	originalStart: number | null;
}

const OCCURRENCE = /^(.+)_OID_(\d+)$/;

/** An occurrence's ID: the master's and the original start (the emulator's own shape). */
export function occurrenceId(masterId: string, originalStart: number): string {
	return `${masterId}_OID_${originalStart}`;
}

export function parseOccurrenceId(
	id: string,
): { masterId: string; originalStart: number } | undefined {
	const m = OCCURRENCE.exec(id);
	return m ? { masterId: m[1], originalStart: Number(m[2]) } : undefined;
}

export class CalendarMailbox {
	readonly calendars = new Map<string, Calendar>();
	readonly defaultCalendar: Calendar;
	/** Every event by ID (whichever calendar holds it). */
	readonly index = new Map<string, StoredEvent>();
	readonly transactions = new Map<string, string>();
	/** Change sequence per event ID, and removed events (kept to expand them for delta). */
	readonly changes = new Map<string, number>();
	readonly removed = new Map<string, { seq: number; event: StoredEvent }>();
	private seq = 0;
	/** Bumped by `expireDeltaTokens`: older tokens answer 410. */
	tokenEpoch = 0;
	/** The mailbox's time zone (working hours; mailboxSettings.timeZone), default UTC (assumed). */
	timeZone = 'UTC';

	constructor(readonly user: User) {
		this.defaultCalendar = this.addCalendar('Calendar', true);
	}

	get address(): string {
		return (this.user.mail ?? this.user.userPrincipalName).toLowerCase();
	}

	get sequence(): number {
		return this.seq;
	}

	addCalendar(name: string, isDefault = false): Calendar {
		const calendar: Calendar = {
			id: exchangeId('AAMkAcal'),
			name,
			color: 'auto',
			hexColor: '',
			isDefaultCalendar: isDefault,
			changeKey: randomBytes(12).toString('base64'),
			owner: { name: this.user.displayName, address: this.address },
			events: new Map(),
		};
		this.calendars.set(calendar.id, calendar);
		return calendar;
	}

	calendar(id: string): Calendar | undefined {
		return this.calendars.get(id);
	}

	put(calendar: Calendar, event: StoredEvent): StoredEvent {
		event.calendarId = calendar.id;
		calendar.events.set(event.id, event);
		this.index.set(event.id, event);
		this.changes.set(event.id, ++this.seq);
		this.removed.delete(event.id);
		if (event.transactionId) this.transactions.set(event.transactionId, event.id);
		return event;
	}

	touch(event: StoredEvent): void {
		event.lastModifiedDateTime = now();
		event.changeKey = randomBytes(12).toString('base64');
		this.changes.set(event.id, ++this.seq);
	}

	nextSeq(): number {
		return ++this.seq;
	}

	remove(id: string): StoredEvent | undefined {
		const event = this.index.get(id);
		if (!event) return undefined;
		this.calendars.get(event.calendarId)?.events.delete(id);
		this.index.delete(id);
		this.changes.delete(id);
		this.removed.set(id, { seq: ++this.seq, event });
		if (event.transactionId) this.transactions.delete(event.transactionId);
		if (event.type === 'seriesMaster') for (const ex of event.exceptions.values()) this.remove(ex);
		return event;
	}

	/** Stored events (masters, singles, exceptions) of one calendar or all. */
	events(calendarId?: string): StoredEvent[] {
		if (calendarId) return [...(this.calendars.get(calendarId)?.events.values() ?? [])];
		return [...this.index.values()];
	}

	/** The instances of an event (single, or a master's occurrences and exceptions) overlapping [from, to). */
	instancesOf(event: StoredEvent, from: number, to: number): Instance[] {
		if (event.type === 'exception') {
			return overlaps(event.startMs, event.endMs, from, to)
				? [
						{
							id: event.id,
							event,
							type: 'exception',
							start: event.startMs,
							end: event.endMs,
							originalStart: event.originalStart,
						},
					]
				: [];
		}
		if (event.type === 'singleInstance' || !event.recurrence) {
			return overlaps(event.startMs, event.endMs, from, to)
				? [
						{
							id: event.id,
							event,
							type: 'singleInstance',
							start: event.startMs,
							end: event.endMs,
							originalStart: null,
						},
					]
				: [];
		}
		const zone = resolveZone(event.recurrence.range.recurrenceTimeZone || event.startZone);
		const local = localParts(event.startMs, zone);
		const out: Instance[] = [];
		for (const o of expand(
			event.recurrence,
			{ hour: local.hour, minute: local.minute, second: local.second },
			zone,
			event.endMs - event.startMs,
			from,
			to,
		)) {
			if (event.cancelled.has(o.originalStart)) continue;
			if (event.exceptions.has(o.originalStart)) continue;
			out.push({
				id: occurrenceId(event.id, o.originalStart),
				event,
				type: 'occurrence',
				start: o.start,
				end: o.end,
				originalStart: o.originalStart,
			});
		}
		return out;
	}

	/** Every instance in a calendar (or all) overlapping [from, to), by start time. */
	view(from: number, to: number, calendarId?: string): Instance[] {
		const out: Instance[] = [];
		for (const event of this.events(calendarId)) out.push(...this.instancesOf(event, from, to));
		return out.sort((a, b) => a.start - b.start || a.end - b.end || (a.id < b.id ? -1 : 1));
	}
}

export function overlaps(start: number, end: number, from: number, to: number): boolean {
	return start < to && (end > from || (start === end && start >= from));
}

export function newEvent(owner: CalendarMailbox): StoredEvent {
	const time = now();
	return {
		id: exchangeId('AAMkAevt'),
		calendarId: owner.defaultCalendar.id,
		changeKey: randomBytes(12).toString('base64'),
		createdDateTime: time,
		lastModifiedDateTime: time,
		iCalUId: `040000008200E00074C5B7101A82E008${randomUUID().replace(/-/g, '').toUpperCase()}`,
		transactionId: null,
		type: 'singleInstance',
		seriesMasterId: null,
		originalStart: null,
		subject: '',
		body: { contentType: 'html', content: '' },
		startMs: 0,
		endMs: 0,
		startZone: 'UTC',
		endZone: 'UTC',
		isAllDay: false,
		location: emptyLocation(),
		locations: [],
		attendees: [],
		organizer: { emailAddress: { name: owner.user.displayName, address: owner.address } },
		isOrganizer: true,
		responseRequested: true,
		responseStatus: { response: 'organizer', time: '0001-01-01T00:00:00Z' },
		showAs: 'busy',
		sensitivity: 'normal',
		importance: 'normal',
		categories: [],
		isReminderOn: true,
		reminderMinutesBeforeStart: 15,
		allowNewTimeProposals: true,
		isCancelled: false,
		isOnlineMeeting: false,
		recurrence: null,
		cancelled: new Map(),
		exceptions: new Map(),
	};
}

export function emptyLocation(): Record<string, unknown> {
	return {
		displayName: '',
		locationType: 'default',
		uniqueIdType: 'unknown',
		address: {},
		coordinates: {},
	};
}

function stripHtml(text: string): string {
	return text
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

/** The full Graph representation of an instance (or a stored event), times in `zone`. */
export function eventJson(
	event: StoredEvent,
	zone: string,
	instance?: Instance,
	webRoot = 'https://outlook.office365.com',
): Record<string, unknown> {
	const start = instance?.start ?? event.startMs;
	const end = instance?.end ?? event.endMs;
	const type = instance?.type ?? event.type;
	const id = instance?.id ?? event.id;
	return {
		'@odata.etag': `W/"${event.changeKey}"`,
		id,
		createdDateTime: event.createdDateTime,
		lastModifiedDateTime: event.lastModifiedDateTime,
		changeKey: event.changeKey,
		categories: event.categories,
		transactionId: event.transactionId,
		originalStartTimeZone: event.startZone,
		originalEndTimeZone: event.endZone,
		iCalUId: event.iCalUId,
		reminderMinutesBeforeStart: event.reminderMinutesBeforeStart,
		isReminderOn: event.isReminderOn,
		hasAttachments: false,
		subject: event.subject,
		bodyPreview: stripHtml(event.body.content).slice(0, 255),
		importance: event.importance,
		sensitivity: event.sensitivity,
		isAllDay: event.isAllDay,
		isCancelled: event.isCancelled,
		isOrganizer: event.isOrganizer,
		responseRequested: event.responseRequested,
		seriesMasterId: type === 'occurrence' ? event.id : event.seriesMasterId,
		showAs: event.showAs,
		type,
		webLink: `${webRoot}/owa/?itemid=${encodeURIComponent(id)}&exvsurl=1&path=/calendar/item`,
		onlineMeetingUrl: null,
		isOnlineMeeting: event.isOnlineMeeting,
		onlineMeetingProvider: 'unknown',
		allowNewTimeProposals: event.allowNewTimeProposals,
		isDraft: false,
		hideAttendees: false,
		responseStatus: event.responseStatus,
		body: event.body,
		start: toDateTimeTimeZone(start, zone),
		end: toDateTimeTimeZone(end, zone),
		location: event.location,
		locations: event.locations,
		recurrence: type === 'seriesMaster' ? event.recurrence : null,
		cancelledOccurrences:
			type === 'seriesMaster'
				? [...event.cancelled.keys()].map(
						(t) => `OID.${event.id}.${new Date(t).toISOString().slice(0, 10)}`,
					)
				: [],
		attendees: event.attendees,
		organizer: event.organizer,
		onlineMeeting: null,
		...(type === 'occurrence' || type === 'exception'
			? {
					originalStart: new Date(instance?.originalStart ?? event.originalStart ?? start)
						.toISOString()
						.replace('.000Z', 'Z'),
				}
			: {}),
	};
}

export const EVENT_PROPERTIES = Object.keys(eventJson(placeholderEvent(), 'UTC')).filter(
	(k) => !k.startsWith('@'),
);

function placeholderEvent(): StoredEvent {
	return {
		...({} as StoredEvent),
		changeKey: '',
		startMs: 0,
		endMs: 0,
		startZone: 'UTC',
		endZone: 'UTC',
		body: { contentType: 'text', content: '' },
		categories: [],
		cancelled: new Map(),
		exceptions: new Map(),
	};
}

/** Calendars of every tenant's mailboxes, created on first use. */
export class CalendarStore {
	private readonly boxes = new Map<string, CalendarMailbox>();

	box(user: User): CalendarMailbox {
		let box = this.boxes.get(user.id);
		if (!box) {
			box = new CalendarMailbox(user);
			this.boxes.set(user.id, box);
		}
		return box;
	}

	all(): CalendarMailbox[] {
		return [...this.boxes.values()];
	}
}
