/**
 * Times for calendar operations: reading a time from a parameter (ISO text, an n8n DateTime
 * (Luxon) or a JS Date), time zone names (Windows or IANA), Graph's `dateTimeTimeZone`, the
 * `Prefer: outlook.timezone` header for output, all-day dates, and window limits. Zone
 * arithmetic uses the runtime's own time zone database (Intl), so the package needs no date library.
 *
 * https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone
 * https://learn.microsoft.com/en-us/graph/api/user-list-calendarview (Prefer: outlook.timezone)
 */
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { zoneFormatter } from '../shared/time-zones';
import { inputError } from './errors';
import { WINDOWS_ZONES } from './zones';

type Ctx = IExecuteFunctions | IPollFunctions;

/** A time zone as the user named it (sent to Graph) and the IANA zone used to compute with it. */
export interface Zone {
	/** The name sent to Graph: the Windows name (canonical case) or the IANA name. */
	name: string;
	/** The IANA zone. */
	iana: string;
}

const WINDOWS_BY_LOWER = new Map(
	Object.entries(WINDOWS_ZONES).map(([windows, iana]) => [
		windows.toLowerCase(),
		{ windows, iana },
	]),
);

/**
 * Longest window Graph serves for a calendar view: 1825 days. Not on the calendarView page;
 * Graph answers a longer one with ErrorInvalidRequest "Maximum number of days: 1825"
 * (https://github.com/microsoftgraph/microsoft-graph-docs-contrib/issues/6321).
 */
export const CALENDAR_VIEW_MAX_DAYS = 1825;

/**
 * Longest window getSchedule serves: 62 days (ErrorTimeIntervalTooBig "The allowed limit = 62
 * days", https://github.com/microsoftgraph/microsoft-graph-docs/pull/19703).
 */
export const SCHEDULE_MAX_DAYS = 62;

/** A point in time: milliseconds since the epoch (UTC). */
export type Instant = number;

interface WallClock {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

/** The wall clock in `iana` at `instant`. */
export function wallClock(instant: Instant, iana: string): WallClock {
	const parts: Record<string, number> = {};
	for (const part of zoneFormatter(iana).formatToParts(new Date(instant)))
		if (part.type !== 'literal') parts[part.type] = Number(part.value);
	return {
		year: parts.year,
		month: parts.month,
		day: parts.day,
		hour: parts.hour === 24 ? 0 : parts.hour,
		minute: parts.minute,
		second: parts.second,
	};
}

function asUtc(w: WallClock): number {
	return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** The zone's offset from UTC at `instant`, in milliseconds. */
function offsetAt(instant: Instant, iana: string): number {
	const whole = Math.floor(instant / 1000) * 1000;
	return asUtc(wallClock(whole, iana)) - whole;
}

/**
 * The instant a wall-clock time in `iana` stands for. In the hour a DST change skips (spring
 * forward), the time is moved forward by the change (assumed to match Outlook, which does not
 * document it); in the hour that repeats
 * (fall back), the first (daylight) occurrence is taken.
 */
export function fromWallClock(w: WallClock, iana: string, millis = 0): Instant {
	const local = asUtc(w) + millis;
	const before = offsetAt(local - 86_400_000 / 2, iana);
	const after = offsetAt(local + 86_400_000 / 2, iana);
	// Offsets on either side of a change: try the earlier first (the first occurrence).
	for (const offset of [before, after]) {
		const candidate = local - offset;
		if (offsetAt(candidate, iana) === offset) return candidate;
	}
	// In a gap: no wall time matches; the earlier offset moves the time forward by the change.
	return local - before;
}

/** A zone name (Windows or IANA, any case for Windows names) → the zone; undefined if unknown. */
export function zoneOf(raw: string): Zone | undefined {
	const text = raw.trim();
	if (!text) return undefined;
	const windows = WINDOWS_BY_LOWER.get(text.toLowerCase());
	if (windows) return { name: windows.windows, iana: windows.iana };
	// An IANA name (or UTC), checked against the runtime's zone database. Offsets such as
	// "+02:00" are refused: Graph's timeZone takes names only.
	if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(text)) return undefined;
	try {
		const resolved = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions();
		const iana = resolved.timeZone;
		return { name: text.toLowerCase() === iana.toLowerCase() ? iana : text, iana };
	} catch {
		return undefined;
	}
}

/**
 * The zone a parameter names: empty → `fallback` (the workflow's time zone); unknown → an error
 * naming the field. Checked before any request.
 */
export function readZone(
	ctx: Ctx,
	raw: unknown,
	field: string,
	fallback: string,
	itemIndex?: number,
): Zone {
	const text = String(raw ?? '').trim() || fallback;
	const zone = zoneOf(text);
	if (!zone)
		throw inputError(
			ctx.getNode(),
			field,
			`"${text}" is not a time zone: use a Windows name ("W. Europe Standard Time", "Pacific Standard Time") or an IANA name ("Europe/Berlin", "America/Los_Angeles")`,
			itemIndex,
		);
	return zone;
}

/** `Prefer` header value so that Graph writes times in `zone`. */
export function preferTimeZone(zone: Zone): string {
	return `outlook.timezone="${zone.name}"`;
}

const ISO =
	/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

function parseIso(text: string, iana: string): Instant | undefined {
	const m = ISO.exec(text.trim());
	if (!m) return undefined;
	const w: WallClock = {
		year: Number(m[1]),
		month: Number(m[2]),
		day: Number(m[3]),
		hour: Number(m[4] ?? 0),
		minute: Number(m[5] ?? 0),
		second: Number(m[6] ?? 0),
	};
	if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31 || w.hour > 23 || w.minute > 59)
		return undefined;
	if (w.second > 59) return undefined;
	// The date must exist (no 31 February).
	const check = new Date(Date.UTC(w.year, w.month - 1, w.day));
	if (check.getUTCDate() !== w.day) return undefined;
	const millis = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
	if (!m[8]) return fromWallClock(w, iana, millis);
	const offset = m[8].toUpperCase() === 'Z' ? 0 : offsetText(m[8]);
	return asUtc(w) + millis - offset;
}

