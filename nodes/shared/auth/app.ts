/**
 * App-only (client credentials) tokens from @azure/msal-node. One ConfidentialClientApplication
 * per (cloud endpoints, tenant, client ID, secret or certificate fingerprint), kept for the
 * process: msal's in-memory cache then serves every item and execution the same token until it
 * nears expiry (msal renews it 5 minutes before), and concurrent callers share one request.
 */
import { createHash } from 'node:crypto';
import {
	ConfidentialClientApplication,
	type Configuration,
	type INetworkModule,
} from '@azure/msal-node';
import { NodeOperationError, type INode } from 'n8n-workflow';
import type { CloudEndpoints } from '../clouds';
import {
	validateAppCredential,
	type AppCredentialData,
	type ValidatedAppCredential,
} from '../credentials/validate';
import { CLOUDS } from '../clouds';
import { explainAuthError } from './aadsts';
import type { TokenProvider } from './types';
import { redact } from '../redact';
import { proxyAwareNetworkClient } from './msal-network';
import { proxyFetch } from '../transport/http-client';

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

interface CacheEntry {
	app: ConfidentialClientApplication;
	inflight: Map<string, Promise<string>>;
}

const MAX_APPS = 200;
const apps = new Map<string, CacheEntry>();

/** Options for tests and tools (not credential fields). */
export interface AppProviderOptions {
	/** msal network client (the emulator's router for Global-cloud tests). */
	networkClient?: INetworkModule;
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

/** The cache key: a hash of everything that identifies the app's token (never the secret itself). */
export function appCacheKey(v: ValidatedAppCredential): string {
	const proof =
		v.auth.kind === 'secret'
			? `secret:${sha256(v.auth.secret)}`
			: `cert:${sha256(v.auth.privateKey)}:${v.auth.thumbprintSha256 ?? ''}:${v.auth.thumbprintSha1 ?? ''}`;
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

function buildApp(
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
	} else {
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
		entry = { app: buildApp(v, options), inflight: new Map() };
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
	const scope = `${resource === 'outlook' ? v.endpoints.outlookAppResource : v.endpoints.graphResource}/.default`;
	const request = (async () => {
		try {
			const result = await entry.app.acquireTokenByClientCredential({
				scopes: [scope],
				skipCache: forceRefresh,
			});
			if (!result?.accessToken)
				throw new M365AuthError('Microsoft sign-in returned no access token');
			return result.accessToken;
		} catch (error) {
			const wrapped =
				error instanceof M365AuthError ? error : await authErrorWithDiscovery(error, v);
			throw wrapped;
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
