/**
 * Site permissions for apps (what `Sites.Selected` reads), on Graph:
 * - `GET /sites/{id}/permissions` (https://learn.microsoft.com/en-us/graph/api/site-list-permissions),
 * - `GET /sites/{id}/permissions/{id}` (https://learn.microsoft.com/en-us/graph/api/site-get-permission),
 * - `POST /sites/{id}/permissions` (https://learn.microsoft.com/en-us/graph/api/site-post-permissions),
 * - `PATCH /sites/{id}/permissions/{id}` (https://learn.microsoft.com/en-us/graph/api/site-update-permission),
 * - `DELETE /sites/{id}/permissions/{id}` (https://learn.microsoft.com/en-us/graph/api/site-delete-permission).
 *
 * Permissions: Microsoft's catalogue (`data/permissions.json`): application Sites.FullControl.All
 * for all five; delegated Sites.FullControl.All for the list only (the others' pages say "Not
 * supported" delegated). "Overview of Selected permissions in OneDrive and SharePoint"
 * (https://learn.microsoft.com/en-us/graph/permissions-selected-overview, "What permissions do I
 * need to manage permissions?"): for a site, Sites.FullControl.All — Sites.Selected with a
 * fullcontrol grant manages lists and items, not the site's own permissions — so Sites.Selected is
 * not accepted here. A refusal is 403 `accessDenied` "Access denied" (graph/service.ts).
 *
 * Body shapes from the pages' examples: `roles`, `grantedToIdentities` and `grantedToIdentitiesV2`
 * (each `[{ application: { id, displayName } }]`) and the `@deprecated.GrantedToIdentities`
 * annotation. Roles: read, write, owner, fullcontrol (the overview's "Roles" table); `manage`
 * too (SharePoint's app principal rights Read/Write/Manage/FullControl, which PnP's
 * Set-PnPAzureADAppSitePermission sets; assumed). POST takes the app from `grantedToIdentities`,
 * `grantedToIdentitiesV2` or `grantedTo` (the overview's example); a second POST for an app that
 * already has a grant replaces its roles (one grant per app and site; assumed).
 */
import { itemNotFound, SiteGrant, StoredSite } from '../drive-store';
import type { EmuResponse } from '../http';
import { permissionsFor } from '../permissions';
import type { DrivesService } from './drives';
import { GraphContext, GraphError, GraphRouteOptions, GraphService } from './service';

/** Roles a site permission may carry (see the header). */
export const SITE_ROLES = ['read', 'write', 'owner', 'fullcontrol', 'manage'];

const SITE = String.raw`(?<site>[^/:]+(?::/[^:]*:)?)`;

function catalogue(method: string, path: string): GraphRouteOptions {
	return {
		permissions: {
			delegated: permissionsFor(method, path, 'delegated')?.all ?? [],
			application: permissionsFor(method, path, 'application')?.all ?? [],
		},
		workload: 'sharepoint',
	};
}

function invalid(message: string): GraphError {
	// The pages document no error body for a malformed request; code and text assumed.
	return new GraphError(400, 'invalidRequest', message);
}

interface PermissionBody {
	roles?: unknown;
	grantedToIdentities?: unknown;
	grantedToIdentitiesV2?: unknown;
	grantedTo?: unknown;
}

function readRoles(value: unknown, required: boolean): string[] | undefined {
	if (value === undefined && !required) return undefined;
	if (!Array.isArray(value) || value.length === 0 || value.some((r) => typeof r !== 'string'))
		throw invalid('Invalid request: roles must be a non-empty array of strings.');
	const roles = (value as string[]).map((r) => r.toLowerCase());
	const unknown = roles.find((r) => !SITE_ROLES.includes(r));
	if (unknown) throw invalid(`Invalid request: unknown role '${unknown}'.`);
	return [...new Set(roles)];
}

