/**
 * The demo setup of `npm run dev` (and of the end-to-end tests): credentials of both types for
 * the emulator's demo tenant (Custom endpoints, so no root and no host mapping are needed), the
 * delegated ones signed in through n8n's own OAuth2 flow, and the example workflows imported with
 * their credential references pointed at those credentials.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
	demoApp,
	demoTenant,
	PACKAGE_NAME,
	REPO_ROOT,
	type EmulatorProcess,
	type Log,
	type N8nClient,
	type WorkflowJson,
} from './stack';

export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');
export const APP_TYPE = 'microsoft365AppApi';
export const DELEGATED_TYPE = 'microsoft365OAuth2Api';

/**
 * Demo credentials by key. The examples reference them by these keys as credential IDs
 * (`"credentials": { "microsoft365AppApi": { "id": "m365-demo-app", ... } }`).
 */
export const DEMO_CREDENTIALS = {
	/**
	 * Room Booking app, client secret: Mail.Send, Mail.Read, Calendars.ReadWrite, Place.Read.All,
	 * User.Read.All, Group.Read.All; no mailbox restriction.
	 */
	'm365-demo-app': { type: APP_TYPE, name: 'M365 demo: Room Booking app (secret)' },
	/** Room Booking app, Mailbox Restriction: the room mailboxes and the service mailbox. */
	'm365-demo-room-booking': {
		type: APP_TYPE,
		name: 'M365 demo: Room Booking app (rooms and service desk)',
	},
	/** Room Booking app, certificate. */
	'm365-demo-app-certificate': {
		type: APP_TYPE,
		name: 'M365 demo: Room Booking app (certificate)',
	},
	/** Access Review app: User.Read.All, Directory.Read.All. */
	'm365-demo-access-review': { type: APP_TYPE, name: 'M365 demo: Access Review app' },
	/** Workplace Analytics Connector (multi-tenant, vendor secret), mailbox restriction. */
	'm365-demo-analytics': {
		type: APP_TYPE,
		name: 'M365 demo: Analytics app (mailbox restriction)',
	},
	/** Workplace Analytics Connector for calendar analytics (Calendars.Read, User.Read.All). */
	'm365-demo-calendar-analytics': {
		type: APP_TYPE,
		name: 'M365 demo: Analytics app (calendars)',
	},
	/** Workplace Analytics Connector for the Teams activity export (Group.Read.All covers the channel reads). */
	'm365-demo-teams-analytics': {
		type: APP_TYPE,
		name: 'M365 demo: Analytics app (Teams)',
	},
	/** Report Server app, delegated as reports@ with trimmed scope groups. */
	'm365-demo-delegated': { type: DELEGATED_TYPE, name: 'M365 demo: Report Server (delegated)' },
	/** Report Server app, delegated for Exchange's SMTP AUTH (Outlook resource). */
	'm365-demo-smtp': { type: DELEGATED_TYPE, name: 'M365 demo: Report Server (Outlook SMTP)' },
	/** Service Desk app (public client, multi-tenant), delegated via `common`. */
	'm365-demo-service-desk': {
		type: DELEGATED_TYPE,
		name: 'M365 demo: Service Desk (delegated, common)',
	},
} as const;

export type DemoCredentialKey = keyof typeof DEMO_CREDENTIALS;
export type DemoCredentials = Record<
	DemoCredentialKey,
	{ id: string; name: string; type: string; data: Record<string, unknown> }
>;

/** Cloud fields pointing at the emulator (Custom endpoints, its SMTP endpoint when it has one). */
export function customCloud(emulatorUrl: string, smtpPort?: number): Record<string, unknown> {
	return {
		cloud: 'custom',
		customLoginUrl: emulatorUrl,
		customGraphUrl: emulatorUrl,
		customGraphResource: 'https://graph.microsoft.com',
		...(smtpPort ? { customSmtpHost: `127.0.0.1:${smtpPort}` } : {}),
	};
}

