/**
 * Workload identity federation at the token endpoint: a `client_assertion`
 * (`client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`) that an
 * external OIDC issuer signed — a Kubernetes service-account token, a GitHub Actions token —
 * instead of one the app signed with its own certificate ("Third case: Access token request with
 * a federated credential",
 * https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow).
 *
 * An assertion whose `iss` is not the client ID and whose header names no certificate is taken
 * as federated (a certificate assertion has `iss` = `sub` = the client ID and `x5t`, client-auth.ts). Checked, in this order (the order is
 * assumed; each refusal is Entra's code):
 * 1. a token Entra itself issued → AADSTS700222 ("Microsoft Entra ID issued tokens may not be
 *    used for federated identity flows", workload-identity-federation);
 * 2. the app's federated identity credentials: none at all → 70021; `iss` equal to no
 *    credential's issuer → 700211; then `sub` → 700213; then one of `aud` in the credential's
 *    audiences → 700212 (issuer and subject compared case-sensitively: "matching is done using a
 *    case-sensitive comparison", federated identity credential considerations,
 *    https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation-considerations);
 * 3. the signature, with the issuer's JWKS (only issuers the emulator hosts,
 *    identity/oidc-issuer.ts; for others no key is found) → AADSTS50013;
 * 4. `exp` / `nbf` with five minutes of skew → AADSTS700024.
 */
import { decodeJwt, verifyRs256 } from '../jwt';
import type { AppFixture, FederatedCredentialFixture } from '../tenant';
import type { OidcIssuers } from '../identity/oidc-issuer';
import { TOKEN_EXCHANGE_AUDIENCE } from '../identity/oidc-issuer';
import { Aadsts } from './errors';

export interface FederationContext {
	app: AppFixture;
	issuers: OidcIssuers;
	/** The emulator's base URL, which `{emulator}` in a credential's issuer stands for. */
	emulatorUrl: string;
	now?: number;
}

/** `iss` values of tokens Entra issues (v1 and v2, any cloud the emulator knows). */
const ENTRA_ISSUER =
	/^https:\/\/(sts\.windows\.net|login\.microsoftonline\.(com|us)|login\.partner\.microsoftonline\.cn|sts\.chinacloudapi\.cn)\//i;

/**
 * Whether an assertion is an external (federated) token rather than the app's own: its `iss` is
 * not the client ID and its header names no certificate (`x5t`, `x5t#S256`). How Entra tells the
 * two apart is not documented (assumed); a certificate assertion with a wrong `iss` stays a
 * certificate assertion (AADSTS700021, client-auth.ts).
 */
export function isFederatedAssertion(assertion: string, clientId: string): boolean {
	const decoded = decodeJwt(assertion);
	if (!decoded) return false;
	if (decoded.header.x5t !== undefined || decoded.header['x5t#S256'] !== undefined) return false;
	return String(decoded.payload.iss ?? '').toLowerCase() !== clientId.toLowerCase();
}

export function credentialIssuer(fic: FederatedCredentialFixture, emulatorUrl: string): string {
	return fic.issuer.replace('{emulator}', emulatorUrl);
}

/** Checks a federated assertion; returns the credential it matched. Throws LoginError. */
export function checkFederatedAssertion(
	ctx: FederationContext,
	assertion: string,
): FederatedCredentialFixture {
	const decoded = decodeJwt(assertion);
	if (!decoded) throw Aadsts.assertionMalformed();
	const { payload } = decoded;
	const iss = typeof payload.iss === 'string' ? payload.iss : '';
	const sub = typeof payload.sub === 'string' ? payload.sub : '';
	const audiences = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).filter(
		(a): a is string => typeof a === 'string',
	);
	if (ENTRA_ISSUER.test(iss)) throw Aadsts.federationEntraToken();

	const credentials = ctx.app.federatedCredentials ?? [];
	if (!credentials.length) throw Aadsts.federationNoMatch(iss, sub, audiences.join(', '));
	const byIssuer = credentials.filter((c) => credentialIssuer(c, ctx.emulatorUrl) === iss);
	if (!byIssuer.length) throw Aadsts.federationIssuer(iss);
	const bySubject = byIssuer.filter((c) => c.subject === sub);
	if (!bySubject.length) throw Aadsts.federationSubject(sub);
	const match = bySubject.find((c) =>
		(c.audiences ?? [TOKEN_EXCHANGE_AUDIENCE]).some((a) => audiences.includes(a)),
	);
	if (!match) throw Aadsts.federationAudience(audiences.join(', '));

	const issuer = ctx.issuers.byIssuerUrl(iss);
	if (!issuer || decoded.header.kid !== issuer.key.kid) throw Aadsts.federationKeyNotFound();
	if (!verifyRs256(decoded, issuer.key.publicKey)) throw Aadsts.federationSignature();

	const now = ctx.now ?? Date.now();
	const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
	const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined;
	const skew = 300; // assumed, as for certificate assertions (client-auth.ts)
	const seconds = now / 1000;
	if (exp === undefined || exp + skew <= seconds || (nbf !== undefined && nbf - skew > seconds)) {
		throw Aadsts.federationTime(
			new Date(now),
			nbf !== undefined ? new Date(nbf * 1000) : undefined,
			exp !== undefined ? new Date(exp * 1000) : undefined,
		);
	}
	return match;
}
