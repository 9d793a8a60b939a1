/**
 * App-only tokens through msal-node against the emulator: caching across items and executions,
 * renewal after expiry, AADSTS errors as actionable messages, and validation before any request.
 */
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import * as forge from 'node-forge';
import {
	assertMailboxAllowed,
	parseMailboxRestriction,
	type AppCredentialData,
} from '../../nodes/shared/credentials/validate';
import {
	clearAppTokenCache,
	createAppTokenProvider,
	jwtClaims,
	runAppCredentialTest,
	tokenProviderFor,
} from '../../nodes/shared/auth';
import { expiryWarnings } from '../../nodes/shared/auth/credential-test';
import { redact, registerSecret } from '../../nodes/shared/redact';
import { graph, useEmulator } from '../helpers/emulator';

const TENANT = '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a';
const ROOM_BOOKING = '5221c67c-65b6-5cbe-8c29-76b9b3fac7b7';
const ROOM_SECRET = 'RbZ8~demo.Room-Booking-Secret-Value_0004';
const ROOM_EXPIRED = 'RbZ8~demo.Room-Booking-Expired-Value_0005';
const ACCESS_REVIEW = 'd03e7662-c26d-5d18-9ebc-adaac07f27a6';
const ACCESS_REVIEW_SECRET = 'ArW8~demo.Access-Review-Secret-Value_0006';
const UNCONSENTED = '699424fa-b515-5056-8573-1e39a2b7b8a8';
const UNCONSENTED_SECRET = 'UcV8~demo.Unconsented-Secret-Value_0007';

const emulator = useEmulator();

function base(extra: Partial<AppCredentialData> = {}): AppCredentialData {
	const emu = emulator();
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenantId: TENANT,
		clientId: ROOM_BOOKING,
		authentication: 'clientSecret',
		clientSecret: ROOM_SECRET,
		...extra,
	};
}

function certificate(): { certPem: string; keyPem: string } {
	const cert = emulator().directory.findRegistration(ROOM_BOOKING)!.app.certificates![0];
	return { certPem: cert.certPem!, keyPem: cert.keyPem! };
}

function selfSigned(): { certPem: string; keyPem: string } {
	const keys = forge.pki.rsa.generateKeyPair(2048);
	const cert = forge.pki.createCertificate();
	cert.publicKey = keys.publicKey;
	cert.serialNumber = '01';
	cert.validity.notBefore = new Date(Date.now() - 3600_000);
	cert.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
	const attrs = [{ name: 'commonName', value: 'not-registered' }];
	cert.setSubject(attrs);
	cert.setIssuer(attrs);
	cert.sign(keys.privateKey, forge.md.sha256.create());
	return {
		certPem: forge.pki.certificateToPem(cert),
		keyPem: forge.pki.privateKeyToPem(keys.privateKey),
	};
}

function tokenRequests(): number {
	const emu = emulator();
	return emu.log.filter((e) => /\/oauth2\/v2\.0\/token$/.test(e.url.split('?')[0])).length;
}

/** A minimal n8n context: `tokenProviderFor` needs only getCredentials and getNode. */
function context(data: AppCredentialData) {
	return {
		getCredentials: async () => data as any,
		getNode: () => ({
			id: 'n',
			name: 'Microsoft 365',
			type: 'test',
			typeVersion: 1,
			position: [0, 0] as [number, number],
			parameters: {},
		}),
		helpers: {},
	};
}

beforeEach(() => {
	clearAppTokenCache();
});

describe.each([
	['client secret', () => base()],
	[
		'certificate',
		() =>
			base({
				authentication: 'certificate',
				privateKey: certificate().keyPem,
				certificate: certificate().certPem,
			}),
	],
])('app-only with a %s', (_name, data) => {
	it('1,000 token acquisitions in 10 executions send one token request; forceRefresh renews after expiry', async () => {
		const emu = emulator();
		const before = tokenRequests();
		const grantsBefore = emu.login.stats.grants.client_credentials;
		const tokens = new Set<string>();
		for (let execution = 0; execution < 10; execution++) {
			const provider = await tokenProviderFor(context(data()), 'microsoft365AppApi');
			const batch = await Promise.all(Array.from({ length: 100 }, () => provider.getToken()));
			batch.forEach((t) => tokens.add(t));
		}
		expect(tokens.size).toBe(1);
		expect(tokenRequests() - before).toBe(1);
		expect(emu.login.stats.grants.client_credentials - grantsBefore).toBe(1);
		const [token] = tokens;
		expect((await graph(emu, 'GET', '/users?$top=1', token)).status).toBe(200);

		emu.tokens.expireAll();
		expect((await graph(emu, 'GET', '/users?$top=1', token)).status).toBe(401);
		const provider = createAppTokenProvider(data());
		const fresh = await provider.getToken({ forceRefresh: true });
		expect(fresh).not.toBe(token);
		expect(tokenRequests() - before).toBe(2);
		expect((await graph(emu, 'GET', '/users?$top=1', fresh)).status).toBe(200);
		// ... and the renewed token is what later callers get from the cache.
		expect(await provider.getToken()).toBe(fresh);
		expect(tokenRequests() - before).toBe(2);
		expect(jwtClaims(fresh)).toMatchObject({
			tid: TENANT,
			appid: ROOM_BOOKING,
			roles: expect.arrayContaining(['User.Read.All']),
		});
	});
});

