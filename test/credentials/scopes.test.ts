/**
 * Scope normalisation, and the delegated credential's derived fields as n8n's own expression
 * engine evaluates them (same as nodes/shared/scopes.ts computes them).
 */
import { Microsoft365OAuth2Api } from '../../credentials/Microsoft365OAuth2Api.credentials';
import { CLOUDS, cloudEndpoints, type CloudName } from '../../nodes/shared/clouds';
import {
	adminConsentUrl,
	DEFAULT_SCOPE_GROUPS,
	delegatedExpression,
	normaliseScopes,
	resolveScopes,
	SCOPE_GROUPS,
} from '../../nodes/shared/scopes';
import { evaluateWithCredentials, resolveCredential } from './n8n-expression';

const G = 'https://graph.microsoft.com';

describe('normaliseScopes', () => {
	it('splits on line breaks, tabs, commas and spaces into one line with single spaces', () => {
		expect(normaliseScopes('Mail.Send\r\nMail.Read,\tUser.Read ,  ', G)).toBe(
			`${G}/Mail.Send ${G}/Mail.Read ${G}/User.Read`,
		);
	});

	it('drops duplicates case-insensitively, across short and full forms, keeping the first', () => {
		expect(
			normaliseScopes(`Mail.Send mail.send ${G}/MAIL.SEND ${G.toUpperCase()}/Mail.Send`, G),
		).toBe(`${G}/Mail.Send`);
		expect(normaliseScopes('OpenID openid offline_access OFFLINE_ACCESS', G)).toBe(
			'openid offline_access',
		);
	});

	it('keeps OIDC scopes bare and prefixes short names with the cloud resource', () => {
		const china = CLOUDS.china.graphResource;
		expect(normaliseScopes('openid profile email offline_access User.Read', china)).toBe(
			`openid profile email offline_access ${china}/User.Read`,
		);
	});

	it('gives full URIs of the resource its canonical spelling and keeps other resources as typed', () => {
		expect(normaliseScopes(`${G}//Mail.Send https://outlook.office.com/SMTP.Send`, `${G}/`)).toBe(
			`${G}/Mail.Send https://outlook.office.com/SMTP.Send`,
		);
	});

	it('accepts arrays and empty input', () => {
		expect(normaliseScopes(['Mail.Send', 'Mail.Read'], G)).toBe(`${G}/Mail.Send ${G}/Mail.Read`);
		expect(normaliseScopes(undefined, G)).toBe('');
		expect(normaliseScopes('  \n ', G)).toBe('');
	});
});

describe('resolveScopes', () => {
	it('defaults to sign-in, directory basics and send mail', () => {
		expect(DEFAULT_SCOPE_GROUPS).toEqual(['signIn', 'directoryBasics', 'sendMail']);
		expect(
			resolveScopes({ scopeGroups: DEFAULT_SCOPE_GROUPS, endpoints: cloudEndpoints({}) }),
		).toBe(`openid offline_access ${G}/User.Read ${G}/User.ReadBasic.All ${G}/Mail.Send`);
	});

	it('uses the national cloud Graph resource', () => {
		const endpoints = cloudEndpoints({ cloud: 'usGovL5' });
		expect(resolveScopes({ scopeGroups: ['sendMail'], endpoints })).toBe(
			'https://dod-graph.microsoft.us/Mail.Send',
		);
	});

	it('replaces Graph groups with Outlook protocols for the Outlook resource', () => {
		const endpoints = cloudEndpoints({ cloud: 'china' });
		expect(
			resolveScopes({
				signInFor: 'outlook',
				scopeGroups: ['sendMail'],
				outlookProtocols: ['imap', 'smtp'],
				endpoints,
			}),
		).toBe(
			'offline_access https://partner.outlook.cn/SMTP.Send https://partner.outlook.cn/IMAP.AccessAsUser.All',
		);
	});
});

