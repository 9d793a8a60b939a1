/**
 * Runs last (the sequencer orders the other files by name before it): after every e2e file has
 * run its workflows, credential tests, Send and Wait answers, managed identity and federated
 * credentials through the real n8n, n8n's own log must hold no secret — no demo app's client
 * secret, no private key, no managed identity header, no federated assertion, no access or
 * refresh token (the emulator's tokens are JWTs: any `eyJ….eyJ….` is one), no client assertion.
 */
import { existsSync, readFileSync } from 'node:fs';
import { demoTenant } from '../../scripts/e2e/stack';
import { e2e } from './helpers';

const ctx = e2e();

test("n8n's log of the whole e2e run holds no secret, key, assertion or token", async () => {
	const log = readFileSync(ctx.state.n8nLog, 'utf8');
	// The log is the real one: n8n wrote its start-up lines into it.
	expect(log).toMatch(/n8n|Editor is now accessible/i);
	const secrets = demoTenant()
		.apps.flatMap((app) => app.secrets ?? [])
		.map((secret) => secret.value);
	expect(secrets.length).toBeGreaterThan(3);
	const mi = await ctx.admin('GET', 'managed-identity');
	if (mi.identityHeader) secrets.push(String(mi.identityHeader));
	const federated = ctx.state.federatedTokenFile;
	if (federated && existsSync(federated)) {
		const assertion = readFileSync(federated, 'utf8').trim();
		if (assertion) secrets.push(assertion);
	}
	for (const secret of secrets)
		expect(log.includes(secret) ? secret.slice(0, 4) + '…' : '').toBe('');
	expect(log).not.toMatch(/eyJ[A-Za-z0-9_-]{6,}\.eyJ[A-Za-z0-9_-]{6,}\./);
	expect(log).not.toMatch(/-----BEGIN [A-Z ]*PRIVATE KEY-----/);
	expect(log).not.toMatch(/client_assertion=|refresh_token=|access_token["=:]/i);
});
