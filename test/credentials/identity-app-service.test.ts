/**
 * Managed identity in the app credential, App Service source (IDENTITY_ENDPOINT + IDENTITY_HEADER,
 * as on App Service, Functions and Container Apps), through msal-node's ManagedIdentityApplication
 * and the Entra ID node against the emulator's managed identity endpoint: the system-assigned
 * identity and the user-assigned one by client, object and resource ID each read users; one
 * token request per identity and token lifetime; the endpoint is never reached through the proxy;
 * bad identity IDs are refused before any request; a closed or silent endpoint gives a message
 * naming it within the time limit; n8n's credential test; no token or header in any message.
 *
 * msal-node chooses the source once per process from the environment: one source per test file
 * (identity-imds.test.ts has IMDS).
 */
import type { IDataObject } from 'n8n-workflow';
import { clearAppTokenCache, runAppCredentialTest } from '../../nodes/shared/auth';
import { useEmulator } from '../helpers/emulator';
import {
	cloud,
	CONTOSO,
	errorText,
	expectNoSecrets,
	getManyUsers,
	graphRequests,
	SYSTEM_MI,
	USER_MI,
} from './identity-helpers';

const emulator = useEmulator();
const produced: unknown[] = [];
const saved = { ...process.env };

beforeAll(() => {
	Object.assign(process.env, emulator().managedIdentity.env('appService'));
});
afterAll(() => {
	for (const name of ['IDENTITY_ENDPOINT', 'IDENTITY_HEADER', 'HTTP_PROXY', 'http_proxy']) {
		if (saved[name] === undefined) delete process.env[name];
		else process.env[name] = saved[name];
	}
});
beforeEach(() => clearAppTokenCache());
afterEach(async () => {
	await emulator().managedIdentity.setMode('up', 0);
});

function managed(kind: string, id?: string): IDataObject {
	return {
		authentication: 'managedIdentity',
		managedIdentity: kind,
		...(id === undefined ? {} : { managedIdentityId: id }),
		// Tenant and Client ID are hidden for a managed identity; values left in them are ignored.
		tenantId: 'left-over',
		clientId: 'left-over',
	};
}

/** The node's run and n8n's credential test, with Custom endpoints pointing at the emulator. */
const run = async (credential: IDataObject) =>
	await getManyUsers({ ...cloud(emulator()), ...credential });
const check = async (credential: IDataObject) =>
	await runAppCredentialTest({ ...cloud(emulator()), ...credential });

function miRequests(since: number) {
	return emulator().managedIdentity.requests.slice(since);
}

test.each([
	['system-assigned', managed('system'), SYSTEM_MI.clientId, undefined],
	[
		'user-assigned by client ID',
		managed('userClientId', USER_MI.clientId),
		USER_MI.clientId,
		'client_id',
	],
	[
		'user-assigned by object ID',
		managed('userObjectId', USER_MI.objectId),
		USER_MI.clientId,
		'object_id',
	],
	[
		'user-assigned by resource ID',
		managed('userResourceId', USER_MI.resourceId),
		USER_MI.clientId,
		'mi_res_id',
	],
])(
	'%s: a token from the App Service endpoint, users read with it',
	async (_name, credential, appId, selector) => {
		const emu = emulator();
		const before = emu.managedIdentity.requests.length;
		const mark = emu.mark();
		const result = await run(credential);
		produced.push(result.output, errorText(result));
		expect(result.error).toBeUndefined();
		expect(result.output[0]).toHaveLength(5);
		const calls = miRequests(before);
		expect(calls).toHaveLength(1);
		expect(calls[0]).toMatchObject({ source: 'appService', status: 200 });
		const query = new URL(calls[0].url, 'http://x').searchParams;
		expect(query.get('resource')).toBe('https://graph.microsoft.com');
		if (selector) expect(query.has(selector)).toBe(true);
		else expect([...query.keys()].sort()).toEqual(['api-version', 'resource']);
		expect(graphRequests(emu, mark).map((r) => [r.status, r.auth?.appId])).toEqual([[200, appId]]);
		// No login-service request: the host's endpoint issued the token.
		expect(emu.since(mark).filter((e) => /oauth2|openid|discovery/.test(e.url))).toEqual([]);
	},
);

test('one token request per identity and token lifetime, across executions; a new one after expiry', async () => {
	const emu = emulator();
	const credential = managed('system');
	await run(credential);
	const before = emu.managedIdentity.requests.length;
	for (let execution = 0; execution < 5; execution++) {
		clearAppTokenCache(); // as after a restart of the credential's cache entry: msal's store keeps the token
		const result = await run(credential);
		expect(result.error).toBeUndefined();
	}
	expect(miRequests(before)).toHaveLength(0);
	emu.tokens.expireAll();
	const renewed = await run(credential);
	expect(renewed.error).toBeUndefined();
	expect(miRequests(before)).toHaveLength(1);
});

test("the endpoint is reached directly, not through n8n's proxy", async () => {
	const emu = emulator();
	process.env.HTTP_PROXY = 'http://127.0.0.1:9'; // nothing listens: a request through it would fail
	process.env.http_proxy = 'http://127.0.0.1:9';
	try {
		const before = emu.managedIdentity.requests.length;
		const result = await check(managed('userClientId', USER_MI.clientId));
		produced.push(result.message);
		expect(result.status).toBe('OK');
		expect(miRequests(before)).toHaveLength(1);
	} finally {
		delete process.env.HTTP_PROXY;
		delete process.env.http_proxy;
	}
});

