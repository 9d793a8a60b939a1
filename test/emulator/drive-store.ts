/**
 * SharePoint sites, document libraries (drives) and their items for the emulator. File content
 * lives on disk, in a temporary directory per emulator (removed by `close()`), with a sha256
 * and a quickXorHash computed while the bytes stream in, so gigabyte uploads never sit in memory.
 */
import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, promises as fsp, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { QuickXorHash } from './quickxorhash';
import { GraphError } from './graph/service';
import type { ColumnFixture, Directory, DriveFixture, SiteFixture, Tenant } from './tenant';

export interface Identity {
	id: string;
	displayName: string;
	email?: string;
}

export interface IdentitySet {
	user?: Identity;
	application?: Identity;
}

export interface StoredFile {
	/** Where the bytes are on disk. */
	blob: string;
	size: number;
	mimeType: string;
	sha256: string;
	quickXorHash: string;
}

export interface StoredItem {
	/** The driveItem ID (`01` + 32 base32 characters, as SharePoint's). */
	id: string;
	/** The list item's unique ID (a GUID), used in eTags and download URLs. */
	uniqueId: string;
	name: string;
	drive: StoredDrive;
	parent?: StoredItem;
	/** Folders (and the root) have children; files have `file`. */
	children?: StoredItem[];
	file?: StoredFile;
	/** Bumped on every change (eTag); `contentVersion` on content changes (cTag). */
	version: number;
	contentVersion: number;
	createdDateTime: string;
	lastModifiedDateTime: string;
	createdBy: IdentitySet;
	lastModifiedBy: IdentitySet;
	/** The list item's integer ID in the library's list (sharepointIds.listItemId). */
	listItemId: number;
	/** Values of the library's own columns (list item fields), by internal name. */
	fields: Record<string, unknown>;
}

export interface StoredDrive {
	id: string;
	name: string;
	urlName: string;
	description: string;
	listId: string;
	isDefault: boolean;
	createdDateTime: string;
	site: StoredSite;
	root: StoredItem;
	items: Map<string, StoredItem>;
	/** The library's own columns (besides the built-in ones). */
	columns: ColumnFixture[];
	nextListItemId: number;
}

/** A site permission granted to an app (what `POST /sites/{id}/permissions` creates for Sites.Selected). */
export interface SiteGrant {
	/** The permission's ID (`/sites/{id}/permissions/{id}`), stable per app and site. */
	id: string;
	appId: string;
	/** The application's display name as the grant recorded it (`grantedToIdentities[0].application.displayName`). */
	displayName: string;
	roles: string[];
}

/**
 * A site permission's ID for an app: SharePoint's IDs are base64 of the app's claims identity
 * (`i:0i.t|ms.sp.ext|{appId}@{tenantId}`), as seen in `GET /sites/{id}/permissions` answers;
 * assumed (the reference pages show "1" and "2").
 */
export function sitePermissionId(appId: string, tenantId: string): string {
	return Buffer.from(`i:0i.t|ms.sp.ext|${appId.toLowerCase()}@${tenantId.toLowerCase()}`).toString(
		'base64',
	);
}

export interface StoredSite {
	/** `{hostname},{siteCollectionId},{webId}` */
	id: string;
	hostname: string;
	/** Server-relative path, "/" for the root site. */
	path: string;
	siteCollectionId: string;
	webId: string;
	displayName: string;
	description: string;
	createdDateTime: string;
	tenantId: string;
	drives: StoredDrive[];
	/** Apps granted access to this site (Sites.Selected). */
	grants: SiteGrant[];
}

export type ConflictBehavior = 'fail' | 'replace' | 'rename';