describe('AADSTS errors from the token endpoint', () => {
	const cases: Array<{
		code: number;
		title: string;
		data: () => AppCredentialData;
		expect: RegExp;
		secret?: string;
	}> = [
		{
			code: 7000215,
			title: 'wrong secret',
			data: () => base({ clientSecret: 'RbZ8~not.the-right-secret-value_9999' }),
			expect: /paste the secret's Value, not its Secret ID/,
			secret: 'RbZ8~not.the-right-secret-value_9999',
		},
		{
			code: 7000222,
			title: 'expired secret',
			data: () => base({ clientSecret: ROOM_EXPIRED }),
			expect: /client secret has expired.*create a new client secret/i,
			secret: ROOM_EXPIRED,
		},
		{
			code: 90002,
			title: 'unknown tenant',
			data: () => base({ tenantId: '00000000-1111-2222-3333-444444444444' }),
			expect: /Tenant not found.*Cloud/,
		},
		{
			code: 700016,
			title: 'unknown client ID',
			data: () => base({ clientId: '11111111-2222-3333-4444-555555555555' }),
			expect: /not found in this tenant.*Client ID/,
		},
		{
			code: 700027,
			title: 'certificate not registered',
			data: () => {
				const c = selfSigned();
				return base({
					authentication: 'certificate',
					privateKey: c.keyPem,
					certificate: c.certPem,
				});
			},
			expect: /certificate was not accepted.*Upload the certificate/,
		},
		{
			code: 500011,
			title: 'unknown Graph resource',
			data: () => base({ customGraphResource: 'https://graph.unknown.example' }),
			expect: /resource \(API\) was not found.*Graph Resource/,
		},
	];

	it.each(cases)(
		'AADSTS$code ($title) gives an actionable message without secrets',
		async ({ code, data, expect: pattern, secret }) => {
			const credential = data();
			const provider = createAppTokenProvider(credential);
			const error = await provider.getToken().then(
				() => undefined,
				(e: Error) => e,
			);
			expect(error).toBeInstanceOf(Error);
			expect(error!.message).toContain(`AADSTS${code}`);
			expect(error!.message).toMatch(pattern);
			for (const value of [secret, credential.clientSecret, credential.privateKey].filter(
				Boolean,
			) as string[]) {
				expect(error!.message).not.toContain(value);
			}
			expect(error!.message).not.toMatch(/Trace ID|Correlation ID/);
			expect(emulator().login.stats.errors[String(code)]).toBeGreaterThan(0);
		},
	);
});

