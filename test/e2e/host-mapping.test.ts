/**
 * Microsoft's real host names mapped to the emulator: the n8n process runs with a DNS-lookup
 * preload (scripts/e2e/dns-preload.cjs) that resolves them to a loopback address of its own whose
 * port 443 is forwarded to the emulator (whose certificate covers those names), so credentials with their default Global-cloud settings (no Custom endpoints)
 * run unchanged against the emulator. Needs port 443 (root); without it the suite runs on Custom
 * endpoints only and this file fails, saying so.
 */
import { connectOAuth2, DELEGATED_TYPE, demoCredentialData } from '../../scripts/e2e/demo';
import { chain, e2e, expectSuccess, httpRequestNode, nodeOutput, runOnce } from './helpers';

const ctx = e2e();

describe("Global-cloud defaults against the emulator on Microsoft's host names", () => {
	beforeAll(() => {
		if (!ctx.state.hostMapping)
			throw new Error(
				'host-name mapping is off: port 443 of a loopback address was not available (run as root, or grant node CAP_NET_BIND_SERVICE)',
			);
		// This test process plays the browser: it must reach login.microsoftonline.com too.
		process.env.M365_EMULATOR_ADDRESS = ctx.state.hostMapping;
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		require('../../scripts/e2e/dns-preload.cjs');
	});

	test('delegated credential with Cloud = Global: sign-in at login.microsoftonline.com, Graph at graph.microsoft.com', async () => {
		const {
			cloud: _cloud,
			customLoginUrl: _login,
			customGraphUrl: _graph,
			customGraphResource: _resource,
			...data
		} = (await demoCredentialData(ctx))['m365-demo-delegated'];
		void [_cloud, _login, _graph, _resource];
		const credential = {
			...(await ctx.n8n.createCredential('e2e delegated (Global cloud)', DELEGATED_TYPE, {
				...data,
				scopeGroups: ['signIn', 'directoryBasics'],
			})),
			type: DELEGATED_TYPE,
		};
		const mark = await ctx.mark();
		const flow = await connectOAuth2(ctx.n8n, credential.id, 'alice@contoso.onmicrosoft.com');
		expect(new URL(flow.authorizeUrl).origin).toBe('https://login.microsoftonline.com');

		const execution = await runOnce(
			ctx.n8n,
			chain('e2e Global cloud /me', [
				httpRequestNode('Me', 'https://graph.microsoft.com/v1.0/me', credential),
			]),
		);
		expectSuccess(execution);
		expect(nodeOutput(execution, 'Me')[0].userPrincipalName).toBe('alice@contoso.onmicrosoft.com');

		// n8n redeemed the code at login.microsoftonline.com and called graph.microsoft.com, both
		// answered by the emulator.
		const log = await ctx.logSince(mark);
		const token = log.find((e) => e.method === 'POST' && /\/oauth2\/v2\.0\/token$/.test(e.url));
		expect(token?.host).toBe('login.microsoftonline.com');
		expect(token?.status).toBe(200);
		const me = log.find((e) => e.url.startsWith('/v1.0/me'));
		expect(me?.host).toBe('graph.microsoft.com');
		expect(me?.auth?.upn).toBe('alice@contoso.onmicrosoft.com');
	});
});
