/**
 * Time zones as Outlook takes them in `dateTimeTimeZone.timeZone` and `Prefer: outlook.timezone`:
 * Windows names ("W. Europe Standard Time") and IANA names ("Europe/Zurich"), converted with
 * Node's Intl (full ICU). Windows names map to IANA through CLDR's windowsZones.xml ("001"
 * territory, https://github.com/unicode-org/cldr/blob/main/common/supplemental/windowsZones.xml).
 * https://learn.microsoft.com/en-us/graph/api/resources/datetimetimezone
 */
import { GraphError } from './graph/service';

/** CLDR windowsZones, territory 001, for the common zones. */
export const WINDOWS_TO_IANA: Record<string, string> = {
	UTC: 'Etc/UTC',
	'Coordinated Universal Time': 'Etc/UTC',
	'Greenwich Standard Time': 'Atlantic/Reykjavik',
	'GMT Standard Time': 'Europe/London',
	'W. Europe Standard Time': 'Europe/Berlin',
	'Central Europe Standard Time': 'Europe/Budapest',
	'Central European Standard Time': 'Europe/Warsaw',
	'Romance Standard Time': 'Europe/Paris',
	'E. Europe Standard Time': 'Europe/Chisinau',
	'FLE Standard Time': 'Europe/Kiev',
	'GTB Standard Time': 'Europe/Bucharest',
	'Turkey Standard Time': 'Europe/Istanbul',
	'Russian Standard Time': 'Europe/Moscow',
	'Israel Standard Time': 'Asia/Jerusalem',
	'South Africa Standard Time': 'Africa/Johannesburg',
	'Egypt Standard Time': 'Africa/Cairo',
	'Arabian Standard Time': 'Asia/Dubai',
	'Arab Standard Time': 'Asia/Riyadh',
	'Iran Standard Time': 'Asia/Tehran',
	'Pakistan Standard Time': 'Asia/Karachi',
	'India Standard Time': 'Asia/Calcutta',
	'Nepal Standard Time': 'Asia/Katmandu',
	'Bangladesh Standard Time': 'Asia/Dhaka',
	'SE Asia Standard Time': 'Asia/Bangkok',
	'China Standard Time': 'Asia/Shanghai',
	'Singapore Standard Time': 'Asia/Singapore',
	'Taipei Standard Time': 'Asia/Taipei',
	'Tokyo Standard Time': 'Asia/Tokyo',
	'Korea Standard Time': 'Asia/Seoul',
	'AUS Eastern Standard Time': 'Australia/Sydney',
	'E. Australia Standard Time': 'Australia/Brisbane',
	'Cen. Australia Standard Time': 'Australia/Adelaide',
	'W. Australia Standard Time': 'Australia/Perth',
	'New Zealand Standard Time': 'Pacific/Auckland',
	'Hawaiian Standard Time': 'Pacific/Honolulu',
	'Alaskan Standard Time': 'America/Anchorage',
	'Pacific Standard Time': 'America/Los_Angeles',
	'US Mountain Standard Time': 'America/Phoenix',
	'Mountain Standard Time': 'America/Denver',
	'Central Standard Time': 'America/Chicago',
	'Eastern Standard Time': 'America/New_York',
	'Atlantic Standard Time': 'America/Halifax',
	'Newfoundland Standard Time': 'America/St_Johns',
	'SA Pacific Standard Time': 'America/Bogota',
	'E. South America Standard Time': 'America/Sao_Paulo',
	'Argentina Standard Time': 'America/Buenos_Aires',
	'Central Standard Time (Mexico)': 'America/Mexico_City',
	'Canada Central Standard Time': 'America/Regina',
};

const IANA_ALIASES = new Map<string, string>(
	Object.entries(WINDOWS_TO_IANA).map(([w, i]) => [w.toLowerCase(), i]),
);

/**
 * The IANA zone for a Windows or IANA name, or throws 400 as Outlook does for an unknown zone
 * (code and text as reported by Graph users: TimeZoneNotSupportedException, "A valid TimeZone
 * value must be specified. The following TimeZone value is not supported: '...'."; assumed).
 */
export function resolveZone(name: string | undefined | null): string {
	const key = String(name ?? '').trim();
	if (!key) return 'Etc/UTC';
	const mapped = IANA_ALIASES.get(key.toLowerCase());
	if (mapped) return mapped;
	if (/^(utc|gmt|z)$/i.test(key)) return 'Etc/UTC';
	try {
		return new Intl.DateTimeFormat('en-US', { timeZone: key }).resolvedOptions().timeZone;
	} catch {
		throw new GraphError(
			400,
			'TimeZoneNotSupportedException',
			`A valid TimeZone value must be specified. The following TimeZone value is not supported: '${key}'.`,
		);
	}
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
	let f = formatters.get(zone);
	if (!f) {
		f = new Intl.DateTimeFormat('en-US', {
			timeZone: zone,
			hourCycle: 'h23',
			year: 'numeric',
			month: '2-digit',
			day: '2-digit',
			hour: '2-digit',
			minute: '2-digit',
			second: '2-digit',
		});
		formatters.set(zone, f);
	}
	return f;
}

