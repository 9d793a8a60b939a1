/**
 * The login.microsoftonline.com v2.0 surface on the emulator's one host, for any tenant segment
 * (tenant ID, verified domain, `common`, `organizations`; `consumers` is refused):
 *
 * - `GET /{tenant}/v2.0/.well-known/openid-configuration` (and the v1 document),
 *   `GET /{tenant}/discovery/v2.0/keys`, `GET /common/discovery/instance` (discovery.ts);
 * - `GET|POST /{tenant}/oauth2/v2.0/authorize`: signs in a user without a page (authorize.ts);
 * - `POST /{tenant}/oauth2/v2.0/token`: authorization_code, refresh_token, client_credentials
 *   (token.ts), with client secrets or certificate assertions (client-auth.ts);
 * - `GET /{tenant}/oauth2/v2.0/logout`.
 *
 * Errors are Entra's (errors.ts). Nothing a client sends as a credential is kept: form bodies are
 * parsed and dropped; codes and refresh tokens are random handles to in-memory grants.
 */
import type { EmuRequest, EmuResponse } from '../http';
import type { Emulator } from '../emulator';
import { authorize } from './authorize';
import { openidConfiguration, signingKeys, instanceDiscovery } from './discovery';
import { errorPage, jsonError, LoginError } from './errors';
import { resolveAuthority } from './resolve';
import type { ClientAuthMethod } from './client-auth';
import type { DelegatedRequest } from './scopes';
import { token } from './token';

export type GrantKind = 'client_credentials' | 'authorization_code' | 'refresh_token';

export interface LoginStats {
	/** Requests per endpoint. */
	requests: {
		openidConfiguration: number;
		keys: number;
		instanceDiscovery: number;
		authorize: number;
		token: number;
		logout: number;
	};
	/** Tokens issued by the token endpoint, per grant type. */
	grants: Record<GrantKind, number>;
	/** Successful token-endpoint grants per client ID. */
	grantsByApp: Record<string, number>;
	/** Codes issued by the authorize endpoint. */
	codesIssued: number;
	/** Errors answered, by AADSTS code (`'7000215': 2`). */
	errors: Record<string, number>;
}

/** An authorization code: a handle to what the authorize request established. */
export interface AuthCodeGrant {
	clientId: string;
	tenantId: string;
	userId: string;
	redirectUri: string;
	request: DelegatedRequest;
	codeChallenge?: string;
	codeChallengeMethod?: 'S256' | 'plain';
	nonce?: string;
	issuedAt: number;
	expiresAt: number;
	redeemed: boolean;
}

/** A refresh token: opaque to the client; multi-resource (any consented resource may be asked for). */
export interface RefreshTokenGrant {
	clientId: string;
	tenantId: string;
	userId: string;
	/** What the token was first issued for (used when a refresh names no scope). */
	request: DelegatedRequest;
	issuedAt: number;
	expiresAt: number;
	authMethod: ClientAuthMethod;
}

export const DEFAULT_REFRESH_TOKEN_LIFETIME = 90 * 24 * 3600;

function emptyStats(): LoginStats {
	return {
		requests: {
			openidConfiguration: 0,
			keys: 0,
			instanceDiscovery: 0,
			authorize: 0,
			token: 0,
			logout: 0,
		},
		grants: { client_credentials: 0, authorization_code: 0, refresh_token: 0 },
		grantsByApp: {},
		codesIssued: 0,
		errors: {},
	};
}

export class LoginService {
	stats: LoginStats = emptyStats();
	readonly codes = new Map<string, AuthCodeGrant>();
	readonly refreshTokens = new Map<string, RefreshTokenGrant>();
	/** Per user ID: refresh tokens issued before this time are revoked (AADSTS50173). */
	readonly tokensValidFrom = new Map<string, number>();

	constructor(readonly emulator: Emulator) {}

	/** Refresh-token lifetime (inactivity window) in seconds. */
	get refreshTokenLifetime(): number {
		return this.emulator.options.refreshTokenLifetime ?? DEFAULT_REFRESH_TOKEN_LIFETIME;
	}

