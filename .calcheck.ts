import { startEmulator } from './test/emulator/emulator';
import { mintToken } from './test/helpers/emulator';
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
(async () => {
	const emu = await startEmulator({});
	const pad = (n: number) => String(n).padStart(2, '0');
	const year = emu.calendar.seedMailboxes({ count: 1, prefix: 'cal-year' })[0];
	const events = Array.from({ length: 50 }, (_, i) => { const day = i % 5; const hour = 8 + Math.floor(i / 5); const date = `2026-01-${pad(5 + day)}`; return { subject: `W${i}`, start: { dateTime: `${date}T${pad(hour)}:00:00`, timeZone: 'UTC' }, end: { dateTime: `${date}T${pad(hour)}:30:00`, timeZone: 'UTC' }, attendees: [{ type: 'required', emailAddress: { address: 'alice@contoso.onmicrosoft.com' } }], recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: [['monday', 'tuesday', 'wednesday', 'thursday', 'friday'][day]], firstDayOfWeek: 'monday' }, range: { type: 'numbered', startDate: date, numberOfOccurrences: 40 } } }; });
	emu.calendar.seedEvents(year, events);
	const tok = mintToken(emu, { roles: ['Calendars.Read'] });
	for (const variant of [{ q: '', h: {} }, { q: '&$orderby=start/dateTime', h: { Prefer: 'outlook.timezone="UTC"' } }, { q: '&$select=id,subject,bodyPreview,start,end,organizer,attendees,webLink', h: {} }]) {
		const t0 = Date.now();
		let url: string | undefined = `${emu.graphUrl}/users/${year}/calendarView?startDateTime=2026-01-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z&$top=100${variant.q}`;
		let n = 0; const times: number[] = [];
		while (url) { const t = Date.now(); const r = await fetch(url, { headers: { Authorization: `Bearer ${tok}`, ...variant.h } }); const b: any = await r.json(); times.push(Date.now() - t); n += b.value.length; url = b['@odata.nextLink']; }
		console.log(variant.q || 'plain', n, Date.now() - t0, 'ms', times.join(','));
	}
	await emu.close();
})().catch((e) => { console.error(e); process.exit(1); });
