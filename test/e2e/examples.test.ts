/**
 * Every example workflow (examples/*.json), imported by the same setup as `npm run dev`
 * (scripts/e2e/demo.ts) and run as the editor's "Execute workflow" button does, runs green; its
 * effects are checked in the emulator: messages delivered, files stored with the same bytes,
 * posts made, users read (pseudonymised where asked), SMTP submissions accepted. The two approval
 * examples (approval-by-mail, approval-in-teams) wait for an answer: test/e2e/send-and-wait.test.ts
 * runs them, answers through their links and checks what follows.
 */
import { createHmac } from 'node:crypto';
import {
	DEMO_ZONE,
	DEMO_ZONE_IANA,
	readExamples,
	roomRequestSubject,
	seedEvent,
	seedRoomRequest,
	zurichDay,
} from '../../scripts/e2e/demo';
import { demoTenant, nodeOutput, type Execution } from '../../scripts/e2e/stack';
import { describeExecution, e2e, expectSuccess, MANUAL_TRIGGER } from './helpers';

const ctx = e2e();
const REPORTS_DRIVE = 'contoso.sharepoint.com:/sites/reports/Reports';

async function run(example: string, trigger = MANUAL_TRIGGER): Promise<Execution> {
	const workflow = ctx.state.workflows[example];
	if (!workflow)
		throw new Error(
			`example ${example} was not imported (a node it uses is not built?): ${JSON.stringify(ctx.state.staged.missing)}`,
		);
	const execution = await ctx.n8n.runWorkflow(workflow.id, trigger);
	expectSuccess(execution);
	return execution;
}

const inbox = async (user: string, folder = 'inbox') =>
	(await ctx.admin('GET', `mail/messages?user=${encodeURIComponent(user)}&folder=${folder}`))
		.messages as any[];

/** Midnight in Zurich `days` after today, as an ISO instant. */
function zurichMidnight(days: number): string {
	const guess = new Date(`${zurichDay(days)}T00:00:00Z`);
	const offset = new Intl.DateTimeFormat('en-US', {
		timeZone: DEMO_ZONE_IANA,
		timeZoneName: 'longOffset',
	})
		.formatToParts(guess)
		.find((p) => p.type === 'timeZoneName')!
		.value.match(/GMT([+-])(\d{2}):(\d{2})/);
	const minutes = offset ? (offset[1] === '-' ? -1 : 1) * (+offset[2] * 60 + +offset[3]) : 0;
	return new Date(guess.getTime() - minutes * 60_000).toISOString();
}

/** A parameter of a node of an example file, as written there. */
function exampleParameter(example: string, node: string, name: string): unknown {
	const file = readExamples().find((e) => e.file === `${example}.json`)!;
	return file.workflow.nodes.find((n) => n.name === node)!.parameters[name];
}

const at = (day: string, time: string) => ({ dateTime: `${day}T${time}:00`, timeZone: DEMO_ZONE });
const calendarEvents = async (user: string) =>
	(await ctx.admin('GET', `calendar/events?user=${encodeURIComponent(user)}`)).events as any[];

test('every example in examples/ was imported into n8n', () => {
	const files = readExamples().map((e) => e.file.replace(/\.json$/, ''));
	expect(files.length).toBeGreaterThanOrEqual(6);
	expect(Object.keys(ctx.state.workflows).sort()).toEqual(files.sort());
});

test('report distribution: one report by Graph mail, as a Teams post with the file, into SharePoint', async () => {
	const execution = await run('report-distribution');
	const mail = (await inbox('alice@contoso.onmicrosoft.com')).find(
		(m) => m.subject === 'Monthly report',
	);
	expect(mail).toBeDefined();
	expect(mail.from.emailAddress.address).toBe('reports@contoso.onmicrosoft.com');
	expect(mail.attachments.map((a: any) => a.name)).toEqual(['monthly-report.csv']);
	const sent = mail.attachments[0];

	const stored = await ctx.admin(
		'GET',
		`drives/item?drive=${encodeURIComponent(REPORTS_DRIVE)}&path=${encodeURIComponent('/Monthly/monthly-report.csv')}`,
	);
	// The same bytes arrived by mail and in SharePoint.
	expect(stored.sha256).toBe(sent.sha256);
	expect(stored.size).toBe(sent.size);
	expect(stored.size).toBeGreaterThan(40);

	const posts = (await ctx.admin('GET', 'teams/messages?team=All%20Staff&channel=Reports'))
		.messages as Array<{ json: any }>;
	const post = posts.find((p) => JSON.stringify(p.json).includes('monthly-report.csv'));
	expect(post).toBeDefined();
	expect(post!.json.from.user.displayName).toBe('Report Server');
	expect(nodeOutput(execution, 'Post to Teams')).toHaveLength(1);
});

