/**
 * The delegated credential's sign-in, driven the way n8n 2.41.1 drives it
 * (packages/cli oauth2-credential.controller + oauth.service): the credential's data resolved as
 * CredentialsHelper does, then @n8n/client-oauth2's `code.getUri()` and `code.getToken()` with
 * n8n's options, against the emulator (Custom cloud). Also the AADSTS errors of that flow, and the
 * delegated token provider with a fake n8n context whose refresh helper refreshes for real.
 */
import { ClientOAuth2, type ClientOAuth2Options } from '@n8n/client-oauth2';
import * as qs from 'node:querystring';
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { cloudEndpoints, type CloudSettings } from '../../nodes/shared/clouds';
import { explainAuthError, tokenProviderFor } from '../../nodes/shared/auth';
import { resolveScopes } from '../../nodes/shared/scopes';
import { graph, useEmulator } from '../helpers/emulator';
import { resolveCredential } from './n8n-expression';

const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const REPORT_SECRET = 'RsQ8~demo.Report-Server-Secret-Value_0001';
const UNCONSENTED = '699424fa-b515-5056-8573-1e39a2b7b8a8';
const UNCONSENTED_SECRET = 'UcV8~demo.Unconsented-Secret-Value_0007';
const REDIRECT = 'http://localhost:5678/rest/oauth2-credential/callback';

const emulator = useEmulator();
const type = new Microsoft365OAuth2Api();

function stored(extra: Record<string, unknown> = {}) {
	const emu = emulator();
	return {
		cloud: 'custom',
		customLoginUrl: emu.url,
		customGraphUrl: emu.url,
		tenant: 'contoso.onmicrosoft.com',
		clientId: REPORT_SERVER,
		clientSecret: REPORT_SECRET,
		...extra,
	};
}

/** n8n's `convertCredentialToOptions` + `generateAOauth2AuthUri` (state, authQueryParameters). */
function n8nOptions(data: Record<string, any>, redirectUri = REDIRECT): ClientOAuth2Options {
	const options: ClientOAuth2Options = {
		clientId: data.clientId,
		clientSecret: data.clientSecret,
		accessTokenUri: data.accessTokenUrl ?? '',
		authorizationUri: data.authUrl ?? '',
		authentication: data.authentication ?? 'header',
		redirectUri,
		scopes: String(data.scope ?? 'openid').split(','),
		scopesSeparator: String(data.scope).includes(',') ? ',' : ' ',
		state: 'n8n-state-123',
	};
	if (data.authQueryParameters) options.query = qs.parse(data.authQueryParameters);
	return options;
}

/** The browser's part: follow the authorize URL to the redirect (or the error page). */
async function authorize(uri: string, headers: Record<string, string> = {}) {
	const response = await fetch(uri, { redirect: 'manual', headers });
	const location = response.headers.get('location') ?? undefined;
	const text = await response.text();
	return { status: response.status, location, text };
}

/** n8n's callback: `code.getToken(<redirect>?<query>, { body: { client_id, client_secret } })`. */
async function redeem(data: Record<string, any>, location: string) {
	const options = n8nOptions(data);
	const body = { client_id: options.clientId, client_secret: options.clientSecret };
	delete options.clientSecret;
	const client = new ClientOAuth2(options);
	return await client.code.getToken(location, { body });
}

async function signIn(extra: Record<string, unknown> = {}) {
	const data = await resolveCredential(type, stored(extra));
	const uri = new ClientOAuth2(n8nOptions(data)).code.getUri();
	const result = await authorize(uri);
	return { data, uri, ...result };
}

