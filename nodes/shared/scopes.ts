/**
 * Delegated scopes of the "Microsoft 365 (Delegated OAuth2) API" credential: the scope groups a
 * user ticks, the Outlook protocols, and the one function that turns a selection into the
 * `scope` string sent at sign-in.
 *
 * n8n evaluates the credential's hidden `scope`, `authUrl` and `accessTokenUrl` fields as
 * expressions without importing this module, so the functions marked SELF-CONTAINED below
 * reference nothing outside their own bodies (no imports, no module constants): the credential
 * embeds their source text (`Function.prototype.toString`) in its expressions
 * (`delegatedExpression()`), and TypeScript callers run the very same functions. The two cannot
 * drift; test/credentials/scopes.test.ts evaluates the expressions with n8n's engine to prove it.
 */
import { CLOUDS, type CloudEndpoints, type CloudSettings } from './clouds';

export type DelegatedResource = 'graph' | 'outlook';

export interface ScopeOption {
	/** Option value stored in the credential. */
	value: string;
	/** Option name shown in the credential dialog. */
	name: string;
	/** Scopes as short names (the resource prefix is added for the credential's cloud). */
	scopes: string[];
	/** Selected by default. */
	default: boolean;
	/** Extra words for the option's description (admin consent, what it is for). */
	note: string;
}

/**
 * Graph scope groups. The default selection (sign-in, directory basics, send mail) is the
 * least-privileged set the package's mail nodes need, and none of it needs admin consent; every
 * other group is opt-in for the nodes that use it.
 */
export const SCOPE_GROUPS: ScopeOption[] = [
	{
		value: 'signIn',
		name: 'Sign-In and Profile (Required)',
		scopes: ['openid', 'offline_access', 'User.Read'],
		default: true,
		note: 'Sign in, stay signed in (refresh tokens) and read your own profile',
	},
	{
		value: 'directoryBasics',
		name: 'Directory Basics',
		scopes: ['User.ReadBasic.All'],
		default: true,
		note: "Look up people's names and addresses (recipient and user pickers)",
	},
	{
		value: 'sendMail',
		name: 'Send Mail',
		scopes: ['Mail.Send'],
		default: true,
		note: 'Send mail as the signed-in user',
	},
	{
		value: 'sendAsShared',
		name: 'Send as Shared Mailbox',
		scopes: ['Mail.Send.Shared'],
		default: false,
		note: 'Send as or on behalf of shared mailboxes the user has rights on',
	},
	{
		value: 'readMail',
		name: 'Read Mail',
		scopes: ['Mail.Read', 'Mail.ReadWrite'],
		default: false,
		note: "Read, move and flag the user's mail",
	},
	{
		value: 'teams',
		name: 'Teams',
		scopes: [
			'Team.ReadBasic.All',
			'Channel.ReadBasic.All',
			'ChannelMessage.Send',
			'Chat.Create',
			'Chat.ReadWrite',
			'Files.ReadWrite.All',
		],
		default: false,
		note: 'List teams and channels, post to channels and chats, attach files',
	},
	{
		value: 'teamsRead',
		name: 'Teams: Read Messages and Members',
		scopes: [
			'Chat.Read',
			'ChannelMessage.Read.All',
			'TeamMember.Read.All',
			'ChannelMember.Read.All',
		],
		default: false,
		note: 'Read chat and channel messages and team and channel members (channel messages and members need admin consent)',
	},
	{
		value: 'sharePoint',
		name: 'SharePoint and OneDrive',
		scopes: ['Sites.ReadWrite.All', 'Files.ReadWrite.All'],
		default: false,
		note: 'Read and write sites, lists and files the user can access',
	},
	{
		value: 'calendars',
		name: 'Calendars',
		scopes: [
			'Calendars.Read',
			'Calendars.ReadWrite',
			'Calendars.ReadWrite.Shared',
			'Place.Read.All',
		],
		default: false,
		note: "Read and manage the user's and shared calendars, free/busy and meeting times, forward invitations; list rooms (Place.Read.All needs admin consent)",
	},
	{
		value: 'directoryRead',
		name: 'Directory Read',
		scopes: ['User.Read.All', 'GroupMember.Read.All'],
		default: false,
		note: 'Read full user profiles and group memberships; needs admin consent',
	},
];

/** Exchange Online's legacy protocols (Resource: Outlook). `offline_access` is always added. */
export const OUTLOOK_PROTOCOLS: ScopeOption[] = [
	{
		value: 'smtp',
		name: 'SMTP (Send)',
		scopes: ['SMTP.Send'],
		default: true,
		note: 'Send mail over SMTP AUTH (XOAUTH2)',
	},
	{
		value: 'imap',
		name: 'IMAP',
		scopes: ['IMAP.AccessAsUser.All'],
		default: false,
		note: 'Read mail over IMAP (XOAUTH2)',
	},
	{
		value: 'pop',
		name: 'POP',
		scopes: ['POP.AccessAsUser.All'],
		default: false,
		note: 'Read mail over POP3 (XOAUTH2)',
	},
];

