/**
 * SharePoint sites, document libraries and drive items on Graph:
 * - `/sites/root`, `/sites/{hostname},{siteCollectionId},{webId}`, `/sites/{hostname}:/{path}[:]`,
 *   `/sites/{site}/drives`, `/sites/{site}/drive`, `/sites/{site}/drives/{id}`, `/drives/{id}`;
 * - items under `/drives/{id}` (or `/sites/{site}/drive[s/{id}]`) by `root`, `items/{id}`,
 *   `root:/a/b.txt:` and `items/{id}:/rel/path:`, with `/children` (GET, POST folder),
 *   `/content` (GET: 302 to a pre-authenticated download URL; PUT: simple upload) and
 *   `/createUploadSession`; DELETE of an item;
 * - upload sessions on a pre-authenticated URL outside /v1.0
 *   (`{site}/_api/v2.0/drives/{id}/items/{id}/uploadSession?guid=...&tempauth=...`), which refuses
 *   an Authorization header (401) as SharePoint does, with Graph's fragment rules.
 *
 * - site search `GET /sites?search=`; move and rename (`PATCH` an item with parentReference/name);
 *   copy (`POST .../copy`: 202 with a pre-authenticated monitor URL in Location, polled without a
 *   token); list item fields (`PATCH /sites/{id}/lists/{id}/items/{id}/fields` and
 *   `.../items/{id}/listItem/fields`), checked against the library's columns.
 *
 * Permissions: each route is authorised with the catalogue's permissions for its canonical form
 * (`/drives/{id}/items/{id}/...`), since the catalogue lists only some of the equivalent
 * addressing forms (`root`, `root:/path:`, `/sites/{id}/drive/...`).
 *
 * Sites.Selected: Microsoft documents the application permission Sites.Selected for the sites,
 * lists and drives APIs (the app then reaches only the sites an admin granted it through
 * `POST /sites/{id}/permissions`), but the catalogue extract lists it for a handful of paths only,
 * so every route here also accepts it. A token whose only qualifying role is Sites.Selected is
 * then checked against the addressed site's grants (`appGrants` in the fixture, `grant()` in
 * tests): no grant, or a read grant on a write, is 403 `accessDenied` "Access denied", as
 * SharePoint answers. Site search is trimmed to granted sites (search results are
 * security-trimmed; not verified against a real tenant). Delegated Sites.Selected is not emulated.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';
import type { Readable } from 'node:stream';
import { typeProperties } from '../../contract/contract';
import { permissionsFor } from '../permissions';
import { QuickXorHash } from '../quickxorhash';
import {
	ConflictBehavior,
	DriveStore,
	IdentitySet,
	itemNotFound,
	pathSegments,
	StoredDrive,
	StoredItem,
	StoredSite,
	validateName,
} from '../drive-store';
import type { Emulator } from '../emulator';
import type { EmuRequest, EmuResponse } from '../http';
import { listResponse, parseSelect } from './odata';
import { registerSitePermissions } from './site-permissions';
import {
	baseHeaders,
	GraphContext,
	GraphError,
	graphErrorResponse,
	GraphRouteOptions,
	GraphService,
} from './service';

/** Simple upload limit (`PUT .../content`). Graph's reference gives 250 MB today; the older OneDrive reference 4 MB. */
export const DEFAULT_SIMPLE_UPLOAD_LIMIT = 250 * 1024 * 1024;
export const FRAGMENT_UNIT = 320 * 1024;
/** A fragment must be smaller than 60 MiB. */
export const FRAGMENT_LIMIT = 60 * 1024 * 1024;
const SESSION_LIFETIME_MS = 24 * 3600 * 1000;
/** Site grant roles that allow writing (Sites.Selected). */
const WRITE_ROLES = ['write', 'owner', 'fullcontrol', 'manage'];

interface CopyJob {
	id: string;
	/** Polls answered "inProgress" before the job reports its end. */
	pollsLeft: number;
	resourceId?: string;
	error?: { code: string; message: string };
}

/** How a request may reach sites: every site (a tenant-wide role or delegated) or granted ones. */
interface Access {
	broad: boolean;
	write: boolean;
}

interface UploadSession {
	guid: string;
	tempauth: string;
	tenantId: string;
	drive: StoredDrive;
	/** The folder the path is relative to, the missing folders, and the file name. */
	base: StoredItem;
	folders: string[];
	name: string;
	behavior: ConflictBehavior;
	/** Set by the first fragment (or `item.fileSize`). */
	total?: number;
	received: number;
	blob: string;
	sha: ReturnType<typeof createHash>;
	qx: QuickXorHash;
	expires: number;
	by: IdentitySet;
	busy: boolean;
	sitePrefix: string;
	/** The final fragment arrived but the commit failed (409): kept until it expires. */
	commitFailed?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Routes

const SITE = String.raw`(?<site>[^/:]+(?::/[^:]*:)?)`;
const DRIVE = String.raw`^/(?:drives/(?<drive>[^/:]+)|sites/${SITE}/drive(?:s/(?<sdrive>[^/:]+))?)`;
const ITEM = String.raw`/(?:root|items/(?<item>[^/:]+))`;

function itemRoute(action: string): RegExp {
	// With an action after the path, the path is closed by ':'; without one, the ':' is optional.
	const rel = action ? String.raw`(?::(?<rel>/[^:]*):)?` : String.raw`(?::(?<rel>/[^:]*):?)?`;
	return new RegExp(`${DRIVE}${ITEM}${rel}${action.replace(/\//g, '\\/')}/?$`, 'i');
}

function catalogue(method: string, canonical: string): GraphRouteOptions {
	const delegated = permissionsFor(method, canonical, 'delegated')?.all;
	const application = permissionsFor(method, canonical, 'application')?.all;
	if (!delegated?.length || !application?.length)
		throw new Error(`no catalogue permissions for ${method} ${canonical}`);
	return withSitesSelected({ delegated, application });
}

function withSitesSelected(permissions: {
	delegated: string[];
	application: string[];
}): GraphRouteOptions {
	const application = permissions.application.includes('Sites.Selected')
		? permissions.application
		: [...permissions.application, 'Sites.Selected'];
	return { permissions: { delegated: permissions.delegated, application }, workload: 'sharepoint' };
}

function decode(value: string | undefined): string | undefined {
	if (value === undefined) return undefined;
	try {
		return decodeURIComponent(value);
	} catch {
		return value;
	}
}

export class DrivesService {
	/** Simple upload limit in bytes; tests may lower it. */
	simpleUploadLimit = DEFAULT_SIMPLE_UPLOAD_LIMIT;
	/** Monitor polls a copy answers "inProgress" before it reports completion; tests may change it. */
	copyPolls = 1;
	/**
	 * Fault: the next `conflictOnCommit` upload-session commits (final fragment or explicit
	 * commit) answer 409 nameAlreadyExists as if a file of that name had appeared meanwhile.
	 */
	conflictOnCommit = 0;
	readonly store: DriveStore;
	private readonly sessions = new Map<string, UploadSession>();
	private readonly copies = new Map<string, CopyJob>();
	private readonly access = new WeakMap<GraphContext, Access>();
	private readonly graph: GraphService;

