/**
 * The upload of one binary property into a library folder: a simple `PUT .../content` up to
 * 4 MiB, above that an upload session through the shared helper (streamed from n8n's binary
 * data with memory bounded by one chunk, resumed after a failed fragment), then the optional
 * list item fields.
 */
import { Readable } from 'node:stream';
import {
	NodeApiError,
	NodeOperationError,
	type IBinaryData,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';
import { markMayHaveActed } from '../shared/errors';
import type { GraphTransport } from '../shared/transport';
import {
	DEFAULT_UPLOAD_CHUNK_SIZE,
	UPLOAD_FRAGMENT_UNIT,
	releaseSource,
	uploadLargeFile,
	UploadSessionError,
	uploadSmall,
	useSimpleUpload,
	type PreauthenticatedHttp,
	type UploadSource,
} from '../shared/transport/upload';
import type { ConflictBehavior } from './actions/fields';
import {
	explainForbidden,
	isGraphStatus,
	itemUrl,
	type DriveItem,
	type Folder,
	type Library,
} from './library';
import { joinPath } from './paths';

/** The binary property of an item, or an error naming the property and what the item has. */
export function binaryOf(ctx: IExecuteFunctions, itemIndex: number, property: string): IBinaryData {
	const item = ctx.getInputData()[itemIndex];
	const binary = item?.binary?.[property];
	if (!binary) {
		const present = Object.keys(item?.binary ?? {});
		throw new NodeOperationError(
			ctx.getNode(),
			`No binary property "${property}" on the input item`,
			{
				itemIndex,
				description: present.length
					? `The item has the binary properties ${present.map((p) => `"${p}"`).join(', ')}: set "Input Binary Field" to one of them.`
					: 'The item has no binary data: read or download the file in a node before this one, or set "Input Binary Field" to the property that holds it.',
			},
		);
	}
	return binary;
}

/** Bytes handed to the socket at a time. */
const WRITE_SLICE = 1024 * 1024;

/**
 * Sends each fragment's bytes as a stream of 1 MiB views into the upload loop's buffer, with
 * the Content-Length the loop sets: fetch would copy a Buffer body whole (a fragment's worth of
 * garbage per request) and TLS would encrypt it in one piece. A streamed body is sent once (the
 * transport does not repeat it); the upload loop resumes a failed fragment from the service's
 * status itself.
 */
export function slicedBodies(http: {
	request: (
		request: Omit<Parameters<PreauthenticatedHttp['request']>[0], 'body'> & {
			body?: Uint8Array | Readable;
		},
	) => ReturnType<PreauthenticatedHttp['request']>;
}): PreauthenticatedHttp {
	return {
		async request(request) {
			const payload = request.body;
			if (!payload || payload.length <= WRITE_SLICE) return await http.request(request);
			// A web stream goes to fetch as it is (a Node stream would be wrapped, each piece copied).
			let sent = 0;
			const body = new ReadableStream<Uint8Array>({
				pull(controller) {
					const end = Math.min(payload.length, sent + WRITE_SLICE);
					controller.enqueue(payload.subarray(sent, end));
					sent = end;
					if (sent >= payload.length) controller.close();
				},
			});
			return await http.request({
				...request,
				headers: { ...request.headers, 'Content-Length': String(payload.length) },
				body: body as unknown as Readable,
			});
		},
	};
}

/** Chunk size in bytes from the option in MiB: a multiple of 320 KiB below 60 MiB. */
export function chunkSizeOf(mib: unknown): number {
	const value = Number(mib);
	if (!Number.isFinite(value) || value <= 0) return DEFAULT_UPLOAD_CHUNK_SIZE;
	return Math.round((value * 1024 * 1024) / UPLOAD_FRAGMENT_UNIT) * UPLOAD_FRAGMENT_UNIT;
}

function conflictError(
	ctx: IExecuteFunctions,
	library: Library,
	path: string,
	itemIndex: number,
	sessionNote = '',
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`A file named "${path.split('/').pop()}" already exists at ${path} in the library "${library.name}"`,
		{
			itemIndex,
			description: `"If the Name Exists" is set to Fail. Choose Replace to overwrite it (as a new version) or Rename to keep both.${sessionNote ? ` ${sessionNote}` : ''}`,
		},
	);
}

export interface UploadResult {
	item: DriveItem;
	/** 201: a new file; 200: an existing file replaced. */
	created: boolean;
	/** Upload session: PUT requests and how many re-sent part of a chunk. */
	requests?: number;
	resends?: number;
}

