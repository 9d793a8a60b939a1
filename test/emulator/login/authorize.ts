/**
 * `/{tenant}/oauth2/v2.0/authorize`: the authorization request of the code flow. There is no
 * sign-in page: the user named by `login_hint` (else the tenant's `signedInUser`) is signed in
 * and the browser is redirected with a code.
 *
 * As Entra: problems with the tenant, the client ID or the redirect URI are shown on an error page
 * (here HTTP 400, HTML, or the JSON error body when the client accepts `application/json`);
 * problems found after the redirect URI was trusted go back to it as `error` and
 * `error_description`. Permissions the tenant has not consented to: Entra would show a consent
 * page (or "Need admin approval"); the emulator has no pages, so it answers as Entra answers
 * `prompt=none` — a redirect with `error=consent_required` and AADSTS65001.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readBody, type EmuRequest, type EmuResponse } from '../http';
import type { AppFixture, Tenant, User } from '../tenant';
import { Aadsts, errorBody, LoginError } from './errors';
import {
	findGuest,
	findUserAnywhere,
	resolveAuthority,
	resolveClient,
	resolveClientAnywhere,
	tenantOfDomain,
	type ClientApp,
} from './resolve';
import { missingConsent, parseDelegated } from './scopes';
import type { LoginService } from './service';

/** Authorization codes live 10 minutes, as Entra's. */
export const CODE_LIFETIME_MS = 10 * 60 * 1000;

function escapeHtml(text: string): string {
	return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Sends parameters back to the client: query (default), fragment or form_post. */
function respond(redirectUri: string, mode: string, params: Record<string, string>): EmuResponse {
	if (mode === 'form_post') {
		const inputs = Object.entries(params)
			.map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}" />`)
			.join('');
		return {
			status: 200,
			headers: {
				'Content-Type': 'text/html; charset=utf-8',
				'Cache-Control': 'no-store, no-cache',
			},
			body: `<html><head><title>Working...</title></head><body><form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">${inputs}<noscript><p>Script is disabled. Click Submit to continue.</p><input type="submit" value="Submit" /></noscript></form><script language="javascript">document.forms[0].submit();</script></body></html>`,
		};
	}
	const query = new URLSearchParams(params).toString();
	const separator = mode === 'fragment' ? '#' : redirectUri.includes('?') ? '&' : '?';
	return {
		status: 302,
		headers: {
			Location: `${redirectUri}${separator}${query}`,
			'Cache-Control': 'no-store, no-cache',
		},
	};
}

/** The signed-in user and the tenant of the sign-in. Errors are page errors (50020, 50034, 50057). */
function signIn(
	svc: LoginService,
	home: Tenant | undefined,
	hint: string | null,
	app: AppFixture,
): { tenant: Tenant; user: User } {
	const directory = svc.emulator.directory;
	if (home) {
		if (hint) {
			const user = home.findUser(hint) ?? findGuest(home, hint);
			if (user) return checkEnabled({ tenant: home, user });
			const elsewhere = findUserAnywhere(directory, hint);
			if (elsewhere)
				throw Aadsts.userOtherTenant(
					hint,
					elsewhere.tenant.id,
					home.displayName,
					app.appId,
					app.displayName,
				);
			throw Aadsts.userNotFound(hint, (tenantOfDomain(directory, hint) ?? home).id);
		}
		const user = home.signedInUser ? home.findUser(home.signedInUser) : undefined;
		if (!user) throw Aadsts.userNotFound(home.signedInUser ?? '(none)', home.id);
		return checkEnabled({ tenant: home, user });
	}
	if (hint) {
		const found = findUserAnywhere(directory, hint);
		if (!found) throw Aadsts.userNotFound(hint, tenantOfDomain(directory, hint)?.id ?? 'common');
		return checkEnabled(found);
	}
	const tenant = directory.home;
	const user = tenant.signedInUser ? tenant.findUser(tenant.signedInUser) : undefined;
	if (!user) throw Aadsts.userNotFound(tenant.signedInUser ?? '(none)', tenant.id);
	return checkEnabled({ tenant, user });
}

function checkEnabled(found: { tenant: Tenant; user: User }): { tenant: Tenant; user: User } {
	if (!found.user.accountEnabled) throw Aadsts.userDisabled();
	return found;
}

