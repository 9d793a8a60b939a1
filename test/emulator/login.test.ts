/**
 * The emulator's login service against msal-node and plain HTTP: discovery, client credentials
 * with secrets and certificates, authorization code with PKCE, refresh-token rotation, and
 * Entra's errors (AADSTS codes) for the mistakes people make.
 */
import {
	createHash,
	createPrivateKey,
	createSign,
	generateKeyPairSync,
	randomBytes,
	randomUUID,
	X509Certificate,
	createPublicKey,
	createVerify,
} from 'node:crypto';
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { Emulator, startEmulator } from './emulator';
import { certificateHashes, issueCertificate, thumbprintSha1 } from './tls';
import { EmulatorNetworkClient } from './login/msal-network';
import { graph } from '../helpers/emulator';

const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const FABRIKAM = 'c4d25ebb-6d07-58a7-95ca-8deeb9cec2d2';
const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';
const SERVICE_DESK = '90158945-3b58-5d36-ac12-4067a6cf216b';
const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
const ROOM_CREDENTIAL_ID = '2a97f178-bc6a-52a4-8546-63410314df68';
const ROOM_EXPIRED_SECRET = 'RbZ8~demo.Room-Booking-Expired-Value_0005';
const ANALYTICS = '0ccb9dd7-4b71-5fb1-939f-5e9d54edbf7d';
const ANALYTICS_SECRET = 'WaX8~demo.Analytics-Connector-Secret_0008';
const UNCONSENTED = '699424fa-b515-5056-8573-1e39a2b7b8a8';
const UNCONSENTED_SECRET = 'UcV8~demo.Unconsented-Secret-Value_0007';
const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let emu: Emulator;
/** Every error body received, to check that none echoes a credential. */
const errorTexts: string[] = [];
/** Every credential sent (secret values, secret IDs, assertions). */
const sentCredentials = new Set<string>();

beforeAll(async () => {
	emu = await startEmulator({ accessTokenLifetime: 3600 });
});

afterAll(async () => {
	await emu?.close();
});

interface Reply {
	status: number;
	headers: Headers;
	text: string;
	body: any;
}

async function reply(response: Response): Promise<Reply> {
	const text = await response.text();
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		body = undefined;
	}
	if (response.status >= 400) errorTexts.push(text);
	return { status: response.status, headers: response.headers, text, body };
}

async function tokenRequest(
	tenant: string,
	form: Record<string, string>,
	headers: Record<string, string> = {},
): Promise<Reply> {
	for (const key of ['client_secret', 'client_assertion'])
		if (form[key]) sentCredentials.add(form[key]);
	return reply(
		await fetch(`${emu.url}/${tenant}/oauth2/v2.0/token`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
			body: new URLSearchParams(form),
		}),
	);
}

function claimsOf(jwt: string): Record<string, any> {
	return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

/** Asserts Entra's error body: `{ error, error_description: 'AADSTSn: … Trace ID … Correlation ID … Timestamp …', ... }`. */
function expectAadError(r: Reply, status: number, error: string, code: number): string {
	expect({ status: r.status, error: r.body?.error, codes: r.body?.error_codes }).toEqual({
		status,
		error,
		codes: [code],
	});
	const b = r.body;
	expect(b.error_description).toMatch(
		new RegExp(
			`^AADSTS${code}: .+ Trace ID: [0-9a-f-]{36} Correlation ID: [0-9a-f-]{36} Timestamp: \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}Z$`,
			's',
		),
	);
	expect(b.timestamp).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}Z$/);
	expect(b.trace_id).toMatch(GUID);
	expect(b.correlation_id).toMatch(GUID);
	expect(b.error_description).toContain(
		`Trace ID: ${b.trace_id} Correlation ID: ${b.correlation_id}`,
	);
	expect(b.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
	expect(Object.keys(b).slice(0, 7)).toEqual([
		'error',
		'error_description',
		'error_codes',
		'timestamp',
		'trace_id',
		'correlation_id',
		'error_uri',
	]);
	return b.error_description as string;
}

