/**
 * Test OIDC issuers hosted by the emulator, standing in for a Kubernetes cluster's service-account
 * issuer (or GitHub's, Google's ...) in workload identity federation: each has a discovery
 * document and a JWKS, and mints service-account tokens for tests to write into a token file.
 *
 * - `GET /_emulator/oidc/{name}/.well-known/openid-configuration`: `issuer`, `jwks_uri`, as
 *   OpenID Connect Discovery 1.0 §3 and a Kubernetes API server's
 *   `/.well-known/openid-configuration` (service-account issuer discovery,
 *   https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#service-account-issuer-discovery)
 *   give it.
 * - `GET /_emulator/oidc/{name}/jwks`: the issuer's public keys (RFC 7517).
 * - `POST /_emulator/oidc/{name}/token`: mints a token (test-only; a real issuer gives it to the
 *   pod as a projected volume, the file AZURE_FEDERATED_TOKEN_FILE names:
 *   https://azure.github.io/azure-workload-identity/docs/quick-start.html).
 *
 * The login service (login/federation.ts) verifies signatures with these keys directly — what
 * Entra does after fetching `{issuer}/.well-known/openid-configuration` and its `jwks_uri`
 * ("validates the external token against the OpenID Connect (OIDC) issuer URL on the external
 * IdP", https://learn.microsoft.com/en-us/entra/workload-id/workload-identity-federation).
 */
import { randomUUID } from 'node:crypto';
import type { Emulator } from '../emulator';
import { readBody, Router, type EmuResponse } from '../http';
import { SigningKey } from '../jwt';

/** The audience Microsoft recommends for federated credentials (and Azure Workload Identity's default). */
export const TOKEN_EXCHANGE_AUDIENCE = 'api://AzureADTokenExchange';

export interface MintOptions {
	/** `sub`; default `system:serviceaccount:{namespace}:{serviceAccount}`. */
	subject?: string;
	namespace?: string;
	serviceAccount?: string;
	/** `aud` (string or list); default `api://AzureADTokenExchange`. */
	audience?: string | string[];
	/** Seconds from now to `exp`; negative for a token that has already expired. Default 3600. */
	expiresInSeconds?: number;
	/** Seconds from now to `nbf` (default 0: now; `iat` is the same). */
	notBeforeSeconds?: number;
	/** Any further claims (override the defaults). */
	claims?: Record<string, unknown>;
}

export class OidcIssuer {
	private signingKey?: SigningKey;

	/** Its signing key, generated on first use (so an emulator that never federates pays nothing). */
	get key(): SigningKey {
		return (this.signingKey ??= new SigningKey());
	}

	constructor(
		readonly name: string,
		private readonly baseUrl: () => string,
	) {}

	/** `https://127.0.0.1:{port}/_emulator/oidc/{name}`: the `iss` of its tokens. */
	get issuer(): string {
		return `${this.baseUrl()}/_emulator/oidc/${this.name}`;
	}

	discovery(): Record<string, unknown> {
		// The fields a Kubernetes API server publishes for service-account issuer discovery.
		return {
			issuer: this.issuer,
			jwks_uri: `${this.issuer}/jwks`,
			response_types_supported: ['id_token'],
			subject_types_supported: ['public'],
			id_token_signing_alg_values_supported: ['RS256'],
		};
	}

	jwks(): { keys: Record<string, unknown>[] } {
		return { keys: [{ ...this.key.jwk(), alg: 'RS256' }] };
	}

	/** A Kubernetes projected service-account token (claims as the API server issues them). */
	mint(options: MintOptions = {}): { token: string; claims: Record<string, unknown> } {
		const now = Math.floor(Date.now() / 1000);
		const namespace = options.namespace ?? 'n8n';
		const serviceAccount = options.serviceAccount ?? 'n8n';
		const nbf = now + (options.notBeforeSeconds ?? 0);
		const claims: Record<string, unknown> = {
			aud: options.audience ?? [TOKEN_EXCHANGE_AUDIENCE],
			exp: now + (options.expiresInSeconds ?? 3600),
			iat: nbf,
			nbf,
			iss: this.issuer,
			jti: randomUUID(),
			'kubernetes.io': {
				namespace,
				serviceaccount: { name: serviceAccount, uid: randomUUID() },
			},
			sub: options.subject ?? `system:serviceaccount:${namespace}:${serviceAccount}`,
			...options.claims,
		};
		return { token: this.key.sign(claims), claims };
	}
}

/** The emulator's test issuers by name; `k8s` exists from the start. */
export class OidcIssuers {
	private readonly issuers = new Map<string, OidcIssuer>();

	constructor(private readonly emu: Emulator) {
		this.add('k8s');
	}

	add(name: string): OidcIssuer {
		const existing = this.issuers.get(name);
		if (existing) return existing;
		const issuer = new OidcIssuer(name, () => this.emu.url);
		this.issuers.set(name, issuer);
		return issuer;
	}

	get(name: string): OidcIssuer | undefined {
		return this.issuers.get(name);
	}

	/** The hosted issuer whose URL is exactly `iss` (Entra compares issuers case-sensitively). */
	byIssuerUrl(iss: string): OidcIssuer | undefined {
		return [...this.issuers.values()].find((i) => i.issuer === iss);
	}

	list(): OidcIssuer[] {
		return [...this.issuers.values()];
	}
}

async function json<T>(body: Parameters<typeof readBody>[0]): Promise<T> {
	const raw = await readBody(body, 1024 * 1024);
	return (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as T;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/i;

export function registerOidcAdmin(router: Router, issuers: OidcIssuers): void {
	const missing = (name: string): EmuResponse => ({
		status: 404,
		body: { error: `no test issuer '${name}' (POST /_emulator/oidc/issuers {"name"} adds one)` },
	});
	router.add('GET', '/_emulator/oidc/issuers', () => ({
		status: 200,
		body: { issuers: issuers.list().map((i) => ({ name: i.name, issuer: i.issuer })) },
	}));
	router.add('POST', '/_emulator/oidc/issuers', async (req) => {
		const { name = '' } = await json<{ name?: string }>(req.body);
		if (!NAME.test(name)) return { status: 400, body: { error: 'name: letters, digits, -' } };
		const issuer = issuers.add(name);
		return { status: 200, body: { name: issuer.name, issuer: issuer.issuer } };
	});
	router.add('GET', '/_emulator/oidc/:name/.well-known/openid-configuration', (_req, params) => {
		const issuer = issuers.get(params.name);
		return issuer ? { status: 200, body: issuer.discovery() } : missing(params.name);
	});
	router.add('GET', '/_emulator/oidc/:name/jwks', (_req, params) => {
		const issuer = issuers.get(params.name);
		return issuer ? { status: 200, body: issuer.jwks() } : missing(params.name);
	});
	router.add('POST', '/_emulator/oidc/:name/token', async (req, params) => {
		const issuer = issuers.get(params.name);
		if (!issuer) return missing(params.name);
		const minted = issuer.mint(await json<MintOptions>(req.body));
		return { status: 200, body: minted };
	});
}