describe('validation before any request', () => {
	const otherKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
		.privateKey.export({ type: 'pkcs8', format: 'pem' })
		.toString();
	const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' })
		.privateKey.export({ type: 'pkcs8', format: 'pem' })
		.toString();

	const cases: Array<{ title: string; data: () => AppCredentialData; expect: RegExp }> = [
		{
			title: 'tenant neither GUID nor domain',
			data: () => base({ tenantId: 'contoso' }),
			expect: /Tenant "contoso" is neither a Directory \(tenant\) ID/,
		},
		{
			title: 'common',
			data: () => base({ tenantId: 'common' }),
			expect: /Tenant "common" cannot be used for app-only/,
		},
		{
			title: 'organizations',
			data: () => base({ tenantId: 'organizations' }),
			expect: /Tenant "organizations" cannot be used for app-only/,
		},
		{ title: 'empty tenant', data: () => base({ tenantId: '' }), expect: /Tenant is empty/ },
		{
			title: 'client ID not a GUID',
			data: () => base({ clientId: 'room-booking' }),
			expect: /Client ID "room-booking" is not a GUID: copy the Application \(client\) ID/,
		},
		{
			title: 'secret ID instead of value',
			// The Secret ID (a GUID) of Room Booking's current secret, as the fixture has it.
			data: () =>
				base({
					clientSecret: emulator().directory.findRegistration(ROOM_BOOKING)!.app.secrets![0].id,
				}),
			expect: /paste the secret's Value, not its Secret ID/,
		},
		{
			title: 'empty secret',
			data: () => base({ clientSecret: ' ' }),
			expect: /Client Secret is empty/,
		},
		{
			title: 'malformed private key',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: 'not a key',
					certificate: certificate().certPem,
				}),
			expect: /Private Key is not a PEM private key/,
		},
		{
			title: 'certificate without its private key (the certificate pasted as Private Key)',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: certificate().certPem,
					certificate: certificate().certPem,
				}),
			expect:
				/Private Key holds a certificate but no private key: paste the private key the certificate was created with/,
		},
		{
			title: 'damaged private key',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----',
					certificate: certificate().certPem,
				}),
			expect: /Private Key is not a readable PEM private key/,
		},
		{
			title: 'EC key',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: ecKey,
					certificate: certificate().certPem,
				}),
			expect: /only RSA/,
		},
		{
			title: 'malformed certificate',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: certificate().keyPem,
					certificate: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----',
				}),
			expect: /not a readable PEM certificate/,
		},
		{
			title: 'key and certificate mismatch',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: otherKey,
					certificate: certificate().certPem,
				}),
			expect: /Private Key does not belong to the certificate/,
		},
		{
			title: 'bad thumbprint',
			data: () =>
				base({
					authentication: 'certificate',
					privateKey: certificate().keyPem,
					certificate: 'ABC123',
				}),
			expect: /SHA-1 \(40 hex characters\) or SHA-256 \(64 hex characters\) thumbprint/,
		},
		{
			title: 'custom login URL not https',
			data: () => base({ customLoginUrl: 'http://login.example.test' }),
			expect: /https/,
		},
		{
			title: 'bad mailbox restriction',
			data: () => base({ mailboxRestriction: 'alice@contoso.com, finance' }),
			expect: /Mailbox Restriction entry "finance" is not a mailbox/,
		},
	];

	it.each(cases)('$title', async ({ data, expect: pattern }) => {
		const emu = emulator();
		const mark = emu.mark();
		const credential = data();
		expect(() => createAppTokenProvider(credential)).toThrow(pattern);
		const result = await runAppCredentialTest(credential);
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(pattern);
		if ((credential.privateKey ?? '').length > 60)
			expect(result.message).not.toContain(credential.privateKey!.slice(30, 60));
		expect(emu.since(mark)).toEqual([]);
	});

	it('accepts SHA-1 and SHA-256 thumbprints with separators and gets a token with them', async () => {
		const { certPem, keyPem } = certificate();
		const x509 = new X509Certificate(certPem);
		for (const thumbprint of [
			x509.fingerprint,
			x509.fingerprint256,
			x509.fingerprint256.replace(/:/g, '').toLowerCase(),
		]) {
			clearAppTokenCache();
			const provider = createAppTokenProvider(
				base({ authentication: 'certificate', privateKey: keyPem, certificate: thumbprint }),
			);
			expect(jwtClaims(await provider.getToken()).appidacr).toBe('2');
		}
	});

	it('accepts a PEM bundle (certificate and key in one field, as exported from a .pfx) and gets a token', async () => {
		const { certPem, keyPem } = certificate();
		const provider = createAppTokenProvider(
			base({
				authentication: 'certificate',
				privateKey: `${certPem}\n${keyPem}`,
				certificate: `${keyPem}\n${certPem}`,
			}),
		);
		expect(jwtClaims(await provider.getToken()).appidacr).toBe('2');
	});

	it('errors name the node when one is given (NodeOperationError)', () => {
		const node = context(base()).getNode();
		expect(() => createAppTokenProvider(base({ tenantId: 'common' }), node)).toThrow(
			expect.objectContaining({ name: 'NodeOperationError' }),
		);
	});
});

