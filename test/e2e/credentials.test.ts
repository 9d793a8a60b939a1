/**
 * Both credential types in a real n8n against the emulator: the delegated OAuth2 sign-in through
 * n8n's own authorize URL and callback, a workflow using the stored token, n8n's refresh after
 * the access token expires; the app credential with a secret and with a certificate (n8n's
 * credential test endpoint and a workflow); and an expired secret's AADSTS7000222 message in the
 * execution.
 */
import {
	APP_TYPE,
	connectOAuth2,
	DELEGATED_TYPE,
	demoCredentialData,
	loadedNodeTypes,
} from '../../scripts/e2e/demo';
import { demoApp, executionError } from '../../scripts/e2e/stack';
import {
	chain,
	describeExecution,
	e2e,
	expectSuccess,
	httpRequestNode,
	nodeOutput,
	runOnce,
} from './helpers';
import { appNodeProbe } from './node-probes';

const ctx = e2e();
const reportServer = demoApp('Report Server');

describe('delegated credential (Microsoft 365 Delegated OAuth2 API) in n8n', () => {
	let credential: { id: string; name: string; type: string };

	beforeAll(async () => {
		const data = (await demoCredentialData(ctx))['m365-demo-delegated'];
		// Trimmed scopes: sign-in, directory basics and send mail only, plus one additional scope.
		const created = await ctx.n8n.createCredential('e2e delegated', DELEGATED_TYPE, {
			...data,
			scopeGroups: ['signIn', 'directoryBasics', 'sendMail'],
			additionalScopes: 'Mail.Read',
		});
		credential = { ...created, type: DELEGATED_TYPE };
	});

	test("sign-in: n8n's authorize URL → emulator authorize → n8n callback → token stored", async () => {
		const before = await ctx.admin('GET', 'login/stats');
		const flow = await connectOAuth2(ctx.n8n, credential.id, 'reports@contoso.onmicrosoft.com');

		// n8n built the authorize URL from the credential's hidden expression fields.
		const authorize = new URL(flow.authorizeUrl);
		expect(authorize.origin).toBe(ctx.emulatorUrl);
		expect(authorize.pathname).toBe('/contoso.onmicrosoft.com/oauth2/v2.0/authorize');
		expect(authorize.searchParams.get('client_id')).toBe(reportServer.appId);
		// No RFC 8707 `resource` parameter: Microsoft's v2.0 endpoints refuse it (AADSTS901002),
		// and so does the emulator, so the code redemption below succeeding proves it was not sent.
		expect(authorize.searchParams.has('resource')).toBe(false);
		expect(authorize.searchParams.get('redirect_uri')).toBe(
			`${ctx.state.n8nUrl}/rest/oauth2-credential/callback`,
		);
		expect(authorize.searchParams.get('scope')!.split(' ').sort()).toEqual(
			[
				'openid',
				'offline_access',
				'https://graph.microsoft.com/User.Read',
				'https://graph.microsoft.com/User.ReadBasic.All',
				'https://graph.microsoft.com/Mail.Send',
				'https://graph.microsoft.com/Mail.Read',
			].sort(),
		);
		// The emulator redirected back to n8n with a code, and n8n's callback page reports success.
		expect(flow.callbackUrl).toContain('/rest/oauth2-credential/callback?code=');
		expect(flow.callbackStatus).toBe(200);
		expect(flow.page).not.toMatch(/error/i);

		const after = await ctx.admin('GET', 'login/stats');
		expect(after.grants.authorization_code).toBe(before.grants.authorization_code + 1);

		// The token is stored (n8n shows only that it exists, never the token).
		const stored = await ctx.n8n.rest('GET', `/credentials/${credential.id}?includeData=true`);
		expect(stored.data.oauthTokenData).toBeTruthy();
		expect(JSON.stringify(stored)).not.toMatch(/eyJ[\w-]+\.eyJ/); // no JWT in the API answer
	});

	test('a workflow uses the stored token (HTTP Request node with the predefined credential)', async () => {
		const mark = await ctx.mark();
		const execution = await runOnce(
			ctx.n8n,
			chain('e2e delegated /me', [httpRequestNode('Me', `${ctx.emulatorUrl}/v1.0/me`, credential)]),
		);
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Me')[0].userPrincipalName).toBe(
			'reports@contoso.onmicrosoft.com',
		);
		const graph = (await ctx.logSince(mark)).filter((e) => e.url.startsWith('/v1.0/me'));
		expect(graph.map((e) => [e.status, e.auth?.scheme, e.auth?.upn])).toEqual([
			[200, 'delegated', 'reports@contoso.onmicrosoft.com'],
		]);
	});

	test('the access token expires: the next run gets a 401, n8n refreshes and retries', async () => {
		await ctx.admin('POST', 'tokens/expire');
		const stats = await ctx.admin('GET', 'login/stats');
		const mark = await ctx.mark();
		const workflow = chain('e2e delegated refresh', [
			httpRequestNode('Me', `${ctx.emulatorUrl}/v1.0/me`, credential),
		]);
		const execution = await runOnce(ctx.n8n, workflow);
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Me')[0].userPrincipalName).toBe(
			'reports@contoso.onmicrosoft.com',
		);
		const log = await ctx.logSince(mark);
		const me = log.filter((e) => e.url.startsWith('/v1.0/me')).map((e) => e.status);
		expect(me).toEqual([401, 200]);
		const token = log.filter((e) => /\/oauth2\/v2\.0\/token$/.test(e.url));
		// 200: the refresh carried no `resource` (the emulator answers AADSTS901002 to one).
		expect(token.map((e) => e.status)).toEqual([200]);
		const after = await ctx.admin('GET', 'login/stats');
		expect(after.grants.refresh_token).toBe(stats.grants.refresh_token + 1);

		// n8n stored the refreshed token: one more run needs no token request.
		const mark2 = await ctx.mark();
		expectSuccess(await runOnce(ctx.n8n, workflow));
		const again = await ctx.logSince(mark2);
		expect(again.filter((e) => /\/token$/.test(e.url))).toEqual([]);
		expect(again.filter((e) => e.url.startsWith('/v1.0/me')).map((e) => e.status)).toEqual([200]);
	});
});