	resetStats(): void {
		this.stats = emptyStats();
	}

	/**
	 * Test hook: refresh tokens issued so far (all, or those of a client or user) are past their
	 * lifetime; redeeming one answers AADSTS700082.
	 */
	expireRefreshTokens(filter: { clientId?: string; userId?: string } = {}): number {
		const now = Date.now();
		let n = 0;
		for (const grant of this.refreshTokens.values()) {
			if (filter.clientId && grant.clientId.toLowerCase() !== filter.clientId.toLowerCase())
				continue;
			if (filter.userId && grant.userId.toLowerCase() !== filter.userId.toLowerCase()) continue;
			grant.issuedAt = Math.min(grant.issuedAt, now - this.refreshTokenLifetime * 1000);
			grant.expiresAt = now - 1;
			n += 1;
		}
		return n;
	}

	/** Test hook: codes issued so far are past their 10 minutes (AADSTS70008). */
	expireCodes(): void {
		for (const grant of this.codes.values()) grant.expiresAt = Date.now() - 1;
	}

	/** Test hook (and Graph's revokeSignInSessions): the user's refresh tokens are revoked (AADSTS50173). */
	revokeSignInSessions(userId: string): void {
		this.tokensValidFrom.set(userId.toLowerCase(), Date.now() + 1);
	}

	countGrant(kind: GrantKind, clientId: string): void {
		this.stats.grants[kind] += 1;
		this.stats.grantsByApp[clientId] = (this.stats.grantsByApp[clientId] ?? 0) + 1;
	}

	private countError(e: LoginError): void {
		const key = String(e.code);
		this.stats.errors[key] = (this.stats.errors[key] ?? 0) + 1;
	}

	async dispatch(req: EmuRequest): Promise<EmuResponse> {
		const segments = req.path.split('/').filter(Boolean);
		const rest = segments.slice(1).join('/').toLowerCase();
		const segment = segments[0] ?? '';
		const page = rest === 'oauth2/v2.0/authorize';
		try {
			if (rest === 'discovery/instance' || rest === 'discovery/v2.0/instance') {
				this.stats.requests.instanceDiscovery += 1;
				return instanceDiscovery(req, [new URL(this.emulator.url).host]);
			}
			if (
				rest === 'v2.0/.well-known/openid-configuration' ||
				rest === '.well-known/openid-configuration'
			) {
				this.stats.requests.openidConfiguration += 1;
				const authority = resolveAuthority(this.emulator.directory, segment);
				return openidConfiguration(req, authority, rest.startsWith('v2.0') ? 'v2.0' : 'v1');
			}
			if (rest === 'discovery/v2.0/keys' || rest === 'discovery/keys') {
				this.stats.requests.keys += 1;
				const authority = resolveAuthority(this.emulator.directory, segment);
				return signingKeys(req, authority, this.emulator.tokens.key.jwk());
			}
			if (page) {
				this.stats.requests.authorize += 1;
				return await authorize(this, req, segment);
			}
			if (rest === 'oauth2/v2.0/token') {
				this.stats.requests.token += 1;
				return await token(this, req, segment);
			}
			if (rest === 'oauth2/v2.0/logout') {
				this.stats.requests.logout += 1;
				const target = req.query.get('post_logout_redirect_uri');
				if (target) return { status: 302, headers: { Location: target } };
				return {
					status: 200,
					headers: { 'Content-Type': 'text/html; charset=utf-8' },
					body: '<!DOCTYPE html><title>Sign out</title><p>You signed out of your account.</p>',
				};
			}
		} catch (error) {
			if (error instanceof LoginError) {
				this.countError(error);
				return page ? errorPage(req, error) : jsonError(req, error);
			}
			throw error;
		}
		return {
			status: 404,
			headers: { 'Content-Type': 'application/json; charset=utf-8' },
			body: {
				error: 'not_found',
				error_description: `No login route for ${req.method} ${req.path}`,
			},
		};
	}

	/** Counts an error that the authorize endpoint returns by redirect. */
	countRedirectedError(e: LoginError): void {
		this.countError(e);
	}
}
