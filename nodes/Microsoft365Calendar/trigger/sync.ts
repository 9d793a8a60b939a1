/**
 * Change tracking for the Calendar trigger through Graph's calendarView delta
 * (https://learn.microsoft.com/en-us/graph/api/event-delta,
 * https://learn.microsoft.com/en-us/graph/delta-query-events).
 *
 * A calendarView delta is bound to the window (startDateTime, endDateTime) of its first request:
 * its `@odata.nextLink` / `@odata.deltaLink` encode it, and the window cannot change later. The
 * trigger watches a rolling window (whole UTC days: today - Look Back .. today + Look Ahead + 1),
 * which moves once a day. The state (workflow static data) keeps, per event occurrence of the
 * window, a short record under its ID: a hash of its `changeKey` ("Every time the event is
 * changed, ChangeKey changes as well", https://learn.microsoft.com/en-us/graph/api/resources/event),
 * whether it is cancelled, and the hour (UTC) by which it has ended. That is bounded by the window (the ID
 * and about 20 bytes per occurrence) and is what tells created from updated from cancelled, and what drops a
 * change Graph reports twice. No event is kept between polls.
 *
 * A round (one poll) is built from up to two reads:
 * - a full sync of the current window (a new delta round, pages streamed: only the records are
 *   kept, plus the events that are to be emitted), when there is no state, when the window has
 *   moved, or when the stored delta token has expired;
 * - the incremental read of the stored deltaLink (the changes since the previous round).
 *
 * Classification of the incremental read: an entry with `@removed` of a known occurrence →
 * `deleted` (Graph: "Removed instances are represented by their id and an @removed object"); an
 * unknown ID → `created`; a known ID whose changeKey differs → `cancelled` when it became
 * `isCancelled`, else `updated`; the same changeKey → nothing (a repeated delivery).
 *
 * Window move: the new window's full sync comes first, then the old deltaLink is read to its end,
 * so that a change made between the two requests is reported by the old round (and, again, by the
 * new deltaLink next time, where the records drop it). Occurrences that only entered the window
 * because the days moved are recorded, not emitted, unless Graph created them after the previous
 * round (`createdDateTime` ≥ the server's Date header of that round: then `created`);
 * occurrences that left it are dropped without an item.
 *
 * Expired token (Graph answers 410 Gone or `syncStateNotFound`/`resyncRequired`, delta-query-overview):
 * the full sync of the window is compared with the records: a changed changeKey → `updated` /
 * `cancelled`, a new occurrence created after the previous round → `created`, a recorded one
 * missing (and not left by time) → `deleted`. Only real differences are emitted.
 *
 * The state is returned, never written here: the poll writes it after every item is built.
 */
import { createHash } from 'node:crypto';
import { NodeApiError, type IDataObject } from 'n8n-workflow';
import { zoneOffsetMs } from '../../shared/time-zones';
import type { GraphTransport } from '../../shared/transport';

export type ChangeType = 'created' | 'updated' | 'cancelled' | 'deleted';

/** Occurrences per delta page asked for (Prefer: odata.maxpagesize). */
export const DELTA_PAGE = 100;

export interface Window {
	start: string;
	end: string;
}

export interface CalendarState {
	/** The calendar the state belongs to (owner and calendar). */
	key?: string;
	window?: Window;
	deltaLink?: string;
	/** Server time (Date header) at the start of the round that gave the deltaLink. */
	syncedAt?: string;
	/** Occurrence ID → record (see `recordOf`). */
	events?: Record<string, string>;
}

export interface Change {
	changeType: ChangeType;
	event: IDataObject;
}

export interface RoundResult {
	changes: Change[];
	state: CalendarState;
	/** What the round did, for the log: 'baseline', 'incremental', 'windowMoved', 'resynced'. */
	mode: 'baseline' | 'incremental' | 'windowMoved' | 'resynced';
}

const HOUR = 3600_000;

/** The first `chars` base64url characters of SHA-256. */
function hash(text: string, chars: number): string {
	return createHash('sha256').update(text).digest('base64url').slice(0, chars);
}

/** Records are keyed by the occurrence ID itself: a deletion found by a re-sync names it. */
const idKey = (id: string) => id;

function withoutAnnotations(event: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(event)) if (!key.startsWith('@')) out[key] = value;
	return out;
}

/** The event's version: its changeKey, or (no changeKey delivered) a hash of the entry. */
function versionOf(event: IDataObject): string {
	const changeKey = event.changeKey;
	return hash(
		typeof changeKey === 'string' && changeKey
			? changeKey
			: JSON.stringify(withoutAnnotations(event)),
		8,
	);
}

/** The offset (ms) of an IANA time zone at an instant, or undefined for a name Intl does not know. */
function zoneOffset(instant: number, zone: string): number | undefined {
	try {
		const offset = zoneOffsetMs(instant, zone);
		return Number.isNaN(offset) ? undefined : offset;
	} catch {
		return undefined;
	}
}

