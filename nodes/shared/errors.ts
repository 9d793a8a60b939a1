/**
 * Microsoft Graph failures as n8n errors a user can act on: the HTTP status, Graph's error code
 * and message, and its `request-id` (for Microsoft support) always; on 403 the least-privileged
 * permission for the call and credential scheme, from Microsoft's permissions catalogue, with
 * what to grant and whether admin consent is needed; on 401 what a refused token means; on
 * 429/503/504 that the retries ran out and what to do about it.
 *
 * Every message and description leaves through `scrub()` (one call site), so tokens, secrets,
 * assertions and `client_secret=` never reach an error, the UI or a log. Login (AADSTS) errors
 * are not mapped here: the token providers throw them already mapped.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';
import type { TokenGrants } from './auth/token-grants';
import type { AuthScheme } from './auth/types';
import { permissionInfo, permissionsFor } from './graph/permissions';
import { redact } from './redact';
import { describeProxy, proxyForUrl } from './transport/http-client';

/** Errors of requests that may have been carried out (a `createOnce` request without a proving answer). */
const uncertain = new WeakSet<object>();

/** Marks an error as "the request may have been carried out": it must not be sent again. */
export function markMayHaveActed<T extends object>(error: T): T {
	uncertain.add(error);
	return error;
}

/** Whether an error (or an error it wraps) says its request may have been carried out. */
export function mayHaveActed(error: unknown): boolean {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
		if (uncertain.has(current)) return true;
		current = (current as { cause?: unknown }).cause;
	}
	return false;
}

/** What Graph's OData error body and headers say. */
export interface GraphErrorInfo {
	code?: string;
	message?: string;
	/** `innerError.code`, when Graph gives a more specific one. */
	innerCode?: string;
	requestId?: string;
	clientRequestId?: string;
	date?: string;
}

type HeaderBag = Headers | Record<string, string | undefined>;

function header(headers: HeaderBag | undefined, name: string): string | undefined {
	if (!headers) return undefined;
	if (typeof (headers as Headers).get === 'function')
		return (headers as Headers).get(name) ?? undefined;
	const wanted = name.toLowerCase();
	for (const [key, value] of Object.entries(headers as Record<string, string | undefined>)) {
		if (key.toLowerCase() === wanted) return value;
	}
	return undefined;
}

function str(value: unknown): string | undefined {
	return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Reads `{ error: { code, message, innerError: { request-id, date, code } } }` and the headers. */
export function parseGraphError(body: unknown, headers?: HeaderBag): GraphErrorInfo {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			parsed = { error: { message: body.slice(0, 500) } };
		}
	} else if (Buffer.isBuffer(parsed)) {
		try {
			parsed = JSON.parse(parsed.toString('utf8'));
		} catch {
			parsed = undefined;
		}
	}
	const error = (parsed as { error?: unknown } | undefined)?.error;
	const e = error && typeof error === 'object' ? (error as Record<string, unknown>) : {};
	const inner = (e.innerError ?? e.innererror) as Record<string, unknown> | undefined;
	return {
		code: str(e.code) ?? (typeof error === 'string' ? error : undefined),
		message: str(e.message) ?? str((parsed as { error_description?: unknown })?.error_description),
		innerCode: str(inner?.code),
		requestId: str(inner?.['request-id']) ?? header(headers, 'request-id'),
		clientRequestId: str(inner?.['client-request-id']) ?? header(headers, 'client-request-id'),
		date: str(inner?.date) ?? header(headers, 'date'),
	};
}

/** The one place text leaves for an error: central redaction of tokens and secrets. */
export function scrub(text: string): string {
	return redact(text);
}

