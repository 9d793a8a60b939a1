/**
 * The `scope` parameter of the v2.0 endpoints: OpenID Connect scopes, delegated permissions as
 * short names (Graph) or full URIs (`https://outlook.office.com/SMTP.Send`), `<resource>/.default`;
 * one resource per request; consent as the tenant granted it.
 */
import { isKnownPermission } from '../permissions';
import { RESOURCES, resourceFromIdentifier, ResourceName } from '../tokens';
import type { AppFixture, Tenant } from '../tenant';
import { Aadsts } from './errors';

export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

/** Delegated permissions of Exchange Online (`https://outlook.office.com/...`) that clients ask for. */
const OUTLOOK_DELEGATED = [
	'IMAP.AccessAsUser.All',
	'POP.AccessAsUser.All',
	'SMTP.Send',
	'EWS.AccessAsUser.All',
	'Mail.Read',
	'Mail.ReadWrite',
	'Mail.Send',
	'Mail.Read.Shared',
	'Mail.ReadWrite.Shared',
	'Mail.Send.Shared',
	'Calendars.Read',
	'Calendars.ReadWrite',
	'Contacts.Read',
	'Contacts.ReadWrite',
	'User.Read',
	'Exchange.Manage',
];
const OUTLOOK_APPLICATION = [
	'full_access_as_app',
	'IMAP.AccessAsApp',
	'POP.AccessAsApp',
	'SMTP.SendAsApp',
	'Mail.Read',
	'Mail.Send',
	'Exchange.ManageAsApp',
];

export interface DelegatedRequest {
	/** OpenID Connect scopes asked for (lower case). */
	oidc: Set<string>;
	resource: ResourceName;
	/** The resource identifier as asked (`https://graph.microsoft.com`, the app ID, ...). */
	audience: string;
	/** Permission names asked for, as the catalogue spells them (without `.default`). */
	permissions: string[];
	/** `<resource>/.default` was asked for. */
	isDefault: boolean;
}

export function splitScopes(scope: string | null | undefined): string[] {
	return (scope ?? '').split(/\s+/).filter(Boolean);
}

function splitUri(scope: string): { resource: string; name: string } | undefined {
	const slash = scope.lastIndexOf('/');
	if (slash <= 0) return undefined;
	return { resource: scope.slice(0, slash), name: scope.slice(slash + 1) };
}

/** The permission's name as the resource spells it (scopes are case-insensitive), if it exists. */
export function knownName(
	resource: ResourceName,
	name: string,
	scheme: 'delegated' | 'application',
	spellings: string[] = [],
): string | undefined {
	if (resource === 'outlook') {
		const list = scheme === 'delegated' ? OUTLOOK_DELEGATED : OUTLOOK_APPLICATION;
		return list.find((n) => n.toLowerCase() === name.toLowerCase());
	}
	if (isKnownPermission(name)) return name;
	const spelled = spellings.find((n) => n.toLowerCase() === name.toLowerCase());
	return spelled && isKnownPermission(spelled) ? spelled : undefined;
}

/**
 * Parses a delegated `scope` parameter: AADSTS28000 for more than one resource, 500011 for an
 * unknown resource, 70011 for a permission the resource does not define.
 */
export function parseDelegated(scope: string, tenant: Tenant, app: AppFixture): DelegatedRequest {
	const oidc = new Set<string>();
	const resources = new Map<ResourceName, string>();
	const permissions: string[] = [];
	let isDefault = false;
	const spellings = [...(app.requested?.delegated ?? []), ...(app.consent?.delegated ?? [])].map(
		(entry) => splitUri(entry)?.name ?? entry,
	);
	for (const item of splitScopes(scope)) {
		if ((OIDC_SCOPES as readonly string[]).includes(item.toLowerCase())) {
			oidc.add(item.toLowerCase());
			continue;
		}
		let resource: ResourceName = 'graph';
		let audience: string = RESOURCES.graph.id;
		let name = item;
		const uri = splitUri(item);
		if (uri) {
			const found = resourceFromIdentifier(uri.resource);
			if (!found) throw Aadsts.resourceNotFound(uri.resource, tenant.displayName);
			resource = found;
			audience = uri.resource.replace(/\/+$/, '');
			name = uri.name;
		}
		resources.set(resource, resources.get(resource) ?? audience);
		if (name.toLowerCase() === '.default') {
			isDefault = true;
			continue;
		}
		const known = knownName(resource, name, 'delegated', spellings);
		if (!known) throw Aadsts.invalidScope(scope);
		permissions.push(known);
	}
	if (resources.size > 1) throw Aadsts.multipleResources(scope);
	const [resource, audience] = [...resources.entries()][0] ?? ['graph', RESOURCES.graph.id];
	return { oidc, resource, audience, permissions, isDefault };
}

/** The delegated permissions a tenant granted an app for a resource (short names). */
export function consentedDelegated(
	servicePrincipal: AppFixture | undefined,
	resource: ResourceName,
): string[] {
	return namesFor(servicePrincipal?.consent?.delegated ?? [], resource).filter(
		(n) => !(OIDC_SCOPES as readonly string[]).includes(n.toLowerCase()),
	);
}

/** The application permissions (app roles) a tenant granted an app for a resource. */
export function consentedApplication(
	servicePrincipal: AppFixture | undefined,
	resource: ResourceName,
): string[] {
	return namesFor(servicePrincipal?.consent?.application ?? [], resource);
}

function namesFor(entries: string[], resource: ResourceName): string[] {
	const out: string[] = [];
	for (const entry of entries) {
		const uri = splitUri(entry);
		const entryResource = uri ? resourceFromIdentifier(uri.resource) : 'graph';
		if (entryResource !== resource) continue;
		const name = uri ? uri.name : entry;
		if (!out.some((n) => n.toLowerCase() === name.toLowerCase())) out.push(name);
	}
	return out;
}

/** The permissions of `request` the tenant has not consented to. */
export function missingConsent(
	request: DelegatedRequest,
	servicePrincipal: AppFixture | undefined,
): string[] {
	const granted = new Set(
		consentedDelegated(servicePrincipal, request.resource).map((n) => n.toLowerCase()),
	);
	return request.permissions.filter((p) => !granted.has(p.toLowerCase()));
}

/** Scopes as the token response lists them: OIDC scopes short, permissions as full URIs. */
export function responseScope(request: DelegatedRequest, granted: string[]): string {
	const base = RESOURCES[request.resource].id;
	const oidc = OIDC_SCOPES.filter((s) => request.oidc.has(s));
	return [...granted.map((p) => `${base}/${p}`), ...oidc].join(' ');
}
