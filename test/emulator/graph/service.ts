/**
 * Graph's front door: bearer-token validation (401 InvalidAuthenticationToken), permission
 * enforcement from Microsoft's permissions catalogue (403 as each workload answers it), OData
 * error bodies, and the registry of Graph routes that the workload modules fill.
 */
import { permissionsFor } from '../permissions';
import { EmuRequest, EmuResponse, readBody, Router, BodyTooLargeError } from '../http';
import type { Directory, Tenant } from '../tenant';
import type { AccessTokenClaims, TokenService } from '../tokens';
import type { ScopingService } from '../scoping';

export interface GraphAuth {
	scheme: 'delegated' | 'application';
	claims: AccessTokenClaims;
	appId: string;
	/** The signed-in user's object ID (delegated). */
	userId?: string;
	/** Scopes (delegated) or roles (application) the token carries. */
	permissions: Set<string>;
}

export interface GraphContext {
	req: EmuRequest;
	params: Record<string, string>;
	tenant: Tenant;
	auth: GraphAuth;
	/** `https://host:port/v1.0`, for links in responses. */
	root: string;
	json<T = Record<string, unknown>>(): Promise<T>;
}

export type GraphHandler = (ctx: GraphContext) => Promise<EmuResponse> | EmuResponse;

export type Workload = 'directory' | 'mail' | 'teams' | 'sharepoint';

export interface GraphRouteOptions {
	/** Explicit permissions for a path the catalogue lacks, or 'none' (e.g. $batch). */
	permissions?: { delegated: string[]; application: string[] } | 'none';
	workload?: Workload;
}

export const GRAPH_REQUEST_LIMIT = 4 * 1024 * 1024;

export class GraphError extends Error {
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly headers: Record<string, string> = {},
	) {
		super(message);
	}
}

export function graphErrorResponse(
	req: Pick<EmuRequest, 'requestId' | 'headers'>,
	status: number,
	code: string,
	message: string,
	headers: Record<string, string | number> = {},
): EmuResponse {
	return {
		status,
		headers: { ...baseHeaders(req), ...headers },
		body: {
			error: {
				code,
				message,
				innerError: {
					date: new Date().toISOString().replace(/\.\d{3}Z$/, ''),
					'request-id': req.requestId,
					'client-request-id': String(req.headers['client-request-id'] ?? req.requestId),
				},
			},
		},
	};
}

export function baseHeaders(
	req: Pick<EmuRequest, 'requestId' | 'headers'>,
): Record<string, string> {
	return {
		'request-id': req.requestId,
		'client-request-id': String(req.headers['client-request-id'] ?? req.requestId),
		'x-ms-ags-diagnostic': JSON.stringify({
			ServerInfo: {
				DataCenter: 'Emulator',
				Slice: 'E',
				Ring: '1',
				ScaleUnit: '000',
				RoleInstance: 'EMU',
			},
		}),
		'Cache-Control': 'no-cache',
		'OData-Version': '4.0',
	};
}

function workloadOf(path: string): Workload {
	const p = path.toLowerCase();
	if (
		/^\/(me|users\/[^/]+)\/(messages|mailfolders|sendmail|events|calendar|mailboxsettings)/.test(p)
	)
		return 'mail';
	if (/^\/(teams|chats|me\/chats|users\/[^/]+\/chats)/.test(p)) return 'teams';
	if (/^\/(sites|drives|me\/drive|users\/[^/]+\/drive|groups\/[^/]+\/drive)/.test(p))
		return 'sharepoint';
	return 'directory';
}

/**
 * The 403 each workload answers for a token without the permission the call needs:
 * - directory (Entra): `Authorization_RequestDenied` "Insufficient privileges to complete the
 *   operation." (https://learn.microsoft.com/en-us/graph/resolve-auth-errors and countless reports);
 * - Exchange (mail, calendars): `ErrorAccessDenied` "Access is denied. Check credentials and try
 *   again." (https://learn.microsoft.com/en-us/graph/errors lists ErrorAccessDenied; the text as
 *   Graph answers it, e.g. microsoftgraph/msgraph-sdk-dotnet issues);
 * - Teams: `Forbidden` "Missing role permissions on the request. API requires one of '…'. Roles on
 *   the request '…'." (app) or "Missing scope permissions on the request. API requires one of '…'.
 *   Scopes on the request '…'" (delegated) — as users quote Graph, e.g. "… Roles on the request
 *   'Group.Selected'." and "… Scopes on the request 'User.Read, profile, openid, email'"; the final
 *   period on the role form only, as quoted (assumed either way);
 * - SharePoint and OneDrive: `accessDenied` "Access denied" (microsoftgraph/microsoft-graph-docs-contrib#3985,
 *   #9064; acsone/msgraphfs#9 for Sites.Selected without a grant); a token with no scope or role
 *   at all: `AccessDenied` "Either scp or roles claim need to be present in the token."
 *   (microsoftgraph/microsoft-graph-docs-contrib#5552, cringdahl/sharepoint-file-upload-action#5:
 *   403 on `/sites/{host}:/sites/{name}`).
 */
