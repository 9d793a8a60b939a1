/**
 * Running the Calendar node through the harness against the emulator. The demo tenant is loaded
 * as it is and given, for these tests only, the calendar permissions Microsoft documents for the
 * operations: the Report Server app (delegated) Calendars.Read(Write)(.Shared) and
 * Place.Read.All; the Mail Robot app (application) Calendars.Read, Calendars.ReadWrite and
 * Place.Read.All; the Room Booking app keeps none of them (for 403 tests).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { Microsoft365PseudonymKeyApi } from '../../credentials/Microsoft365PseudonymKeyApi.credentials';
import { Microsoft365Calendar } from '../../nodes/Microsoft365Calendar/Microsoft365Calendar.node';
import type { Emulator } from '../emulator/emulator';
import type { EmulatorFixture } from '../emulator/tenant';
import { signInDelegated } from '../helpers/emulator';
import {
	runListSearch,
	runNode,
	type HarnessInputItem,
	type RunNodeOptions,
	type RunNodeResult,
} from '../harness';

export const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
export const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
export const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';
export const MAIL_ROBOT = '7d3c1f52-8a4e-5b6f-9c2d-3e4f5a6b7c8d';
export const MAIL_ROBOT_SECRET = 'MrB8~demo.Mail-Robot-Secret-Value_0009';
export const ALICE = 'alice@contoso.onmicrosoft.com';
export const BOB = 'bob@contoso.onmicrosoft.com';
export const CAROL = 'carol@contoso.onmicrosoft.com';
export const REPORTS = 'reports@contoso.onmicrosoft.com';
export const ROOM_1 = 'room-1@contoso.onmicrosoft.com';
export const ROOM_2 = 'room-2@contoso.onmicrosoft.com';
export const BOARDROOM = 'room-5@contoso.onmicrosoft.com';
export const ZURICH_ROOMS = 'rooms-zurich@contoso.onmicrosoft.com';
export const TYPE = 'n8n-nodes-m365.microsoft365Calendar';

export const DELEGATED_CALENDAR_SCOPES = [
	'Calendars.Read',
	'Calendars.ReadWrite',
	'Calendars.ReadWrite.Shared',
	'Calendars.Read.Shared',
	'Place.Read.All',
];
// Calendars.Read beside Calendars.ReadWrite: event-forward's page names Calendars.Read as its only
// permission (no higher one), and the emulator holds the catalogue to the letter, which lists
// Calendars.ReadWrite for GET /users/{id}/events/{id} only as a write (event-get's page names it
// as a higher privilege for reading).
const APP_CALENDAR_ROLES = ['Calendars.Read', 'Calendars.ReadWrite', 'Place.Read.All'];

/** The demo tenant with the calendar permissions above consented. */
export function calendarFixture(): EmulatorFixture {
	const fixture = JSON.parse(
		readFileSync(join(__dirname, '..', 'emulator', 'fixtures', 'demo-tenant.json'), 'utf8'),
	);
	for (const app of fixture.tenants[0].apps as Array<Record<string, any>>) {
		if (app.appId === REPORT_SERVER) {
			app.requested.delegated.push(...DELEGATED_CALENDAR_SCOPES);
			app.consent.delegated.push(...DELEGATED_CALENDAR_SCOPES);
		}
		if (app.appId === MAIL_ROBOT) {
			app.requested.application.push(...APP_CALENDAR_ROLES);
			app.consent.application.push(...APP_CALENDAR_ROLES);
		}
	}
	return fixture as EmulatorFixture;
}

export const nodeTypes = { [TYPE]: new Microsoft365Calendar() };
export const credentialTypes = [
	new Microsoft365OAuth2Api(),
	new Microsoft365AppApi(),
	new Microsoft365PseudonymKeyApi(),
];

