/**
 * Microsoft Entra sign-in errors (AADSTS codes) turned into messages a user can act on. Works on
 * msal-node errors, @n8n/client-oauth2 errors (n8n's OAuth2 client), token-endpoint JSON bodies
 * and plain text. Everything returned is redacted (nodes/shared/redact.ts).
 */
import { redact } from '../redact';

export const AADSTS_MESSAGES: Record<number, string> = {
	50011:
		"The redirect URI sent at sign-in is not registered for the app. In Entra admin center → App registrations → your app → Authentication, add n8n's OAuth Redirect URL (shown in the credential) under the platform Web, exactly as shown (scheme, host, port and path).",
	65001:
		'The app has not been granted the requested permissions (consent missing). An administrator must grant consent: Entra → App registrations → your app → API permissions → Grant admin consent, or open the admin-consent URL described in the credential. Or remove scope groups you do not need.',
	700016:
		"The app (Client ID) was not found in this tenant. Check Client ID (the Application (client) ID on the app's Overview page, not its Object ID) and Tenant (the directory the app is registered in, and the right Cloud); a multi-tenant app must first be consented to in this tenant.",
	7000215:
		"Invalid client secret: the secret value is wrong — paste the secret's Value, not its Secret ID (Entra → App registrations → Certificates & secrets). The Value is shown only when the secret is created; create a new secret if you no longer have it.",
	7000222:
		'The client secret has expired. Create a new client secret (Entra → App registrations → Certificates & secrets → New client secret), paste its Value into the credential, or switch to a certificate.',
	90002:
		"Tenant not found. Check Tenant (the Directory (tenant) ID or a verified domain such as contoso.onmicrosoft.com) and that Cloud is the tenant's cloud (a US Government or China tenant does not exist in Global).",
	700027:
		'The certificate was not accepted: the certificate that signed the client assertion is not registered on the app, does not match the private key, or has expired. Upload the certificate (public part, .cer/.pem) under Certificates & secrets → Certificates, and check that Certificate or Thumbprint and Private Key belong to it.',
	70011:
		'A requested scope is not valid. Check Additional Scopes for typos and that every scope belongs to one resource (Graph permissions, or Outlook protocols with Sign In For "Outlook Legacy Protocols"); app-only tokens accept only <resource>/.default.',
	50020:
		'The signed-in account is not a user or guest of the credential\'s tenant. Sign in with an account of that tenant, invite the account as a guest, or set Tenant to the account\'s own tenant ("organizations" for a multi-tenant app).',
	500011:
		'The resource (API) was not found in the tenant. Check Cloud and, for Custom endpoints, Graph Resource / Outlook Resource (e.g. https://graph.microsoft.com; China: https://microsoftgraph.chinacloudapi.cn).',
	54005:
		'The authorization code was already used. Start the sign-in again (Reconnect in the credential); this happens when the callback page is loaded twice.',
	53003:
		'Access has been blocked by Conditional Access policies (no permission or consent changes this). An administrator finds the sign-in under Entra admin center > Monitoring > Sign-in logs (service principal sign-ins for an app credential), sees the policy under its Conditional Access tab, and excludes the app or adapts the policy (for example its locations or, for workload identities, Protection > Conditional Access > the policy > Assignments > Workload identities).',
	700082:
		'The refresh token has expired (unused for 90 days) or was revoked. Open the credential and Reconnect to sign in again.',
	// Further codes seen in practice.
	50194:
		'The app is single-tenant, so Tenant cannot be "common" or "organizations": enter the Directory (tenant) ID or a verified domain of the app\'s tenant (or make the app multi-tenant).',
	900023:
		'Tenant is neither a Directory (tenant) ID (GUID) nor a domain name: copy the Tenant ID from Entra admin center → Overview.',
	50173:
		"The user's sign-in sessions were revoked (password change or reset, or an administrator revoked them). Reconnect the credential.",
	50148: 'The PKCE code verifier did not match. Start the sign-in again.',
	28000:
		'The scopes name more than one resource. One token serves one resource: keep Graph permissions and Outlook protocols in separate credentials.',
	1002012:
		"App-only tokens accept only <resource>/.default as scope (the app's granted application permissions).",
	7000218:
		'No client secret or certificate was sent. Enter the Client Secret (its Value) or a certificate in the credential.',
	700024:
		'The client assertion is outside its validity time: check the clock of the n8n server (it must be within 5 minutes of real time). With Workload Identity Federation: the federated token has expired or is not valid yet; check that its issuer still refreshes the Federated Token File.',
	// Workload Identity Federation: the federated token did not match a federated credential of the app.
	70021:
		"The federated token matches no federated credential of the app. In Entra → App registrations → your app → Certificates & secrets → Federated credentials, the Issuer, Subject and Audience must equal the token's iss, sub and aud claims exactly (a new credential takes a few minutes to apply).",
	700222:
		"The federated token was issued by Microsoft Entra itself, which cannot be used as a federated token: the Federated Token File must hold the external issuer's token (a Kubernetes service-account token, a CI job's OIDC token).",
	50013:
		"The assertion's signature could not be verified: for Workload Identity Federation, the federated token must be signed with a key the issuer publishes (its OIDC discovery document's jwks_uri, reachable by Microsoft); for a certificate, check that Private Key and the uploaded certificate belong together.",
	700211:
		"The federated token's issuer (iss) matches no federated credential of the app: add a federated credential with that Issuer (Certificates & secrets → Federated credentials), e.g. the cluster's OIDC issuer URL, exactly as the token has it.",
	700212:
		"The federated token's audience (aud) matches no federated credential of the app: the credential's Audience must equal the token's aud (api://AzureADTokenExchange in Global, api://AzureADTokenExchangeUSGov in US Government, api://AzureADTokenExchangeChina in China).",
	700213:
		"The federated token's subject (sub) matches no federated credential of the app: the credential's Subject must equal the token's sub exactly (for Kubernetes: system:serviceaccount:<namespace>:<service account>).",
	50034:
		'The user account does not exist in the tenant. Sign in with an account of the tenant set in the credential.',
	50057: 'The user account is disabled. Sign in with an enabled account.',
	50049:
		'Unknown or invalid cloud instance: check Cloud and, for Custom endpoints, Login Endpoint.',
};

