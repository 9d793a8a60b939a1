/**
 * Graph's calendar surface, as Exchange Online answers it, written from Microsoft's pages:
 * calendars (https://learn.microsoft.com/en-us/graph/api/resources/calendar), events
 * (https://learn.microsoft.com/en-us/graph/api/resources/event) with create (and `transactionId`
 * de-duplication), get, update (an occurrence becomes an exception), delete (cancellations to
 * attendees), cancel, accept / tentativelyAccept / decline, forward, instances, calendarView with
 * recurrence expansion (https://learn.microsoft.com/en-us/graph/api/user-list-calendarview),
 * calendarView delta (https://learn.microsoft.com/en-us/graph/api/event-delta), time zones
 * (`Prefer: outlook.timezone`, https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone)
 * and the meeting flow: requests into attendees' Inboxes with a tentative copy in their calendars,
 * responses back to the organizer, and Exchange's resource booking for room mailboxes.
 *
 * Mailbox concurrency (4 requests per app and mailbox) is the mail service's (graph/mail.ts).
 * Where Microsoft documents no error body the emulator's code and text are marked "assumed".
 */
import type { Emulator } from '../emulator';
import type { EmuRequest, EmuResponse } from '../http';
import { readBody, Router, safeDecode } from '../http';
import {
	Attendee,
	Calendar,
	CalendarMailbox,
	CalendarStore,
	emptyLocation,
	EVENT_PROPERTIES,
	eventJson,
	Instance,
	newEvent,
	occurrenceId,
	overlaps,
	parseOccurrenceId,
	StoredEvent,
} from '../calendar-store';
import { buildMessage, exchangeId, Mailbox, now } from '../mail-store';
import { normaliseRecurrence } from '../recurrence';
import type { RoomFixture, Tenant, User } from '../tenant';
import { instantOf, localParts, parseLocal, preferredZone, resolveZone } from '../timezones';
import type { MailService } from './mail';
import { compileFilter, parseSelect, parseTop } from './odata';
import { GraphContext, GraphError, GraphService } from './service';

const DEFAULT_PAGE = 10;
const MAX_PAGE = 1000;
/** How far ahead a room looks for conflicts of a series when it books it (assumed). */
const BOOKING_HORIZON_MS = 180 * 86400000;

export const CAL_READ = ['Calendars.ReadBasic', 'Calendars.Read', 'Calendars.ReadWrite'];
/** Paths the catalogue lacks (GET /me/calendar, /calendars/{id}, /me/calendarView): the permissions of their siblings. */
const READ_PERMISSIONS = {
	delegated: [...CAL_READ, 'Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'],
	application: CAL_READ,
};

function notFound(): GraphError {
	return new GraphError(
		404,
		'ErrorItemNotFound',
		'The specified object was not found in the store.',
	);
}

function badRequest(code: string, message: string): GraphError {
	return new GraphError(400, code, message);
}

interface Target {
	user: User;
	box: CalendarMailbox;
	mailbox: Mailbox;
}

function encodeToken(value: Record<string, number | string>): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken(token: string): Record<string, number | string> {
	try {
		return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<
			string,
			number | string
		>;
	} catch {
		throw badRequest('ErrorInvalidUrlQuery', 'The sync state is invalid.');
	}
}

/** A `startDateTime`/`endDateTime` query value: its own offset, else UTC (user-list-calendarview). */
function queryInstant(value: string, name: string): number {
	const parsed = parseLocal(value);
	if (!parsed)
		throw badRequest(
			'ErrorInvalidParameter',
			`The value '${value}' of parameter '${name}' is invalid.`,
		);
	const p = parsed.parts;
	return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - (parsed.offsetMs ?? 0);
}

function windowOf(ctx: GraphContext): { from: number; to: number } {
	const q = ctx.req.query;
	const start = [...q.keys()].find((k) => k.toLowerCase() === 'startdatetime');
	const end = [...q.keys()].find((k) => k.toLowerCase() === 'enddatetime');
	if (!start || !end || !q.get(start) || !q.get(end)) {
		// https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/8385 (Graph's answer)
		throw badRequest(
			'ErrorInvalidParameter',
			'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
		);
	}
	const from = queryInstant(q.get(start)!, 'StartDateTime');
	const to = queryInstant(q.get(end)!, 'EndDateTime');
	return { from, to };
}

function pageSize(ctx: GraphContext, fallback: number): { size: number; applied?: number } {
	const prefer = String(ctx.req.headers.prefer ?? '');
	const m = /odata\.maxpagesize=(\d+)/i.exec(prefer);
	if (!m) return { size: fallback };
	const size = Math.max(1, Math.min(MAX_PAGE, Number(m[1])));
	return { size, applied: size };
}

function recipientsOf(value: unknown): Array<{ emailAddress: { name?: string; address: string } }> {
	if (!Array.isArray(value)) return [];
	return value
		.map((r) => (r as { emailAddress?: { name?: unknown; address?: unknown } })?.emailAddress)
		.filter((e) => e && typeof e.address === 'string')
		.map((e) => ({
			emailAddress: {
				...(e!.name ? { name: String(e!.name) } : {}),
				address: String(e!.address),
			},
		}));
}

export class CalendarService {
	readonly store = new CalendarStore();

	constructor(
		private readonly emulator: Emulator,
		private readonly mail: MailService,
	) {}

	private get home(): Tenant {
		return this.emulator.directory.home;
	}

	// -------------------------------------------------------------------------------------------
	// Mailbox access

	findUser(tenant: Tenant, key: string): User | undefined {
		const user = this.mail.store.findUser(tenant, key);
		return user && user.mailbox !== 'none' ? user : undefined;
	}

	boxOf(tenant: Tenant, key: string): CalendarMailbox {
		const user = this.mail.store.findUser(tenant, key);
		if (!user)
			throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
		if (user.mailbox === 'none')
			throw new GraphError(
				404,
				'MailboxNotEnabledForRESTAPI',
				'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
			);
		return this.store.box(user);
	}

	/**
	 * The mailbox a request names. A delegated call on another user's calendar needs a `.Shared`
	 * scope (the emulator does not model folder sharing grants; assumed).
	 */
	target(ctx: GraphContext, write: boolean, freeBusy = false): Target {
		const param = ctx.params.user;
		if (param === undefined && ctx.auth.scheme === 'application')
			throw badRequest(
				'BadRequest',
				'/me request is only valid with delegated authentication flow.',
			);
		const key = param === undefined ? ctx.auth.userId! : safeDecode(param);
		const box = this.boxOf(ctx.tenant, key);
		// Free/busy (getSchedule, findMeetingTimes) is visible across the organisation (assumed).
		if (!freeBusy && ctx.auth.scheme === 'delegated' && ctx.auth.userId !== box.user.id) {
			const shared = write
				? ['Calendars.ReadWrite.Shared']
				: ['Calendars.Read.Shared', 'Calendars.ReadWrite.Shared'];
			if (!shared.some((p) => ctx.auth.permissions.has(p)))
				throw new GraphError(
					403,
					'ErrorAccessDenied',
					'Access is denied. Check credentials and try again.',
				);
		}
		return { user: box.user, box, mailbox: this.mail.store.mailbox(ctx.tenant, box.user.id)! };
	}

	calendarOf(box: CalendarMailbox, id: string | undefined): Calendar {
		if (id === undefined) return box.defaultCalendar;
		const calendar = box.calendar(safeDecode(id));
		if (!calendar) throw notFound();
		return calendar;
	}

