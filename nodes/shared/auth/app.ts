/**
 * App-only tokens from @azure/msal-node. One application per (cloud endpoints, tenant, client ID,
 * secret or certificate fingerprint or federated token file, or managed identity), kept for the
 * process: msal's in-memory cache then serves every item and execution the same token until it
 * nears expiry (msal renews it 5 minutes before), and concurrent callers share one request.
 *
 * - Client secret, certificate: `ConfidentialClientApplication` (client credentials).
 * - Workload Identity Federation: `ConfidentialClientApplication` whose `clientAssertion` is a
 *   callback reading the federated token file for every token request (./federated.ts).
 * - Managed identity: `ManagedIdentityApplication` (./managed-identity.ts), its requests sent
 *   directly to the host-local endpoint, not through the proxy.
 */
import { createHash } from 'node:crypto';
import {
	ConfidentialClientApplication,
	type ManagedIdentityApplication,
	type Configuration,
	type INetworkModule,
} from '@azure/msal-node';
import { NodeOperationError, type INode } from 'n8n-workflow';
import type { CloudEndpoints } from '../clouds';
import {
	CredentialFieldError,
	validateAppCredential,
	type AppCredentialData,
	type ValidatedAppCredential,
} from '../credentials/validate';
import { CLOUDS } from '../clouds';
import { explainAuthError } from './aadsts';
import type { TokenProvider } from './types';
import { redact, registerSecret } from '../redact';
import { proxyAwareNetworkClient } from './msal-network';
import { proxyFetch } from '../transport/http-client';
import { readFederatedAssertion } from './federated';
import {
	buildManagedIdentityApp,
	describeSource,
	expectedEndpoint,
	ManagedIdentityNetwork,
	ManagedIdentityUnreachable,
	MANAGED_IDENTITY_TIMEOUTS,
	type ManagedIdentityTimeouts,
} from './managed-identity';

/** A sign-in (token) error: the message is actionable and redacted. */
export class M365AuthError extends Error {
	constructor(
		message: string,
		readonly code?: number,
		readonly oauthError?: string,
	) {
		super(message);
		this.name = 'M365AuthError';
	}
}

type CacheEntry =
	| {
			kind: 'confidential';
			app: ConfidentialClientApplication;
			inflight: Map<string, Promise<string>>;
	  }
	| {
			kind: 'managedIdentity';
			app: ManagedIdentityApplication;
			network: ManagedIdentityNetwork;
			inflight: Map<string, Promise<string>>;
	  };

const MAX_APPS = 200;
const apps = new Map<string, CacheEntry>();

