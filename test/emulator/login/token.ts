/**
 * `POST /{tenant}/oauth2/v2.0/token`: `client_credentials`, `authorization_code` (one-time codes,
 * PKCE, the authorize request's redirect URI) and `refresh_token` (rotating: every refresh returns
 * a new refresh token; earlier ones stay valid until their lifetime ends, as Entra's do).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { BodyTooLargeError, readBody, type EmuRequest, type EmuResponse } from '../http';
import type { Tenant, User } from '../tenant';
import { checkAssertion, checkSecret, credentialsOf, type ClientAuthMethod } from './client-auth';
import { issuerHost } from './discovery';
import { Aadsts, correlationIdOf, LoginError, stsHeaders } from './errors';
import { resolveAuthority, resolveClient, resolveClientAnywhere, type ClientApp } from './resolve';
import {
	consentedApplication,
	consentedDelegated,
	missingConsent,
	parseDelegated,
	responseScope,
	splitScopes,
	type DelegatedRequest,
} from './scopes';
import type { LoginService } from './service';
import { resourceFromIdentifier } from '../tokens';

const MICROSOFT_LOGIN_ORIGINS = [
	'https://login.microsoftonline.com',
	'https://login.windows.net',
	'https://login.microsoft.com',
];

async function readForm(req: EmuRequest): Promise<URLSearchParams> {
	try {
		return new URLSearchParams((await readBody(req.body, 1024 * 1024)).toString('utf8'));
	} catch (e) {
		if (e instanceof BodyTooLargeError)
			throw new LoginError(400, 'invalid_request', 90023, 'The request body is too large.');
		throw e;
	}
}

function ok(req: EmuRequest, body: Record<string, unknown>): EmuResponse {
	return { status: 200, headers: stsHeaders(req, randomUUID(), correlationIdOf(req)), body };
}

/** Token endpoint URLs a client assertion's `aud` may name for this request. */
function assertionAudiences(
	svc: LoginService,
	req: EmuRequest,
	segment: string,
	tenant: Tenant | undefined,
): string[] {
	const origins = [req.baseUrl, svc.emulator.url, ...MICROSOFT_LOGIN_ORIGINS];
	const tenants = [segment, ...(tenant ? [tenant.id, ...tenant.domains] : [])];
	const out: string[] = [];
	for (const origin of origins) {
		for (const t of tenants) {
			out.push(`${origin}/${t}/oauth2/v2.0/token`, `${origin}/${t}/oauth2/token`);
		}
	}
	return out;
}

function authenticate(
	svc: LoginService,
	req: EmuRequest,
	form: URLSearchParams,
	client: ClientApp,
	segment: string,
	grantType: string,
): ClientAuthMethod {
	const creds = credentialsOf(
		form,
		typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
	);
	const app = client.registration;
	if (creds.assertion !== undefined) {
		checkAssertion(
			{ app, audiences: assertionAudiences(svc, req, segment, client.tenant) },
			creds.assertion,
			creds.assertionType,
		);
		return 'certificate';
	}
	if (creds.secret) {
		checkSecret(app, creds.secret);
		return 'secret';
	}
	if (grantType === 'client_credentials' || !app.publicClient) throw Aadsts.credentialRequired();
	return 'none';
}

const APPIDACR: Record<ClientAuthMethod, '0' | '1' | '2'> = {
	none: '0',
	secret: '1',
	certificate: '2',
};