function pkce(): { verifier: string; challenge: string } {
	const verifier = randomBytes(32).toString('base64url');
	return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

async function authorizeRequest(
	tenant: string,
	params: Record<string, string>,
	accept?: string,
): Promise<Reply & { location?: URL }> {
	const url = `${emu.url}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams({ response_type: 'code', ...params })}`;
	const r = await reply(
		await fetch(url, { redirect: 'manual', headers: accept ? { Accept: accept } : {} }),
	);
	const location = r.headers.get('location');
	return { ...r, location: location ? new URL(location) : undefined };
}

/** Runs the authorize request and returns the code from the redirect. */
async function getCode(tenant: string, params: Record<string, string>): Promise<string> {
	const r = await authorizeRequest(tenant, params);
	expect(r.status).toBe(302);
	const code = r.location?.searchParams.get('code');
	if (!code) throw new Error(`no code: ${r.location}`);
	return code;
}

function roomCertificate(): { certPem: string; keyPem: string } {
	const cert = emu.directory.findRegistration(ROOM_BOOKING)!.app.certificates![0];
	return { certPem: cert.certPem!, keyPem: cert.keyPem! };
}

/** A client assertion as msal-node builds it (RS256, x5t), with overrides for the mistakes. */
function assertion(options: {
	keyPem: string;
	certPem: string;
	aud?: string;
	iss?: string;
	exp?: number;
	nbf?: number;
	header?: Record<string, unknown>;
}): string {
	const now = Math.floor(Date.now() / 1000);
	const header = {
		alg: 'RS256',
		typ: 'JWT',
		x5t: certificateHashes(options.certPem).x5t,
		...options.header,
	};
	const payload = {
		aud: options.aud ?? `${emu.url}/${CONTOSO}/oauth2/v2.0/token`,
		iss: options.iss ?? ROOM_BOOKING,
		sub: options.iss ?? ROOM_BOOKING,
		jti: randomUUID(),
		nbf: options.nbf ?? now,
		exp: options.exp ?? now + 600,
	};
	const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
	const signature = createSign('RSA-SHA256')
		.update(input)
		.sign(createPrivateKey(options.keyPem))
		.toString('base64url');
	return `${input}.${signature}`;
}

function authorityHost(): string {
	return new URL(emu.url).host;
}

describe('discovery', () => {
	test('OpenID configuration for a tenant ID points at the emulator and names Entra as issuer', async () => {
		const r = await reply(
			await fetch(`${emu.url}/${CONTOSO}/v2.0/.well-known/openid-configuration`),
		);
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({
			token_endpoint: `${emu.url}/${CONTOSO}/oauth2/v2.0/token`,
			authorization_endpoint: `${emu.url}/${CONTOSO}/oauth2/v2.0/authorize`,
			jwks_uri: `${emu.url}/${CONTOSO}/discovery/v2.0/keys`,
			end_session_endpoint: `${emu.url}/${CONTOSO}/oauth2/v2.0/logout`,
			issuer: `https://login.microsoftonline.com/${CONTOSO}/v2.0`,
			token_endpoint_auth_methods_supported: [
				'client_secret_post',
				'private_key_jwt',
				'client_secret_basic',
			],
			scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
		});
	});

	test('a verified domain resolves to the tenant ID; common keeps the {tenantid} template', async () => {
		const byDomain = await reply(
			await fetch(`${emu.url}/contoso.example/v2.0/.well-known/openid-configuration`),
		);
		expect(byDomain.body.token_endpoint).toBe(`${emu.url}/${CONTOSO}/oauth2/v2.0/token`);
		const common = await reply(
			await fetch(`${emu.url}/common/v2.0/.well-known/openid-configuration`),
		);
		expect(common.body.issuer).toBe('https://login.microsoftonline.com/{tenantid}/v2.0');
		expect(common.body.token_endpoint).toBe(`${emu.url}/{tenantid}/oauth2/v2.0/token`);
	});

	test('endpoints follow the host the client used (login.microsoftonline.com mapped to the emulator)', async () => {
		const client = new EmulatorNetworkClient(emu.url);
		const r = await client.sendGetRequestAsync<Record<string, string>>(
			`https://login.microsoftonline.com/${CONTOSO}/v2.0/.well-known/openid-configuration`,
		);
		expect(r.body.token_endpoint).toBe(
			`https://login.microsoftonline.com/${CONTOSO}/oauth2/v2.0/token`,
		);
	});

	test('instance discovery answers for the emulator host and refuses unknown hosts (AADSTS50049)', async () => {
		const authorize = `${emu.url}/${CONTOSO}/oauth2/v2.0/authorize`;
		const r = await reply(
			await fetch(
				`${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent(authorize)}`,
			),
		);
		expect(r.status).toBe(200);
		expect(r.body.tenant_discovery_endpoint).toBe(
			`${emu.url}/${CONTOSO}/v2.0/.well-known/openid-configuration`,
		);
		expect(r.body['api-version']).toBe('1.1');
		expect(r.body.metadata[0]).toEqual({
			preferred_network: authorityHost(),
			preferred_cache: authorityHost(),
			aliases: [authorityHost()],
		});
		expect(r.body.metadata).toContainEqual(
			expect.objectContaining({
				preferred_network: 'login.microsoftonline.com',
				preferred_cache: 'login.windows.net',
			}),
		);
		const unknown = await reply(
			await fetch(
				`${emu.url}/common/discovery/instance?api-version=1.1&authorization_endpoint=${encodeURIComponent('https://login.example.org/x/oauth2/v2.0/authorize')}`,
			),
		);
		expectAadError(unknown, 400, 'invalid_instance', 50049);
	});

	test('the JWKS verifies the ID tokens the emulator signs', async () => {
		const { verifier, challenge } = pkce();
		const code = await getCode(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'openid profile User.Read',
			code_challenge: challenge,
			code_challenge_method: 'S256',
		});
		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
			code_verifier: verifier,
		});
		const keys = await reply(await fetch(`${emu.url}/${CONTOSO}/discovery/v2.0/keys`));
		const [h, p, s] = t.body.id_token.split('.');
		const kid = JSON.parse(Buffer.from(h, 'base64url').toString()).kid;
		const jwk = keys.body.keys.find((k: { kid: string }) => k.kid === kid);
		expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig' });
		const ok = createVerify('RSA-SHA256')
			.update(`${h}.${p}`)
			.verify(createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(s, 'base64url'));
		expect(ok).toBe(true);
	});

	test('an unknown tenant is AADSTS90002 on discovery and at the token endpoint; a malformed one 900023', async () => {
		const unknown = '00000000-1111-2222-3333-444444444444';
		const discovery = await reply(
			await fetch(`${emu.url}/${unknown}/v2.0/.well-known/openid-configuration`),
		);
		const text = expectAadError(discovery, 400, 'invalid_tenant', 90002);
		expect(text).toContain(`Tenant '${unknown}' not found.`);
		const token = await tokenRequest('nosuchtenant.onmicrosoft.com', {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
			scope: GRAPH_DEFAULT,
		});
		expectAadError(token, 400, 'invalid_tenant', 90002);
		const malformed = await reply(
			await fetch(`${emu.url}/not_a_tenant!/v2.0/.well-known/openid-configuration`),
		);
		expectAadError(malformed, 400, 'invalid_tenant', 900023);
	});
});