	constructor(graph: GraphService, emu: Emulator) {
		this.store = new DriveStore(emu.directory);
		this.graph = graph;
		this.register();
	}

	/** Grants (or with no roles, revokes) an app's access to a site for Sites.Selected, e.g. `contoso.sharepoint.com:/sites/reports`. */
	grant(siteRef: string, appId: string, roles: string[]): void {
		for (const tenant of this.store.tenantIds()) {
			const site = this.store.findSite(tenant, siteRef);
			if (site) {
				this.store.grant(site, appId, roles);
				return;
			}
		}
		throw new Error(`no site ${siteRef}`);
	}

	// Test accessors ------------------------------------------------------------------------------

	/** A drive by ID or `{site ref}/{library}`, e.g. `contoso.sharepoint.com:/sites/reports/Reports`. */
	drive(ref: string): StoredDrive {
		return this.store.driveFor(ref);
	}

	read(drive: string, path: string): Promise<Buffer> {
		return this.store.read(drive, path);
	}

	stream(drive: string, path: string): Readable {
		return this.store.stream(drive, path);
	}

	/** sha256 (hex) of a stored file. */
	hash(drive: string, path: string): string {
		return this.store.hash(drive, path);
	}

	item(drive: string, path: string): StoredItem | undefined {
		return this.store.item(drive, path);
	}

	/** Open upload sessions. */
	get openSessions(): number {
		return this.sessions.size;
	}

	async close(): Promise<void> {
		this.sessions.clear();
		await this.store.close();
	}

	// Graph routes --------------------------------------------------------------------------------

	/** Registers a route whose handler knows how the token may reach sites (see `authorize`). */
	private route(
		method: string,
		pattern: RegExp,
		handler: (ctx: GraphContext) => Promise<EmuResponse> | EmuResponse,
		options: GraphRouteOptions,
	): void {
		const application =
			options.permissions && options.permissions !== 'none'
				? options.permissions.application.filter((p) => p !== 'Sites.Selected')
				: [];
		this.graph.route(
			method,
			pattern,
			(ctx) => {
				this.access.set(ctx, {
					broad:
						ctx.auth.scheme === 'delegated' || application.some((p) => ctx.auth.permissions.has(p)),
					write: method !== 'GET',
				});
				return handler(ctx);
			},
			options,
		);
	}

	/** Sites.Selected: a token without a tenant-wide role reaches only sites granted to its app. */
	private authorize(ctx: GraphContext, site: StoredSite, write?: boolean): void {
		const access = this.access.get(ctx);
		if (!access || access.broad) return;
		const grant = this.store.grantFor(site, ctx.auth.appId);
		const needsWrite = write ?? access.write;
		if (!grant || (needsWrite && !grant.roles.some((r) => WRITE_ROLES.includes(r))))
			throw new GraphError(403, 'accessDenied', 'Access denied');
	}

	private register(): void {
		this.route('GET', /^\/sites\/?$/i, (ctx) => this.searchSites(ctx), catalogue('GET', '/sites'));
		this.route(
			'GET',
			new RegExp(String.raw`^/sites/(?<site>[^/:]+(?::/[^:]*:?)?)/?$`, 'i'),
			(ctx) => ({
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#sites/$entity`,
					...this.siteJson(this.site(ctx)),
				},
				contractType: 'site',
			}),
			catalogue('GET', '/sites/x'),
		);
		this.route(
			'GET',
			new RegExp(String.raw`^/sites/${SITE}/drives/?$`, 'i'),
			(ctx) => {
				const site = this.site(ctx);
				return listResponse(ctx, site.drives, {
					context: `sites('${site.id}')/drives`,
					type: 'drive',
					defaultTop: 200,
					maxTop: 999,
					properties: typeProperties('drive') ?? [],
					project: (d, select) => project(this.driveJson(d), select),
				});
			},
			catalogue('GET', '/sites/x/drives'),
		);
		const getDrive = (ctx: GraphContext): EmuResponse => ({
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#drives/$entity`,
				...this.driveJson(this.driveOf(ctx)),
			},
			contractType: 'drive',
		});
		this.route(
			'GET',
			new RegExp(String.raw`^/drives/(?<drive>[^/:]+)/?$`, 'i'),
			getDrive,
			catalogue('GET', '/drives/x'),
		);
		this.route(
			'GET',
			new RegExp(String.raw`^/sites/${SITE}/drive(?:s/(?<sdrive>[^/:]+))?/?$`, 'i'),
			getDrive,
			catalogue('GET', '/drives/x'),
		);

