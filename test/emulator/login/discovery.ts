/**
 * Discovery: the OpenID configuration (`/{tenant}/v2.0/.well-known/openid-configuration`, and the
 * v1 one), the signing keys (`/{tenant}/discovery/v2.0/keys`) and cloud instance discovery
 * (`/common/discovery/instance?api-version=1.1&authorization_endpoint=...`), answered as Entra
 * does. Endpoints point at the base URL the client used; the issuer is Entra's.
 */
import type { EmuRequest, EmuResponse } from '../http';
import { Aadsts } from './errors';
import { Authority } from './resolve';

/** Microsoft's login hosts; a request to any of them issues tokens with that host as issuer. */
const LOGIN_HOSTS = [
	'login.microsoftonline.com',
	'login.windows.net',
	'login.microsoft.com',
	'login.microsoftonline.us',
	'login.usgovcloudapi.net',
	'login-us.microsoftonline.com',
	'login.chinacloudapi.cn',
	'login.partner.microsoftonline.cn',
];

/** Cloud instance metadata as instance discovery returns it. */
const CLOUD_METADATA = [
	{
		preferred_network: 'login.microsoftonline.com',
		preferred_cache: 'login.windows.net',
		aliases: [
			'login.microsoftonline.com',
			'login.windows.net',
			'login.microsoft.com',
			'sts.windows.net',
		],
	},
	{
		preferred_network: 'login.partner.microsoftonline.cn',
		preferred_cache: 'login.partner.microsoftonline.cn',
		aliases: ['login.partner.microsoftonline.cn', 'login.chinacloudapi.cn'],
	},
	{
		preferred_network: 'login.microsoftonline.de',
		preferred_cache: 'login.microsoftonline.de',
		aliases: ['login.microsoftonline.de'],
	},
	{
		preferred_network: 'login.microsoftonline.us',
		preferred_cache: 'login.microsoftonline.us',
		aliases: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
	},
	{
		preferred_network: 'login-us.microsoftonline.com',
		preferred_cache: 'login-us.microsoftonline.com',
		aliases: ['login-us.microsoftonline.com'],
	},
];

/** The issuer host for a request: the Microsoft login host it reached, else the Global cloud's. */
export function issuerHost(req: EmuRequest): string {
	const host = req.host.toLowerCase();
	if (host === 'login.chinacloudapi.cn' || host === 'login.partner.microsoftonline.cn')
		return 'login.partner.microsoftonline.cn';
	if (host === 'login.microsoftonline.us' || host === 'login.usgovcloudapi.net')
		return 'login.microsoftonline.us';
	return 'login.microsoftonline.com';
}

/** The tenant part of endpoints: the tenant ID, or the `{tenantid}` template for common and organizations. */
function tenantPart(authority: Authority): string {
	return authority.kind === 'tenant' ? authority.tenant.id : '{tenantid}';
}

function jsonOk(body: unknown): EmuResponse {
	return {
		status: 200,
		headers: {
			'Content-Type': 'application/json; charset=utf-8',
			'Cache-Control': 'max-age=86400, private',
			'Access-Control-Allow-Origin': '*',
		},
		body,
	};
}