export async function token(
	svc: LoginService,
	req: EmuRequest,
	segment: string,
): Promise<EmuResponse> {
	if (req.method !== 'POST') {
		if (!Buffer.isBuffer(req.body)) req.body.resume();
		throw Aadsts.postOnly(req.method);
	}
	const form = await readForm(req);
	// v2.0 takes `scope`, never `resource` (AADSTS901002, see Aadsts.resourceNotSupported).
	if (form.has('resource')) throw Aadsts.resourceNotSupported();
	const directory = svc.emulator.directory;
	const authority = resolveAuthority(directory, segment);
	const grantType = form.get('grant_type');
	if (!grantType) throw Aadsts.missingParameter('grant_type');
	const basic = credentialsOf(
		new URLSearchParams(),
		typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined,
	);
	const clientId = form.get('client_id') ?? basic.basicClientId;
	if (!clientId) throw Aadsts.missingParameter('client_id');

	// The tenant of the request: the URL's, or for common/organizations the grant's.
	const tenantFor = (grantTenantId: string | undefined): Tenant => {
		if (authority.kind === 'tenant') return authority.tenant;
		const registration = resolveClientAnywhere(directory, authority, clientId);
		if (grantTenantId) return directory.findTenant(grantTenantId)!;
		return directory.findRegistration(registration.appId)!.tenant;
	};

	switch (grantType) {
		case 'client_credentials': {
			const tenant = tenantFor(undefined);
			const client = resolveClient(directory, tenant, clientId);
			const method = authenticate(svc, req, form, client, segment, grantType);
			return clientCredentials(svc, req, form, client, method);
		}
		case 'authorization_code': {
			const code = form.get('code');
			const grant = code ? svc.codes.get(code) : undefined;
			const tenant = tenantFor(grant?.tenantId);
			const client = resolveClient(directory, tenant, clientId);
			const method = authenticate(svc, req, form, client, segment, grantType);
			if (!code) throw Aadsts.missingParameter('code');
			if (!grant || grant.clientId.toLowerCase() !== client.appId.toLowerCase())
				throw Aadsts.codeInvalid();
			if (grant.tenantId !== tenant.id) throw Aadsts.codeOtherTenant();
			if (grant.redeemed) throw Aadsts.codeRedeemed();
			if (grant.expiresAt <= Date.now()) throw Aadsts.grantExpired();
			const redirectUri = form.get('redirect_uri');
			if (!redirectUri) throw Aadsts.missingParameter('redirect_uri');
			if (redirectUri !== grant.redirectUri)
				throw Aadsts.replyAddressChanged(redirectUri, grant.redirectUri);
			if (grant.codeChallenge) {
				const verifier = form.get('code_verifier');
				const expected =
					verifier === null
						? undefined
						: grant.codeChallengeMethod === 'S256'
							? createHash('sha256').update(verifier).digest('base64url')
							: verifier;
				if (expected !== grant.codeChallenge) throw Aadsts.pkceMismatch();
			}
			grant.redeemed = true;
			const user = activeUser(tenant, grant.userId);
			const request = form.get('scope')
				? withOidc(parseDelegated(form.get('scope')!, tenant, client.registration), grant.request)
				: grant.request;
			return delegated(
				svc,
				req,
				form,
				client,
				user,
				request,
				method,
				'authorization_code',
				grant.nonce,
			);
		}
		case 'refresh_token': {
			const refreshToken = form.get('refresh_token');
			const grant = refreshToken ? svc.refreshTokens.get(refreshToken) : undefined;
			const tenant = tenantFor(grant?.tenantId);
			const client = resolveClient(directory, tenant, clientId);
			const method = authenticate(svc, req, form, client, segment, grantType);
			if (!refreshToken) throw Aadsts.missingParameter('refresh_token');
			if (!grant) throw Aadsts.refreshTokenMalformed();
			if (
				grant.clientId.toLowerCase() !== client.appId.toLowerCase() ||
				grant.tenantId !== tenant.id
			)
				throw Aadsts.grantInvalid();
			const validFrom = svc.tokensValidFrom.get(grant.userId.toLowerCase());
			if (validFrom !== undefined && grant.issuedAt < validFrom)
				throw Aadsts.refreshTokenRevoked(new Date(grant.issuedAt), new Date(validFrom));
			const now = Date.now();
			if (grant.expiresAt <= now)
				throw Aadsts.refreshTokenExpired(new Date(grant.issuedAt), (now - grant.issuedAt) / 1000);
			const user = activeUser(tenant, grant.userId);
			const scope = form.get('scope');
			const request = scope ? parseDelegated(scope, tenant, client.registration) : grant.request;
			return delegated(
				svc,
				req,
				form,
				client,
				user,
				request,
				method,
				'refresh_token',
				undefined,
				true,
			);
		}
		default:
			throw Aadsts.unsupportedGrant(grantType);
	}
}

/** A code redeemed with a `scope` keeps the OIDC scopes of the authorize request (offline_access, openid). */
function withOidc(request: DelegatedRequest, original: DelegatedRequest): DelegatedRequest {
	return { ...request, oidc: new Set([...original.oidc, ...request.oidc]) };
}

function activeUser(tenant: Tenant, userId: string): User {
	const user = tenant.findUser(userId);
	if (!user || !user.accountEnabled) throw Aadsts.userDisabled();
	return user;
}