export function forbidden(
	req: EmuRequest,
	workload: Workload,
	needed: string[],
	auth: GraphAuth,
): EmuResponse {
	switch (workload) {
		case 'mail':
			return graphErrorResponse(
				req,
				403,
				'ErrorAccessDenied',
				'Access is denied. Check credentials and try again.',
			);
		case 'teams':
			return graphErrorResponse(
				req,
				403,
				'Forbidden',
				auth.scheme === 'application'
					? `Missing role permissions on the request. API requires one of '${needed.join(', ')}'. Roles on the request '${[...auth.permissions].join(', ')}'.`
					: `Missing scope permissions on the request. API requires one of '${needed.join(', ')}'. Scopes on the request '${[...auth.permissions].join(', ')}'`,
			);
		case 'sharepoint':
			if (auth.permissions.size === 0)
				return graphErrorResponse(
					req,
					403,
					'AccessDenied',
					'Either scp or roles claim need to be present in the token.',
				);
			return graphErrorResponse(req, 403, 'accessDenied', 'Access denied');
		default:
			return graphErrorResponse(
				req,
				403,
				'Authorization_RequestDenied',
				'Insufficient privileges to complete the operation.',
			);
	}
}

const TOKEN_MESSAGES: Record<string, string> = {
	missing: 'Access token is empty.',
	malformed: 'IDX14100: JWT is not well formed, there are no dots (.).',
	signature: 'Access token validation failure.',
	expired: 'Lifetime validation failed, the token is expired.',
	revoked: 'Lifetime validation failed, the token is expired.',
	audience: 'Access token validation failure. Invalid audience.',
};

/**
 * The `/beta` calls the emulator serves, each with the v1.0 route's handler, permissions and
 * limits (the same service behind both versions). Every other `/beta/...` path is not Graph to
 * the emulator and answers as before (the login service's 404).
 *
 * - `POST /beta/teams/{team-id}/channels/{channel-id}/messages`: "Send chatMessage in a channel",
 *   https://learn.microsoft.com/en-us/graph/api/channel-post-messages?view=graph-rest-beta
 *   (microsoftgraph/microsoft-graph-docs-contrib api-reference/beta/api/channel-post-messages.md):
 *   same request (a chatMessage, only `body` required), `201 Created` with the new chatMessage,
 *   same least-privileged delegated permission as v1.0 (ChannelMessage.Send). n8n's Microsoft
 *   Teams v2 node posts channel messages here. The beta page's plain-message response has the
 *   v1.0 chatMessage properties, so the response is checked against the v1.0 CSDL like any other.
 */
const BETA_ROUTES: Array<{ method: string; pattern: RegExp }> = [
	{ method: 'POST', pattern: /^\/beta\/teams\/[^/]+\/channels\/[^/]+\/messages\/?$/i },
];

export function servesBeta(method: string, path: string): boolean {
	return BETA_ROUTES.some((r) => r.method === method.toUpperCase() && r.pattern.test(path));
}

export class GraphService {
	private readonly router = new Router<{ handler: GraphHandler; options: GraphRouteOptions }>();
	/** Exchange's mailbox scoping and licences (scoping.ts), consulted for mail and calendar calls. */
	scoping?: ScopingService;

	constructor(
		private readonly directory: Directory,
		private readonly tokens: TokenService,
	) {}

	route(
		method: string,
		pattern: string | RegExp,
		handler: GraphHandler,
		options: GraphRouteOptions = {},
	): void {
		this.router.add(method, pattern, { handler, options });
	}