test('service-desk mailbox: each branch runs on its own (new mail → reply and mark read; Send Status Now → send)', async () => {
	// Seeded messages are dated a second back: let mail delivered by earlier tests be older.
	await new Promise((resolve) => setTimeout(resolve, 1500));
	await ctx.admin('POST', 'mail/seed', {
		user: 'alice@contoso.onmicrosoft.com',
		count: 2, // the emulator seeds every other message as read: the 2nd is unread
		from: 'bob@contoso.onmicrosoft.com',
	});
	const seeded = (await inbox('alice@contoso.onmicrosoft.com')).find(
		(m) => m.subject === 'Seeded message 2' && !m.isRead,
	);
	expect(seeded).toBeDefined();

	const execution = await run('service-desk-mailbox', 'New Mail');
	// Each branch runs on its own: the mail branch does not send the status message.
	expect(Object.keys(execution.data?.resultData.runData ?? {}).sort()).toEqual(
		['Acknowledge', 'Mark Read', 'New Mail'].sort(),
	);
	const triggered = nodeOutput(execution, 'New Mail');
	expect(triggered.map((m) => m.id)).toContain(seeded.id);
	const acknowledged = nodeOutput(execution, 'Acknowledge');
	expect(acknowledged.length).toBe(triggered.length);

	const after = (await inbox('alice@contoso.onmicrosoft.com')).find((m) => m.id === seeded.id);
	expect(after.isRead).toBe(true);
	const reply = (await inbox('bob@contoso.onmicrosoft.com')).find(
		(m) => m.subject === `RE: ${seeded.subject}`,
	);
	expect(reply).toBeDefined();
	expect(reply.body.content).toContain('we received your request');

	const statusRun = await run('service-desk-mailbox', 'Send Status Now');
	expect(Object.keys(statusRun.data?.resultData.runData ?? {}).sort()).toEqual([
		'Send Status Mail',
		'Send Status Now',
	]);
	const status = (await inbox('bob@contoso.onmicrosoft.com')).find(
		(m) => m.subject === 'Service desk status',
	);
	expect(status?.from.emailAddress.address).toBe('alice@contoso.onmicrosoft.com');
});

test('directory analytics: pseudonymised users and members; mail only from allowed mailboxes', async () => {
	const mark = await ctx.mark();
	const execution = await run('directory-analytics');
	const users = nodeOutput(execution, 'Users (Pseudonymised)');
	const tenants = (await ctx.admin('GET', 'tenants')).tenants;
	expect(users.length).toBe(tenants[0].users);
	const text = JSON.stringify([users, nodeOutput(execution, 'Group Members (Pseudonymised)')]);
	expect(text).not.toMatch(/@contoso\.onmicrosoft\.com/);
	expect(text).not.toContain('Alice Anders');
	// Departments are not identifying and stay readable.
	expect(users.map((u) => u.department)).toContain('Finance');
	expect(nodeOutput(execution, 'Group Members (Pseudonymised)').length).toBe(2);

	const mailCalls = (await ctx.logSince(mark)).filter((e) =>
		/\/v1\.0\/users\/[^/]+\/(mailFolders|messages)/.test(e.url),
	);
	expect(mailCalls.length).toBeGreaterThan(0);
	for (const call of mailCalls) {
		expect(decodeURIComponent(call.url)).toContain('alice@contoso.onmicrosoft.com');
		expect(call.auth?.appId).toBe('0ccb9dd7-4b71-5fb1-939f-5e9d54edbf7d');
	}
});

test('access review: users with their groups and managers exported', async () => {
	const execution = await run('access-review');
	const users = nodeOutput(execution, 'All Users');
	const tenants = (await ctx.admin('GET', 'tenants')).tenants;
	expect(users.length).toBe(tenants[0].users);
	const managers = nodeOutput(execution, 'Manager of User');
	expect(managers.map((m) => m.userPrincipalName)).toContain('alice@contoso.onmicrosoft.com');
	const groups = nodeOutput(execution, 'Groups of User').map((g) => g.displayName);
	expect(groups).toEqual(expect.arrayContaining(['All Staff', 'Finance']));
	for (const file of ['Users CSV', 'Memberships CSV', 'Managers CSV']) {
		const run0 = execution.data!.resultData.runData[file][0];
		const binary = run0.data!.main![0]![0].binary!.data;
		expect(binary.fileName).toMatch(/\.csv$/);
	}
});

