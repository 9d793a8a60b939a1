/**
 * Managed identity endpoints as Azure exposes them to code on a resource, on a plain-HTTP
 * loopback port of their own (App Service's endpoint is `http://localhost:<port>/...`, IMDS's
 * `http://169.254.169.254/...`, both plain HTTP):
 *
 * - `GET /msi/token` — App Service / Azure Functions, api-version 2019-08-01
 *   (https://learn.microsoft.com/en-us/azure/app-service/overview-managed-identity, "REST
 *   endpoint reference"): header `X-IDENTITY-HEADER` = IDENTITY_HEADER; `resource`; one of
 *   `client_id`, `principal_id` / `object_id`, `mi_res_id` for a user-assigned identity. Answer
 *   `{ access_token, expires_on, resource, token_type, client_id }`, `expires_on` a string of epoch
 *   seconds (the doc's sample). msal-node sends exactly this (AppService.ts).
 * - `GET /metadata/identity/oauth2/token` — IMDS, api-version 2018-02-01
 *   (https://learn.microsoft.com/en-us/entra/identity/managed-identities-azure-resources/how-to-use-vm-token):
 *   header `Metadata: true` (lower case); `object_id`, `client_id` or `msi_res_id`. Answer
 *   `{ access_token, refresh_token: "", expires_in, expires_on, not_before, resource, token_type }`,
 *   numbers as strings (the doc's sample). msal-node reaches it on loopback through
 *   AZURE_POD_IDENTITY_AUTHORITY_HOST (Imds.ts: `${AZURE_POD_IDENTITY_AUTHORITY_HOST}/metadata/identity/oauth2/token`).
 * - `GET /arc/metadata/identity/oauth2/token` — Azure Arc (api-version 2020-06-01): without
 *   `Authorization`, 401 with `WWW-Authenticate: Basic realm=<key file>`; the retry with
 *   `Authorization: Basic <file content>` gets the token (msal-node AzureArc.ts). msal-node only
 *   reads key files under /var/opt/azcmagent/tokens/, so only raw HTTP reaches this one.
 *
 * Tokens are the emulator's app tokens (tokens.ts) for the identity's service principal:
 * `appid` = client ID, `oid` = object ID, `idtyp: app`, `roles` = its Graph app roles,
 * `xms_mirid` = its resource ID; Graph accepts them like any app token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Emulator } from '../emulator';
import { readBody, type Router } from '../http';
import type { ManagedIdentityFixture, Tenant } from '../tenant';
import { resourceFromIdentifier, RESOURCES } from '../tokens';

/** `up`: serves; `refuse`: the port is closed (ECONNREFUSED); `reset`: connections are dropped; `hang`: requests are never answered. */
export type EndpointMode = 'up' | 'refuse' | 'reset' | 'hang';

export interface ManagedIdentityOptions {
	/** Port of the endpoint (0: a free one). */
	port?: number;
	/** The App Service IDENTITY_HEADER value (default: random per start). */
	identityHeader?: string;
}

interface Reply {
	status: number;
	headers?: Record<string, string>;
	body: unknown;
}

/** The answer of a token request, as each source answers it. */
type Source = 'appService' | 'imds' | 'arc';

export class ManagedIdentityService {
	readonly identityHeader: string;
	mode: EndpointMode = 'up';
	/** Milliseconds added before every answer. */
	latencyMs = 0;
	/** Requests received, per source (also while `reset` / `hang`: counted before the mode applies). */
	readonly requests: Array<{ source: string; url: string; status?: number }> = [];
	port = 0;
	private server?: Server;
	private readonly sockets = new Set<Socket>();
	private readonly hanging = new Set<ServerResponse>();
	/** Where Arc challenges put their key files (created on the first challenge). */
	private arcDir?: string;
	private arcSecret = '';

	constructor(
		private readonly emu: Emulator,
		private readonly options: ManagedIdentityOptions = {},
	) {
		this.identityHeader = options.identityHeader ?? randomBytes(16).toString('hex').toUpperCase();
	}

	get tenant(): Tenant {
		return this.emu.directory.home;
	}

	get identities(): ManagedIdentityFixture[] {
		return this.tenant.managedIdentities;
	}

	/** `http://127.0.0.1:{port}` (IMDS host override: AZURE_POD_IDENTITY_AUTHORITY_HOST). */
	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	/** IDENTITY_ENDPOINT of App Service. */
	get appServiceEndpoint(): string {
		return `${this.url}/msi/token`;
	}

	get imdsEndpoint(): string {
		return `${this.url}/metadata/identity/oauth2/token`;
	}

	get arcEndpoint(): string {
		return `${this.url}/arc/metadata/identity/oauth2/token`;
	}

