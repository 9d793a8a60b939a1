/**
 * Errors of the Microsoft identity platform (login.microsoftonline.com) as it returns them: the
 * JSON body `{ error, error_description: 'AADSTSnnnnn: … Trace ID: … Correlation ID: … Timestamp: …',
 * error_codes, timestamp, trace_id, correlation_id, error_uri }`, the authorize endpoint's error
 * page, and the error parameters it appends to a redirect URI.
 */
import { randomUUID } from 'node:crypto';
import type { EmuRequest, EmuResponse } from '../http';

/** One AADSTS error: the OAuth error code, the AADSTS number, Microsoft's message text. */
export class LoginError extends Error {
	constructor(
		readonly status: number,
		readonly error: string,
		readonly code: number,
		readonly text: string,
		readonly extra: Record<string, unknown> = {},
	) {
		super(`AADSTS${code}: ${text}`);
	}
}

/** `2024-05-01 12:34:56Z`, the format of the Timestamp in AADSTS messages. */
export function aadTimestamp(date = new Date()): string {
	return date
		.toISOString()
		.replace('T', ' ')
		.replace(/\.\d+Z$/, 'Z');
}

export function correlationIdOf(req: EmuRequest): string {
	const header = req.headers['client-request-id'];
	const value = Array.isArray(header) ? header[0] : header;
	return value && /^[0-9a-f-]{36}$/i.test(value) ? value.toLowerCase() : randomUUID();
}

export interface ErrorBody {
	error: string;
	error_description: string;
	error_codes: number[];
	timestamp: string;
	trace_id: string;
	correlation_id: string;
	error_uri: string;
	suberror?: string;
	[key: string]: unknown;
}

export function errorBody(req: EmuRequest, e: LoginError): ErrorBody {
	const timestamp = aadTimestamp();
	const traceId = randomUUID();
	const correlationId = correlationIdOf(req);
	return {
		error: e.error,
		error_description: `AADSTS${e.code}: ${e.text} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
		error_codes: [e.code],
		timestamp,
		trace_id: traceId,
		correlation_id: correlationId,
		error_uri: `https://login.microsoftonline.com/error?code=${e.code}`,
		...e.extra,
	};
}

/** Headers Entra sets on every token-endpoint answer. */
export function stsHeaders(
	req: EmuRequest,
	traceId: string,
	correlationId: string,
): Record<string, string> {
	const headers: Record<string, string> = {
		'Cache-Control': 'no-store, no-cache',
		Pragma: 'no-cache',
		'Content-Type': 'application/json; charset=utf-8',
		'x-ms-request-id': traceId,
		'x-ms-ests-server': '2.1.0 - emulator',
		'X-Content-Type-Options': 'nosniff',
	};
	if (String(req.headers['return-client-request-id'] ?? '').toLowerCase() === 'true') {
		headers['client-request-id'] = correlationId;
	}
	return headers;
}

export function jsonError(req: EmuRequest, e: LoginError): EmuResponse {
	const body = errorBody(req, e);
	return { status: e.status, headers: stsHeaders(req, body.trace_id, body.correlation_id), body };
}

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * The sign-in page's error ("Sorry, but we're having trouble signing you in."), which the
 * authorize endpoint shows instead of redirecting when the redirect URI cannot be trusted. The
 * emulator answers 400; with `Accept: application/json` it sends the JSON error body instead.
 */
export function errorPage(req: EmuRequest, e: LoginError): EmuResponse {
	const body = errorBody(req, e);
	const accept = String(req.headers.accept ?? '');
	if (accept.includes('application/json')) {
		return { status: 400, headers: stsHeaders(req, body.trace_id, body.correlation_id), body };
	}
	const html = `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body>
<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error-message">AADSTS${e.code}: ${escapeHtml(e.text)}</p>
<table>
<tr><td>Request Id</td><td id="trace-id">${body.trace_id}</td></tr>
<tr><td>Correlation Id</td><td id="correlation-id">${body.correlation_id}</td></tr>
<tr><td>Timestamp</td><td id="timestamp">${new Date().toISOString()}</td></tr>
<tr><td>Message</td><td id="error">${escapeHtml(e.error)}</td></tr>
</table>
</body></html>
`;
	return {
		status: 400,
		headers: { 'Content-Type': 'text/html; charset=utf-8', 'x-ms-request-id': body.trace_id },
		body: html,
	};
}

// ---------------------------------------------------------------------------------------------
// The catalogue: Microsoft's texts, as close as known.

const certDocs =
	'Review the documentation at https://docs.microsoft.com/en-us/azure/active-directory/develop/active-directory-certificate-credentials .';