test('user and room-mailbox sync: delta trigger → upsert; summary sent as the app', async () => {
	const execution = await run('user-room-sync', 'Directory Changes');
	const changes = nodeOutput(execution, 'Directory Changes');
	expect(changes.map((c) => c.userPrincipalName)).toContain('room-1@contoso.onmicrosoft.com');
	const [summary] = nodeOutput(execution, 'Upsert');
	expect(summary.changes).toBe(changes.length);
	const mail = (await inbox('admin@contoso.onmicrosoft.com')).find(
		(m) => m.subject === `Directory sync: ${changes.length} changes`,
	);
	expect(mail).toBeDefined();
	expect(mail.from.emailAddress.address).toBe('reports@contoso.onmicrosoft.com');
});

test('legacy SMTP with OAuth2: submitted over STARTTLS + XOAUTH2 as the signed-in user', async () => {
	const before = (await ctx.admin('GET', 'smtp/messages')).messages.length;
	await run('legacy-smtp-oauth2');
	const messages = (await ctx.admin('GET', 'smtp/messages')).messages as any[];
	expect(messages.length).toBe(before + 1);
	const sent = messages[messages.length - 1];
	expect(sent.user).toBe('reports@contoso.onmicrosoft.com');
	expect(sent.scheme).toBe('delegated');
	expect(sent.rcptTo).toEqual(['carol@contoso.onmicrosoft.com']);
	expect(sent.headers.subject).toBe('Sent over SMTP with OAuth2');
});

test('room booking: a request mail books the smallest free room in its calendar with the requester invited, and is answered', async () => {
	const day = zurichDay(5);
	const bob = { address: 'bob@contoso.onmicrosoft.com', name: 'Bob Berger' };
	// Room 1 (8 seats) is taken; Room 4 (6 seats) is reserved: Room 3 (12 seats) is the pick.
	await seedEvent(ctx.admin, 'room-1@contoso.onmicrosoft.com', {
		subject: 'Taken',
		start: at(day, '13:30'),
		end: at(day, '14:30'),
	});
	const subject = roomRequestSubject(day, '14:00', '15:00', 6);
	const requestId = await seedRoomRequest(ctx.admin, bob, subject);
	const execution = await run('room-booking', 'Booking Request');
	expect(nodeOutput(execution, 'Booking Request').map((m) => m.id)).toEqual([requestId]);
	const free = nodeOutput(execution, 'Find Free Rooms').map((r) => r.emailAddress);
	expect(free).not.toContain('room-1@contoso.onmicrosoft.com');
	expect(free).toContain('room-3@contoso.onmicrosoft.com');

	const [created] = nodeOutput(execution, 'Book Room');
	const booked = (await calendarEvents('room-3@contoso.onmicrosoft.com')).find(
		(e) => e.id === created.id,
	);
	expect(booked).toBeDefined();
	expect(booked.subject).toBe('Booked for Bob Berger');
	expect(booked.attendees.map((a: any) => a.emailAddress.address)).toEqual([bob.address]);
	expect(created.start.dateTime).toMatch(new RegExp(`^${day}T14:00:00`));
	expect(created.end.dateTime).toMatch(new RegExp(`^${day}T15:00:00`));
	expect(
		(await calendarEvents('room-1@contoso.onmicrosoft.com')).map((e) => e.subject),
	).not.toContain('Booked for Bob Berger');

	const reply = (await inbox(bob.address)).find((m) => m.subject === `RE: ${subject}`);
	expect(reply).toBeDefined();
	expect(reply.from.emailAddress.address).toBe('servicedesk@contoso.onmicrosoft.com');
	expect(reply.body.content).toContain(
		`Room 3 Basel (Basel Office, 12 seats) on ${day}, 14:00-15:00`,
	);

	// 40 people: no room is big enough → "no room free", nothing booked.
	const tooMany = roomRequestSubject(day, '09:00', '10:00', 40);
	await seedRoomRequest(ctx.admin, bob, tooMany);
	const none = await run('room-booking', 'Booking Request');
	expect(none.data!.resultData.runData['Book Room']).toBeUndefined();
	const sorry = (await inbox(bob.address)).find((m) => m.subject === `RE: ${tooMany}`);
	expect(sorry?.body.content).toContain(`no room for 40 people is free on ${day}, 09:00-10:00`);

	// A subject the workflow cannot read → the format, nothing looked up.
	const unreadable = 'Room request: tomorrow afternoon please';
	await seedRoomRequest(ctx.admin, bob, unreadable);
	const help = await run('room-booking', 'Booking Request');
	expect(help.data!.resultData.runData['Find Free Rooms']).toBeUndefined();
	const format = (await inbox(bob.address)).find((m) => m.subject === `RE: ${unreadable}`);
	expect(format?.body.content).toContain('Room request: 2026-12-08 14:00-15:00, 6 people');
});