/** The mailboxes the room-booking credential may act on: every room and the service mailbox. */
export const ROOM_BOOKING_MAILBOXES = [
	'room-1@contoso.onmicrosoft.com',
	'room-2@contoso.onmicrosoft.com',
	'room-3@contoso.onmicrosoft.com',
	'room-4@contoso.onmicrosoft.com',
	'room-5@contoso.onmicrosoft.com',
	'servicedesk@contoso.onmicrosoft.com',
];

export function secretOf(appName: string, index = 0): string {
	const secret = demoApp(appName).secrets?.[index];
	if (!secret) throw new Error(`app ${appName} has no secret #${index}`);
	return secret.value;
}

/** Credential data for each demo credential (certificates come from the emulator's admin API). */
export async function demoCredentialData(
	emulator: Pick<EmulatorProcess, 'url' | 'admin'> & { smtpPort?: number },
): Promise<Record<DemoCredentialKey, Record<string, unknown>>> {
	const tenant = demoTenant();
	const cloud = customCloud(emulator.url, emulator.smtpPort);
	const roomBooking = demoApp('Room Booking');
	const cert = await emulator.admin<{ certPem: string; keyPem: string }>(
		'GET',
		`apps/${roomBooking.appId}/certificates/${roomBooking.certificates![0].id}`,
	);
	const vendor = JSON.parse(
		readFileSync(join(REPO_ROOT, 'test', 'emulator', 'fixtures', 'demo-tenant.json'), 'utf8'),
	).tenants.find((t: any) => t.displayName.includes('vendor'));
	const analytics = vendor.apps.find((a: any) => a.displayName === 'Workplace Analytics Connector');
	const reportServer = {
		...cloud,
		tenant: tenant.domains[0],
		clientId: demoApp('Report Server').appId,
		clientSecret: secretOf('Report Server'),
		additionalScopes: '',
	};
	return {
		'm365-demo-app': {
			...cloud,
			tenantId: tenant.domains[0],
			clientId: roomBooking.appId,
			authentication: 'clientSecret',
			clientSecret: secretOf('Room Booking'),
		},
		'm365-demo-room-booking': {
			...cloud,
			tenantId: tenant.domains[0],
			clientId: roomBooking.appId,
			authentication: 'clientSecret',
			clientSecret: secretOf('Room Booking'),
			mailboxRestriction: ROOM_BOOKING_MAILBOXES.join(', '),
		},
		'm365-demo-app-certificate': {
			...cloud,
			tenantId: tenant.tenantId,
			clientId: roomBooking.appId,
			authentication: 'certificate',
			privateKey: cert.keyPem,
			certificate: cert.certPem,
		},
		'm365-demo-access-review': {
			...cloud,
			tenantId: tenant.domains[0],
			clientId: demoApp('Access Review').appId,
			authentication: 'clientSecret',
			clientSecret: secretOf('Access Review'),
		},
		'm365-demo-analytics': {
			...cloud,
			tenantId: tenant.tenantId,
			clientId: analytics.appId,
			authentication: 'clientSecret',
			clientSecret: analytics.secrets[0].value,
			mailboxRestriction: 'alice@contoso.onmicrosoft.com, bob@contoso.onmicrosoft.com',
		},
		'm365-demo-calendar-analytics': {
			...cloud,
			tenantId: tenant.tenantId,
			clientId: analytics.appId,
			authentication: 'clientSecret',
			clientSecret: analytics.secrets[0].value,
		},
		'm365-demo-teams-analytics': {
			...cloud,
			tenantId: tenant.tenantId,
			clientId: analytics.appId,
			authentication: 'clientSecret',
			clientSecret: analytics.secrets[0].value,
		},
		'm365-demo-delegated': {
			...reportServer,
			signInFor: 'graph',
			scopeGroups: ['signIn', 'directoryBasics', 'sendMail', 'readMail', 'teams', 'sharePoint'],
		},
		'm365-demo-smtp': { ...reportServer, signInFor: 'outlook', outlookProtocols: ['smtp'] },
		'm365-demo-service-desk': {
			...cloud,
			tenant: 'common',
			clientId: demoApp('Service Desk').appId,
			clientSecret: '',
			signInFor: 'graph',
			scopeGroups: ['signIn', 'sendMail', 'readMail'],
			additionalScopes: '',
		},
	};
}

