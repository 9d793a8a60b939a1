/**
 * Client authentication at the token endpoint: a client secret (`client_secret`, or HTTP Basic)
 * or a certificate-signed client assertion (RFC 7523, `private_key_jwt`), as Entra checks them.
 */
import {
	createPublicKey,
	createVerify,
	constants,
	timingSafeEqual,
	verify as cryptoVerify,
	X509Certificate,
} from 'node:crypto';
import { decodeJwt, DecodedJwt } from '../jwt';
import { certificateHashes } from '../tls';
import type { AppFixture, CertificateFixture } from '../tenant';
import { Aadsts } from './errors';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** How the client proved its identity: the `appidacr` of the tokens it gets (0, 1, 2; federated: 2). */
export type ClientAuthMethod = 'none' | 'secret' | 'certificate' | 'federated';

export interface ClientCredentials {
	secret?: string;
	assertion?: string;
	assertionType?: string;
}

/** The client credential of a token request: form fields, or `Authorization: Basic` (client_secret_basic). */
export function credentialsOf(
	form: URLSearchParams,
	authorization: string | undefined,
): ClientCredentials & { basicClientId?: string } {
	const out: ClientCredentials & { basicClientId?: string } = {};
	if (authorization && /^Basic\s+/i.test(authorization)) {
		const decoded = Buffer.from(authorization.replace(/^Basic\s+/i, ''), 'base64').toString('utf8');
		const colon = decoded.indexOf(':');
		if (colon > 0) {
			out.basicClientId = decodeURIComponent(decoded.slice(0, colon));
			out.secret = decodeURIComponent(decoded.slice(colon + 1));
		}
	}
	const secret = form.get('client_secret');
	if (secret !== null) out.secret = secret;
	const assertion = form.get('client_assertion');
	if (assertion !== null) {
		out.assertion = assertion;
		out.assertionType = form.get('client_assertion_type') ?? '';
	}
	return out;
}

function sameString(a: string, b: string): boolean {
	const x = Buffer.from(a);
	const y = Buffer.from(b);
	return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks a client secret: AADSTS7000215 for a wrong value (or a secret ID), 7000222 for an expired one. */
export function checkSecret(app: AppFixture, secret: string, now = Date.now()): void {
	const match = (app.secrets ?? []).find((s) => sameString(s.value, secret));
	if (!match) throw Aadsts.wrongSecret(app.appId);
	if (Date.parse(match.expires) <= now) throw Aadsts.expiredSecret(app.appId);
}

export interface AssertionContext {
	app: AppFixture;
	/** Token endpoint URLs the assertion's `aud` may name. */
	audiences: string[];
	now?: number;
}

function hexThumbprint(b64url: string): string {
	return Buffer.from(b64url, 'base64url').toString('hex').toUpperCase();
}

function findCertificate(
	app: AppFixture,
	header: Record<string, unknown>,
): CertificateFixture | undefined {
	const x5t = typeof header.x5t === 'string' ? header.x5t : undefined;
	const x5tS256 =
		typeof header['x5t#S256'] === 'string' ? (header['x5t#S256'] as string) : undefined;
	return (app.certificates ?? []).find((cert) => {
		if (!cert.certPem) return false;
		const hashes = certificateHashes(cert.certPem);
		return (
			(x5tS256 !== undefined && hashes.x5tS256 === x5tS256) ||
			(x5t !== undefined && hashes.x5t === x5t)
		);
	});
}

function verifySignature(decoded: DecodedJwt, certPem: string): boolean {
	const key = createPublicKey(certPem);
	try {
		if (decoded.header.alg === 'RS256') {
			const verifier = createVerify('RSA-SHA256');
			verifier.update(decoded.signingInput);
			return verifier.verify(key, decoded.signature);
		}
		if (decoded.header.alg === 'PS256') {
			return cryptoVerify(
				'sha256',
				Buffer.from(decoded.signingInput),
				{
					key,
					padding: constants.RSA_PKCS1_PSS_PADDING,
					saltLength: constants.RSA_PSS_SALTLEN_AUTO,
				},
				decoded.signature,
			);
		}
	} catch {
		return false;
	}
	return false;
}

/**
 * Checks a client assertion as Entra does: a JWT signed (RS256 or PS256) with the key of a
 * certificate uploaded to the app, named by `x5t` or `x5t#S256`; `iss` = `sub` = the client ID;
 * `aud` = the token endpoint; `exp` (and `nbf`) around now; a `jti`.
 */
export function checkAssertion(
	ctx: AssertionContext,
	assertion: string,
	assertionType: string | undefined,
): void {
	if (assertionType !== JWT_BEARER) throw Aadsts.assertionTypeInvalid(assertionType ?? '');
	const decoded = decodeJwt(assertion);
	if (!decoded) throw Aadsts.assertionMalformed();
	const { header, payload } = decoded;
	const appId = ctx.app.appId;
	const thumbprint =
		typeof header.x5t === 'string'
			? hexThumbprint(header.x5t)
			: typeof header['x5t#S256'] === 'string'
				? hexThumbprint(header['x5t#S256'] as string)
				: '';
	const cert = findCertificate(ctx.app, header);
	if (!cert?.certPem) throw Aadsts.assertionKeyNotFound(thumbprint, appId);
	if (!verifySignature(decoded, cert.certPem)) throw Aadsts.assertionSignature(thumbprint, appId);
	const now = ctx.now ?? Date.now();
	const validTo = cert.expires
		? Date.parse(cert.expires)
		: Date.parse(new X509Certificate(cert.certPem).validTo);
	if (validTo <= now) throw Aadsts.assertionKeyExpired(thumbprint, appId);
	if (
		String(payload.iss ?? '').toLowerCase() !== appId.toLowerCase() ||
		String(payload.sub ?? '').toLowerCase() !== appId.toLowerCase()
	) {
		throw Aadsts.assertionIssuer();
	}
	const audiences = (Array.isArray(payload.aud) ? payload.aud : [payload.aud]).map((a) =>
		String(a ?? ''),
	);
	const accepted = ctx.audiences.map((a) => a.toLowerCase().replace(/\/+$/, ''));
	if (!audiences.some((a) => accepted.includes(a.toLowerCase().replace(/\/+$/, '')))) {
		throw Aadsts.assertionAudience(audiences.join(', '));
	}
	const exp = typeof payload.exp === 'number' ? payload.exp : undefined;
	const nbf = typeof payload.nbf === 'number' ? payload.nbf : undefined;
	const skew = 300;
	const seconds = now / 1000;
	if (exp === undefined || exp + skew <= seconds || (nbf !== undefined && nbf - skew > seconds)) {
		throw Aadsts.assertionTime(
			new Date(now),
			nbf !== undefined ? new Date(nbf * 1000) : undefined,
			exp !== undefined ? new Date(exp * 1000) : undefined,
		);
	}
	if (typeof payload.jti !== 'string' || !payload.jti) throw Aadsts.assertionNoJti();
}
