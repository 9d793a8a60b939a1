/**
 * Tenant-side limits on what a token can reach, beyond the permissions in it ("403s that tell
 * the truth"): Exchange's two mailbox scopings for apps, Conditional Access for workload
 * identities, and mailboxes without a licence. Off for every app and user until a test or the
 * admin API turns them on, so nothing else changes.
 *
 * 1. Application access policies (https://learn.microsoft.com/en-us/powershell/module/exchange/new-applicationaccesspolicy,
 *    https://learn.microsoft.com/en-us/graph/auth-limit-mailbox-access): per app, `RestrictAccess`
 *    or `DenyAccess` to the members of a mail-enabled security group (or a mailbox). They narrow
 *    the app's Entra application permissions, checked per target mailbox in the cmdlet page's
 *    order: a DenyAccess policy matching the mailbox denies; else a matching RestrictAccess
 *    policy grants; else any RestrictAccess policy of the app denies; else access is granted.
 *    Refusal: 403 `ErrorAccessDenied` "Access to OData is disabled: [RAOP] : Blocked by tenant
 *    configured AppOnly AccessPolicy settings." — no Microsoft page quotes the body; this is the
 *    text users report from Graph (e.g. a send refused by an app access policy, quoted verbatim in
 *    public write-ups; "[RAOP] Blocked by tenant configured AppOnly AccessPolicy" in several).
 *    Group membership is taken transitively (assumed).
 * 2. RBAC for Applications (https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac):
 *    management role assignments of "Application Mail.Read" etc. to the app's service principal,
 *    optionally limited by a management scope (here: a list of mailboxes and/or a group's
 *    members, standing for a RecipientRestrictionFilter such as `MemberOfGroup -eq '…'`). The
 *    page: "These permission grants are independent of the unscoped grants in Microsoft Entra
 *    ID" — an app with no Entra permission at all reads mail in scope; grants are additive. An
 *    app neither granted by Entra nor in an assignment's scope gets Exchange's ordinary 403
 *    `ErrorAccessDenied` "Access is denied. Check credentials and try again." (assumed: the page
 *    gives no error body). Application access policies narrow Entra grants only, not RBAC ones
 *    (assumed from "independent of the unscoped grants").
 * 3. Conditional Access for workload identities
 *    (https://learn.microsoft.com/en-us/entra/identity/conditional-access/workload-identity): a
 *    policy that blocks a service principal makes the token endpoint refuse client credentials
 *    with AADSTS53003 "Access has been blocked by Conditional Access policies. The access policy
 *    does not allow token issuance." (text: https://learn.microsoft.com/en-us/entra/identity-platform/reference-error-codes,
 *    BlockedByConditionalAccess; OAuth error `invalid_grant` and status 400 assumed) — checked
 *    after the client authenticated (login/token.ts).
 * 4. A user without an Exchange Online licence (or whose mailbox is soft-deleted or on premises):
 *    404 `MailboxNotEnabledForRESTAPI` "The mailbox is either inactive, soft-deleted, or is hosted
 *    on-premise." on mail and calendar calls that are otherwise authorised (as graph/mail.ts
 *    answers for `mailbox: "none"`; the code and text as Graph returns them, e.g.
 *    microsoftgraph/msgraph-sdk-dotnet and microsoft-graph-docs-contrib issues).
 */
import { randomUUID } from 'node:crypto';
import { readBody, Router, type EmuRequest, type EmuResponse } from './http';
import type { Emulator } from './emulator';
import type { Tenant, User } from './tenant';
import { graphErrorResponse, type GraphAuth } from './graph/service';

export type AccessRight = 'RestrictAccess' | 'DenyAccess';

export interface AccessPolicy {
	id: string;
	accessRight: AccessRight;
	/** Group (ID, display name or mail) whose members (transitively) the policy covers. */
	group?: string;
	/** Mailboxes (UPN or ID) the policy covers directly (a PolicyScopeGroupId may be a mailbox). */
	mailboxes?: string[];
	description?: string;
}

