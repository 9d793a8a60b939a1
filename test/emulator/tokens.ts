/**
 * Access tokens as Entra issues them for Graph and Exchange (v1.0-format JWTs signed by the
 * emulator's key), and their validation as a resource server does it.
 */
import { randomUUID } from 'node:crypto';
import { decodeJwt, JwtClaims, SigningKey, verifyRs256 } from './jwt';

/** Resources the emulator issues tokens for, by canonical identifier (the `aud` claim). */
export const RESOURCES = {
	graph: {
		id: 'https://graph.microsoft.com',
		appId: '00000003-0000-0000-c000-000000000000',
		aliases: [
			'https://graph.microsoft.com',
			'https://graph.microsoft.us',
			'https://dod-graph.microsoft.us',
			'https://microsoftgraph.chinacloudapi.cn',
			'00000003-0000-0000-c000-000000000000',
		],
	},
	outlook: {
		id: 'https://outlook.office.com',
		appId: '00000002-0000-0ff1-ce00-000000000000',
		aliases: [
			'https://outlook.office.com',
			'https://outlook.office365.com',
			'00000002-0000-0ff1-ce00-000000000000',
		],
	},
} as const;

export type ResourceName = keyof typeof RESOURCES;

export function resourceFromIdentifier(identifier: string): ResourceName | undefined {
	const id = identifier.replace(/\/+$/, '').toLowerCase();
	for (const [name, resource] of Object.entries(RESOURCES)) {
		if ((resource.aliases as readonly string[]).some((a) => a.toLowerCase() === id))
			return name as ResourceName;
	}
	return undefined;
}

export interface IssueOptions {
	tenantId: string;
	appId: string;
	resource: ResourceName;
	/** The audience string as the client asked for it (defaults to the canonical identifier). */
	audience?: string;
	/** Delegated: the signed-in user and the granted scopes (short names). */
	user?: { id: string; userPrincipalName: string; displayName: string };
	scopes?: string[];
	/** Application: the granted app roles. */
	roles?: string[];
	/** 0 public client, 1 client secret, 2 certificate. */
	appidacr?: '0' | '1' | '2';
	lifetimeSeconds: number;
	/** App tokens: the service principal's object ID (default: derived from tenant and app). */
	objectId?: string;
	/** Further claims (e.g. `xms_mirid` of a managed identity). */
	extraClaims?: Record<string, unknown>;
}

export type TokenCheck =
	| { ok: true; claims: AccessTokenClaims }
	| {
			ok: false;
			reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'audience' | 'revoked';
			claims?: JwtClaims;
	  };

export interface AccessTokenClaims extends JwtClaims {
	aud: string;
	iss: string;
	tid: string;
	appid: string;
	oid: string;
	exp: number;
	iat: number;
	scp?: string;
	roles?: string[];
	upn?: string;
	idtyp: 'app' | 'user';
}

export class TokenService {
	/** Tokens of an older generation are treated as expired ("token expiry now"). */
	private generation = 1;
	issued = 0;

	constructor(readonly key: SigningKey) {}

	issue(options: IssueOptions): { token: string; expiresIn: number; claims: AccessTokenClaims } {
		const now = Math.floor(Date.now() / 1000);
		const resource = RESOURCES[options.resource];
		const claims: AccessTokenClaims = {
			aud: options.audience ?? resource.id,
			iss: `https://sts.windows.net/${options.tenantId}/`,
			iat: now,
			nbf: now,
			exp: now + options.lifetimeSeconds,
			tid: options.tenantId,
			appid: options.appId,
			appidacr: options.appidacr ?? '1',
			oid:
				options.user?.id ?? options.objectId ?? servicePrincipalId(options.tenantId, options.appId),
			sub: options.user?.id ?? options.objectId ?? options.appId,
			idtyp: options.user ? 'user' : 'app',
			ver: '1.0',
			uti: randomUUID().replace(/-/g, '').slice(0, 22),
			jti: randomUUID(),
			xms_gen: this.generation,
		};
		if (options.user) {
			claims.upn = options.user.userPrincipalName;
			claims.unique_name = options.user.userPrincipalName;
			claims.name = options.user.displayName;
			claims.scp = (options.scopes ?? []).join(' ');
		} else {
			claims.roles = options.roles ?? [];
		}
		Object.assign(claims, options.extraClaims ?? {});
		this.issued += 1;
		return { token: this.key.sign(claims), expiresIn: options.lifetimeSeconds, claims };
	}

	/** Validates a bearer token for a resource: signature, lifetime, revocation, audience. */
	check(authorization: string | undefined, resource: ResourceName): TokenCheck {
		if (!authorization || !/^Bearer\s+\S/i.test(authorization))
			return { ok: false, reason: 'missing' };
		const decoded = decodeJwt(authorization.replace(/^Bearer\s+/i, '').trim());
		if (!decoded) return { ok: false, reason: 'malformed' };
		if (!verifyRs256(decoded, this.key.publicKey) || decoded.header.kid !== this.key.kid) {
			return { ok: false, reason: 'signature', claims: decoded.payload };
		}
		const claims = decoded.payload as AccessTokenClaims;
		const now = Math.floor(Date.now() / 1000);
		if (typeof claims.exp !== 'number' || claims.exp <= now)
			return { ok: false, reason: 'expired', claims };
		if (claims.xms_gen !== this.generation) return { ok: false, reason: 'revoked', claims };
		if (resourceFromIdentifier(String(claims.aud)) !== resource)
			return { ok: false, reason: 'audience', claims };
		return { ok: true, claims };
	}

	/** Makes every token issued so far invalid (as if it had expired). */
	expireAll(): void {
		this.generation += 1;
	}
}

/** A stable object ID for an app's service principal in a tenant. */
export function servicePrincipalId(tenantId: string, appId: string): string {
	const hex = Buffer.from(`${tenantId}:${appId}`).toString('hex').padEnd(32, '0').slice(-32);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
