/**
 * Calendar node: many items' calendar views in one run go through `$batch`, each member paged
 * through its own nextLinks, never more than 4 requests at once per mailbox (Exchange's limit,
 * which the emulator enforces with 429 MailboxConcurrency); and Pseudonymise Addresses gives the
 * same pseudonym as the Entra ID node for the same address and key.
 */
import { useEmulator } from '../helpers/emulator';
import { jsonOf, runEntra } from '../entra/helpers';
import {
	ALICE,
	appCredential,
	BOB,
	CAROL,
	calendarFixture,
	graphRequests,
	json,
	locator,
	PSEUDONYM_A,
	runCalendar,
	type Auth,
} from './helpers';

const emulator = useEmulator({ fixture: calendarFixture(), accessTokenLifetime: 3600 });

let app: Auth;
beforeAll(() => {
	app = { kind: 'app', data: appCredential(emulator()) };
});

function seed(user: string, count: number, day: string) {
	emulator().calendar.seedEvents(
		user,
		Array.from({ length: count }, (_, i) => ({
			subject: `${user.split('@')[0]} ${i}`,
			start: { dateTime: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:00:00`, timeZone: 'UTC' },
			end: { dateTime: `${day}T${String(6 + (i % 12)).padStart(2, '0')}:20:00`, timeZone: 'UTC' },
			attendees: [{ emailAddress: { address: ALICE, name: 'Alice' }, type: 'required' }],
		})),
	);
}

test('30 items over 3 mailboxes: $batch rounds, every page of every member, at most 4 at once per mailbox', async () => {
	const emu = emulator();
	const day = '2027-03-01';
	seed(ALICE, 150, day);
	seed(BOB, 40, day);
	seed(CAROL, 5, day);
	emu.mail.processingMs = 15;
	emu.mail.maxInFlight.clear();
	const throttledBefore = emu.mail.throttled;
	const users = [ALICE, BOB, CAROL];
	const input = Array.from({ length: 30 }, (_, i) => ({ json: { user: users[i % 3] } }));
	const mark = emu.mark();
	const result = await runCalendar(
		app,
		{
			resource: 'event',
			operation: 'getMany',
			mailbox: locator('={{ $json.user }}', 'address'),
			view: 'calendarView',
			start: `${day}T00:00:00Z`,
			end: `${day}T23:59:00Z`,
			returnAll: true,
			options: { metadataOnly: true, outputTimeZone: 'UTC' },
		},
		input,
	);
	emu.mail.processingMs = 1;
	expect(result.error).toBeUndefined();
	const out = result.output[0];
	const perItem = new Map<number, number>();
	for (const item of out) {
		const index = (item.pairedItem as { item: number }).item;
		perItem.set(index, (perItem.get(index) ?? 0) + 1);
	}
	for (let i = 0; i < 30; i++) expect(perItem.get(i)).toBe([150, 40, 5][i % 3]);
	// Alice's 150 events are 2 pages of 100: 10 items x 2 + Bob 10 x 1 + Carol 10 x 1 = 40 members.
	const outer = graphRequests(emu, mark);
	expect(outer.every((r) => r.url.endsWith('/$batch'))).toBe(true);
	const members = emu.since(mark).filter((e) => e.batchSeq !== undefined);
	expect(members).toHaveLength(40);
	expect(members.every((m) => m.status === 200)).toBe(true);
	expect(outer.length).toBeLessThan(15);
	for (const [key, most] of emu.mail.maxInFlight)
		if (/@|-/.test(key)) expect(most).toBeLessThanOrEqual(4);
	expect(emu.mail.throttled).toBe(throttledBefore);
});

test("Pseudonymise Addresses: no address or name left, and the pseudonym equals the Entra ID node's for the same address", async () => {
	const emu = emulator();
	const event = emu.calendar.createEvent(BOB, {
		subject: 'Pseudonyms',
		start: { dateTime: '2027-04-01T10:00:00', timeZone: 'UTC' },
		end: { dateTime: '2027-04-01T11:00:00', timeZone: 'UTC' },
		attendees: [{ emailAddress: { address: ALICE, name: 'Alice Example' }, type: 'required' }],
	});
	const result = await runCalendar(app, {
		resource: 'event',
		operation: 'get',
		mailbox: locator(BOB, 'address'),
		eventId: String(event.id),
		pseudonymise: true,
		pseudonymKeySource: 'credential',
	});
	expect(result.error).toBeUndefined();
	const [got] = json(result);
	const text = JSON.stringify(got).toLowerCase();
	expect(text).not.toContain('@contoso.onmicrosoft.com');
	expect(text).not.toContain('alice example');
	const aliceInCalendar = (got.attendees as any[])[0].emailAddress.address as string;
	expect(aliceInCalendar).toMatch(/^[A-Za-z0-9_-]{43}$/);

	const entra = await runEntra(emu, {
		pseudonymKey: PSEUDONYM_A,
		parameters: {
			resource: 'user',
			operation: 'getMany',
			returnAll: true,
			fields: ['userPrincipalName', 'mail'],
			pseudonymise: true,
			pseudonymFields: ['mail'],
			pseudonymKeySource: 'credential',
		},
	});
	expect(entra.error).toBeUndefined();
	const alice = jsonOf(entra.output).find((u) => u.userPrincipalName === ALICE);
	expect(alice?.mail).toBe(aliceInCalendar);
	const bob = jsonOf(entra.output).find((u) => u.userPrincipalName === BOB);
	expect((got.organizer as any).emailAddress.address).toBe(bob?.mail);
});