describe('bad identity IDs are refused naming the field, with no request', () => {
	test.each([
		[
			'client ID not a GUID',
			managed('userClientId', 'n8n-graph-reader'),
			/Identity ID "n8n-graph-reader" is not a GUID: enter the Client ID/,
		],
		[
			'object ID given a resource ID',
			managed('userObjectId', USER_MI.resourceId),
			/Identity ID ".*" is not a GUID.*choose Managed Identity "User-Assigned \(Resource ID\)"/,
		],
		[
			'resource ID not an ARM ID',
			managed('userResourceId', '/subscriptions/abc/identities/n8n'),
			/Identity ID ".*" is not the resource ID of a user-assigned identity: enter it as \/subscriptions\/<subscription GUID>\/resourceGroups/,
		],
		[
			'resource ID given a GUID',
			managed('userResourceId', USER_MI.clientId),
			/choose "User-Assigned \(Client ID\)"/,
		],
		['empty', managed('userClientId', ''), /Identity ID is empty: enter the Client ID/],
	])('%s', async (_name, credential, pattern) => {
		const emu = emulator();
		const before = emu.managedIdentity.requests.length;
		const mark = emu.mark();
		const result = await run(credential);
		expect(errorText(result)).toMatch(pattern);
		const test = await check(credential);
		expect(test).toEqual({ status: 'Error', message: expect.stringMatching(pattern) });
		expect(miRequests(before)).toEqual([]);
		expect(emu.since(mark).filter((e) => !e.url.startsWith('/_emulator'))).toEqual([]);
	});
});

describe('an unreachable endpoint: a message naming it, bounded in time, no Graph request', () => {
	test('closed port (connection refused)', async () => {
		const emu = emulator();
		await emu.managedIdentity.setMode('refuse');
		const mark = emu.mark();
		const started = Date.now();
		const result = await check(managed('system'));
		produced.push(result.message);
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(
			`Managed identity: the endpoint ${emu.managedIdentity.appServiceEndpoint} (App Service / Functions / Container Apps (IDENTITY_ENDPOINT, IDENTITY_HEADER)) could not be reached`,
		);
		expect(result.message).toMatch(/ECONNREFUSED/);
		expect(result.message).toMatch(/n8n must run on an Azure host with a managed identity/);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('no answer: given up after the per-request timeout (10 s), not the TCP timeout', async () => {
		const emu = emulator();
		// An identity no earlier test got a token for (msal's store would serve that one).
		const fresh = emu.managedIdentity.addIdentity({ kind: 'user', roles: ['User.Read.All'] });
		await emu.managedIdentity.setMode('hang');
		const mark = emu.mark();
		const started = Date.now();
		// The node's run, with the credential's default limits.
		const result = await run(managed('userClientId', fresh.clientId));
		const elapsed = Date.now() - started;
		produced.push(errorText(result));
		expect(elapsed).toBeGreaterThanOrEqual(9_000);
		expect(elapsed).toBeLessThan(15_000);
		expect(errorText(result)).toContain(
			`the endpoint ${emu.managedIdentity.appServiceEndpoint} (App Service`,
		);
		expect(errorText(result)).toContain('no answer within 10 s');
		expect(graphRequests(emu, mark)).toEqual([]);
	}, 30_000);

	test('an identity the host does not have: the endpoint and the fix', async () => {
		const result = await check(managed('userClientId', '0f0f0f0f-1111-4222-8333-444444444444'));
		produced.push(result.message);
		expect(result.status).toBe('Error');
		expect(result.message).toContain(
			`the endpoint ${emulator().managedIdentity.appServiceEndpoint} (App Service`,
		);
		expect(result.message).toMatch(/No Managed Identity found for specified ClientId/);
		expect(result.message).toMatch(/Check that the identity is assigned to this host/);
	});
});

test.each([
	['global', 'https://graph.microsoft.com'],
	['usGovL4', 'https://graph.microsoft.us'],
	['usGovL5', 'https://dod-graph.microsoft.us'],
	['china', 'https://microsoftgraph.chinacloudapi.cn'],
])("Cloud %s: the token is asked for that cloud's Graph resource (%s)", async (name, resource) => {
	const emu = emulator();
	const before = emu.managedIdentity.requests.length;
	const mark = emu.mark();
	// The credential test only: a Graph read would go to Microsoft's real host of that cloud.
	const result = await runAppCredentialTest({
		cloud: name as never,
		authentication: 'managedIdentity',
		managedIdentity: 'system',
	});
	produced.push(result.message);
	expect(result.status).toBe('OK');
	const [call] = miRequests(before);
	expect(new URL(call.url, 'http://x').searchParams.get('resource')).toBe(resource);
	expect(emu.since(mark).filter((e) => !e.url.startsWith('/_emulator'))).toEqual([]);
});

test("n8n's credential test: tenant, identity and its Graph permissions; no app registration read", async () => {
	const emu = emulator();
	const mark = emu.mark();
	const result = await check(managed('system'));
	produced.push(result.message);
	expect(result.status).toBe('OK');
	// The headline is the permission self-test (User.Read.All and Directory.Read.All allow the
	// Entra ID reads, not mail), then who signed in.
	expect(result.message).toMatch(/^\d+ of \d+ operations allowed.*; missing: .*Mail\.Send/);
	expect(result.message).toContain(
		`. Connected to tenant ${CONTOSO} as managed identity ${SYSTEM_MI.objectId} (app ID ${SYSTEM_MI.clientId}). Application permissions: Directory.Read.All, User.Read.All.`,
	);
	expect(emu.since(mark).filter((e) => e.url.includes('/applications'))).toEqual([]);
});

test('secrets scan: no managed identity token, IDENTITY_HEADER or JWT in any output or message', () => {
	expect(produced.length).toBeGreaterThan(8);
	expectNoSecrets(produced, [emulator().managedIdentity.identityHeader]);
});
