/**
 * The emulator's managed identity endpoints over real sockets: App Service (2019-08-01), IMDS
 * (2018-02-01) and Azure Arc's challenge as raw HTTP requests the way Microsoft documents them,
 * and through msal-node's ManagedIdentityApplication with its environment variables pointing at
 * the emulator; each token then reads Graph. Also the refusals (wrong or missing header, unknown
 * identity, unknown resource) and an endpoint that is down, drops connections, hangs or is slow.
 */
import { readFileSync } from 'node:fs';
import { graph, useEmulator } from '../helpers/emulator';

const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const GRAPH = 'https://graph.microsoft.com';
/** The demo tenant's identities (fixtures/demo-tenant.json). */
const SYSTEM = {
	clientId: '6c1f0e3a-5b2d-4e8f-9a71-2d3c4b5a6e01',
	objectId: 'a4e2d9c7-3f1b-4c6a-8e5d-7b9f0a1c2d03',
	resourceId:
		'/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/n8n-demo/providers/Microsoft.Web/sites/n8n-host',
};
const USER = {
	clientId: 'e8b7a6c5-d4e3-4f2a-9b1c-0d9e8f7a6b52',
	objectId: 'f1e2d3c4-b5a6-4978-8a6b-5c4d3e2f1a63',
	resourceId:
		'/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/n8n-demo/providers/Microsoft.ManagedIdentity/userAssignedIdentities/n8n-graph-reader',
};

const emulator = useEmulator({ accessTokenLifetime: 3600 });
const mi = () => emulator().managedIdentity;

