/**
 * Site permissions for apps (what Sites.Selected reads): reading the inputs before any request,
 * the site's grants (`GET /sites/{id}/permissions`), and a grant as one output item.
 * https://learn.microsoft.com/en-us/graph/api/site-list-permissions, site-post-permissions,
 * site-update-permission, site-delete-permission; roles from "Overview of Selected permissions
 * in OneDrive and SharePoint".
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { GUID } from '../shared/clouds';
import type { GraphTransport } from '../shared/transport';
import { resolveSiteId, resourceLocator, sitePathOf } from './library';

/**
 * Roles offered: read and write are created directly; manage and fullcontrol are set by a PATCH
 * after creating the grant with write — POST answered "Invalid value for role" for them
 * (microsoft-graph-docs issues 11814, 18421, 16482; PnP's Grant-PnPAzureADAppSitePermission
 * does the same two steps). `owner`, although the overview lists it, is refused by PATCH and
 * turned into "none" by POST in those reports, so it is not offered.
 */
export const SITE_ROLES = ['read', 'write', 'manage', 'fullcontrol'] as const;
export type SiteRole = (typeof SITE_ROLES)[number];
export const CREATABLE_ROLES: readonly SiteRole[] = ['read', 'write'];

export interface SitePermission {
	id: string;
	roles?: string[];
	grantedToIdentitiesV2?: Array<{ application?: { id?: string; displayName?: string } }>;
	grantedToIdentities?: Array<{ application?: { id?: string; displayName?: string } }>;
}

export function appOf(permission: SitePermission): { id?: string; displayName?: string } {
	const identities = permission.grantedToIdentitiesV2 ?? permission.grantedToIdentities ?? [];
	return identities.find((i) => i.application)?.application ?? {};
}

/** A grant as an output item. */
export function permissionOutput(siteId: string, permission: SitePermission): IDataObject {
	const app = appOf(permission);
	return {
		id: permission.id,
		siteId,
		roles: permission.roles ?? [],
		appId: app.id ?? null,
		appDisplayName: app.displayName ?? null,
	};
}

/** The Site parameter, checked (no request). */
export function readSite(ctx: IExecuteFunctions, itemIndex: number) {
	const site = resourceLocator(ctx, 'site', itemIndex);
	sitePathOf(ctx, site, itemIndex);
	return site;
}

/** An app (client) ID parameter: a GUID, checked before anything is sent. */
export function readAppId(ctx: IExecuteFunctions, itemIndex: number, name = 'appId'): string {
	const value = String(ctx.getNodeParameter(name, itemIndex, '') ?? '').trim();
	if (!GUID.test(value)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`App ID "${value}" is not an application (client) ID`,
			{
				itemIndex,
				description:
					"Give the app's Application (client) ID, a GUID from Entra admin center > App registrations > the app > Overview (not its object ID or name). No request was made.",
			},
		);
	}
	return value.toLowerCase();
}

/** The Role parameter, one of SITE_ROLES (an expression could give anything). */
export function readRole(ctx: IExecuteFunctions, itemIndex: number): SiteRole {
	const value = String(ctx.getNodeParameter('role', itemIndex, '') ?? '')
		.trim()
		.toLowerCase();
	if (!(SITE_ROLES as readonly string[]).includes(value)) {
		throw new NodeOperationError(ctx.getNode(), `Role "${value}" is not a site permission role`, {
			itemIndex,
			description: `Use one of ${SITE_ROLES.join(', ')}. No request was made.`,
		});
	}
	return value as SiteRole;
}

/** The site's ID and every grant on it. */
export async function listGrants(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	site = readSite(ctx, itemIndex),
): Promise<{ siteId: string; grants: SitePermission[] }> {
	const siteId = await resolveSiteId(ctx, transport, site, itemIndex);
	const grants = await transport.collectAll<SitePermission>(`/sites/${siteId}/permissions`, {
		itemIndex,
	});
	return { siteId, grants };
}
