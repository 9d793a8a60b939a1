/**
 * The permission self-test: for every operation of every node of the package (the operations
 * and Graph calls the README's permissions table is generated from, operation-catalogue.ts),
 * whether the credential's token allows it: `allowed`, `missing` (which permissions),
 * `limited` (allowed, but some conditional calls are not), `scoped` (allowed, but Exchange
 * Online keeps the app from the checked mailbox, or Sites.Selected limits it to granted sites)
 * or `unavailable` (Microsoft offers the operation to the other credential type only).
 *
 * The token's `roles` (app-only) or `scp` (delegated) are compared with Microsoft's permissions
 * catalogue call by call: any permission the catalogue lists for a call grants it, not only the
 * least-privileged one the table names. Exchange scoping is not in the token: one harmless read
 * per permission family (mail: `GET /users/{mailbox}/mailFolders/inbox?$select=id`, calendar:
 * `GET /users/{mailbox}/calendars?$top=1`) against a mailbox the user names tells it.
 */
import { NodeApiError, NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import { grantsOfToken, type TokenGrants } from './auth/token-grants';
import type { TokenProvider } from './auth/types';
import { forbiddenKindOf, isExchangeScopedPermission } from './errors';
import { permissionsFor } from './graph/permissions';
import { allOperations } from './operation-catalogue';
import {
	declareGraphCalls,
	operationPermissions,
	type GraphCallDeclaration,
	type OperationDeclaration,
} from './operations';
import { GraphTransport } from './transport/transport';

export type OperationStatus = 'allowed' | 'limited' | 'scoped' | 'missing' | 'unavailable';

export interface OperationCheck extends IDataObject {
	node: string;
	resource: string;
	operation: string;
	status: OperationStatus;
	/** Least-privileged permissions of the calls the token does not grant (what to add). */
	missing: string[];
	/** Conditional calls the token does not grant: "Mail.Read (Download Attachments is on)". */
	missingWhen: string[];
	/** What the README's table lists for this operation and scheme (unconditional calls). */
	required: string[];
	/** The token's permissions that grant the operation's calls. */
	grantedBy: string[];
	/** Why `scoped` or `unavailable`, in words. */
	note: string | null;
}

/** The result of one Exchange probe. */
export interface ExchangeProbe extends IDataObject {
	family: 'mail' | 'calendar';
	mailbox: string;
	call: string;
	/**
	 * inScope: 200; scoped: Exchange Online refused the app this mailbox (app-only); noAccess:
	 * the signed-in user has no access to it (delegated); restricted: the credential's Mailbox
	 * Restriction excludes it (no request); the rest: not determined.
	 */
	result:
		'inScope' | 'scoped' | 'noAccess' | 'missingPermission' | 'notFound' | 'restricted' | 'failed';
	detail: string | null;
}

export interface PermissionSummary extends IDataObject {
	scheme: 'delegated' | 'application';
	appId: string | null;
	tenant: string | null;
	/** The token's permissions (names only). */
	permissions: string[];
	operations: number;
	allowed: number;
	limited: number;
	scoped: number;
	missing: number;
	unavailable: number;
	/** Permissions that would allow more operations, those allowing most first. */
	missingPermissions: string[];
	exchange: ExchangeProbe[];
	headline: string;
}

const PROBES: Record<ExchangeProbe['family'], GraphCallDeclaration> = {
	mail: { method: 'GET', path: '/users/{id}/mailFolders/{id}' },
	calendar: { method: 'GET', path: '/users/{id}/calendars' },
};

/** The Graph calls of the Exchange probe (for the operations that run it). */
export const PROBE_CALLS = declareGraphCalls([
	{ ...PROBES.mail, when: 'a mailbox is checked and the token can read mail' },
	{ ...PROBES.calendar, when: 'a mailbox is checked and the token can read calendars' },
]);

function familyOf(permission: string): ExchangeProbe['family'] | undefined {
	if (/^Mail\./.test(permission)) return 'mail';
	if (/^Calendars\./.test(permission)) return 'calendar';
	return undefined;
}

interface CallVerdict {
	call: GraphCallDeclaration;
	least: string | undefined;
	granting: string[];
	available: boolean;
}

/**
 * Sites.Selected grants SharePoint and OneDrive calls on the sites granted to the app, although
 * Microsoft's catalogue lists it for few paths ("Overview of Selected permissions in OneDrive and
 * SharePoint"); not a site's own permissions, which need Sites.FullControl.All.
 */
function sitesSelectedGrants(call: GraphCallDeclaration, grants: TokenGrants): boolean {
	return (
		grants.scheme === 'application' &&
		grants.permissions.includes('Sites.Selected') &&
		/^\/(sites|drives)\//i.test(call.path) &&
		!/\/permissions(\/|$)/i.test(call.path)
	);
}

function verdict(call: GraphCallDeclaration, grants: TokenGrants): CallVerdict {
	const grant = permissionsFor(call.method, call.catalogueAs ?? call.path, grants.scheme);
	const least = grant?.least ?? grant?.all[0];
	const granting = grant ? grants.permissions.filter((p) => grant.all.includes(p)) : [];
	if (sitesSelectedGrants(call, grants) && !granting.includes('Sites.Selected'))
		granting.push('Sites.Selected');
	return { call, least, granting, available: !!least };
}

/** One operation against the token's grants and the Exchange probes. */
export function checkOperation(
	op: OperationDeclaration,
	grants: TokenGrants,
	probes: ExchangeProbe[] = [],
): OperationCheck {
	const scheme = grants.scheme;
	const requirement = operationPermissions(op.graphCalls)[scheme];
	const calls = op.graphCalls
		.filter((c) => !c.scheme || c.scheme === scheme)
		.map((c) => verdict(c, grants));
	const base = {
		node: op.node,
		resource: op.resource,
		operation: op.operation,
		required: requirement.required,
	};
	if (requirement.required.length === 0 && requirement.conditional.length === 0) {
		return {
			...base,
			status: 'unavailable',
			missing: [],
			missingWhen: [],
			grantedBy: [],
			note: `Microsoft offers this operation to ${scheme === 'application' ? 'delegated (signed-in user)' : 'app-only'} credentials only`,
		};
	}
	const missing: string[] = [];
	const missingWhen: string[] = [];
	const grantedBy: string[] = [];
	for (const v of calls) {
		if (!v.available) continue;
		for (const p of v.granting) if (!grantedBy.includes(p)) grantedBy.push(p);
		if (v.granting.length) continue;
		if (v.call.when) {
			const text = `${v.least} (${v.call.when})`;
			if (!missingWhen.includes(text)) missingWhen.push(text);
		} else if (v.least && !missing.includes(v.least)) missing.push(v.least);
	}
	let status: OperationStatus = missing.length
		? 'missing'
		: missingWhen.length
			? 'limited'
			: 'allowed';
	let note: string | null = null;
	if (status !== 'missing') {
		const used = calls.filter((v) => v.granting.length);
		// Sites.Selected: every SharePoint call it grants works on granted sites only.
		if (used.some((v) => v.granting.length === 1 && v.granting[0] === 'Sites.Selected')) {
			status = 'scoped';
			note =
				'Sites.Selected: only on sites granted to the app (SharePoint → Site Permission → Grant)';
		}
		// Exchange: a probe said this mailbox is outside the app's scope for the family.
		const families = new Set(
			used
				.filter((v) => v.granting.every(isExchangeScopedPermission))
				.flatMap((v) => v.granting.map(familyOf))
				.filter((f): f is ExchangeProbe['family'] => !!f),
		);
		const scopedBy = probes.filter((p) => p.result === 'scoped' && families.has(p.family));
		if (scopedBy.length) {
			status = 'scoped';
			note = scopedBy
				.map(
					(p) =>
						`Exchange Online keeps the app from ${p.mailbox} (${p.family}): application access policy or RBAC for Applications scope`,
				)
				.join('; ');
		}
	}
	return { ...base, status, missing, missingWhen, grantedBy, note };
}

/**
 * The probes to run: one per Exchange family (mail, calendar) for which the token has a
 * permission that allows the probe's read (an app with only Mail.Send is not probed: no harmless
 * read shows its scope).
 */
export function probesFor(grants: TokenGrants): Array<ExchangeProbe['family']> {
	return (['mail', 'calendar'] as const).filter((family) => {
		const grant = permissionsFor(PROBES[family].method, PROBES[family].path, grants.scheme);
		return grants.permissions.some((p) => familyOf(p) === family && grant?.all.includes(p));
	});
}

/** One harmless read of the mailbox for the family, classified. */
export async function probeExchange(
	transport: GraphTransport,
	mailbox: string,
	family: ExchangeProbe['family'],
	itemIndex?: number,
): Promise<ExchangeProbe> {
	const segment = `/users/${encodeURIComponent(mailbox)}`;
	const url = family === 'mail' ? `${segment}/mailFolders/inbox` : `${segment}/calendars`;
	const query: Record<string, string> = family === 'mail' ? { $select: 'id' } : { $top: '1' };
	const call = `GET ${url.replace(segment, `/users/${mailbox}`)}?${family === 'mail' ? '$select=id' : '$top=1'}`;
	const out = (result: ExchangeProbe['result'], detail: string | null): ExchangeProbe => ({
		family,
		mailbox,
		call,
		result,
		detail,
	});
	try {
		await transport.request({ effect: 'read', url, query, itemIndex });
		return out('inScope', null);
	} catch (error) {
		if (error instanceof NodeApiError) {
			const kind = forbiddenKindOf(error);
			if (kind === 'exchangeScope') return out('scoped', error.message);
			if (kind === 'missingPermission') return out('missingPermission', error.message);
			if (kind === 'notThePermission') return out('noAccess', error.message);
			if (error.httpCode === '404') return out('notFound', error.message);
			return out('failed', error.message);
		}
		if (error instanceof NodeOperationError) return out('restricted', error.message);
		return out('failed', (error as Error).message);
	}
}

/** Every operation of the package against the token, and the summary. */
export function checkAll(
	grants: TokenGrants,
	probes: ExchangeProbe[] = [],
	operations: readonly OperationDeclaration[] = allOperations(),
): { checks: OperationCheck[]; summary: PermissionSummary } {
	const checks = [...operations]
		.sort(
			(a, b) =>
				a.node.localeCompare(b.node) ||
				a.resource.localeCompare(b.resource) ||
				a.operation.localeCompare(b.operation),
		)
		.map((op) => checkOperation(op, grants, probes));
	const count = (s: OperationStatus) => checks.filter((c) => c.status === s).length;
	const unlocks = new Map<string, number>();
	for (const c of checks) for (const p of c.missing) unlocks.set(p, (unlocks.get(p) ?? 0) + 1);
	const missingPermissions = [...unlocks.entries()]
		.sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
		.map(([p]) => p);
	const summary: PermissionSummary = {
		scheme: grants.scheme,
		appId: grants.appId ?? null,
		tenant: grants.tenant ?? null,
		permissions: grants.permissions,
		operations: checks.length,
		allowed: count('allowed'),
		limited: count('limited'),
		scoped: count('scoped'),
		missing: count('missing'),
		unavailable: count('unavailable'),
		missingPermissions,
		exchange: probes,
		headline: '',
	};
	summary.headline = headline(summary);
	return { checks, summary };
}

/** "12 of 41 operations allowed (3 limited, 2 scoped); missing: Mail.Send, …" */
export function headline(s: PermissionSummary): string {
	if (!s.permissions.length) return noPermissionsMessage(s.scheme);
	const extra = [
		s.limited ? `${s.limited} limited` : '',
		s.scoped ? `${s.scoped} scoped` : '',
	].filter(Boolean);
	const shown = s.missingPermissions.slice(0, 5);
	const missing = shown.length
		? `; missing: ${shown.join(', ')}${s.missingPermissions.length > shown.length ? ', …' : ''}`
		: '';
	return `${s.allowed} of ${s.operations} operations allowed${extra.length ? ` (${extra.join(', ')})` : ''}${missing}`;
}

export function noPermissionsMessage(scheme: 'delegated' | 'application'): string {
	return scheme === 'application'
		? 'The token carries no application permissions: grant and admin-consent Microsoft Graph application permissions (Entra admin center > App registrations > the app > API permissions > Add a permission > Microsoft Graph > Application permissions, then "Grant admin consent"); the README\'s permissions table lists what each operation needs'
		: "The token carries no delegated permissions: add Microsoft Graph delegated permissions to the credential's scopes (and the app registration), consent to them and reconnect the credential";
}

/**
 * The credential test's headline: the self-test for the token, with the Exchange probe against
 * the first address of the credential's Mailbox Restriction when it lists one (the mailboxes
 * the app is meant to reach). Never throws: a failed probe only leaves the scope unknown.
 */
export async function credentialTestHeadline(
	node: INode,
	provider: TokenProvider,
	token: string,
): Promise<string> {
	const grants = grantsOfToken(token, provider.scheme);
	const mailbox = provider.mailboxRestriction?.addresses[0];
	const probes: ExchangeProbe[] = [];
	if (mailbox && grants.permissions.length) {
		const transport = new GraphTransport(node, provider);
		for (const family of probesFor(grants))
			probes.push(await probeExchange(transport, mailbox, family));
	}
	const { summary } = checkAll(grants, probes);
	const scope = probes.length
		? ` Exchange scope of ${mailbox}: ${probes.map((p) => `${p.family} ${p.result === 'inScope' ? 'in scope' : p.result}`).join(', ')}.`
		: '';
	return `${summary.headline}.${scope}`;
}