describe('msal-node ConfidentialClientApplication', () => {
	test('client secret: a Graph app-only token with the consented roles', async () => {
		const before = emu.login.stats.grants.client_credentials;
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ROOM_BOOKING,
				authority: `${emu.url}/${CONTOSO}`,
				clientSecret: ROOM_SECRET,
				knownAuthorities: [authorityHost()],
			},
		});
		sentCredentials.add(ROOM_SECRET);
		const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
		expect(result?.tokenType).toBe('Bearer');
		const claims = claimsOf(result!.accessToken);
		expect(claims).toMatchObject({
			aud: 'https://graph.microsoft.com',
			tid: CONTOSO,
			appid: ROOM_BOOKING,
			appidacr: '1',
			idtyp: 'app',
		});
		expect([...claims.roles].sort()).toEqual([
			'Calendars.ReadWrite',
			'Group.Read.All',
			'Mail.Read',
			'Mail.Send',
			'Place.Read.All',
			'User.Read.All',
		]);
		expect(emu.tokens.check(`Bearer ${result!.accessToken}`, 'graph').ok).toBe(true);
		expect(emu.login.stats.grants.client_credentials).toBe(before + 1);
		const users = await graph(emu, 'GET', '/users?$top=1', result!.accessToken);
		expect(users.status).toBe(200);
	});

	test('certificate with a SHA-256 thumbprint (PS256, x5t#S256)', async () => {
		const { certPem, keyPem } = roomCertificate();
		const thumbprintSha256 = new X509Certificate(certPem).fingerprint256.replace(/:/g, '');
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ROOM_BOOKING,
				authority: `${emu.url}/${CONTOSO}`,
				clientCertificate: { thumbprintSha256, privateKey: keyPem },
				knownAuthorities: [authorityHost()],
			},
		});
		const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
		const claims = claimsOf(result!.accessToken);
		expect(claims).toMatchObject({
			tid: CONTOSO,
			appid: ROOM_BOOKING,
			appidacr: '2',
			aud: 'https://graph.microsoft.com',
		});
		expect(claims.roles).toContain('Mail.Send');
	});

	test('certificate with a SHA-1 thumbprint and x5c (RS256, x5t)', async () => {
		const { certPem, keyPem } = roomCertificate();
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ROOM_BOOKING,
				authority: `${emu.url}/${CONTOSO}`,
				clientCertificate: {
					thumbprint: thumbprintSha1(certPem),
					privateKey: keyPem,
					x5c: certPem,
				},
				knownAuthorities: [authorityHost()],
			},
		});
		const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
		expect(claimsOf(result!.accessToken)).toMatchObject({
			tid: CONTOSO,
			appid: ROOM_BOOKING,
			appidacr: '2',
		});
	});

	test('default authority validation: instance discovery at login.microsoftonline.com, then OpenID discovery', async () => {
		const network = new EmulatorNetworkClient(emu.url);
		const before = emu.login.stats.requests.instanceDiscovery;
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ROOM_BOOKING,
				authority: `${emu.url}/${CONTOSO}`,
				clientSecret: ROOM_SECRET,
			},
			system: { networkClient: network },
		});
		const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
		expect(claimsOf(result!.accessToken).tid).toBe(CONTOSO);
		expect(emu.login.stats.requests.instanceDiscovery).toBe(before + 1);
		const urls = network.requests.map((r) => `${r.method} ${r.url.split('?')[0]}`);
		expect(urls).toEqual([
			'GET https://login.microsoftonline.com/common/discovery/instance',
			`GET ${emu.url}/${CONTOSO}/v2.0/.well-known/openid-configuration`,
			`POST ${emu.url}/${CONTOSO}/oauth2/v2.0/token`,
		]);
	});

	test("Entra's own authority (login.microsoftonline.com/<domain>) mapped to the emulator, with a certificate", async () => {
		const { certPem, keyPem } = roomCertificate();
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ROOM_BOOKING,
				authority: 'https://login.microsoftonline.com/contoso.onmicrosoft.com',
				clientCertificate: {
					thumbprintSha256: new X509Certificate(certPem).fingerprint256.replace(/:/g, ''),
					privateKey: keyPem,
				},
			},
			system: { networkClient: new EmulatorNetworkClient(emu.url) },
		});
		const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
		expect(claimsOf(result!.accessToken)).toMatchObject({
			tid: CONTOSO,
			appid: ROOM_BOOKING,
			appidacr: '2',
		});
	});

	test('a multi-tenant app registered elsewhere gets the roles its service principal holds in each tenant', async () => {
		sentCredentials.add(ANALYTICS_SECRET);
		const inContoso = new ConfidentialClientApplication({
			auth: {
				clientId: ANALYTICS,
				authority: `${emu.url}/${CONTOSO}`,
				clientSecret: ANALYTICS_SECRET,
				knownAuthorities: [authorityHost()],
			},
		});
		const contoso = claimsOf(
			(await inContoso.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] }))!.accessToken,
		);
		expect(contoso).toMatchObject({ tid: CONTOSO, appid: ANALYTICS });
		expect([...contoso.roles].sort()).toEqual([
			'Calendars.Read',
			'Group.Read.All',
			'Mail.Read',
			'User.Read.All',
		]);
		const home = await tokenRequest(FABRIKAM, {
			grant_type: 'client_credentials',
			client_id: ANALYTICS,
			client_secret: ANALYTICS_SECRET,
			scope: GRAPH_DEFAULT,
		});
		expect(home.status).toBe(200);
		expect(claimsOf(home.body.access_token)).toMatchObject({ tid: FABRIKAM, roles: [] });
	});

	test('msal surfaces the AADSTS error of a wrong secret', async () => {
		const wrong = 'RbZ8~not.the-right-secret_value';
		sentCredentials.add(wrong);
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ROOM_BOOKING,
				authority: `${emu.url}/${CONTOSO}`,
				clientSecret: wrong,
				knownAuthorities: [authorityHost()],
			},
		});
		const error = await app
			.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] })
			.catch((e) => e);
		expect(error.errorCode).toBe('invalid_client');
		expect(error.errorMessage).toContain('AADSTS7000215: Invalid client secret provided.');
		expect(JSON.stringify(error)).not.toContain(wrong);
	});
});

