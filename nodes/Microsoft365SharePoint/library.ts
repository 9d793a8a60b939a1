/**
 * What the operations share: the site and library of an item (resolved once per execution),
 * folders found or created level by level (cached per execution), item addressing by path or ID,
 * the output shape of a drive item, and Graph errors turned into messages about SharePoint paths.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type ILoadOptionsFunctions,
	type INodeParameterResourceLocator,
} from 'n8n-workflow';
import { forbiddenKindOf } from '../shared/errors';
import { getTransport } from '../shared/node-common';
import { declareGraphCalls } from '../shared/operations';
import type { GraphTransport } from '../shared/transport';
import {
	checkSiteId,
	encodeSegments,
	joinPath,
	parseFolderPath,
	parseItemPath,
	siteFromUrl,
} from './paths';

type Context = IExecuteFunctions | ILoadOptionsFunctions;

/** A drive item as Graph returns it (the parts the node reads). */
export interface DriveItem extends IDataObject {
	id: string;
	name: string;
	size?: number;
	webUrl?: string;
	eTag?: string;
	cTag?: string;
	file?: { mimeType?: string; hashes?: { quickXorHash?: string } };
	folder?: { childCount?: number };
	parentReference?: { driveId?: string; id?: string; path?: string; siteId?: string };
	createdDateTime?: string;
	lastModifiedDateTime?: string;
	'@microsoft.graph.downloadUrl'?: string;
}

export interface Library {
	driveId: string;
	name: string;
	webUrl?: string;
	siteId: string;
}

export interface Folder {
	id: string;
	segments: string[];
}

/** Per-execution caches (site IDs, libraries, folder IDs), keyed by the n8n context. */
const caches = new WeakMap<object, Map<string, Promise<unknown>>>();

async function cached<T>(ctx: object, key: string, make: () => Promise<T>): Promise<T> {
	let cache = caches.get(ctx);
	if (!cache) {
		cache = new Map();
		caches.set(ctx, cache);
	}
	let entry = cache.get(key) as Promise<T> | undefined;
	if (!entry) {
		entry = make();
		cache.set(key, entry);
		entry.catch(() => cache.delete(key));
	}
	return await entry;
}

/** Forgets a cached folder (after it was deleted or moved). */
export function forgetFolders(ctx: object, driveId: string): void {
	const cache = caches.get(ctx);
	if (!cache) return;
	for (const key of cache.keys()) if (key.startsWith(`folder:${driveId}:`)) cache.delete(key);
}

export function isGraphStatus(error: unknown, status: number): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === String(status);
}

/**
 * A 403 from SharePoint, with the site named as the user gave it. The transport already told a
 * missing permission from a Sites.Selected app without a grant on the site (it compares the
 * token's roles); only when it could not compare is the Sites.Selected case added as a possibility.
 */
export function explainForbidden(error: unknown, where: string, write: boolean): unknown {
	if (!isGraphStatus(error, 403)) return error;
	const kind = forbiddenKindOf(error);
	if (kind === 'sitesSelected') {
		error.message = `${error.message}: ${where}`;
		return error;
	}
	if (kind !== 'unknown') return error;
	const role = write ? 'write' : 'read';
	error.message = `${error.message} (or, for an app with Sites.Selected, a "${role}" grant on ${where})`;
	error.description =
		`${error.description ?? ''} An app with the Sites.Selected application permission reaches only the sites a SharePoint administrator granted it: grant it "${role}" on ${where} (Microsoft 365 SharePoint node: Site Permission > Grant, or POST /sites/{site-id}/permissions with the app's ID and the role "${role}").`.trim();
	return error;
}

export function resourceLocator(
	ctx: IExecuteFunctions,
	name: string,
	itemIndex: number,
): INodeParameterResourceLocator {
	const value = ctx.getNodeParameter(name, itemIndex, undefined, { extractValue: false }) as
		INodeParameterResourceLocator | string | undefined;
	if (typeof value === 'string') return { __rl: true, mode: 'id', value };
	return value ?? { __rl: true, mode: 'id', value: '' };
}

