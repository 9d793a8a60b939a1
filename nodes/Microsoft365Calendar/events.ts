/**
 * Events: reading addresses from parameters, building the Graph `event` body of Create and
 * Update, the deterministic `transactionId`, and shaping events for output (Metadata Only,
 * Pseudonymise Addresses).
 *
 * https://learn.microsoft.com/en-us/graph/api/resources/event
 * https://learn.microsoft.com/en-us/graph/api/user-post-events
 */
import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { pseudonym, readPseudonymKey } from '../shared/pseudonym';
import type { GraphTransport } from '../shared/transport';
import { inputError } from './errors';
import { assertOwnerAllowed } from './owner';
import { allDayRange, graphDateTime, isoInZone, readTime, readZone, type Zone } from './times';

const ADDRESS = /^[^@\s<>,;"]+@[^@\s<>,;"]+\.[^@\s<>,;"]+$/;

/**
 * Addresses from a parameter: a list, or text separated by commas, semicolons or new lines;
 * "Name <address>" is read as the address. An entry that is not an address → an error naming
 * the field.
 */
export function readAddresses(
	ctx: IExecuteFunctions,
	raw: unknown,
	field: string,
	itemIndex: number,
): string[] {
	const entries = (
		Array.isArray(raw) ? raw.map((r) => String(r ?? '')) : String(raw ?? '').split(/[,;\n]/)
	)
		.map((e) => e.trim())
		.filter(Boolean);
	const out: string[] = [];
	for (const entry of entries) {
		const angled = /<([^<>]+)>\s*$/.exec(entry);
		const address = (angled ? angled[1] : entry).trim();
		if (!ADDRESS.test(address))
			throw inputError(
				ctx.getNode(),
				field,
				`"${entry}" is not an email address: enter addresses such as alice@contoso.com, separated by commas`,
				itemIndex,
			);
		if (!out.some((a) => a.toLowerCase() === address.toLowerCase())) out.push(address);
	}
	return out;
}

/**
 * A text parameter: a string, number or boolean as text, empty for null; an object or a list (an
 * expression that picked the wrong field) → an error naming the field, before any request.
 */
export function readText(
	ctx: IExecuteFunctions,
	raw: unknown,
	field: string,
	itemIndex: number,
): string {
	if (raw === undefined || raw === null) return '';
	if (typeof raw === 'object')
		throw inputError(
			ctx.getNode(),
			field,
			`the expression gives ${Array.isArray(raw) ? 'a list' : 'an object'}, not text: pick the field that holds the text (or turn it into text with JSON.stringify)`,
			itemIndex,
		);
	return String(raw);
}

/** Addresses read through the app credential's Mailbox Restriction (rooms, schedules). */
export function assertAddressesAllowed(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	addresses: string[],
	field: string,
	itemIndex: number,
): void {
	for (const address of addresses) assertOwnerAllowed(ctx, transport, address, field, itemIndex);
}

export type RecurrencePattern = 'none' | 'daily' | 'weekly' | 'absoluteMonthly' | 'absoluteYearly';

/** The values of the event fields (Create's top-level fields and options, Update's Update Fields). */
export interface EventFields {
	subject?: string;
	start?: unknown;
	end?: unknown;
	timeZone?: string;
	isAllDay?: boolean;
	body?: string;
	bodyType?: 'text' | 'html';
	location?: string;
	requiredAttendees?: unknown;
	optionalAttendees?: unknown;
	resourceAttendees?: unknown;
	rooms?: unknown;
	isOnlineMeeting?: boolean;
	reminderMinutes?: number;
	importance?: string;
	sensitivity?: string;
	showAs?: string;
	categories?: unknown;
	recurrence?: RecurrencePattern;
	recurrenceInterval?: number;
	recurrenceDays?: string[];
	recurrenceEnd?: 'endDate' | 'numbered' | 'noEnd';
	recurrenceEndDate?: unknown;
	recurrenceCount?: number;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function categoriesOf(ctx: IExecuteFunctions, raw: unknown, itemIndex: number): string[] {
	if (Array.isArray(raw))
		return raw.map((c) => readText(ctx, c, 'Categories', itemIndex).trim()).filter(Boolean);
	return readText(ctx, raw, 'Categories', itemIndex)
		.split(',')
		.map((c) => c.trim())
		.filter(Boolean);
}

/**
 * The Graph `event` body for the given fields (only the fields given: Update sends a partial
 * PATCH). Every check runs here, before any request: times and zone, attendees' addresses,
 * rooms within the Mailbox Restriction, a recurrence's end.
 */
export function eventBody(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	fields: EventFields,
	itemIndex: number,
	options: { creating: boolean },
): IDataObject {
	const body: IDataObject = {};
	if (fields.subject !== undefined)
		body.subject = readText(ctx, fields.subject, 'Subject', itemIndex);
	const zone: Zone = readZone(ctx, fields.timeZone, 'Time Zone', ctx.getTimezone(), itemIndex);
	const hasStart = fields.start !== undefined && fields.start !== '';
	const hasEnd = fields.end !== undefined && fields.end !== '';
	let startInstant: number | undefined;
	if (hasStart || hasEnd || fields.isAllDay !== undefined) {
		if (options.creating || hasStart || hasEnd) {
			if (!hasStart)
				throw inputError(
					ctx.getNode(),
					'Start',
					'enter the start (with End: both are sent together)',
					itemIndex,
				);
			const start = readTime(ctx, fields.start, 'Start', zone, itemIndex);
			startInstant = start;
			if (fields.isAllDay) {
				const end = hasEnd ? readTime(ctx, fields.end, 'End', zone, itemIndex) : undefined;
				const range = allDayRange(start, end, zone);
				body.isAllDay = true;
				body.start = graphDateTime(range.start, zone);
				body.end = graphDateTime(range.end, zone);
			} else {
				if (!hasEnd)
					throw inputError(
						ctx.getNode(),
						'End',
						'enter the end (with Start: both are sent together)',
						itemIndex,
					);
				const end = readTime(ctx, fields.end, 'End', zone, itemIndex);
				if (end <= start) {
					// Near a DST change a time in the skipped hour is moved forward: say how both were read.
					const offset = (t: number) => isoInZone(t, zone.iana).slice(-6);
					const dst =
						offset(start - 12 * 3600_000) !== offset(start + 12 * 3600_000)
							? ` (a daylight saving change falls on that day in ${zone.name}: a time in the hour it skips is moved forward by the change)`
							: '';
					throw inputError(
						ctx.getNode(),
						'End',
						`the event ends before (or when) it starts: End is read as ${isoInZone(end, zone.iana)}, Start as ${isoInZone(start, zone.iana)}${dst}: set End later than Start`,
						itemIndex,
					);
				}
				if (fields.isAllDay === false) body.isAllDay = false;
				body.start = graphDateTime(start, zone);
				body.end = graphDateTime(end, zone);
			}
		} else if (fields.isAllDay === false) {
			body.isAllDay = false;
		} else {
			throw inputError(
				ctx.getNode(),
				'Start',
				'an all-day event needs its days: enter Start (and End for several days)',
				itemIndex,
			);
		}
	}
	const content = readText(ctx, fields.body, 'Body', itemIndex);
	if (content !== '')
		body.body = { contentType: fields.bodyType === 'html' ? 'html' : 'text', content };

	const attendees: IDataObject[] = [];
	const add = (raw: unknown, field: string, type: 'required' | 'optional' | 'resource') => {
		for (const address of readAddresses(ctx, raw, field, itemIndex))
			if (!attendees.some((a) => (a.emailAddress as IDataObject).address === address))
				attendees.push({ emailAddress: { address }, type });
	};
	const attendeesGiven =
		fields.requiredAttendees !== undefined ||
		fields.optionalAttendees !== undefined ||
		fields.resourceAttendees !== undefined ||
		fields.rooms !== undefined;
	const rooms = readAddresses(ctx, fields.rooms, 'Rooms', itemIndex);
	const resources = readAddresses(ctx, fields.resourceAttendees, 'Resource Attendees', itemIndex);
	// Rooms and resources are mailboxes whose calendars the event books (their auto-accept acts on
	// them): with the app credential they must be within the Mailbox Restriction.
	assertAddressesAllowed(ctx, transport, rooms, 'Rooms', itemIndex);
	assertAddressesAllowed(ctx, transport, resources, 'Resource Attendees', itemIndex);
	add(fields.requiredAttendees, 'Required Attendees', 'required');
	add(fields.optionalAttendees, 'Optional Attendees', 'optional');
	add(resources, 'Resource Attendees', 'resource');
	add(rooms, 'Rooms', 'resource');
	if (attendeesGiven) body.attendees = attendees;

	const locationText = readText(ctx, fields.location, 'Location', itemIndex).trim();
	if (rooms.length) {
		// A room booked through the event: attendee of type resource and a location naming its
		// mailbox (https://learn.microsoft.com/en-us/graph/api/resources/location).
		body.locations = rooms.map((address, i) => ({
			displayName: i === 0 && locationText ? locationText : address,
			locationEmailAddress: address,
			locationType: 'conferenceRoom',
		}));
		body.location = (body.locations as IDataObject[])[0];
	} else if (locationText) {
		body.location = { displayName: locationText };
	}
	if (fields.isOnlineMeeting !== undefined) {
		body.isOnlineMeeting = fields.isOnlineMeeting;
		if (fields.isOnlineMeeting) body.onlineMeetingProvider = 'teamsForBusiness';
	}
	if (fields.reminderMinutes !== undefined) {
		const minutes = Number(fields.reminderMinutes);
		if (!Number.isInteger(minutes) || minutes < 0)
			throw inputError(
				ctx.getNode(),
				'Reminder (Minutes)',
				`${String(fields.reminderMinutes)} is not a number of minutes (0 or more)`,
				itemIndex,
			);
		body.isReminderOn = true;
		body.reminderMinutesBeforeStart = minutes;
	}
	if (fields.importance) body.importance = fields.importance;
	if (fields.sensitivity) body.sensitivity = fields.sensitivity;
	if (fields.showAs) body.showAs = fields.showAs;
	if (fields.categories !== undefined)
		body.categories = categoriesOf(ctx, fields.categories, itemIndex);
	if (fields.recurrence && fields.recurrence !== 'none')
		body.recurrence = recurrenceOf(ctx, fields, zone, startInstant, itemIndex);
	return body;
}

/**
 * A `patternedRecurrence` (https://learn.microsoft.com/en-us/graph/api/resources/patternedrecurrence):
 * pattern from the repeat, interval and days; range from the start date and the chosen end. "No
 * End" must be chosen explicitly: End Date left empty is an error, not an endless series.
 */
function recurrenceOf(
	ctx: IExecuteFunctions,
	fields: EventFields,
	zone: Zone,
	start: number | undefined,
	itemIndex: number,
): IDataObject {
	if (start === undefined)
		throw inputError(
			ctx.getNode(),
			'Start',
			'a recurring event needs the start of its first occurrence: enter Start and End',
			itemIndex,
		);
	const interval = Number(fields.recurrenceInterval ?? 1);
	if (!Number.isInteger(interval) || interval < 1 || interval > 99)
		throw inputError(ctx.getNode(), 'Repeat Every', 'enter a whole number from 1 to 99', itemIndex);
	const first = graphDateTime(start, zone).dateTime;
	const startDate = first.slice(0, 10);
	const weekday = WEEKDAYS[new Date(`${startDate}T00:00:00Z`).getUTCDay()];
	const pattern: IDataObject = { type: fields.recurrence, interval };
	switch (fields.recurrence) {
		case 'weekly': {
			// A list, or (from an expression) text such as "monday, wednesday".
			const raw: unknown = fields.recurrenceDays;
			const given = (
				Array.isArray(raw) ? raw.map((d) => String(d)) : String(raw ?? '').split(/[,;\s]+/)
			)
				.map((d) => d.trim().toLowerCase())
				.filter(Boolean);
			const days = given.length ? given : [weekday];
			for (const day of days)
				if (!WEEKDAYS.includes(day))
					throw inputError(
						ctx.getNode(),
						'On Days',
						`"${day}" is not a day of the week`,
						itemIndex,
					);
			pattern.daysOfWeek = days;
			pattern.firstDayOfWeek = 'monday';
			break;
		}
		case 'absoluteMonthly':
			pattern.dayOfMonth = Number(startDate.slice(8, 10));
			break;
		case 'absoluteYearly':
			pattern.dayOfMonth = Number(startDate.slice(8, 10));
			pattern.month = Number(startDate.slice(5, 7));
			break;
		case 'daily':
			break;
		default:
			throw inputError(
				ctx.getNode(),
				'Repeat',
				`"${String(fields.recurrence)}" is not a repeat: choose Daily, Weekly, Monthly or Yearly`,
				itemIndex,
			);
	}
	const range: IDataObject = { startDate, recurrenceTimeZone: zone.name };
	switch (fields.recurrenceEnd) {
		case 'noEnd':
			range.type = 'noEnd';
			break;
		case 'numbered': {
			const count = Number(fields.recurrenceCount);
			if (!Number.isInteger(count) || count < 1)
				throw inputError(
					ctx.getNode(),
					'Number of Occurrences',
					'enter how many times the event occurs (1 or more)',
					itemIndex,
				);
			range.type = 'numbered';
			range.numberOfOccurrences = count;
			break;
		}
		default: {
			const raw = fields.recurrenceEndDate;
			if (raw === undefined || raw === null || raw === '')
				throw inputError(
					ctx.getNode(),
					'End Repeat On',
					'enter the date of the last occurrence, or set Ends to "After a Number of Occurrences" or "No End"',
					itemIndex,
				);
			const end = readTime(ctx, raw, 'End Repeat On', zone, itemIndex);
			const endDate = graphDateTime(end, zone).dateTime.slice(0, 10);
			if (endDate < startDate)
				throw inputError(
					ctx.getNode(),
					'End Repeat On',
					`${endDate} is before the first occurrence (${startDate})`,
					itemIndex,
				);
			range.type = 'endDate';
			range.endDate = endDate;
		}
	}
	return { pattern, range };
}

/**
 * The create's `transactionId`: the one set by the user, or a digest of the execution, the node,
 * the item index and the item's content. A retried create (n8n's Retry On Fail, or the resend
 * after a lost answer) carries the same ID, and Graph does not create the event again
 * (https://learn.microsoft.com/en-us/graph/api/resources/event, transactionId).
 */
export function transactionIdFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
	given: string | undefined,
): string {
	const own = given?.trim();
	if (own) return own;
	let execution = '';
	try {
		execution = ctx.getExecutionId() ?? '';
	} catch {
		execution = '';
	}
	const node = ctx.getNode();
	const item = ctx.getInputData()[itemIndex]?.json ?? {};
	const hex = createHash('sha256')
		.update(
			JSON.stringify([
				execution,
				node.id ?? node.name,
				itemIndex,
				item,
				ctx.getWorkflow().id ?? '',
			]),
		)
		.digest('hex');
	// Shaped like a GUID (what Outlook clients send); 128 bits of the digest.
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** Output options of event reads. */
export interface EventOutput {
	metadataOnly: boolean;
	/** The pseudonym key when Pseudonymise Addresses is on. */
	pseudonymKey?: string;
}

/** Reads the output options (checks the pseudonym key before anything is sent). */
export async function eventOutputFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<EventOutput> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pseudonymise = ctx.getNodeParameter('pseudonymise', itemIndex, false) as boolean;
	return {
		metadataOnly: options.metadataOnly === true,
		pseudonymKey: pseudonymise ? await readPseudonymKey(ctx, itemIndex) : undefined,
	};
}

/**
 * What Metadata Only keeps of an event: times, status, type, series, organizer's and attendees'
 * addresses and responses (not their names), counts; never the subject, body, preview, location
 * names or attendee names.
 */
const METADATA_KEYS = [
	'id',
	'@odata.etag',
	'iCalUId',
	'uid',
	'createdDateTime',
	'lastModifiedDateTime',
	'changeKey',
	'start',
	'end',
	'originalStart',
	'originalStartTimeZone',
	'originalEndTimeZone',
	'isAllDay',
	'isCancelled',
	'isOrganizer',
	'isOnlineMeeting',
	'onlineMeetingProvider',
	'isReminderOn',
	'reminderMinutesBeforeStart',
	'responseRequested',
	'responseStatus',
	'sensitivity',
	'showAs',
	'importance',
	'type',
	'seriesMasterId',
	'hasAttachments',
	'allowNewTimeProposals',
	'hideAttendees',
	'isDraft',
	'transactionId',
	'recurrence',
	'categories',
];

function addressOnly(recipient: unknown): IDataObject | undefined {
	const email = (recipient as IDataObject | undefined)?.emailAddress as IDataObject | undefined;
	return email ? { emailAddress: { address: email.address ?? null } } : undefined;
}

/** The event as output: all of it, or its metadata only; addresses pseudonymised when asked. */
export function shapeEvent(event: IDataObject, output: EventOutput): IDataObject {
	let shaped: IDataObject = event;
	if (output.metadataOnly) {
		shaped = {};
		for (const key of METADATA_KEYS) if (key in event) shaped[key] = event[key];
		if (event.organizer) shaped.organizer = addressOnly(event.organizer);
		const attendees = Array.isArray(event.attendees) ? (event.attendees as IDataObject[]) : [];
		shaped.attendees = attendees.map((a) => ({
			...addressOnly(a),
			type: a.type,
			status: a.status,
		}));
		shaped.attendeeCount = attendees.length;
		const locations = Array.isArray(event.locations) ? event.locations : [];
		shaped.locationCount = locations.length;
	}
	return output.pseudonymKey ? pseudonymiseAddresses(shaped, output.pseudonymKey) : shaped;
}

/** An address inside any text (a room's location name is its address when Create books it). */
const ADDRESS_IN_TEXT = /[^\s@<>,;:"'()[\]]+@[^\s@<>,;:"'()[\]]+\.[A-Za-z0-9-]+/g;

/**
 * Every email address in the object (`address` keys of emailAddress objects, and the
 * `locationEmailAddress` of rooms) replaced by its pseudonym; names next to them are removed, since
 * a name identifies as well as an address. An address anywhere else in a text (a location's
 * `displayName`, which Create sets to the room's address) is replaced by its pseudonym too.
 */
export function pseudonymiseAddresses<T>(value: T, key: string): T {
	const walk = (v: unknown): unknown => {
		if (typeof v === 'string')
			return v.includes('@') ? v.replace(ADDRESS_IN_TEXT, (a) => pseudonym(key, a)) : v;
		if (Array.isArray(v)) return v.map(walk);
		if (v === null || typeof v !== 'object') return v;
		const out: IDataObject = {};
		const object = v as IDataObject;
		const isEmail = typeof object.address === 'string';
		for (const [k, inner] of Object.entries(object)) {
			if (isEmail && k === 'address') out[k] = pseudonym(key, String(inner));
			else if (isEmail && k === 'name') continue;
			else if (
				(k === 'locationEmailAddress' || k === 'scheduleId' || k === 'emailAddress') &&
				typeof inner === 'string'
			)
				out[k] = inner.includes('@') ? pseudonym(key, inner) : inner;
			else out[k] = walk(inner) as IDataObject[string];
		}
		return out;
	};
	return walk(value) as T;
}