test("calendar analytics export: one CSV row per meeting of the last 4 weeks in SharePoint, no subjects, the Entra node's pseudonyms", async () => {
	const execution = await run('calendar-analytics-export');
	const key = String(exampleParameter('calendar-analytics-export', 'Users', 'pseudonymKey'));
	expect(
		exampleParameter('calendar-analytics-export', 'Meetings (Last 4 Weeks)', 'pseudonymKey'),
	).toBe(key);
	const hash = (value: string) =>
		createHmac('sha256', key).update(value.trim().toLowerCase()).digest('base64url');
	const everyone = ((demoTenant() as any).users as Array<{ userPrincipalName: string }>).map(
		(u) => u.userPrincipalName,
	);
	const members = [
		'admin@contoso.onmicrosoft.com',
		'reports@contoso.onmicrosoft.com',
		'alice@contoso.onmicrosoft.com',
		'bob@contoso.onmicrosoft.com',
		'carol@contoso.onmicrosoft.com',
		'dana.oneil@contoso.onmicrosoft.com',
	];
	// The Entra ID node's pseudonyms are the keyed hashes of the UPNs.
	expect(
		nodeOutput(execution, 'Users')
			.map((u) => u.userPrincipalName)
			.sort(),
	).toEqual(members.map(hash).sort());

	// Expected: each member's calendar view over the 28 days before today (Zurich).
	const from = zurichMidnight(-28);
	const to = zurichMidnight(0);
	const expected = new Map<string, number>();
	for (const member of members) {
		const { events } = await ctx.admin(
			'GET',
			`calendar/view?user=${encodeURIComponent(member)}&from=${from}&to=${to}`,
		);
		expected.set(hash(member), events.length);
	}
	const total = [...expected.values()].reduce((a, b) => a + b, 0);
	expect(total).toBeGreaterThanOrEqual(8); // the demo data: a weekly series, four single meetings

	const stored = await ctx.admin(
		'GET',
		`drives/item?drive=${encodeURIComponent(REPORTS_DRIVE)}&path=${encodeURIComponent(`/Calendar analytics/calendar-analytics-${zurichDay(0)}.csv`)}&text=1`,
	);
	const csv = String(stored.text);
	const [header, ...lines] = csv.trim().split(/\r?\n/);
	const columns = header.split(',').map((c) => c.replace(/^"|"$/g, ''));
	expect(columns).toEqual(expect.arrayContaining(['user', 'start', 'organizer', 'attendees']));
	for (const column of ['subject', 'body', 'bodyPreview', 'location', 'locations'])
		expect(columns).not.toContain(column);
	const rows = lines.map((line) =>
		Object.fromEntries(line.split(',').map((v, i) => [columns[i], v.replace(/^"|"$/g, '')])),
	);
	expect(rows).toHaveLength(total);
	for (const [user, count] of expected)
		expect(rows.filter((r) => r.user === user)).toHaveLength(count);

	// No plain address, no subject; every person is a known pseudonym.
	expect(csv).not.toContain('@');
	for (const subject of ['Finance weekly', 'Design review', 'Budget workshop', 'Audit preparation'])
		expect(csv).not.toContain(subject);
	const known = new Set(everyone.map(hash));
	const people = rows.flatMap((r) => [r.organizer, ...r.attendees.split(' ')]).filter(Boolean);
	expect(people.length).toBeGreaterThan(total);
	for (const person of people) expect(known.has(person)).toBe(true);
	const alice = hash('alice@contoso.onmicrosoft.com');
	expect(rows.some((r) => r.user === alice && r.organizer === alice)).toBe(true);
	expect(
		rows.some((r) => r.attendees.split(' ').includes(hash('room-1@contoso.onmicrosoft.com'))),
	).toBe(true);
});