	roomOf(tenant: Tenant, user: User): RoomFixture | undefined {
		if (user.mailbox !== 'room') return undefined;
		for (const list of tenant.roomLists)
			for (const room of list.rooms) if (tenant.findUser(room.mailbox)?.id === user.id) return room;
		return { mailbox: user.userPrincipalName };
	}

	// -------------------------------------------------------------------------------------------
	// Test API (emu.calendar)

	/** Creates an event as `user` (UPN) would; meeting requests are delivered. Returns its Graph JSON. */
	createEvent(
		user: string,
		event: Record<string, unknown>,
		calendarId?: string,
	): Record<string, unknown> {
		const box = this.boxOf(this.home, user);
		const created = this.create(
			this.home,
			box,
			this.calendarOf(box, calendarId),
			event,
			true,
		).event;
		return eventJson(created, 'UTC');
	}

	updateEvent(user: string, id: string, patch: Record<string, unknown>): Record<string, unknown> {
		const box = this.boxOf(this.home, user);
		return eventJson(this.update(this.home, box, id, patch), 'UTC');
	}

	deleteEvent(user: string, id: string): void {
		this.remove(this.home, this.boxOf(this.home, user), id);
	}

	cancelEvent(user: string, id: string, comment?: string): void {
		this.cancel(this.home, this.boxOf(this.home, user), id, comment ?? '');
	}

	/** Stored events (series masters, single instances, exceptions) as Graph JSON, times in UTC. */
	events(user: string, calendarId?: string): Array<Record<string, unknown>> {
		const box = this.boxOf(this.home, user);
		return box.events(calendarId).map((e) => eventJson(e, 'UTC'));
	}

	calendars(user: string): Array<Record<string, unknown>> {
		return [...this.boxOf(this.home, user).calendars.values()].map((c) => calendarJson(c));
	}

	/** Sets a mailbox's time zone (working hours for getSchedule and findMeetingTimes). */
	setMailboxTimeZone(user: string, zone: string): void {
		resolveZone(zone);
		this.boxOf(this.home, user).timeZone = zone;
	}

	/** Makes every delta token of a user (or of all users) answer 410 on its next use. */
	expireDeltaTokens(user?: string): void {
		const boxes = user ? [this.boxOf(this.home, user)] : this.store.all();
		for (const box of boxes) box.tokenEpoch += 1;
	}

	/** Bulk seeding for benchmarks: events stored as created, no meeting requests delivered. */
	seedEvents(user: string, events: Array<Record<string, unknown>>, calendarId?: string): number {
		const box = this.boxOf(this.home, user);
		const calendar = this.calendarOf(box, calendarId);
		for (const e of events) this.create(this.home, box, calendar, e, false);
		return events.length;
	}

	/**
	 * Bulk seeding for benchmarks: `count` generated user or room mailboxes
	 * (`{prefix}0001@<domain>` ...; existing ones are kept), rooms optionally in a new room list.
	 * Returns their UPNs.
	 */
	seedMailboxes(options: {
		count: number;
		prefix: string;
		kind?: 'user' | 'room';
		roomList?: { displayName: string; emailAddress: string };
	}): string[] {
		const tenant = this.home;
		const kind = options.kind ?? 'user';
		const width = Math.max(4, String(options.count).length);
		const upns: string[] = [];
		for (let i = 1; i <= options.count; i++) {
			const n = String(i).padStart(width, '0');
			const upn = `${options.prefix}${n}@${tenant.defaultDomain}`;
			if (!tenant.findUser(upn))
				tenant.addUser({
					userPrincipalName: upn,
					displayName: `${kind === 'room' ? 'Seeded Room' : 'Seeded User'} ${options.prefix}${n}`,
					mailbox: kind,
				});
			upns.push(upn);
		}
		if (kind === 'room' && options.roomList) {
			const address = options.roomList.emailAddress.toLowerCase();
			let list = tenant.roomLists.find((l) => l.emailAddress.toLowerCase() === address);
			if (!list) {
				list = { displayName: options.roomList.displayName, emailAddress: address, rooms: [] };
				tenant.roomLists.push(list);
			}
			const listed = new Set(list.rooms.map((r) => r.mailbox.toLowerCase()));
			for (const [i, upn] of upns.entries())
				if (!listed.has(upn)) list.rooms.push({ mailbox: upn, capacity: 4 + (i % 4) * 4 });
		}
		return upns;
	}

	/** Instances of a user's calendar between two instants (tests). */
	view(user: string, from: string, to: string): Array<Record<string, unknown>> {
		const box = this.boxOf(this.home, user);
		return box.view(Date.parse(from), Date.parse(to)).map((i) => eventJson(i.event, 'UTC', i));
	}

	// -------------------------------------------------------------------------------------------
	// Events

	/** Applies a request body's properties to an event, validated as Outlook does. */
	apply(event: StoredEvent, body: Record<string, unknown>, creating: boolean): void {
		if (typeof body.subject === 'string') event.subject = body.subject;
		if (body.body && typeof body.body === 'object') {
			const b = body.body as { contentType?: unknown; content?: unknown };
			event.body = {
				contentType: String(b.contentType ?? 'html').toLowerCase() === 'text' ? 'text' : 'html',
				content: String(b.content ?? ''),
			};
		}
		if (body.start !== undefined || body.end !== undefined || creating) {
			const start = (body.start ??
				(creating ? undefined : this.dtz(event.startMs, event.startZone))) as
				{ dateTime?: unknown; timeZone?: unknown } | undefined;
			const end = (body.end ?? (creating ? undefined : this.dtz(event.endMs, event.endZone))) as
				{ dateTime?: unknown; timeZone?: unknown } | undefined;
			if (!start || !end)
				// assumed: Outlook refuses an event without start or end (the page lists both as required for create).
				throw badRequest(
					'ErrorInvalidRequest',
					"Your request can't be completed. Start and End are required.",
				);
			event.startMs = instantOf(start, 'Start');
			event.endMs = instantOf(end, 'End');
			event.startZone = String(start.timeZone ?? 'UTC');
			event.endZone = String(end.timeZone ?? 'UTC');
			if (event.endMs < event.startMs)
				// assumed text
				throw badRequest(
					'ErrorInvalidRequest',
					"Your request can't be completed. The end time must be after the start time.",
				);
		}
		if (body.isAllDay !== undefined) event.isAllDay = body.isAllDay === true;
		if (
			event.isAllDay &&
			(body.isAllDay !== undefined || body.start !== undefined || body.end !== undefined)
		) {
			// https://learn.microsoft.com/en-us/graph/api/resources/event (isAllDay): "If true,
			// regardless of whether it's a single-day or multi-day event, start and endtime must be
			// set to midnight and be in the same time zone." Error code and text assumed.
			const zone = resolveZone(event.startZone);
			const s = localParts(event.startMs, zone);
			const e = localParts(event.endMs, resolveZone(event.endZone));
			const midnight = (p: typeof s) => p.hour === 0 && p.minute === 0 && p.second === 0;
			if (
				resolveZone(event.startZone) !== resolveZone(event.endZone) ||
				!midnight(s) ||
				!midnight(e) ||
				event.endMs <= event.startMs
			)
				throw badRequest(
					'ErrorPropertyValidationFailure',
					'At least one property failed validation. An all-day event must start and end at midnight in the same time zone and last whole days.',
				);
		}
		if (body.location !== undefined) {
			event.location = this.location(body.location);
			if (body.locations === undefined)
				event.locations = (event.location.displayName as string) ? [event.location] : [];
		}
		if (Array.isArray(body.locations))
			event.locations = body.locations.map((l) => this.location(l));
		if (Array.isArray(body.attendees)) {
			const previous = new Map(
				event.attendees.map((a) => [a.emailAddress.address.toLowerCase(), a]),
			);
			event.attendees = body.attendees.map((a) => {
				const r = a as { type?: unknown; emailAddress?: { name?: unknown; address?: unknown } };
				const address = String(r.emailAddress?.address ?? '');
				if (!address)
					throw badRequest('ErrorInvalidRecipients', 'At least one recipient is not valid.');
				const type = ['required', 'optional', 'resource'].includes(String(r.type))
					? (String(r.type) as Attendee['type'])
					: 'required';
				return {
					type,
					status: previous.get(address.toLowerCase())?.status ?? {
						response: 'none',
						time: '0001-01-01T00:00:00Z',
					},
					emailAddress: {
						...(r.emailAddress?.name ? { name: String(r.emailAddress.name) } : {}),
						address,
					},
				};
			});
		}
		for (const key of ['showAs', 'sensitivity', 'importance'] as const)
			if (typeof body[key] === 'string') event[key] = body[key] as string;
		if (Array.isArray(body.categories)) event.categories = body.categories.map(String);
		if (typeof body.isReminderOn === 'boolean') event.isReminderOn = body.isReminderOn;
		if (typeof body.reminderMinutesBeforeStart === 'number')
			event.reminderMinutesBeforeStart = body.reminderMinutesBeforeStart;
		if (typeof body.allowNewTimeProposals === 'boolean')
			event.allowNewTimeProposals = body.allowNewTimeProposals;
		if (typeof body.responseRequested === 'boolean')
			event.responseRequested = body.responseRequested;
		if (typeof body.isOnlineMeeting === 'boolean') event.isOnlineMeeting = body.isOnlineMeeting;
		if (body.recurrence !== undefined && event.type !== 'exception') {
			event.recurrence = normaliseRecurrence(body.recurrence, event.startZone);
			event.type = event.recurrence ? 'seriesMaster' : 'singleInstance';
		}
	}

