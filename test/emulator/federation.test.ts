/**
 * Workload identity federation against the emulator over real sockets: the test OIDC issuer
 * (discovery, JWKS, minted service-account tokens), the token endpoint's exchange of an external
 * token for a Graph token (raw HTTP and msal-node's `clientAssertion` callback reading a token
 * file), a Graph read with it, and Entra's refusals (AADSTS70021, 700211, 700212, 700213, 700024,
 * 700222, 50013, 50027).
 */
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { graph, useEmulator } from '../helpers/emulator';

const CONTOSO = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
/** "Access Review": federated credentials k8s-n8n (system:serviceaccount:n8n:n8n) and k8s-n8n-worker. */
const ACCESS_REVIEW = 'd03e7662-c26d-5d18-9ebc-adaac07f27a6';
/** "Room Booking": no federated credentials in the fixture. */
const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const GRAPH_DEFAULT = 'https://graph.microsoft.com/.default';

const emulator = useEmulator({ accessTokenLifetime: 3600 });
let dir: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), 'federation-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function claimsOf(jwt: string): Record<string, any> {
	return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function admin(method: string, path: string, body?: unknown): Promise<any> {
	const r = await fetch(`${emulator().url}/_emulator/${path}`, {
		method,
		headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	expect(r.status).toBe(200);
	return r.json();
}

/** A service-account token from a test issuer (`POST /_emulator/oidc/{issuer}/token`). */
async function mint(options: Record<string, unknown> = {}, issuer = 'k8s'): Promise<string> {
	return (await admin('POST', `oidc/${issuer}/token`, options)).token;
}

async function exchange(
	assertion: string,
	clientId = ACCESS_REVIEW,
): Promise<{ status: number; body: any }> {
	const r = await fetch(`${emulator().authority(CONTOSO)}/oauth2/v2.0/token`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
		body: new URLSearchParams({
			grant_type: 'client_credentials',
			client_id: clientId,
			scope: GRAPH_DEFAULT,
			client_assertion_type: JWT_BEARER,
			client_assertion: assertion,
		}),
	});
	return { status: r.status, body: await r.json() };
}

function expectRefusal(
	r: { status: number; body: any },
	status: number,
	error: string,
	code: number,
): string {
	expect({ status: r.status, error: r.body.error, codes: r.body.error_codes }).toEqual({
		status,
		error,
		codes: [code],
	});
	expect(r.body.error_description).toMatch(new RegExp(`^AADSTS${code}: .+ Trace ID: `));
	expect(r.body.access_token).toBeUndefined();
	return r.body.error_description;
}

describe('test OIDC issuer', () => {
	test('discovery document and JWKS name the issuer and the key its tokens are signed with', async () => {
		const base = `${emulator().url}/_emulator/oidc/k8s`;
		const config: any = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
		expect(config).toMatchObject({
			issuer: base,
			jwks_uri: `${base}/jwks`,
			id_token_signing_alg_values_supported: ['RS256'],
		});
		const jwks: any = await (await fetch(config.jwks_uri)).json();
		const token = await mint();
		const header = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8'));
		expect(header.alg).toBe('RS256');
		expect(jwks.keys.map((k: any) => k.kid)).toEqual([header.kid]);
		expect(claimsOf(token)).toMatchObject({
			iss: base,
			sub: 'system:serviceaccount:n8n:n8n',
			aud: ['api://AzureADTokenExchange'],
			'kubernetes.io': { namespace: 'n8n', serviceaccount: { name: 'n8n' } },
		});
		const unknown = await fetch(`${emulator().url}/_emulator/oidc/nope/jwks`);
		expect(unknown.status).toBe(404);
	});

	test('minted lifetimes: exp from expiresInSeconds (negative: already expired)', async () => {
		const now = Math.floor(Date.now() / 1000);
		const expired = claimsOf(await mint({ expiresInSeconds: -600 }));
		expect(expired.exp).toBeLessThanOrEqual(now - 599);
		const fresh = claimsOf(
			await mint({ expiresInSeconds: 120, namespace: 'ops', serviceAccount: 'bot' }),
		);
		expect(fresh.exp - fresh.iat).toBe(120);
		expect(fresh.sub).toBe('system:serviceaccount:ops:bot');
	});
});

describe('token exchange', () => {
	test('raw HTTP: a service-account token becomes an app-only Graph token of the app; Graph reads with it', async () => {
		const before = emulator().login.stats.grants.client_credentials;
		const r = await exchange(await mint());
		expect(r.status).toBe(200);
		expect(r.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
		const claims = claimsOf(r.body.access_token);
		expect(claims).toMatchObject({
			aud: 'https://graph.microsoft.com',
			tid: CONTOSO,
			appid: ACCESS_REVIEW,
			appidacr: '2',
			idtyp: 'app',
		});
		expect([...claims.roles].sort()).toEqual([
			'Application.Read.All',
			'Directory.Read.All',
			'User.Read.All',
		]);
		expect(emulator().login.stats.grants.client_credentials).toBe(before + 1);
		const users = await graph(
			emulator(),
			'GET',
			'/users?$top=2&$select=id,userPrincipalName',
			r.body.access_token,
		);
		expect(users.status).toBe(200);
		expect(users.body.value).toHaveLength(2);
	});

	test('the second credential (another subject) matches too', async () => {
		const r = await exchange(await mint({ serviceAccount: 'n8n-worker' }));
		expect(r.status).toBe(200);
		expect(claimsOf(r.body.access_token).appid).toBe(ACCESS_REVIEW);
	});

	test('msal-node ConfidentialClientApplication: clientAssertion callback reading a token file', async () => {
		const file = join(dir, 'azure-identity-token');
		writeFileSync(file, await mint());
		const reads: string[] = [];
		const app = new ConfidentialClientApplication({
			auth: {
				clientId: ACCESS_REVIEW,
				authority: emulator().authority(CONTOSO),
				knownAuthorities: [new URL(emulator().url).host],
				// As Azure Workload Identity's samples: read the projected token file on every call.
				clientAssertion: async () => {
					const token = readFileSync(file, 'utf8');
					reads.push(token);
					return token;
				},
			},
		});
		const mark = emulator().mark();
		const result = await app.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] });
		expect(reads).toHaveLength(1);
		const tokenRequests = emulator()
			.since(mark)
			.filter((e) => e.method === 'POST' && e.url.includes('/oauth2/v2.0/token'));
		expect(tokenRequests.map((e) => e.status)).toEqual([200]);
		expect(claimsOf(result!.accessToken)).toMatchObject({ appid: ACCESS_REVIEW, idtyp: 'app' });
		const me = await graph(emulator(), 'GET', '/users?$top=1', result!.accessToken);
		expect(me.status).toBe(200);

		// An expired token in the file: msal-node surfaces Entra's AADSTS700024.
		writeFileSync(file, await mint({ expiresInSeconds: -600 }));
		const stale = new ConfidentialClientApplication({
			auth: {
				clientId: ACCESS_REVIEW,
				authority: emulator().authority(CONTOSO),
				knownAuthorities: [new URL(emulator().url).host],
				clientAssertion: async () => readFileSync(file, 'utf8'),
			},
		});
		const error = await stale.acquireTokenByClientCredential({ scopes: [GRAPH_DEFAULT] }).then(
			() => undefined,
			(e) => e,
		);
		expect(error?.errorCode).toBe('invalid_client');
		expect(error?.errorMessage).toContain(
			'AADSTS700024: Client assertion is not within its valid time range.',
		);
	});

	test('a federated credential added over the admin API, on a new issuer', async () => {
		const issuer = await admin('POST', 'oidc/issuers', { name: 'github' });
		expect(issuer.issuer).toBe(`${emulator().url}/_emulator/oidc/github`);
		const subject = 'repo:contoso/n8n:ref:refs/heads/main';
		const token = await mint({ subject }, 'github');
		expectRefusal(await exchange(token, ROOM_BOOKING), 400, 'invalid_request', 70021);
		const added = await admin('POST', `apps/${ROOM_BOOKING}/federated-credentials`, {
			name: 'github-main',
			issuer: issuer.issuer,
			subject,
		});
		expect(added).toMatchObject({ name: 'github-main', audiences: ['api://AzureADTokenExchange'] });
		const listed = await admin('GET', `apps/${ROOM_BOOKING}/federated-credentials`);
		expect(listed.value.map((c: any) => c.name)).toEqual(['github-main']);
		const r = await exchange(token, ROOM_BOOKING);
		expect(r.status).toBe(200);
		expect(claimsOf(r.body.access_token)).toMatchObject({ appid: ROOM_BOOKING });
		expect(claimsOf(r.body.access_token).roles).toContain('Mail.Send');
	});
});

