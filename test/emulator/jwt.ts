/** Minimal RS256 JWT signing and verification for the emulator (Node's crypto only). */
import {
	createPublicKey,
	createSign,
	createVerify,
	generateKeyPairSync,
	KeyObject,
	randomUUID,
} from 'node:crypto';

export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
	header: Record<string, unknown>;
	payload: JwtClaims;
	signingInput: string;
	signature: Buffer;
}

export function decodeJwt(token: string): DecodedJwt | undefined {
	const parts = token.split('.');
	if (parts.length !== 3) return undefined;
	try {
		const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
		const payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
		if (typeof header !== 'object' || typeof payload !== 'object' || !header || !payload)
			return undefined;
		return {
			header,
			payload,
			signingInput: `${parts[0]}.${parts[1]}`,
			signature: Buffer.from(parts[2], 'base64url'),
		};
	} catch {
		return undefined;
	}
}

export function verifyRs256(decoded: DecodedJwt, key: KeyObject | string): boolean {
	if (decoded.header.alg !== 'RS256') return false;
	const verifier = createVerify('RSA-SHA256');
	verifier.update(decoded.signingInput);
	try {
		return verifier.verify(key, decoded.signature);
	} catch {
		return false;
	}
}

/** The emulator's token-signing key, published at the tenant's JWKS URI. */
export class SigningKey {
	readonly kid = randomUUID().replace(/-/g, '').slice(0, 27);
	private readonly privateKey: KeyObject;
	readonly publicKey: KeyObject;

	constructor() {
		const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
		this.privateKey = pair.privateKey;
		this.publicKey = createPublicKey(pair.privateKey);
	}

	sign(payload: JwtClaims): string {
		const header = { typ: 'JWT', alg: 'RS256', kid: this.kid };
		const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
		const signer = createSign('RSA-SHA256');
		signer.update(input);
		return `${input}.${signer.sign(this.privateKey).toString('base64url')}`;
	}

	jwk(): Record<string, unknown> {
		const jwk = this.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
		return { kty: 'RSA', use: 'sig', kid: this.kid, n: jwk.n, e: jwk.e };
	}
}