/**
 * The hour (since 1970, UTC) by which the occurrence has surely ended. `end` is a
 * dateTimeTimeZone in the zone of the request's `Prefer: outlook.timezone` (UTC without it).
 * An IANA zone (the workflow's, by default) or UTC is converted exactly; a Windows zone name
 * (which Intl does not know) gives the latest instant it can be: local time + 12 h (UTC−12 is
 * the westernmost offset).
 */
function endHourOf(event: IDataObject): number | undefined {
	const end = event.end as IDataObject | undefined;
	const naive = Date.parse(`${String(end?.dateTime ?? '').replace(/Z$/, '')}Z`);
	if (Number.isNaN(naive)) return undefined;
	const zone = String(end?.timeZone ?? 'UTC');
	const first = zoneOffset(naive, zone);
	const utc =
		first === undefined ? naive + 12 * HOUR : naive - (zoneOffset(naive - first, zone) ?? first);
	return Math.ceil(utc / HOUR);
}

/** `<version 8><c|-><end hour base36>` */
export function recordOf(event: IDataObject): string {
	const endHour = endHourOf(event);
	return `${versionOf(event)}${event.isCancelled === true ? 'c' : '-'}${endHour === undefined ? '' : endHour.toString(36)}`;
}

const versionPart = (record: string) => record.slice(0, 8);
const cancelledPart = (record: string) => record.charAt(8) === 'c';
const endHourPart = (record: string) => {
	const n = parseInt(record.slice(9), 36);
	return Number.isNaN(n) ? undefined : n;
};

/** Whether a recorded occurrence left the window because the days moved (it ended before the window starts). */
function leftByTime(record: string, window: Window): boolean {
	const end = endHourPart(record);
	return end !== undefined && end * HOUR <= Date.parse(window.start);
}

/** Whether Graph refused a delta token because its state is gone (delta-query-overview). */
export function isExpiredToken(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = String((error.errorResponse as IDataObject | undefined)?.code ?? '');
	if (error.httpCode === '410') return true;
	return /syncStateNotFound|resyncRequired/i.test(`${code} ${error.message}`);
}

interface Entry {
	id: string;
	removed?: IDataObject;
	event?: IDataObject;
}

export interface Source {
	transport: GraphTransport;
	/** `/users/{id}/calendarView/delta` or `/users/{id}/calendars/{id}/calendarView/delta`. */
	deltaPath: string;
	/** Value of `Prefer: outlook.timezone` (empty: UTC). */
	timeZone?: string;
}

function preferHeader(source: Source): Record<string, string> {
	// event-delta: "Prefer: odata.maxpagesize={x}" and "Prefer: outlook.timezone" (UTC if absent).
	const prefer = [`odata.maxpagesize=${DELTA_PAGE}`];
	if (source.timeZone) prefer.push(`outlook.timezone="${source.timeZone.replace(/"/g, '')}"`);
	return { Prefer: prefer.join(', ') };
}

/**
 * Reads a delta round page by page (a nextLink, then the next, to the deltaLink), handing each
 * entry to `onEntry` as the page arrives. Returns the deltaLink and the Date of the first answer.
 */
async function readDelta(
	source: Source,
	start: string,
	query: Record<string, string> | undefined,
	onEntry: (entry: Entry) => void,
): Promise<{ deltaLink: string; serverTime?: string }> {
	let url: string | undefined = start;
	let serverTime: string | undefined;
	for (let first = true; url; first = false) {
		const response: { body: IDataObject; headers: Headers } =
			await source.transport.send<IDataObject>({
				effect: 'read',
				url,
				query: first ? query : undefined,
				headers: preferHeader(source),
			});
		// The round's time from the server's clock (createdDateTime is compared with it). Without a
		// Date header (assumed never: HTTP servers send one), this host's clock a minute early.
		const date = Date.parse(response.headers.get('date') ?? '');
		serverTime ??= new Date(Number.isNaN(date) ? Date.now() - 60_000 : date).toISOString();
		const page = response.body ?? {};
		for (const item of (page.value as IDataObject[] | undefined) ?? []) {
			const id = String(item.id);
			const removed = item['@removed'] as IDataObject | undefined;
			onEntry(removed ? { id, removed } : { id, event: item });
		}
		const deltaLink = page['@odata.deltaLink'] as string | undefined;
		if (deltaLink) return { deltaLink, serverTime };
		url = page['@odata.nextLink'] as string | undefined;
	}
	throw new Error('Graph ended the calendarView delta round without a deltaLink');
}

interface FullSync {
	deltaLink: string;
	serverTime?: string;
	/** Records of every occurrence of the window. */
	records: Record<string, string>;
	/** Occurrences that differ from the previous state (only these events are kept). */
	differing: Map<string, { event: IDataObject; known?: string }>;
}

/**
 * A full sync of `window`: the records of all occurrences, and the events that differ from
 * `known` (recorded ones with another changeKey, new ones `createdSince` the previous round).
 */