	private dtz(ms: number, zone: string) {
		const z = resolveZone(zone);
		const p = localParts(ms, z);
		return {
			dateTime: `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}T${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}:${String(p.second).padStart(2, '0')}`,
			timeZone: zone,
		};
	}

	private location(raw: unknown): Record<string, unknown> {
		const l = (raw ?? {}) as Record<string, unknown>;
		return {
			...emptyLocation(),
			displayName: String(l.displayName ?? ''),
			...(l.locationEmailAddress ? { locationEmailAddress: String(l.locationEmailAddress) } : {}),
			...(l.locationType ? { locationType: String(l.locationType) } : {}),
			...(l.uniqueId ? { uniqueId: String(l.uniqueId), uniqueIdType: 'directory' } : {}),
			...(l.address && typeof l.address === 'object' ? { address: l.address } : {}),
		};
	}

	/**
	 * Creates an event. A second create with the same `transactionId` returns the event the first
	 * created ("transactionId: A custom identifier specified by a client app for the server to
	 * avoid redundant POST operations in case of client retries to create the same event",
	 * https://learn.microsoft.com/en-us/graph/api/resources/event).
	 */
	create(
		tenant: Tenant,
		box: CalendarMailbox,
		calendar: Calendar,
		body: Record<string, unknown>,
		deliver: boolean,
	): { event: StoredEvent; existing: boolean } {
		const transactionId =
			typeof body.transactionId === 'string' && body.transactionId ? body.transactionId : null;
		if (transactionId) {
			const existing = box.transactions.get(transactionId);
			const event = existing ? box.index.get(existing) : undefined;
			if (event) return { event, existing: true };
		}
		const event = newEvent(box);
		event.transactionId = transactionId;
		this.apply(event, body, true);
		box.put(calendar, event);
		if (deliver && event.attendees.length) this.invite(tenant, box, event, event.attendees);
		return { event, existing: false };
	}

	/** Finds an event, occurrence or exception by ID. */
	find(box: CalendarMailbox, rawId: string): { event: StoredEvent; instance?: Instance } {
		const id = safeDecode(rawId);
		const stored = box.index.get(id);
		if (stored) return { event: stored };
		const occ = parseOccurrenceId(id);
		if (occ) {
			const master = box.index.get(occ.masterId);
			if (master?.type === 'seriesMaster' && !master.cancelled.has(occ.originalStart)) {
				const instance =
					master.recurrence &&
					box
						.instancesOf(master, occ.originalStart, occ.originalStart + 1)
						.find((i) => i.originalStart === occ.originalStart);
				if (instance) return { event: master, instance };
			}
		}
		throw notFound();
	}

	update(
		tenant: Tenant,
		box: CalendarMailbox,
		rawId: string,
		patch: Record<string, unknown>,
	): StoredEvent {
		const { event, instance } = this.find(box, rawId);
		let target = event;
		if (instance) {
			// An occurrence changed: it becomes an exception of the series (same ID as the occurrence).
			const exception: StoredEvent = {
				...event,
				id: instance.id,
				type: 'exception',
				seriesMasterId: event.id,
				originalStart: instance.originalStart,
				startMs: instance.start,
				endMs: instance.end,
				recurrence: null,
				transactionId: null,
				attendees: event.attendees.map((a) => ({ ...a, status: { ...a.status } })),
				cancelled: new Map(),
				exceptions: new Map(),
			};
			event.exceptions.set(instance.originalStart!, exception.id);
			box.put(box.calendar(event.calendarId)!, exception);
			target = exception;
		}
		if (patch.recurrence !== undefined && target.type === 'exception')
			throw badRequest(
				'ErrorInvalidRequest',
				"Your request can't be completed. An occurrence can't have a recurrence.",
			);
		const before = new Set(target.attendees.map((a) => a.emailAddress.address.toLowerCase()));
		this.apply(target, patch, false);
		box.touch(target);
		if (target.isOrganizer) {
			this.propagate(tenant, target);
			const added = target.attendees.filter(
				(a) => !before.has(a.emailAddress.address.toLowerCase()),
			);
			if (added.length) this.invite(tenant, box, target, added);
		}
		return target;
	}

	/** Deleting a meeting on the organizer's calendar sends cancellations (event-delete page). */
	remove(tenant: Tenant, box: CalendarMailbox, rawId: string): void {
		const { event, instance } = this.find(box, rawId);
		if (instance) {
			event.cancelled.set(instance.originalStart!, box.nextSeq());
			if (event.isOrganizer) this.notifyCancel(tenant, box, event, '', instance);
			return;
		}
		if (event.type === 'exception' && event.seriesMasterId) {
			const master = box.index.get(event.seriesMasterId);
			master?.exceptions.delete(event.originalStart!);
			master?.cancelled.set(event.originalStart!, box.nextSeq());
		}
		if (event.isOrganizer && !event.isCancelled) this.notifyCancel(tenant, box, event, '');
		box.remove(event.id);
	}

