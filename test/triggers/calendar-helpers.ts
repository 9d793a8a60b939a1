/**
 * Running the Calendar trigger through the harness against the emulator's calendars: credentials
 * (delegated: Alice signed in with Calendars.Read; app-only: an app with Calendars.Read), one poll
 * as n8n's schedule runs it, events made through the emulator's test API, and the request log.
 */
import type {
	IDataObject,
	INodeCredentials,
	INodeExecutionData,
	INodeParameters,
} from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { Microsoft365CalendarTrigger } from '../../nodes/Microsoft365Calendar/Microsoft365CalendarTrigger.node';
import type { Emulator } from '../emulator/emulator';
import { runPoll, type RunPollResult } from '../harness';
import { signInDelegated } from '../helpers/emulator';
import { pathOf } from './faults';

export const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
export const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
export const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';
export const ALICE = 'alice@contoso.onmicrosoft.com';
export const BOB = 'bob@contoso.onmicrosoft.com';
export const TRIGGER = 'n8n-nodes-m365.microsoft365CalendarTrigger';

export const nodeTypes = { [TRIGGER]: new Microsoft365CalendarTrigger() };
export const credentialTypes = [new Microsoft365OAuth2Api(), new Microsoft365AppApi()];

/** An app-only registration with Calendars.Read (application), added to the tenant by `grantCalendars`. */
export const CALENDAR_APP = {
	id: '4c1d9e0a-7b2f-4e58-9a3c-6d5e4f3a2b10',
	secret: 'CwT8~demo.Calendar-Watcher-Secret-Value_0013',
};

/**
 * Calendars.Read for the tests' apps, unless the fixture has it: delegated for Report Server,
 * application for a "Calendar Watcher" app. Idempotent.
 */
export function grantCalendars(emu: Emulator): void {
	const tenant = emu.directory.home;
	const reportServer = tenant.apps.get(REPORT_SERVER)!;
	for (const list of [reportServer.requested, reportServer.consent]) {
		const delegated = list?.delegated;
		if (delegated && !delegated.includes('Calendars.Read')) delegated.push('Calendars.Read');
	}
	if (!tenant.apps.has(CALENDAR_APP.id))
		tenant.addApp({
			appId: CALENDAR_APP.id,
			displayName: 'Calendar Watcher',
			signInAudience: 'AzureADMyOrg',
			secrets: [
				{
					id: '9e8d7c6b-5a4f-4e3d-8c2b-1a0f9e8d7c6b',
					value: CALENDAR_APP.secret,
					displayName: 'current',
					expires: '2027-12-31T00:00:00Z',
				},
			],
			requested: { application: ['Calendars.Read', 'User.Read.All'] },
			consent: { application: ['Calendars.Read', 'User.Read.All'] },
		} as never);
}

export type Auth = { kind: 'delegated'; data: IDataObject } | { kind: 'app'; data: IDataObject };

export async function delegatedAuth(emu: Emulator, user = ALICE): Promise<Auth> {
	grantCalendars(emu);
	const scope = ['openid', 'offline_access', 'User.Read', 'Calendars.Read']
		.map((s) => (s.includes('.') ? `https://graph.microsoft.com/${s}` : s))
		.join(' ');
	const tokenData = await signInDelegated(emu, user, scope);
	return {
		kind: 'delegated',
		data: {
			cloud: 'custom',
			customLoginUrl: emu.url,
			customGraphUrl: emu.url,
			tenant: 'contoso.onmicrosoft.com',
			clientId: REPORT_SERVER,
			clientSecret: REPORT_SECRET,
			signInFor: 'graph',
			scopeGroups: ['signIn'],
			additionalScopes: 'Calendars.Read',
			oauthTokenData: tokenData as IDataObject,
		},
	};
}

/** An app-only credential of an app the fixture grants Calendars.Read (application). */
export function appAuth(
	emu: Emulator,
	app: { id: string; secret: string },
	extra: IDataObject = {},
): Auth {
	grantCalendars(emu);
	return {
		kind: 'app',
		data: {
			cloud: 'custom',
			customLoginUrl: emu.url,
			customGraphUrl: emu.url,
			tenantId: CONTOSO,
			clientId: app.id,
			authentication: 'clientSecret',
			clientSecret: app.secret,
			...extra,
		},
	};
}

function credentialsOf(auth: Auth) {
	return auth.kind === 'app'
		? {
				credentials: { microsoft365AppApi: { id: 'app', name: 'App' } } as INodeCredentials,
				credentialsData: { app: auth.data },
				authentication: 'app',
			}
		: {
				credentials: { microsoft365OAuth2Api: { id: 'me', name: 'Delegated' } } as INodeCredentials,
				credentialsData: { me: auth.data },
				authentication: 'delegated',
			};
}

export async function poll(
	auth: Auth,
	parameters: INodeParameters,
	staticData?: IDataObject,
	extra: { activation?: 'activate' | 'update' | 'init' } = {},
): Promise<RunPollResult> {
	const { credentials, credentialsData, authentication } = credentialsOf(auth);
	return await runPoll({
		nodeTypes,
		credentialTypes,
		node: { type: TRIGGER, parameters: { authentication, ...parameters }, credentials },
		credentialsData: credentialsData as never,
		staticData,
		activation: extra.activation,
	});
}

/** `changeType:id` of each emitted item. */
export function keys(output: INodeExecutionData[][] | null): string[] {
	return (output?.[0] ?? []).map((i) => `${String(i.json.changeType)}:${String(i.json.id)}`);
}

/** Graph requests (not login) since `mark`: method and path. */
export function graphRequests(emu: Emulator, mark: number): string[] {
	return emu
		.since(mark)
		.filter((e) => e.url.startsWith('/v1.0'))
		.map((e) => `${e.method} ${pathOf(e.url)}`);
}

const HOUR = 3600_000;

/** A Graph event body starting `hoursFromNow` from now (UTC), one hour long. */
export function eventAt(
	subject: string,
	hoursFromNow: number,
	extra: IDataObject = {},
): IDataObject {
	const start = new Date(Math.floor(Date.now() / HOUR) * HOUR + hoursFromNow * HOUR);
	const end = new Date(start.getTime() + HOUR);
	const dt = (d: Date) => ({ dateTime: d.toISOString().replace('Z', ''), timeZone: 'UTC' });
	return { subject, start: dt(start), end: dt(end), ...extra };
}

const DAY = 24 * HOUR;

/** A Graph event body on day `dayOffset` from today (UTC) at `hour`:00 UTC, one hour long. */
export function eventOnDay(
	subject: string,
	dayOffset: number,
	hour = 10,
	extra: IDataObject = {},
): IDataObject {
	const today = Math.floor(Date.now() / DAY) * DAY;
	const start = new Date(today + dayOffset * DAY + hour * HOUR);
	const end = new Date(start.getTime() + HOUR);
	const dt = (d: Date) => ({ dateTime: d.toISOString().replace('Z', ''), timeZone: 'UTC' });
	return { subject, start: dt(start), end: dt(end), ...extra };
}

/** The trigger's state in the workflow's static data (undefined before the first round). */
export function stateOf(
	staticData: IDataObject | undefined,
): { events: Record<string, string>; deltaLink: string } | undefined {
	const node = Object.values(staticData ?? {}).find(
		(v) => v && typeof v === 'object' && 'calendarDelta' in (v as IDataObject),
	) as IDataObject | undefined;
	return node?.calendarDelta as never;
}