/** A path segment as a person reads it (`alice%40contoso.com` → `alice@contoso.com`). */
function decodeSegment(segment: string): string {
	try {
		const decoded = decodeURIComponent(segment);
		// A decoded `/`, `?` or `#` would change what the text seems to say: keep those encoded.
		return /[/?#]/.test(decoded) ? segment : decoded;
	} catch {
		return segment;
	}
}

/** `GET /users/{id}` style text for a URL or path: no origin, no version, no query, decoded. */
export function describeCall(method: string, url: string): string {
	let path = url.replace(/^https?:\/\/[^/]+/i, '');
	const cut = path.search(/[?#]/);
	if (cut >= 0) path = path.slice(0, cut);
	path = path.replace(/^\/(v1\.0|beta)(?=\/|$)/i, '') || '/';
	return `${method.toUpperCase()} ${path.split('/').map(decodeSegment).join('/')}`;
}

export interface GraphFailure {
	status: number;
	method: string;
	/** Request URL or Graph path; the query is ignored. */
	url: string;
	body?: unknown;
	headers?: HeaderBag;
	/** The credential's scheme, for the permission advice on 403. */
	scheme?: AuthScheme;
	/** What the token that was refused carries (`roles` or `scp`), to tell a missing permission from other refusals. */
	granted?: TokenGrants;
	/** Attempts made (retries included). */
	attempts?: number;
	/** Why retrying stopped, for 429/503/504. */
	stoppedBecause?: 'attempts' | 'budget' | 'retry-after-too-long';
	/** The last Retry-After Graph sent (ms). */
	retryAfterMs?: number;
	/** A token refresh was tried after a first 401. */
	refreshed?: boolean;
	/** The request's declared side effect (a `createOnce` request answered 5xx may have been carried out). */
	effect?: import('./transport/retry').SideEffect;
}

export interface ErrorOptions {
	itemIndex?: number;
}

function consentNote(permission: string, scheme: AuthScheme): string {
	const info = permissionInfo(permission);
	const record = scheme === 'application' ? info?.application : info?.delegated;
	if (scheme === 'application') return 'application permissions always need admin consent';
	if (!record) return 'check in the app registration whether it needs admin consent';
	return record.adminConsent
		? 'it needs admin consent'
		: 'users can consent to it themselves unless the tenant restricts user consent';
}

/** The 403 advice: least-privileged permission for the call and scheme, and how to grant it. */
export function permissionAdvice(
	method: string,
	url: string,
	scheme: AuthScheme,
): { least?: string; text: string } {
	const call = describeCall(method, url);
	const grant = permissionsFor(method, url, scheme);
	const other: AuthScheme = scheme === 'application' ? 'delegated' : 'application';
	if (!grant || (!grant.least && grant.all.length === 0)) {
		const alternative = permissionsFor(method, url, other);
		return {
			text: alternative
				? `${call} cannot be called with ${scheme} permissions (Microsoft lists it for ${other} permissions only${alternative.least ? `, least-privileged: ${alternative.least}` : ''}); use a ${other === 'application' ? 'app-only' : 'delegated (OAuth2)'} credential.`
				: `Microsoft's permissions catalogue lists no permission for ${call}.`,
		};
	}
	const least = grant.least ?? grant.all[0];
	const kind = scheme === 'application' ? 'Application' : 'Delegated';
	const steps =
		scheme === 'application'
			? `In the Microsoft Entra admin center open App registrations > your app > API permissions > Add a permission > Microsoft Graph > Application permissions, add ${least}, then select "Grant admin consent" (${consentNote(least, scheme)}).`
			: `In the Microsoft Entra admin center open App registrations > your app > API permissions > Add a permission > Microsoft Graph > Delegated permissions, add ${least} (${consentNote(least, scheme)}), add it to the credential's scopes and reconnect the credential so the new token carries it.`;
	const others = rankAlternatives(
		grant.all.filter((p) => p !== least),
		least,
		scheme,
	);
	const alsoGrant = others.length
		? ` Other permissions that also allow it: ${others.slice(0, 8).join(', ')}${others.length > 8 ? ', ...' : ''}.`
		: '';
	const extra = grant.alsoRequires[least]?.length
		? ` It also requires ${grant.alsoRequires[least].join(', ')}.`
		: '';
	return {
		least,
		text: `Least-privileged ${kind.toLowerCase()} permission for ${call}: ${least}.${extra} ${steps}${alsoGrant}`,
	};
}

/** Other granting permissions, most relevant first: same family as `least`, then by privilege. */
function rankAlternatives(names: string[], least: string, scheme: AuthScheme): string[] {
	const family = least.split('.')[0];
	const level = (name: string) => {
		const info = permissionInfo(name);
		return (scheme === 'application' ? info?.application : info?.delegated)?.privilegeLevel ?? 9;
	};
	const rank = (name: string) =>
		name.split('.')[0] === family ? 0 : name.startsWith('Directory.') ? 1 : 2;
	return [...names].sort((a, b) => rank(a) - rank(b) || level(a) - level(b) || a.localeCompare(b));
}

function trailer(info: GraphErrorInfo): string {
	const parts: string[] = [];
	if (info.requestId) parts.push(`request-id: ${info.requestId}`);
	if (info.clientRequestId && info.clientRequestId !== info.requestId)
		parts.push(`client-request-id: ${info.clientRequestId}`);
	if (info.date) parts.push(`date: ${info.date}`);
	return parts.length ? ` (${parts.join(', ')})` : '';
}

function graphSaid(status: number, info: GraphErrorInfo): string {
	const code =
		info.innerCode && info.innerCode !== info.code ? `${info.code}/${info.innerCode}` : info.code;
	const message = info.message?.replace(/[.\s]+$/, '');
	return `Graph answered ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
}

/** The mailbox of a `/users/{mailbox}/messages|mailFolders|events|calendar...` path ("me" for /me). */
function mailboxOfPath(url: string): string | undefined {
	const match =
		/^[A-Z]+ \/(me|users\/([^/]+))\/(messages|mailfolders|sendmail|events|calendars?|calendarview|calendargroups|mailboxsettings|contacts|contactfolders|findmeetingtimes)(\/|$)/i.exec(
			describeCall('GET', url),
		);
	if (!match) return undefined;
	return match[2] ?? 'me';
}

/** Permissions Exchange Online can narrow to some mailboxes (application access policies, RBAC for Applications). */
export function isExchangeScopedPermission(permission: string): boolean {
	return /^(Mail|Calendars|Contacts|MailboxSettings)\./.test(permission);
}

/** Why Graph refused: each kind has its own message and its own admin route. */
export type ForbiddenKind =
	| 'conditionalAccess'
	| 'notEnabled'
	| 'exchangeScope'
	| 'sitesSelected'
	| 'missingPermission'
	| 'notThePermission'
	| 'unknown';

const forbiddenKinds = new WeakMap<object, ForbiddenKind>();

/** The kind of refusal a Graph error was explained as (undefined for other errors). */
export function forbiddenKindOf(error: unknown): ForbiddenKind | undefined {
	return error && typeof error === 'object' ? forbiddenKinds.get(error) : undefined;
}

/** Graph codes for a mailbox or service the user does not have (no licence, inactive, on-premises). */
const NOT_ENABLED_CODES = new Set([
	'mailboxnotenabledforrestapi',
	'mailboxnotsupportedforrestapi',
	'errornonexistentmailbox',
	'errormailboxnotlicensed',
]);

interface Explanation {
	kind: ForbiddenKind;
	message: string;
	description: string;
}

function quotedCode(info: GraphErrorInfo): string {
	return [info.code, info.innerCode].filter(Boolean).join('/') || 'no code';
}

/**
 * Refusals no Graph permission fixes, at any status: Conditional Access (AADSTS53003) and a
 * mailbox or service the user has no licence for (MailboxNotEnabledForRESTAPI and the like).
 */
function notEnabledOrBlocked(
	failure: GraphFailure,
	info: GraphErrorInfo,
	call: string,
	said: string,
): Explanation | undefined {
	const text = `${info.code ?? ''} ${info.innerCode ?? ''} ${info.message ?? ''}`;
	if (/AADSTS53003|conditional access/i.test(text)) {
		return {
			kind: 'conditionalAccess',
			message: `Blocked by Conditional Access: ${call} (${/AADSTS53003/i.test(text) ? 'AADSTS53003' : quotedCode(info)})`,
			description: `${said}. A Conditional Access policy of the tenant blocks this access (for example a location, device or sign-in-risk condition, or a policy for workload identities that covers this app). No Graph permission changes this: an administrator finds the sign-in under Entra admin center > Monitoring > Sign-in logs (the request-id below), sees which policy applied under its Conditional Access tab, and adapts or excludes the app or its network location.`,
		};
	}
	const codes = [info.code, info.innerCode].filter(Boolean).map((c) => c!.toLowerCase());
	if (
		codes.some((c) => NOT_ENABLED_CODES.has(c)) ||
		/mailbox is either inactive|not licensed|no (valid )?licen[cs]e|licen[cs]e (is )?required/i.test(
			text,
		)
	) {
		const mailbox = mailboxOfPath(failure.url);
		return {
			kind: 'notEnabled',
			message: `${call} refused: ${quotedCode(info)} — ${mailbox ? `the mailbox ${mailbox} is not enabled for Graph` : 'the service is not enabled (licensed) for this user'}`,
			description: `${said}. This is not a missing permission and no consent changes it: ${mailbox ? 'the user has no Exchange Online mailbox Graph can reach — no licence that includes Exchange Online, an inactive or soft-deleted mailbox, or a mailbox hosted on-premises.' : 'the user has no licence that includes the service.'} An administrator assigns a licence with the service (Microsoft 365 admin center > Users > Active users > the user > Licenses and apps) or names another user or mailbox in the node.`,
		};
	}
	return undefined;
}

/** Site ID (or drive) of a SharePoint path, as text for a message. */
function siteOfPath(url: string): string | undefined {
	const path = describeCall('GET', url).slice(4);
	const site = /^\/sites\/([^/]+(?::\/[^:]*:?)?)/i.exec(path);
	if (site) return `the site ${site[1].replace(/:$/, '')}`;
	const drive = /^\/drives\/([^/]+)/i.exec(path);
	if (drive) return `the site of the library (drive) ${drive[1]}`;
	return undefined;
}

function isSharePointPath(url: string): boolean {
	return /^[A-Z]+ \/(sites|drives)\//i.test(describeCall('GET', url));
}

const TOKEN_NOTE =
	' Permission changes reach new tokens only: a token issued before them keeps the old permissions until it expires.';

/** A 403 explained from Graph's answer and the permissions the refused token carries. */
function forbiddenExplanation(
	failure: GraphFailure,
	info: GraphErrorInfo,
	call: string,
	said: string,
): Explanation {
	const blocked = notEnabledOrBlocked(failure, info, call, said);
	if (blocked) return blocked;
	const scheme = failure.granted?.scheme ?? failure.scheme ?? 'delegated';
	const advice = permissionAdvice(failure.method, failure.url, scheme);
	const granted = failure.granted;
	const mailbox = mailboxOfPath(failure.url);
	const exchangeCall = scheme === 'application' && mailbox !== undefined;
	if (!granted) {
		// No token to compare with: the catalogue's advice, with the other possible causes.
		const policy = exchangeCall
			? " If the permission is granted, an Exchange Online application access policy or RBAC for Applications scope (or the credential's mailbox restriction) may keep this app from this mailbox."
			: '';
		return {
			kind: 'unknown',
			message: advice.least
				? `Forbidden: the ${scheme} credential lacks permission for ${call}; grant ${advice.least}`
				: `Forbidden: ${call} was refused for the ${scheme} credential`,
			description: `${said}. ${advice.text}${policy}${TOKEN_NOTE}`,
		};
	}
	const grant = permissionsFor(failure.method, failure.url, scheme);
	const granting = granted.permissions.filter((p) => grant?.all.includes(p));
	const carries = granted.permissions.length
		? `The token carries ${granted.permissions.join(', ')}`
		: `The token carries no ${scheme} permissions`;
	const appId = granted.appId ?? '<the app ID>';

	if (
		scheme === 'application' &&
		isSharePointPath(failure.url) &&
		granted.permissions.includes('Sites.Selected') &&
		granting.every((p) => p === 'Sites.Selected')
	) {
		const site = siteOfPath(failure.url) ?? 'this site';
		const role = ['GET', 'HEAD'].includes(failure.method.toUpperCase()) ? 'read' : 'write';
		return {
			kind: 'sitesSelected',
			message: `Forbidden: the app has Sites.Selected but no "${role}" grant on ${site} (${call})`,
			description: `${said}. With Sites.Selected an app reaches only the sites granted to it one by one, and ${site} has no "${role}" (or higher) grant for app ${appId}. Grant it with the Microsoft 365 SharePoint node: Resource Site Permission, Operation Grant, Site ${site.replace(/^the site (of the library \(drive\) )?/, '')}, App ID ${appId}, Role ${role} — run with a credential that has Sites.FullControl.All (an administrator's), or POST /sites/{site-id}/permissions with { roles: ["${role}"], grantedToIdentities: [{ application: { id: "${appId}" } }] }. Site Permission > Get Many lists the grants a site has. A tenant-wide Sites.Read.All / Sites.ReadWrite.All would also do, but gives every site.`,
		};
	}

	if (exchangeCall && granting.length) {
		const text = info.message ?? '';
		const route = /AccessPolicy|RAOP|access polic/i.test(text)
			? 'policy'
			: /RBAC|management scope|role assignment/i.test(text)
				? 'rbac'
				: 'either';
		const policy =
			"an application access policy: the mailbox must be a member of the policy's group (Add-DistributionGroupMember on the mail-enabled security group named by PolicyScopeGroupId; Get-ApplicationAccessPolicy shows it; Test-ApplicationAccessPolicy -Identity <mailbox> -AppId " +
			appId +
			' shows the result)';
		const rbac =
			"RBAC for Applications: the management scope of the app's role assignment must include the mailbox (Get-ManagementRoleAssignment -RoleAssignee <service principal> shows the scope; Set-ManagementScope -RecipientRestrictionFilter, or a scope over a group the mailbox joins; Test-ServicePrincipalAuthorization -Identity <service principal> -Resource <mailbox> shows the result)";
		const which =
			route === 'policy'
				? `Graph names ${policy.split(':')[0]}. The administrator changes ${policy}.`
				: route === 'rbac'
					? `Graph names ${rbac.split(':')[0]}. The administrator changes ${rbac}.`
					: `An Exchange administrator changes either ${policy}, or, for ${rbac}.`;
		return {
			kind: 'exchangeScope',
			message: `Forbidden: the mailbox ${mailbox} is outside this app's Exchange Online scope (${call})`,
			description: `${said}. ${carries}, and ${granting.join(', ')} grants ${call}: no Graph permission is missing. Exchange Online keeps this app away from this mailbox. ${which} Or name a mailbox inside the app's scope; the credential's Mailbox Restriction can list the same mailboxes so that n8n refuses others before sending (README, "Least privilege").${TOKEN_NOTE}`,
		};
	}

	if (!granting.length) {
		const rbacNote = exchangeCall
			? ' If the app is instead granted through Exchange RBAC for Applications (those grants are not in the token), the mailbox is outside the management scope of its role assignment: Test-ServicePrincipalAuthorization -Identity <service principal> -Resource <mailbox> shows it.'
			: '';
		const carriesNote = `${carries}; none of them grants ${call}.`;
		return {
			kind: 'missingPermission',
			message: !advice.least
				? `Forbidden: ${call} was refused for the ${scheme} credential`
				: exchangeCall
					? `Forbidden: the token carries no permission for ${call} (grant ${advice.least}), or, with RBAC for Applications, the mailbox ${mailbox} is outside the app's management scope`
					: `Forbidden: the ${scheme} credential lacks permission for ${call}; grant ${advice.least}`,
			description: `${said}. ${advice.text} ${carriesNote}${rbacNote}${TOKEN_NOTE}`,
		};
	}

	const why =
		scheme === 'delegated'
			? "A delegated permission never exceeds the signed-in user's own rights: the user needs access to this object (mailbox delegation or folder permissions, membership of the team, group or site, or an administrator role)."
			: 'The object itself refuses the app (its own access rules, a resource-specific consent, or an administrator role the operation needs).';
	return {
		kind: 'notThePermission',
		message: `Forbidden: ${call} was refused although the token carries ${granting.join(', ')}`,
		description: `${said}. ${carries}, and ${granting.join(', ')} grants ${call} per Microsoft's permissions catalogue, so granting more Graph permissions will not help. ${why}`,
	};
}

/** A Graph error answer (after the transport's retries) as a NodeApiError. */
export function graphApiError(
	node: INode,
	failure: GraphFailure,
	options: ErrorOptions = {},
): NodeApiError {
	const info = parseGraphError(failure.body, failure.headers);
	const call = describeCall(failure.method, failure.url);
	const said = graphSaid(failure.status, info);
	let message: string;
	let description: string;
	let kind: ForbiddenKind | undefined;
	const blocked =
		failure.status === 403 ? undefined : notEnabledOrBlocked(failure, info, call, said);
	switch (blocked ? -1 : failure.status) {
		case -1: {
			message = blocked!.message;
			description = blocked!.description;
			kind = blocked!.kind;
			break;
		}
		case 401: {
			message = `Microsoft Graph rejected the access token for ${call}`;
			description =
				`${said}. ` +
				(failure.refreshed
					? 'A new token was requested and was refused as well. '
					: 'The token was refused. ') +
				"Usual causes: the credential is set to a different cloud than the tenant (for example Global for a US Government tenant), the Graph endpoint of a Custom cloud does not match the token audience, the app registration or its service principal was disabled or deleted, or this host's clock is wrong. Reconnect the credential or check its cloud and tenant.";
			break;
		}
		case 403: {
			const explained = forbiddenExplanation(failure, info, call, said);
			message = explained.message;
			description = explained.description;
			kind = explained.kind;
			break;
		}
		case 429:
		case 503:
		case 504: {
			const what =
				failure.status === 429
					? 'is throttling these requests'
					: failure.status === 503
						? 'is temporarily unavailable'
						: 'timed out answering';
			const attempts = failure.attempts ?? 1;
			const retryAfter =
				failure.retryAfterMs !== undefined
					? ` Graph last asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s.`
					: '';
			const why =
				failure.stoppedBecause === 'retry-after-too-long'
					? ' The requested wait is longer than the transport waits in one go, so it stopped.'
					: failure.stoppedBecause === 'budget'
						? ' The retries used up the time budget of the request.'
						: '';
			message = `Microsoft Graph ${what} (${failure.status}) for ${call}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`;
			description =
				`${said}.${retryAfter}${why} ` +
				(failure.status === 429
					? 'Graph throttles per app, per tenant and per mailbox: process fewer items at a time (batch size, or "Execute Once"/Loop with a Wait), avoid running several workflows against the same mailbox at once, or run it later.'
					: "Try again later; Microsoft's service health page shows ongoing incidents.");
			break;
		}
		case 404: {
			message = `Microsoft Graph ${call} failed: ${info.message ?? 'HTTP 404 (not found)'}`;
			description = `${said}. Check the ID or name in the node's parameters (a wrong or stale ID, or one from another tenant or mailbox), and that the credential's user or app can see it: Microsoft Graph answers 404 rather than 403 for many items the caller has no access to (a private channel, a mailbox without rights, a site the app was not granted).`;
			break;
		}
		default: {
			message = `Microsoft Graph ${call} failed: ${info.message ?? `HTTP ${failure.status}`}`;
			description = `${said}.`;
		}
	}
	const acted = failure.effect === 'createOnce' && failure.status >= 500 && failure.status !== 501;
	if (acted)
		description += ` ${call} may have been carried out before Graph answered ${failure.status}, so it was not sent again (that could send a mail or post a message twice): check whether it took effect (Sent Items, the channel, the folder) before running it again.`;
	description += trailer(info);
	const response: JsonObject = {
		httpCode: String(failure.status),
		code: info.code ?? null,
		message: info.message ? scrub(info.message) : null,
		requestId: info.requestId ?? null,
	};
	const error = new NodeApiError(node, response, {
		message: scrub(message),
		description: scrub(description),
		httpCode: String(failure.status),
		itemIndex: options.itemIndex,
	});
	if (kind) forbiddenKinds.set(error, kind);
	return acted ? markMayHaveActed(error) : error;
}

export interface NetworkFailure {
	method: string;
	url: string;
	/** `ECONNRESET`, `timeout`, ... */
	code: string;
	cause?: unknown;
	attempts: number;
	/** Why it was not (or no longer) retried. */
	notRetried?:
		'may-have-acted' | 'upload-fragment' | 'stream-body' | 'attempts' | 'budget' | 'aborted';
}

/** Which proxy n8n's environment sends this URL through, and what to check about it. */
export function proxyHint(url: string, env: NodeJS.ProcessEnv = process.env): string {
	let proxy: string | undefined;
	try {
		proxy = proxyForUrl(url, env);
	} catch {
		proxy = undefined;
	}
	if (proxy)
		return `The request went through the proxy ${describeProxy(proxy)} (HTTPS_PROXY/ALL_PROXY of the n8n process): check that it is reachable and allows ${hostOf(url) || "Microsoft's hosts"}, or list the host in NO_PROXY.`;
	return "No proxy is set for this host: if this network reaches the internet only through a proxy, set HTTPS_PROXY (and NO_PROXY for local hosts) in n8n's environment.";
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return '';
	}
}

/** A failure without an HTTP answer (reset, timeout, DNS) as a NodeApiError. */
export function networkError(
	node: INode,
	failure: NetworkFailure,
	options: ErrorOptions = {},
): NodeApiError {
	let origin = '';
	try {
		origin = new URL(failure.url).host;
	} catch {
		// relative
	}
	const call = describeCall(failure.method, failure.url);
	const cause = (failure.cause as { message?: unknown } | undefined)?.message;
	const detail =
		typeof cause === 'string' && cause !== failure.code
			? `${failure.code} (${cause})`
			: failure.code;
	const message = `No answer from ${origin || 'Microsoft Graph'} for ${call}: ${failure.code === 'timeout' ? 'the request timed out' : 'the connection failed'}`;
	let description = `${detail}, after ${failure.attempts} attempt${failure.attempts === 1 ? '' : 's'}.`;
	switch (failure.notRetried) {
		case 'may-have-acted':
			description += ` The connection failed after the ${failure.method.toUpperCase()} request was sent, so Microsoft 365 may have carried it out; it was not sent again (that could, for example, send a mail or post a message twice). Check whether it took effect (Sent Items, the channel, the folder) before running it again.`;
			break;
		case 'upload-fragment':
			description += ' The upload resumes from what the upload session reports it received.';
			break;
		case 'stream-body':
			description +=
				' The request body was a stream that cannot be sent a second time, so it was not retried.';
			break;
		case 'aborted':
			description += ' The request was cancelled.';
			break;
		default:
			description += ' Check the network path to Microsoft Graph (firewall, DNS) and try again.';
	}
	if (failure.notRetried !== 'aborted') description += ` ${proxyHint(failure.url)}`;
	const error = new NodeApiError(
		node,
		// Not `code`: n8n would replace the message with its generic text for ECONNRESET & co.
		{ networkCode: failure.code, message: scrub(message) },
		{ message: scrub(message), description: scrub(description), itemIndex: options.itemIndex },
	);
	return failure.notRetried === 'may-have-acted' ? markMayHaveActed(error) : error;
}

/** A request the transport refused to send (another origin, a bad URL). */
export function refusedRequestError(
	node: INode,
	message: string,
	description: string,
	options: ErrorOptions = {},
): NodeOperationError {
	return new NodeOperationError(node, scrub(message), {
		description: scrub(description),
		itemIndex: options.itemIndex,
	});
}