/**
 * Signs a delegated credential in through n8n's own OAuth2 flow, as the "Connect" button does:
 * n8n's authorize URL → the emulator's authorize endpoint (signs the demo user in, redirects with
 * a code) → n8n's callback with the same user's cookie → n8n redeems the code and stores the tokens.
 */
export async function connectOAuth2(
	client: N8nClient,
	credentialId: string,
	loginHint?: string,
): Promise<{ authorizeUrl: string; callbackUrl: string; callbackStatus: number; page: string }> {
	let authorizeUrl = await client.rest<string>(
		'GET',
		`/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`,
	);
	if (loginHint) authorizeUrl += `&login_hint=${encodeURIComponent(loginHint)}`;
	const signIn = await fetch(authorizeUrl, { redirect: 'manual' });
	const location = signIn.headers.get('location');
	if (signIn.status !== 302 || !location)
		throw new Error(
			`the emulator's authorize endpoint answered ${signIn.status}: ${(await signIn.text()).slice(0, 500)}`,
		);
	const callback = new URL(location);
	if (callback.searchParams.get('error'))
		throw new Error(
			`sign-in failed: ${callback.searchParams.get('error')} ${callback.searchParams.get('error_description')}`,
		);
	const res = await client.request('GET', `${callback.pathname}${callback.search}`);
	const page = typeof res.body === 'string' ? res.body : JSON.stringify(res.body);
	if (res.status >= 400) throw new Error(`n8n's OAuth2 callback answered ${res.status}: ${page}`);
	return { authorizeUrl, callbackUrl: location, callbackStatus: res.status, page };
}

export async function createDemoCredentials(
	client: N8nClient,
	emulator: Pick<EmulatorProcess, 'url' | 'admin'>,
	log: Log,
): Promise<DemoCredentials> {
	const data = await demoCredentialData(emulator);
	const out = {} as DemoCredentials;
	for (const [key, spec] of Object.entries(DEMO_CREDENTIALS) as Array<
		[DemoCredentialKey, (typeof DEMO_CREDENTIALS)[DemoCredentialKey]]
	>) {
		const created = await client.createCredential(spec.name, spec.type, data[key]);
		out[key] = { id: created.id, name: spec.name, type: spec.type, data: data[key] };
	}
	await connectOAuth2(client, out['m365-demo-delegated'].id, 'reports@contoso.onmicrosoft.com');
	await connectOAuth2(client, out['m365-demo-smtp'].id, 'reports@contoso.onmicrosoft.com');
	await connectOAuth2(client, out['m365-demo-service-desk'].id, 'alice@contoso.onmicrosoft.com');
	log(
		`demo credentials: ${Object.values(out)
			.map((c) => c.name)
			.join('; ')}`,
	);
	return out;
}

export interface ExampleFile {
	file: string;
	workflow: WorkflowJson;
}

export function readExamples(): ExampleFile[] {
	if (!existsSync(EXAMPLES_DIR)) return [];
	return readdirSync(EXAMPLES_DIR)
		.filter((f) => f.endsWith('.json'))
		.sort()
		.map((file) => ({
			file,
			workflow: JSON.parse(readFileSync(join(EXAMPLES_DIR, file), 'utf8')) as WorkflowJson,
		}));
}