		this.route(
			'GET',
			itemRoute(''),
			(ctx) => this.getItem(ctx),
			catalogue('GET', '/drives/x/items/y'),
		);
		this.route(
			'DELETE',
			itemRoute(''),
			(ctx) => {
				this.store.remove(this.target(ctx).item);
				return { status: 204 };
			},
			catalogue('DELETE', '/drives/x/items/y'),
		);
		this.route(
			'GET',
			itemRoute('/children'),
			(ctx) => this.listChildren(ctx),
			catalogue('GET', '/drives/x/items/y/children'),
		);
		this.route(
			'POST',
			itemRoute('/children'),
			(ctx) => this.createChild(ctx),
			catalogue('POST', '/drives/x/items/y/children'),
		);
		this.route(
			'GET',
			itemRoute('/content'),
			(ctx) => this.download(ctx),
			catalogue('GET', '/drives/x/items/y/content'),
		);
		this.route(
			'PUT',
			itemRoute('/content'),
			(ctx) => this.simpleUpload(ctx),
			catalogue('PUT', '/drives/x/items/y/content'),
		);
		this.route(
			'PUT',
			itemRoute(''),
			(ctx) => this.explicitCommit(ctx),
			catalogue('PUT', '/drives/x/items/y/content'),
		);
		this.route(
			'POST',
			itemRoute('/createUploadSession'),
			(ctx) => this.createUploadSession(ctx),
			catalogue('POST', '/drives/x/items/y/createuploadsession'),
		);
		this.route(
			'PATCH',
			itemRoute(''),
			(ctx) => this.updateItem(ctx),
			catalogue('PATCH', '/drives/x/items/y'),
		);
		this.route(
			'POST',
			itemRoute('/copy'),
			(ctx) => this.copyItem(ctx),
			catalogue('POST', '/drives/x/items/y/copy'),
		);
		// The catalogue has no entry for the listItem of a driveItem; Microsoft documents
		// Files.ReadWrite(.All) and Sites.ReadWrite.All for updating list item fields.
		const fieldsPermissions = withSitesSelected({
			delegated: ['Files.ReadWrite', 'Files.ReadWrite.All', 'Sites.ReadWrite.All'],
			application: ['Files.ReadWrite.All', 'Sites.ReadWrite.All'],
		});
		this.route(
			'PATCH',
			itemRoute('/listItem/fields'),
			(ctx) => this.patchFields(ctx, this.target(ctx).item),
			fieldsPermissions,
		);
		this.route(
			'GET',
			itemRoute('/listItem/fields'),
			(ctx) => this.fieldsResponse(ctx, this.target(ctx).item),
			withSitesSelected({
				delegated: ['Files.Read', 'Files.Read.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
				application: ['Files.Read.All', 'Sites.Read.All', 'Sites.ReadWrite.All'],
			}),
		);
		const LIST_ITEM = new RegExp(
			String.raw`^/sites/${SITE}/lists/(?<list>[^/]+)/items/(?<listItem>[^/]+)/fields/?$`,
			'i',
		);
		this.route(
			'PATCH',
			LIST_ITEM,
			(ctx) => this.patchFields(ctx, this.listItem(ctx)),
			catalogue('PATCH', '/sites/x/lists/y/items/z/fields'),
		);
		this.route(
			'GET',
			LIST_ITEM,
			(ctx) => this.fieldsResponse(ctx, this.listItem(ctx)),
			withSitesSelected({
				delegated: ['Sites.Read.All', 'Sites.ReadWrite.All'],
				application: ['Sites.Read.All', 'Sites.ReadWrite.All'],
			}),
		);
	}

	private site(ctx: GraphContext): StoredSite {
		const ref = decode(ctx.params.site) ?? '';
		const site = this.store.findSite(ctx.tenant.id, ref);
		if (!site) throw itemNotFound('Requested site could not be found');
		this.authorize(ctx, site);
		return site;
	}

	private searchSites(ctx: GraphContext): EmuResponse {
		const raw = ctx.req.query.get('search');
		const words = (raw ?? '*')
			.toLowerCase()
			.split(/\s+/)
			.filter((w) => w && w !== '*');
		const access = this.access.get(ctx);
		const sites = this.store.allSites(ctx.tenant.id).filter((site) => {
			if (access && !access.broad && !this.store.grantFor(site, ctx.auth.appId)) return false;
			const json = this.siteJson(site);
			const text = [json.displayName, json.name, json.description, json.webUrl]
				.map((v) => String(v ?? '').toLowerCase())
				.join(' ');
			return words.every((w) => text.includes(w));
		});
		return listResponse(ctx, sites, {
			context: 'sites',
			type: 'site',
			defaultTop: 200,
			maxTop: 999,
			properties: typeProperties('site') ?? [],
			project: (site, select) => project(this.siteJson(site), select),
		});
	}

	private listItem(ctx: GraphContext): StoredItem {
		const site = this.site(ctx);
		const listId = (decode(ctx.params.list) ?? '').toLowerCase();
		const drive = site.drives.find((d) => d.listId === listId);
		if (!drive) throw itemNotFound('List does not exist.');
		const id = Number(decode(ctx.params.listItem));
		for (const item of drive.items.values()) if (item.parent && item.listItemId === id) return item;
		throw itemNotFound('The specified list item was not found.');
	}

	private fieldsJson(ctx: GraphContext, item: StoredItem): Record<string, unknown> {
		const drive = item.drive;
		return {
			'@odata.context': `${ctx.root}/$metadata#sites('${drive.site.id}')/lists('${drive.listId}')/items('${item.listItemId}')/fields/$entity`,
			'@odata.etag': `"${item.uniqueId},${item.version}"`,
			id: String(item.listItemId),
			FileLeafRef: item.name,
			ContentType: item.file ? 'Document' : 'Folder',
			Created: item.createdDateTime,
			Modified: item.lastModifiedDateTime,
			...item.fields,
		};
	}

	private fieldsResponse(ctx: GraphContext, item: StoredItem): EmuResponse {
		if (!item.parent) throw new GraphError(400, 'invalidRequest', 'The root has no list item.');
		return { status: 200, body: this.fieldsJson(ctx, item), contractType: 'fieldValueSet' };
	}

	private async patchFields(ctx: GraphContext, item: StoredItem): Promise<EmuResponse> {
		const body = await ctx.json<Record<string, unknown>>();
		if (!body || typeof body !== 'object' || Array.isArray(body))
			throw new GraphError(400, 'invalidRequest', 'The request body must be a JSON object.');
		this.store.setFields(item, body, this.by(ctx));
		return { status: 200, body: this.fieldsJson(ctx, item), contractType: 'fieldValueSet' };
	}

	/** The folder a parentReference points at: `id` (with `driveId`) or `path` (`/drives/{id}/root:/a/b`). */
	private parentFrom(ctx: GraphContext, ref: unknown, fallback: StoredDrive): StoredItem {
		if (!ref || typeof ref !== 'object')
			throw new GraphError(400, 'invalidRequest', 'parentReference must be an object.');
		const r = ref as { driveId?: unknown; id?: unknown; path?: unknown };
		let drive = fallback;
		if (typeof r.driveId === 'string' && r.driveId) {
			const found = this.store.findDrive(ctx.tenant.id, r.driveId);
			if (!found) throw itemNotFound('The requested drive was not found.');
			drive = found;
		}
		let parent: StoredItem | undefined;
		if (typeof r.id === 'string' && r.id) parent = drive.items.get(r.id);
		else if (typeof r.path === 'string') {
			const m =
				/^\/drives\/([^/]+)\/root:?(.*)$/i.exec(r.path) ?? /^\/drive\/root:?(.*)$/i.exec(r.path);
			if (!m)
				throw new GraphError(400, 'invalidRequest', `Invalid parentReference.path '${r.path}'.`);
			const rel = m.length === 3 ? m[2] : m[1];
			if (m.length === 3) {
				const byPath = this.store.findDrive(ctx.tenant.id, decode(m[1])!);
				if (!byPath) throw itemNotFound('The requested drive was not found.');
				drive = byPath;
			}
			parent = this.store.resolve(drive.root, pathSegments(rel));
		} else {
			throw new GraphError(400, 'invalidRequest', 'parentReference needs an id or a path.');
		}
		if (!parent) throw itemNotFound('The destination folder was not found.');
		if (!parent.children)
			throw new GraphError(400, 'invalidRequest', 'The destination is not a folder.');
		this.authorize(ctx, drive.site, true);
		return parent;
	}