describe('authorization code with PKCE (public client, plain HTTP)', () => {
	test('sign-in, code redemption, refresh with rotation', async () => {
		const { verifier, challenge } = pkce();
		const state = randomUUID();
		const nonce = randomUUID();
		const a = await authorizeRequest(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'openid profile offline_access User.Read Mail.Send',
			state,
			nonce,
			prompt: 'select_account',
			login_hint: 'alice@contoso.onmicrosoft.com',
			code_challenge: challenge,
			code_challenge_method: 'S256',
		});
		expect(a.status).toBe(302);
		expect(`${a.location!.origin}${a.location!.pathname}`).toBe(REDIRECT);
		expect(a.location!.searchParams.get('state')).toBe(state);
		expect(a.location!.searchParams.get('session_state')).toMatch(GUID);
		const code = a.location!.searchParams.get('code')!;

		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
			code_verifier: verifier,
			scope: 'openid profile offline_access User.Read Mail.Send',
			client_info: '1',
		});
		expect(t.status).toBe(200);
		expect(t.headers.get('cache-control')).toBe('no-store, no-cache');
		expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, ext_expires_in: 3600 });
		expect(Object.keys(t.body)).toEqual([
			'token_type',
			'scope',
			'expires_in',
			'ext_expires_in',
			'access_token',
			'refresh_token',
			'id_token',
			'client_info',
		]);
		const scopes = t.body.scope.split(' ');
		expect(scopes).toEqual(
			expect.arrayContaining([
				'https://graph.microsoft.com/User.Read',
				'https://graph.microsoft.com/Mail.Send',
				'openid',
				'profile',
				'offline_access',
			]),
		);
		const access = claimsOf(t.body.access_token);
		const alice = emu.directory.home.findUser('alice@contoso.onmicrosoft.com')!;
		expect(access).toMatchObject({
			aud: 'https://graph.microsoft.com',
			tid: CONTOSO,
			appid: SERVICE_DESK,
			appidacr: '0',
			oid: alice.id,
			upn: alice.userPrincipalName,
			idtyp: 'user',
		});
		expect(access.scp.split(' ')).toEqual(
			expect.arrayContaining(['User.Read', 'Mail.Send', 'Mail.Read']),
		);
		expect(access.scp.split(' ')).not.toContain('openid');
		const id = claimsOf(t.body.id_token);
		expect(id).toMatchObject({
			aud: SERVICE_DESK,
			iss: `https://login.microsoftonline.com/${CONTOSO}/v2.0`,
			tid: CONTOSO,
			oid: alice.id,
			preferred_username: alice.userPrincipalName,
			name: alice.displayName,
			nonce,
			ver: '2.0',
		});
		expect(JSON.parse(Buffer.from(t.body.client_info, 'base64url').toString())).toEqual({
			uid: alice.id,
			utid: CONTOSO,
		});
		expect((await graph(emu, 'GET', '/me', t.body.access_token)).body.userPrincipalName).toBe(
			alice.userPrincipalName,
		);

		const before = emu.login.stats.grants.refresh_token;
		const r1 = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: t.body.refresh_token,
			scope: 'offline_access User.Read',
		});
		expect(r1.status).toBe(200);
		expect(r1.body.refresh_token).toBeTruthy();
		expect(r1.body.refresh_token).not.toBe(t.body.refresh_token);
		expect(r1.body.access_token).not.toBe(t.body.access_token);
		expect(emu.tokens.check(`Bearer ${r1.body.access_token}`, 'graph').ok).toBe(true);
		const me = await graph(emu, 'GET', '/me', r1.body.access_token);
		expect(me.status).toBe(200);
		expect(me.body.id).toBe(alice.id);
		// The new refresh token works; the old one stays valid until its lifetime ends, as Entra's.
		const r2 = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: r1.body.refresh_token,
		});
		expect(r2.status).toBe(200);
		const r3 = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: t.body.refresh_token,
		});
		expect(r3.status).toBe(200);
		expect(emu.login.stats.grants.refresh_token).toBe(before + 3);
	});

	test('msal-node PublicClientApplication: auth code URL, code redemption, silent refresh', async () => {
		const pca = new PublicClientApplication({
			auth: {
				clientId: SERVICE_DESK,
				authority: `${emu.url}/${CONTOSO}`,
				knownAuthorities: [authorityHost()],
			},
		});
		const { verifier, challenge } = pkce();
		const scopes = ['User.Read', 'Mail.Read'];
		const url = await pca.getAuthCodeUrl({
			scopes,
			redirectUri: REDIRECT,
			codeChallenge: challenge,
			codeChallengeMethod: 'S256',
			loginHint: 'carol@contoso.onmicrosoft.com',
			state: 'msal',
		});
		expect(url.startsWith(`${emu.url}/${CONTOSO}/oauth2/v2.0/authorize?`)).toBe(true);
		const a = await reply(await fetch(url, { redirect: 'manual' }));
		expect(a.status).toBe(302);
		const code = new URL(a.headers.get('location')!).searchParams.get('code')!;
		const result = await pca.acquireTokenByCode({
			code,
			scopes,
			redirectUri: REDIRECT,
			codeVerifier: verifier,
		});
		const carol = emu.directory.home.findUser('carol@contoso.onmicrosoft.com')!;
		expect(result.account).toMatchObject({
			username: carol.userPrincipalName,
			tenantId: CONTOSO,
			localAccountId: carol.id,
			homeAccountId: `${carol.id}.${CONTOSO}`,
		});
		expect(claimsOf(result.accessToken)).toMatchObject({
			upn: carol.userPrincipalName,
			appid: SERVICE_DESK,
		});
		const before = emu.login.stats.grants.refresh_token;
		const silent = await pca.acquireTokenSilent({
			account: result.account!,
			scopes,
			forceRefresh: true,
		});
		expect(silent.accessToken).not.toBe(result.accessToken);
		expect(emu.login.stats.grants.refresh_token).toBe(before + 1);
	});

	test('plain PKCE, no login_hint (the tenant signed-in user), form_post-less query response', async () => {
		const verifier = randomBytes(40).toString('base64url');
		const code = await getCode(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'User.Read',
			code_challenge: verifier,
			code_challenge_method: 'plain',
		});
		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
			code_verifier: verifier,
		});
		expect(t.status).toBe(200);
		expect(claimsOf(t.body.access_token).upn).toBe('reports@contoso.onmicrosoft.com');
		expect(t.body.refresh_token).toBeUndefined();
		expect(t.body.id_token).toBeUndefined();
	});

	test('organizations: the tenant comes from the user', async () => {
		const code = await getCode('organizations', {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'openid User.Read',
			login_hint: 'bob@contoso.onmicrosoft.com',
		});
		const t = await tokenRequest('organizations', {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
		});
		expect(t.status).toBe(200);
		expect(claimsOf(t.body.id_token)).toMatchObject({
			tid: CONTOSO,
			preferred_username: 'bob@contoso.onmicrosoft.com',
		});
	});

	test('a confidential web app redeems with its secret; its refresh token also serves Exchange scopes', async () => {
		sentCredentials.add(REPORT_SECRET);
		const code = await getCode(CONTOSO, {
			client_id: REPORT_SERVER,
			redirect_uri: REDIRECT,
			scope: 'offline_access https://graph.microsoft.com/Mail.Send',
		});
		const missing = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: REPORT_SERVER,
			code,
			redirect_uri: REDIRECT,
		});
		expectAadError(missing, 401, 'invalid_client', 7000218);
		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: REPORT_SERVER,
			client_secret: REPORT_SECRET,
			code,
			redirect_uri: REDIRECT,
		});
		expect(t.status).toBe(200);
		expect(claimsOf(t.body.access_token).appidacr).toBe('1');
		const smtp = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: REPORT_SERVER,
			client_secret: REPORT_SECRET,
			refresh_token: t.body.refresh_token,
			scope: 'https://outlook.office.com/SMTP.Send offline_access',
		});
		expect(smtp.status).toBe(200);
		const claims = claimsOf(smtp.body.access_token);
		expect(claims.aud).toBe('https://outlook.office.com');
		expect(claims.scp.split(' ')).toEqual(
			expect.arrayContaining(['SMTP.Send', 'IMAP.AccessAsUser.All', 'POP.AccessAsUser.All']),
		);
		expect(smtp.body.scope).toContain('https://outlook.office.com/SMTP.Send');
	});
});