describe('the credential as n8n resolves it', () => {
	const type = new Microsoft365OAuth2Api();

	const cases: Array<{ title: string; stored: Record<string, any> }> = [
		{ title: 'defaults', stored: { tenant: 'contoso.onmicrosoft.com' } },
		{
			title: 'all groups and messy additional scopes, US Gov L4',
			stored: {
				cloud: 'usGovL4',
				tenant: '9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a',
				scopeGroups: SCOPE_GROUPS.map((g) => g.value),
				additionalScopes:
					'Calendars.ReadWrite,\nhttps://graph.microsoft.us/Mail.Send\r\n  Tasks.ReadWrite',
			},
		},
		{
			title: 'Outlook protocols, China',
			stored: {
				cloud: 'china',
				tenant: 'organizations',
				signInFor: 'outlook',
				outlookProtocols: ['pop', 'smtp'],
				scopeGroups: ['teams'],
			},
		},
		{
			title: 'custom endpoints with trailing slashes and paths',
			stored: {
				cloud: 'custom',
				customLoginUrl: 'https://login.example.test:8443/some/path/',
				customGraphUrl: 'https://graph.example.test/v1.0/',
				customGraphResource: 'https://graph.microsoft.com/',
				tenant: ' contoso.example ',
				scopeGroups: ['signIn', 'readMail'],
				additionalScopes: 'mail.read MAIL.READWRITE',
			},
		},
		{ title: 'nothing selected', stored: { tenant: 'common', scopeGroups: [] } },
	];

	it.each(cases)('$title: scope and URLs equal the TypeScript functions', async ({ stored }) => {
		const data = await resolveCredential(type, stored);
		const endpoints = cloudEndpoints(stored);
		expect(data.scope).toBe(
			resolveScopes({
				signInFor: stored.signInFor,
				scopeGroups:
					stored.signInFor === 'outlook' ? undefined : (stored.scopeGroups ?? DEFAULT_SCOPE_GROUPS),
				outlookProtocols: stored.outlookProtocols,
				additionalScopes: stored.additionalScopes,
				endpoints,
			}),
		);
		expect(data.scope).not.toMatch(/\s{2}|\n|^\s|\s$/);
		const tenant = encodeURIComponent(String(stored.tenant).trim());
		expect(data.authUrl).toBe(`${endpoints.login}/${tenant}/oauth2/v2.0/authorize`);
		expect(data.accessTokenUrl).toBe(`${endpoints.login}/${tenant}/oauth2/v2.0/token`);
		expect(data.authQueryParameters).toBe('prompt=select_account&response_mode=query');
		expect(data.authentication).toBe('body');
		expect(data.grantType).toBe('authorizationCode');
	});

	it('derives the authorization and token URLs for every cloud', async () => {
		const expected: Record<CloudName, string> = {
			global: 'https://login.microsoftonline.com',
			usGovL4: 'https://login.microsoftonline.us',
			usGovL5: 'https://login.microsoftonline.us',
			china: 'https://login.chinacloudapi.cn',
			custom: 'https://127.0.0.1:9443',
		};
		for (const [cloud, login] of Object.entries(expected)) {
			for (const tenant of [
				'contoso.onmicrosoft.com',
				'9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a',
				'organizations',
				'common',
			]) {
				const data = await resolveCredential(type, {
					cloud,
					tenant,
					customLoginUrl: 'https://127.0.0.1:9443',
					customGraphUrl: 'https://127.0.0.1:9443',
				});
				expect(data.authUrl).toBe(`${login}/${tenant}/oauth2/v2.0/authorize`);
				expect(data.accessTokenUrl).toBe(`${login}/${tenant}/oauth2/v2.0/token`);
			}
		}
	});

	it("the test request's URL is Graph /me, or the tenant's OpenID configuration for Outlook", async () => {
		const url = type.test.request.url as string;
		const graphData = await resolveCredential(type, { cloud: 'china', tenant: 'contoso.example' });
		expect(await evaluateWithCredentials(url, graphData)).toBe(
			'https://microsoftgraph.chinacloudapi.cn/v1.0/me',
		);
		const outlookData = await resolveCredential(type, {
			tenant: 'contoso.example',
			signInFor: 'outlook',
		});
		expect(await evaluateWithCredentials(url, outlookData)).toBe(
			'https://login.microsoftonline.com/contoso.example/v2.0/.well-known/openid-configuration',
		);
	});

	it('embeds the same functions it documents (no drift)', () => {
		expect(delegatedExpression('scope')).toContain(normaliseScopes.toString());
		expect(type.properties.find((p) => p.name === 'scope')?.default).toBe(
			delegatedExpression('scope'),
		);
	});

	it('builds the v2 admin-consent URL without OIDC scopes', () => {
		const url = new URL(
			adminConsentUrl({
				login: 'https://login.microsoftonline.com',
				tenant: 'contoso.onmicrosoft.com',
				clientId: '20165740-cfbc-5244-967a-dc1596e69ece',
				scope: `openid offline_access ${G}/User.Read.All`,
				redirectUri: 'http://localhost:5678/rest/oauth2-credential/callback',
			}),
		);
		expect(url.pathname).toBe('/contoso.onmicrosoft.com/v2.0/adminconsent');
		expect(url.searchParams.get('scope')).toBe(`${G}/User.Read.All`);
		expect(url.searchParams.get('client_id')).toBe('20165740-cfbc-5244-967a-dc1596e69ece');
	});
});