function offsetText(text: string): number {
	const sign = text.startsWith('-') ? -1 : 1;
	const digits = text.slice(1).replace(':', '');
	return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** An n8n DateTime (Luxon): anything with `toMillis()`, read without importing Luxon. */
function luxonMillis(value: unknown): number | undefined {
	if (!value || typeof value !== 'object') return undefined;
	const candidate = value as { toMillis?: unknown; isValid?: unknown };
	if (typeof candidate.toMillis !== 'function') return undefined;
	if (candidate.isValid === false) return undefined;
	const millis = (candidate.toMillis as () => number).call(value);
	return Number.isFinite(millis) ? millis : undefined;
}

/**
 * A point in time from a parameter: an ISO 8601 text (with an offset or `Z`: that instant;
 * without: a wall-clock time in `zone`; a date alone: midnight in `zone`), an n8n DateTime
 * (Luxon) or a JS Date. Empty or unreadable → an error naming the field.
 */
export function readTime(
	ctx: Ctx,
	raw: unknown,
	field: string,
	zone: Zone,
	itemIndex?: number,
): Instant {
	let time: Instant | undefined;
	if (raw instanceof Date) time = Number.isNaN(raw.getTime()) ? undefined : raw.getTime();
	else if (typeof raw === 'string') time = raw.trim() ? parseIso(raw, zone.iana) : undefined;
	else time = luxonMillis(raw);
	if (time === undefined)
		throw inputError(
			ctx.getNode(),
			field,
			raw === undefined || raw === null || raw === ''
				? 'enter a date and time (ISO 8601 such as 2026-03-10T09:00, or an expression giving a DateTime)'
				: `"${String(raw)}" is not a date and time: use ISO 8601 (2026-03-10T09:00 or 2026-03-10T09:00:00+01:00) or an expression giving a DateTime`,
			itemIndex,
		);
	return time;
}

function pad(n: number, width = 2): string {
	return String(n).padStart(width, '0');
}

/** The wall-clock text `yyyy-MM-ddTHH:mm:ss` of `instant` in `iana`. */
export function wallText(instant: Instant, iana: string): string {
	const w = wallClock(instant, iana);
	return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** Graph's `dateTimeTimeZone`: the wall-clock time in `zone`, with the zone's name. */
export function graphDateTime(
	instant: Instant,
	zone: Zone,
): { dateTime: string; timeZone: string } {
	return { dateTime: wallText(instant, zone.iana), timeZone: zone.name };
}

/** An instant in UTC as Graph's query parameters take it (`2026-03-10T08:00:00Z`). */
export function utcText(instant: Instant): string {
	return `${new Date(Math.floor(instant / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** The instant as ISO 8601 with the zone's offset (for messages and output). */
export function isoInZone(instant: Instant, iana: string): string {
	const offset = Math.round(offsetAt(instant, iana) / 60_000);
	const sign = offset < 0 ? '-' : '+';
	const abs = Math.abs(offset);
	return `${wallText(instant, iana)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const DAY = 86_400_000;

/**
 * A start/end window, both read in `zone`, checked: end after start, and no longer than
 * `maxDays` (when given). Errors name the fields; no request is made.
 */
export function readWindow(
	ctx: Ctx,
	rawStart: unknown,
	rawEnd: unknown,
	zone: Zone,
	options: {
		startField?: string;
		endField?: string;
		maxDays?: number;
		limitNote?: string;
		itemIndex?: number;
	} = {},
): { start: Instant; end: Instant } {
	const startField = options.startField ?? 'Start';
	const endField = options.endField ?? 'End';
	const start = readTime(ctx, rawStart, startField, zone, options.itemIndex);
	const end = readTime(ctx, rawEnd, endField, zone, options.itemIndex);
	if (end <= start)
		throw inputError(
			ctx.getNode(),
			endField,
			`${isoInZone(end, zone.iana)} is not after ${startField} (${isoInZone(start, zone.iana)}): set ${endField} later than ${startField}`,
			options.itemIndex,
		);
	if (options.maxDays !== undefined && end - start > options.maxDays * DAY)
		throw inputError(
			ctx.getNode(),
			endField,
			`the window from ${startField} to ${endField} is ${Math.ceil((end - start) / DAY)} days; ${options.limitNote ?? 'Graph serves'} at most ${options.maxDays} days: shorten it, or split it into several runs`,
			options.itemIndex,
		);
	return { start, end };
}

/**
 * The operation's Time Zone field (empty: the workflow's zone) and the window of its two time
 * fields read in that zone, checked as `readWindow` checks it.
 */
export function readZonedWindow(
	ctx: IExecuteFunctions,
	itemIndex: number,
	fields: { start: string; end: string },
	options: { startField?: string; endField?: string; maxDays?: number; limitNote?: string } = {},
): { zone: Zone; start: Instant; end: Instant } {
	const zone = readZone(
		ctx,
		ctx.getNodeParameter('timeZone', itemIndex, ''),
		'Time Zone',
		ctx.getTimezone(),
		itemIndex,
	);
	const { start, end } = readWindow(
		ctx,
		ctx.getNodeParameter(fields.start, itemIndex, ''),
		ctx.getNodeParameter(fields.end, itemIndex, ''),
		zone,
		{ ...options, itemIndex },
	);
	return { zone, start, end };
}

/** Midnight (00:00) of the day `instant` falls on in `iana`, plus `days` days. */
export function midnight(instant: Instant, iana: string, days = 0): Instant {
	const w = wallClock(instant, iana);
	const date = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
	return fromWallClock(
		{
			year: date.getUTCFullYear(),
			month: date.getUTCMonth() + 1,
			day: date.getUTCDate(),
			hour: 0,
			minute: 0,
			second: 0,
		},
		iana,
	);
}

/**
 * An all-day event's start and end: midnight of the start's date and midnight after the end's
 * date, in `zone` (the end day is included; an end on or before the start day gives one day).
 * Graph requires all-day events to start and end at midnight in the event's time zone, the end
 * exclusive (https://learn.microsoft.com/en-us/graph/api/resources/event, isAllDay).
 */
export function allDayRange(
	start: Instant,
	end: Instant | undefined,
	zone: Zone,
): { start: Instant; end: Instant } {
	const first = midnight(start, zone.iana);
	const last = end === undefined ? first : midnight(end, zone.iana);
	return { start: first, end: midnight(Math.max(first, last), zone.iana, 1) };
}

/** The calendar date (`yyyy-MM-dd`) of `instant` in `iana`. */
export function dateText(instant: Instant, iana: string): string {
	return wallText(instant, iana).slice(0, 10);
}
