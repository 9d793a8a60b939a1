/**
 * Delegated credentials saved by 0.1.0, in a real n8n against the stricter emulator (which, like
 * Microsoft's v2.0 endpoints, refuses a `resource` parameter with AADSTS901002):
 * - 0.1.0 declared a credential property named `resource`; n8n turns such a property into an
 *   RFC 8707 `resource` parameter, and keeps it with the token it stores (`oauthTokenData`),
 *   from where its own refresh sends it again. The property is gone (renamed `signInFor`).
 * - A credential whose stored data still has `resource` (but no token yet): n8n no longer sends
 *   it, the sign-in succeeds and the credential keeps working.
 * - A credential signed in under 0.1.0 (its token data carries `resource`) is refused by every
 *   node before any request, with what to do: test/mail/legacy-credential.test.ts (n8n-core's
 *   engine with the stored token data as n8n keeps it).
 */
import { DELEGATED_TYPE, connectOAuth2, demoCredentialData } from '../../scripts/e2e/demo';
import { PACKAGE_NAME } from '../../scripts/e2e/stack';
import { chain, e2e, runOnce } from './helpers';

const ctx = e2e();

async function legacyData(): Promise<Record<string, unknown>> {
	const current = (await demoCredentialData(ctx))['m365-demo-delegated'];
	const { signInFor, ...rest } = current as Record<string, unknown>;
	return { ...rest, resource: signInFor ?? 'graph' };
}

function sendNode(credential: { id: string; name: string }) {
	return {
		name: 'Send',
		type: `${PACKAGE_NAME}.microsoft365Mail`,
		typeVersion: 1,
		parameters: {
			authentication: 'delegated',
			resource: 'message',
			operation: 'send',
			toRecipients: 'alice@contoso.onmicrosoft.com',
			subject: 'legacy credential',
			body: 'x',
		},
		credentials: { [DELEGATED_TYPE]: credential },
	};
}

test('stored data with a 0.1.0 `resource` field: n8n does not send it, sign-in succeeds, the credential works', async () => {
	const created = await ctx.n8n.createCredential(
		'e2e 0.1.0 data',
		DELEGATED_TYPE,
		await legacyData(),
	);
	const authorizeUrl = await ctx.n8n.rest<string>(
		'GET',
		`/oauth2-credential/auth?id=${encodeURIComponent(created.id)}`,
	);
	expect(new URL(authorizeUrl).searchParams.has('resource')).toBe(false);
	const flow = await connectOAuth2(ctx.n8n, created.id, 'reports@contoso.onmicrosoft.com');
	expect(flow.callbackStatus).toBe(200);
	// n8n hands nodes only the declared properties (and the token): the node works.
	const execution = await runOnce(
		ctx.n8n,
		chain('e2e 0.1.0 data', [sendNode({ id: created.id, name: created.name })]),
	);
	expect(execution.status).toBe('success');
});