/** The Graph path of the site parameter, checked before anything is sent. */
export function sitePathOf(
	ctx: Context,
	locator: INodeParameterResourceLocator,
	itemIndex: number,
): { path: string; byUrl: boolean; label: string } {
	const node = ctx.getNode();
	const value = String(locator.value ?? '').trim();
	if (locator.mode === 'url')
		return { path: siteFromUrl(node, value, itemIndex), byUrl: true, label: value };
	if (value === '') {
		throw new NodeOperationError(node, 'Site is empty', {
			itemIndex,
			description: 'Pick a site from the list, or give its URL or ID.',
		});
	}
	return { path: `/sites/${checkSiteId(node, value, itemIndex)}`, byUrl: false, label: value };
}

/** The site's ID: from the ID itself, or `GET /sites/{hostname}:/{path}` for a URL (once per execution). */
export async function resolveSiteId(
	ctx: Context,
	transport: GraphTransport,
	locator: INodeParameterResourceLocator,
	itemIndex: number,
): Promise<string> {
	const site = sitePathOf(ctx, locator, itemIndex);
	if (!site.byUrl) return site.path.slice('/sites/'.length);
	return await cached(ctx, `site:${site.path}`, async () => {
		try {
			const found = await transport.request<{ id: string }>({
				effect: 'read',
				url: site.path,
				query: { $select: 'id' },
				itemIndex,
			});
			return found.id;
		} catch (error) {
			if (isGraphStatus(error, 404)) {
				throw new NodeOperationError(ctx.getNode(), `Site not found: ${site.label}`, {
					itemIndex,
					description:
						"SharePoint has no site at this address in the credential's tenant. Check the URL (it should look like https://contoso.sharepoint.com/sites/reports).",
				});
			}
			throw explainForbidden(error, `the site ${site.label}`, false);
		}
	});
}

/** Input checks of the site and library parameters (before any request). */
export function checkLibraryInput(
	ctx: IExecuteFunctions,
	itemIndex: number,
	libraryParameter = 'library',
): { site: INodeParameterResourceLocator; libraryId: string } {
	const site = resourceLocator(ctx, 'site', itemIndex);
	sitePathOf(ctx, site, itemIndex);
	const library = resourceLocator(ctx, libraryParameter, itemIndex);
	const libraryId = String(library.value ?? '').trim();
	if (libraryId === '' || /[/?#\s]/.test(libraryId)) {
		throw new NodeOperationError(
			ctx.getNode(),
			libraryId === '' ? 'Library is empty' : `Library ID "${libraryId}" is not a library ID`,
			{
				itemIndex,
				description:
					'Pick a document library of the site from the list, or give its drive ID (b!…).',
			},
		);
	}
	return { site, libraryId };
}

/**
 * The library (drive) of the item: one of the site's document libraries, checked against
 * `GET /sites/{id}/drives` once per execution and site.
 */
export async function resolveLibrary(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	input = checkLibraryInput(ctx, itemIndex),
): Promise<Library> {
	const siteId = await resolveSiteId(ctx, transport, input.site, itemIndex);
	const drives = await cached(ctx, `drives:${siteId}`, async () => {
		try {
			return await transport.collectAll<{ id: string; name: string; webUrl?: string }>(
				`/sites/${siteId}/drives`,
				{ query: { $select: 'id,name,webUrl' }, pageSize: 200, itemIndex },
			);
		} catch (error) {
			if (isGraphStatus(error, 404)) {
				throw new NodeOperationError(ctx.getNode(), `Site not found: ${siteId}`, {
					itemIndex,
					description: 'Pick the site from the list, or give its URL.',
				});
			}
			throw explainForbidden(error, `the site ${siteId}`, false);
		}
	});
	const drive = drives.find((d) => d.id === input.libraryId);
	if (!drive) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Library ${input.libraryId} is not a document library of the site ${String(input.site.value)}`,
			{
				itemIndex,
				description: `The site's libraries are: ${drives.map((d) => `${d.name} (${d.id})`).join(', ') || 'none'}. Pick one from the list.`,
			},
		);
	}
	return { driveId: drive.id, name: drive.name, webUrl: drive.webUrl, siteId };
}

