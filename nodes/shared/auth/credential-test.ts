/**
 * The app-only credential's test (nodes register it under `methods.credentialTest`): acquires a
 * token, reports the tenant and the application permissions granted, and — with
 * Application.Read.All — warns about client secrets and certificates expiring within 30 days.
 * Never prints a token, secret or key.
 */
import type {
	ICredentialTestFunctions,
	ICredentialsDecrypted,
	INode,
	INodeCredentialTestResult,
} from 'n8n-workflow';
import { createAppTokenProvider, jwtClaims, type AppProviderOptions } from './app';
import type { AppCredentialData } from '../credentials/validate';
import { credentialTestHeadline } from '../permission-check';
import { redact } from '../redact';
import { GraphTransport } from '../transport/transport';

/** The credential test runs outside any node: errors name this stand-in. */
const CREDENTIAL_TEST_NODE: INode = {
	id: 'credential-test',
	name: 'Credential test',
	type: 'n8n-nodes-m365.credentialTest',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};

export const EXPIRY_WARNING_DAYS = 30;
const DAY_MS = 24 * 3600 * 1000;

/** Permissions that let the app read its own registration (secrets and certificates). */
const CAN_READ_APPLICATIONS = [
	'Application.Read.All',
	'Application.ReadWrite.All',
	'Application.ReadWrite.OwnedBy',
];

interface Credential {
	displayName?: string | null;
	endDateTime?: string | null;
	hint?: string | null;
	keyId?: string;
	customKeyIdentifier?: string | null;
}

function daysUntil(date: string, now: number): number {
	return Math.floor((Date.parse(date) - now) / DAY_MS);
}

/** Warnings for the app's secrets and certificates that expire within 30 days. */
export function expiryWarnings(
	app: { passwordCredentials?: Credential[]; keyCredentials?: Credential[] },
	usedSecret: string | undefined,
	now = Date.now(),
): string[] {
	const warnings: string[] = [];
	for (const secret of app.passwordCredentials ?? []) {
		if (!secret.endDateTime) continue;
		const days = daysUntil(secret.endDateTime, now);
		if (days < 0 || days > EXPIRY_WARNING_DAYS) continue;
		const inUse = !!usedSecret && !!secret.hint && usedSecret.startsWith(secret.hint);
		warnings.push(
			`client secret "${secret.displayName ?? secret.keyId ?? '?'}"${inUse ? ' (the one this credential uses)' : ''} expires on ${secret.endDateTime.slice(0, 10)} (in ${days} days): create a new secret and update the credential`,
		);
	}
	for (const cert of app.keyCredentials ?? []) {
		if (!cert.endDateTime) continue;
		const days = daysUntil(cert.endDateTime, now);
		if (days < 0 || days > EXPIRY_WARNING_DAYS) continue;
		warnings.push(
			`certificate "${cert.displayName ?? cert.keyId ?? '?'}" expires on ${cert.endDateTime.slice(0, 10)} (in ${days} days): upload a new certificate and update the credential`,
		);
	}
	return warnings;
}

/** The test itself, callable without an n8n context. */
export async function runAppCredentialTest(
	data: AppCredentialData,
	options: AppProviderOptions & { now?: number } = {},
): Promise<INodeCredentialTestResult> {
	let token: string;
	let provider;
	try {
		provider = createAppTokenProvider(data, undefined, options);
		token = await provider.getToken({ forceRefresh: true });
	} catch (error) {
		return { status: 'Error', message: redact((error as Error).message) };
	}
	const claims = jwtClaims(token);
	const tenant = typeof claims.tid === 'string' ? claims.tid : provider.tenant;
	const roles = Array.isArray(claims.roles) ? (claims.roles as unknown[]).map(String) : [];
	if (!roles.length) {
		return {
			status: 'Error',
			message:
				data.authentication === 'managedIdentity'
					? `Signed in to tenant ${tenant} as a managed identity, but it has no application permissions: a managed identity has no app registration, so assign Graph app roles to its service principal (PowerShell New-MgServicePrincipalAppRoleAssignment, or az rest POST /servicePrincipals/{id}/appRoleAssignments; see the README)`
					: `Signed in to tenant ${tenant}, but the app has no application permissions: add Application permissions (e.g. Mail.Send, User.Read.All) under Entra → App registrations → API permissions and click "Grant admin consent"`,
		};
	}
	const as =
		data.authentication === 'managedIdentity'
			? ` as managed identity ${typeof claims.oid === 'string' ? claims.oid : '?'} (app ID ${typeof claims.appid === 'string' ? claims.appid : '?'})`
			: data.authentication === 'workloadIdentityFederation'
				? ' with a federated token'
				: '';
	const parts = [
		`Connected to tenant ${tenant}${as}. Application permissions: ${roles.sort().join(', ')}.`,
	];
	// A managed identity has no app registration (no secrets or certificates to expire).
	if (
		data.authentication !== 'managedIdentity' &&
		roles.some((r) => CAN_READ_APPLICATIONS.includes(r))
	) {
		const clientId = String(data.clientId ?? '').trim();
		try {
			// Through the shared transport like every Graph call (retries, origin rules, redaction).
			const transport = new GraphTransport(CREDENTIAL_TEST_NODE, provider);
			const response = await transport.send<{
				passwordCredentials?: Credential[];
				keyCredentials?: Credential[];
			}>({
				effect: 'read',
				url: `/applications(appId='${encodeURIComponent(clientId)}')`,
				query: { $select: 'displayName,passwordCredentials,keyCredentials' },
				acceptStatus: 'any',
			});
			if (response.status === 200) {
				const used =
					(data.authentication ?? 'clientSecret') === 'clientSecret'
						? String(data.clientSecret ?? '').trim()
						: undefined;
				const warnings = expiryWarnings(response.body, used, options.now);
				if (warnings.length) parts.push(`Warning: ${warnings.join('; ')}.`);
			} else {
				parts.push(
					`(Could not read the app's secret expiry dates: Graph answered HTTP ${response.status}.)`,
				);
			}
		} catch (error) {
			parts.push(
				`(Could not read the app's secret expiry dates: ${redact((error as Error).message)}.)`,
			);
		}
	}
	// The headline first: n8n shows the message in one line under the credential.
	const headline = await credentialTestHeadline(CREDENTIAL_TEST_NODE, provider, token);
	return { status: 'OK', message: [headline, ...parts].join(' ') };
}

/** For `methods.credentialTest` of the nodes using the app-only credential. */
export async function testAppCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	return await runAppCredentialTest((credential.data ?? {}) as AppCredentialData);
}