export interface LocalParts {
	year: number;
	month: number;
	day: number;
	hour: number;
	minute: number;
	second: number;
}

/** Wall-clock parts of an instant in a zone. */
export function localParts(ms: number, zone: string): LocalParts {
	const out: Record<string, number> = {};
	for (const p of formatter(zone).formatToParts(new Date(ms))) {
		if (p.type !== 'literal') out[p.type] = Number(p.value);
	}
	return {
		year: out.year,
		month: out.month,
		day: out.day,
		hour: out.hour === 24 ? 0 : out.hour,
		minute: out.minute,
		second: out.second,
	};
}

function offsetAt(ms: number, zone: string): number {
	const p = localParts(Math.floor(ms / 1000) * 1000, zone);
	return (
		Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000
	);
}

/** The instant of a wall-clock time in a zone (a time in a DST gap moves forward, as Outlook). */
export function zonedToUtc(parts: LocalParts, zone: string): number {
	const guess = Date.UTC(
		parts.year,
		parts.month - 1,
		parts.day,
		parts.hour,
		parts.minute,
		parts.second,
	);
	let t = guess - offsetAt(guess, zone);
	const second = guess - offsetAt(t, zone);
	if (second !== t) t = Math.max(t, second);
	return t;
}

const LOCAL =
	/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Parses a `dateTime` string (no offset expected; an explicit offset wins over the zone). */
export function parseLocal(value: string): { parts: LocalParts; offsetMs?: number } | undefined {
	const m = LOCAL.exec(String(value ?? '').trim());
	if (!m) return undefined;
	const parts = {
		year: Number(m[1]),
		month: Number(m[2]),
		day: Number(m[3]),
		hour: Number(m[4] ?? 0),
		minute: Number(m[5] ?? 0),
		second: Number(m[6] ?? 0),
	};
	if (parts.month < 1 || parts.month > 12 || parts.day < 1 || parts.day > 31 || parts.hour > 23)
		return undefined;
	let offsetMs: number | undefined;
	if (m[7]) {
		if (m[7] === 'Z') offsetMs = 0;
		else {
			const sign = m[7][0] === '-' ? -1 : 1;
			const digits = m[7].slice(1).replace(':', '');
			offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60000;
		}
	}
	return { parts, offsetMs };
}

/** The instant of a Graph `dateTimeTimeZone`; throws 400 for a bad date or zone. */
export function instantOf(
	value: { dateTime?: unknown; timeZone?: unknown } | undefined,
	field: string,
): number {
	const zone = resolveZone(value?.timeZone as string | undefined);
	const parsed = parseLocal(String(value?.dateTime ?? ''));
	if (!parsed)
		throw new GraphError(
			400,
			'ErrorInvalidRequest',
			`Your request can't be completed. The '${field}' dateTime '${String(value?.dateTime ?? '')}' is not valid.`,
		);
	if (parsed.offsetMs !== undefined)
		return (
			Date.UTC(
				parsed.parts.year,
				parsed.parts.month - 1,
				parsed.parts.day,
				parsed.parts.hour,
				parsed.parts.minute,
				parsed.parts.second,
			) - parsed.offsetMs
		);
	return zonedToUtc(parsed.parts, zone);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Outlook's `dateTime` text: `2024-03-31T09:00:00.0000000`. */
export function formatLocal(p: LocalParts): string {
	return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}.0000000`;
}

/** An instant as a `dateTimeTimeZone` in the given zone name (Windows or IANA, as the client named it). */
export function toDateTimeTimeZone(
	ms: number,
	zoneName = 'UTC',
): { dateTime: string; timeZone: string } {
	return { dateTime: formatLocal(localParts(ms, resolveZone(zoneName))), timeZone: zoneName };
}

/** The zone a request asks for with `Prefer: outlook.timezone="..."`, if any. */
export function preferredZone(prefer: string | string[] | undefined): string | undefined {
	const text = Array.isArray(prefer) ? prefer.join(',') : String(prefer ?? '');
	const m =
		/outlook\.timezone\s*=\s*"([^"]*)"/i.exec(text) ??
		/outlook\.timezone\s*=\s*([^,;]+)/i.exec(text);
	if (!m) return undefined;
	resolveZone(m[1]);
	return m[1].trim();
}
