/**
 * Resolving what a login request names: the tenant segment of the URL (ID, verified domain,
 * `common`, `organizations`, `consumers`), the client application in that tenant (its own
 * registration, or the service principal of a multi-tenant app registered elsewhere), and users.
 */
import type { AppFixture, Directory, Tenant, User } from '../tenant';
import { Aadsts } from './errors';

export const CONSUMERS_TENANT_ID = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DNS = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/i;

export type Authority =
	| { kind: 'tenant'; segment: string; tenant: Tenant }
	| { kind: 'common' | 'organizations' | 'consumers'; segment: string };

/** Resolves a tenant segment, throwing AADSTS90002 (unknown) or 900023 (not a GUID or DNS name). */
export function resolveAuthority(directory: Directory, segment: string): Authority {
	const lower = segment.toLowerCase();
	if (lower === 'common' || lower === 'organizations' || lower === 'consumers') {
		return { kind: lower, segment };
	}
	if (lower === CONSUMERS_TENANT_ID) return { kind: 'consumers', segment };
	if (!GUID.test(lower) && !DNS.test(lower)) throw Aadsts.invalidTenantName(segment);
	const tenant = directory.findTenant(lower);
	if (!tenant) throw Aadsts.tenantNotFound(segment);
	return { kind: 'tenant', segment, tenant };
}

export interface ClientApp {
	appId: string;
	/** The app registration: credentials, redirect URIs, public-client setting, audience. */
	registration: AppFixture;
	homeTenant: Tenant;
	/** The tenant the request is for. */
	tenant: Tenant;
	/** The app's entry (registration or service principal) in `tenant`, holding the consent there;
	 * absent for a multi-tenant app nobody has consented to in that tenant. */
	servicePrincipal?: AppFixture;
}

export function isMultiTenant(app: AppFixture): boolean {
	return app.signInAudience === 'AzureADMultipleOrgs';
}

/** The client application as `tenant` sees it; AADSTS700016 when it is unknown there. */
export function resolveClient(directory: Directory, tenant: Tenant, clientId: string): ClientApp {
	const entry = tenant.apps.get(clientId.toLowerCase());
	if (entry && !entry.homeTenantId) {
		return {
			appId: entry.appId,
			registration: entry,
			homeTenant: tenant,
			tenant,
			servicePrincipal: entry,
		};
	}
	const registered = directory.findRegistration(clientId);
	if (registered && (entry || isMultiTenant(registered.app))) {
		return {
			appId: registered.app.appId,
			registration: registered.app,
			homeTenant: registered.tenant,
			tenant,
			servicePrincipal: entry,
		};
	}
	throw Aadsts.appNotFound(clientId, tenant.displayName);
}

/** The client's registration for a `common` / `organizations` request (50194 for single-tenant apps). */
export function resolveClientAnywhere(
	directory: Directory,
	authority: Authority,
	clientId: string,
): AppFixture {
	const registered = directory.findRegistration(clientId);
	if (authority.kind === 'consumers') throw Aadsts.appNotFound(clientId, 'Microsoft Accounts');
	if (!registered) throw Aadsts.appNotFound(clientId, authority.segment);
	if (!isMultiTenant(registered.app))
		throw Aadsts.notMultiTenant(registered.app.appId, registered.app.displayName);
	return registered.app;
}

/** A user by UPN in any tenant, or a guest of `tenant` whose mail is the given address. */
export function findUserAnywhere(
	directory: Directory,
	upn: string,
): { tenant: Tenant; user: User } | undefined {
	for (const tenant of directory.tenants) {
		const user = tenant.findUser(upn);
		if (user && user.userType !== 'Guest') return { tenant, user };
	}
	return undefined;
}

export function findGuest(tenant: Tenant, address: string): User | undefined {
	const lower = address.toLowerCase();
	return tenant.users.find((u) => u.userType === 'Guest' && (u.mail ?? '').toLowerCase() === lower);
}

export function tenantOfDomain(directory: Directory, upn: string): Tenant | undefined {
	const domain = upn.split('@')[1];
	return domain ? directory.findTenant(domain) : undefined;
}