/** Options for tests and tools (not credential fields). */
export interface AppProviderOptions {
	/** msal network client (the emulator's router for Global-cloud tests). */
	networkClient?: INetworkModule;
	/** Managed identity: per-request and total time limits (tests shorten them). */
	managedIdentityTimeouts?: ManagedIdentityTimeouts;
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** The cache key: a hash of everything that identifies the app's token (never the secret itself). */
export function appCacheKey(v: ValidatedAppCredential): string {
	const auth = v.auth;
	const proof =
		auth.kind === 'secret'
			? `secret:${sha256(auth.secret)}`
			: auth.kind === 'certificate'
				? `cert:${sha256(auth.privateKey)}:${auth.thumbprintSha256 ?? ''}:${auth.thumbprintSha1 ?? ''}`
				: auth.kind === 'federated'
					? `federated:${auth.tokenFile}`
					: `mi:${auth.identity.type}:${auth.identity.type === 'system' ? '' : auth.identity.id.toLowerCase()}`;
	return sha256(
		JSON.stringify([
			v.endpoints.login,
			v.endpoints.graphResource,
			v.endpoints.outlookAppResource,
			v.tenant.toLowerCase(),
			v.clientId.toLowerCase(),
			proof,
		]),
	);
}

/** Forgets every cached application and token (tests; after rotating a secret nothing is needed). */
export function clearAppTokenCache(): void {
	apps.clear();
}

function isKnownCloudLogin(endpoints: CloudEndpoints): boolean {
	return Object.values(CLOUDS).some((c) => c.login === endpoints.login);
}

function buildApp(v: ValidatedAppCredential, options: AppProviderOptions): CacheEntry {
	const inflight = new Map<string, Promise<string>>();
	if (v.auth.kind === 'managedIdentity') {
		// App Service's header is a secret: never in a message.
		registerSecret(process.env.IDENTITY_HEADER);
		const network = new ManagedIdentityNetwork(
			options.managedIdentityTimeouts ?? MANAGED_IDENTITY_TIMEOUTS,
		);
		return {
			kind: 'managedIdentity',
			app: buildManagedIdentityApp(v.auth.identity, network),
			network,
			inflight,
		};
	}
	return { kind: 'confidential', app: buildConfidentialApp(v, options), inflight };
}

function buildConfidentialApp(
	v: ValidatedAppCredential,
	options: AppProviderOptions,
): ConfidentialClientApplication {
	const auth: Configuration['auth'] = {
		clientId: v.clientId,
		authority: `${v.endpoints.login}/${encodeURIComponent(v.tenant)}`,
	};
	// Custom clouds are not in msal's instance-discovery list: trust the typed login host.
	// Microsoft's clouds keep msal's normal instance discovery.
	if (!isKnownCloudLogin(v.endpoints)) auth.knownAuthorities = [new URL(v.endpoints.login).host];
	if (v.auth.kind === 'secret') {
		auth.clientSecret = v.auth.secret;
	} else if (v.auth.kind === 'federated') {
		// msal calls this for every token request (and cache lookup): the file is read each time,
		// so a rotated token is used as soon as it is written.
		const tokenFile = v.auth.tokenFile;
		auth.clientAssertion = async () => readFederatedAssertion(tokenFile);
	} else if (v.auth.kind === 'certificate') {
		auth.clientCertificate = {
			privateKey: v.auth.privateKey,
			...(v.auth.thumbprintSha256
				? { thumbprintSha256: v.auth.thumbprintSha256 }
				: { thumbprint: v.auth.thumbprintSha1 }),
			...(v.auth.x5c ? { x5c: v.auth.x5c } : {}),
		};
	}
	return new ConfidentialClientApplication({
		auth,
		// HTTPS_PROXY / NO_PROXY as n8n applies them (msal's own client ignores them).
		system: { networkClient: options.networkClient ?? proxyAwareNetworkClient },
	});
}

function entryFor(v: ValidatedAppCredential, options: AppProviderOptions): CacheEntry {
	const key = appCacheKey(v);
	let entry = apps.get(key);
	if (!entry) {
		if (apps.size >= MAX_APPS) apps.delete(apps.keys().next().value as string);
		entry = buildApp(v, options);
		apps.set(key, entry);
	}
	return entry;
}

/** Decoded JWT payload claims (the token itself is never logged or returned in messages). */
export function jwtClaims(token: string): Record<string, unknown> {
	const part = token.split('.')[1];
	if (!part) return {};
	try {
		return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
	} catch {
		return {};
	}
}

/** An actionable, redacted error for any sign-in failure (msal, client-oauth2, HTTP body). */
export function authErrorFrom(error: unknown): M365AuthError {
	const info = explainAuthError(error);
	return new M365AuthError(info.message, info.code, info.error);
}

/**
 * msal reports a failed OpenID discovery (unknown tenant, wrong cloud) as
 * `endpoints_resolution_error` without Microsoft's answer: fetch the document once more to show
 * the AADSTS error (e.g. 90002) behind it.
 */
async function authErrorWithDiscovery(
	error: unknown,
	v: ValidatedAppCredential,
): Promise<M365AuthError> {
	const code = (error as { errorCode?: string })?.errorCode;
	if (code !== 'endpoints_resolution_error' && code !== 'untrusted_authority') {
		return authErrorFrom(error);
	}
	const url = `${v.endpoints.login}/${encodeURIComponent(v.tenant)}/v2.0/.well-known/openid-configuration`;
	try {
		const response = await proxyFetch(url, { headers: { Accept: 'application/json' } });
		const body = (await response.json()) as Record<string, unknown>;
		if (typeof body.error_description === 'string') return authErrorFrom({ body });
	} catch {
		// Unreachable or not JSON: fall through to the general message.
	}
	return new M365AuthError(
		`Microsoft sign-in failed: the login service gave no OpenID configuration for tenant "${v.tenant}" at ${v.endpoints.login}. Check Tenant and Cloud (and Login Endpoint for Custom endpoints).`,
	);
}

function toNodeError(node: INode | undefined, error: Error): Error {
	return node ? new NodeOperationError(node, error.message, { description: error.message }) : error;
}

/** An actionable message for a managed identity failure, naming the endpoint msal asked. */
export function managedIdentityErrorFrom(
	error: unknown,
	app: ManagedIdentityApplication,
	identity: Extract<ValidatedAppCredential['auth'], { kind: 'managedIdentity' }>['identity'],
	resource: string,
): M365AuthError {
	const source = app.getManagedIdentitySource();
	const where = describeSource(source);
	const e = error as { errorCode?: string; errorMessage?: string; message?: string };
	const which =
		identity.type === 'system'
			? 'the system-assigned identity'
			: `the user-assigned identity with ${identity.type === 'clientId' ? 'client ID' : identity.type === 'objectId' ? 'object ID' : 'resource ID'} ${identity.id}`;
	if (error instanceof ManagedIdentityUnreachable) {
		return new M365AuthError(
			redact(
				`Managed identity: the endpoint ${error.endpoint} (${where}) could not be reached: ${error.errorMessage}. n8n must run on an Azure host with a managed identity (VM or scale set, App Service, Functions, Container Apps, an Arc-enabled server) and reach that endpoint directly (it is never sent through the proxy); elsewhere choose another Authentication.`,
			),
		);
	}
	const code = e.errorCode ?? '';
	const detail = redact(String(e.errorMessage || e.message || 'no details were returned'))
		.replace(/\s+/g, ' ')
		.slice(0, 400);
	if (
		/^unable_to_create_(azure_arc|cloud_shell)$|^user_assigned_not_available_at_runtime$|^user_assigned_managed_identity_not_confirmed$/.test(
			code,
		)
	) {
		return new M365AuthError(
			`Managed identity: ${where} offers only the identities of the host as configured there (${detail}). Choose Managed Identity "System-Assigned", or run n8n where user-assigned identities can be chosen (VM, App Service).`,
		);
	}
	if (/_url_malformed$/.test(code)) {
		return new M365AuthError(
			`Managed identity: ${detail} Fix the environment variable of the n8n process, or remove it.`,
		);
	}
	return new M365AuthError(
		`Managed identity: the endpoint ${expectedEndpoint(source)} (${where}) gave no token for ${which} and resource ${resource}: ${code ? `${code}: ` : ''}${detail}. Check that the identity is assigned to this host (and Managed Identity / Identity ID name it), and that Cloud is the cloud the host runs in.`,
	);
}

/** Acquires an app-only token (msal cache first unless `forceRefresh`). */
async function acquire(
	entry: CacheEntry,
	v: ValidatedAppCredential,
	resource: 'graph' | 'outlook',
	forceRefresh: boolean,
): Promise<string> {
	const key = `${resource}:${forceRefresh ? 'fresh' : 'cached'}`;
	const pending = entry.inflight.get(key);
	if (pending) return await pending;
	const base = resource === 'outlook' ? v.endpoints.outlookAppResource : v.endpoints.graphResource;
	const scope = `${base}/.default`;
	const request = (async () => {
		try {
			let accessToken: string | undefined;
			if (entry.kind === 'managedIdentity') {
				if (v.auth.kind !== 'managedIdentity') throw new M365AuthError('credential changed');
				entry.network.begin();
				try {
					// The managed identity endpoints take a resource, not a scope.
					const result = await entry.app.acquireToken({ resource: base, forceRefresh });
					accessToken = result?.accessToken;
				} catch (error) {
					throw managedIdentityErrorFrom(error, entry.app, v.auth.identity, base);
				}
			} else {
				// Federated: the file is checked before msal sends anything (discovery included).
				if (v.auth.kind === 'federated') readFederatedAssertion(v.auth.tokenFile);
				const result = await entry.app.acquireTokenByClientCredential({
					scopes: [scope],
					skipCache: forceRefresh,
				});
				accessToken = result?.accessToken;
			}
			if (!accessToken) throw new M365AuthError('Microsoft sign-in returned no access token');
			registerSecret(accessToken);
			return accessToken;
		} catch (error) {
			const known =
				error instanceof M365AuthError || error instanceof CredentialFieldError
					? error
					: await authErrorWithDiscovery(error, v);
			throw known;
		} finally {
			entry.inflight.delete(key);
		}
	})();
	entry.inflight.set(key, request);
	return await request;
}

/**
 * A token provider for the "Microsoft 365 (App Client Credentials) API" credential. Validates the
 * fields first (errors name the field and the fix; no request is sent).
 */
export function createAppTokenProvider(
	credentialData: AppCredentialData,
	node?: INode,
	options: AppProviderOptions = {},
): TokenProvider {
	let v: ValidatedAppCredential;
	try {
		v = validateAppCredential(credentialData);
	} catch (error) {
		throw toNodeError(node, error as Error);
	}
	const entry = entryFor(v, options);
	return {
		scheme: 'application',
		endpoints: v.endpoints,
		tenant: v.tenant,
		clientId: v.clientId,
		mailboxRestriction: v.mailboxRestriction,
		async getToken(request = {}) {
			try {
				return await acquire(entry, v, request.resource ?? 'graph', request.forceRefresh === true);
			} catch (error) {
				throw toNodeError(node, error instanceof Error ? error : new Error(redact(String(error))));
			}
		},
	};
}