	/**
	 * https://learn.microsoft.com/en-us/graph/api/event-cancel: only the organizer can cancel;
	 * attendees get a cancellation message with the comment; the event leaves the calendar.
	 * An attendee's cancel is 400 (code and text assumed).
	 */
	cancel(tenant: Tenant, box: CalendarMailbox, rawId: string, comment: string): void {
		const { event, instance } = this.find(box, rawId);
		if (!event.isOrganizer)
			throw badRequest(
				'ErrorAccessDenied',
				"Your request can't be completed. You need to be an organizer to cancel a meeting.",
			);
		if (instance) {
			event.cancelled.set(instance.originalStart!, box.nextSeq());
			this.notifyCancel(tenant, box, event, comment, instance);
			return;
		}
		this.notifyCancel(tenant, box, event, comment);
		if (event.type === 'exception' && event.seriesMasterId) {
			const master = box.index.get(event.seriesMasterId);
			master?.exceptions.delete(event.originalStart!);
			master?.cancelled.set(event.originalStart!, box.nextSeq());
		}
		box.remove(event.id);
	}

	// -------------------------------------------------------------------------------------------
	// The meeting flow

	private meetingMessage(
		event: StoredEvent,
		from: CalendarMailbox,
		to: string,
		kind: 'request' | 'cancel' | 'accepted' | 'tentativelyAccepted' | 'declined',
		comment: string,
		instance?: Instance,
		proposedNewTime?: unknown,
	) {
		const prefix = {
			request: '',
			cancel: 'Canceled: ',
			accepted: 'Accepted: ',
			tentativelyAccepted: 'Tentative: ',
			declined: 'Declined: ',
		}[kind];
		const message = buildMessage(
			{
				subject: `${prefix}${event.subject}`,
				body: kind === 'request' ? event.body : { contentType: 'text', content: comment },
				from: { emailAddress: { name: from.user.displayName, address: from.address } },
				toRecipients: [{ emailAddress: { address: to } }],
			},
			false,
		);
		const start = instance?.start ?? event.startMs;
		const end = instance?.end ?? event.endMs;
		const common = {
			meetingMessageType:
				kind === 'request'
					? 'meetingRequest'
					: kind === 'cancel'
						? 'meetingCancelled'
						: kind === 'accepted'
							? 'meetingAccepted'
							: kind === 'declined'
								? 'meetingDeclined'
								: 'meetingTenativelyAccepted',
			startDateTime: this.dtzOut(start),
			endDateTime: this.dtzOut(end),
			location: event.location,
			type: instance ? 'occurrence' : event.type,
			recurrence: instance ? null : event.recurrence,
			isAllDay: event.isAllDay,
			isOutOfDate: false,
			isDelegated: false,
		};
		if (kind === 'request')
			message.eventMessage = {
				'@odata.type': '#microsoft.graph.eventMessageRequest',
				...common,
				meetingRequestType: 'newMeetingRequest',
				responseRequested: event.responseRequested,
				allowNewTimeProposals: event.allowNewTimeProposals,
				previousStartDateTime: null,
				previousEndDateTime: null,
				previousLocation: null,
			};
		else if (kind === 'cancel')
			message.eventMessage = { '@odata.type': '#microsoft.graph.eventMessage', ...common };
		else
			message.eventMessage = {
				'@odata.type': '#microsoft.graph.eventMessageResponse',
				...common,
				responseType: kind,
				proposedNewTime: proposedNewTime ?? null,
			};
		return message;
	}

	private dtzOut(ms: number) {
		return {
			dateTime: new Date(ms).toISOString().replace(/\.\d{3}Z$/, '.0000000'),
			timeZone: 'UTC',
		};
	}

	private inbox(
		tenant: Tenant,
		address: string,
		message: ReturnType<CalendarService['meetingMessage']>,
	): void {
		const box = this.mail.store.mailbox(tenant, address);
		if (box) box.put(box.wellKnownFolder('inbox'), { ...message, id: exchangeId() });
	}

	/** Meeting requests to attendees: a message in each tenant attendee's Inbox and a tentative copy; rooms book themselves. */
	invite(
		tenant: Tenant,
		organizer: CalendarMailbox,
		event: StoredEvent,
		attendees: Attendee[],
	): void {
		for (const attendee of attendees) {
			const address = attendee.emailAddress.address.toLowerCase();
			const user = this.findUser(tenant, address);
			if (!user || user.id === organizer.user.id) {
				if (!user)
					this.mail.store.outbound.push({
						mailbox: organizer.address,
						recipients: [address],
						subject: event.subject,
						internetMessageId: `<${event.iCalUId}@emulator.contoso.test>`,
					});
				continue;
			}
			const box = this.store.box(user);
			const room = this.roomOf(tenant, user);
			if (room && room.autoAccept !== false) {
				// Exchange's resource booking attendant (AutomateProcessing AutoAccept, the default
				// for room mailboxes): accept when free, decline on a conflict, reply to the
				// organizer. The conflict horizon for series is the emulator's (assumed).
				const conflict = this.conflicts(box, event);
				if (!conflict) this.copyTo(box, event, 'accepted');
				this.respondToOrganizer(
					tenant,
					box,
					event,
					conflict ? 'declined' : 'accepted',
					'',
					undefined,
				);
				continue;
			}
			this.copyTo(box, event, room ? 'notResponded' : 'none');
			this.inbox(tenant, address, this.meetingMessage(event, organizer, address, 'request', ''));
		}
	}

	private conflicts(box: CalendarMailbox, event: StoredEvent): boolean {
		const to = event.recurrence ? event.startMs + BOOKING_HORIZON_MS : event.endMs;
		const wanted = box.instancesOf(event, event.startMs, Math.max(to, event.endMs));
		for (const w of wanted) {
			for (const other of box.view(w.start, w.end)) {
				if (other.event.iCalUId === event.iCalUId) continue;
				if (other.event.showAs === 'free' || other.event.isCancelled) continue;
				if (overlaps(other.start, other.end, w.start, w.end)) return true;
			}
		}
		return false;
	}

	/** An attendee's copy of a meeting (same iCalUId), in their default calendar. */
	private copyTo(box: CalendarMailbox, event: StoredEvent, response: string): StoredEvent {
		const existing = box
			.events()
			.find((e) => e.iCalUId === event.iCalUId && e.type !== 'exception');
		if (existing) return existing;
		const copy: StoredEvent = {
			...newEvent(box),
			subject: event.subject,
			body: { ...event.body },
			startMs: event.startMs,
			endMs: event.endMs,
			startZone: event.startZone,
			endZone: event.endZone,
			isAllDay: event.isAllDay,
			location: event.location,
			locations: event.locations,
			attendees: event.attendees.map((a) => ({ ...a, status: { ...a.status } })),
			organizer: event.organizer,
			iCalUId: event.iCalUId,
			type: event.type,
			recurrence: event.recurrence,
			isOrganizer: false,
			allowNewTimeProposals: event.allowNewTimeProposals,
			responseRequested: event.responseRequested,
			responseStatus: { response, time: response === 'none' ? '0001-01-01T00:00:00Z' : now() },
			showAs: response === 'accepted' ? event.showAs : 'tentative',
			cancelled: new Map(event.cancelled),
			exceptions: new Map(),
		};
		return box.put(box.defaultCalendar, copy);
	}