/** Signs `user` in with the Report Server app, the calendar scopes added as a user would. */
export async function delegatedCredential(emu: Emulator, user = ALICE): Promise<IDataObject> {
	const scope = [
		'openid',
		'offline_access',
		...['User.Read', 'User.ReadBasic.All', ...DELEGATED_CALENDAR_SCOPES].map(
			(s) => `https://graph.microsoft.com/${s}`,
		),
	].join(' ');
	const tokenData = await signInDelegated(emu, user, scope);
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenant: 'contoso.onmicrosoft.com',
		clientId: REPORT_SERVER,
		clientSecret: REPORT_SECRET,
		signInFor: 'graph',
		scopeGroups: ['signIn', 'directoryBasics', 'calendars'],
		additionalScopes: 'Calendars.Read.Shared',
		oauthTokenData: tokenData as IDataObject,
	};
}

export function appCredential(emu: Emulator, extra: IDataObject = {}): IDataObject {
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: CONTOSO,
		clientId: MAIL_ROBOT,
		authentication: 'clientSecret',
		clientSecret: MAIL_ROBOT_SECRET,
		...extra,
	};
}

export type Auth = { kind: 'delegated'; data: IDataObject } | { kind: 'app'; data: IDataObject };

/** Not a secret: the test key both nodes' pseudonyms are made with. */
export const PSEUDONYM_A = 'k1-0123456789abcdef-calendar';

function credentialsOf(auth: Auth) {
	const pseudonym = { microsoft365PseudonymKeyApi: { id: 'key', name: 'Key' } };
	return auth.kind === 'app'
		? {
				credentials: {
					microsoft365AppApi: { id: 'app', name: 'Mail Robot' },
					...pseudonym,
				} as INodeCredentials,
				credentialsData: { app: auth.data, key: { secretKey: PSEUDONYM_A } },
				authentication: 'app',
			}
		: {
				credentials: {
					microsoft365OAuth2Api: { id: 'me', name: 'Delegated' },
					...pseudonym,
				} as INodeCredentials,
				credentialsData: { me: auth.data, key: { secretKey: PSEUDONYM_A } },
				authentication: 'delegated',
			};
}

export async function runCalendar(
	auth: Auth,
	parameters: INodeParameters,
	input?: HarnessInputItem[],
	extra: Partial<RunNodeOptions> = {},
): Promise<RunNodeResult> {
	const { credentials, credentialsData, authentication } = credentialsOf(auth);
	const { node: nodeSettings, ...rest } = extra;
	return await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			...(nodeSettings ?? {}),
			type: TYPE,
			parameters: { authentication, ...parameters },
			credentials,
		},
		credentialsData: credentialsData as never,
		input,
		...rest,
	});
}

export const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** The node's error message and description. */
export function errorText(result: RunNodeResult): string {
	const error = result.error as { message?: string; description?: string } | undefined;
	return `${error?.message ?? ''} ${error?.description ?? ''}`;
}

/** Graph requests (not login) in the log since `mark`, batch members excluded. */
export function graphRequests(emu: Emulator, mark: number) {
	return emu
		.since(mark)
		.filter((e) => e.batchSeq === undefined && !/oauth2|discovery|openid/.test(e.url));
}

/** Every Graph request, batch members included (not the $batch envelopes themselves). */
export function graphCalls(emu: Emulator, mark: number) {
	return emu
		.since(mark)
		.filter((e) => !/oauth2|discovery|openid/.test(e.url) && !/\/\$batch$/.test(e.url));
}

export function json(result: RunNodeResult): IDataObject[] {
	return (result.output[0] ?? []).map((i) => i.json);
}

/** Runs one of the node's list-search methods (resource locator lists) with a credential. */
export async function listSearch(
	auth: Auth,
	methodName: string,
	parameters: INodeParameters,
	filter?: string,
) {
	const { credentials, credentialsData, authentication } = credentialsOf(auth);
	return await runListSearch({
		nodeTypes,
		credentialTypes,
		node: { type: TYPE, parameters: { authentication, ...parameters }, credentials },
		credentialsData: credentialsData as never,
		methodName,
		filter,
	});
}