function claimsOf(jwt: string): Record<string, any> {
	return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function get(
	url: string,
	headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
	const r = await fetch(url, { headers });
	return { status: r.status, headers: r.headers, body: await r.json() };
}

function appService(params: Record<string, string>, header?: string | null) {
	const query = new URLSearchParams({ 'api-version': '2019-08-01', resource: GRAPH, ...params });
	return get(
		`${mi().appServiceEndpoint}?${query}`,
		header === null ? {} : { 'X-IDENTITY-HEADER': header ?? mi().identityHeader },
	);
}

function imds(params: Record<string, string>, metadata: string | null = 'true') {
	const query = new URLSearchParams({ 'api-version': '2018-02-01', resource: GRAPH, ...params });
	return get(`${mi().imdsEndpoint}?${query}`, metadata === null ? {} : { Metadata: metadata });
}

async function admin(path: string, body: unknown): Promise<any> {
	const r = await fetch(`${emulator().url}/_emulator/${path}`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(r.status).toBe(200);
	return r.json();
}

/**
 * A fresh copy of msal-node: its ManagedIdentityClient keeps the first source it creates (and
 * the endpoint read from the environment then) in a static field, so each scenario loads its own.
 */
function freshMsal(): typeof import('@azure/msal-node') {
	let msal: typeof import('@azure/msal-node') | undefined;
	jest.isolateModules(() => {
		msal = jest.requireActual<typeof import('@azure/msal-node')>('@azure/msal-node');
	});
	return msal!;
}

const MI_ENV = [
	'IDENTITY_ENDPOINT',
	'IDENTITY_HEADER',
	'IMDS_ENDPOINT',
	'MSI_ENDPOINT',
	'MSI_SECRET',
	'IDENTITY_SERVER_THUMBPRINT',
	'AZURE_POD_IDENTITY_AUTHORITY_HOST',
];
let savedEnv: Record<string, string | undefined>;
beforeEach(() => {
	savedEnv = Object.fromEntries(MI_ENV.map((k) => [k, process.env[k]]));
	for (const k of MI_ENV) delete process.env[k];
});
afterEach(async () => {
	for (const k of MI_ENV) {
		if (savedEnv[k] === undefined) delete process.env[k];
		else process.env[k] = savedEnv[k];
	}
	await mi().setMode('up', 0);
});

describe('App Service (api-version 2019-08-01), raw HTTP', () => {
	test('system-assigned: the documented body, expires_on as a string of epoch seconds; Graph reads with the token', async () => {
		const before = Math.floor(Date.now() / 1000);
		const r = await appService({});
		expect(r.status).toBe(200);
		expect(Object.keys(r.body).sort()).toEqual([
			'access_token',
			'client_id',
			'expires_on',
			'resource',
			'token_type',
		]);
		expect(r.body).toMatchObject({
			resource: GRAPH,
			token_type: 'Bearer',
			client_id: SYSTEM.clientId,
		});
		expect(r.body.expires_on).toMatch(/^\d+$/);
		const expiresOn = Number(r.body.expires_on);
		expect(expiresOn).toBeGreaterThanOrEqual(before + 3600);
		expect(expiresOn).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 3600);
		const claims = claimsOf(r.body.access_token);
		expect(claims).toMatchObject({
			aud: GRAPH,
			tid: CONTOSO,
			appid: SYSTEM.clientId,
			oid: SYSTEM.objectId,
			idtyp: 'app',
			xms_mirid: SYSTEM.resourceId,
			exp: expiresOn,
		});
		expect([...claims.roles].sort()).toEqual(['Directory.Read.All', 'User.Read.All']);
		const users = await graph(emulator(), 'GET', '/users?$top=2', r.body.access_token);
		expect(users.status).toBe(200);
		expect(users.body.value).toHaveLength(2);
		const groups = await graph(emulator(), 'GET', '/groups?$top=1', r.body.access_token);
		expect(groups.status).toBe(200);
	});

	test.each([
		['client_id', USER.clientId],
		['object_id', USER.objectId],
		['principal_id', USER.objectId],
		['mi_res_id', USER.resourceId],
	])('user-assigned by %s', async (param, value) => {
		const r = await appService({ [param]: value });
		expect(r.status).toBe(200);
		expect(r.body.client_id).toBe(USER.clientId);
		const claims = claimsOf(r.body.access_token);
		expect(claims).toMatchObject({ appid: USER.clientId, oid: USER.objectId, idtyp: 'app' });
		expect([...claims.roles].sort()).toEqual(['Group.Read.All', 'User.Read.All']);
	});

	test('the identity’s roles decide what Graph allows: directory roles need Directory.Read.All', async () => {
		const system = await appService({});
		const user = await appService({ client_id: USER.clientId });
		const asSystem = await graph(emulator(), 'GET', '/directoryRoles', system.body.access_token);
		const asUser = await graph(emulator(), 'GET', '/directoryRoles', user.body.access_token);
		expect(asSystem.status).toBe(200);
		expect(asUser.status).toBe(403);
		expect(asUser.body.error.code).toBe('Authorization_RequestDenied');
	});

	test('a wrong or missing X-IDENTITY-HEADER is refused before anything else', async () => {
		const wrong = await appService({}, 'not-the-header');
		expect(wrong.status).toBe(401);
		expect(wrong.body).toMatchObject({
			statusCode: 401,
			message: 'The X-IDENTITY-HEADER header does not match IDENTITY_HEADER.',
		});
		expect(wrong.body.access_token).toBeUndefined();
		const missing = await appService({}, null);
		expect(missing.status).toBe(401);
		expect(missing.body.message).toBe('The X-IDENTITY-HEADER header is missing.');
	});

	test('unknown user-assigned identity, two selectors, an unknown resource, the old api-version', async () => {
		const unknown = await appService({ client_id: '00000000-1111-2222-3333-444444444444' });
		expect(unknown.status).toBe(400);
		expect(unknown.body.message).toBe(
			'No Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
		);
		expect(unknown.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
		const two = await appService({ client_id: USER.clientId, object_id: USER.objectId });
		expect(two.status).toBe(400);
		expect(two.body.message).toContain('Only one of');
		const resource = await appService({ resource: 'https://vault.azure.net' });
		expect(resource.status).toBe(400);
		expect(resource.body.message).toMatch(/^AADSTS500011: /);
		const old = await appService({ 'api-version': '2017-09-01' });
		expect(old.status).toBe(400);
	});
});

describe('IMDS (api-version 2018-02-01), raw HTTP', () => {
	test('Metadata: true is required, lower case (400 bad_request_102)', async () => {
		for (const header of [null, 'True', 'false']) {
			const r = await imds({}, header);
			expect(r.status).toBe(400);
			expect(r.body).toEqual({
				error: 'bad_request_102',
				error_description: 'Required metadata header not specified',
			});
		}
	});

	test('system-assigned: the documented body, numbers as strings', async () => {
		const r = await imds({});
		expect(r.status).toBe(200);
		expect(Object.keys(r.body).sort()).toEqual([
			'access_token',
			'expires_in',
			'expires_on',
			'not_before',
			'refresh_token',
			'resource',
			'token_type',
		]);
		expect(r.body).toMatchObject({
			refresh_token: '',
			expires_in: '3600',
			resource: GRAPH,
			token_type: 'Bearer',
		});
		expect(Number(r.body.expires_on) - Number(r.body.not_before)).toBe(3600);
		expect(claimsOf(r.body.access_token).appid).toBe(SYSTEM.clientId);
	});

	test.each([
		['client_id', USER.clientId],
		['object_id', USER.objectId],
		['msi_res_id', USER.resourceId],
	])('user-assigned by %s; Graph reads with it', async (param, value) => {
		const r = await imds({ [param]: value });
		expect(r.status).toBe(200);
		expect(claimsOf(r.body.access_token)).toMatchObject({
			appid: USER.clientId,
			oid: USER.objectId,
		});
		const users = await graph(emulator(), 'GET', '/users?$top=1', r.body.access_token);
		expect(users.status).toBe(200);
	});

	test('unknown identity: 400 invalid_request "Identity not found"; unknown resource: invalid_resource', async () => {
		const r = await imds({ client_id: '00000000-1111-2222-3333-444444444444' });
		expect(r.status).toBe(400);
		expect(r.body).toEqual({ error: 'invalid_request', error_description: 'Identity not found' });
		const resource = await imds({ resource: 'https://vault.azure.net' });
		expect(resource.status).toBe(400);
		expect(resource.body.error).toBe('invalid_resource');
		expect(resource.body.error_description).toMatch(/^AADSTS50001: /);
	});
});

describe('Azure Arc, raw HTTP', () => {
	test('401 with a Basic realm naming a key file; the retry with its content gets the token', async () => {
		const query = new URLSearchParams({ 'api-version': '2020-06-01', resource: GRAPH });
		const url = `${mi().arcEndpoint}?${query}`;
		const challenge = await get(url, { Metadata: 'true' });
		expect(challenge.status).toBe(401);
		const realm = /^Basic realm=(.+\.key)$/.exec(challenge.headers.get('www-authenticate') ?? '');
		expect(realm).not.toBeNull();
		const secret = readFileSync(realm![1], 'utf8');
		const wrong = await get(url, { Metadata: 'true', Authorization: 'Basic nope' });
		expect(wrong.status).toBe(401);
		const r = await get(url, { Metadata: 'true', Authorization: `Basic ${secret}` });
		expect(r.status).toBe(200);
		expect(claimsOf(r.body.access_token).appid).toBe(SYSTEM.clientId);
	});
});

describe('msal-node ManagedIdentityApplication', () => {
	test('App Service (IDENTITY_ENDPOINT + IDENTITY_HEADER): user-assigned by client ID, then a Graph read', async () => {
		Object.assign(process.env, mi().env('appService'));
		const { ManagedIdentityApplication } = freshMsal();
		const app = new ManagedIdentityApplication({
			managedIdentityIdParams: { userAssignedClientId: USER.clientId },
		});
		expect(app.getManagedIdentitySource()).toBe('AppService');
		const seen = mi().requests.length;
		const result = await app.acquireToken({ resource: GRAPH });
		const sent = mi().requests.slice(seen);
		expect(sent.map((r) => [r.source, r.status])).toEqual([['appService', 200]]);
		const query = new URL(sent[0].url, mi().url).searchParams;
		expect(query.get('api-version')).toBe('2019-08-01');
		expect(query.get('client_id')).toBe(USER.clientId);
		expect(claimsOf(result.accessToken)).toMatchObject({ appid: USER.clientId, idtyp: 'app' });
		expect(result.expiresOn!.getTime()).toBeGreaterThan(Date.now() + 3500_000);
		const users = await graph(emulator(), 'GET', '/users?$top=1', result.accessToken);
		expect(users.status).toBe(200);
	});

	test('App Service: system-assigned', async () => {
		Object.assign(process.env, mi().env('appService'));
		const { ManagedIdentityApplication } = freshMsal();
		// Each scenario has its own copy of msal-node (and so its own static identity source).
		expect(freshMsal().ManagedIdentityApplication).not.toBe(ManagedIdentityApplication);
		const result = await new ManagedIdentityApplication().acquireToken({ resource: GRAPH });
		expect(claimsOf(result.accessToken)).toMatchObject({
			appid: SYSTEM.clientId,
			oid: SYSTEM.objectId,
		});
	});

	test('App Service: a wrong IDENTITY_HEADER fails with the endpoint’s message', async () => {
		Object.assign(process.env, mi().env('appService'), { IDENTITY_HEADER: 'stale-header' });
		const { ManagedIdentityApplication } = freshMsal();
		const error = await new ManagedIdentityApplication().acquireToken({ resource: GRAPH }).then(
			() => undefined,
			(e) => e,
		);
		expect(error).toBeDefined();
		expect(String(error.errorMessage ?? error.message)).toContain(
			'The X-IDENTITY-HEADER header does not match IDENTITY_HEADER.',
		);
	});

	test('App Service: an unknown user-assigned client ID fails with App Service’s message', async () => {
		Object.assign(process.env, mi().env('appService'));
		const { ManagedIdentityApplication } = freshMsal();
		const error = await new ManagedIdentityApplication({
			managedIdentityIdParams: { userAssignedClientId: '00000000-1111-2222-3333-444444444444' },
		})
			.acquireToken({ resource: GRAPH })
			.then(
				() => undefined,
				(e) => e,
			);
		expect(String(error?.errorMessage ?? error?.message)).toContain(
			'No Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
		);
	});

	test('IMDS through AZURE_POD_IDENTITY_AUTHORITY_HOST: user-assigned by resource ID (msi_res_id)', async () => {
		Object.assign(process.env, mi().env('imds'));
		const { ManagedIdentityApplication } = freshMsal();
		const app = new ManagedIdentityApplication({
			managedIdentityIdParams: { userAssignedResourceId: USER.resourceId },
		});
		expect(app.getManagedIdentitySource()).toBe('DefaultToImds');
		const seen = mi().requests.length;
		const result = await app.acquireToken({ resource: GRAPH });
		const sent = mi().requests.slice(seen);
		expect(sent.map((r) => [r.source, r.status])).toEqual([['imds', 200]]);
		const query = new URL(sent[0].url, mi().url).searchParams;
		expect(query.get('api-version')).toBe('2018-02-01');
		expect(query.get('msi_res_id')).toBe(USER.resourceId);
		expect(claimsOf(result.accessToken).appid).toBe(USER.clientId);
		const users = await graph(emulator(), 'GET', '/users?$top=1', result.accessToken);
		expect(users.status).toBe(200);
	});

	test('IMDS: an unknown object ID fails with "Identity not found" (400, not retried)', async () => {
		Object.assign(process.env, mi().env('imds'));
		const { ManagedIdentityApplication } = freshMsal();
		const seen = mi().requests.length;
		const error = await new ManagedIdentityApplication({
			managedIdentityIdParams: { userAssignedObjectId: '00000000-1111-2222-3333-444444444444' },
		})
			.acquireToken({ resource: GRAPH })
			.then(
				() => undefined,
				(e) => e,
			);
		expect(String(error?.errorMessage ?? error?.message)).toContain('Identity not found');
		expect(mi().requests.length - seen).toBe(1);
	});
});

describe('endpoint unreachable, dropping connections, hanging, slow', () => {
	test('refuse: the port is closed; msal-node fails at once with a network error', async () => {
		Object.assign(process.env, mi().env('appService'));
		await admin('managed-identity/endpoint', { mode: 'refuse' });
		const { ManagedIdentityApplication } = freshMsal();
		const started = Date.now();
		const error = await new ManagedIdentityApplication().acquireToken({ resource: GRAPH }).then(
			() => undefined,
			(e) => e,
		);
		expect(error?.errorCode).toBe('network_error');
		expect(Date.now() - started).toBeLessThan(5000);
		// Back up on the same port: the same environment works again.
		await admin('managed-identity/endpoint', { mode: 'up' });
		const r = await appService({});
		expect(r.status).toBe(200);
	});

	test('reset: connections are dropped', async () => {
		await admin('managed-identity/endpoint', { mode: 'reset' });
		await expect(
			fetch(`${mi().appServiceEndpoint}?api-version=2019-08-01&resource=${GRAPH}`),
		).rejects.toThrow();
	});

	test('hang: the request is accepted and never answered (a client needs its own timeout)', async () => {
		await admin('managed-identity/endpoint', { mode: 'hang' });
		const seen = mi().requests.length;
		const started = Date.now();
		const error = await fetch(`${mi().imdsEndpoint}?api-version=2018-02-01&resource=${GRAPH}`, {
			headers: { Metadata: 'true' },
			signal: AbortSignal.timeout(300),
		}).then(
			() => undefined,
			(e) => e,
		);
		expect(error?.name).toBe('TimeoutError');
		expect(Date.now() - started).toBeGreaterThanOrEqual(290);
		expect(mi().requests.length - seen).toBe(1);
	});

	test('latencyMs delays every answer', async () => {
		const state = await admin('managed-identity/endpoint', { latencyMs: 400 });
		expect(state.latencyMs).toBe(400);
		const started = Date.now();
		const r = await appService({});
		expect(r.status).toBe(200);
		expect(Date.now() - started).toBeGreaterThanOrEqual(390);
	});
});

describe('admin routes', () => {
	test('GET /_emulator/managed-identity describes endpoints, environment and identities', async () => {
		const r: any = await (await fetch(`${emulator().url}/_emulator/managed-identity`)).json();
		expect(r.endpoints.appService).toBe(`${mi().url}/msi/token`);
		expect(r.env.appService).toEqual({
			IDENTITY_ENDPOINT: `${mi().url}/msi/token`,
			IDENTITY_HEADER: mi().identityHeader,
		});
		expect(r.env.imds).toEqual({ AZURE_POD_IDENTITY_AUTHORITY_HOST: mi().url });
		expect(r.identities.map((i: any) => i.clientId)).toEqual(
			expect.arrayContaining([SYSTEM.clientId, USER.clientId]),
		);
	});

	test('a new user-assigned identity, then a role granted to it, shows in its next token', async () => {
		const added = await admin('managed-identity/identities', {
			kind: 'user',
			displayName: 'mail-sender',
			roles: ['User.Read.All'],
		});
		expect(added.clientId).toMatch(/^[0-9a-f-]{36}$/);
		expect(added.resourceId).toMatch(/userAssignedIdentities\/mail-sender$/);
		const first = await appService({ client_id: added.clientId });
		expect(claimsOf(first.body.access_token).roles).toEqual(['User.Read.All']);
		expect(claimsOf(first.body.access_token).oid).toBe(added.objectId);
		const granted = await admin(`managed-identity/identities/${added.objectId}/roles`, {
			roles: ['Mail.Send'],
		});
		expect(granted.roles).toEqual(['User.Read.All', 'Mail.Send']);
		const second = await appService({ mi_res_id: added.resourceId });
		expect(claimsOf(second.body.access_token).roles).toEqual(['User.Read.All', 'Mail.Send']);
	});
});