describe('app credential (Microsoft 365 (App Client Credentials) API) in n8n', () => {
	let probe: Awaited<ReturnType<typeof appNodeProbe>>;

	beforeAll(async () => {
		probe = appNodeProbe(await loadedNodeTypes(ctx.n8n));
	});

	async function create(name: string, data: Record<string, unknown>) {
		const created = await ctx.n8n.createCredential(name, APP_TYPE, data);
		return { ...created, type: APP_TYPE, data };
	}

	const cases = [
		['client secret', 'm365-demo-app'],
		['certificate', 'm365-demo-app-certificate'],
	] as const;

	test.each(cases)(
		"with a %s: n8n's credential test passes and a workflow reads the directory",
		async (label, key) => {
			if (!probe)
				throw new Error('no node of the package is loaded in n8n: the app credential has no test');
			const data = (await demoCredentialData(ctx))[key];
			const credential = await create(`e2e app (${label})`, data);
			const stats = await ctx.admin('GET', 'login/stats');

			const result = await ctx.n8n.testCredential(credential.id, APP_TYPE, data);
			expect(result).toEqual(expect.objectContaining({ status: 'OK' }));

			const mark = await ctx.mark();
			const execution = await runOnce(ctx.n8n, chain(`e2e app ${label}`, [probe.node(credential)]));
			expectSuccess(execution);
			probe.check(nodeOutput(execution, probe.name));
			const graph = (await ctx.logSince(mark)).filter((e) => e.url.startsWith('/v1.0/'));
			expect(graph.length).toBeGreaterThan(0);
			for (const entry of graph) {
				expect(entry.auth?.scheme).toBe('application');
				expect(entry.auth?.appId).toBe(demoApp('Room Booking').appId);
			}
			const after = await ctx.admin('GET', 'login/stats');
			expect(after.grants.client_credentials).toBeGreaterThan(stats.grants.client_credentials);
		},
	);

	test('an expired secret: the credential test and the execution show AADSTS7000222 with the fix', async () => {
		if (!probe)
			throw new Error('no node of the package is loaded in n8n: the app credential has no test');
		const data = {
			...(await demoCredentialData(ctx))['m365-demo-app'],
			clientSecret: demoApp('Room Booking').secrets![1].value, // expired 2025-06-30
		};
		const credential = await create('e2e app (expired secret)', data);

		const result = await ctx.n8n.testCredential(credential.id, APP_TYPE, data);
		expect(result.status).toBe('Error');
		expect(result.message).toContain('AADSTS7000222');

		const mark = await ctx.mark();
		const execution = await runOnce(ctx.n8n, chain('e2e app expired', [probe.node(credential)]));
		expect(execution.status).toBe('error');
		const message = executionError(execution);
		expect(message).toContain('AADSTS7000222');
		// Actionable: says the secret expired and what to do about it.
		expect(message).toMatch(/expired/i);
		expect(message).toMatch(/new (client )?secret|Certificates & secrets/i);
		expect(message).not.toContain(String(data.clientSecret));
		expect(JSON.stringify(execution)).not.toContain(String(data.clientSecret));
		// Nothing reached Graph without a token.
		const graph = (await ctx.logSince(mark)).filter((e) => e.url.startsWith('/v1.0/'));
		expect(graph).toEqual([]);
		void describeExecution;
	});
});