describe('refusals', () => {
	test('AADSTS700024: an expired service-account token', async () => {
		const text = expectRefusal(
			await exchange(await mint({ expiresInSeconds: -600 })),
			401,
			'invalid_client',
			700024,
		);
		expect(text).toContain('Client assertion is not within its valid time range.');
	});

	test('AADSTS700213: a subject no credential names (case-sensitive)', async () => {
		const text = expectRefusal(
			await exchange(await mint({ serviceAccount: 'other' })),
			400,
			'invalid_client',
			700213,
		);
		expect(text).toContain(
			"No matching federated identity record found for presented assertion subject 'system:serviceaccount:n8n:other'.",
		);
		expectRefusal(
			await exchange(await mint({ subject: 'system:serviceaccount:N8N:n8n' })),
			400,
			'invalid_client',
			700213,
		);
	});

	test('AADSTS700212: an audience no credential names', async () => {
		const text = expectRefusal(
			await exchange(await mint({ audience: 'api://SomethingElse' })),
			400,
			'invalid_client',
			700212,
		);
		expect(text).toContain("presented assertion audience 'api://SomethingElse'");
	});

	test('AADSTS700211: an issuer no credential names', async () => {
		await admin('POST', 'oidc/issuers', { name: 'other-cluster' });
		const text = expectRefusal(
			await exchange(await mint({}, 'other-cluster')),
			400,
			'invalid_client',
			700211,
		);
		expect(text).toContain(
			`presented assertion issuer '${emulator().url}/_emulator/oidc/other-cluster'`,
		);
	});

	test('AADSTS50013: a tampered payload, and a token signed by another issuer’s key', async () => {
		const [header, payload, signature] = (await mint()).split('.');
		const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
		claims.exp += 86400;
		const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
		expect(expectRefusal(await exchange(tampered), 401, 'invalid_client', 50013)).toContain(
			'Key was found, but use of the key to verify the signature failed.',
		);

		// Claims k8s as issuer but is signed by other-cluster's key (its kid is unknown to k8s).
		await admin('POST', 'oidc/issuers', { name: 'other-cluster' });
		const forged = await mint(
			{ claims: { iss: `${emulator().url}/_emulator/oidc/k8s` } },
			'other-cluster',
		);
		expect(expectRefusal(await exchange(forged), 401, 'invalid_client', 50013)).toContain(
			'The key was not found.',
		);
	});

	test('AADSTS700222: a token Entra issued is no federated assertion', async () => {
		const entra = await exchange(await mint());
		expect(entra.status).toBe(200);
		expectRefusal(await exchange(entra.body.access_token), 400, 'invalid_client', 700222);
	});

	test('AADSTS70021: an app without federated credentials; AADSTS50027: not a JWT', async () => {
		const text = expectRefusal(
			await exchange(await mint(), '7d3c1f52-8a4e-5b6f-9c2d-3e4f5a6b7c8d'),
			400,
			'invalid_request',
			70021,
		);
		expect(text).toContain(
			`Assertion Issuer: '${emulator().url}/_emulator/oidc/k8s'. Assertion Subject: 'system:serviceaccount:n8n:n8n'. Assertion Audience: 'api://AzureADTokenExchange'.`,
		);
		expectRefusal(await exchange('not-a-jwt'), 401, 'invalid_client', 50027);
	});
});