	/** Environment variables that point msal-node's sources at this endpoint. */
	env(source: 'appService' | 'imds'): Record<string, string> {
		return source === 'appService'
			? { IDENTITY_ENDPOINT: this.appServiceEndpoint, IDENTITY_HEADER: this.identityHeader }
			: { AZURE_POD_IDENTITY_AUTHORITY_HOST: this.url };
	}

	async start(): Promise<void> {
		await this.listen(this.options.port ?? 0);
	}

	private async listen(port: number): Promise<void> {
		const server = createServer((req, res) => void this.onRequest(req, res));
		server.on('connection', (socket: Socket) => {
			if (this.mode === 'reset') {
				socket.destroy();
				return;
			}
			this.sockets.add(socket);
			socket.on('close', () => this.sockets.delete(socket));
		});
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(port, '127.0.0.1', () => resolve());
		});
		this.server = server;
		this.port = (server.address() as AddressInfo).port;
	}

	private async stopListening(): Promise<void> {
		const server = this.server;
		this.server = undefined;
		if (!server) return;
		for (const res of this.hanging) res.destroy();
		this.hanging.clear();
		for (const socket of this.sockets) socket.destroy();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	}

	/** Changes how the endpoint behaves (admin route `POST /_emulator/managed-identity/endpoint`). */
	async setMode(mode: EndpointMode, latencyMs?: number): Promise<void> {
		if (latencyMs !== undefined) this.latencyMs = latencyMs;
		if (mode === this.mode) return;
		const previous = this.mode;
		this.mode = mode;
		if (mode === 'refuse') await this.stopListening();
		else if (previous === 'refuse') await this.listen(this.port);
		if (mode === 'reset') for (const socket of this.sockets) socket.destroy();
		if (previous === 'hang') {
			for (const res of this.hanging) res.destroy();
			this.hanging.clear();
		}
	}

	async close(): Promise<void> {
		await this.stopListening();
		if (this.arcDir) rmSync(this.arcDir, { recursive: true, force: true });
	}

	/** Adds a managed identity (IDs generated where not given; resource ID derived from the name). */
	addIdentity(
		fixture: Partial<ManagedIdentityFixture> & { kind: 'system' | 'user' },
	): ManagedIdentityFixture {
		const name = fixture.displayName ?? `identity-${this.identities.length + 1}`;
		const identity: ManagedIdentityFixture = {
			kind: fixture.kind,
			displayName: name,
			clientId: (fixture.clientId ?? randomUUID()).toLowerCase(),
			objectId: (fixture.objectId ?? randomUUID()).toLowerCase(),
			resourceId:
				fixture.resourceId ??
				(fixture.kind === 'system'
					? `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator/providers/Microsoft.Web/sites/${name}`
					: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/emulator/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`),
			roles: fixture.roles ?? [],
		};
		if (identity.kind === 'system') {
			// One system-assigned identity per resource: a new one replaces the old.
			const i = this.identities.findIndex((m) => m.kind === 'system');
			if (i >= 0) this.identities.splice(i, 1);
		}
		this.identities.push(identity);
		return identity;
	}

	/** An identity by client ID, object ID or resource ID (case-insensitive). */
	find(id: string): ManagedIdentityFixture | undefined {
		const key = id.toLowerCase();
		return this.identities.find(
			(m) =>
				m.clientId.toLowerCase() === key ||
				m.objectId.toLowerCase() === key ||
				m.resourceId.toLowerCase() === key,
		);
	}

	grant(id: string, roles: string[]): ManagedIdentityFixture | undefined {
		const identity = this.find(id);
		if (identity) identity.roles = [...new Set([...(identity.roles ?? []), ...roles])];
		return identity;
	}

	private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const url = new URL(req.url ?? '/', this.url);
		const path = url.pathname.replace(/\/+$/, '').toLowerCase();
		const source: Source | undefined =
			path === '/msi/token'
				? 'appService'
				: path === '/metadata/identity/oauth2/token'
					? 'imds'
					: path === '/arc/metadata/identity/oauth2/token'
						? 'arc'
						: undefined;
		const entry: { source: string; url: string; status?: number } = {
			source: source ?? 'unknown',
			url: req.url ?? '/',
		};
		this.requests.push(entry);
		req.resume();
		if (this.mode === 'hang') {
			this.hanging.add(res);
			res.on('close', () => this.hanging.delete(res));
			return;
		}
		if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
		let reply: Reply;
		if (req.method !== 'GET' || !source) {
			// assumed: neither endpoint documents other paths or methods
			reply = {
				status: 404,
				body: {
					error: 'not_found',
					error_description: `No managed identity route for ${req.method} ${url.pathname}`,
				},
			};
		} else if (source === 'appService') {
			reply = this.appService(req, url.searchParams);
		} else if (source === 'imds') {
			reply = this.imds(req, url.searchParams, '2018-02-01');
		} else {
			reply = this.arc(req, url.searchParams);
		}
		entry.status = reply.status;
		const body = JSON.stringify(reply.body);
		res.writeHead(reply.status, {
			'Content-Type': 'application/json; charset=utf-8',
			'Content-Length': Buffer.byteLength(body),
			...reply.headers,
		});
		res.end(body);
	}

	/**
	 * App Service's error body: `{ statusCode, message, correlationId }` (msal-node's
	 * ManagedIdentityTokenResponse: "(Web/Function) App Service … message, correlationId").
	 */
	private appServiceError(status: number, message: string): Reply {
		return { status, body: { statusCode: status, message, correlationId: randomUUID() } };
	}

	private appService(req: IncomingMessage, query: URLSearchParams): Reply {
		const header = req.headers['x-identity-header'];
		if (header !== this.identityHeader) {
			// assumed: the doc says the header mitigates SSRF but gives no refusal; status and text are the emulator's
			return this.appServiceError(
				401,
				header === undefined
					? 'The X-IDENTITY-HEADER header is missing.'
					: 'The X-IDENTITY-HEADER header does not match IDENTITY_HEADER.',
			);
		}
		if (query.get('api-version') !== '2019-08-01') {
			// assumed text; the doc: "Please use 2019-08-01 or later" (2017-09-01 is the older protocol, not served)
			return this.appServiceError(
				400,
				`Unsupported api-version '${query.get('api-version') ?? ''}'. Use 2019-08-01.`,
			);
		}
		const selectors = ['client_id', 'principal_id', 'object_id', 'mi_res_id'].filter((p) =>
			query.has(p),
		);
		if (selectors.length > 1) {
			// The doc: each of the ID parameters "Cannot be used on a request that includes" another (text assumed).
			return this.appServiceError(
				400,
				`Only one of client_id, principal_id, object_id, mi_res_id may be given (got ${selectors.join(', ')}).`,
			);
		}
		const identity = this.select(query, selectors[0]);
		if (!identity) {
			// Text as App Service answers (quoted by clients' tests, e.g. pnp/cli-microsoft365).
			return this.appServiceError(
				400,
				'No Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
			);
		}
		const resource = query.get('resource') ?? '';
		const issued = this.issue(identity, resource);
		if (!issued) {
			// assumed: App Service passes Entra's AADSTS500011 on in `message`
			return this.appServiceError(
				400,
				`AADSTS500011: The resource principal named ${resource} was not found in the tenant named ${this.tenant.displayName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
			);
		}
		return {
			status: 200,
			body: {
				access_token: issued.token,
				expires_on: String(issued.exp),
				resource,
				token_type: 'Bearer',
				client_id: identity.clientId,
			},
		};
	}

	private imds(req: IncomingMessage, query: URLSearchParams, apiVersion: string): Reply {
		if (req.headers.metadata !== 'true') {
			// Documented: 400 bad_request_102 "Required metadata header not specified".
			return {
				status: 400,
				body: {
					error: 'bad_request_102',
					error_description: 'Required metadata header not specified',
				},
			};
		}
		if (query.get('api-version') !== apiVersion) {
			// assumed text
			return {
				status: 400,
				body: {
					error: 'invalid_request',
					error_description: `api-version '${query.get('api-version') ?? ''}' is not supported; use ${apiVersion}`,
				},
			};
		}
		const selectors = ['object_id', 'client_id', 'msi_res_id'].filter((p) => query.has(p));
		if (selectors.length > 1) {
			// assumed
			return {
				status: 400,
				body: {
					error: 'invalid_request',
					error_description: 'Only one of object_id, client_id, msi_res_id may be given',
				},
			};
		}
		const identity = this.select(query, selectors[0]);
		if (!identity) {
			// As IMDS answers an identity not assigned to the VM (seen in Azure/aad-pod-identity#778, #1054).
			return {
				status: 400,
				body: { error: 'invalid_request', error_description: 'Identity not found' },
			};
		}
		const resource = query.get('resource') ?? '';
		const issued = this.issue(identity, resource);
		if (!issued) {
			// Documented: 400 invalid_resource, AADSTS50001.
			return {
				status: 400,
				body: {
					error: 'invalid_resource',
					error_description: `AADSTS50001: The application named ${resource} was not found in the tenant named ${this.tenant.id}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
				},
			};
		}
		const body: Record<string, unknown> = {
			access_token: issued.token,
			refresh_token: '',
			expires_in: String(issued.exp - issued.iat),
			expires_on: String(issued.exp),
			not_before: String(issued.iat),
			resource,
			token_type: 'Bearer',
		};
		// msal-node's Azure Arc source checks that a user-assigned identity was honoured by this echo.
		if (apiVersion === '2020-06-01' && selectors[0]) body[selectors[0]] = query.get(selectors[0]);
		return { status: 200, body };
	}

	/** Azure Arc's challenge (msal-node AzureArc.ts; https://learn.microsoft.com/en-us/azure/azure-arc/servers/managed-identity-authentication). */
	private arc(req: IncomingMessage, query: URLSearchParams): Reply {
		const authorization = req.headers.authorization;
		if (!authorization) {
			this.arcSecret = randomBytes(32).toString('hex');
			this.arcDir ??= mkdtempSync(join(tmpdir(), 'emu-arc-'));
			const file = join(this.arcDir, `${randomUUID()}.key`);
			writeFileSync(file, this.arcSecret, { mode: 0o600 });
			return {
				status: 401,
				headers: { 'WWW-Authenticate': `Basic realm=${file}` },
				body: {
					error: 'unauthorized_client',
					error_description: 'Authorization header is missing',
				}, // assumed body
			};
		}
		if (!this.arcSecret || authorization !== `Basic ${this.arcSecret}`) {
			return {
				status: 401,
				body: { error: 'unauthorized_client', error_description: 'Invalid authorization header' },
			}; // assumed
		}
		return this.imds(req, query, '2020-06-01');
	}

	/** The identity a request names: by the given selector, else the system-assigned one. */
	private select(
		query: URLSearchParams,
		selector: string | undefined,
	): ManagedIdentityFixture | undefined {
		if (!selector) return this.identities.find((m) => m.kind === 'system');
		const value = (query.get(selector) ?? '').toLowerCase();
		return this.identities.find((m) => {
			switch (selector) {
				case 'client_id':
					return m.clientId.toLowerCase() === value;
				case 'object_id':
				case 'principal_id':
					return m.objectId.toLowerCase() === value;
				default:
					return m.resourceId.toLowerCase() === value;
			}
		});
	}

	private issue(
		identity: ManagedIdentityFixture,
		resource: string,
	): { token: string; exp: number; iat: number } | undefined {
		const name = resourceFromIdentifier(resource);
		if (!name) return undefined;
		const issued = this.emu.tokens.issue({
			tenantId: this.tenant.id,
			appId: identity.clientId,
			resource: name,
			audience: resource.replace(/\/+$/, '') || RESOURCES[name].id,
			roles: name === 'graph' ? [...(identity.roles ?? [])] : [],
			appidacr: '2',
			objectId: identity.objectId,
			lifetimeSeconds: this.emu.tokenLifetimeSeconds,
			extraClaims: { xms_mirid: identity.resourceId },
		});
		return { token: issued.token, exp: issued.claims.exp, iat: issued.claims.iat };
	}
}

async function json<T>(body: Parameters<typeof readBody>[0]): Promise<T> {
	const raw = await readBody(body, 1024 * 1024);
	return (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as T;
}

export function registerManagedIdentityAdmin(router: Router, mi: ManagedIdentityService): void {
	const describe = () => ({
		url: mi.url,
		endpoints: {
			appService: mi.appServiceEndpoint,
			imds: mi.imdsEndpoint,
			arc: mi.arcEndpoint,
		},
		env: { appService: mi.env('appService'), imds: mi.env('imds') },
		identityHeader: mi.identityHeader,
		mode: mi.mode,
		latencyMs: mi.latencyMs,
		identities: mi.identities,
		requests: mi.requests.length,
	});
	router.add('GET', '/_emulator/managed-identity', () => ({ status: 200, body: describe() }));
	router.add('POST', '/_emulator/managed-identity/identities', async (req) => {
		const body = await json<Partial<ManagedIdentityFixture>>(req.body);
		if (body.kind !== 'system' && body.kind !== 'user')
			return { status: 400, body: { error: 'kind: "system" or "user"' } };
		if (body.clientId && mi.find(body.clientId))
			return { status: 409, body: { error: `an identity with client ID ${body.clientId} exists` } };
		return { status: 200, body: mi.addIdentity({ ...body, kind: body.kind }) };
	});
	router.add('POST', '/_emulator/managed-identity/identities/:id/roles', async (req, params) => {
		const { roles = [] } = await json<{ roles?: string[] }>(req.body);
		const identity = mi.grant(decodeURIComponent(params.id), roles);
		return identity
			? { status: 200, body: identity }
			: { status: 404, body: { error: `no managed identity ${params.id}` } };
	});
	router.add('POST', '/_emulator/managed-identity/endpoint', async (req) => {
		const { mode, latencyMs } = await json<{ mode?: EndpointMode; latencyMs?: number }>(req.body);
		if (mode !== undefined && !['up', 'refuse', 'reset', 'hang'].includes(mode))
			return { status: 400, body: { error: 'mode: up, refuse, reset or hang' } };
		await mi.setMode(mode ?? mi.mode, latencyMs);
		return { status: 200, body: describe() };
	});
}