	/** Changes by the organizer reach the attendees' copies (Outlook also sends an update message; not modelled). */
	private propagate(tenant: Tenant, event: StoredEvent): void {
		if (event.type === 'exception') return;
		for (const attendee of event.attendees) {
			const user = this.findUser(tenant, attendee.emailAddress.address);
			if (!user) continue;
			const box = this.store.box(user);
			const copy = box.events().find((e) => e.iCalUId === event.iCalUId && !e.isOrganizer);
			if (!copy) continue;
			Object.assign(copy, {
				subject: event.subject,
				body: { ...event.body },
				startMs: event.startMs,
				endMs: event.endMs,
				startZone: event.startZone,
				endZone: event.endZone,
				isAllDay: event.isAllDay,
				location: event.location,
				locations: event.locations,
				recurrence: event.recurrence,
				type: event.type,
			});
			box.touch(copy);
		}
	}

	private notifyCancel(
		tenant: Tenant,
		organizer: CalendarMailbox,
		event: StoredEvent,
		comment: string,
		instance?: Instance,
	): void {
		for (const attendee of event.attendees) {
			const address = attendee.emailAddress.address.toLowerCase();
			const user = this.findUser(tenant, address);
			if (!user || user.id === organizer.user.id) continue;
			const box = this.store.box(user);
			const copy = box.events().find((e) => e.iCalUId === event.iCalUId && !e.isOrganizer);
			if (copy) {
				if (instance) copy.cancelled.set(instance.originalStart!, box.nextSeq());
				else if (user.mailbox === 'room') box.remove(copy.id);
				else {
					copy.isCancelled = true;
					copy.subject = `Canceled: ${event.subject}`;
					box.touch(copy);
				}
			}
			if (user.mailbox !== 'room' || this.roomOf(tenant, user)?.autoAccept === false)
				this.inbox(
					tenant,
					address,
					this.meetingMessage(event, organizer, address, 'cancel', comment, instance),
				);
		}
	}

	/** An attendee's response reaches the organizer: their event's attendee status, and a message. */
	private respondToOrganizer(
		tenant: Tenant,
		attendee: CalendarMailbox,
		event: StoredEvent,
		response: 'accepted' | 'tentativelyAccepted' | 'declined',
		comment: string,
		proposedNewTime: unknown,
		sendMessage = true,
	): void {
		const organizerUser = this.findUser(tenant, event.organizer.emailAddress.address);
		if (!organizerUser) return;
		const organizer = this.store.box(organizerUser);
		const original = organizer.events().find((e) => e.iCalUId === event.iCalUId && e.isOrganizer);
		if (original) {
			const entry = original.attendees.find(
				(a) => a.emailAddress.address.toLowerCase() === attendee.address,
			);
			if (entry) {
				entry.status = { response, time: now() };
				if (proposedNewTime) entry.proposedNewTime = proposedNewTime as Attendee['proposedNewTime'];
				organizer.touch(original);
			}
		}
		if (sendMessage)
			this.inbox(
				tenant,
				organizer.address,
				this.meetingMessage(
					event,
					attendee,
					organizer.address,
					response,
					comment,
					undefined,
					proposedNewTime,
				),
			);
	}

	/**
	 * accept / tentativelyAccept / decline (https://learn.microsoft.com/en-us/graph/api/event-accept,
	 * event-tentativelyaccept, event-decline): `proposedNewTime` only with tentativelyAccept and
	 * decline, only when `sendResponse` is true and the organizer allows new time proposals;
	 * else 400 (code and text assumed). A declined meeting leaves the attendee's calendar
	 * (Outlook's default; assumed).
	 */
	respond(
		tenant: Tenant,
		box: CalendarMailbox,
		rawId: string,
		response: 'accepted' | 'tentativelyAccepted' | 'declined',
		body: Record<string, unknown>,
	): void {
		const { event } = this.find(box, rawId);
		if (event.isOrganizer)
			throw badRequest(
				'ErrorInvalidRequest',
				"Your request can't be completed. You can't respond to your own meeting.",
			);
		const sendResponse = body.sendResponse !== false;
		const proposed = body.proposedNewTime;
		if (proposed !== undefined && proposed !== null) {
			if (response === 'accepted')
				throw badRequest(
					'ErrorInvalidRequest',
					"The parameter 'proposedNewTime' is not valid for accept.",
				);
			if (!sendResponse)
				throw badRequest(
					'ErrorInvalidRequest',
					"Your request can't be completed. A proposed new time can only be sent with sendResponse set to true.",
				);
			if (!event.allowNewTimeProposals)
				throw badRequest(
					'ErrorInvalidRequest',
					"Your request can't be completed. The organizer doesn't allow new time proposals for this meeting.",
				);
			const p = proposed as {
				start?: { dateTime?: unknown; timeZone?: unknown };
				end?: { dateTime?: unknown; timeZone?: unknown };
			};
			instantOf(p.start, 'proposedNewTime.start');
			instantOf(p.end, 'proposedNewTime.end');
		}
		event.responseStatus = { response, time: now() };
		if (response === 'declined') box.remove(event.id);
		else {
			event.showAs = response === 'accepted' ? 'busy' : 'tentative';
			box.touch(event);
		}
		this.respondToOrganizer(
			tenant,
			box,
			event,
			response,
			String(body.comment ?? ''),
			proposed ?? undefined,
			sendResponse,
		);
	}

	/** https://learn.microsoft.com/en-us/graph/api/event-forward: a meeting request to each recipient. */
	forward(
		tenant: Tenant,
		box: CalendarMailbox,
		rawId: string,
		body: Record<string, unknown>,
	): void {
		const { event } = this.find(box, rawId);
		const to = recipientsOf(body.toRecipients);
		if (!to.length)
			throw badRequest(
				'ErrorInvalidRecipients',
				'At least one recipient is not valid., Recipient is missing.',
			);
		for (const r of to) {
			const address = r.emailAddress.address.toLowerCase();
			const user = this.findUser(tenant, address);
			if (!user) continue;
			this.copyTo(this.store.box(user), event, 'none');
			const message = this.meetingMessage(event, box, address, 'request', '');
			if (body.comment)
				message.body = {
					contentType: 'text',
					content: `${String(body.comment)}\n\n${event.body.content}`,
				};
			this.inbox(tenant, address, message);
		}
	}

	// -------------------------------------------------------------------------------------------
	// Lists, views and delta

	zoneOf(ctx: GraphContext): { zone: string; headers: Record<string, string> } {
		const zone = preferredZone(ctx.req.headers.prefer);
		return zone
			? { zone, headers: { 'Preference-Applied': `outlook.timezone="${zone}"` } }
			: { zone: 'UTC', headers: {} };
	}

