/**
 * The benchmark's seeding routes (bench/scenarios/calendar.ts): generated user and room
 * mailboxes with a room list, events in bulk, and an admin consent grant for an app.
 */
import { demoApp } from '../../scripts/e2e/stack';
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();

async function admin(path: string, body: unknown) {
	return await graph(emulator(), 'POST', `${emulator().url}/_emulator/${path}`, undefined, body);
}

const utc = (dateTime: string) => ({ dateTime, timeZone: 'UTC' });

test('rooms in a new room list, their events, and free/busy through getSchedule', async () => {
	const body = {
		count: 3,
		prefix: 'seed-room',
		kind: 'room',
		roomList: {
			displayName: 'Seeded building',
			emailAddress: 'rooms-seeded@contoso.onmicrosoft.com',
		},
	};
	const seeded = await admin('calendar/mailboxes/seed', body);
	expect(seeded.status).toBe(200);
	const rooms = seeded.body.mailboxes as string[];
	expect(rooms).toEqual([
		'seed-room0001@contoso.onmicrosoft.com',
		'seed-room0002@contoso.onmicrosoft.com',
		'seed-room0003@contoso.onmicrosoft.com',
	]);
	// Seeding again keeps the mailboxes and the list's rooms as they are.
	expect((await admin('calendar/mailboxes/seed', body)).body.mailboxes).toEqual(rooms);
	const events = await admin('calendar/seed', {
		seeds: [
			{
				user: rooms[0],
				events: [
					{ subject: 'Booked', start: utc('2029-07-02T09:00:00'), end: utc('2029-07-02T10:00:00') },
				],
			},
		],
	});
	expect(events.body).toEqual({ events: 1 });

	const places = mintToken(emulator(), { roles: ['Place.Read.All'] });
	const listed = await graph(
		emulator(),
		'GET',
		'/places/rooms-seeded@contoso.onmicrosoft.com/microsoft.graph.roomlist/rooms',
		places,
	);
	expect(listed.status).toBe(200);
	expect(listed.body.value.map((r: { emailAddress: string }) => r.emailAddress)).toEqual(rooms);

	const schedule = await graph(
		emulator(),
		'POST',
		`/users/${rooms[1]}/calendar/getSchedule`,
		mintToken(emulator(), { roles: ['Calendars.Read'] }),
		{
			schedules: rooms,
			startTime: utc('2029-07-02T08:00:00'),
			endTime: utc('2029-07-02T12:00:00'),
			availabilityViewInterval: 60,
		},
	);
	expect(schedule.status).toBe(200);
	expect(schedule.body.value.map((s: { availabilityView: string }) => s.availabilityView)).toEqual([
		'0200',
		'0000',
		'0000',
	]);
});

test('an unknown mailbox is refused when seeding events', async () => {
	const res = await admin('calendar/seed', {
		seeds: [{ user: 'nobody@contoso.onmicrosoft.com', events: [] }],
	});
	expect(res.status).toBe(404);
});

test('an admin consent grant reaches the app-only token', async () => {
	const app = demoApp('Room Booking');
	const grant = await admin(`apps/${app.appId}/consent`, { application: ['Calendars.Read'] });
	expect(grant.status).toBe(200);
	expect(grant.body.consent.application).toContain('Calendars.Read');
	const res = await fetch(`${emulator().authority()}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: app.appId,
			client_secret: app.secrets![0].value,
			scope: 'https://graph.microsoft.com/.default',
		}).toString(),
	});
	const { access_token } = (await res.json()) as { access_token: string };
	const claims = JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString('utf8'));
	expect(claims.roles).toContain('Calendars.Read');
});
