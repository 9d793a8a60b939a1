/**
 * A delegated credential saved by 0.1.0 (a field named `resource`, which n8n turns into an
 * RFC 8707 `resource` parameter that Microsoft's v2.0 endpoints refuse with AADSTS901002), in a
 * real n8n against the stricter emulator:
 * - connecting it fails at Microsoft's sign-in with AADSTS901002 (n8n adds `resource`), which is
 *   why the field was renamed;
 * - a workflow of the package that uses it fails before any request to Graph or the login
 *   service, with a message that says exactly what to do.
 */
import { DELEGATED_TYPE, connectOAuth2, demoCredentialData } from '../../scripts/e2e/demo';
import { executionError, PACKAGE_NAME } from '../../scripts/e2e/stack';
import { chain, e2e, runOnce } from './helpers';

const ctx = e2e();

test('a 0.1.0-shaped delegated credential: sign-in refused with AADSTS901002, nodes fail first with what to do', async () => {
	const current = (await demoCredentialData(ctx))['m365-demo-delegated'];
	const { signInFor, ...rest } = current as Record<string, unknown>;
	const created = await ctx.n8n.createCredential('e2e 0.1.0 delegated', DELEGATED_TYPE, {
		...rest,
		resource: signInFor ?? 'graph',
	});

	// n8n sends the stored `resource` along; Microsoft (and the emulator) refuse it.
	const authorizeUrl = await ctx.n8n.rest<string>(
		'GET',
		`/oauth2-credential/auth?id=${encodeURIComponent(created.id)}`,
	);
	expect(new URL(authorizeUrl).searchParams.get('resource')).toBe('graph');
	let signInError = '';
	try {
		await connectOAuth2(ctx.n8n, created.id, 'reports@contoso.onmicrosoft.com');
	} catch (error) {
		signInError = (error as Error).message;
	}
	expect(signInError).toMatch(/AADSTS901002/);

	// The package refuses it before sending anything, and says what to do.
	const mark = await ctx.mark();
	const execution = await runOnce(
		ctx.n8n,
		chain('e2e 0.1.0 credential', [
			{
				name: 'Send',
				type: `${PACKAGE_NAME}.microsoft365Mail`,
				typeVersion: 1,
				parameters: {
					authentication: 'delegated',
					resource: 'message',
					operation: 'send',
					toRecipients: 'alice@contoso.onmicrosoft.com',
					subject: 'never sent',
					body: 'x',
				},
				credentials: { [DELEGATED_TYPE]: { id: created.id, name: created.name } },
			},
		]),
	);
	expect(execution.status).not.toBe('success');
	expect(executionError(execution)).toMatch(
		/saved by n8n-nodes-m365 0\.1\.0 and cannot sign in: create a new one[\s\S]*AADSTS901002[\s\S]*Create a new Microsoft 365 Delegated OAuth2 credential/,
	);
	const log = await ctx.logSince(mark);
	expect(log.map((e) => `${e.method} ${e.url}`)).toEqual([]);
});