function readApplication(body: PermissionBody): { id: string; displayName?: string } {
	const list = body.grantedToIdentitiesV2 ?? body.grantedToIdentities ?? body.grantedTo;
	const entries = Array.isArray(list) ? list : list ? [list] : [];
	if (entries.length !== 1)
		throw invalid('Invalid request: grantedToIdentities must name exactly one application.');
	const app = (entries[0] as { application?: { id?: unknown; displayName?: unknown } }).application;
	if (!app || typeof app.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(app.id))
		throw invalid('Invalid request: grantedToIdentities[0].application.id must be an app ID.');
	return {
		id: app.id.toLowerCase(),
		displayName: typeof app.displayName === 'string' ? app.displayName : undefined,
	};
}

export function sitePermissionJson(grant: SiteGrant): Record<string, unknown> {
	const identity = [{ application: { id: grant.appId, displayName: grant.displayName } }];
	return {
		id: grant.id,
		'@deprecated.GrantedToIdentities':
			'GrantedToIdentities has been deprecated. Refer to GrantedToIdentitiesV2',
		roles: [...grant.roles],
		grantedToIdentities: identity,
		grantedToIdentitiesV2: structuredClone(identity),
	};
}

export function registerSitePermissions(graph: GraphService, drives: DrivesService): void {
	const store = drives.store;
	const siteOf = (ctx: GraphContext): StoredSite => {
		let ref = ctx.params.site ?? '';
		try {
			ref = decodeURIComponent(ref);
		} catch {
			/* keep as is */
		}
		const site = store.findSite(ctx.tenant.id, ref);
		if (!site) throw itemNotFound('Requested site could not be found');
		return site;
	};
	const grantOf = (ctx: GraphContext, site: StoredSite): SiteGrant => {
		const grant = site.grants.find((g) => g.id === decodeURIComponent(ctx.params.permission));
		// Text assumed.
		if (!grant) throw itemNotFound('Item not found');
		return grant;
	};
	const entity = (ctx: GraphContext, site: StoredSite, grant: SiteGrant, status = 200) =>
		({
			status,
			body: {
				'@odata.context': `${ctx.root}/$metadata#sites('${encodeURIComponent(site.id)}')/permissions/$entity`,
				...sitePermissionJson(grant),
			},
			contractType: 'permission',
		}) satisfies EmuResponse;

	const list = new RegExp(String.raw`^/sites/${SITE}/permissions/?$`, 'i');
	const one = new RegExp(String.raw`^/sites/${SITE}/permissions/(?<permission>[^/]+)/?$`, 'i');

	graph.route(
		'GET',
		list,
		(ctx) => {
			const site = siteOf(ctx);
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#sites('${encodeURIComponent(site.id)}')/permissions`,
					value: site.grants.map(sitePermissionJson),
				},
				contractType: 'Collection(permission)',
			};
		},
		catalogue('GET', '/sites/x/permissions'),
	);
	graph.route(
		'GET',
		one,
		(ctx) => {
			const site = siteOf(ctx);
			return entity(ctx, site, grantOf(ctx, site));
		},
		catalogue('GET', '/sites/x/permissions/y'),
	);
	graph.route(
		'POST',
		list,
		async (ctx) => {
			const site = siteOf(ctx);
			const body = await ctx.json<PermissionBody>();
			const roles = readRoles(body.roles, true)!;
			const app = readApplication(body);
			const grant = store.grant(site, app.id, roles, app.displayName)!;
			return entity(ctx, site, grant, 201);
		},
		catalogue('POST', '/sites/x/permissions'),
	);
	graph.route(
		'PATCH',
		one,
		async (ctx) => {
			const site = siteOf(ctx);
			const grant = grantOf(ctx, site);
			const body = await ctx.json<PermissionBody>();
			const roles = readRoles(body.roles, true)!;
			grant.roles = roles;
			return entity(ctx, site, grant);
		},
		catalogue('PATCH', '/sites/x/permissions/y'),
	);
	graph.route(
		'DELETE',
		one,
		(ctx) => {
			const site = siteOf(ctx);
			const grant = grantOf(ctx, site);
			site.grants = site.grants.filter((g) => g !== grant);
			return { status: 204 };
		},
		catalogue('DELETE', '/sites/x/permissions/y'),
	);
}