export interface ManagementScope {
	/** Mailboxes (UPN or ID) in scope. */
	mailboxes?: string[];
	/** A group whose members (transitively) are in scope (`MemberOfGroup -eq '…'`). */
	group?: string;
}

export interface RoleAssignment {
	id: string;
	/** e.g. "Application Mail.Read" (see APPLICATION_ROLES). */
	role: string;
	/** No scope: the whole organisation. */
	scope?: ManagementScope;
}

/**
 * Exchange's application roles and the Graph permissions each stands for ("Supported
 * Application Roles", https://learn.microsoft.com/en-us/exchange/permissions-exo/application-rbac).
 */
export const APPLICATION_ROLES: Record<string, string[]> = {
	'Application Mail.Read': ['Mail.Read'],
	'Application Mail.ReadBasic': ['Mail.ReadBasic'],
	'Application Mail.ReadWrite': ['Mail.ReadWrite'],
	'Application Mail.Send': ['Mail.Send'],
	'Application MailboxSettings.Read': ['MailboxSettings.Read'],
	'Application MailboxSettings.ReadWrite': ['MailboxSettings.ReadWrite'],
	'Application Calendars.Read': ['Calendars.Read'],
	'Application Calendars.ReadWrite': ['Calendars.ReadWrite'],
	'Application Contacts.Read': ['Contacts.Read'],
	'Application Contacts.ReadWrite': ['Contacts.ReadWrite'],
	'Application Mail Full Access': ['Mail.ReadWrite', 'Mail.Send'],
	'Application Exchange Full Access': [
		'Mail.ReadWrite',
		'Mail.Send',
		'MailboxSettings.ReadWrite',
		'Calendars.ReadWrite',
		'Contacts.ReadWrite',
	],
};

export const RAOP_MESSAGE =
	'Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly AccessPolicy settings.';
export const CA_BLOCK_TEXT =
	'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.';
export const MAILBOX_NOT_ENABLED =
	'The mailbox is either inactive, soft-deleted, or is hosted on-premise.';

const key = (tenantId: string, id: string) => `${tenantId.toLowerCase()}|${id.toLowerCase()}`;

/** What Exchange decided for one Graph request (see `ScopingService.exchange`). */
export type ExchangeVerdict =
	{ kind: 'allow' } | { kind: 'refuse'; response: EmuResponse } | { kind: 'default' };

export class ScopingService {
	private readonly policies = new Map<string, AccessPolicy[]>();
	private readonly assignments = new Map<string, RoleAssignment[]>();
	private readonly blockedApps = new Set<string>();
	private readonly unlicensed = new Set<string>();

	// Configuration ------------------------------------------------------------------------------

	setAccessPolicies(
		tenant: Tenant,
		appId: string,
		policies: Omit<AccessPolicy, 'id'>[],
	): AccessPolicy[] {
		const stored = policies.map((p) => {
			if (p.accessRight !== 'RestrictAccess' && p.accessRight !== 'DenyAccess')
				throw new Error(
					`accessRight must be RestrictAccess or DenyAccess, not ${String(p.accessRight)}`,
				);
			if (!p.group && !p.mailboxes?.length) throw new Error('a policy needs a group or mailboxes');
			this.checkScope(tenant, p);
			return { ...p, id: randomUUID() };
		});
		if (stored.length) this.policies.set(key(tenant.id, appId), stored);
		else this.policies.delete(key(tenant.id, appId));
		return stored;
	}

	accessPolicies(tenant: Tenant, appId: string): AccessPolicy[] {
		return this.policies.get(key(tenant.id, appId)) ?? [];
	}