	/** PATCH an item: rename (`name`) and move within its drive (`parentReference`). */
	private async updateItem(ctx: GraphContext): Promise<EmuResponse> {
		const { drive, item } = this.target(ctx);
		const body = await ctx.json<Record<string, unknown>>();
		const behavior = conflictBehavior(
			ctx.req.query.get('@microsoft.graph.conflictBehavior'),
			'fail',
		);
		let parent = item.parent;
		if (!parent) throw new GraphError(400, 'invalidRequest', 'The root cannot be changed.');
		if (body.parentReference !== undefined) {
			const ref = body.parentReference as { driveId?: unknown };
			if (typeof ref?.driveId === 'string' && ref.driveId && ref.driveId !== drive.id) {
				// Graph moves items within a drive only; across drives, copy and delete.
				throw new GraphError(
					400,
					'invalidRequest',
					'Cross-drive moves are not supported; copy the item to the other drive and delete it.',
				);
			}
			parent = this.parentFrom(ctx, body.parentReference, drive);
		}
		const name = body.name === undefined ? item.name : body.name;
		if (typeof name !== 'string') throw new GraphError(400, 'invalidRequest', 'Invalid name.');
		const moved = this.store.move(item, parent, name, behavior, this.by(ctx));
		return {
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#drives('${drive.id}')/items/$entity`,
				...this.itemJson(moved, ctx.req.baseUrl),
			},
			contractType: 'driveItem',
		};
	}

	/**
	 * POST .../copy: 202 with the monitor URL in Location and no body. The copy is made at once
	 * but reported through the monitor (after `copyPolls` "inProgress" answers); a name conflict
	 * with "fail" (Graph's default for copy) is reported there as failed/nameAlreadyExists (real
	 * SharePoint reports some conflicts this way; others may be answered 409 at once).
	 */
	private async copyItem(ctx: GraphContext): Promise<EmuResponse> {
		const { drive, item } = this.target(ctx);
		const body = await ctx.json<Record<string, unknown>>();
		const behavior = conflictBehavior(
			ctx.req.query.get('@microsoft.graph.conflictBehavior'),
			'fail',
		);
		if (body.parentReference === undefined && body.name === undefined)
			throw new GraphError(400, 'invalidRequest', 'Either parentReference or name is required.');
		const parent =
			body.parentReference === undefined
				? item.parent!
				: this.parentFrom(ctx, body.parentReference, drive);
		if (!parent) throw new GraphError(400, 'invalidRequest', 'The root cannot be copied.');
		const name = body.name === undefined ? item.name : body.name;
		if (typeof name !== 'string') throw new GraphError(400, 'invalidRequest', 'Invalid name.');
		validateName(name);
		const job: CopyJob = { id: randomUUID(), pollsLeft: this.copyPolls };
		try {
			job.resourceId = (await this.store.copy(item, parent, name, behavior, this.by(ctx))).id;
		} catch (error) {
			if (!(error instanceof GraphError) || error.status !== 409) throw error;
			job.error = { code: error.code, message: error.message };
		}
		this.copies.set(job.id, job);
		return {
			status: 202,
			headers: { Location: `${ctx.req.baseUrl}/_api/v2.0/monitor/${job.id}` },
		};
	}

	private driveOf(ctx: GraphContext): StoredDrive {
		const id = decode(ctx.params.drive ?? ctx.params.sdrive);
		if (id) {
			const drive = this.store.findDrive(ctx.tenant.id, id);
			if (!drive) throw itemNotFound('The requested drive was not found.');
			if (ctx.params.site && drive.site !== this.site(ctx))
				throw itemNotFound('The requested drive was not found.');
			this.authorize(ctx, drive.site);
			return drive;
		}
		const site = this.site(ctx);
		return site.drives.find((d) => d.isDefault) ?? site.drives[0];
	}

	/** The addressed item's base (root or items/{id}) and the relative path after it. */
	private address(ctx: GraphContext): { drive: StoredDrive; base: StoredItem; segments: string[] } {
		const drive = this.driveOf(ctx);
		let base = drive.root;
		if (ctx.params.item) {
			// `items/root` is Graph's alias of `root`.
			const id = decode(ctx.params.item)!;
			const found = id.toLowerCase() === 'root' ? drive.root : drive.items.get(id);
			if (!found) throw itemNotFound();
			base = found;
		}
		const segments = ctx.params.rel ? pathSegments(ctx.params.rel) : [];
		return { drive, base, segments };
	}

	private target(ctx: GraphContext): { drive: StoredDrive; item: StoredItem } {
		const { drive, base, segments } = this.address(ctx);
		const item = this.store.resolve(base, segments);
		if (!item) throw itemNotFound();
		return { drive, item };
	}

	private by(ctx: GraphContext): IdentitySet {
		const app = ctx.tenant.apps.get(ctx.auth.appId.toLowerCase());
		const application = { id: ctx.auth.appId, displayName: app?.displayName ?? ctx.auth.appId };
		if (ctx.auth.userId) {
			const user = ctx.tenant.findUser(ctx.auth.userId);
			return {
				user: {
					id: ctx.auth.userId,
					displayName: user?.displayName ?? '',
					email: user?.mail ?? undefined,
				},
				application,
			};
		}
		return { application, user: { id: '', displayName: 'SharePoint App' } };
	}

	private getItem(ctx: GraphContext): EmuResponse {
		const { drive, item } = this.target(ctx);
		const select = parseSelect(ctx, typeProperties('driveItem') ?? [], 'driveItem');
		const full = this.itemJson(item, ctx.req.baseUrl);
		if (select?.includes('sharepointIds') && item.parent) {
			full.sharepointIds = {
				listId: drive.listId,
				listItemId: String(item.listItemId),
				listItemUniqueId: item.uniqueId,
				siteId: drive.site.siteCollectionId,
				siteUrl: siteUrl(drive.site),
				tenantId: drive.site.tenantId,
				webId: drive.site.webId,
			};
		}
		return {
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#drives('${drive.id}')/items${select ? `(${select.join(',')})` : ''}/$entity`,
				...project(full, select),
			},
			contractType: 'driveItem',
		};
	}

	private listChildren(ctx: GraphContext): EmuResponse {
		const { drive, item } = this.target(ctx);
		if (!item.children) throw new GraphError(400, 'invalidRequest', 'The item is not a folder.');
		return listResponse(ctx, item.children, {
			context: `drives('${drive.id}')/items('${item.id}')/children`,
			type: 'driveItem',
			defaultTop: 200,
			maxTop: 999,
			properties: typeProperties('driveItem') ?? [],
			project: (child, select) => project(this.itemJson(child, ctx.req.baseUrl), select),
		});
	}

	private async createChild(ctx: GraphContext): Promise<EmuResponse> {
		const { drive, item: parent } = this.target(ctx);
		const body = await ctx.json<Record<string, unknown>>();
		const name = body.name;
		if (typeof name !== 'string')
			throw new GraphError(400, 'invalidRequest', 'The name is missing.');
		if (!body.folder || typeof body.folder !== 'object') {
			throw new GraphError(
				400,
				'invalidRequest',
				'Only folders can be created this way; upload files with PUT .../content or an upload session.',
			);
		}
		const behavior = conflictBehavior(body['@microsoft.graph.conflictBehavior'], 'fail');
		const { item } = this.store.createFolder(parent, name, this.by(ctx), behavior);
		return {
			status: 201,
			body: {
				'@odata.context': `${ctx.root}/$metadata#drives('${drive.id}')/items/$entity`,
				...this.itemJson(item, ctx.req.baseUrl),
			},
			contractType: 'driveItem',
		};
	}

	private download(ctx: GraphContext): EmuResponse {
		const { item } = this.target(ctx);
		if (!item.file)
			throw new GraphError(400, 'invalidRequest', 'A folder has no content to download.');
		return { status: 302, headers: { Location: this.downloadUrl(item, ctx.req.baseUrl) } };
	}

	private async simpleUpload(ctx: GraphContext): Promise<EmuResponse> {
		const { drive, base, segments } = this.address(ctx);
		const by = this.by(ctx);
		let parent = base;
		let name: string;
		let behavior = conflictBehavior(
			ctx.req.query.get('@microsoft.graph.conflictBehavior'),
			'replace',
		);
		if (segments.length) {
			name = segments[segments.length - 1];
			validateName(name);
		} else {
			if (!base.file)
				throw new GraphError(400, 'invalidRequest', 'Content can only be uploaded to a file.');
			parent = base.parent!;
			name = base.name;
			behavior = 'replace';
		}
		const limit = this.simpleUploadLimit;
		const declared = Number(ctx.req.headers['content-length'] ?? NaN);
		const tooLarge = () =>
			new GraphError(
				413,
				'requestEntityTooLarge',
				`The request is larger than the ${limit} bytes a simple upload takes; use an upload session.`,
			);
		if (declared > limit) throw tooLarge();
		if (behavior === 'fail' && segments.length) {
			const folder = this.store.resolve(base, segments.slice(0, -1));
			if (folder) this.store.resolveConflict(folder, name, 'fail');
		}
		const blob = this.store.newBlobPath();
		const sha = createHash('sha256');
		const qx = new QuickXorHash();
		const body = ctx.req.body;
		let size: number;
		if (Buffer.isBuffer(body)) {
			if (body.length > limit) throw tooLarge();
			await fsp.writeFile(blob, body);
			sha.update(body);
			qx.update(body);
			size = body.length;
		} else {
			size = await this.store.appendStream(body, blob, 0, sha, qx, limit, tooLarge);
		}
		try {
			if (segments.length) parent = this.store.ensureFolders(base, segments.slice(0, -1), by);
			const { item, created } = await this.store.commitFile(
				parent,
				name,
				behavior,
				blob,
				{ size, sha256: sha.digest('hex'), quickXorHash: qx.digestBase64() },
				by,
			);
			return {
				status: created ? 201 : 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#drives('${drive.id}')/items/$entity`,
					...this.itemJson(item, ctx.req.baseUrl),
				},
				contractType: 'driveItem',
			};
		} catch (error) {
			await fsp.rm(blob, { force: true });
			throw error;
		}
	}

	private async createUploadSession(ctx: GraphContext): Promise<EmuResponse> {
		const { drive, base, segments } = this.address(ctx);
		const body = await ctx.json<{ item?: Record<string, unknown>; deferCommit?: boolean }>();
		const item = body.item ?? {};
		let folderBase = base;
		let folders: string[];
		let name: string;
		let behavior = conflictBehavior(item['@microsoft.graph.conflictBehavior'], 'replace');
		if (segments.length) {
			folders = segments.slice(0, -1);
			name = segments[segments.length - 1];
		} else {
			// items/{id}/createUploadSession: new content for an existing file
			if (!base.file || !base.parent)
				throw new GraphError(
					400,
					'invalidRequest',
					'An upload session needs a file name in the path.',
				);
			folderBase = base.parent;
			folders = [];
			name = base.name;
			behavior = 'replace';
		}
		if (typeof item.name === 'string' && item.name !== name && !segments.length) name = item.name;
		validateName(name);
		for (const folder of folders) validateName(folder);
		const existingFolder = this.store.resolve(folderBase, folders);
		if (existingFolder && !existingFolder.children)
			throw new GraphError(400, 'invalidRequest', 'The parent of the upload is not a folder.');
		if (behavior === 'fail' && existingFolder)
			this.store.resolveConflict(existingFolder, name, 'fail');
		const guid = randomUUID();
		const session: UploadSession = {
			guid,
			tempauth: randomBytes(24).toString('base64url'),
			tenantId: ctx.tenant.id,
			drive,
			base: folderBase,
			folders,
			name,
			behavior,
			total: typeof item.fileSize === 'number' ? item.fileSize : undefined,
			received: 0,
			blob: this.store.newBlobPath(),
			sha: createHash('sha256'),
			qx: new QuickXorHash(),
			expires: Date.now() + SESSION_LIFETIME_MS,
			by: this.by(ctx),
			busy: false,
			sitePrefix: drive.site.path === '/' ? '' : drive.site.path,
		};
		await fsp.writeFile(session.blob, Buffer.alloc(0));
		this.sessions.set(guid, session);
		return {
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#microsoft.graph.uploadSession`,
				uploadUrl: this.uploadUrl(session, ctx.req.baseUrl),
				expirationDateTime: new Date(session.expires).toISOString(),
				nextExpectedRanges: ['0-'],
			},
			contractType: 'uploadSession',
		};
	}

	// JSON ------------------------------------------------------------------------------------------

	siteJson(site: StoredSite): Record<string, unknown> {
		const json: Record<string, unknown> = {
			createdDateTime: site.createdDateTime,
			description: site.description,
			id: site.id,
			lastModifiedDateTime: site.createdDateTime,
			name: site.path === '/' ? site.hostname.split('.')[0] : site.path.split('/').pop(),
			webUrl: siteUrl(site),
			displayName: site.displayName,
			isPersonalSite: false,
			siteCollection: { hostname: site.hostname },
		};
		if (site.path === '/') json.root = {};
		return json;
	}

	driveJson(drive: StoredDrive): Record<string, unknown> {
		let used = 0;
		for (const item of drive.items.values()) used += item.file?.size ?? 0;
		const total = 27487790694400;
		return {
			createdDateTime: drive.createdDateTime,
			description: drive.description,
			id: drive.id,
			lastModifiedDateTime: drive.root.lastModifiedDateTime,
			name: drive.name,
			webUrl: `${siteUrl(drive.site)}/${encodePath(drive.urlName)}`,
			driveType: 'documentLibrary',
			createdBy: { user: { displayName: 'System Account' } },
			owner: {
				group: { id: drive.site.siteCollectionId, displayName: `${drive.site.displayName} Owners` },
			},
			quota: { deleted: 0, remaining: total - used, state: 'normal', total, used },
		};
	}

	itemJson(item: StoredItem, baseUrl: string): Record<string, unknown> {
		const drive = item.drive;
		const site = drive.site;
		const libraryUrl = `${siteUrl(site)}/${encodePath(drive.urlName)}`;
		const path = this.store.pathOf(item);
		const json: Record<string, unknown> = {};
		if (item.file) json['@microsoft.graph.downloadUrl'] = this.downloadUrl(item, baseUrl);
		Object.assign(json, {
			createdBy: item.createdBy,
			createdDateTime: item.createdDateTime,
			eTag: `"{${item.uniqueId.toUpperCase()}},${item.version}"`,
			id: item.id,
			lastModifiedBy: item.lastModifiedBy,
			lastModifiedDateTime: item.lastModifiedDateTime,
			name: item.name,
			webUrl: item.parent ? `${libraryUrl}${encodePath(path)}` : libraryUrl,
			cTag: `"c:{${item.uniqueId.toUpperCase()}},${item.contentVersion}"`,
			fileSystemInfo: {
				createdDateTime: item.createdDateTime,
				lastModifiedDateTime: item.lastModifiedDateTime,
			},
			size: item.file ? item.file.size : this.folderSize(item),
		});
		if (item.parent) {
			const parentPath = this.store.pathOf(item.parent);
			json.parentReference = {
				driveType: 'documentLibrary',
				driveId: drive.id,
				id: item.parent.id,
				name: item.parent.parent ? item.parent.name : drive.urlName,
				path: `/drives/${drive.id}/root:${parentPath === '/' ? '' : parentPath}`,
				siteId: site.id,
			};
		} else {
			json.parentReference = { driveType: 'documentLibrary', driveId: drive.id };
			json.root = {};
		}
		if (item.file) {
			json.file = {
				mimeType: item.file.mimeType,
				hashes: { quickXorHash: item.file.quickXorHash },
			};
		} else {
			json.folder = { childCount: item.children?.length ?? 0 };
		}
		return json;
	}

	private folderSize(item: StoredItem): number {
		let size = 0;
		for (const child of item.children ?? [])
			size += child.file ? child.file.size : this.folderSize(child);
		return size;
	}

	private downloadUrl(item: StoredItem, baseUrl: string): string {
		const site = item.drive.site;
		const prefix = site.path === '/' ? '' : site.path;
		return `${baseUrl}${encodePath(prefix)}/_layouts/15/download.aspx?UniqueId=${item.uniqueId}&Translate=false&tempauth=${this.store.downloadToken(item)}&ApiVersion=2.0`;
	}

	private uploadUrl(session: UploadSession, baseUrl: string): string {
		const parentId = this.store.resolve(session.base, session.folders)?.id ?? session.base.id;
		const query = new URLSearchParams({
			guid: session.guid,
			overwrite: session.behavior === 'replace' ? 'True' : 'False',
			rename: session.behavior === 'rename' ? 'True' : 'False',
			dc: '0',
			tempauth: session.tempauth,
		});
		return `${baseUrl}${encodePath(session.sitePrefix)}/_api/v2.0/drives/${session.drive.id}/items/${parentId}/uploadSession?${query.toString()}`;
	}

	// Pre-authenticated URLs (outside /v1.0) ----------------------------------------------------------

	/** Whether the emulator should hand this path to `servePreauthenticated`. */
	isPreauthenticatedPath(path: string): boolean {
		return (
			/\/_api\/v2\.0\/drives\/[^/]+\/items\/[^/]+\/uploadSession$/i.test(path) ||
			/^\/_api\/v2\.0\/monitor\/[^/]+$/i.test(path) ||
			/\/_layouts\/15\/download\.aspx$/i.test(path)
		);
	}

	async servePreauthenticated(req: EmuRequest): Promise<EmuResponse> {
		req.log.handled = true;
		try {
			if (/download\.aspx$/i.test(req.path)) return this.serveDownload(req);
			if (/\/monitor\/[^/]+$/i.test(req.path)) return this.serveMonitor(req);
			return await this.serveUploadSession(req);
		} catch (error) {
			if (error instanceof GraphError)
				return graphErrorResponse(req, error.status, error.code, error.message, error.headers);
			throw error;
		}
	}

	/**
	 * A copy's monitor (pre-authenticated, no token): 202 `inProgress` while it runs, then 200
	 * with `completed` and the new item's `resourceId`, or `failed` with an error.
	 */
	private serveMonitor(req: EmuRequest): EmuResponse {
		if (req.method !== 'GET')
			throw new GraphError(405, 'invalidRequest', 'Only GET is allowed on a monitor URL.');
		const job = this.copies.get(req.path.split('/').pop() ?? '');
		if (!job) throw itemNotFound('The monitor was not found.');
		const headers = baseHeaders(req);
		const base = {
			'@odata.context': `${req.baseUrl}/_api/v2.0/$metadata#oneDrive.asynchronousOperationStatus`,
			operation: 'ItemCopy',
		};
		if (job.pollsLeft > 0) {
			job.pollsLeft -= 1;
			return {
				status: 202,
				headers,
				body: { ...base, percentageComplete: 50, status: 'inProgress' },
			};
		}
		if (job.error)
			return {
				status: 200,
				headers,
				body: { ...base, percentageComplete: 0, status: 'failed', error: job.error },
			};
		return {
			status: 200,
			headers,
			body: { ...base, percentageComplete: 100, resourceId: job.resourceId, status: 'completed' },
		};
	}

	private serveDownload(req: EmuRequest): EmuResponse {
		if (req.method !== 'GET' && req.method !== 'HEAD')
			throw new GraphError(405, 'invalidRequest', 'Only GET is allowed on a download URL.');
		const item = this.store.itemByUniqueId(req.query.get('UniqueId') ?? '');
		if (!item?.file || !this.store.checkDownloadToken(item, req.query.get('tempauth') ?? ''))
			throw new GraphError(401, 'unauthenticated', 'The download URL is invalid or has expired.');
		const size = item.file.size;
		const headers: Record<string, string | number> = {
			'Content-Type': item.file.mimeType,
			'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(item.name)}`,
			'Accept-Ranges': 'bytes',
			ETag: `"{${item.uniqueId.toUpperCase()}},${item.version}"`,
		};
		const range = /^bytes=(\d*)-(\d*)$/.exec(String(req.headers.range ?? ''));
		let start = 0;
		let end = size - 1;
		let status = 200;
		if (range && (range[1] || range[2])) {
			if (range[1]) {
				start = Number(range[1]);
				end = range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
			} else {
				start = Math.max(0, size - Number(range[2]));
			}
			if (start >= size || start > end) {
				return {
					status: 416,
					headers: { 'Content-Range': `bytes */${size}` },
				};
			}
			status = 206;
			headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
		}
		headers['Content-Length'] = size === 0 ? 0 : end - start + 1;
		if (req.method === 'HEAD' || size === 0) return { status, headers, body: Buffer.alloc(0) };
		return { status, headers, body: createReadStream(item.file.blob, { start, end }) };
	}

	private async serveUploadSession(req: EmuRequest): Promise<EmuResponse> {
		if (req.headers.authorization !== undefined) {
			// SharePoint refuses a bearer token on a pre-authenticated (tempauth) URL.
			return graphErrorResponse(
				req,
				401,
				'unauthenticated',
				'Do not send an Authorization header to an upload URL: it is pre-authenticated.',
				{ 'WWW-Authenticate': 'Bearer realm="", error="invalid_request"' },
			);
		}
		const session = this.sessions.get(req.query.get('guid') ?? '');
		if (!session || session.tempauth !== req.query.get('tempauth'))
			throw itemNotFound('The upload session was not found.');
		if (session.expires < Date.now()) {
			await this.dropSession(session);
			throw itemNotFound('The upload session has expired.');
		}
		const headers = baseHeaders(req);
		switch (req.method) {
			case 'GET':
				return { status: 200, headers, body: this.sessionStatus(session) };
			case 'DELETE':
				await this.dropSession(session);
				return { status: 204, headers };
			case 'PUT':
				return { ...(await this.putFragment(req, session)), headers };
			default:
				throw new GraphError(405, 'invalidRequest', 'Use PUT, GET or DELETE on an upload URL.');
		}
	}

	private sessionStatus(session: UploadSession): Record<string, unknown> {
		return {
			expirationDateTime: new Date(session.expires).toISOString(),
			nextExpectedRanges:
				session.total !== undefined && session.received >= session.total
					? []
					: [
							session.total === undefined
								? `${session.received}-`
								: `${session.received}-${session.total - 1}`,
						],
		};
	}

	private async dropSession(session: UploadSession): Promise<void> {
		this.sessions.delete(session.guid);
		await fsp.rm(session.blob, { force: true });
	}

	private async putFragment(req: EmuRequest, session: UploadSession): Promise<EmuResponse> {
		const rangeHeader = String(req.headers['content-range'] ?? '');
		const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(rangeHeader.trim());
		if (!m)
			throw new GraphError(
				400,
				'invalidRequest',
				`The Content-Range header is missing or malformed: '${rangeHeader}'.`,
			);
		const [from, to, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
		const lengthHeader = req.headers['content-length'];
		if (lengthHeader === undefined)
			throw new GraphError(411, 'invalidRequest', 'A fragment needs a Content-Length header.');
		const length = Number(lengthHeader);
		if (to < from || to >= total)
			throw new GraphError(
				416,
				'invalidRange',
				`The range ${from}-${to} is not within the file of ${total} bytes.`,
			);
		if (length !== to - from + 1) {
			throw new GraphError(
				400,
				'invalidRequest',
				`The Content-Range declares ${to - from + 1} bytes, but Content-Length is ${length}.`,
			);
		}
		if (length >= FRAGMENT_LIMIT) {
			throw new GraphError(
				413,
				'requestEntityTooLarge',
				`A fragment must be smaller than 60 MiB (${FRAGMENT_LIMIT} bytes); this one is ${length} bytes.`,
			);
		}
		if (session.total !== undefined && session.total !== total) {
			throw new GraphError(
				400,
				'invalidRequest',
				`The current upload session is for ${session.total} total bytes, but the current fragment declares a total of ${total}.`,
			);
		}
		if (from < session.received)
			throw new GraphError(416, 'invalidRange', 'Uploaded fragment overlaps with existing data.');
		if (from > session.received) {
			throw new GraphError(
				416,
				'invalidRange',
				`The uploaded fragment is not contiguous with the data received: expected byte ${session.received}, got ${from}.`,
			);
		}
		if (to + 1 < total && (to + 1) % FRAGMENT_UNIT !== 0) {
			throw new GraphError(
				400,
				'invalidRequest',
				'Every fragment but the last must be a multiple of 320 KiB (327,680 bytes).',
			);
		}
		if (session.busy)
			throw new GraphError(
				409,
				'resourceModified',
				'Another fragment of this session is being uploaded.',
			);
		session.busy = true;
		session.total = total;
		const sha = session.sha.copy();
		const qx = session.qx.copy();
		try {
			let written: number;
			const body = req.body;
			const tooMany = () =>
				new GraphError(400, 'invalidRequest', 'The fragment is longer than its Content-Length.');
			if (Buffer.isBuffer(body)) {
				if (body.length !== length) throw tooMany();
				await fsp.appendFile(session.blob, body);
				sha.update(body);
				qx.update(body);
				written = body.length;
			} else {
				written = await this.store.appendStream(
					body,
					session.blob,
					session.received,
					sha,
					qx,
					length,
					tooMany,
				);
			}
			if (written !== length) {
				await fsp.truncate(session.blob, session.received);
				throw new GraphError(
					400,
					'invalidRequest',
					`The fragment ended after ${written} of ${length} bytes.`,
				);
			}
		} finally {
			session.busy = false;
		}
		session.sha = sha;
		session.qx = qx;
		session.received = to + 1;
		session.expires = Date.now() + SESSION_LIFETIME_MS;
		if (session.received < total) return { status: 202, body: this.sessionStatus(session) };
		return await this.commitSession(req, session);
	}

	/**
	 * Commits a fully received session. "Handling upload conflicts" / "Handle upload errors"
	 * (https://learn.microsoft.com/en-us/graph/api/driveitem-createuploadsession): a conflict
	 * that arose during the session (e.g. a file of that name created meanwhile, with
	 * conflictBehavior fail) is a 409 `nameAlreadyExists` on the last byte range, and "the
	 * upload session is preserved until the expiration time, which allows your app to recover the
	 * upload by explicitly committing the upload session" (PUT with `@microsoft.graph.sourceUrl`,
	 * see explicitCommit). Other failures drop the session.
	 */
	private async commitSession(
		req: EmuRequest,
		session: UploadSession,
		target?: { parent: StoredItem; name: string; behavior: ConflictBehavior },
	): Promise<EmuResponse> {
		session.busy = true;
		try {
			const parent =
				target?.parent ?? this.store.ensureFolders(session.base, session.folders, session.by);
			const name = target?.name ?? session.name;
			const behavior = target?.behavior ?? session.behavior;
			if (this.conflictOnCommit > 0) {
				this.conflictOnCommit -= 1;
				throw new GraphError(409, 'nameAlreadyExists', UPLOAD_CONFLICT_MESSAGE);
			}
			if (behavior === 'fail' && this.store.childByName(parent, name))
				throw new GraphError(409, 'nameAlreadyExists', UPLOAD_CONFLICT_MESSAGE);
			const { item, created } = await this.store.commitFile(
				parent,
				name,
				behavior,
				session.blob,
				{
					size: session.received,
					sha256: session.sha.copy().digest('hex'),
					quickXorHash: session.qx.copy().digestBase64(),
				},
				session.by,
			);
			this.sessions.delete(session.guid);
			return {
				status: created ? 201 : 200,
				body: {
					'@odata.context': `${req.baseUrl}/v1.0/$metadata#drives('${session.drive.id}')/items/$entity`,
					...this.itemJson(item, req.baseUrl),
				},
				contractType: 'driveItem',
			};
		} catch (error) {
			if (error instanceof GraphError && error.status === 409) {
				session.commitFailed = true;
				throw error;
			}
			this.sessions.delete(session.guid);
			await fsp.rm(session.blob, { force: true });
			throw error;
		} finally {
			session.busy = false;
		}
	}

	/**
	 * Explicit commit of a session whose final fragment failed: `PUT {item path}` with JSON
	 * `{ name?, "@microsoft.graph.conflictBehavior"?, "@microsoft.graph.sourceUrl": uploadUrl }`
	 * ("Handle upload errors", driveItem: createUploadSession page). The path names the parent
	 * folder (then `name` names the file) or the file itself.
	 */
	private async explicitCommit(ctx: GraphContext): Promise<EmuResponse> {
		const body = await ctx.json<Record<string, unknown>>();
		const source = body['@microsoft.graph.sourceUrl'];
		if (typeof source !== 'string')
			throw new GraphError(
				400,
				'invalidRequest',
				'PUT on an item takes @microsoft.graph.sourceUrl (an upload session URL); upload content with PUT .../content.',
			);
		let url: URL;
		try {
			url = new URL(source);
		} catch {
			throw new GraphError(400, 'invalidRequest', 'The @microsoft.graph.sourceUrl is not a URL.');
		}
		const session = this.sessions.get(url.searchParams.get('guid') ?? '');
		if (
			!session ||
			session.tempauth !== url.searchParams.get('tempauth') ||
			session.expires < Date.now()
		)
			throw itemNotFound('The upload session was not found.');
		if (session.total === undefined || session.received < session.total)
			throw new GraphError(
				400,
				'invalidRequest',
				'The upload session has not received all its bytes.',
			);
		if (session.busy)
			throw new GraphError(409, 'resourceModified', 'The upload session is being committed.');
		const { drive, base, segments } = this.address(ctx);
		if (drive.id !== session.drive.id)
			throw new GraphError(400, 'invalidRequest', 'The upload session belongs to another drive.');
		const behavior = conflictBehavior(body['@microsoft.graph.conflictBehavior'], 'fail');
		const addressed = segments.length ? this.store.resolve(base, segments) : base;
		let parent: StoredItem;
		let name: string;
		if (addressed?.children) {
			parent = addressed;
			name = typeof body.name === 'string' ? body.name : session.name;
		} else {
			parent = this.store.ensureFolders(base, segments.slice(0, -1), this.by(ctx));
			name =
				typeof body.name === 'string' ? body.name : (segments[segments.length - 1] ?? session.name);
		}
		validateName(name);
		return this.commitSession(ctx.req, session, { parent, name, behavior });
	}
}