test("teams activity export: a CSV row per channel message and reply of the last 7 days in SharePoint, no text, the Entra node's pseudonyms", async () => {
	const ALICE_ID = '79719b4a-22ee-5f2e-bbac-dca31ff99a15';
	const BOB_ID = '09db03a2-9629-5b80-8af4-3eafd9fcef01';
	const now = Date.now();
	const seeded = (await ctx.admin('POST', 'teams/messages/seed', {
		channels: [
			{
				team: 'All Staff',
				channel: 'Alerts',
				messages: [
					{
						from: 'alice@contoso.onmicrosoft.com',
						body: 'Activity export seed: disk almost full',
						mentions: [{ user: 'bob@contoso.onmicrosoft.com', text: 'Bob' }],
						createdDateTime: new Date(now - 2 * 3600_000).toISOString(),
						replies: [
							{
								from: 'bob@contoso.onmicrosoft.com',
								body: 'Activity export seed: on it',
								createdDateTime: new Date(now - 3600_000).toISOString(),
							},
						],
					},
					{
						from: 'bob@contoso.onmicrosoft.com',
						body: 'Activity export seed: last month',
						createdDateTime: new Date(now - 30 * 24 * 3600_000).toISOString(),
					},
				],
			},
		],
	})) as { channels: Array<{ messages: Array<{ id: string; replies: string[] }> }> };
	const [recent, old] = seeded.channels[0].messages;
	const execution = await run('teams-activity-export');
	// Every channel of All Staff was read (General, Reports, Alerts).
	expect(nodeOutput(execution, 'Channels')).toHaveLength(3);
	const key = String(
		exampleParameter('teams-activity-export', 'Messages (Last 7 Days)', 'pseudonymKey'),
	);
	const hash = (value: string) =>
		createHmac('sha256', key).update(value.trim().toLowerCase()).digest('base64url');

	const stored = await ctx.admin(
		'GET',
		`drives/item?drive=${encodeURIComponent(REPORTS_DRIVE)}&path=${encodeURIComponent(`/Teams activity/teams-activity-${zurichDay(0)}.csv`)}&text=1`,
	);
	const csv = String(stored.text);
	const [header, ...lines] = csv.trim().split(/\r?\n/);
	const columns = header.split(',').map((c) => c.replace(/^"|"$/g, ''));
	expect(columns).toEqual(expect.arrayContaining(['messageId', 'kind', 'sender', 'mentioned']));
	for (const column of ['body', 'subject', 'summary']) expect(columns).not.toContain(column);
	const rows = lines.map((line) =>
		Object.fromEntries(line.split(',').map((v, i) => [columns[i], v.replace(/^"|"$/g, '')])),
	);
	const post = rows.find((r) => r.messageId === recent.id);
	const reply = rows.find((r) => r.messageId === recent.replies[0]);
	expect(post).toMatchObject({ kind: 'post', sender: hash(ALICE_ID), mentioned: hash(BOB_ID) });
	expect(reply).toMatchObject({ kind: 'reply', replyToId: recent.id, sender: hash(BOB_ID) });
	expect(rows.find((r) => r.messageId === old.id)).toBeUndefined();
	expect(csv).not.toContain('Activity export seed');
	expect(csv).not.toContain('@contoso');
	expect(csv).not.toContain(ALICE_ID);
});

test('daily room board: every room with its free/busy for today, posted to Teams', async () => {
	const today = zurichDay(0);
	await seedEvent(ctx.admin, 'room-4@contoso.onmicrosoft.com', {
		subject: 'Workshop',
		start: at(today, '14:00'),
		end: at(today, '15:30'),
	});
	const execution = await run('daily-room-board');
	const [board] = nodeOutput(execution, 'Build Board');
	expect(board.rooms.map((r: any) => r.name).sort()).toEqual([
		'Room 1 Zurich',
		'Room 2 Zurich',
		'Room 3 Basel',
		'Room 4 Basel',
		'Room 5 Boardroom Zurich',
	]);
	const posts = (await ctx.admin('GET', 'teams/messages?team=All%20Staff&channel=General'))
		.messages as Array<{ json: any }>;
	const post = posts.find((p) => p.json.subject === `Room board ${today}`);
	expect(post).toBeDefined();
	const html = String(post!.json.body.content);
	const line = (room: string) => {
		const startAt = html.indexOf(`<li><b>${room}</b>`);
		expect(startAt).toBeGreaterThanOrEqual(0);
		return html.slice(startAt, html.indexOf('</li>', startAt));
	};
	expect(line('Room 4 Basel')).toContain('busy 14:00-15:30');
	expect(line('Room 2 Zurich')).toContain('busy 10:00-11:00'); // the demo data
	for (const room of ['Room 1 Zurich', 'Room 3 Basel', 'Room 5 Boardroom Zurich'])
		expect(line(room)).toContain('free all day');
});

afterAll(async () => {
	const { violations } = await ctx.admin('GET', 'contract-violations');
	expect(violations).toEqual([]);
	void describeExecution;
});