/**
 * Codes whose Microsoft description names what was presented (the federated token's issuer,
 * subject or audience, never the token): kept after the explanation.
 */
const WITH_DESCRIPTION = new Set([70021, 700211, 700212, 700213]);

export interface AadstsInfo {
	/** The AADSTS number, when one was found. */
	code?: number;
	/** OAuth2 `error` (invalid_client, invalid_grant, ...). */
	error?: string;
	/** Microsoft's first sentence, without trace/correlation IDs and timestamps (redacted). */
	description?: string;
	/** The actionable message (redacted). */
	message: string;
}

/** Microsoft's description without `Trace ID: ... Correlation ID: ... Timestamp: ...` noise. */
export function stripTraceNoise(text: string): string {
	return text
		.replace(/\s*(Trace ID|Correlation ID|Timestamp)\s*:\s*\S+(\s+\S+Z)?/gi, '')
		.replace(/\s+/g, ' ')
		.trim();
}

function firstSentence(text: string): string {
	// msal-node: "Error(s): 7000215 - Timestamp: ... - Description: AADSTS7000215: ... - Correlation ID: ..."
	const described =
		/Description:\s*([\s\S]*?)(\s+-\s+(Correlation ID|Trace ID|Timestamp)\b|$)/.exec(text);
	const cleaned = stripTraceNoise(described ? described[1] : text).replace(/^AADSTS\d+:\s*/i, '');
	const match = /^(.*?[.!?])(\s|$)/.exec(cleaned);
	return (match ? match[1] : cleaned).slice(0, 400);
}

/** The AADSTS code in a text (`AADSTS7000215:`), if any. */
export function aadstsCodeOf(text: string | undefined): number | undefined {
	const match = /AADSTS(\d{4,8})/.exec(text ?? '');
	return match ? Number(match[1]) : undefined;
}

/** Builds the message for an AADSTS code and Microsoft's description. */
export function explainAadsts(
	code: number | undefined,
	description?: string,
	error?: string,
): AadstsInfo {
	const desc = description ? redact(firstSentence(description)) : undefined;
	const known = code !== undefined ? AADSTS_MESSAGES[code] : undefined;
	let message: string;
	if (known && code !== undefined && WITH_DESCRIPTION.has(code) && desc)
		message = `Microsoft sign-in failed (AADSTS${code}): ${known} Microsoft: "${desc}"`;
	else if (known) message = `Microsoft sign-in failed (AADSTS${code}): ${known}`;
	else if (code !== undefined)
		message = `Microsoft sign-in failed (AADSTS${code}): ${desc ?? error ?? 'unknown error'}`;
	else
		message = `Microsoft sign-in failed${error ? ` (${error})` : ''}: ${desc ?? 'no details were returned'}`;
	return { code, error, description: desc, message: redact(message) };
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value ? value : undefined;
}

/**
 * Explains any sign-in error: msal-node's (`errorCode`, `errorMessage`, `errorNo`),
 * @n8n/client-oauth2's (`body.error_description`), a token-endpoint body, a redirect's query
 * (`error`, `error_description`), or a plain message.
 */
export function explainAuthError(error: unknown): AadstsInfo {
	const e = (error ?? {}) as Record<string, unknown>;
	const body = (typeof e.body === 'object' && e.body !== null ? e.body : e) as Record<
		string,
		unknown
	>;
	const description =
		str(body.error_description) ??
		str(e.errorMessage) ??
		str(e.description) ??
		str(e.message) ??
		(typeof error === 'string' ? error : undefined);
	const codes = Array.isArray(body.error_codes) ? (body.error_codes as unknown[]) : [];
	const code =
		(typeof codes[0] === 'number' ? codes[0] : undefined) ??
		(str(e.errorNo) ? Number(e.errorNo) : undefined) ??
		aadstsCodeOf(description);
	const oauthError = str(body.error) ?? str(e.errorCode);
	return explainAadsts(Number.isFinite(code) ? code : undefined, description, oauthError);
}
