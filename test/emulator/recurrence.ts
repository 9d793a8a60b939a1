/**
 * Expansion of Outlook's patterned recurrence into occurrences, written from
 * https://learn.microsoft.com/en-us/graph/api/resources/patternedrecurrence,
 * https://learn.microsoft.com/en-us/graph/api/resources/recurrencepattern and
 * https://learn.microsoft.com/en-us/graph/api/resources/recurrencerange.
 *
 * Occurrences keep the series' wall-clock time in the series' zone (the start's timeZone, or the
 * range's recurrenceTimeZone), so a weekly 09:00 "W. Europe Standard Time" meeting stays at 09:00
 * local across a DST change and moves in UTC.
 */
import { GraphError } from './graph/service';
import { LocalParts, zonedToUtc } from './timezones';

export const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const INDEX = ['first', 'second', 'third', 'fourth', 'last'];
const PATTERNS = [
	'daily',
	'weekly',
	'absoluteMonthly',
	'relativeMonthly',
	'absoluteYearly',
	'relativeYearly',
];
const RANGES = ['endDate', 'noEnd', 'numbered'];
/** Safety stop for open-ended series (the emulator's own, assumed). */
const MAX_OCCURRENCES = 5000;

export interface RecurrencePattern {
	type: string;
	interval: number;
	month: number;
	dayOfMonth: number;
	daysOfWeek: string[];
	firstDayOfWeek: string;
	index: string;
}

export interface RecurrenceRange {
	type: string;
	startDate: string;
	endDate: string;
	recurrenceTimeZone: string;
	numberOfOccurrences: number;
}

export interface PatternedRecurrence {
	pattern: RecurrencePattern;
	range: RecurrenceRange;
}