/** `/drives/{id}/root:/a/b:` for a path (the library root for none), `/drives/{id}/items/{id}` for an ID. */
export function itemUrl(driveId: string, ref: { id: string } | { segments: string[] }): string {
	if ('id' in ref)
		return `/drives/${encodeURIComponent(driveId)}/items/${encodeURIComponent(ref.id)}`;
	if (ref.segments.length === 0) return `/drives/${encodeURIComponent(driveId)}/items/root`;
	return `/drives/${encodeURIComponent(driveId)}/root:/${encodeSegments(ref.segments)}:`;
}

export type ItemRef = { id: string; label: string } | { segments: string[]; label: string };

/** The `file` (or another) resource locator: a path inside the library, or an item ID. */
export function itemRefOf(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter = 'file',
	label = 'File',
): ItemRef {
	const locator = resourceLocator(ctx, parameter, itemIndex);
	const value = String(locator.value ?? '').trim();
	if (locator.mode === 'id') {
		if (value === '' || /[/?#\s]/.test(value)) {
			throw new NodeOperationError(ctx.getNode(), `${label} ID "${value}" is not an item ID`, {
				itemIndex,
				description:
					'Give the drive item ID (e.g. 01ABCDEF…), or choose "By Path" and give its path.',
			});
		}
		return { id: value, label: `item ${value}` };
	}
	const segments = parseItemPath(ctx.getNode(), value, `${label} path`, itemIndex);
	return { segments, label: joinPath(segments) };
}

/** Fetches an item by path or ID; a 404 becomes "not found" naming the path and library. */
export async function getItem(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	library: Library,
	ref: ItemRef,
	itemIndex: number,
	query?: Record<string, string>,
): Promise<DriveItem> {
	try {
		return await transport.request<DriveItem>({
			effect: 'read',
			url: itemUrl(library.driveId, ref),
			query,
			itemIndex,
		});
	} catch (error) {
		throw notFoundOr(ctx, error, library, ref.label, itemIndex, false);
	}
}

export function notFoundOr(
	ctx: IExecuteFunctions,
	error: unknown,
	library: Library,
	label: string,
	itemIndex: number,
	write: boolean,
): unknown {
	if (isGraphStatus(error, 404)) {
		return new NodeOperationError(
			ctx.getNode(),
			`Not found: ${label} in the library "${library.name}"`,
			{
				itemIndex,
				description:
					'Check the path (relative to the library root, e.g. Reports/2024/a.pdf) or the item ID.',
			},
		);
	}
	return explainForbidden(error, `the library "${library.name}"'s site`, write);
}

/**
 * The folder at `segments` (the library root for none); missing levels are created one by one
 * when `create` is set (each `POST .../children` with conflictBehavior fail, so a folder made
 * meanwhile by another item or workflow is found, never replaced). Cached per execution.
 */
export async function ensureFolder(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	library: Library,
	segments: string[],
	create: boolean,
	itemIndex: number,
): Promise<Folder> {
	const key = `folder:${library.driveId}:${segments.join('/').toLowerCase()}`;
	return await cached(ctx, key, async () => {
		const label = joinPath(segments);
		const lookup = async (): Promise<DriveItem | undefined> => {
			const response = await transport.send<DriveItem>({
				effect: 'read',
				url: itemUrl(library.driveId, { segments }),
				query: { $select: 'id,name,folder,file' },
				acceptStatus: [404],
				itemIndex,
			});
			return response.status === 404 ? undefined : response.body;
		};
		try {
			const found = await lookup();
			if (found) {
				if (!found.folder) {
					throw new NodeOperationError(
						ctx.getNode(),
						`${label} in the library "${library.name}" is a file, not a folder`,
						{ itemIndex, description: 'Choose another folder path.' },
					);
				}
				return { id: found.id, segments };
			}
			if (!create || segments.length === 0) {
				throw new NodeOperationError(
					ctx.getNode(),
					`Folder not found: ${label} in the library "${library.name}"`,
					{
						itemIndex,
						description: 'Create it first, or turn on "Create Missing Folders".',
					},
				);
			}
			const parent = await ensureFolder(
				ctx,
				transport,
				library,
				segments.slice(0, -1),
				create,
				itemIndex,
			);
			const created = await transport.send<DriveItem>({
				method: 'POST',
				url: `${itemUrl(library.driveId, { id: parent.id })}/children`,
				body: {
					name: segments[segments.length - 1],
					folder: {},
					'@microsoft.graph.conflictBehavior': 'fail',
				},
				// Safe to repeat: a repeat finds the folder (409) instead of making a second one.
				effect: 'replaceable',
				acceptStatus: [409],
				itemIndex,
			});
			if (created.status !== 409) return { id: created.body.id, segments };
			const raced = await lookup();
			if (!raced?.folder) {
				throw new NodeOperationError(
					ctx.getNode(),
					`${label} in the library "${library.name}" is a file, not a folder`,
					{ itemIndex, description: 'Choose another folder path.' },
				);
			}
			return { id: raced.id, segments };
		} catch (error) {
			throw explainForbidden(error, `the library "${library.name}"'s site`, create);
		}
	});
}

/** The folder path parameter as segments (checked before anything is sent). */
export function folderSegments(
	ctx: IExecuteFunctions,
	itemIndex: number,
	parameter = 'folderPath',
	label = 'Folder path',
): string[] {
	return parseFolderPath(
		ctx.getNode(),
		ctx.getNodeParameter(parameter, itemIndex, ''),
		label,
		itemIndex,
	);
}

/** The library-relative path of an item from its parentReference (`/drives/{id}/root:/a/b`). */
export function pathOf(item: DriveItem): string {
	const parent = item.parentReference?.path;
	if (!parent) return '/';
	const colon = parent.indexOf(':');
	let folder = colon >= 0 ? parent.slice(colon + 1) : '';
	try {
		folder = decodeURIComponent(folder);
	} catch {
		// keep as given
	}
	return `${folder.replace(/\/+$/, '')}/${item.name}`;
}

/** The node's output for a drive item. */
export function itemOutput(item: DriveItem, library?: Library): IDataObject {
	const out: IDataObject = {
		id: item.id,
		name: item.name,
		path: pathOf(item),
		type: item.folder ? 'folder' : 'file',
		webUrl: item.webUrl,
		size: item.size,
		eTag: item.eTag,
	};
	if (item.file) {
		out.mimeType = item.file.mimeType;
		out.quickXorHash = item.file.hashes?.quickXorHash;
	}
	if (item.folder) out.childCount = item.folder.childCount;
	out.createdDateTime = item.createdDateTime;
	out.lastModifiedDateTime = item.lastModifiedDateTime;
	out.driveId = item.parentReference?.driveId ?? library?.driveId;
	if (library) out.library = library.name;
	return out;
}

/** The Graph calls every operation makes to find its library (declared by each operation). */
export const LIBRARY_CALLS = declareGraphCalls([
	{ method: 'GET', path: '/sites/{hostname}:/{path}', when: 'the site is given by URL' },
	{ method: 'GET', path: '/sites/{id}/drives' },
]);

/**
 * The prologue of the operations on one item: the site, library and item parameters and the
 * operation's own (`check`) are checked before anything is sent; then the transport and the
 * library.
 */
export async function openItem<T>(
	ctx: IExecuteFunctions,
	itemIndex: number,
	check: () => T,
): Promise<{ ref: ItemRef; transport: GraphTransport; library: Library; checked: T }> {
	const input = checkLibraryInput(ctx, itemIndex);
	const ref = itemRefOf(ctx, itemIndex, 'file', 'File');
	const checked = check();
	const transport = await getTransport(ctx, itemIndex);
	const library = await resolveLibrary(ctx, transport, itemIndex, input);
	return { ref, transport, library, checked };
}