	setRoleAssignments(
		tenant: Tenant,
		appId: string,
		assignments: Omit<RoleAssignment, 'id'>[],
	): RoleAssignment[] {
		const stored = assignments.map((a) => {
			if (!APPLICATION_ROLES[a.role])
				throw new Error(
					`unknown application role ${String(a.role)}; known: ${Object.keys(APPLICATION_ROLES).join(', ')}`,
				);
			if (a.scope) this.checkScope(tenant, a.scope);
			return { ...a, id: randomUUID() };
		});
		if (stored.length) this.assignments.set(key(tenant.id, appId), stored);
		else this.assignments.delete(key(tenant.id, appId));
		return stored;
	}

	roleAssignments(tenant: Tenant, appId: string): RoleAssignment[] {
		return this.assignments.get(key(tenant.id, appId)) ?? [];
	}

	/** Conditional Access for workload identities: block (or unblock) an app's client-credentials tokens. */
	setAppBlocked(tenant: Tenant, appId: string, blocked: boolean): void {
		if (blocked) this.blockedApps.add(key(tenant.id, appId));
		else this.blockedApps.delete(key(tenant.id, appId));
	}

	isAppBlocked(tenantId: string, appId: string): boolean {
		return this.blockedApps.has(key(tenantId, appId));
	}

	/** Takes (or gives back) a user's Exchange Online licence. */
	setMailboxLicensed(tenant: Tenant, user: User, licensed: boolean): void {
		if (licensed) this.unlicensed.delete(key(tenant.id, user.id));
		else this.unlicensed.add(key(tenant.id, user.id));
	}

	isMailboxLicensed(tenant: Tenant, user: User): boolean {
		return !this.unlicensed.has(key(tenant.id, user.id));
	}

	/** What Exchange's RBAC for Applications says (as Test-ServicePrincipalAuthorization lists it). */
	testAuthorization(
		tenant: Tenant,
		appId: string,
		mailbox: User,
	): Array<{ roleName: string; grantedPermissions: string[]; inScope: boolean }> {
		return this.roleAssignments(tenant, appId).map((a) => ({
			roleName: a.role,
			grantedPermissions: APPLICATION_ROLES[a.role],
			inScope: !a.scope || this.inScope(tenant, a.scope, mailbox),
		}));
	}

	// Evaluation ---------------------------------------------------------------------------------

	/**
	 * Exchange's decision for a mail or calendar request on a named mailbox, after the front door
	 * found `needed` (the catalogue's permissions) and whether the token holds one (`entra`).
	 * `default`: no opinion, the front door answers as before.
	 */
	exchange(
		req: EmuRequest,
		tenant: Tenant,
		auth: GraphAuth,
		path: string,
		needed: string[],
		entra: boolean,
	): ExchangeVerdict {
		const user = this.targetOf(tenant, auth, path);
		if (!user) return { kind: 'default' };
		let allowed: boolean;
		if (auth.scheme === 'delegated') {
			allowed = entra;
		} else {
			const rbac = this.roleAssignments(tenant, auth.appId).some(
				(a) =>
					APPLICATION_ROLES[a.role].some((p) => needed.includes(p)) &&
					(!a.scope || this.inScope(tenant, a.scope, user)),
			);
			const policy = entra ? this.policyAllows(tenant, auth.appId, user) : false;
			allowed = rbac || (entra && policy);
			if (!allowed && entra)
				return {
					kind: 'refuse',
					response: graphErrorResponse(req, 403, 'ErrorAccessDenied', RAOP_MESSAGE),
				};
		}
		if (!allowed) return { kind: 'default' };
		if (!this.isMailboxLicensed(tenant, user))
			return {
				kind: 'refuse',
				response: graphErrorResponse(req, 404, 'MailboxNotEnabledForRESTAPI', MAILBOX_NOT_ENABLED),
			};
		return { kind: 'allow' };
	}

	/** New-ApplicationAccessPolicy's rules, in the page's order. */
	policyAllows(tenant: Tenant, appId: string, user: User): boolean {
		const policies = this.accessPolicies(tenant, appId);
		if (!policies.length) return true;
		const matching = policies.filter((p) => this.inScope(tenant, p, user));
		if (matching.some((p) => p.accessRight === 'DenyAccess')) return false;
		if (matching.some((p) => p.accessRight === 'RestrictAccess')) return true;
		if (policies.some((p) => p.accessRight === 'RestrictAccess')) return false;
		return true;
	}