export function openidConfiguration(
	req: EmuRequest,
	authority: Authority,
	version: 'v1' | 'v2.0',
): EmuResponse {
	const base = req.baseUrl;
	const tid =
		authority.kind === 'consumers' ? '9188040d-6c67-4c5b-b112-36a304b66dad' : tenantPart(authority);
	const iss = issuerHost(req);
	const graphHost =
		iss === 'login.microsoftonline.us'
			? 'graph.microsoft.us'
			: iss === 'login.partner.microsoftonline.cn'
				? 'microsoftgraph.chinacloudapi.cn'
				: 'graph.microsoft.com';
	const regionScope = authority.kind === 'tenant' ? 'EU' : null;
	const common = {
		response_modes_supported: ['query', 'fragment', 'form_post'],
		subject_types_supported: ['pairwise'],
		id_token_signing_alg_values_supported: ['RS256'],
		response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
		request_uri_parameter_supported: false,
		http_logout_supported: true,
		frontchannel_logout_supported: true,
		kerberos_endpoint: `${base}/${tid}/kerberos`,
		tenant_region_scope: regionScope,
		cloud_instance_name: iss.endsWith('.us')
			? 'microsoftonline.us'
			: iss.endsWith('.cn')
				? 'partner.microsoftonline.cn'
				: 'microsoftonline.com',
		cloud_graph_host_name: 'graph.windows.net',
		msgraph_host: graphHost,
		rbac_url: 'https://pas.windows.net',
	};
	if (version === 'v1') {
		return jsonOk({
			token_endpoint: `${base}/${tid}/oauth2/token`,
			token_endpoint_auth_methods_supported: [
				'client_secret_post',
				'private_key_jwt',
				'client_secret_basic',
			],
			jwks_uri: `${base}/common/discovery/keys`,
			...common,
			scopes_supported: ['openid'],
			issuer: `https://sts.windows.net/${tid}/`,
			microsoft_multi_refresh_token: true,
			authorization_endpoint: `${base}/${tid}/oauth2/authorize`,
			device_authorization_endpoint: `${base}/${tid}/oauth2/devicecode`,
			end_session_endpoint: `${base}/${tid}/oauth2/logout`,
			check_session_iframe: `${base}/${tid}/oauth2/checksession`,
			userinfo_endpoint: `${base}/${tid}/openid/userinfo`,
			claims_supported: [
				'sub',
				'iss',
				'cloud_instance_name',
				'cloud_instance_host_name',
				'cloud_graph_host_name',
				'msgraph_host',
				'aud',
				'exp',
				'iat',
				'auth_time',
				'acr',
				'amr',
				'nonce',
				'email',
				'given_name',
				'family_name',
				'nickname',
			],
		});
	}
	return jsonOk({
		token_endpoint: `${base}/${tid}/oauth2/v2.0/token`,
		token_endpoint_auth_methods_supported: [
			'client_secret_post',
			'private_key_jwt',
			'client_secret_basic',
		],
		jwks_uri: `${base}/${tid}/discovery/v2.0/keys`,
		...common,
		scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
		issuer: `https://${iss}/${tid}/v2.0`,
		userinfo_endpoint: `https://${graphHost}/oidc/userinfo`,
		authorization_endpoint: `${base}/${tid}/oauth2/v2.0/authorize`,
		device_authorization_endpoint: `${base}/${tid}/oauth2/v2.0/devicecode`,
		end_session_endpoint: `${base}/${tid}/oauth2/v2.0/logout`,
		claims_supported: [
			'sub',
			'iss',
			'cloud_instance_name',
			'cloud_instance_host_name',
			'cloud_graph_host_name',
			'msgraph_host',
			'aud',
			'exp',
			'iat',
			'auth_time',
			'acr',
			'nonce',
			'preferred_username',
			'name',
			'tid',
			'ver',
			'at_hash',
			'c_hash',
			'email',
		],
	});
}

export function signingKeys(
	req: EmuRequest,
	authority: Authority,
	jwk: Record<string, unknown>,
): EmuResponse {
	const tid = authority.kind === 'tenant' ? authority.tenant.id : '{tenantid}';
	return jsonOk({
		keys: [{ ...jwk, x5t: jwk.kid, issuer: `https://${issuerHost(req)}/${tid}/v2.0` }],
	});
}

/**
 * Instance discovery for an authority: Microsoft's hosts, and the emulator's own host (the one the
 * request reached, or `ownHosts`), which gets an entry of its own; any other host is refused with
 * AADSTS50049 (`invalid_instance`), as Entra refuses hosts it does not know.
 */
export function instanceDiscovery(req: EmuRequest, ownHosts: string[]): EmuResponse {
	const endpoint = req.query.get('authorization_endpoint');
	if (!endpoint) throw Aadsts.missingParameter('authorization_endpoint');
	let url: URL;
	try {
		url = new URL(endpoint);
	} catch {
		throw Aadsts.unknownInstance();
	}
	const host = url.host.toLowerCase();
	const own = [new URL(req.baseUrl).host.toLowerCase(), ...ownHosts.map((h) => h.toLowerCase())];
	const microsoft =
		CLOUD_METADATA.some((m) => m.aliases.includes(url.hostname.toLowerCase())) ||
		LOGIN_HOSTS.includes(url.hostname.toLowerCase());
	if (url.protocol !== 'https:' || (!microsoft && !own.includes(host)))
		throw Aadsts.unknownInstance();
	const tenant = url.pathname.split('/').filter(Boolean)[0] ?? 'common';
	const metadata = microsoft
		? CLOUD_METADATA
		: [{ preferred_network: host, preferred_cache: host, aliases: [host] }, ...CLOUD_METADATA];
	return jsonOk({
		tenant_discovery_endpoint: `https://${host}/${tenant}/v2.0/.well-known/openid-configuration`,
		'api-version': req.query.get('api-version') ?? '1.1',
		metadata,
	});
}
