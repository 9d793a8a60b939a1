/**
 * Review of the Calendar node and trigger (adversarial): hostile IDs, privacy of outputs, faults
 * at each request position. Each test states the standard it holds the node to.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOB,
	BOARDROOM,
	calendarFixture,
	errorText,
	graphCalls,
	graphRequests,
	json,
	locator,
	runCalendar,
	type Auth,
} from '../calendar/helpers';

const emulator = useEmulator({ fixture: calendarFixture(), accessTokenLifetime: 3600 });

let app: Auth;
beforeAll(() => {
	app = { kind: 'app', data: appCredential(emulator()) };
});
const owner = (mailbox: string) => ({ mailbox: locator(mailbox, 'address') });

describe('an ID of "." or ".." is refused before any request (no request to another resource)', () => {
	test.each([
		['event delete', { resource: 'event', operation: 'delete', eventId: '..' }, 'Event ID'],
		['event delete (.)', { resource: 'event', operation: 'delete', eventId: '.' }, 'Event ID'],
		[
			'event update',
			{ resource: 'event', operation: 'update', eventId: '..', updateFields: { subject: 'x' } },
			'Event ID',
		],
		['event get', { resource: 'event', operation: 'get', eventId: '..' }, 'Event ID'],
		[
			'calendar delete by ID',
			{ resource: 'calendar', operation: 'delete', calendar: locator('..', 'id') },
			'Calendar',
		],
		[
			'owner mailbox ".."',
			{ resource: 'event', operation: 'get', eventId: 'AAMk1', mailbox: locator('={{ ".." }}', 'address') },
			'Mailbox',
		],
	])('%s', async (_name, params, field) => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runCalendar(app, { ...owner(BOB), ...params });
		const sent = graphRequests(emu, mark).map((e) => `${e.method} ${e.url}`);
		expect(sent).toEqual([]);
		expect(errorText(result)).toContain(`${field}:`);
	});
});