export async function authorize(
	svc: LoginService,
	req: EmuRequest,
	segment: string,
): Promise<EmuResponse> {
	let params = req.query;
	if (req.method === 'POST') {
		const form = new URLSearchParams((await readBody(req.body, 1024 * 1024)).toString('utf8'));
		params = new URLSearchParams([...req.query, ...form]);
	} else if (req.method !== 'GET') {
		throw Aadsts.missingParameter('client_id');
	}
	const directory = svc.emulator.directory;
	const authority = resolveAuthority(directory, segment);
	const clientId = params.get('client_id');
	if (!clientId) throw Aadsts.missingParameter('client_id');
	let registration: AppFixture;
	let client: ClientApp | undefined;
	if (authority.kind === 'tenant') {
		client = resolveClient(directory, authority.tenant, clientId);
		registration = client.registration;
	} else {
		registration = resolveClientAnywhere(directory, authority, clientId);
	}

	// The redirect URI: exactly one registered for the Web platform.
	const registered = registration.redirectUris ?? [];
	if (!registered.length) throw Aadsts.noReplyAddress();
	const redirectUri = params.get('redirect_uri') ?? registered[0];
	if (!registered.includes(redirectUri))
		throw Aadsts.redirectMismatch(redirectUri, registration.appId);

	// From here on, errors go back to the client.
	const state = params.get('state');
	const responseMode = params.get('response_mode') ?? 'query';
	const back = (e: LoginError): EmuResponse => {
		svc.countRedirectedError(e);
		const body = errorBody(req, e);
		const out: Record<string, string> = {
			error: e.error === 'invalid_grant' && e.code === 65001 ? 'consent_required' : e.error,
			error_description: body.error_description,
			error_uri: body.error_uri,
		};
		if (state !== null) out.state = state;
		return respond(redirectUri, responseMode, out);
	};
	try {
		// v2.0 takes `scope`, never `resource` (AADSTS901002, see Aadsts.resourceNotSupported);
		// once the redirect URI is trusted, the error goes back to it.
		if (params.has('resource')) throw Aadsts.resourceNotSupported();
		const responseType = params.get('response_type');
		if (!responseType) throw Aadsts.missingParameter('response_type');
		if (responseType !== 'code') throw Aadsts.unsupportedResponseType(responseType);
		const scope = params.get('scope');
		if (!scope) throw Aadsts.missingParameter('scope');
		const challenge = params.get('code_challenge') ?? undefined;
		const method = params.get('code_challenge_method') ?? (challenge ? 'plain' : undefined);
		if (challenge !== undefined) {
			if (method !== 'S256' && method !== 'plain') {
				throw new LoginError(
					400,
					'invalid_request',
					501491,
					`Invalid code_challenge_method '${method}'. Supported values are 'S256' and 'plain'.`,
				);
			}
			if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(challenge)) {
				throw new LoginError(
					400,
					'invalid_request',
					501491,
					'Invalid size of Code_Challenge parameter.',
				);
			}
		}
		const prompt = params.get('prompt');
		if (prompt && !['login', 'none', 'consent', 'select_account', 'create'].includes(prompt)) {
			throw new LoginError(
				400,
				'invalid_request',
				90023,
				`Invalid value '${prompt}' for parameter 'prompt'.`,
			);
		}

		let signedIn: { tenant: Tenant; user: User };
		try {
			signedIn = signIn(
				svc,
				authority.kind === 'tenant' ? authority.tenant : undefined,
				params.get('login_hint'),
				registration,
			);
		} catch (e) {
			if (e instanceof LoginError) throw new PageError(e);
			throw e;
		}
		if (!client) {
			try {
				client = resolveClient(directory, signedIn.tenant, clientId);
			} catch (e) {
				if (e instanceof LoginError) throw new PageError(e);
				throw e;
			}
		}
		const request = parseDelegated(scope, client.tenant, registration);
		if (!client.servicePrincipal || missingConsent(request, client.servicePrincipal).length) {
			throw Aadsts.consentRequired(registration.appId, registration.displayName);
		}

		const code = `1.A${randomBytes(48).toString('base64url')}`;
		const now = Date.now();
		svc.codes.set(code, {
			clientId: registration.appId,
			tenantId: signedIn.tenant.id,
			userId: signedIn.user.id,
			redirectUri,
			request,
			codeChallenge: challenge,
			codeChallengeMethod: challenge ? (method as 'S256' | 'plain') : undefined,
			nonce: params.get('nonce') ?? undefined,
			issuedAt: now,
			expiresAt: now + CODE_LIFETIME_MS,
			redeemed: false,
		});
		svc.stats.codesIssued += 1;
		req.log.auth = {
			appId: registration.appId,
			upn: signedIn.user.userPrincipalName,
			scheme: 'delegated',
		};
		const out: Record<string, string> = { code };
		if (params.get('client_info') === '1') {
			out.client_info = Buffer.from(
				JSON.stringify({ uid: signedIn.user.id, utid: signedIn.tenant.id }),
			).toString('base64url');
		}
		if (state !== null) out.state = state;
		out.session_state = randomUUID();
		return respond(redirectUri, responseMode, out);
	} catch (e) {
		if (e instanceof PageError) throw e.inner;
		if (e instanceof LoginError) return back(e);
		throw e;
	}
}

/** A sign-in error shown on the page rather than sent to the redirect URI. */
class PageError extends Error {
	constructor(readonly inner: LoginError) {
		super(inner.message);
	}
}