	/**
	 * Serves a request whose path starts with `/v1.0` (or is one of the few `/beta` calls in
	 * `servesBeta`), in Graph's order: token (401), then permission (403, also for paths the
	 * emulator does not serve), then the resource.
	 */
	async dispatch(req: EmuRequest): Promise<EmuResponse> {
		const beta = servesBeta(req.method, req.path);
		const path = req.path.replace(beta ? /^\/beta/i : /^\/v1\.0/i, '') || '/';
		const match = this.router.match(req.method, path);
		const options = match && match !== 'method' ? match.handler.options : {};
		try {
			const check = this.tokens.check(req.headers.authorization, 'graph');
			if (!check.ok) {
				const response = graphErrorResponse(
					req,
					401,
					'InvalidAuthenticationToken',
					TOKEN_MESSAGES[check.reason],
				);
				response.headers!['WWW-Authenticate'] =
					'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"';
				return response;
			}
			const claims = check.claims;
			const tenant = this.directory.findTenant(claims.tid);
			if (!tenant)
				return graphErrorResponse(
					req,
					401,
					'InvalidAuthenticationToken',
					'Access token validation failure. Invalid tenant.',
				);
			const scheme = claims.idtyp === 'user' ? 'delegated' : 'application';
			const permissions = new Set(
				scheme === 'delegated'
					? String(claims.scp ?? '')
							.split(' ')
							.filter(Boolean)
					: (claims.roles ?? []),
			);
			const auth: GraphAuth = {
				scheme,
				claims,
				appId: claims.appid,
				userId: scheme === 'delegated' ? claims.oid : undefined,
				permissions,
			};
			req.log.auth = { appId: claims.appid, upn: claims.upn, scheme, aud: claims.aud };

			if (options.permissions !== 'none') {
				const needed =
					options.permissions?.[scheme] ?? permissionsFor(req.method, path, scheme)?.all;
				if (!needed) {
					if (!match) return notFound(req, path);
					// The catalogue grants the path only to the other permission type: the API does
					// not support this one (e.g. getAllMessages, application only). Teams' text by
					// analogy with its "Requested API is not supported in application-only context"
					// (assumed).
					const other = scheme === 'delegated' ? 'application' : 'delegated';
					if (permissionsFor(req.method, path, other))
						return graphErrorResponse(
							req,
							403,
							'Forbidden',
							`Requested API is not supported in ${scheme === 'delegated' ? 'delegated' : 'application-only'} context`,
						);
					return graphErrorResponse(
						req,
						500,
						'EmulatorPermissionMappingMissing',
						`The emulator has no permission mapping for ${req.method} ${path}.`,
					);
				}
				const workload = options.workload ?? workloadOf(path);
				const entra = needed.some((p) => permissions.has(p));
				// Exchange decides per target mailbox: RBAC for Applications can grant what the token
				// lacks, application access policies narrow what it holds, and an unlicensed mailbox
				// is 404 (scoping.ts).
				const verdict =
					workload === 'mail' && this.scoping
						? this.scoping.exchange(req, tenant, auth, path, needed, entra)
						: ({ kind: 'default' } as const);
				if (verdict.kind === 'refuse') return verdict.response;
				if (verdict.kind === 'default' && !entra) return forbidden(req, workload, needed, auth);
			}
			if (match === 'method') {
				return graphErrorResponse(
					req,
					405,
					'Request_BadRequest',
					'Specified HTTP method is not allowed for the request target.',
				);
			}
			if (!match) return notFound(req, path);
			return await this.run(req, match.params, match.handler.handler, tenant, auth, beta);
		} catch (error) {
			if (error instanceof GraphError)
				return graphErrorResponse(req, error.status, error.code, error.message, error.headers);
			if (error instanceof BodyTooLargeError) {
				return graphErrorResponse(
					req,
					413,
					'RequestEntityTooLarge',
					'The maximum request length supported is 4MB.',
				);
			}
			throw error;
		}
	}

	private async run(
		req: EmuRequest,
		params: Record<string, string>,
		handler: GraphHandler,
		tenant: Tenant,
		auth: GraphAuth,
		beta: boolean,
	): Promise<EmuResponse> {
		let parsed: unknown;
		const ctx: GraphContext = {
			req,
			params,
			tenant,
			auth,
			root: `${req.baseUrl}/${beta ? 'beta' : 'v1.0'}`,
			json: async <T>() => {
				if (parsed === undefined) {
					const raw = await readBody(req.body, GRAPH_REQUEST_LIMIT);
					try {
						parsed = raw.length ? JSON.parse(raw.toString('utf8')) : {};
					} catch {
						throw new GraphError(
							400,
							'BadRequest',
							'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
						);
					}
				}
				return parsed as T;
			},
		};
		req.log.handled = true;
		const response = await handler(ctx);
		response.headers = { ...baseHeaders(req), ...(response.headers ?? {}) };
		return response;
	}
}

function notFound(req: EmuRequest, path: string): EmuResponse {
	return graphErrorResponse(
		req,
		400,
		'BadRequest',
		`Resource not found for the segment '${path.split('/')[1] ?? ''}'.`,
	);
}