	private query(
		ctx: GraphContext,
		records: Array<Record<string, unknown>>,
		defaultOrder: ((a: Record<string, unknown>, b: Record<string, unknown>) => number) | undefined,
	): Array<Record<string, unknown>> {
		const q = ctx.req.query;
		let items = records;
		const filter = q.get('$filter');
		if (filter !== null) {
			const predicate = compileFilter(filter, (name) =>
				EVENT_PROPERTIES.some((p) => p.toLowerCase() === name.toLowerCase()),
			);
			items = items.filter((r) => predicate(r));
		}
		const orderby = q.get('$orderby');
		if (orderby !== null) {
			const keys = orderby.split(',').map((part) => {
				const [prop, dir = 'asc'] = part.trim().split(/\s+/);
				const path = prop.split('/');
				if (!EVENT_PROPERTIES.some((p) => p.toLowerCase() === path[0].toLowerCase()))
					throw badRequest(
						'ErrorInvalidProperty',
						`The property '${prop}' does not support sorting.`,
					);
				return { path, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
			});
			const value = (r: Record<string, unknown>, path: string[]) => {
				let v: unknown = r;
				for (const k of path) {
					const o = v as Record<string, unknown> | null;
					const found = o && Object.keys(o).find((x) => x.toLowerCase() === k.toLowerCase());
					v = found ? o![found] : undefined;
				}
				return String(v ?? '');
			};
			items = [...items].sort((a, b) => {
				for (const { path, sign } of keys) {
					const x = value(a, path);
					const y = value(b, path);
					if (x !== y) return x < y ? -sign : sign;
				}
				return 0;
			});
		} else if (defaultOrder) items = [...items].sort(defaultOrder);
		return items;
	}

	/** One page (by $skip) of event records, with $select and `@odata.nextLink`. */
	private page(
		ctx: GraphContext,
		items: Array<Record<string, unknown>>,
		contextPath: string,
		headers: Record<string, string>,
	): EmuResponse {
		const q = ctx.req.query;
		const select = parseSelect(ctx, EVENT_PROPERTIES, 'event');
		const { size, applied } = pageSize(ctx, DEFAULT_PAGE);
		const top = q.get('$top') !== null ? parseTop(ctx, DEFAULT_PAGE, MAX_PAGE) : size;
		const skip = Math.max(0, Number(q.get('$skip') ?? 0) || 0);
		const page = items.slice(skip, skip + top);
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#${contextPath}${select ? `(${select.join(',')})` : ''}`,
			value: page.map((r) => project(r, select)),
		};
		if (skip + top < items.length) {
			const next = new URLSearchParams(q);
			next.set('$skip', String(skip + top));
			body['@odata.nextLink'] =
				`${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}?${next.toString().replace(/%24/g, '$')}`;
		}
		const out = { ...headers };
		if (applied !== undefined)
			out['Preference-Applied'] = [out['Preference-Applied'], `odata.maxpagesize=${applied}`]
				.filter(Boolean)
				.join(', ');
		return { status: 200, headers: out, body, contractType: 'Collection(event)' };
	}

	listEvents(ctx: GraphContext, t: Target, calendar?: Calendar): EmuResponse {
		const { zone, headers } = this.zoneOf(ctx);
		const events = t.box
			.events(calendar?.id)
			.filter((e) => e.type !== 'exception')
			.map((e) => eventJson(e, zone, undefined, ctx.req.baseUrl));
		const items = this.query(ctx, events, undefined);
		return this.page(ctx, items, `users('${t.user.id}')/events`, headers);
	}

	calendarView(ctx: GraphContext, t: Target, calendar?: Calendar): EmuResponse {
		const { from, to } = windowOf(ctx);
		const { zone, headers } = this.zoneOf(ctx);
		const records = t.box
			.view(from, to, calendar?.id)
			.map((i) => eventJson(i.event, zone, i, ctx.req.baseUrl));
		return this.page(
			ctx,
			this.query(ctx, records, undefined),
			`users('${t.user.id}')/calendarView`,
			headers,
		);
	}

	instances(ctx: GraphContext, t: Target, rawId: string): EmuResponse {
		const { from, to } = windowOf(ctx);
		const { zone, headers } = this.zoneOf(ctx);
		const { event, instance } = this.find(t.box, rawId);
		if (instance || event.type !== 'seriesMaster') {
			const single = instance ? [instance] : t.box.instancesOf(event, from, to);
			return this.page(
				ctx,
				single.map((i) => eventJson(i.event, zone, i, ctx.req.baseUrl)),
				`users('${t.user.id}')/events('${event.id}')/instances`,
				headers,
			);
		}
		const all = [
			...t.box.instancesOf(event, from, to),
			...[...event.exceptions.values()].flatMap((id) => {
				const ex = t.box.index.get(id);
				return ex ? t.box.instancesOf(ex, from, to) : [];
			}),
		].sort((a, b) => a.start - b.start);
		return this.page(
			ctx,
			all.map((i) => eventJson(i.event, zone, i, ctx.req.baseUrl)),
			`users('${t.user.id}')/events('${event.id}')/instances`,
			headers,
		);
	}

