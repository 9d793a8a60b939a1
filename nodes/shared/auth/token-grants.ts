/**
 * What an access token says it may do: the application permissions (`roles`) of an app-only
 * token or the delegated permissions (`scp`) of a user's token, with the app and tenant it was
 * issued to. Read from the token's payload without checking its signature (Graph checks it; we
 * only compare). The token itself is never returned or printed.
 */
import { jwtClaims } from './app';
import type { AuthScheme } from './types';

export interface TokenGrants {
	/** `application` for `roles`, `delegated` for `scp`. */
	scheme: AuthScheme;
	/** Permission names as Microsoft spells them (`Mail.Send`), sorted. */
	permissions: string[];
	/** The app (client) ID the token was issued to (`appid` / `azp`). */
	appId?: string;
	/** The tenant (`tid`). */
	tenant?: string;
}

function text(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The grants of a token; `fallback` is the scheme when the token carries neither claim. */
export function grantsOfToken(token: string, fallback: AuthScheme): TokenGrants {
	const claims = jwtClaims(token);
	const roles = Array.isArray(claims.roles) ? (claims.roles as unknown[]).map(String) : undefined;
	const scp = text(claims.scp)?.split(/\s+/).filter(Boolean);
	const scheme: AuthScheme = scp ? 'delegated' : roles ? 'application' : fallback;
	const permissions = [...new Set((scheme === 'delegated' ? scp : roles) ?? [])].sort();
	return {
		scheme,
		permissions,
		appId: text(claims.appid) ?? text(claims.azp),
		tenant: text(claims.tid),
	};
}