export const Aadsts = {
	/**
	 * A v1.0-style `resource` parameter sent to a v2.0 endpoint (authorize or token, any grant).
	 * The v2.0 endpoints take scopes, not resources ("Scopes, not resources":
	 * https://learn.microsoft.com/en-us/entra/identity-platform/azure-ad-endpoint-comparison),
	 * and Entra refuses the parameter with AADSTS901002 (text as
	 * https://login.microsoftonline.com/error?code=901002 gives it).
	 */
	resourceNotSupported: () =>
		new LoginError(
			400,
			'invalid_request',
			901002,
			"The 'resource' request parameter is not supported.",
		),
	missingParameter: (name: string) =>
		new LoginError(
			400,
			'invalid_request',
			900144,
			`The request body must contain the following parameter: '${name}'.`,
		),
	postOnly: (method: string) =>
		new LoginError(
			400,
			'invalid_request',
			900561,
			`The endpoint only accepts POST, OPTIONS requests. Received a ${method} request.`,
		),
	tenantNotFound: (tenant: string) =>
		new LoginError(
			400,
			'invalid_tenant',
			90002,
			`Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
		),
	invalidTenantName: (tenant: string) =>
		new LoginError(
			400,
			'invalid_tenant',
			900023,
			`Specified tenant identifier '${tenant}' is neither a valid DNS name, nor a valid external domain.`,
		),
	appNotFound: (appId: string, directory: string) =>
		new LoginError(
			400,
			'unauthorized_client',
			700016,
			`Application with identifier '${appId}' was not found in the directory '${directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
		),
	notMultiTenant: (appId: string, name: string) =>
		new LoginError(
			400,
			'invalid_request',
			50194,
			`Application '${appId}'(${name}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
		),
	redirectMismatch: (uri: string, appId: string) =>
		new LoginError(
			400,
			'invalid_request',
			50011,
			`The redirect URI '${uri}' specified in the request does not match the redirect URIs configured for the application '${appId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
		),
	noReplyAddress: () =>
		new LoginError(
			400,
			'invalid_request',
			500113,
			'No reply address is registered for the application.',
		),
	replyAddressChanged: (sent: string, authorized: string) =>
		new LoginError(
			400,
			'invalid_grant',
			500112,
			`The reply address '${sent}' does not match the reply address '${authorized}' provided when requesting Authorization code.`,
		),
	unsupportedResponseType: (type: string) =>
		new LoginError(
			400,
			'unsupported_response_type',
			700054,
			`response_type '${type}' is not enabled for the application.`,
		),
	wrongSecret: (appId: string) =>
		new LoginError(
			401,
			'invalid_client',
			7000215,
			`Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${appId}'.`,
		),
	expiredSecret: (appId: string) =>
		new LoginError(
			401,
			'invalid_client',
			7000222,
			`The provided client secret keys for app '${appId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
		),
	credentialRequired: () =>
		new LoginError(
			401,
			'invalid_client',
			7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
		),
	assertionMalformed: () =>
		new LoginError(401, 'invalid_client', 50027, 'JWT token is invalid or malformed.'),
	assertionTypeInvalid: (type: string) =>
		new LoginError(
			401,
			'invalid_client',
			700023,
			`Client assertion type '${type}' is not supported. The client assertion type must be 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'.`,
		),
	assertionKeyNotFound: (thumbprint: string, appId: string) =>
		new LoginError(
			401,
			'invalid_client',
			700027,
			`The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'. Review the documentation at https://docs.microsoft.com/en-us/graph/deployments to determine the corresponding service endpoint and https://docs.microsoft.com/en-us/graph/api/application-get?view=graph-rest-1.0&tabs=http to build a query request URL, such as 'https://graph.microsoft.com/beta/applications/${appId}']`,
		),
	assertionSignature: (thumbprint: string, appId: string) =>
		new LoginError(
			401,
			'invalid_client',
			700027,
			`Client assertion contains an invalid signature. [Reason - The provided signature value did not match the expected signature value., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
		),
	assertionKeyExpired: (thumbprint: string, appId: string) =>
		new LoginError(
			401,
			'invalid_client',
			700027,
			`Client assertion failed signature validation. [Reason - The key used is expired., Thumbprint of key used by client: '${thumbprint}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${appId}'.]`,
		),
	assertionAudience: (aud: string) =>
		new LoginError(
			401,
			'invalid_client',
			700027,
			`Client assertion failed signature validation. [Reason - The audience '${aud}' of the client assertion is not the token endpoint of this tenant.] ${certDocs}`,
		),
	assertionNoJti: () =>
		new LoginError(
			401,
			'invalid_client',
			700027,
			`Client assertion failed signature validation. [Reason - The 'jti' claim is missing.] ${certDocs}`,
		),
	assertionIssuer: () =>
		new LoginError(
			401,
			'invalid_client',
			700021,
			`Client assertion application identifier doesn't match 'client_id' parameter. ${certDocs}`,
		),
	assertionTime: (now: Date, nbf: Date | undefined, exp: Date | undefined) =>
		new LoginError(
			401,
			'invalid_client',
			700024,
			`Client assertion is not within its valid time range. Current time: ${now.toISOString()}, assertion valid from ${nbf ? nbf.toISOString() : 'unknown'}, expiry time of assertion ${exp ? exp.toISOString() : 'unknown'}. ${certDocs}`,
		),
	defaultScopeRequired: (scope: string) =>
		new LoginError(
			400,
			'invalid_scope',
			1002012,
			`The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
		),
	invalidScope: (scope: string) =>
		new LoginError(
			400,
			'invalid_scope',
			70011,
			`The provided value for the input parameter 'scope' is not valid. The scope '${scope}' does not exist.`,
		),
	multipleResources: (scope: string) =>
		new LoginError(
			400,
			'invalid_scope',
			28000,
			`Provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${scope} is not valid.`,
		),
	resourceNotFound: (resource: string, tenantName: string) =>
		new LoginError(
			400,
			'invalid_resource',
			500011,
			`The resource principal named ${resource} was not found in the tenant named ${tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
		),
	consentRequired: (appId: string, name: string) =>
		new LoginError(
			400,
			'invalid_grant',
			65001,
			`The user or administrator has not consented to use the application with ID '${appId}' named '${name}'. Send an interactive authorization request for this user and resource.`,
			{ suberror: 'consent_required' },
		),
	userOtherTenant: (
		upn: string,
		homeTenantId: string,
		tenantName: string,
		appId: string,
		appName: string,
	) =>
		new LoginError(
			400,
			'invalid_request',
			50020,
			`User account '${upn}' from identity provider 'https://sts.windows.net/${homeTenantId}/' does not exist in tenant '${tenantName}' and cannot access the application '${appId}'(${appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
		),
	userNotFound: (upn: string, directory: string) =>
		new LoginError(
			400,
			'invalid_request',
			50034,
			`The user account ${upn} does not exist in the ${directory} directory. To sign into this application, the account must be added to the directory.`,
		),
	userDisabled: () => new LoginError(400, 'invalid_grant', 50057, 'The user account is disabled.'),
	/**
	 * A Conditional Access policy for workload identities blocks the service principal
	 * (https://learn.microsoft.com/en-us/entra/identity/conditional-access/workload-identity). Text:
	 * AADSTS53003 BlockedByConditionalAccess,
	 * https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes, as clients
	 * quote it (e.g. AzureAD/microsoft-identity-web#2419); `invalid_grant` and 400 assumed.
	 */
	blockedByConditionalAccess: () =>
		new LoginError(
			400,
			'invalid_grant',
			53003,
			'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.',
		),
	codeRedeemed: () =>
		new LoginError(
			400,
			'invalid_grant',
			54005,
			'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
		),
	codeInvalid: () =>
		new LoginError(
			400,
			'invalid_grant',
			70000,
			"The provided value for the 'code' parameter is not valid.",
		),
	grantInvalid: () =>
		new LoginError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.'),
	codeOtherTenant: () =>
		new LoginError(
			400,
			'invalid_grant',
			700005,
			'Provided Authorization Code is intended to use against other tenant, thus rejected.',
		),
	grantExpired: () =>
		new LoginError(
			400,
			'invalid_grant',
			70008,
			'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
		),
	pkceMismatch: () =>
		new LoginError(
			400,
			'invalid_grant',
			50148,
			'The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.',
		),
	refreshTokenMalformed: () =>
		new LoginError(
			400,
			'invalid_grant',
			9002313,
			'Invalid request. Request is malformed or invalid.',
		),
	refreshTokenExpired: (issued: Date, inactiveSeconds: number) =>
		new LoginError(
			400,
			'invalid_grant',
			700082,
			`The refresh token has expired due to inactivity. The token was issued on ${issued.toISOString()} and was inactive for ${timeSpan(inactiveSeconds)}.`,
		),
	refreshTokenRevoked: (issued: Date, validFrom: Date) =>
		new LoginError(
			400,
			'invalid_grant',
			50173,
			`The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${issued.toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${validFrom.toISOString()}'.`,
		),
	unsupportedGrant: (grant: string) =>
		new LoginError(
			400,
			'unsupported_grant_type',
			70003,
			`The app requested an unsupported grant type '${grant}'.`,
		),
	unknownInstance: () =>
		new LoginError(400, 'invalid_instance', 50049, 'Unknown or invalid instance.'),
};

/** `90.00:00:00` (.NET TimeSpan), as AADSTS700082 shows the inactive time. */
function timeSpan(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	const days = Math.floor(s / 86400);
	const pad = (n: number) => String(n).padStart(2, '0');
	const hms = `${pad(Math.floor((s % 86400) / 3600))}:${pad(Math.floor((s % 3600) / 60))}:${pad(s % 60)}`;
	return days ? `${days}.${hms}` : hms;
}