export const OUTLOOK_BASE_SCOPES = ['offline_access'];

/** OpenID Connect scopes: never prefixed with a resource. */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

export const DEFAULT_SCOPE_GROUPS = SCOPE_GROUPS.filter((g) => g.default).map((g) => g.value);
export const DEFAULT_OUTLOOK_PROTOCOLS = OUTLOOK_PROTOCOLS.filter((p) => p.default).map(
	(p) => p.value,
);

/** The data the self-contained functions receive (embedded as JSON in the expressions). */
export interface ScopeData {
	clouds: Record<
		string,
		{ login: string; graph: string; graphResource: string; outlookResource: string }
	>;
	defaultGraphResource: string;
	defaultOutlookResource: string;
	groups: Array<{ value: string; scopes: string[] }>;
	protocols: Array<{ value: string; scopes: string[] }>;
	outlookBase: string[];
}

export const SCOPE_DATA: ScopeData = {
	clouds: Object.fromEntries(
		Object.entries(CLOUDS).map(([name, c]) => [
			name,
			{
				login: c.login,
				graph: c.graph,
				graphResource: c.graphResource,
				outlookResource: c.outlookResource,
			},
		]),
	),
	defaultGraphResource: CLOUDS.global.graphResource,
	defaultOutlookResource: CLOUDS.global.outlookResource,
	groups: SCOPE_GROUPS.map((g) => ({ value: g.value, scopes: g.scopes })),
	protocols: OUTLOOK_PROTOCOLS.map((p) => ({ value: p.value, scopes: p.scopes })),
	outlookBase: OUTLOOK_BASE_SCOPES,
};

/**
 * SELF-CONTAINED. The normalised scope string: one line, single spaces; split on any whitespace
 * (line breaks included) and commas; duplicates dropped case-insensitively (first spelling kept);
 * OpenID Connect scopes bare and lower case; short names prefixed with `resourcePrefix`
 * (`Mail.Send` -> `https://graph.microsoft.com/Mail.Send`); full URIs of the same resource get its
 * canonical spelling; other full URIs are kept as typed.
 */
/* istanbul ignore next */
export function normaliseScopes(text: unknown, resourcePrefix: string): string {
	const oidc = ['openid', 'profile', 'email', 'offline_access'];
	const prefix = String(resourcePrefix || '')
		.trim()
		.replace(/\/+$/, '');
	const lowerPrefix = prefix.toLowerCase() + '/';
	const joined = Array.isArray(text)
		? text.join(' ')
		: text === undefined || text === null
			? ''
			: String(text);
	const parts = joined.split(/[\s,]+/);
	const keys: string[] = [];
	const out: string[] = [];
	for (let i = 0; i < parts.length; i++) {
		let scope = parts[i].trim();
		if (!scope) continue;
		if (oidc.indexOf(scope.toLowerCase()) >= 0) {
			scope = scope.toLowerCase();
		} else if (scope.indexOf('/') < 0) {
			scope = prefix + '/' + scope;
		} else if (scope.toLowerCase().indexOf(lowerPrefix) === 0) {
			scope = prefix + '/' + scope.slice(lowerPrefix.length).replace(/^\/+/, '');
		}
		const key = scope.toLowerCase();
		if (keys.indexOf(key) >= 0) continue;
		keys.push(key);
		out.push(scope);
	}
	return out.join(' ');
}

/** Fields of the delegated credential that the derived values depend on. */
export interface DelegatedFields extends CloudSettings {
	tenant?: string;
	/** What the token is for (Graph, or Exchange's legacy protocols). */
	signInFor?: DelegatedResource;
	scopeGroups?: string[];
	outlookProtocols?: string[];
	additionalScopes?: string;
	clientId?: string;
}

export interface DerivedDelegated {
	login: string;
	graph: string;
	graphResource: string;
	outlookResource: string;
	/** Tenant segment, URL-encoded. */
	tenant: string;
	authUrl: string;
	accessTokenUrl: string;
	scope: string;
	/** The credential test's URL: Graph `/me`, or the tenant's OpenID configuration for Outlook. */
	testUrl: string;
}

/**
 * SELF-CONTAINED. Everything the delegated credential derives from its fields. Endpoints follow
 * `cloudEndpoints()` (Custom: the origins of the typed URLs, resources without trailing slashes).
 */
