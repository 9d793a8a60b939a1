/**
 * Workload Identity Federation: the app signs in with a token another issuer gave this workload
 * (a Kubernetes service-account token projected into the pod, a CI job's OIDC token...) instead
 * of a secret. The file is read for every token request, because its issuer rotates it (AKS
 * projects a new token before 80% of its lifetime has passed); msal-node's `clientAssertion`
 * callback is where it is read, so no old assertion is ever sent.
 *
 * Offered in every cloud the credential names; the federated credential's audience is
 * api://AzureADTokenExchange (Global), api://AzureADTokenExchangeUSGov (US Government) or
 * api://AzureADTokenExchangeChina (China), as Microsoft lists them in
 * https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-config-app-trust-managed-identity
 * (overview: https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation).
 *
 * The file must hold a JWT whose `exp` lies in the future: anything else is refused here, naming
 * the field, before a request is sent. This also keeps the field from sending an arbitrary file
 * of the n8n host (its configuration, a key) to a login endpoint as "assertion": only a JWT is
 * ever read out. The assertion is registered for redaction and never put in a message.
 */
import { readFileSync, statSync } from 'node:fs';
import { CredentialFieldError } from '../credentials/validate';
import { registerSecret } from '../redact';

const FIELD = 'Federated Token File';
/** Service-account tokens are ~1 KB; a larger file is not one (and is not read whole). */
const MAX_BYTES = 64 * 1024;

function fail(message: string): never {
	throw new CredentialFieldError(FIELD, message);
}

function isoSeconds(seconds: number): string {
	return new Date(seconds * 1000).toISOString().replace(/\.000Z$/, 'Z');
}

/** Reads and checks the assertion in `path` (synchronously: a small local file). */
export function readFederatedAssertion(path: string, now = Date.now()): string {
	let stat: ReturnType<typeof statSync> | undefined;
	let code: string | undefined;
	try {
		stat = statSync(path);
	} catch (error) {
		code = (error as NodeJS.ErrnoException).code ?? 'error';
	}
	if (code === 'ENOENT') {
		fail(
			`${FIELD} "${path}" does not exist: check the path (with AKS workload identity, the pod needs the label azure.workload.identity/use: "true" and a service account annotated with azure.workload.identity/client-id)`,
		);
	}
	if (code === 'EACCES') {
		fail(`${FIELD} "${path}" cannot be read by the n8n process: give its user read access`);
	}
	if (!stat) return fail(`${FIELD} "${path}" cannot be read (${code}): check the path`);
	if (!stat.isFile())
		fail(`${FIELD} "${path}" is not a file: enter the path of the token file itself`);
	const size = stat.size;
	if (size > MAX_BYTES) {
		fail(
			`${FIELD} "${path}" is ${size} bytes, too large for a federated token: enter the path of the token file`,
		);
	}
	let text = '';
	let readError: string | undefined;
	try {
		text = readFileSync(path, 'utf8').trim();
	} catch (error) {
		readError = (error as NodeJS.ErrnoException).code ?? 'error';
	}
	if (readError) {
		fail(`${FIELD} "${path}" cannot be read (${readError}): check the path and its permissions`);
	}
	if (!text) {
		fail(
			`${FIELD} "${path}" is empty: the token issuer has not written a token yet (or the volume is not mounted); check the projected service-account token volume`,
		);
	}
	const parts = text.split('.');
	let claims: Record<string, unknown> | undefined;
	if (
		parts.length === 3 &&
		parts.every((p) => /^[A-Za-z0-9_-]*$/.test(p)) &&
		parts[0] &&
		parts[1]
	) {
		try {
			const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8')) as unknown;
			const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
			if (header && typeof header === 'object' && payload && typeof payload === 'object')
				claims = payload as Record<string, unknown>;
		} catch {
			claims = undefined;
		}
	}
	if (!claims) {
		fail(
			`${FIELD} "${path}" does not hold a JWT (three base64url parts separated by dots): enter the path of the federated token the issuer writes, not another file`,
		);
	}
	registerSecret(text);
	const exp = typeof claims.exp === 'number' ? claims.exp : undefined;
	if (exp === undefined) {
		fail(
			`${FIELD} "${path}" holds a JWT without an expiry (exp): Microsoft Entra accepts only tokens that expire`,
		);
	}
	if (exp * 1000 <= now) {
		fail(
			`${FIELD} "${path}" holds a token that expired at ${isoSeconds(exp)}: the file is no longer being refreshed; check the process that writes it (kubelet's projected service-account token, the CI job)`,
		);
	}
	return text;
}