async function fullSync(
	source: Source,
	window: Window,
	known: Record<string, string> | undefined,
	createdSince: (event: IDataObject) => boolean = () => false,
): Promise<FullSync> {
	const records: Record<string, string> = {};
	const differing = new Map<string, { event: IDataObject; known?: string }>();
	const { deltaLink, serverTime } = await readDelta(
		source,
		source.deltaPath,
		{ startDateTime: window.start, endDateTime: window.end },
		(entry) => {
			const key = idKey(entry.id);
			if (entry.removed || !entry.event) {
				delete records[key];
				differing.delete(key);
				return;
			}
			const record = recordOf(entry.event);
			records[key] = record;
			if (!known) return;
			const before = known[key];
			// Kept: only what may be emitted (a new occurrence created since the previous round,
			// a recorded one that changed), never the events that just entered the window.
			if (
				before === undefined
					? createdSince(entry.event)
					: versionPart(before) !== versionPart(record)
			)
				differing.set(key, { event: entry.event, known: before });
			else differing.delete(key);
		},
	);
	return { deltaLink, serverTime, records, differing };
}

function eventOutput(event: IDataObject): IDataObject {
	return withoutAnnotations(event);
}

function classifyUpdate(before: string, event: IDataObject): ChangeType {
	return event.isCancelled === true && !cancelledPart(before) ? 'cancelled' : 'updated';
}

/** One round: the changes since `state`, and the new state. `state` is not modified. */
export async function runRound(
	source: Source,
	state: CalendarState,
	window: Window,
	key: string,
): Promise<RoundResult> {
	const stateFits =
		state.key === key && state.deltaLink !== undefined && state.events !== undefined;
	if (!stateFits) {
		const sync = await fullSync(source, window, undefined);
		return {
			changes: [],
			mode: 'baseline',
			state: {
				key,
				window,
				deltaLink: sync.deltaLink,
				syncedAt: sync.serverTime,
				events: sync.records,
			},
		};
	}
	const known = state.events!;
	const moved = state.window?.start !== window.start || state.window?.end !== window.end;
	const previousSync = Date.parse(state.syncedAt ?? '');
	const createdSince = (event: IDataObject) => {
		const created = Date.parse(String(event.createdDateTime ?? ''));
		// The Date header has whole seconds (rounded down): an event created in the same second
		// before the round counts as created after it (emitted, never lost).
		return !Number.isNaN(created) && !Number.isNaN(previousSync) && created >= previousSync;
	};

	// The new window first (see the module comment), then the old deltaLink.
	let sync = moved ? await fullSync(source, window, known, createdSince) : undefined;
	const incremental = new Map<string, Entry>();
	let expired = false;
	let deltaLink: string | undefined;
	let serverTime: string | undefined;
	try {
		const read = await readDelta(source, state.deltaLink!, undefined, (entry) => {
			const k = idKey(entry.id);
			incremental.delete(k);
			incremental.set(k, entry);
		});
		deltaLink = read.deltaLink;
		serverTime = read.serverTime;
	} catch (error) {
		// The transport's NodeApiError (Graph's message, permission advice), passed on as it is.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!isExpiredToken(error)) throw error;
		expired = true;
		incremental.clear();
		sync ??= await fullSync(source, window, known, createdSince);
	}

	const changes = new Map<string, Change>();
	// Records after the round: the new window's when it was synced, else the old ones.
	const events: Record<string, string> = sync ? { ...sync.records } : { ...known };

	// 1. The old round's changes (not after an expired token).
	for (const [k, entry] of incremental) {
		const before = known[k];
		if (entry.removed) {
			delete events[k];
			if (before !== undefined)
				changes.set(k, {
					changeType: 'deleted',
					event: { id: entry.id, removedReason: String(entry.removed.reason ?? 'deleted') },
				});
			continue;
		}
		const event = entry.event!;
		const record = recordOf(event);
		// A moved window keeps what the new window lists, plus what the old round reported after
		// its sync (newer; an occurrence outside the new window is dropped at the next move).
		events[k] = record;
		if (before === undefined) {
			changes.set(k, { changeType: event.isCancelled === true ? 'cancelled' : 'created', event });
		} else if (versionPart(before) !== versionPart(record)) {
			changes.set(k, { changeType: classifyUpdate(before, event), event });
		}
	}

	// 2. What the full sync shows that the old round could not.
	if (sync) {
		for (const [k, { event, known: before }] of sync.differing) {
			if (changes.has(k) || incremental.has(k)) continue;
			if (before === undefined) {
				if (createdSince(event))
					changes.set(k, {
						changeType: event.isCancelled === true ? 'cancelled' : 'created',
						event,
					});
			} else if (expired) {
				changes.set(k, { changeType: classifyUpdate(before, event), event });
			}
		}
		if (expired) {
			for (const [k, before] of Object.entries(known)) {
				if (k in sync.records || changes.has(k)) continue;
				if (moved && leftByTime(before, window)) continue;
				changes.set(k, { changeType: 'deleted', event: { id: k, removedReason: 'unknown' } });
			}
		}
	}

	return {
		changes: [...changes.values()].map((c) => ({ ...c, event: eventOutput(c.event) })),
		mode: expired ? 'resynced' : moved ? 'windowMoved' : 'incremental',
		state: {
			key,
			window: sync ? window : state.window,
			deltaLink: sync ? sync.deltaLink : deltaLink,
			syncedAt: (sync ? sync.serverTime : serverTime) ?? state.syncedAt,
			events,
		},
	};
}