/** Our node types an example uses (`n8n-nodes-m365.<name>`). */
export function packageNodeTypes(workflow: WorkflowJson): string[] {
	return [
		...new Set(
			workflow.nodes
				.map((n) => String(n.type))
				.filter((type) => type.startsWith(`${PACKAGE_NAME}.`)),
		),
	];
}

/**
 * Points an example's credential references at the created demo credentials (whose Custom cloud
 * names the emulator's SMTP endpoint: SMTP sends go where the credential says).
 */
export function bindCredentials(
	workflow: WorkflowJson,
	credentials: DemoCredentials,
): WorkflowJson {
	const copy = structuredClone(workflow);
	for (const node of copy.nodes) {
		for (const [type, ref] of Object.entries(
			(node.credentials ?? {}) as Record<string, { id: string; name: string }>,
		)) {
			const demo = credentials[ref.id as DemoCredentialKey];
			if (demo) node.credentials[type] = { id: demo.id, name: demo.name };
		}
	}
	return copy;
}

/** Node types n8n has loaded (the editor's `/types/nodes.json`). */
export async function loadedNodeTypes(client: N8nClient): Promise<Set<string>> {
	const res = await client.request('GET', '/types/nodes.json');
	return new Set((res.body as Array<{ name: string }>).map((n) => n.name));
}

export async function importExamples(
	client: N8nClient,
	credentials: DemoCredentials,
	log: Log,
): Promise<Record<string, { id: string; name: string; file: string }>> {
	const loaded = await loadedNodeTypes(client);
	const out: Record<string, { id: string; name: string; file: string }> = {};
	for (const { file, workflow } of readExamples()) {
		const missing = packageNodeTypes(workflow).filter((t) => !loaded.has(t));
		if (missing.length) {
			log(`example ${file} not imported: n8n has no ${missing.join(', ')} (node not built yet)`);
			continue;
		}
		const created = await client.createWorkflow(bindCredentials(workflow, credentials));
		out[file.replace(/\.json$/, '')] = { id: created.id, name: workflow.name, file };
	}
	if (Object.keys(out).length) log(`example workflows: ${Object.keys(out).join(', ')}`);
	return out;
}

/** The examples' time zone (their workflow setting is Europe/Zurich), as Outlook names it. */
export const DEMO_ZONE = 'W. Europe Standard Time';
export const DEMO_ZONE_IANA = 'Europe/Zurich';

/** A date (YYYY-MM-DD) in Zurich, `days` after today. */
export function zurichDay(days = 0, now = new Date()): string {
	const today = new Intl.DateTimeFormat('en-CA', { timeZone: DEMO_ZONE_IANA }).format(now);
	const date = new Date(`${today}T00:00:00Z`);
	date.setUTCDate(date.getUTCDate() + days);
	return date.toISOString().slice(0, 10);
}

/** The subject the room-booking example reads: `Room request: 2026-12-08 14:00-15:00, 6 people`. */
export function roomRequestSubject(day: string, from: string, to: string, people: number): string {
	return `Room request: ${day} ${from}-${to}, ${people} people`;
}

type Admin = EmulatorProcess['admin'];

const at = (day: string, time: string) => ({ dateTime: `${day}T${time}:00`, timeZone: DEMO_ZONE });
const attendee = (address: string, type = 'required') => ({ emailAddress: { address }, type });

/** Creates an event as `user` (meeting requests delivered, rooms auto-accept); returns its JSON. */
export async function seedEvent(
	admin: Admin,
	user: string,
	event: Record<string, unknown>,
): Promise<Record<string, any>> {
	return await admin('POST', `calendar/events?user=${encodeURIComponent(user)}`, event);
}