describe("AADSTS901002: a v1.0 'resource' parameter on the v2.0 endpoints", () => {
	// https://learn.microsoft.com/en-us/entra/identity-platform/azure-ad-endpoint-comparison
	// ("Scopes, not resources"); https://login.microsoftonline.com/error?code=901002
	const TEXT = "AADSTS901002: The 'resource' request parameter is not supported.";

	test('token endpoint, client credentials: 400 invalid_request', async () => {
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
			scope: GRAPH_DEFAULT,
			resource: 'https://graph.microsoft.com',
		});
		const text = expectAadError(r, 400, 'invalid_request', 901002);
		expect(text.startsWith(TEXT)).toBe(true);
		expect(r.body.access_token).toBeUndefined();
	});

	test('token endpoint, refresh_token and authorization_code grants: refused too', async () => {
		const refresh = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: 'whatever',
			resource: 'https://graph.microsoft.com',
		});
		expectAadError(refresh, 400, 'invalid_request', 901002);
		const { verifier, challenge } = pkce();
		const code = await getCode(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'openid offline_access User.Read',
			login_hint: 'alice@contoso.onmicrosoft.com',
			code_challenge: challenge,
			code_challenge_method: 'S256',
		});
		const redeem = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
			code_verifier: verifier,
			resource: 'https://graph.microsoft.com',
		});
		expectAadError(redeem, 400, 'invalid_request', 901002);
	});

	test('authorize endpoint: the error goes to the redirect URI, with state', async () => {
		const state = randomUUID();
		const a = await authorizeRequest(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'openid User.Read',
			resource: 'https://graph.microsoft.com',
			state,
		});
		expect(a.status).toBe(302);
		expect(`${a.location!.origin}${a.location!.pathname}`).toBe(REDIRECT);
		expect(a.location!.searchParams.get('error')).toBe('invalid_request');
		expect(a.location!.searchParams.get('error_description')).toMatch(/^AADSTS901002: /);
		expect(a.location!.searchParams.get('state')).toBe(state);
		expect(a.location!.searchParams.get('code')).toBeNull();
	});

	test('authorize endpoint without a trusted redirect URI: the redirect URI error page wins', async () => {
		const uri = 'http://localhost:5679/rest/oauth2-credential/callback';
		const r = await authorizeRequest(
			CONTOSO,
			{ client_id: SERVICE_DESK, redirect_uri: uri, scope: 'User.Read', resource: 'x' },
			'application/json',
		);
		expectAadError(r, 400, 'invalid_request', 50011);
	});
});

