/**
 * times.ts without the emulator: inputs as ISO text, n8n DateTime (Luxon) values and JS Dates;
 * Windows and IANA zone names; DST gaps and repeats; all-day ranges; window limits.
 */
import { DateTime } from 'luxon';
import type { IExecuteFunctions } from 'n8n-workflow';
import {
	allDayRange,
	graphDateTime,
	isoInZone,
	readTime,
	readWindow,
	readZone,
	zoneOf,
} from '../../nodes/Microsoft365Calendar/times';

const ctx = {
	getNode: () => ({
		name: 'Calendar',
		type: 'x',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	}),
	getTimezone: () => 'Europe/Berlin',
} as unknown as IExecuteFunctions;

const berlin = zoneOf('W. Europe Standard Time')!;

test('zone names: Windows (any case) and IANA; unknown names and offsets refused with the field', () => {
	expect(zoneOf('w. europe standard time')).toEqual({
		name: 'W. Europe Standard Time',
		iana: 'Europe/Berlin',
	});
	expect(zoneOf('America/New_York')).toEqual({
		name: 'America/New_York',
		iana: 'America/New_York',
	});
	expect(zoneOf('Pacific Standard Time')?.iana).toBe('America/Los_Angeles');
	expect(zoneOf('+02:00')).toBeUndefined();
	expect(() => readZone(ctx, 'Mars/Olympus', 'Output Time Zone', 'UTC')).toThrow(
		/^Output Time Zone: "Mars\/Olympus" is not a time zone/,
	);
	expect(readZone(ctx, '', 'Time Zone', 'Europe/Berlin').iana).toBe('Europe/Berlin');
});

test('inputs: ISO without offset is wall time in the zone; with offset, Luxon and Date keep their instant', () => {
	const wall = readTime(ctx, '2026-07-01T09:00', 'Start', berlin);
	expect(isoInZone(wall, 'UTC')).toBe('2026-07-01T07:00:00+00:00');
	const offset = readTime(ctx, '2026-07-01T09:00:00-04:00', 'Start', berlin);
	expect(graphDateTime(offset, berlin)).toEqual({
		dateTime: '2026-07-01T15:00:00',
		timeZone: 'W. Europe Standard Time',
	});
	const luxon = DateTime.fromISO('2026-07-01T09:00:00', { zone: 'Asia/Tokyo' });
	expect(readTime(ctx, luxon, 'Start', berlin)).toBe(luxon.toMillis());
	const date = new Date('2026-07-01T00:00:00Z');
	expect(readTime(ctx, date, 'Start', berlin)).toBe(date.getTime());
	expect(() => readTime(ctx, '2026-02-31T10:00', 'Start', berlin)).toThrow(/^Start: /);
	expect(() => readTime(ctx, DateTime.invalid('bad'), 'End', berlin)).toThrow(/^End: /);
});

test('DST: a time in the spring gap moves forward; in the autumn repeat the first (summer) one is taken', () => {
	const gap = readTime(ctx, '2026-03-29T02:30', 'Start', berlin);
	expect(isoInZone(gap, 'Europe/Berlin')).toBe('2026-03-29T03:30:00+02:00');
	const repeat = readTime(ctx, '2026-10-25T02:30', 'Start', berlin);
	expect(isoInZone(repeat, 'UTC')).toBe('2026-10-25T00:30:00+00:00');
	const after = readTime(ctx, '2026-10-25T03:30', 'Start', berlin);
	expect(isoInZone(after, 'UTC')).toBe('2026-10-25T02:30:00+00:00');
});

test('all-day: midnight to midnight in the zone across a DST change (23 hours on the short day)', () => {
	const start = readTime(ctx, '2026-03-29T12:00', 'Start', berlin);
	const range = allDayRange(start, undefined, berlin);
	expect(graphDateTime(range.start, berlin).dateTime).toBe('2026-03-29T00:00:00');
	expect(graphDateTime(range.end, berlin).dateTime).toBe('2026-03-30T00:00:00');
	expect((range.end - range.start) / 3_600_000).toBe(23);
	const before = allDayRange(start, readTime(ctx, '2026-03-20', 'End', berlin), berlin);
	expect(graphDateTime(before.end, berlin).dateTime).toBe('2026-03-30T00:00:00');
});

test('windows: end after start, and the limit named', () => {
	expect(() => readWindow(ctx, '2026-01-02', '2026-01-01', berlin)).toThrow(
		/^End: .*not after Start/,
	);
	expect(() =>
		readWindow(ctx, '2026-01-01', '2026-03-05', berlin, {
			maxDays: 62,
			limitNote: 'getSchedule covers',
		}),
	).toThrow(/getSchedule covers at most 62 days/);
	const { start, end } = readWindow(ctx, '2026-01-01', '2026-03-03', berlin, { maxDays: 62 });
	expect(end).toBeGreaterThan(start);
});