/** A booking request from `from` in the service mailbox (unread, newest); returns its ID. */
export async function seedRoomRequest(
	admin: Admin,
	from: { address: string; name: string },
	subject: string,
): Promise<string> {
	const mailbox = 'servicedesk@contoso.onmicrosoft.com';
	await admin('POST', 'mail/seed', { user: mailbox, count: 1, from: from.address });
	const { messages } = await admin<{ messages: Array<{ id: string; subject: string }> }>(
		'GET',
		`mail/messages?user=${encodeURIComponent(mailbox)}&folder=inbox`,
	);
	const seeded = messages.filter((m) => m.subject === 'Seeded message 1').pop();
	if (!seeded) throw new Error('the seeded request mail is not in the service mailbox');
	await admin('PATCH', `mail/messages/${encodeURIComponent(seeded.id)}?user=${mailbox}`, {
		subject,
		isRead: false,
		from: { emailAddress: from },
		body: { contentType: 'text', content: 'Could you book a room for us? Thanks.' },
	});
	return seeded.id;
}

/**
 * What the calendar examples read, relative to today (Zurich): meetings in the users' calendars
 * over the last four weeks (a weekly series and single meetings, one with a room), a busy room
 * today (the daily room board), and a booking request in the service mailbox for a day when
 * Room 1 is taken (room booking).
 */
export async function seedDemoData(admin: Admin, log: Log): Promise<void> {
	const start = zurichDay(-35);
	const weekday = new Date(`${start}T00:00:00Z`)
		.toLocaleDateString('en-US', { weekday: 'long', timeZone: 'UTC' })
		.toLowerCase();
	await seedEvent(admin, 'alice@contoso.onmicrosoft.com', {
		subject: 'Finance weekly',
		start: at(start, '09:00'),
		end: at(start, '09:30'),
		attendees: [attendee('bob@contoso.onmicrosoft.com'), attendee('carol@contoso.onmicrosoft.com')],
		recurrence: {
			pattern: { type: 'weekly', interval: 1, daysOfWeek: [weekday], firstDayOfWeek: 'monday' },
			range: { type: 'noEnd', startDate: start },
		},
	});
	const single: Array<[string, string, number, string, string, string[]]> = [
		[
			'dana.oneil@contoso.onmicrosoft.com',
			'Design review',
			-10,
			'14:00',
			'15:00',
			['admin@contoso.onmicrosoft.com', 'alice@contoso.onmicrosoft.com'],
		],
		[
			'alice@contoso.onmicrosoft.com',
			'Budget workshop',
			-6,
			'13:00',
			'15:00',
			['bob@contoso.onmicrosoft.com'],
		],
		[
			'bob@contoso.onmicrosoft.com',
			'Audit preparation',
			-3,
			'11:00',
			'12:00',
			['carol@contoso.onmicrosoft.com'],
		],
		['carol@contoso.onmicrosoft.com', 'Focus time', -2, '08:00', '10:00', []],
	];
	for (const [user, subject, days, from, to, invited] of single) {
		const day = zurichDay(days);
		await seedEvent(admin, user, {
			subject,
			start: at(day, from),
			end: at(day, to),
			attendees: [
				...invited.map((a) => attendee(a)),
				...(subject === 'Budget workshop'
					? [attendee('room-1@contoso.onmicrosoft.com', 'resource')]
					: []),
			],
		});
	}
	const today = zurichDay(0);
	await seedEvent(admin, 'room-2@contoso.onmicrosoft.com', {
		subject: 'Facilities check',
		start: at(today, '10:00'),
		end: at(today, '11:00'),
	});
	const requestDay = zurichDay(3);
	await seedEvent(admin, 'room-1@contoso.onmicrosoft.com', {
		subject: 'Reserved by facilities',
		start: at(requestDay, '14:00'),
		end: at(requestDay, '15:00'),
	});
	await seedRoomRequest(
		admin,
		{ address: 'bob@contoso.onmicrosoft.com', name: 'Bob Berger' },
		roomRequestSubject(requestDay, '14:00', '15:00', 6),
	);
	log(
		`demo data: meetings over the last four weeks, Room 2 busy today, a room request for ${requestDay} in servicedesk@`,
	);
}