describe("Entra's errors for realistic mistakes", () => {
	test('AADSTS7000215: wrong secret value (401 invalid_client); correlation ID from client-request-id', async () => {
		const correlation = randomUUID();
		const wrong = 'RbZ8~typo.Room-Booking-Secret-Value_0004';
		const r = await tokenRequest(
			CONTOSO,
			{
				grant_type: 'client_credentials',
				client_id: ROOM_BOOKING,
				client_secret: wrong,
				scope: GRAPH_DEFAULT,
			},
			{ 'client-request-id': correlation, 'return-client-request-id': 'true' },
		);
		const text = expectAadError(r, 401, 'invalid_client', 7000215);
		expect(text).toContain(
			'Ensure the secret being sent in the request is the client secret value, not the client secret ID',
		);
		expect(text).toContain(`for a secret added to app '${ROOM_BOOKING}'`);
		expect(r.body.correlation_id).toBe(correlation);
		expect(r.headers.get('client-request-id')).toBe(correlation);
		expect(r.text).not.toContain(wrong);
	});

	test('AADSTS7000215: the secret ID sent instead of the value', async () => {
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_CREDENTIAL_ID,
			scope: GRAPH_DEFAULT,
		});
		expectAadError(r, 401, 'invalid_client', 7000215);
		expect(r.text).not.toContain(ROOM_CREDENTIAL_ID);
	});

	test('AADSTS7000222: an expired secret', async () => {
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_EXPIRED_SECRET,
			scope: GRAPH_DEFAULT,
		});
		const text = expectAadError(r, 401, 'invalid_client', 7000222);
		expect(text).toContain(
			`The provided client secret keys for app '${ROOM_BOOKING}' are expired.`,
		);
	});

	test('AADSTS7000218: a confidential client without a credential', async () => {
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			scope: GRAPH_DEFAULT,
		});
		expectAadError(r, 401, 'invalid_client', 7000218);
	});

	test('AADSTS50011: a redirect URI not registered (error page; JSON on request)', async () => {
		const uri = 'http://localhost:5679/rest/oauth2-credential/callback';
		const json = await authorizeRequest(
			CONTOSO,
			{ client_id: REPORT_SERVER, redirect_uri: uri, scope: 'User.Read' },
			'application/json',
		);
		const text = expectAadError(json, 400, 'invalid_request', 50011);
		expect(text).toContain(
			`AADSTS50011: The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${REPORT_SERVER}'.`,
		);
		const page = await authorizeRequest(CONTOSO, {
			client_id: REPORT_SERVER,
			redirect_uri: uri,
			scope: 'User.Read',
		});
		expect(page.status).toBe(400);
		expect(page.headers.get('content-type')).toMatch(/text\/html/);
		expect(page.text).toContain(
			`AADSTS50011: The redirect URI &#39;${uri}&#39; specified in the request does not match`,
		);
		expect(page.location).toBeUndefined();
	});

	test('AADSTS65001: permissions not consented (authorize redirects consent_required; token refuses)', async () => {
		sentCredentials.add(UNCONSENTED_SECRET);
		const state = 'st-1';
		const a = await authorizeRequest(CONTOSO, {
			client_id: UNCONSENTED,
			redirect_uri: REDIRECT,
			scope: 'openid offline_access Mail.Send',
			state,
		});
		expect(a.status).toBe(302);
		expect(a.location!.searchParams.get('error')).toBe('consent_required');
		expect(a.location!.searchParams.get('error_description')).toMatch(
			/^AADSTS65001: The user or administrator has not consented to use the application with ID '699424fa-b515-5056-8573-1e39a2b7b8a8' named 'Not Yet Consented'\./,
		);
		expect(a.location!.searchParams.get('state')).toBe(state);
		expect(a.location!.searchParams.get('code')).toBeNull();

		// Consented User.Read works; asking for Mail.Send with its refresh token is refused.
		const code = await getCode(CONTOSO, {
			client_id: UNCONSENTED,
			redirect_uri: REDIRECT,
			scope: 'openid offline_access User.Read',
		});
		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: UNCONSENTED,
			client_secret: UNCONSENTED_SECRET,
			code,
			redirect_uri: REDIRECT,
		});
		expect(t.status).toBe(200);
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: UNCONSENTED,
			client_secret: UNCONSENTED_SECRET,
			refresh_token: t.body.refresh_token,
			scope: 'Mail.Send',
		});
		expectAadError(r, 400, 'invalid_grant', 65001);
		expect(r.body.suberror).toBe('consent_required');

		// Consent withdrawn between authorize and redemption: the code is refused too.
		const sp = emu.directory.home.apps.get(UNCONSENTED)!;
		const code2 = await getCode(CONTOSO, {
			client_id: UNCONSENTED,
			redirect_uri: REDIRECT,
			scope: 'User.Read',
		});
		const saved = sp.consent!.delegated;
		sp.consent!.delegated = ['openid', 'profile', 'offline_access'];
		try {
			const c = await tokenRequest(CONTOSO, {
				grant_type: 'authorization_code',
				client_id: UNCONSENTED,
				client_secret: UNCONSENTED_SECRET,
				code: code2,
				redirect_uri: REDIRECT,
			});
			expectAadError(c, 400, 'invalid_grant', 65001);
		} finally {
			sp.consent!.delegated = saved;
		}
	});

	test('AADSTS700016: the app is not in the tenant (token and authorize)', async () => {
		const r = await tokenRequest(FABRIKAM, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
			scope: GRAPH_DEFAULT,
		});
		const text = expectAadError(r, 400, 'unauthorized_client', 700016);
		expect(text).toContain(
			`Application with identifier '${ROOM_BOOKING}' was not found in the directory 'Fabrikam Analytics (vendor)'.`,
		);
		const page = await authorizeRequest(
			FABRIKAM,
			{ client_id: REPORT_SERVER, redirect_uri: REDIRECT, scope: 'User.Read' },
			'application/json',
		);
		expectAadError(page, 400, 'unauthorized_client', 700016);
	});

	test('AADSTS700027 / 700024: bad client assertions (wrong key, unknown certificate, wrong audience, expired)', async () => {
		const { certPem, keyPem } = roomCertificate();
		const form = (clientAssertion: string) => ({
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_assertion_type: JWT_BEARER,
			client_assertion: clientAssertion,
			scope: GRAPH_DEFAULT,
		});

		const good = await tokenRequest(CONTOSO, form(assertion({ certPem, keyPem })));
		expect(good.status).toBe(200);
		const microsoftAud = await tokenRequest(
			CONTOSO,
			form(
				assertion({
					certPem,
					keyPem,
					aud: `https://login.microsoftonline.com/${CONTOSO}/oauth2/v2.0/token`,
				}),
			),
		);
		expect(microsoftAud.status).toBe(200);

		const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
			.privateKey.export({ type: 'pkcs8', format: 'pem' })
			.toString();
		const wrongKey = await tokenRequest(CONTOSO, form(assertion({ certPem, keyPem: otherKey })));
		expect(expectAadError(wrongKey, 401, 'invalid_client', 700027)).toContain(
			'Client assertion contains an invalid signature.',
		);

		const stranger = issueCertificate({ commonName: 'not uploaded', extendedKeyUsage: 'client' });
		const unknownCert = await tokenRequest(CONTOSO, form(assertion(stranger)));
		const text = expectAadError(unknownCert, 401, 'invalid_client', 700027);
		expect(text).toContain(
			'The certificate with identifier used to sign the client assertion is not registered on application.',
		);
		expect(text).toContain(
			`Thumbprint of key used by client: '${thumbprintSha1(stranger.certPem)}'`,
		);

		const wrongAud = await tokenRequest(
			CONTOSO,
			form(
				assertion({
					certPem,
					keyPem,
					aud: `https://login.microsoftonline.com/${FABRIKAM}/oauth2/v2.0/token`,
				}),
			),
		);
		expectAadError(wrongAud, 401, 'invalid_client', 700027);

		const now = Math.floor(Date.now() / 1000);
		const expired = await tokenRequest(
			CONTOSO,
			form(assertion({ certPem, keyPem, nbf: now - 7200, exp: now - 3600 })),
		);
		expect(expectAadError(expired, 401, 'invalid_client', 700024)).toContain(
			'Client assertion is not within its valid time range.',
		);

		const wrongIssuer = await tokenRequest(
			CONTOSO,
			form(assertion({ certPem, keyPem, iss: SERVICE_DESK })),
		);
		expectAadError(wrongIssuer, 401, 'invalid_client', 700021);
	});

	test('AADSTS70011 / 1002012 / 28000: invalid scopes', async () => {
		const a = await authorizeRequest(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'openid Mail.Sendd',
			state: 's',
		});
		expect(a.status).toBe(302);
		expect(a.location!.searchParams.get('error')).toBe('invalid_scope');
		expect(a.location!.searchParams.get('error_description')).toMatch(
			/^AADSTS70011: The provided value for the input parameter 'scope' is not valid\./,
		);

		const code = await getCode(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'offline_access User.Read',
		});
		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
		});
		const bad = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: t.body.refresh_token,
			scope: 'Calendars.Teleport',
		});
		expectAadError(bad, 400, 'invalid_scope', 70011);

		const notDefault = await tokenRequest(CONTOSO, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
			scope: 'Mail.Send',
		});
		expect(expectAadError(notDefault, 400, 'invalid_scope', 1002012)).toContain(
			'Client credential flows must have a scope value with /.default suffixed',
		);

		const mixed = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: t.body.refresh_token,
			scope: 'https://graph.microsoft.com/User.Read https://outlook.office.com/SMTP.Send',
		});
		expectAadError(mixed, 400, 'invalid_scope', 28000);
	});

	test('AADSTS50020 / 50034 / 50057: a user of another tenant, an unknown user, a disabled user', async () => {
		const other = await authorizeRequest(
			CONTOSO,
			{
				client_id: REPORT_SERVER,
				redirect_uri: REDIRECT,
				scope: 'User.Read',
				login_hint: 'vendor.admin@fabrikam.onmicrosoft.com',
			},
			'application/json',
		);
		const text = expectAadError(other, 400, 'invalid_request', 50020);
		expect(text).toContain(
			`User account 'vendor.admin@fabrikam.onmicrosoft.com' from identity provider 'https://sts.windows.net/${FABRIKAM}/' does not exist in tenant 'Contoso (demo)'`,
		);
		const page = await authorizeRequest(CONTOSO, {
			client_id: REPORT_SERVER,
			redirect_uri: REDIRECT,
			scope: 'User.Read',
			login_hint: 'vendor.admin@fabrikam.onmicrosoft.com',
		});
		expect(page.status).toBe(400);
		expect(page.text).toContain('AADSTS50020');
		const nobody = await authorizeRequest(
			CONTOSO,
			{
				client_id: REPORT_SERVER,
				redirect_uri: REDIRECT,
				scope: 'User.Read',
				login_hint: 'nobody@contoso.onmicrosoft.com',
			},
			'application/json',
		);
		expectAadError(nobody, 400, 'invalid_request', 50034);
		const disabled = await authorizeRequest(
			CONTOSO,
			{
				client_id: REPORT_SERVER,
				redirect_uri: REDIRECT,
				scope: 'User.Read',
				login_hint: 'erik@contoso.onmicrosoft.com',
			},
			'application/json',
		);
		expectAadError(disabled, 400, 'invalid_grant', 50057);
		// A guest signs in by their own address.
		const guest = await authorizeRequest(CONTOSO, {
			client_id: REPORT_SERVER,
			redirect_uri: REDIRECT,
			scope: 'User.Read',
			login_hint: 'gina@fabrikam.com',
		});
		expect(guest.status).toBe(302);
	});

	test('AADSTS500011: an unknown resource', async () => {
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
			scope: 'https://api.contoso.example/.default',
		});
		const text = expectAadError(r, 400, 'invalid_resource', 500011);
		expect(text).toContain(
			'The resource principal named https://api.contoso.example was not found in the tenant named Contoso (demo).',
		);
	});

	test('AADSTS54005: a code redeemed twice; 50148: a wrong PKCE verifier; 500112: another redirect URI', async () => {
		const { verifier, challenge } = pkce();
		const params = {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'User.Read',
			code_challenge: challenge,
			code_challenge_method: 'S256',
		};
		const code = await getCode(CONTOSO, params);
		const redeem = {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
			code_verifier: verifier,
		};
		expect((await tokenRequest(CONTOSO, redeem)).status).toBe(200);
		const again = await tokenRequest(CONTOSO, redeem);
		expect(expectAadError(again, 400, 'invalid_grant', 54005)).toContain(
			'OAuth2 Authorization code was already redeemed',
		);

		const code2 = await getCode(CONTOSO, params);
		const wrongVerifier = await tokenRequest(CONTOSO, {
			...redeem,
			code: code2,
			code_verifier: pkce().verifier,
		});
		expectAadError(wrongVerifier, 400, 'invalid_grant', 50148);

		const code3 = await getCode(CONTOSO, params);
		const otherRedirect = await tokenRequest(CONTOSO, {
			...redeem,
			code: code3,
			redirect_uri: 'https://app.example.test/callback',
		});
		expectAadError(otherRedirect, 400, 'invalid_grant', 500112);
	});

	test('AADSTS700082: a refresh token past its lifetime (test hook)', async () => {
		const code = await getCode(CONTOSO, {
			client_id: SERVICE_DESK,
			redirect_uri: REDIRECT,
			scope: 'offline_access User.Read',
		});
		const t = await tokenRequest(CONTOSO, {
			grant_type: 'authorization_code',
			client_id: SERVICE_DESK,
			code,
			redirect_uri: REDIRECT,
		});
		expect(emu.login.expireRefreshTokens({ clientId: SERVICE_DESK })).toBeGreaterThan(0);
		const r = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: t.body.refresh_token,
		});
		const text = expectAadError(r, 400, 'invalid_grant', 700082);
		expect(text).toMatch(
			/The refresh token has expired due to inactivity\. The token was issued on \S+ and was inactive for 90\.00:00:00\./,
		);
		const garbage = await tokenRequest(CONTOSO, {
			grant_type: 'refresh_token',
			client_id: SERVICE_DESK,
			refresh_token: 'not-a-token',
		});
		expectAadError(garbage, 400, 'invalid_grant', 9002313);
	});

	test('other request errors: GET on the token endpoint, missing parameters, unsupported grant', async () => {
		const get = await reply(await fetch(`${emu.url}/${CONTOSO}/oauth2/v2.0/token`));
		expectAadError(get, 400, 'invalid_request', 900561);
		const noGrant = await tokenRequest(CONTOSO, { client_id: ROOM_BOOKING });
		expect(expectAadError(noGrant, 400, 'invalid_request', 900144)).toContain("'grant_type'");
		const grant = await tokenRequest(CONTOSO, {
			grant_type: 'urn:example:magic',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
		});
		expectAadError(grant, 400, 'unsupported_grant_type', 70003);
	});

	test('AADSTS50194: a single-tenant app on /common', async () => {
		const r = await tokenRequest('common', {
			grant_type: 'client_credentials',
			client_id: ROOM_BOOKING,
			client_secret: ROOM_SECRET,
			scope: GRAPH_DEFAULT,
		});
		expectAadError(r, 400, 'invalid_request', 50194);
	});

	test('no error body and no log entry carries a credential that was sent', () => {
		expect(errorTexts.length).toBeGreaterThan(20);
		expect(sentCredentials.size).toBeGreaterThan(5);
		const log = JSON.stringify(emu.log);
		for (const credential of sentCredentials) {
			for (const text of errorTexts) expect(text.includes(credential)).toBe(false);
			expect(log.includes(credential)).toBe(false);
		}
		expect(emu.login.stats.errors['7000215']).toBeGreaterThanOrEqual(3);
	});
});