	/**
	 * calendarView delta (https://learn.microsoft.com/en-us/graph/api/event-delta): the first round
	 * needs startDateTime/endDateTime and returns every instance in the window; `@odata.nextLink`
	 * carries `$skiptoken`, the last page `@odata.deltaLink` with `$deltatoken`. Later rounds return
	 * the instances of events created or changed since, and `@removed` for deleted ones and
	 * cancelled occurrences. `Prefer: odata.maxpagesize` sets the page size (default 10, assumed).
	 * A token older than `expireDeltaTokens` answers 410 syncStateNotFound (text assumed).
	 */
	delta(ctx: GraphContext, t: Target, calendar?: Calendar): EmuResponse {
		const q = ctx.req.query;
		const { zone, headers } = this.zoneOf(ctx);
		const { size, applied } = pageSize(ctx, DEFAULT_PAGE);
		const box = t.box;
		const deltaToken = q.get('$deltatoken');
		const skipToken = q.get('$skiptoken');
		let from: number;
		let to: number;
		let since = 0;
		let until = box.sequence;
		let offset = 0;
		const token = deltaToken ?? skipToken;
		if (token) {
			const s = decodeToken(token);
			if (s.u !== box.user.id || (s.c ?? '') !== (calendar?.id ?? ''))
				throw badRequest('ErrorInvalidUrlQuery', 'The sync state is invalid.');
			if (Number(s.e) !== box.tokenEpoch)
				throw new GraphError(
					410,
					'syncStateNotFound',
					'The sync state generation is not found or has expired. Please start a new sync without a token.',
				);
			from = Number(s.f);
			to = Number(s.t);
			if (deltaToken) since = Number(s.s);
			else {
				since = Number(s.since);
				until = Number(s.s);
				offset = Number(s.o);
			}
		} else {
			({ from, to } = windowOf(ctx));
		}
		const entries: Array<{ key: number; json: Record<string, unknown> }> = [];
		const json = (i: Instance) => eventJson(i.event, zone, i, ctx.req.baseUrl);
		if (since === 0) {
			for (const i of box.view(from, to, calendar?.id))
				entries.push({ key: i.start, json: json(i) });
		} else {
			const seen = new Set<string>();
			for (const event of box.events(calendar?.id)) {
				const changed = box.changes.get(event.id) ?? 0;
				if (changed > since && changed <= until) {
					for (const i of box.instancesOf(event, from, to)) {
						seen.add(i.id);
						entries.push({ key: changed, json: json(i) });
					}
				}
				for (const [orig, seq] of event.cancelled) {
					if (seq > since && seq <= until) {
						const id = occurrenceId(event.id, orig);
						if (!seen.has(id) && overlaps(orig, orig + (event.endMs - event.startMs), from, to)) {
							seen.add(id);
							entries.push({ key: seq, json: removed(id) });
						}
					}
				}
			}
			// A deleted exception also cancels its occurrence: one @removed per ID.
			for (const [, { seq, event }] of box.removed) {
				if (seq <= since || seq > until) continue;
				if (calendar && event.calendarId !== calendar.id) continue;
				for (const i of box.instancesOf(event, from, to)) {
					if (seen.has(i.id)) continue;
					seen.add(i.id);
					entries.push({ key: seq, json: removed(i.id) });
				}
			}
			entries.sort((a, b) => a.key - b.key);
		}
		const page = entries.slice(offset, offset + size);
		const base = `${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}`;
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#Collection(event)`,
			value: page.map((e) => e.json),
		};
		const state = { u: box.user.id, c: calendar?.id ?? '', f: from, t: to, e: box.tokenEpoch };
		if (offset + size < entries.length)
			body['@odata.nextLink'] =
				`${base}?$skiptoken=${encodeToken({ ...state, since, s: until, o: offset + size })}`;
		else body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ ...state, s: until })}`;
		const out = { ...headers };
		if (applied !== undefined)
			out['Preference-Applied'] = [out['Preference-Applied'], `odata.maxpagesize=${applied}`]
				.filter(Boolean)
				.join(', ');
		return { status: 200, headers: out, body, contractType: 'Collection(event)' };
	}
}

function removed(id: string): Record<string, unknown> {
	return { '@odata.type': '#microsoft.graph.event', id, '@removed': { reason: 'deleted' } };
}

function project(
	record: Record<string, unknown>,
	select: string[] | undefined,
): Record<string, unknown> {
	if (!select) return record;
	const out: Record<string, unknown> = { '@odata.etag': record['@odata.etag'], id: record.id };
	for (const name of select) out[name] = record[name] ?? null;
	return out;
}

export function calendarJson(c: Calendar): Record<string, unknown> {
	return {
		id: c.id,
		name: c.name,
		color: c.color,
		hexColor: c.hexColor,
		isDefaultCalendar: c.isDefaultCalendar,
		changeKey: c.changeKey,
		canShare: true,
		canViewPrivateItems: true,
		canEdit: true,
		isRemovable: !c.isDefaultCalendar,
		isTallyingResponses: true,
		allowedOnlineMeetingProviders: ['teamsForBusiness'],
		defaultOnlineMeetingProvider: 'teamsForBusiness',
		owner: c.owner,
	};
}

const CALENDAR_PROPERTIES = Object.keys(
	calendarJson({
		id: '',
		name: '',
		color: '',
		hexColor: '',
		isDefaultCalendar: false,
		changeKey: '',
		owner: { name: '', address: '' },
		events: new Map(),
	}),
);

/** Registers `/me<suffix>` and `/users/:user<suffix>`, inside the mailbox's concurrency limit. */
function both(
	graph: GraphService,
	service: CalendarService,
	mail: MailService,
	method: string,
	suffix: string,
	write: boolean,
	handler: (ctx: GraphContext, t: Target) => Promise<EmuResponse> | EmuResponse,
	permissions?: { delegated: string[]; application: string[] },
): void {
	for (const prefix of ['/me', '/users/:user']) {
		graph.route(
			method,
			`${prefix}${suffix}`,
			async (ctx) => {
				const t = service.target(ctx, write);
				if (method === 'POST' || method === 'PATCH') await ctx.json();
				return await mail.inMailbox(ctx, t.mailbox, () => handler(ctx, t));
			},
			{ workload: 'mail', ...(permissions ? { permissions } : {}) },
		);
	}
}

export function registerCalendar(
	graph: GraphService,
	emulator: Emulator,
	mail: MailService,
): CalendarService {
	const service = new CalendarService(emulator, mail);
	const route = (
		method: string,
		suffix: string,
		write: boolean,
		handler: (ctx: GraphContext, t: Target) => Promise<EmuResponse> | EmuResponse,
		permissions?: { delegated: string[]; application: string[] },
	) => both(graph, service, mail, method, suffix, write, handler, permissions);

	// Calendars
	route('GET', '/calendars', false, (ctx, t) => {
		const select = parseSelect(ctx, CALENDAR_PROPERTIES, 'calendar');
		const top = parseTop(ctx, DEFAULT_PAGE, MAX_PAGE);
		let items = [...t.box.calendars.values()].map(calendarJson);
		const filter = ctx.req.query.get('$filter');
		if (filter !== null) {
			const predicate = compileFilter(filter, (n) =>
				CALENDAR_PROPERTIES.some((p) => p.toLowerCase() === n.toLowerCase()),
			);
			items = items.filter((c) => predicate(c));
		}
		const skip = Math.max(0, Number(ctx.req.query.get('$skip') ?? 0) || 0);
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#users('${t.user.id}')/calendars`,
			value: items.slice(skip, skip + top).map((c) => project(c, select)),
		};
		if (skip + top < items.length) {
			const next = new URLSearchParams(ctx.req.query);
			next.set('$skip', String(skip + top));
			body['@odata.nextLink'] =
				`${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}?${next.toString().replace(/%24/g, '$')}`;
		}
		return { status: 200, body, contractType: 'Collection(calendar)' };
	});
	const getCalendar = (ctx: GraphContext, c: Calendar, t: Target): EmuResponse => ({
		status: 200,
		body: {
			'@odata.context': `${ctx.root}/$metadata#users('${t.user.id}')/calendars/$entity`,
			...project(calendarJson(c), parseSelect(ctx, CALENDAR_PROPERTIES, 'calendar')),
		},
		contractType: 'calendar',
	});
	route(
		'GET',
		'/calendar',
		false,
		(ctx, t) => getCalendar(ctx, t.box.defaultCalendar, t),
		READ_PERMISSIONS,
	);
	route('POST', '/calendars', true, async (ctx, t) => {
		const body = await ctx.json<{ name?: unknown }>();
		const name = typeof body.name === 'string' ? body.name.trim() : '';
		if (!name) throw badRequest('ErrorInvalidRequest', "The calendar's name is required.");
		if ([...t.box.calendars.values()].some((c) => c.name.toLowerCase() === name.toLowerCase()))
			// Exchange refuses a second folder of the same name (ErrorFolderExists); status assumed 409.
			throw new GraphError(
				409,
				'ErrorFolderExists',
				'A folder with the specified name already exists.',
			);
		const c = t.box.addCalendar(name);
		return {
			status: 201,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${t.user.id}')/calendars/$entity`,
				...calendarJson(c),
			},
			contractType: 'calendar',
		};
	});

	// Events of a calendar (before /calendars/:id so `events` is not taken for an ID)
	for (const [prefix, pick] of [
		['/calendar', (t: Target) => t.box.defaultCalendar],
		[
			'/calendars/:calendarId',
			(t: Target, ctx: GraphContext) => service.calendarOf(t.box, ctx.params.calendarId),
		],
	] as const) {
		route('GET', `${prefix}/events`, false, (ctx, t) => service.listEvents(ctx, t, pick(t, ctx)));
		route('POST', `${prefix}/events`, true, async (ctx, t) => createRoute(ctx, t, pick(t, ctx)));
		route('GET', `${prefix}/calendarView/delta`, false, (ctx, t) =>
			service.delta(ctx, t, pick(t, ctx)),
		);
		route(
			'GET',
			`${prefix}/calendarView`,
			false,
			(ctx, t) => service.calendarView(ctx, t, pick(t, ctx)),
			READ_PERMISSIONS,
		);
	}
	route(
		'GET',
		'/calendars/:calendarId',
		false,
		(ctx, t) => getCalendar(ctx, service.calendarOf(t.box, ctx.params.calendarId), t),
		READ_PERMISSIONS,
	);
	route('DELETE', '/calendars/:calendarId', true, (ctx, t) => {
		const c = service.calendarOf(t.box, ctx.params.calendarId);
		if (c.isDefaultCalendar)
			// Exchange refuses to delete a distinguished folder (ErrorDeleteDistinguishedFolder); assumed for the default calendar.
			throw badRequest(
				'ErrorDeleteDistinguishedFolder',
				'Distinguished folders cannot be deleted.',
			);
		for (const e of [...c.events.values()]) t.box.remove(e.id);
		t.box.calendars.delete(c.id);
		return { status: 204 };
	});

	// Events
	const createRoute = async (
		ctx: GraphContext,
		t: Target,
		calendar: Calendar,
	): Promise<EmuResponse> => {
		const body = await ctx.json<Record<string, unknown>>();
		const { event } = service.create(ctx.tenant, t.box, calendar, body, true);
		const { zone, headers } = service.zoneOf(ctx);
		return {
			status: 201,
			headers,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${t.user.id}')/events/$entity`,
				...eventJson(event, zone, undefined, ctx.req.baseUrl),
			},
			contractType: 'event',
		};
	};
	route('GET', '/events', false, (ctx, t) => service.listEvents(ctx, t));
	route('POST', '/events', true, (ctx, t) => createRoute(ctx, t, t.box.defaultCalendar));
	route('GET', '/calendarView/delta', false, (ctx, t) => service.delta(ctx, t));
	route('GET', '/calendarView', false, (ctx, t) => service.calendarView(ctx, t), READ_PERMISSIONS);
	route('GET', '/events/:id/instances', false, (ctx, t) =>
		service.instances(ctx, t, ctx.params.id),
	);
	route('GET', '/events/:id', false, (ctx, t) => {
		const { zone, headers } = service.zoneOf(ctx);
		const { event, instance } = service.find(t.box, ctx.params.id);
		const select = parseSelect(ctx, EVENT_PROPERTIES, 'event');
		return {
			status: 200,
			headers,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${t.user.id}')/events/$entity`,
				...project(eventJson(event, zone, instance, ctx.req.baseUrl), select),
			},
			contractType: 'event',
		};
	});
	route('PATCH', '/events/:id', true, async (ctx, t) => {
		const body = await ctx.json<Record<string, unknown>>();
		const event = service.update(ctx.tenant, t.box, ctx.params.id, body);
		const { zone, headers } = service.zoneOf(ctx);
		return {
			status: 200,
			headers,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${t.user.id}')/events/$entity`,
				...eventJson(event, zone, undefined, ctx.req.baseUrl),
			},
			contractType: 'event',
		};
	});
	route('DELETE', '/events/:id', true, (ctx, t) => {
		service.remove(ctx.tenant, t.box, ctx.params.id);
		return { status: 204 };
	});
	route('POST', '/events/:id/cancel', true, async (ctx, t) => {
		const body = await ctx.json<{ comment?: unknown; Comment?: unknown }>();
		service.cancel(ctx.tenant, t.box, ctx.params.id, String(body.comment ?? body.Comment ?? ''));
		return { status: 202 };
	});
	for (const [action, response] of [
		['accept', 'accepted'],
		['tentativelyAccept', 'tentativelyAccepted'],
		['decline', 'declined'],
	] as const) {
		route('POST', `/events/:id/${action}`, true, async (ctx, t) => {
			service.respond(
				ctx.tenant,
				t.box,
				ctx.params.id,
				response,
				await ctx.json<Record<string, unknown>>(),
			);
			return { status: 202 };
		});
	}
	route('POST', '/events/:id/forward', false, async (ctx, t) => {
		service.forward(ctx.tenant, t.box, ctx.params.id, await ctx.json<Record<string, unknown>>());
		return { status: 202 };
	});
	return service;
}

