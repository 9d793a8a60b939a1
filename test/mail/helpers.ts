/**
 * Running the Mail node and trigger through the harness against the emulator: delegated
 * credentials signed in through the emulator's authorize/token endpoints (Graph, or the Outlook
 * resource for SMTP), app-only credentials (Mail Robot: Mail.Send, Mail.ReadWrite and
 * SMTP.SendAsApp; Room Booking: Mail.Send, Mail.Read, Calendars.ReadWrite, Place.Read.All), and
 * checks on what the emulator received.
 */
import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { validateGraphBody } from '../contract/contract';
import { Microsoft365Mail } from '../../nodes/Microsoft365Mail/Microsoft365Mail.node';
import { Microsoft365MailTrigger } from '../../nodes/Microsoft365Mail/Microsoft365MailTrigger.node';
import type { Emulator } from '../emulator/emulator';
import { signInDelegated } from '../helpers/emulator';
import {
	runNode,
	runPoll,
	type HarnessInputItem,
	type RunNodeOptions,
	type RunNodeResult,
	type RunPollResult,
} from '../harness';

export const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
export const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
export const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';
export const MAIL_ROBOT = '7d3c1f52-8a4e-5b6f-9c2d-3e4f5a6b7c8d';
export const MAIL_ROBOT_SECRET = 'MrB8~demo.Mail-Robot-Secret-Value_0009';
export const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
export const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
export const REPORTS = 'reports@contoso.onmicrosoft.com';
export const ALICE = 'alice@contoso.onmicrosoft.com';
export const BOB = 'bob@contoso.onmicrosoft.com';
export const CAROL = 'carol@contoso.onmicrosoft.com';
export const SERVICEDESK = 'servicedesk@contoso.onmicrosoft.com';
export const TYPE = 'n8n-nodes-m365.microsoft365Mail';
export const TRIGGER = 'n8n-nodes-m365.microsoft365MailTrigger';

export const nodeTypes = {
	[TYPE]: new Microsoft365Mail(),
	[TRIGGER]: new Microsoft365MailTrigger(),
};
export const credentialTypes = [new Microsoft365OAuth2Api(), new Microsoft365AppApi()];

const GRAPH_SCOPES = ['User.Read', 'Mail.Send', 'Mail.Send.Shared', 'Mail.ReadWrite', 'Mail.Read'];

/** Signs `user` in with the Report Server app, for Graph or the Outlook resource, as n8n stores it. */
export async function delegatedCredential(
	emu: Emulator,
	user = REPORTS,
	resource: 'graph' | 'outlook' = 'graph',
): Promise<IDataObject> {
	const scope = [
		'openid',
		'offline_access',
		...(resource === 'graph'
			? GRAPH_SCOPES.map((s) => `https://graph.microsoft.com/${s}`)
			: ['https://outlook.office.com/SMTP.Send']),
	].join(' ');
	const tokenData = await signInDelegated(emu, user, scope);
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenant: 'contoso.onmicrosoft.com',
		clientId: REPORT_SERVER,
		clientSecret: REPORT_SECRET,
		signInFor: resource,
		customSmtpHost: emu.smtpPort ? `127.0.0.1:${emu.smtpPort}` : '',
		...(resource === 'graph'
			? { scopeGroups: ['signIn', 'sendMail', 'sendAsShared', 'readMail'] }
			: { outlookProtocols: ['smtp'] }),
		oauthTokenData: tokenData as IDataObject,
	};
}

export function appCredential(emu: Emulator, extra: IDataObject = {}): IDataObject {
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		customSmtpHost: emu.smtpPort ? `127.0.0.1:${emu.smtpPort}` : '',
		tenantId: CONTOSO,
		clientId: MAIL_ROBOT,
		authentication: 'clientSecret',
		clientSecret: MAIL_ROBOT_SECRET,
		...extra,
	};
}

export type Auth = { kind: 'delegated'; data: IDataObject } | { kind: 'app'; data: IDataObject };

function credentialsOf(auth: Auth) {
	return auth.kind === 'app'
		? {
				credentials: { microsoft365AppApi: { id: 'app', name: 'Mail Robot' } } as INodeCredentials,
				credentialsData: { app: auth.data },
				authentication: 'app',
			}
		: {
				credentials: { microsoft365OAuth2Api: { id: 'me', name: 'Delegated' } } as INodeCredentials,
				credentialsData: { me: auth.data },
				authentication: 'delegated',
			};
}

export async function runMail(
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
			// Node settings (On Error, Retry On Fail); the type, parameters and credentials are these.
			...(nodeSettings ?? {}),
			type: TYPE,
			parameters: { authentication, resource: 'message', ...parameters },
			credentials,
		},
		credentialsData: credentialsData as never,
		input,
		...rest,
	});
}

export async function pollTrigger(
	auth: Auth,
	parameters: INodeParameters,
	staticData?: IDataObject,
): Promise<RunPollResult> {
	const { credentials, credentialsData, authentication } = credentialsOf(auth);
	return await runPoll({
		nodeTypes,
		credentialTypes,
		node: { type: TRIGGER, parameters: { authentication, ...parameters }, credentials },
		credentialsData: credentialsData as never,
		staticData,
	});
}

export const locator = (value: string, mode = 'id') => ({ __rl: true, mode, value });

/** Every JSON body the mail routes received since `from`, checked against the CSDL. */
export function expectValidBodies(
	emu: Emulator,
	from = 0,
): Array<{ type: string; path: string; body: any }> {
	const bodies = emu.mail.received.slice(from);
	for (const { type, body } of bodies) {
		const errors = validateGraphBody(type, body);
		if (errors.length) expect({ type, errors }).toEqual({ type, errors: [] });
	}
	return bodies as Array<{ type: string; path: string; body: any }>;
}

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