/** Characters SharePoint refuses in file and folder names. */
const INVALID_NAME = /["*:<>?/\\|]|^\s|\s$|^\.+$/;
/**
 * Names SharePoint and OneDrive reserve ("Restrictions and limitations in OneDrive and
 * SharePoint"): .lock, CON, PRN, AUX, NUL, COM0-9, LPT0-9, desktop.ini, names starting with ~$,
 * and _vti_ anywhere in a name.
 */
const RESERVED_NAME = /^(\.lock|con|prn|aux|nul|com\d|lpt\d|desktop\.ini)$|^~\$|_vti_/i;

const SYSTEM: IdentitySet = { user: { id: '', displayName: 'System Account' } };

const MIME_TYPES: Record<string, string> = {
	txt: 'text/plain',
	csv: 'text/csv',
	json: 'application/json',
	xml: 'application/xml',
	html: 'text/html',
	pdf: 'application/pdf',
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	gif: 'image/gif',
	zip: 'application/x-zip-compressed',
	docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	md: 'text/markdown',
};

/** SharePoint sets the MIME type from the extension, not from the request's Content-Type. */
export function mimeTypeOf(name: string): string {
	const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
	return (ext && MIME_TYPES[ext]) ?? 'application/octet-stream';
}

/** A GUID's bytes in .NET order (the first three groups little-endian), as drive IDs encode them. */
function guidBytes(guid: string): Buffer {
	const hex = guid.replace(/-/g, '');
	const b = Buffer.from(hex, 'hex');
	return Buffer.concat([
		Buffer.from(b.subarray(0, 4)).reverse(),
		Buffer.from(b.subarray(4, 6)).reverse(),
		Buffer.from(b.subarray(6, 8)).reverse(),
		b.subarray(8),
	]);
}

/** A SharePoint drive ID: `b!` + base64url(site collection ID, web ID, list ID). */
export function driveIdFor(siteCollectionId: string, webId: string, listId: string): string {
	return `b!${Buffer.concat([guidBytes(siteCollectionId), guidBytes(webId), guidBytes(listId)]).toString('base64url')}`;
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
/** A driveItem ID like SharePoint's: `01` + 32 base32 characters. */
export function newItemId(): string {
	const bytes = randomBytes(20);
	let bits = 0;
	let value = 0;
	let out = '01';
	for (const byte of bytes) {
		value = (value << 8) | byte;
		bits += 8;
		while (bits >= 5) {
			out += BASE32[(value >>> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	return out;
}

function stableGuid(seed: string): string {
	const h = createHash('sha1').update(seed).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function now(): string {
	return new Date().toISOString();
}

export function itemNotFound(message = 'The resource could not be found.'): GraphError {
	return new GraphError(404, 'itemNotFound', message);
}

/** Splits `/a/b/c.txt` into decoded, non-empty segments. */
export function pathSegments(path: string): string[] {
	return path
		.split('/')
		.filter((s) => s.length > 0)
		.map((s) => {
			try {
				return decodeURIComponent(s);
			} catch {
				return s;
			}
		});
}

export function validateName(name: string): void {
	if (!name || name.length > 400 || INVALID_NAME.test(name)) {
		throw new GraphError(
			400,
			'invalidRequest',
			`The provided name contains invalid characters or is empty: '${name}'.`,
		);
	}
	if (RESERVED_NAME.test(name)) {
		throw new GraphError(
			400,
			'invalidRequest',
			`The provided name is reserved by SharePoint and cannot be used: '${name}'.`,
		);
	}
}

/** Counts bytes, feeds the hashes and refuses more than `limit` bytes. */
class HashingCounter extends Transform {
	bytes = 0;

	constructor(
		private readonly sha: ReturnType<typeof createHash>,
		private readonly qx: QuickXorHash,
		private readonly limit: number,
		private readonly onTooLarge: () => Error,
	) {
		super();
	}

	override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error) => void) {
		this.bytes += chunk.length;
		if (this.bytes > this.limit) return done(this.onTooLarge());
		this.sha.update(chunk);
		this.qx.update(chunk);
		this.push(chunk);
		done();
	}
}

const INVALID_VALUE = (column: ColumnFixture, value: unknown) =>
	new GraphError(
		400,
		'invalidRequest',
		`Invalid value '${String(value)}' for field '${column.name}' of type ${column.type}`,
	);

/** A field value as SharePoint stores it, or 400 invalidRequest. */
function checkFieldValue(column: ColumnFixture, value: unknown): unknown {
	if (value === null) return null;
	switch (column.type) {
		case 'text':
			if (typeof value !== 'string') throw INVALID_VALUE(column, value);
			if (value.length > 255)
				throw new GraphError(
					400,
					'invalidRequest',
					`The value of field '${column.name}' is longer than 255 characters`,
				);
			return value;
		case 'number': {
			const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
			if (typeof n !== 'number' || !Number.isFinite(n)) throw INVALID_VALUE(column, value);
			return n;
		}
		case 'boolean':
			if (typeof value !== 'boolean') throw INVALID_VALUE(column, value);
			return value;
		case 'dateTime':
			if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
				throw INVALID_VALUE(column, value);
			return new Date(value).toISOString().replace(/\.\d{3}Z$/, 'Z');
		case 'choice':
			if (typeof value !== 'string' || !(column.choices ?? []).includes(value))
				throw INVALID_VALUE(column, value);
			return value;
	}
}

export interface BlobWriteResult {
	bytes: number;
}

export class DriveStore {
	/** Where file content lives (removed by `close()`). */
	readonly dir: string;
	private readonly sitesByTenant = new Map<string, StoredSite[]>();
	private readonly drivesById = new Map<string, StoredDrive>();
	private readonly itemsByUniqueId = new Map<string, StoredItem>();
	private readonly secret = randomBytes(32);
	private closed = false;

	constructor(private readonly directory: Directory) {
		this.dir = mkdtempSync(join(tmpdir(), 'm365-emulator-drives-'));
		for (const tenant of directory.tenants) this.loadTenant(tenant);
	}

	private loadTenant(tenant: Tenant): void {
		const fixtures: SiteFixture[] = [...tenant.sites];
		if (!fixtures.some((s) => s.path === '/')) {
			const hostname = `${tenant.defaultDomain.split('.')[0]}.sharepoint.com`;
			fixtures.unshift({
				hostname,
				path: '/',
				displayName: 'Communication site',
				siteCollectionId: stableGuid(`${tenant.id}/site`),
				webId: stableGuid(`${tenant.id}/web`),
			});
		}
		const sites = fixtures.map((f) => this.addSite(tenant.id, f));
		this.sitesByTenant.set(tenant.id, sites);
	}

	private addSite(tenantId: string, f: SiteFixture): StoredSite {
		const path = f.path === '/' ? '/' : `/${f.path.replace(/^\/+|\/+$/g, '')}`;
		const site: StoredSite = {
			id: `${f.hostname.toLowerCase()},${f.siteCollectionId.toLowerCase()},${f.webId.toLowerCase()}`,
			hostname: f.hostname.toLowerCase(),
			path,
			siteCollectionId: f.siteCollectionId.toLowerCase(),
			webId: f.webId.toLowerCase(),
			displayName: f.displayName,
			description: f.description ?? '',
			createdDateTime: f.createdDateTime ?? '2020-01-01T08:00:00Z',
			tenantId,
			drives: [],
			grants: (f.appGrants ?? []).map((g) => ({
				id: sitePermissionId(g.appId, tenantId),
				appId: g.appId.toLowerCase(),
				displayName: g.displayName ?? this.appName(tenantId, g.appId),
				roles: g.roles.map((r) => r.toLowerCase()),
			})),
		};
		const drives: DriveFixture[] = f.drives?.length
			? f.drives
			: [
					{
						name: 'Documents',
						urlName: 'Shared Documents',
						listId: stableGuid(`${site.id}/documents`),
						default: true,
					},
				];
		const defaultIndex = Math.max(
			0,
			drives.findIndex((d) => d.default),
		);
		drives.forEach((d, i) => site.drives.push(this.addDrive(site, d, i === defaultIndex)));
		return site;
	}

	private addDrive(site: StoredSite, f: DriveFixture, isDefault: boolean): StoredDrive {
		const created = f.createdDateTime ?? site.createdDateTime;
		const drive = {
			id: driveIdFor(site.siteCollectionId, site.webId, f.listId),
			name: f.name,
			urlName: f.urlName ?? f.name,
			description: f.description ?? '',
			listId: f.listId.toLowerCase(),
			isDefault,
			createdDateTime: created,
			site,
			items: new Map<string, StoredItem>(),
			columns: f.columns ?? [],
			nextListItemId: 1,
		} as StoredDrive;
		drive.root = {
			id: newItemId(),
			uniqueId: randomUUID(),
			name: 'root',
			drive,
			children: [],
			version: 1,
			contentVersion: 1,
			createdDateTime: created,
			lastModifiedDateTime: created,
			createdBy: SYSTEM,
			lastModifiedBy: SYSTEM,
			listItemId: 0,
			fields: {},
		};
		drive.items.set(drive.root.id, drive.root);
		this.drivesById.set(drive.id, drive);
		return drive;
	}

	// -------------------------------------------------------------------------------------------
	// Lookup

	sites(tenantId: string): StoredSite[] {
		return this.sitesByTenant.get(tenantId.toLowerCase()) ?? [];
	}

	/**
	 * A site by `root`, `{hostname}`, `{hostname},{siteCollectionId},{webId}` (or
	 * `{hostname},{siteCollectionId}`), `{hostname}:/{path}` or `{hostname}:/{path}:`.
	 */
	findSite(tenantId: string, ref: string): StoredSite | undefined {
		const sites = this.sites(tenantId);
		const key = ref.trim();
		if (key.toLowerCase() === 'root') return sites.find((s) => s.path === '/');
		const colon = key.indexOf(':');
		if (colon >= 0) {
			const host = key.slice(0, colon).toLowerCase();
			const path =
				`/${pathSegments(key.slice(colon + 1).replace(/:$/, '')).join('/')}`.toLowerCase();
			return sites.find((s) => s.hostname === host && s.path.toLowerCase() === path);
		}
		const parts = key.toLowerCase().split(',');
		if (parts.length === 1) return sites.find((s) => s.hostname === parts[0] && s.path === '/');
		return sites.find(
			(s) =>
				s.hostname === parts[0] &&
				s.siteCollectionId === parts[1] &&
				(parts.length < 3 || s.webId === parts[2]),
		);
	}

	findDrive(tenantId: string, id: string): StoredDrive | undefined {
		const drive = this.drivesById.get(id);
		return drive && drive.site.tenantId === tenantId.toLowerCase() ? drive : undefined;
	}

	/** A drive by ID, or by `{site ref}/{library name}` for tests (`contoso.sharepoint.com:/sites/reports/Reports`). */
	driveFor(ref: string, tenantId?: string): StoredDrive {
		const byId = this.drivesById.get(ref);
		if (byId) return byId;
		const slash = ref.lastIndexOf('/');
		for (const [tid] of this.sitesByTenant) {
			if (tenantId && tid !== tenantId.toLowerCase()) continue;
			const site = this.findSite(tid, ref.slice(0, slash));
			const drive = site?.drives.find(
				(d) => d.name.toLowerCase() === ref.slice(slash + 1).toLowerCase(),
			);
			if (drive) return drive;
		}
		throw new Error(`no drive ${ref}`);
	}

	itemByUniqueId(uniqueId: string): StoredItem | undefined {
		return this.itemsByUniqueId.get(uniqueId.toLowerCase());
	}

	childByName(folder: StoredItem, name: string): StoredItem | undefined {
		const key = name.toLowerCase();
		return folder.children?.find((c) => c.name.toLowerCase() === key);
	}

	/** Resolves `segments` below `base`; undefined when a segment is missing. */
	resolve(base: StoredItem, segments: string[]): StoredItem | undefined {
		let current: StoredItem | undefined = base;
		for (const segment of segments) {
			if (!current?.children) return undefined;
			current = this.childByName(current, segment);
		}
		return current;
	}

	/** `/drive/root:/a/b` style path of an item's parent folder, as parentReference.path gives it. */
	pathOf(item: StoredItem): string {
		const names: string[] = [];
		for (let cur: StoredItem | undefined = item; cur?.parent; cur = cur.parent)
			names.unshift(cur.name);
		return `/${names.join('/')}`;
	}

	// -------------------------------------------------------------------------------------------
	// Changes

	/** The name to create under `parent` for `behavior`, and the item it replaces, if any. */
	resolveConflict(
		parent: StoredItem,
		name: string,
		behavior: ConflictBehavior,
	): { name: string; existing?: StoredItem } {
		const existing = this.childByName(parent, name);
		if (!existing) return { name };
		if (behavior === 'fail') {
			throw new GraphError(
				409,
				'nameAlreadyExists',
				`The specified item name already exists. Name: ${name}`,
			);
		}
		if (behavior === 'replace') return { name: existing.name, existing };
		const dot = name.lastIndexOf('.');
		const stem = dot > 0 ? name.slice(0, dot) : name;
		const ext = dot > 0 ? name.slice(dot) : '';
		for (let n = 1; ; n++) {
			const candidate = `${stem} ${n}${ext}`;
			if (!this.childByName(parent, candidate)) return { name: candidate };
		}
	}

	private newItem(parent: StoredItem, name: string, by: IdentitySet): StoredItem {
		const time = now();
		const item: StoredItem = {
			id: newItemId(),
			uniqueId: randomUUID(),
			name,
			drive: parent.drive,
			parent,
			version: 1,
			contentVersion: 1,
			createdDateTime: time,
			lastModifiedDateTime: time,
			createdBy: by,
			lastModifiedBy: by,
			listItemId: parent.drive.nextListItemId++,
			fields: {},
		};
		parent.children!.push(item);
		parent.drive.items.set(item.id, item);
		this.itemsByUniqueId.set(item.uniqueId, item);
		this.touch(parent, by, false);
		return item;
	}

	private touch(item: StoredItem, by: IdentitySet, content: boolean): void {
		item.version += 1;
		if (content) item.contentVersion += 1;
		item.lastModifiedDateTime = now();
		item.lastModifiedBy = by;
	}

	createFolder(
		parent: StoredItem,
		name: string,
		by: IdentitySet,
		behavior: ConflictBehavior,
	): { item: StoredItem; created: boolean } {
		validateName(name);
		if (!parent.children)
			throw new GraphError(400, 'invalidRequest', 'The parent item is not a folder.');
		const target = this.resolveConflict(parent, name, behavior);
		if (target.existing) this.remove(target.existing);
		const item = this.newItem(parent, target.name, by);
		item.children = [];
		return { item, created: true };
	}

	/** Creates the missing folders of `segments` below `base` (as an upload to a path does). */
	ensureFolders(base: StoredItem, segments: string[], by: IdentitySet): StoredItem {
		let current = base;
		for (const segment of segments) {
			validateName(segment);
			const next = this.childByName(current, segment);
			if (next && !next.children)
				throw new GraphError(409, 'nameAlreadyExists', `A file named '${segment}' is in the way.`);
			current = next ?? this.createFolder(current, segment, by, 'fail').item;
		}
		return current;
	}

	/**
	 * Makes `blob` (a finished temporary file, moved into the store) the content of `name` under
	 * `parent`. Returns the item and whether it is new (201) or replaced (200).
	 */
	async commitFile(
		parent: StoredItem,
		name: string,
		behavior: ConflictBehavior,
		blob: string,
		hashes: { size: number; sha256: string; quickXorHash: string },
		by: IdentitySet,
	): Promise<{ item: StoredItem; created: boolean }> {
		validateName(name);
		const target = this.resolveConflict(parent, name, behavior);
		const file: StoredFile = { blob, mimeType: mimeTypeOf(target.name), ...hashes };
		if (target.existing?.file) {
			const old = target.existing.file.blob;
			target.existing.file = file;
			this.touch(target.existing, by, true);
			this.touch(parent, by, false);
			await fsp.rm(old, { force: true });
			return { item: target.existing, created: false };
		}
		if (target.existing) this.remove(target.existing);
		const item = this.newItem(parent, target.name, by);
		item.file = file;
		return { item, created: !target.existing };
	}

	remove(item: StoredItem): void {
		if (!item.parent)
			throw new GraphError(403, 'accessDenied', 'The root of a drive cannot be deleted.');
		for (const child of [...(item.children ?? [])]) this.remove(child);
		item.parent.children = item.parent.children!.filter((c) => c !== item);
		item.drive.items.delete(item.id);
		this.itemsByUniqueId.delete(item.uniqueId);
		if (item.file) rmSync(item.file.blob, { force: true });
	}

	/**
	 * Moves (and optionally renames) an item to `parent` in the same drive, as
	 * `PATCH /drives/{id}/items/{id}` with a parentReference does.
	 */
	move(
		item: StoredItem,
		parent: StoredItem,
		name: string,
		behavior: ConflictBehavior,
		by: IdentitySet,
	): StoredItem {
		if (!item.parent) throw new GraphError(400, 'invalidRequest', 'The root cannot be moved.');
		if (!parent.children)
			throw new GraphError(400, 'invalidRequest', 'The new parent is not a folder.');
		for (let cur: StoredItem | undefined = parent; cur; cur = cur.parent) {
			if (cur === item)
				throw new GraphError(400, 'invalidRequest', 'A folder cannot be moved into itself.');
		}
		validateName(name);
		const same = this.childByName(parent, name);
		if (same === item && item.name === name) return item;
		const target =
			same === item ? { name, existing: undefined } : this.resolveConflict(parent, name, behavior);
		if (target.existing) this.remove(target.existing);
		const oldParent = item.parent;
		oldParent.children = oldParent.children!.filter((c) => c !== item);
		parent.children.push(item);
		item.parent = parent;
		item.name = target.name;
		this.touch(item, by, false);
		this.touch(oldParent, by, false);
		if (parent !== oldParent) this.touch(parent, by, false);
		return item;
	}

	/** Copies an item (a folder with everything in it) under `parent`, in any drive. */
	async copy(
		item: StoredItem,
		parent: StoredItem,
		name: string,
		behavior: ConflictBehavior,
		by: IdentitySet,
	): Promise<StoredItem> {
		if (!item.parent) throw new GraphError(400, 'invalidRequest', 'The root cannot be copied.');
		if (!parent.children)
			throw new GraphError(400, 'invalidRequest', 'The destination is not a folder.');
		for (let cur: StoredItem | undefined = parent; cur; cur = cur.parent) {
			if (cur === item)
				throw new GraphError(400, 'invalidRequest', 'A folder cannot be copied into itself.');
		}
		validateName(name);
		const target = this.resolveConflict(parent, name, behavior);
		if (item.file) {
			const blob = this.newBlobPath();
			await fsp.copyFile(item.file.blob, blob);
			const { size, sha256, quickXorHash } = item.file;
			const { item: copied } = await this.commitFile(
				parent,
				target.name,
				'replace',
				blob,
				{ size, sha256, quickXorHash },
				by,
			);
			copied.fields = { ...item.fields };
			return copied;
		}
		if (target.existing) this.remove(target.existing);
		const folder = this.createFolder(parent, target.name, by, 'fail').item;
		folder.fields = { ...item.fields };
		for (const child of [...(item.children ?? [])])
			await this.copy(child, folder, child.name, 'fail', by);
		return folder;
	}

	/**
	 * Sets list item fields after checking them against the library's columns, as SharePoint
	 * does: unknown or read-only names and values of the wrong type are 400 invalidRequest.
	 */
	setFields(item: StoredItem, patch: Record<string, unknown>, by: IdentitySet): void {
		if (!item.parent) throw new GraphError(400, 'invalidRequest', 'The root has no list item.');
		const columns: ColumnFixture[] = [{ name: 'Title', type: 'text' }, ...item.drive.columns];
		const values: Record<string, unknown> = {};
		for (const [name, value] of Object.entries(patch)) {
			if (name.startsWith('@')) continue;
			const column = columns.find((c) => c.name === name);
			if (!column || column.readOnly) {
				throw new GraphError(
					400,
					'invalidRequest',
					column ? `Field '${name}' is read-only` : `Field '${name}' is not recognized`,
				);
			}
			values[name] = checkFieldValue(column, value);
		}
		Object.assign(item.fields, values);
		this.touch(item, by, false);
	}

	tenantIds(): string[] {
		return [...this.sitesByTenant.keys()];
	}

	/** Every site of a tenant. */
	allSites(tenantId: string): StoredSite[] {
		return this.sites(tenantId);
	}

	/** Grants an app roles on a site (as `POST /sites/{id}/permissions` does), for tests. */
	grant(
		site: StoredSite,
		appId: string,
		roles: string[],
		displayName?: string,
	): SiteGrant | undefined {
		const previous = this.grantFor(site, appId);
		site.grants = site.grants.filter((g) => g.appId !== appId.toLowerCase());
		if (!roles.length) return undefined;
		const grant: SiteGrant = {
			id: sitePermissionId(appId, site.tenantId),
			appId: appId.toLowerCase(),
			displayName: displayName ?? previous?.displayName ?? this.appName(site.tenantId, appId),
			roles: roles.map((r) => r.toLowerCase()),
		};
		site.grants.push(grant);
		return grant;
	}

	/** The display name of an app registered (or with a service principal) in the tenant, else its ID. */
	appName(tenantId: string, appId: string): string {
		const tenant = this.directory.findTenant(tenantId);
		return (
			tenant?.apps.get(appId.toLowerCase())?.displayName ??
			this.directory.findRegistration(appId)?.app.displayName ??
			appId
		);
	}

	grantFor(site: StoredSite, appId: string): SiteGrant | undefined {
		return site.grants.find((g) => g.appId === appId.toLowerCase());
	}

	// -------------------------------------------------------------------------------------------
	// Blobs

	/** A new path for a temporary or content file in the store's directory. */
	newBlobPath(): string {
		return join(this.dir, randomUUID());
	}

	/**
	 * Streams `body` onto the end of `blob` (created if missing), feeding `sha` and `qx`, at most
	 * `limit` bytes. On failure the file is cut back to its previous length.
	 */
	async appendStream(
		body: Readable,
		blob: string,
		previousLength: number,
		sha: ReturnType<typeof createHash>,
		qx: QuickXorHash,
		limit: number,
		onTooLarge: () => Error,
	): Promise<number> {
		const counter = new HashingCounter(sha, qx, limit, onTooLarge);
		try {
			await pipeline(body, counter, createWriteStream(blob, { flags: 'a' }));
		} catch (error) {
			await fsp.truncate(blob, previousLength).catch(() => undefined);
			throw error;
		}
		return counter.bytes;
	}

	// -------------------------------------------------------------------------------------------
	// Pre-authenticated download links

	downloadToken(item: StoredItem, lifetimeSeconds = 3600): string {
		const exp = Math.floor(Date.now() / 1000) + lifetimeSeconds;
		const sig = createHmac('sha256', this.secret)
			.update(`${item.uniqueId}.${exp}`)
			.digest('base64url');
		return `${exp}.${sig}`;
	}

	checkDownloadToken(item: StoredItem, token: string): boolean {
		const [exp, sig] = token.split('.');
		if (!exp || !sig || Number(exp) * 1000 < Date.now()) return false;
		const want = createHmac('sha256', this.secret).update(`${item.uniqueId}.${exp}`).digest();
		const got = Buffer.from(sig, 'base64url');
		return got.length === want.length && timingSafeEqual(got, want);
	}

	// -------------------------------------------------------------------------------------------
	// Test accessors

	/** The item at `path` (`/a/b.txt`) of a drive (ID or `{site}/{library}`). */
	item(drive: string, path: string): StoredItem | undefined {
		const d = this.driveFor(drive);
		return this.resolve(d.root, pathSegments(path));
	}

	private fileAt(drive: string, path: string): StoredFile {
		const file = this.item(drive, path)?.file;
		if (!file) throw new Error(`no file ${path} in drive ${drive}`);
		return file;
	}

	/** A file's content (small files; use `stream` for big ones). */
	async read(drive: string, path: string): Promise<Buffer> {
		return await fsp.readFile(this.fileAt(drive, path).blob);
	}

	stream(drive: string, path: string): Readable {
		return createReadStream(this.fileAt(drive, path).blob);
	}

	/** A file's sha256 (hex), computed while it was written. */
	hash(drive: string, path: string): string {
		return this.fileAt(drive, path).sha256;
	}

	async close(): Promise<void> {
		if (this.closed) return;
		this.closed = true;
		await fsp.rm(this.dir, { recursive: true, force: true });
	}
}