/**
 * The calendar test API over HTTP for other processes (`?user=UPN`): GET
 * /_emulator/calendar/events (`{ events }`, stored events as Graph JSON in UTC), GET
 * /_emulator/calendar/view?from=&to= (`{ events }`, the calendar view's instances), POST
 * /_emulator/calendar/events (body = event, returns it), PATCH and DELETE
 * /_emulator/calendar/events/{id}, POST /_emulator/calendar/events/{id}/cancel.
 */
export function registerCalendarAdmin(router: Router, calendar: CalendarService): void {
	const run = async (
		req: EmuRequest,
		fn: (user: string, body: Record<string, unknown>) => unknown,
	) => {
		const user = req.query.get('user');
		if (!user) return { status: 400, body: { error: 'user (UPN) is required' } };
		try {
			const raw = await readBody(req.body, 4 * 1024 * 1024);
			const body = (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as Record<string, unknown>;
			const result = fn(user, body);
			return result === undefined ? { status: 204 } : { status: 200, body: result };
		} catch (error) {
			const status = error instanceof GraphError ? error.status : 400;
			return { status, body: { error: (error as Error).message } };
		}
	};
	router.add('GET', '/_emulator/calendar/events', (req) =>
		run(req, (user) => ({
			events: calendar.events(user, req.query.get('calendarId') ?? undefined),
		})),
	);
	router.add('GET', '/_emulator/calendar/view', (req) =>
		run(req, (user) => ({
			events: calendar.view(user, req.query.get('from') ?? '', req.query.get('to') ?? ''),
		})),
	);
	router.add('POST', '/_emulator/calendar/events', (req) =>
		run(req, (user, body) =>
			calendar.createEvent(user, body, req.query.get('calendarId') ?? undefined),
		),
	);
	// Bulk seeding for benchmarks: no behaviour changes, only mailboxes, room lists and events.
	router.add('POST', '/_emulator/calendar/mailboxes/seed', async (req) => {
		try {
			const raw = await readBody(req.body, 64 * 1024);
			const body = JSON.parse(raw.toString('utf8') || '{}') as Parameters<
				CalendarService['seedMailboxes']
			>[0];
			if (!Number.isInteger(body.count) || body.count < 1 || !/^[a-z0-9.-]+$/i.test(body.prefix))
				return {
					status: 400,
					body: { error: 'count (>= 1) and prefix ([a-z0-9.-]) are required' },
				};
			return { status: 200, body: { mailboxes: calendar.seedMailboxes(body) } };
		} catch (error) {
			return { status: 400, body: { error: (error as Error).message } };
		}
	});
	router.add('POST', '/_emulator/calendar/seed', async (req) => {
		try {
			const raw = await readBody(req.body, 64 * 1024 * 1024);
			const body = JSON.parse(raw.toString('utf8') || '{}') as {
				seeds?: Array<{
					user: string;
					events: Array<Record<string, unknown>>;
					calendarId?: string;
				}>;
			};
			let events = 0;
			for (const seed of body.seeds ?? [])
				events += calendar.seedEvents(seed.user, seed.events, seed.calendarId);
			return { status: 200, body: { events } };
		} catch (error) {
			const status = error instanceof GraphError ? error.status : 400;
			return { status, body: { error: (error as Error).message } };
		}
	});
	router.add('PATCH', '/_emulator/calendar/events/:id', (req, params) =>
		run(req, (user, body) => calendar.updateEvent(user, safeDecode(params.id), body)),
	);
	router.add('DELETE', '/_emulator/calendar/events/:id', (req, params) =>
		run(req, (user) => calendar.deleteEvent(user, safeDecode(params.id))),
	);
	router.add('POST', '/_emulator/calendar/events/:id/cancel', (req, params) =>
		run(req, (user, body) =>
			calendar.cancelEvent(user, safeDecode(params.id), body.comment as string | undefined),
		),
	);
}