	private targetOf(tenant: Tenant, auth: GraphAuth, path: string): User | undefined {
		const m = /^\/users\/([^/]+)(?:\/|$)/i.exec(path);
		if (m) {
			let ref = m[1];
			try {
				ref = decodeURIComponent(ref);
			} catch {
				/* keep */
			}
			return tenant.findUser(ref.replace(/^'|'$/g, ''));
		}
		if (/^\/me(\/|$)/i.test(path) && auth.userId) return tenant.findUser(auth.userId);
		return undefined;
	}

	private inScope(tenant: Tenant, scope: ManagementScope, user: User): boolean {
		const upn = user.userPrincipalName.toLowerCase();
		if (
			scope.mailboxes?.some(
				(m) => m.toLowerCase() === upn || m.toLowerCase() === user.id.toLowerCase(),
			)
		)
			return true;
		if (scope.group) {
			const group = findGroup(tenant, scope.group);
			if (group && transitiveMember(tenant, group.id, user.id)) return true;
		}
		return false;
	}

	private checkScope(tenant: Tenant, scope: ManagementScope): void {
		if (scope.group && !findGroup(tenant, scope.group)) throw new Error(`no group ${scope.group}`);
		for (const m of scope.mailboxes ?? [])
			if (!tenant.findUser(m)) throw new Error(`no mailbox ${m}`);
	}
}

function findGroup(tenant: Tenant, ref: string) {
	return (
		tenant.findGroup(ref) ?? tenant.groups.find((g) => g.mail?.toLowerCase() === ref.toLowerCase())
	);
}

function transitiveMember(
	tenant: Tenant,
	groupId: string,
	memberId: string,
	seen = new Set<string>(),
): boolean {
	if (seen.has(groupId)) return false;
	seen.add(groupId);
	const group = tenant.findGroup(groupId);
	if (!group) return false;
	if (group.memberIds.includes(memberId)) return true;
	return group.memberIds.some((id) => transitiveMember(tenant, id, memberId, seen));
}

// ---------------------------------------------------------------------------------------------
// Admin API (documented in README.md, "Scoping: access policies, RBAC for Applications,
// Conditional Access, licences"). Every route takes `?tenant=` (ID or domain; default the home
// tenant). Bad input: 400 `{ error }`; an unknown app, user, group or tenant: 404 `{ error }`.

async function readJson<T>(req: EmuRequest): Promise<T> {
	const raw = await readBody(req.body, 1024 * 1024);
	return (raw.length ? JSON.parse(raw.toString('utf8')) : {}) as T;
}