function invalid(message: string): GraphError {
	// Exchange's code for a malformed recurrence (assumed: the pages give no error body).
	return new GraphError(400, 'ErrorInvalidRecurrence', message);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Validates and normalises a request's `recurrence` (every property present, as Graph returns it). */
export function normaliseRecurrence(raw: unknown, defaultZone: string): PatternedRecurrence | null {
	if (raw === null || raw === undefined) return null;
	const r = raw as { pattern?: Record<string, unknown>; range?: Record<string, unknown> };
	const p = r.pattern ?? {};
	const g = r.range ?? {};
	const type = PATTERNS.find((t) => t.toLowerCase() === String(p.type ?? '').toLowerCase());
	if (!type) throw invalid(`The recurrence pattern type '${String(p.type ?? '')}' is not valid.`);
	const interval = Number(p.interval ?? 1);
	if (!Number.isInteger(interval) || interval < 1 || interval > 999)
		throw invalid('The recurrence pattern interval must be between 1 and 999.');
	const daysOfWeek = ((p.daysOfWeek as string[] | undefined) ?? []).map((d) =>
		String(d).toLowerCase(),
	);
	if (daysOfWeek.some((d) => !DAYS.includes(d))) throw invalid('daysOfWeek has an invalid day.');
	if (['weekly', 'relativeMonthly', 'relativeYearly'].includes(type) && daysOfWeek.length === 0)
		throw invalid(`A ${type} recurrence pattern needs daysOfWeek.`);
	const dayOfMonth = Number(p.dayOfMonth ?? 0);
	if (
		['absoluteMonthly', 'absoluteYearly'].includes(type) &&
		!(dayOfMonth >= 1 && dayOfMonth <= 31)
	)
		throw invalid(`A ${type} recurrence pattern needs dayOfMonth (1-31).`);
	const month = Number(p.month ?? 0);
	if (['absoluteYearly', 'relativeYearly'].includes(type) && !(month >= 1 && month <= 12))
		throw invalid(`A ${type} recurrence pattern needs month (1-12).`);
	const rangeType = RANGES.find((t) => t.toLowerCase() === String(g.type ?? '').toLowerCase());
	if (!rangeType)
		throw invalid(`The recurrence range type '${String(g.type ?? '')}' is not valid.`);
	const startDate = String(g.startDate ?? '');
	if (!DATE.test(startDate)) throw invalid('The recurrence range needs a startDate (YYYY-MM-DD).');
	const endDate = String(g.endDate ?? '0001-01-01');
	if (rangeType === 'endDate' && (!DATE.test(endDate) || endDate < startDate))
		throw invalid('The recurrence range endDate must be on or after its startDate.');
	const numberOfOccurrences = Number(g.numberOfOccurrences ?? 0);
	if (
		rangeType === 'numbered' &&
		!(Number.isInteger(numberOfOccurrences) && numberOfOccurrences >= 1)
	)
		throw invalid('A numbered recurrence range needs numberOfOccurrences of at least 1.');
	const index = String(p.index ?? 'first').toLowerCase();
	if (!INDEX.includes(index)) throw invalid(`The recurrence index '${index}' is not valid.`);
	const firstDayOfWeek = String(p.firstDayOfWeek ?? 'sunday').toLowerCase();
	return {
		pattern: {
			type,
			interval,
			month,
			dayOfMonth,
			daysOfWeek,
			firstDayOfWeek: DAYS.includes(firstDayOfWeek) ? firstDayOfWeek : 'sunday',
			index,
		},
		range: {
			type: rangeType,
			startDate,
			endDate: rangeType === 'endDate' ? endDate : '0001-01-01',
			recurrenceTimeZone: String(g.recurrenceTimeZone ?? defaultZone),
			numberOfOccurrences: rangeType === 'numbered' ? numberOfOccurrences : 0,
		},
	};
}

/** A calendar date as days since 1970-01-01. */
function dayNumber(y: number, m: number, d: number): number {
	return Math.floor(Date.UTC(y, m - 1, d) / 86400000);
}

function dateOf(day: number): { y: number; m: number; d: number; dow: number } {
	const dt = new Date(day * 86400000);
	return {
		y: dt.getUTCFullYear(),
		m: dt.getUTCMonth() + 1,
		d: dt.getUTCDate(),
		dow: dt.getUTCDay(),
	};
}

function parseDate(s: string): number {
	const [y, m, d] = s.split('-').map(Number);
	return dayNumber(y, m, d);
}

function daysInMonth(y: number, m: number): number {
	return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The relative day (first..fourth, last) of the given weekdays in a month. */
function relativeDay(y: number, m: number, days: string[], index: string): number | undefined {
	const matches: number[] = [];
	for (let d = 1; d <= daysInMonth(y, m); d++) {
		if (days.includes(DAYS[dateOf(dayNumber(y, m, d)).dow])) matches.push(dayNumber(y, m, d));
	}
	if (index === 'last') return matches[matches.length - 1];
	return matches[INDEX.indexOf(index)];
}

/**
 * The series' dates (days since epoch) in order, from the range's startDate, until the range
 * ends or `untilDay` passes. An absolute day beyond a month's end falls on its last day
 * (Outlook's behaviour for "day 31"; assumed, the page does not say).
 */
export function* seriesDays(rec: PatternedRecurrence, untilDay: number): Generator<number> {
	const { pattern, range } = rec;
	const start = parseDate(range.startDate);
	const end = range.type === 'endDate' ? parseDate(range.endDate) : Infinity;
	const stop = Math.min(end, untilDay);
	let count = 0;
	const limit = range.type === 'numbered' ? range.numberOfOccurrences : Infinity;
	const emit = function* (day: number | undefined): Generator<number, boolean> {
		if (day === undefined || day < start) return false;
		if (day > stop || count >= limit || count >= MAX_OCCURRENCES) return true;
		count++;
		yield day;
		return false;
	};
	const s = dateOf(start);
	switch (pattern.type) {
		case 'daily':
			for (let day = start; ; day += pattern.interval) if (yield* emit(day)) return;
		case 'weekly': {
			const first = DAYS.indexOf(pattern.firstDayOfWeek);
			const weekStart = start - ((s.dow - first + 7) % 7);
			const offsets = pattern.daysOfWeek
				.map((d) => (DAYS.indexOf(d) - first + 7) % 7)
				.sort((a, b) => a - b);
			for (let w = weekStart; ; w += 7 * pattern.interval)
				for (const o of offsets) if (yield* emit(w + o)) return;
		}
		case 'absoluteMonthly':
		case 'relativeMonthly':
			for (let k = 0; ; k += pattern.interval) {
				const y = s.y + Math.floor((s.m - 1 + k) / 12);
				const m = ((s.m - 1 + k) % 12) + 1;
				const day =
					pattern.type === 'absoluteMonthly'
						? dayNumber(y, m, Math.min(pattern.dayOfMonth, daysInMonth(y, m)))
						: relativeDay(y, m, pattern.daysOfWeek, pattern.index);
				if (yield* emit(day)) return;
				if (day === undefined && dayNumber(y, m, 1) > stop) return;
			}
		case 'absoluteYearly':
		case 'relativeYearly':
			for (let y = s.y; ; y += pattern.interval) {
				const m = pattern.month;
				const day =
					pattern.type === 'absoluteYearly'
						? dayNumber(y, m, Math.min(pattern.dayOfMonth, daysInMonth(y, m)))
						: relativeDay(y, m, pattern.daysOfWeek, pattern.index);
				if (yield* emit(day)) return;
				if (day === undefined && dayNumber(y, m, 1) > stop) return;
			}
	}
}

export interface Occurrence {
	/** The occurrence's original start (the series' time on that date), UTC ms. */
	originalStart: number;
	start: number;
	end: number;
}

/**
 * Occurrences of a series overlapping [from, to): the series' local start time on each date of
 * the pattern, in the series' zone, lasting the master's duration.
 */
export function expand(
	rec: PatternedRecurrence,
	time: { hour: number; minute: number; second: number },
	zone: string,
	durationMs: number,
	from: number,
	to: number,
): Occurrence[] {
	const out: Occurrence[] = [];
	const untilDay = Math.floor(to / 86400000) + 2;
	for (const day of seriesDays(rec, untilDay)) {
		const d = dateOf(day);
		const parts: LocalParts = { year: d.y, month: d.m, day: d.d, ...time };
		const start = zonedToUtc(parts, zone);
		const end = start + durationMs;
		if (start >= to) break;
		if (end > from || (durationMs === 0 && start >= from))
			out.push({ originalStart: start, start, end });
	}
	return out;
}