/** Uploads `source` as `name` into `folder`, by the size rule (simple up to 4 MiB, else a session). */
export async function uploadFile(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	library: Library,
	folder: Folder,
	name: string,
	source: UploadSource,
	behavior: ConflictBehavior,
	chunkSize: number,
	itemIndex: number,
): Promise<UploadResult> {
	const path = joinPath([...folder.segments, name]);
	const target = `${itemUrl(library.driveId, { id: folder.id })}:/${encodeURIComponent(name)}:`;
	try {
		if (useSimpleUpload(source.size)) {
			const response = await uploadSmall(
				source,
				async (body, contentType) =>
					await transport.send<DriveItem>({
						method: 'PUT',
						url: `${target}/content`,
						query: { '@microsoft.graph.conflictBehavior': behavior },
						headers: { 'Content-Type': contentType },
						body,
						// A repeat after a lost answer would fail (409) or add "name 1": only "replace" is safe to repeat.
						effect: behavior === 'replace' ? 'replaceable' : 'createOnce',
						itemIndex,
					}),
			);
			return { item: response.body, created: response.status === 201 };
		}
		const result = await uploadLargeFile({
			// The transport's retry policy and counters: one policy for every request.
			retry: transport.policy,
			stats: transport.stats,
			createSession: async () =>
				await transport.request({
					method: 'POST',
					url: `${target}/createUploadSession`,
					body: { item: { '@microsoft.graph.conflictBehavior': behavior } },
					// An unused session costs nothing and expires: safe to repeat.
					effect: 'replaceable',
					itemIndex,
				}),
			http: slicedBodies(transport.preauthenticatedHttp()),
			source,
			// The configured chunk size is the smallest; large files get larger fragments.
			chunkSize,
			adaptiveChunkSize: true,
		});
		return {
			item: result.body as DriveItem,
			created: result.status === 201,
			requests: result.requests,
			resends: result.resends,
		};
	} catch (error) {
		if (isGraphStatus(error, 409)) throw conflictError(ctx, library, path, itemIndex);
		if (error instanceof UploadSessionError) {
			if (error.status === 409)
				throw conflictError(ctx, library, path, itemIndex, error.sessionNote);
			if (error.session === 'maybe-committed') {
				// The file may be in place: running the item again would add "name 1" (or fail).
				throw markMayHaveActed(
					new NodeOperationError(ctx.getNode(), `Upload of ${path} failed: ${error.message}`, {
						itemIndex,
						description: error.sessionNote,
					}),
				);
			}
			throw new NodeOperationError(ctx.getNode(), `Upload of ${path} failed: ${error.message}`, {
				itemIndex,
				description: `${error.sessionNote} Run the item again to start over.`,
			});
		}
		throw explainForbidden(error, `the library "${library.name}"'s site`, true);
	} finally {
		await releaseSource(source);
	}
}

/** The Metadata option: a JSON object of column internal names and values. */
export function parseMetadata(
	ctx: IExecuteFunctions,
	value: unknown,
	itemIndex: number,
): IDataObject | undefined {
	if (value === undefined || value === null || value === '') return undefined;
	let parsed = value;
	if (typeof value === 'string') {
		try {
			parsed = JSON.parse(value);
		} catch {
			throw new NodeOperationError(ctx.getNode(), 'Metadata is not valid JSON', {
				itemIndex,
				description:
					'Give a JSON object of column names and values, e.g. {"Department": "Finance"}.',
			});
		}
	}
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		throw new NodeOperationError(ctx.getNode(), 'Metadata must be a JSON object', {
			itemIndex,
			description: 'Give a JSON object of column names and values, e.g. {"Department": "Finance"}.',
		});
	}
	const entries = Object.entries(parsed as IDataObject);
	for (const [key, v] of entries) {
		if (!key.trim() || key.startsWith('@') || (v !== null && typeof v === 'object')) {
			throw new NodeOperationError(ctx.getNode(), `Metadata field "${key}" cannot be set`, {
				itemIndex,
				description:
					'Use column internal names (e.g. ReportPeriod) with text, number, true/false or null values.',
			});
		}
	}
	return entries.length ? (parsed as IDataObject) : undefined;
}

/**
 * Sets list item fields of an uploaded file: its list item IDs (`$select=sharepointIds`), then
 * `PATCH /sites/{id}/lists/{list-id}/items/{item-id}/fields`. Returns the fields SharePoint kept.
 */
export async function setMetadata(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	library: Library,
	item: DriveItem,
	path: string,
	metadata: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	try {
		const { sharepointIds } = await transport.request<{
			sharepointIds?: { listId?: string; listItemId?: string };
		}>({
			effect: 'read',
			url: itemUrl(library.driveId, { id: item.id }),
			query: { $select: 'sharepointIds' },
			itemIndex,
		});
		if (!sharepointIds?.listId || !sharepointIds.listItemId)
			throw new NodeOperationError(ctx.getNode(), `SharePoint gave no list item for ${path}`, {
				itemIndex,
			});
		const fields = await transport.request<IDataObject>({
			method: 'PATCH',
			url: `/sites/${library.siteId}/lists/${sharepointIds.listId}/items/${sharepointIds.listItemId}/fields`,
			body: metadata,
			effect: 'replaceable',
			itemIndex,
		});
		return Object.fromEntries(Object.entries(fields ?? {}).filter(([k]) => !k.startsWith('@')));
	} catch (error) {
		if (error instanceof NodeApiError && error.httpCode === '400') {
			const graphMessage = error.messages.find((m) => m && m !== error.message);
			throw new NodeOperationError(
				ctx.getNode(),
				`${path} was uploaded, but SharePoint refused its metadata: ${graphMessage ?? error.message}`,
				{
					itemIndex,
					description: `Check the column internal names and value types of the library "${library.name}" (Library settings > Columns). The file itself is in place.`,
				},
			);
		}
		throw explainForbidden(error, `the library "${library.name}"'s site`, true);
	}
}