/* istanbul ignore next */
export function deriveDelegated(
	self: DelegatedFields | undefined,
	data: ScopeData,
	normalise: (text: unknown, resourcePrefix: string) => string,
): DerivedDelegated {
	const s: DelegatedFields = self || {};
	const origin = function (url: unknown): string {
		return String(url || '')
			.trim()
			.replace(/^(https?:\/\/[^/?#\s]+).*$/i, '$1');
	};
	const resourceId = function (value: unknown, fallback: string): string {
		return (String(value || '').trim() || fallback).replace(/\/+$/, '');
	};
	const known = data.clouds[s.cloud || 'global'];
	const login = known ? known.login : origin(s.customLoginUrl);
	const graph = known ? known.graph : origin(s.customGraphUrl);
	const graphResource = known
		? known.graphResource
		: resourceId(s.customGraphResource, data.defaultGraphResource);
	const outlookResource = known
		? known.outlookResource
		: resourceId(s.customOutlookResource, data.defaultOutlookResource);
	const tenant = encodeURIComponent(String(s.tenant || '').trim() || 'organizations');
	const base = login + '/' + tenant;
	const pick = function (
		options: Array<{ value: string; scopes: string[] }>,
		selected: unknown,
	): string[] {
		const chosen = Array.isArray(selected) ? selected : [];
		const names: string[] = [];
		for (let i = 0; i < options.length; i++) {
			if (chosen.indexOf(options[i].value) >= 0) names.push(options[i].scopes.join(' '));
		}
		return names;
	};
	const outlook = s.signInFor === 'outlook';
	const selected = outlook
		? data.outlookBase.concat(pick(data.protocols, s.outlookProtocols))
		: pick(data.groups, s.scopeGroups);
	const scope = normalise(
		selected.join(' ') + ' ' + String(s.additionalScopes || ''),
		outlook ? outlookResource : graphResource,
	);
	return {
		login: login,
		graph: graph,
		graphResource: graphResource,
		outlookResource: outlookResource,
		tenant: tenant,
		authUrl: base + '/oauth2/v2.0/authorize',
		accessTokenUrl: base + '/oauth2/v2.0/token',
		scope: scope,
		testUrl: outlook ? base + '/v2.0/.well-known/openid-configuration' : graph + '/v1.0/me',
	};
}

/**
 * The scope string for a selection, for a cloud's endpoints (what the credential's `scope`
 * expression produces for the same fields).
 */
export function resolveScopes(options: {
	signInFor?: DelegatedResource;
	scopeGroups?: string[];
	outlookProtocols?: string[];
	additionalScopes?: string;
	endpoints: Pick<CloudEndpoints, 'graphResource' | 'outlookResource'>;
}): string {
	const outlook = options.signInFor === 'outlook';
	const selected = outlook
		? [
				...OUTLOOK_BASE_SCOPES,
				...OUTLOOK_PROTOCOLS.filter((p) => options.outlookProtocols?.includes(p.value)).flatMap(
					(p) => p.scopes,
				),
			]
		: SCOPE_GROUPS.filter((g) => options.scopeGroups?.includes(g.value)).flatMap((g) => g.scopes);
	return normaliseScopes(
		`${selected.join(' ')} ${options.additionalScopes ?? ''}`,
		outlook ? options.endpoints.outlookResource : options.endpoints.graphResource,
	);
}

/** The derived values for a credential's fields (the same function n8n evaluates). */
export function delegatedSettings(fields: DelegatedFields): DerivedDelegated {
	return deriveDelegated(fields, SCOPE_DATA, normaliseScopes);
}

/**
 * An n8n expression (`={{ ... }}`) yielding one derived value; `source` is the data the
 * expression reads (`$self` in credential fields, `$credentials` in the credential test).
 */
export function delegatedExpression(
	key: keyof DerivedDelegated,
	source: '$self' | '$credentials' = '$self',
): string {
	const fn = `(${deriveDelegated.toString()})`;
	const normalise = `(${normaliseScopes.toString()})`;
	const body = `${fn}(${source}, ${JSON.stringify(SCOPE_DATA)}, ${normalise})[${JSON.stringify(key)}]`;
	return `={{ ${separateBraces(body)} }}`;
}

/**
 * n8n finds the end of an expression at the first `}}`: nested braces in the embedded code and
 * JSON are spaced apart (`} }`), which JavaScript reads the same (no string in the embedded
 * code or data holds a brace).
 */
function separateBraces(code: string): string {
	let out = code;
	while (/\{\{|\}\}/.test(out)) out = out.replace(/\{\{/g, '{ {').replace(/\}\}/g, '} }');
	return out;
}

/**
 * The v2 admin-consent URL for a tenant: an administrator opening it grants the scopes for the
 * whole organisation (needed for Directory Read, and where users may not consent themselves).
 */
export function adminConsentUrl(options: {
	login: string;
	tenant: string;
	clientId: string;
	scope: string;
	redirectUri: string;
}): string {
	const scopes = options.scope
		.split(' ')
		.filter((s) => s && !OIDC_SCOPES.includes(s.toLowerCase()))
		.join(' ');
	const query = new URLSearchParams({
		client_id: options.clientId,
		scope: scopes,
		redirect_uri: options.redirectUri,
	});
	return `${options.login}/${encodeURIComponent(options.tenant.trim())}/v2.0/adminconsent?${query.toString()}`;
}
