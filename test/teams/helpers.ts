/**
 * Running the Teams node through the harness against the emulator: delegated credentials signed
 * in through the emulator's authorize/token endpoints (as n8n's OAuth2 callback stores them),
 * app-only credentials of the demo tenant, and the Workflows webhook credential.
 */
import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { Microsoft365TeamsWebhookApi } from '../../credentials/Microsoft365TeamsWebhookApi.credentials';
import { validateGraphBody } from '../contract/contract';
import { Microsoft365Teams } from '../../nodes/Microsoft365Teams/Microsoft365Teams.node';
import type { Emulator } from '../emulator/emulator';
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
export const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
export const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
export const ALL_STAFF = '3add7a6f-6647-5926-9817-efe6fa89ce7f';
export const GENERAL = '19:8d1f6a2b3c4e4f5a9b0c1d2e3f4a5b6c@thread.tacv2';
export const REPORTS = '19:2b7c9d0e1f2a4b3c8d4e5f6a7b8c9d0e@thread.tacv2';
export const ALERTS = '19:5e6f7a8b9c0d4e1f9a2b3c4d5e6f7a8b@thread.tacv2';
export const ALICE = '79719b4a-22ee-5f2e-bbac-dca31ff99a15';
export const BOB = '09db03a2-9629-5b80-8af4-3eafd9fcef01';
export const CAROL = 'da54ce34-c1a4-5806-86ac-d641c21a798f';
export const REPORTS_USER = '4dbc2968-9636-50ea-bf45-7e094b79e2e7';
const TYPE = 'n8n-nodes-m365.microsoft365Teams';

export const nodeTypes = { [TYPE]: new Microsoft365Teams() };
export const credentialTypes = [
	new Microsoft365OAuth2Api(),
	new Microsoft365AppApi(),
	new Microsoft365TeamsWebhookApi(),
];

/** Signs `user` in with the Report Server app (Teams scopes consented), as n8n stores it. */
export async function delegatedCredential(
	emu: Emulator,
	user = 'reports@contoso.onmicrosoft.com',
): Promise<IDataObject> {
	const scope = [
		'openid',
		'offline_access',
		'https://graph.microsoft.com/User.Read',
		'https://graph.microsoft.com/User.ReadBasic.All',
		'https://graph.microsoft.com/Team.ReadBasic.All',
		'https://graph.microsoft.com/Channel.ReadBasic.All',
		'https://graph.microsoft.com/ChannelMessage.Send',
		'https://graph.microsoft.com/Chat.Create',
		'https://graph.microsoft.com/Chat.ReadWrite',
		'https://graph.microsoft.com/Files.ReadWrite.All',
	].join(' ');
	const tokenData = await signInDelegated(emu, user, scope);
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenant: 'contoso.onmicrosoft.com',
		clientId: REPORT_SERVER,
		clientSecret: REPORT_SECRET,
		scopeGroups: ['signIn', 'directoryBasics', 'teams'],
		oauthTokenData: tokenData as IDataObject,
	};
}

export function appCredential(emu: Emulator): IDataObject {
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: CONTOSO,
		clientId: ROOM_BOOKING,
		authentication: 'clientSecret',
		clientSecret: ROOM_SECRET,
	};
}

export interface TeamsRun {
	emu: Emulator;
	parameters: INodeParameters;
	/** delegated (default), app, or webhook (the webhook credential with this URL). */
	auth?:
		{ kind: 'delegated'; data?: IDataObject } | { kind: 'app' } | { kind: 'webhook'; url: string };
	input?: HarnessInputItem[];
	extra?: Partial<RunNodeOptions>;
}

let cachedDelegated: { emu: Emulator; data: IDataObject } | undefined;

async function credentialsFor(run: TeamsRun): Promise<{
	credentials: INodeCredentials;
	credentialsData: Record<string, IDataObject>;
	authentication: string;
}> {
	const auth = run.auth ?? { kind: 'delegated' };
	if (auth.kind === 'webhook')
		return {
			credentials: { microsoft365TeamsWebhookApi: { id: 'hook', name: 'Reports webhook' } },
			credentialsData: { hook: { webhookUrl: auth.url } },
			authentication: 'delegated',
		};
	if (auth.kind === 'app')
		return {
			credentials: { microsoft365AppApi: { id: 'app', name: 'Room Booking' } },
			credentialsData: { app: appCredential(run.emu) },
			authentication: 'app',
		};
	let data = auth.data;
	if (!data) {
		if (cachedDelegated?.emu !== run.emu)
			cachedDelegated = { emu: run.emu, data: await delegatedCredential(run.emu) };
		data = cachedDelegated.data;
	}
	return {
		credentials: { microsoft365OAuth2Api: { id: 'me', name: 'Reports (delegated)' } },
		credentialsData: { me: data },
		authentication: 'delegated',
	};
}

export async function runTeams(run: TeamsRun): Promise<RunNodeResult> {
	const { credentials, credentialsData, authentication } = await credentialsFor(run);
	const { node: nodeSettings, ...extra } = run.extra ?? {};
	return await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			// Node settings (On Error, Retry On Fail); the type, parameters and credentials are these.
			...(nodeSettings ?? {}),
			type: TYPE,
			parameters: { authentication, ...run.parameters },
			credentials,
		},
		credentialsData: credentialsData as never,
		input: run.input,
		...extra,
	});
}

export async function listSearch(
	emu: Emulator,
	methodName: string,
	parameters: INodeParameters,
	filter?: string,
	paginationToken?: string,
	app = false,
) {
	const { credentials, credentialsData, authentication } = await credentialsFor({
		emu,
		parameters,
		auth: app ? { kind: 'app' } : undefined,
	});
	return await runListSearch({
		nodeTypes,
		credentialTypes,
		node: { type: TYPE, parameters: { authentication, ...parameters }, credentials },
		credentialsData: credentialsData as never,
		methodName,
		filter,
		paginationToken,
	});
}

export const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** Every JSON body the node POSTed to the Teams routes since `from`, checked against the CSDL. */
export function expectValidBodies(emu: Emulator, from = 0): unknown[] {
	const bodies = emu.teams.received.slice(from);
	for (const { type, body } of bodies)
		expect({ type, errors: validateGraphBody(type, body) }).toEqual({ type, errors: [] });
	return bodies.map((b) => b.body);
}

/** The node's error message and description, for assertions. */
export function errorText(result: RunNodeResult): string {
	const error = result.error as { message?: string; description?: string } | undefined;
	return `${error?.message ?? ''} ${error?.description ?? ''}`;
}