describe('delegated sign-in as n8n runs it', () => {
	it('sends the normalised scopes and prompt=select_account; the token works for GET /me', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const extra = {
			scopeGroups: ['signIn', 'directoryBasics', 'readMail', 'sendMail'],
			additionalScopes: 'Mail.Send,\nhttps://graph.microsoft.com/user.read\r\n  Chat.ReadWrite',
		};
		const { data, location, status } = await signIn(extra);
		expect(status).toBe(302);
		const authorizeEntry = emu.since(mark).find((e) => e.url.includes('/oauth2/v2.0/authorize'))!;
		const sent = new URL(authorizeEntry.url, emu.url).searchParams;
		const expected = resolveScopes({
			scopeGroups: extra.scopeGroups,
			additionalScopes: extra.additionalScopes,
			endpoints: cloudEndpoints(stored() as CloudSettings),
		});
		expect(sent.get('scope')).toBe(expected);
		expect(expected).toBe(
			'openid offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/User.ReadBasic.All https://graph.microsoft.com/Mail.Send https://graph.microsoft.com/Mail.Read https://graph.microsoft.com/Mail.ReadWrite https://graph.microsoft.com/Chat.ReadWrite',
		);
		expect(sent.get('prompt')).toBe('select_account');
		expect(sent.get('response_mode')).toBe('query');
		expect(sent.get('redirect_uri')).toBe(REDIRECT);
		expect(authorizeEntry.url).toContain('/contoso.onmicrosoft.com/oauth2/v2.0/authorize');

		const token = await redeem(data, location!);
		expect(token.refreshToken).toBeTruthy();
		const me = await graph(emu, 'GET', '/me', token.accessToken);
		expect(me.status).toBe(200);
		expect(me.body.userPrincipalName).toBe('reports@contoso.onmicrosoft.com');
	});

	it('the delegated provider serves the stored token and refreshes it with n8n’s helper after expiry', async () => {
		const emu = emulator();
		const { data, location } = await signIn();
		const token = await redeem(data, location!);
		let oauthTokenData: Record<string, any> = { ...token.data };
		let refreshes = 0;
		// A fake n8n context (n8n-core's refreshOAuth2Token builds the same client and persists).
		const ctx = {
			getCredentials: async () => ({ ...data, oauthTokenData }) as any,
			getNode: () => ({
				id: 'n',
				name: 'Microsoft 365',
				type: 't',
				typeVersion: 1,
				position: [0, 0] as [number, number],
				parameters: {},
			}),
			helpers: {
				refreshOAuth2Token: async () => {
					refreshes += 1;
					const client = new ClientOAuth2({
						clientId: data.clientId,
						clientSecret: data.clientSecret,
						accessTokenUri: data.accessTokenUrl,
						scopes: data.scope.split(' '),
						authentication: 'body',
					});
					const fresh = await client.createToken({ ...oauthTokenData } as any).refresh();
					oauthTokenData = { ...oauthTokenData, ...fresh.data };
					return oauthTokenData;
				},
			},
		};
		const provider = await tokenProviderFor(ctx as any, 'microsoft365OAuth2Api');
		expect(provider.scheme).toBe('delegated');
		expect(await provider.getToken()).toBe(token.accessToken);
		expect(refreshes).toBe(0);
		await expect(provider.getToken({ resource: 'outlook' })).rejects.toThrow(
			/signs in for Microsoft Graph/,
		);

		emu.tokens.expireAll();
		expect((await graph(emu, 'GET', '/me', token.accessToken)).status).toBe(401);
		const fresh = await provider.getToken({ forceRefresh: true });
		expect(refreshes).toBe(1);
		expect(fresh).not.toBe(token.accessToken);
		expect((await graph(emu, 'GET', '/me', fresh)).status).toBe(200);
		expect(await provider.getToken()).toBe(fresh);

		// AADSTS700082 from the refresh reaches the node as the actionable message.
		emu.login.expireRefreshTokens();
		await expect(provider.getToken({ forceRefresh: true })).rejects.toThrow(
			/AADSTS700082.*Reconnect/,
		);
	});

	it('signs in for Outlook protocols with offline_access and the Outlook resource', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const { data, location } = await signIn({
			signInFor: 'outlook',
			outlookProtocols: ['smtp', 'imap'],
		});
		const entry = emu.since(mark).find((e) => e.url.includes('/oauth2/v2.0/authorize'))!;
		expect(new URL(entry.url, emu.url).searchParams.get('scope')).toBe(
			'offline_access https://outlook.office.com/SMTP.Send https://outlook.office.com/IMAP.AccessAsUser.All',
		);
		const token = await redeem(data, location!);
		expect(token.accessToken).toBeTruthy();
	});
});

describe('AADSTS errors of the delegated flow', () => {
	function expectActionable(error: unknown, code: number, pattern: RegExp) {
		const info = explainAuthError(error);
		expect(info.code).toBe(code);
		expect(info.message).toContain(`AADSTS${code}`);
		expect(info.message).toMatch(pattern);
		expect(info.message).not.toContain(REPORT_SECRET);
		expect(info.message).not.toMatch(/Trace ID|Correlation ID/);
	}

	it('AADSTS50011: redirect URI not registered', async () => {
		const data = await resolveCredential(type, stored());
		const uri = new ClientOAuth2(
			n8nOptions(data, 'https://n8n.example.test/rest/oauth2-credential/callback'),
		).code.getUri();
		const page = await authorize(uri, { Accept: 'application/json' });
		expect(page.status).toBe(400);
		expectActionable({ body: JSON.parse(page.text) }, 50011, /under the platform Web/);
	});

	it('AADSTS65001: consent missing', async () => {
		const { data, location } = await signIn({
			clientId: UNCONSENTED,
			clientSecret: UNCONSENTED_SECRET,
		});
		const error = await redeem(data, location!).catch((e: unknown) => e);
		expectActionable(error, 65001, /Grant admin consent/);
	});

	it('AADSTS70011: invalid scope in Additional Scopes', async () => {
		const { data, location } = await signIn({ additionalScopes: 'Mail.Sendd' });
		const error = await redeem(data, location!).catch((e: unknown) => e);
		expectActionable(error, 70011, /Additional Scopes/);
	});

	it('AADSTS50020: account from another tenant', async () => {
		const data = await resolveCredential(type, stored());
		const options = n8nOptions(data);
		options.query = { ...options.query, login_hint: 'vendor.admin@fabrikam.onmicrosoft.com' };
		const page = await authorize(new ClientOAuth2(options).code.getUri(), {
			Accept: 'application/json',
		});
		expectActionable({ body: JSON.parse(page.text) }, 50020, /guest/);
	});

	it('AADSTS54005: code redeemed twice', async () => {
		const { data, location } = await signIn();
		await redeem(data, location!);
		const error = await redeem(data, location!).catch((e: unknown) => e);
		expectActionable(error, 54005, /Reconnect/);
	});
});