function clientCredentials(
	svc: LoginService,
	req: EmuRequest,
	form: URLSearchParams,
	client: ClientApp,
	method: ClientAuthMethod,
): EmuResponse {
	const scope = form.get('scope');
	if (!scope) throw Aadsts.missingParameter('scope');
	const items = splitScopes(scope);
	if (!items.length || items.some((s) => !s.toLowerCase().endsWith('/.default')))
		throw Aadsts.defaultScopeRequired(scope);
	const identifiers = [
		...new Set(items.map((s) => s.slice(0, -'/.default'.length).replace(/\/+$/, ''))),
	];
	const resources = identifiers.map((id) => ({ id, resource: resourceFromIdentifier(id) }));
	const unknown = resources.find((r) => !r.resource);
	if (unknown) throw Aadsts.resourceNotFound(unknown.id, client.tenant.displayName);
	if (new Set(resources.map((r) => r.resource)).size > 1) throw Aadsts.multipleResources(scope);
	if (!client.servicePrincipal) throw Aadsts.appNotFound(client.appId, client.tenant.displayName);
	// Conditional Access for workload identities, after the client authenticated (scoping.ts).
	if (svc.emulator.scoping.isAppBlocked(client.tenant.id, client.appId))
		throw Aadsts.blockedByConditionalAccess();
	const resource = resources[0].resource!;
	const roles = consentedApplication(client.servicePrincipal, resource);
	const issued = svc.emulator.tokens.issue({
		tenantId: client.tenant.id,
		appId: client.appId,
		resource,
		audience: resources[0].id,
		roles,
		appidacr: APPIDACR[method],
		lifetimeSeconds: svc.emulator.tokenLifetimeSeconds,
	});
	svc.countGrant('client_credentials', client.appId);
	req.log.auth = { appId: client.appId, scheme: 'application', aud: String(issued.claims.aud) };
	return ok(req, {
		token_type: 'Bearer',
		expires_in: issued.expiresIn,
		ext_expires_in: issued.expiresIn,
		access_token: issued.token,
	});
}

function delegated(
	svc: LoginService,
	req: EmuRequest,
	form: URLSearchParams,
	client: ClientApp,
	user: User,
	request: DelegatedRequest,
	method: ClientAuthMethod,
	kind: 'authorization_code' | 'refresh_token',
	nonce?: string,
	alwaysRefresh = false,
): EmuResponse {
	if (!client.servicePrincipal || missingConsent(request, client.servicePrincipal).length) {
		throw Aadsts.consentRequired(client.appId, client.registration.displayName);
	}
	const granted = consentedDelegated(client.servicePrincipal, request.resource);
	const tenant = client.tenant;
	const issued = svc.emulator.tokens.issue({
		tenantId: tenant.id,
		appId: client.appId,
		resource: request.resource,
		user,
		scopes: granted,
		appidacr: APPIDACR[method],
		lifetimeSeconds: svc.emulator.tokenLifetimeSeconds,
	});
	const body: Record<string, unknown> = {
		token_type: 'Bearer',
		scope: responseScope(request, granted),
		expires_in: issued.expiresIn,
		ext_expires_in: issued.expiresIn,
		access_token: issued.token,
	};
	if (alwaysRefresh || request.oidc.has('offline_access')) {
		const refreshToken = `1.A${randomBytes(96).toString('base64url')}`;
		const now = Date.now();
		svc.refreshTokens.set(refreshToken, {
			clientId: client.appId,
			tenantId: tenant.id,
			userId: user.id,
			request,
			issuedAt: now,
			expiresAt: now + svc.refreshTokenLifetime * 1000,
			authMethod: method,
		});
		body.refresh_token = refreshToken;
	}
	if (request.oidc.has('openid')) body.id_token = idToken(svc, req, client, user, request, nonce);
	if (form.get('client_info') === '1') {
		body.client_info = Buffer.from(JSON.stringify({ uid: user.id, utid: tenant.id })).toString(
			'base64url',
		);
	}
	svc.countGrant(kind, client.appId);
	req.log.auth = {
		appId: client.appId,
		upn: user.userPrincipalName,
		scheme: 'delegated',
		aud: String(issued.claims.aud),
	};
	return ok(req, body);
}

/** A v2.0 ID token, signed with the emulator's key (published at the JWKS URI). */
function idToken(
	svc: LoginService,
	req: EmuRequest,
	client: ClientApp,
	user: User,
	request: DelegatedRequest,
	nonce?: string,
): string {
	const now = Math.floor(Date.now() / 1000);
	const claims: Record<string, unknown> = {
		aud: client.appId,
		iss: `https://${issuerHost(req)}/${client.tenant.id}/v2.0`,
		iat: now,
		nbf: now,
		exp: now + 3600,
		name: user.displayName,
		oid: user.id,
		preferred_username: user.userPrincipalName,
		rh: `0.A${randomBytes(24).toString('base64url')}.`,
		sub: createHash('sha256').update(`${user.id}:${client.appId}`).digest('base64url').slice(0, 43),
		tid: client.tenant.id,
		uti: randomBytes(16).toString('base64url').slice(0, 22),
		ver: '2.0',
	};
	if (nonce) claims.nonce = nonce;
	if (request.oidc.has('email') && user.mail) claims.email = user.mail;
	return svc.emulator.tokens.key.sign(claims);
}
