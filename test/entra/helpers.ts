/**
 * Shared set-up of the Entra ID node tests: the node types, credentials against the emulator
 * (app-only with the demo tenant's apps, delegated with tokens from the emulator's own
 * authorize/token endpoints), and one-call runners for the action node and the trigger.
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { Microsoft365AppApi } from '../../credentials/Microsoft365AppApi.credentials';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { Microsoft365EntraId } from '../../nodes/Microsoft365EntraId/Microsoft365EntraId.node';
import { Microsoft365EntraIdTrigger } from '../../nodes/Microsoft365EntraId/Microsoft365EntraIdTrigger.node';
import { Microsoft365PseudonymKeyApi } from '../../credentials/Microsoft365PseudonymKeyApi.credentials';
import type { Emulator } from '../emulator/emulator';
import { signInDelegated } from '../helpers/emulator';
import { runNode, runPoll, type RunNodeResult, type RunPollResult } from '../harness';

export const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
export const NODE = 'n8n-nodes-m365.microsoft365EntraId';
export const TRIGGER = 'n8n-nodes-m365.microsoft365EntraIdTrigger';

export const APPS = {
	/** Only User.Read.All. */
	directoryReader: {
		clientId: '3f0c9a51-8d2e-4b7a-9c61-5e4d3b2a1f09',
		secret: 'DrD8~demo.Directory-Reader-Secret-Value_0011',
	},
	/** User.Read.All, Directory.Read.All. */
	accessReview: {
		clientId: 'd03e7662-c26d-5d18-9ebc-adaac07f27a6',
		secret: 'ArW8~demo.Access-Review-Secret-Value_0006',
	},
	/** Mail.Send, Mail.Read, Calendars.ReadWrite, Place.Read.All, User.Read.All, Group.Read.All. */
	/** Sites.Selected only (granted "write" on /sites/reports). */
	publisher: {
		clientId: '7de88e93-2c5d-4d14-bd46-f9559e8a0987',
		secret: 'RpB8~demo.Report-Publisher-Secret-Value_0009',
	},
	/** No application permission consented: its token carries no roles. */
	notConsented: {
		clientId: '699424fa-b515-5056-8573-1e39a2b7b8a8',
		secret: 'UcV8~demo.Unconsented-Secret-Value_0007',
	},
	roomBooking: {
		clientId: '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7',
		secret: 'RbZ8~demo.Room-Booking-Secret-Value_0004',
	},
};

export const IDS = {
	admin: 'e3f8f943-e58b-5470-845d-772f105a16d1',
	alice: '79719b4a-22ee-5f2e-bbac-dca31ff99a15',
	bob: '09db03a2-9629-5b80-8af4-3eafd9fcef01',
	carol: 'da54ce34-c1a4-5806-86ac-d641c21a798f',
	dana: 'cea4b7b7-f75f-5acc-a533-d4aff98a4092',
	finance: 'fd7c9995-5677-50aa-8bde-6f0d5a9c211a',
	leads: 'e92c0ef5-54ee-5b63-a03d-e709a9359912',
	controllers: 'be9ad6ee-1f64-57c1-8a10-abbe391e5304',
	allStaff: '3add7a6f-6647-5926-9817-efe6fa89ce7f',
};

export const nodeTypes = {
	[NODE]: new Microsoft365EntraId(),
	[TRIGGER]: new Microsoft365EntraIdTrigger(),
};

export const credentialTypes = [
	new Microsoft365AppApi(),
	new Microsoft365OAuth2Api(),
	new Microsoft365PseudonymKeyApi(),
];

export type AppName = keyof typeof APPS;

export function appCredential(emu: Emulator, app: AppName = 'accessReview'): IDataObject {
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: CONTOSO,
		clientId: APPS[app].clientId,
		authentication: 'clientSecret',
		clientSecret: APPS[app].secret,
	};
}

const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';

/** The delegated credential with tokens the emulator issued to "reports" (Report Server app). */
export async function delegatedCredential(emu: Emulator): Promise<IDataObject> {
	const scope =
		'openid offline_access https://graph.microsoft.com/User.Read.All https://graph.microsoft.com/GroupMember.Read.All';
	const tokenData = await signInDelegated(emu, 'reports@contoso.onmicrosoft.com', scope);
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenant: CONTOSO,
		clientId: REPORT_SERVER,
		clientSecret: REPORT_SECRET,
		oauthTokenData: tokenData as IDataObject,
	};
}

export interface EntraRun {
	parameters: IDataObject;
	app?: AppName;
	delegated?: IDataObject;
	input?: Array<{ json: IDataObject }>;
	continueOnFail?: boolean;
	pseudonymKey?: string;
}

function credentials(
	emu: Emulator,
	run: { app?: AppName; delegated?: IDataObject; pseudonymKey?: string },
) {
	const nodeCredentials: Record<string, { id: string; name: string }> = run.delegated
		? { microsoft365OAuth2Api: { id: 'delegated', name: 'Reports' } }
		: { microsoft365AppApi: { id: 'app', name: 'App' } };
	const data: Record<string, IDataObject> = run.delegated
		? { delegated: run.delegated }
		: { app: appCredential(emu, run.app) };
	if (run.pseudonymKey !== undefined) {
		nodeCredentials.microsoft365PseudonymKeyApi = { id: 'key', name: 'Key' };
		data.key = { secretKey: run.pseudonymKey };
	}
	return { nodeCredentials, data };
}

export async function runEntra(emu: Emulator, run: EntraRun): Promise<RunNodeResult> {
	const { nodeCredentials, data } = credentials(emu, run);
	return await runNode({
		nodeTypes,
		credentialTypes,
		node: {
			type: NODE,
			parameters: {
				authentication: run.delegated ? 'delegated' : 'app',
				...run.parameters,
			} as never,
			credentials: nodeCredentials,
		},
		credentialsData: data as never,
		input: run.input,
		continueOnFail: run.continueOnFail,
	});
}

export function jsonOf(output: INodeExecutionData[][]): IDataObject[] {
	return (output[0] ?? []).map((item) => item.json);
}

export interface PollRun {
	parameters: IDataObject;
	staticData?: IDataObject;
	app?: AppName;
	pseudonymKey?: string;
	activation?: 'init' | 'update' | 'activate';
}

export async function poll(emu: Emulator, run: PollRun): Promise<RunPollResult> {
	const { nodeCredentials, data } = credentials(emu, run);
	return await runPoll({
		nodeTypes,
		credentialTypes,
		node: {
			type: TRIGGER,
			parameters: { authentication: 'app', ...run.parameters } as never,
			credentials: nodeCredentials,
		},
		credentialsData: data as never,
		staticData: run.staticData,
		activation: run.activation,
	});
}

/** Graph requests (not login) logged since `mark`. */
export function graphRequests(emu: Emulator, mark: number) {
	return emu.since(mark).filter((e) => e.url.startsWith('/v1.0'));
}