describe('credential test', () => {
	it('reports tenant and application permissions, never the token', async () => {
		const result = await runAppCredentialTest(base());
		expect(result.status).toBe('OK');
		expect(result.message).toContain(`Connected to tenant ${TENANT}`);
		expect(result.message).toContain(
			'Calendars.ReadWrite, Group.Read.All, Mail.Read, Mail.Send, Place.Read.All, User.Read.All',
		);
		expect(result.message).not.toMatch(/eyJ/);
	});

	it('with Application.Read.All, reads the app registration and warns of a secret expiring within 30 days', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const soon = await runAppCredentialTest(
			base({ clientId: ACCESS_REVIEW, clientSecret: ACCESS_REVIEW_SECRET }),
			{ now: Date.parse('2027-12-10T00:00:00Z') },
		);
		expect(soon.status).toBe('OK');
		expect(soon.message).toContain('Application.Read.All');
		const request = emu.since(mark).find((e) => e.url.includes('/applications('));
		expect(request?.url).toContain(`/v1.0/applications(appId='${ACCESS_REVIEW}')`);
		expect(request?.status).toBe(200);
		expect(soon.message).toContain(
			'Warning: client secret "current" (the one this credential uses) expires on 2027-12-31 (in 21 days)',
		);
		expect(soon.message).not.toContain(ACCESS_REVIEW_SECRET);

		const later = await runAppCredentialTest(
			base({ clientId: ACCESS_REVIEW, clientSecret: ACCESS_REVIEW_SECRET }),
			{ now: Date.parse('2027-06-01T00:00:00Z') },
		);
		expect(later.status).toBe('OK');
		expect(later.message).not.toContain('Warning');
	});

	it('warns about secrets and certificates that expire within 30 days', () => {
		const now = Date.parse('2026-01-01T00:00:00Z');
		const warnings = expiryWarnings(
			{
				passwordCredentials: [
					{ displayName: 'current', hint: 'ArW', endDateTime: '2026-01-20T00:00:00Z' },
					{ displayName: 'later', hint: 'Xyz', endDateTime: '2026-06-01T00:00:00Z' },
					{ displayName: 'gone', hint: 'Old', endDateTime: '2025-06-01T00:00:00Z' },
				],
				keyCredentials: [{ displayName: 'cert', endDateTime: '2026-01-10T00:00:00Z' }],
			},
			ACCESS_REVIEW_SECRET,
			now,
		);
		expect(warnings).toEqual([
			'client secret "current" (the one this credential uses) expires on 2026-01-20 (in 19 days): create a new secret and update the credential',
			'certificate "cert" expires on 2026-01-10 (in 9 days): upload a new certificate and update the credential',
		]);
	});

	it('refuses an app without application permissions', async () => {
		const result = await runAppCredentialTest(
			base({ clientId: UNCONSENTED, clientSecret: UNCONSENTED_SECRET }),
		);
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(/no application permissions.*Grant admin consent/),
		});
	});
});

describe('mailbox restriction', () => {
	const restriction = parseMailboxRestriction(
		'reports@contoso.onmicrosoft.com,\n4dbc2968-9636-50ea-bf45-7e094b79e2e7; @finance.contoso.example',
	);

	it('allows listed addresses, object IDs and domains (case-insensitive)', () => {
		expect(restriction).toEqual({
			addresses: ['reports@contoso.onmicrosoft.com'],
			objectIds: ['4dbc2968-9636-50ea-bf45-7e094b79e2e7'],
			domains: ['finance.contoso.example'],
		});
		for (const mailbox of [
			'Reports@Contoso.onmicrosoft.com',
			'4DBC2968-9636-50EA-BF45-7E094B79E2E7',
			'bob@finance.contoso.example',
		]) {
			expect(() => assertMailboxAllowed(restriction, mailbox, 'Mailbox Restriction')).not.toThrow();
		}
	});

	it('refuses anything else, naming the mailbox and the setting', () => {
		expect(() =>
			assertMailboxAllowed(restriction, 'alice@contoso.onmicrosoft.com', 'Mailbox Restriction'),
		).toThrow(
			/Mailbox "alice@contoso.onmicrosoft.com" is not allowed by the credential's Mailbox Restriction/,
		);
		expect(() =>
			assertMailboxAllowed(
				restriction,
				'79719b4a-22ee-5f2e-bbac-dca31ff99a15',
				'Mailbox Restriction',
			),
		).toThrow(/object ID/);
		expect(() =>
			assertMailboxAllowed(parseMailboxRestriction(''), 'anyone@contoso.com'),
		).not.toThrow();
	});

	it('is exposed by the app token provider', () => {
		const provider = createAppTokenProvider(
			base({ mailboxRestriction: 'reports@contoso.onmicrosoft.com' }),
		);
		expect(provider.mailboxRestriction?.addresses).toEqual(['reports@contoso.onmicrosoft.com']);
	});
});

describe('redact', () => {
	it('removes form secrets, bearer tokens, JWTs, PEM blocks, JSON token fields and registered values', () => {
		const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl';
		registerSecret('my-literal-secret-value');
		const text = [
			'client_secret=abc%2Bdef&client_assertion=eyJx.eyJy.z&grant_type=client_credentials',
			`Authorization: Bearer ${jwt}`,
			`token ${jwt}`,
			'-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----',
			'{"access_token":"abc","refresh_token":"def","expires_in":3599}',
			'the value my-literal-secret-value leaked',
		].join('\n');
		const out = redact(text);
		for (const leaked of ['abc%2Bdef', jwt, 'MIIEv', '"abc"', '"def"', 'my-literal-secret-value'])
			expect(out).not.toContain(leaked);
		expect(out).toContain('grant_type=client_credentials');
		expect(out).toContain('"expires_in":3599');
	});
});