export function registerScopingAdmin(router: Router, emu: Emulator): void {
	const scoping = emu.scoping;
	const tenantOf = (req: EmuRequest): Tenant => {
		const ref = req.query.get('tenant');
		const tenant = ref ? emu.directory.findTenant(ref) : emu.directory.home;
		if (!tenant) throw new AdminError(404, `no tenant ${ref}`);
		return tenant;
	};
	const appOf = (tenant: Tenant, appId: string): string => {
		const id = decodeURIComponent(appId).toLowerCase();
		if (!tenant.apps.has(id)) throw new AdminError(404, `no app ${id} in tenant ${tenant.id}`);
		return id;
	};
	const userOf = (tenant: Tenant, ref: string): User => {
		const user = tenant.findUser(decodeURIComponent(ref));
		if (!user) throw new AdminError(404, `no user ${ref}`);
		return user;
	};
	const handle =
		(fn: (req: EmuRequest, params: Record<string, string>) => Promise<unknown> | unknown) =>
		async (req: EmuRequest, params: Record<string, string>): Promise<EmuResponse> => {
			try {
				return { status: 200, body: await fn(req, params) };
			} catch (error) {
				const status = error instanceof AdminError ? error.status : 400;
				return { status, body: { error: (error as Error).message } };
			}
		};

	// Application access policies (New-ApplicationAccessPolicy), replaced as a whole.
	router.add(
		'PUT',
		'/_emulator/apps/:appId/access-policies',
		handle(async (req, params) => {
			const tenant = tenantOf(req);
			const appId = appOf(tenant, params.appId);
			const body = await readJson<{ policies?: Omit<AccessPolicy, 'id'>[] }>(req);
			return { policies: scoping.setAccessPolicies(tenant, appId, body.policies ?? []) };
		}),
	);
	router.add(
		'GET',
		'/_emulator/apps/:appId/access-policies',
		handle((req, params) => {
			const tenant = tenantOf(req);
			return { policies: scoping.accessPolicies(tenant, appOf(tenant, params.appId)) };
		}),
	);
	router.add(
		'DELETE',
		'/_emulator/apps/:appId/access-policies',
		handle((req, params) => {
			const tenant = tenantOf(req);
			return { policies: scoping.setAccessPolicies(tenant, appOf(tenant, params.appId), []) };
		}),
	);

	// RBAC for Applications (New-ManagementScope + New-ManagementRoleAssignment -App), replaced as a whole.
	router.add(
		'PUT',
		'/_emulator/apps/:appId/exchange-role-assignments',
		handle(async (req, params) => {
			const tenant = tenantOf(req);
			const appId = appOf(tenant, params.appId);
			const body = await readJson<{ assignments?: Omit<RoleAssignment, 'id'>[] }>(req);
			return { assignments: scoping.setRoleAssignments(tenant, appId, body.assignments ?? []) };
		}),
	);
	router.add(
		'GET',
		'/_emulator/apps/:appId/exchange-role-assignments',
		handle((req, params) => {
			const tenant = tenantOf(req);
			return { assignments: scoping.roleAssignments(tenant, appOf(tenant, params.appId)) };
		}),
	);
	router.add(
		'DELETE',
		'/_emulator/apps/:appId/exchange-role-assignments',
		handle((req, params) => {
			const tenant = tenantOf(req);
			return { assignments: scoping.setRoleAssignments(tenant, appOf(tenant, params.appId), []) };
		}),
	);
	// Test-ServicePrincipalAuthorization -Identity {appId} -Resource {mailbox}
	router.add(
		'GET',
		'/_emulator/apps/:appId/exchange-authorization',
		handle((req, params) => {
			const tenant = tenantOf(req);
			const appId = appOf(tenant, params.appId);
			const mailbox = userOf(tenant, req.query.get('mailbox') ?? '');
			return {
				roles: scoping.testAuthorization(tenant, appId, mailbox),
				accessPolicyAllows: scoping.policyAllows(tenant, appId, mailbox),
			};
		}),
	);

	// Conditional Access for workload identities: block the app's client-credentials tokens.
	router.add(
		'PUT',
		'/_emulator/apps/:appId/conditional-access',
		handle(async (req, params) => {
			const tenant = tenantOf(req);
			const appId = appOf(tenant, params.appId);
			const { block } = await readJson<{ block?: unknown }>(req);
			if (typeof block !== 'boolean') throw new Error('block must be true or false');
			scoping.setAppBlocked(tenant, appId, block);
			return { block };
		}),
	);

	// A user's Exchange Online licence (mailbox enabled for REST or not).
	router.add(
		'PUT',
		'/_emulator/users/:user/mailbox-licence',
		handle(async (req, params) => {
			const tenant = tenantOf(req);
			const user = userOf(tenant, params.user);
			const { licensed } = await readJson<{ licensed?: unknown }>(req);
			if (typeof licensed !== 'boolean') throw new Error('licensed must be true or false');
			scoping.setMailboxLicensed(tenant, user, licensed);
			return { user: user.userPrincipalName, licensed };
		}),
	);
}

class AdminError extends Error {
	constructor(
		readonly status: number,
		message: string,
	) {
		super(message);
	}
}
