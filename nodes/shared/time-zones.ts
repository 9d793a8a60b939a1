/**
 * Time zone arithmetic on the runtime's own time zone database (Intl), for every node that reads
 * a wall-clock time in a named zone (Calendar's times and trigger, Teams' Modified Since).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * An en-US, 24-hour formatter of every date and time part in the IANA zone `iana` (one a zone,
 * kept). Throws a RangeError for a name Intl does not know.
 */
export function zoneFormatter(iana: string): Intl.DateTimeFormat {
	let f = formatters.get(iana);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: iana,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(iana, f);
	}
	return f;
}

/**
 * The offset (ms) of the IANA zone `zone` at `instant` (whole seconds): NaN when Intl gives no
 * number, a RangeError for a name Intl does not know.
 */
export function zoneOffsetMs(instant: number, zone: string): number {
	const parts = zoneFormatter(zone).formatToParts(new Date(instant));
	const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
	const wall = Date.UTC(
		get('year'),
		get('month') - 1,
		get('day'),
		get('hour'),
		get('minute'),
		get('second'),
	);
	return wall - Math.floor(instant / 1000) * 1000;
}
