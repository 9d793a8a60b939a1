/**
 * A delegated credential signed in under 0.1.0: n8n stored the token with `resource` (from the
 * credential property of that name 0.1.0 had), and n8n's own refresh would send it to the v2.0
 * token endpoint, which refuses it (AADSTS901002, as the emulator does). Every node of the
 * package refuses such a credential before any request, with a message that says what to do.
 */
import { useEmulator } from '../helpers/emulator';
import { ALICE, delegatedCredential, REPORTS, runMail } from './helpers';

const emulator = useEmulator();

test('token data with `resource`: refused before any request, the message says to create a new credential', async () => {
	const emu = emulator();
	const data = await delegatedCredential(emu, REPORTS);
	const tokenData = { ...(data.oauthTokenData as object), resource: 'graph' };
	const mark = emu.mark();
	const { output, error } = await runMail(
		{ kind: 'delegated', data: { ...data, oauthTokenData: tokenData } },
		{ operation: 'send', toRecipients: ALICE, subject: 'never sent', body: 'x' },
	);
	expect(output).toEqual([]);
	expect(error?.message).toBe(
		'This Microsoft 365 Delegated OAuth2 credential was saved by n8n-nodes-m365 0.1.0 and cannot sign in: create a new one',
	);
	expect((error as { description?: string }).description).toMatch(
		/AADSTS901002[\s\S]*Create a new Microsoft 365 Delegated OAuth2 credential \(same Tenant, Client ID and Client Secret; choose "Sign In For"\)/,
	);
	expect(emu.since(mark)).toEqual([]);
});

test('the same credential without `resource` in its token data works', async () => {
	const emu = emulator();
	const data = await delegatedCredential(emu, REPORTS);
	const { error } = await runMail(
		{ kind: 'delegated', data },
		{ operation: 'send', toRecipients: ALICE, subject: 'sent', body: 'x' },
	);
	expect(error).toBeUndefined();
});
