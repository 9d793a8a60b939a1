/**
 * Files for channel posts: an item's binary property as a stream (n8n's filesystem binary mode
 * never puts it in memory), uploaded into the channel's files folder with the shared upload
 * helpers: the simple upload up to 4 MB, an upload session with bounded chunks above.
 */
import {
	NodeApiError,
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
} from 'n8n-workflow';
import { openBinarySource } from '../shared/binary-source';
import { markMayHaveActed } from '../shared/errors';
import type { GraphTransport } from '../shared/transport';
import {
	releaseSource,
	uploadLargeFile,
	uploadSmall,
	useSimpleUpload,
	UploadSessionError,
	type UploadSource,
} from '../shared/transport/upload';

export type ConflictBehavior = 'rename' | 'replace' | 'fail';

/** The binary property as an upload source; a missing property fails the item before any request. */
export async function binarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	fileName?: string,
): Promise<UploadSource> {
	const binary = ctx.getInputData()[itemIndex]?.binary?.[propertyName];
	if (!binary) {
		const present = Object.keys(ctx.getInputData()[itemIndex]?.binary ?? {});
		throw new NodeOperationError(
			ctx.getNode(),
			`Input Binary Field: item ${itemIndex} has no binary property "${propertyName}"`,
			{
				itemIndex,
				description: present.length
					? `The item has ${present.map((p) => `"${p}"`).join(', ')}. Set Input Binary Field to one of them. Nothing was uploaded or posted.`
					: 'The item has no file. Read or download the file in an earlier node (its output has a binary property, usually "data"). Nothing was uploaded or posted.',
			},
		);
	}
	const name = (
		fileName ||
		binary.fileName ||
		`${propertyName}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`
	).trim();
	return await openBinarySource(ctx, itemIndex, propertyName, binary, name);
}

/** Uploads `source` as `source.fileName` into a folder; returns the new drive item. */
export async function uploadToFolder(
	transport: GraphTransport,
	folder: { driveId: string; itemId: string },
	source: UploadSource,
	conflict: ConflictBehavior,
	itemIndex: number,
): Promise<IDataObject> {
	const name = source.fileName ?? 'file';
	const path = `/drives/${encodeURIComponent(folder.driveId)}/items/${encodeURIComponent(folder.itemId)}:/${encodeURIComponent(name)}:`;
	try {
		return await uploadToPath(transport, path, name, source, conflict, itemIndex);
	} finally {
		await releaseSource(source);
	}
}

async function uploadToPath(
	transport: GraphTransport,
	path: string,
	name: string,
	source: UploadSource,
	conflict: ConflictBehavior,
	itemIndex: number,
): Promise<IDataObject> {
	if (useSimpleUpload(source.size)) {
		return await uploadSmall(source, async (body, contentType) =>
			transport.request<IDataObject>({
				method: 'PUT',
				// With "rename" a repeat after a lost answer would leave "name 1.ext" beside the file.
				effect: conflict === 'replace' ? 'replaceable' : 'createOnce',
				url: `${path}/content`,
				query: { '@microsoft.graph.conflictBehavior': conflict },
				headers: { 'Content-Type': contentType },
				body,
				itemIndex,
			}),
		);
	}
	try {
		const result = await uploadLargeFile({
			// The transport's retry policy and counters: one policy for every request.
			retry: transport.policy,
			stats: transport.stats,
			createSession: async () =>
				await transport.request({
					effect: 'replaceable',
					method: 'POST',
					url: `${path}/createUploadSession`,
					body: { item: { '@microsoft.graph.conflictBehavior': conflict, name } },
					itemIndex,
				}),
			http: transport.preauthenticatedHttp(),
			source,
		});
		return result.body as IDataObject;
	} catch (error) {
		throw uploadError(transport, name, error, itemIndex);
	}
}

/** An upload helper's failure as an n8n error; the transport's own errors are n8n errors already. */
function uploadError(
	transport: GraphTransport,
	name: string,
	error: unknown,
	itemIndex: number,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	const reason =
		error instanceof UploadSessionError
			? error.message
			: String((error as Error)?.message ?? error);
	const session = error instanceof UploadSessionError ? ` ${error.sessionNote}` : '';
	const failure = new NodeOperationError(transport.node, `Uploading "${name}" failed: ${reason}`, {
		itemIndex,
		description: `The message was not posted.${session}`,
	});
	// The file may be in the folder: running the item again (Retry On Fail) would add "name 1".
	return error instanceof UploadSessionError && error.session === 'maybe-committed'
		? markMayHaveActed(failure)
		: failure;
}