/** The text of the driveItem: createUploadSession page, "Handling upload conflicts". */
const UPLOAD_CONFLICT_MESSAGE =
	'Another file exists with the same name as the uploaded session. You can redirect the upload session to use a new filename by calling PUT with the new metadata and @microsoft.graph.sourceUrl attribute.';

function conflictBehavior(value: unknown, fallback: ConflictBehavior): ConflictBehavior {
	if (value === undefined || value === null || value === '') return fallback;
	if (value === 'fail' || value === 'replace' || value === 'rename') return value;
	throw new GraphError(400, 'invalidRequest', `Invalid conflict behavior '${String(value)}'.`);
}

function siteUrl(site: StoredSite): string {
	return `https://${site.hostname}${site.path === '/' ? '' : encodePath(site.path)}`;
}

function encodePath(path: string): string {
	return path
		.split('/')
		.map((s) => encodeURIComponent(s))
		.join('/');
}

/** Full JSON when no $select; else the selected properties that exist (Graph omits absent facets). */
function project(
	full: Record<string, unknown>,
	select: string[] | undefined,
): Record<string, unknown> {
	if (!select) return full;
	const out: Record<string, unknown> = {};
	for (const name of select) if (full[name] !== undefined) out[name] = full[name];
	return out;
}

export function registerDrives(graph: GraphService, emu: Emulator): DrivesService {
	const drives = new DrivesService(graph, emu);
	registerSitePermissions(graph, drives);
	return drives;
}
