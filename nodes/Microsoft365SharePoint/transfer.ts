/**
 * Copy and move: the destination (library, folder, name, conflict behaviour), Graph's
 * asynchronous copy with its monitor URL, and move within a library (PATCH) or across libraries
 * (copy, then delete the original once the copy is complete).
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { markMayHaveActed } from '../shared/errors';
import type { GraphTransport } from '../shared/transport';
import { sleep } from '../shared/transport/retry';
import { conflictBehaviorProperty, libraryLocator, type ConflictBehavior } from './actions/fields';
import {
	checkLibraryInput,
	ensureFolder,
	explainForbidden,
	folderSegments,
	isGraphStatus,
	itemUrl,
	LIBRARY_CALLS,
	resolveLibrary,
	type DriveItem,
	type Folder,
	type Library,
} from './library';
import { checkName, joinPath } from './paths';
import { declareGraphCalls } from '../shared/operations';

/** The calls of copy and move before the transfer: the item, and the destination folder created when missing. */
export const TRANSFER_CALLS = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'GET', path: '/drives/{id}/items/{id}' },
	{
		method: 'POST',
		path: '/drives/{id}/items/{id}/children',
		when: 'a destination folder is missing',
	},
]);

export const destinationProperties: INodeProperties[] = [
	{
		...libraryLocator(
			'destinationLibrary',
			'Destination Library',
			'Library to put the item in; empty for the same library',
		),
		required: false,
	},
	{
		displayName: 'Destination Folder Path',
		name: 'destinationFolderPath',
		type: 'string',
		default: '',
		placeholder: 'Archive/2024',
		description: 'Folder inside the destination library; empty for its root',
	},
	{
		displayName: 'New Name',
		name: 'newName',
		type: 'string',
		default: '',
		description: 'Name at the destination; empty to keep the name',
	},
	conflictBehaviorProperty('What to do when an item of the same name is in the destination folder'),
	{
		displayName: 'Create Missing Folders',
		name: 'createFolders',
		type: 'boolean',
		default: true,
		description: 'Whether to create the folders of the destination path that do not exist yet',
	},
];

export interface DestinationInput {
	/** Empty: the source library. */
	libraryId: string;
	segments: string[];
	newName?: string;
	behavior: ConflictBehavior;
	createFolders: boolean;
}

export function destinationInput(ctx: IExecuteFunctions, itemIndex: number): DestinationInput {
	const locator = ctx.getNodeParameter('destinationLibrary', itemIndex, '', {
		extractValue: true,
	}) as string;
	const libraryId = String(locator ?? '').trim();
	if (/[/?#\s]/.test(libraryId)) {
		throw new NodeOperationError(
			ctx.getNode(),
			`Destination library ID "${libraryId}" is not a library ID`,
			{
				itemIndex,
				description:
					'Pick a library from the list, give its drive ID (b!…), or leave it empty for the same library.',
			},
		);
	}
	const segments = folderSegments(
		ctx,
		itemIndex,
		'destinationFolderPath',
		'Destination folder path',
	);
	const rawName = String(ctx.getNodeParameter('newName', itemIndex, '') ?? '').trim();
	return {
		libraryId,
		segments,
		newName: rawName ? checkName(ctx.getNode(), rawName, 'New name', itemIndex) : undefined,
		behavior: ctx.getNodeParameter('conflictBehavior', itemIndex, 'fail') as ConflictBehavior,
		createFolders: ctx.getNodeParameter('createFolders', itemIndex, true) as boolean,
	};
}

export async function resolveDestination(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	source: Library,
	input: DestinationInput,
	itemIndex: number,
): Promise<{ library: Library; folder: Folder }> {
	const library =
		input.libraryId === '' || input.libraryId === source.driveId
			? source
			: await resolveLibrary(ctx, transport, itemIndex, {
					...checkLibraryInput(ctx, itemIndex),
					libraryId: input.libraryId,
				});
	const folder = await ensureFolder(
		ctx,
		transport,
		library,
		input.segments,
		input.createFolders,
		itemIndex,
	);
	return { library, folder };
}

export function conflictAt(
	ctx: IExecuteFunctions,
	library: Library,
	path: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(
		ctx.getNode(),
		`An item named "${path.split('/').pop()}" already exists at ${path} in the library "${library.name}"`,
		{
			itemIndex,
			description:
				'"If the Name Exists" is set to Fail. Choose Replace to overwrite it or Rename to keep both.',
		},
	);
}

interface MonitorStatus {
	status?: string;
	resourceId?: string;
	percentageComplete?: number;
	error?: { code?: string; message?: string };
}

/**
 * Polls a copy's monitor URL (pre-authenticated: no token is sent) until the copy completes,
 * fails, or `timeoutMs` passes; returns the new item's ID.
 */
export async function waitForCopy(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	monitorUrl: string,
	onFailure: (status: MonitorStatus) => Error,
	timeoutMs: number,
	itemIndex: number,
): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	let wait = 250;
	let unavailable = 0;
	for (;;) {
		const response = await transport.sendUnauthenticated<MonitorStatus>({
			effect: 'read',
			method: 'GET',
			url: monitorUrl,
			acceptStatus: 'any',
			itemIndex,
		});
		const body = (typeof response.body === 'object' && response.body) || {};
		if (body.status === 'completed' && body.resourceId) return body.resourceId;
		// A 5xx (or throttling the transport's retries did not get past) is about the monitor, not
		// the copy: it goes on, and so does the polling.
		if ((response.status >= 500 || response.status === 429) && ++unavailable < 5) {
			await sleep(wait);
			continue;
		}
		if (response.status >= 400)
			throw new NodeOperationError(
				ctx.getNode(),
				`The progress of the copy could not be read: HTTP ${response.status}`,
				{ itemIndex, description: body.error?.message ?? undefined },
			);
		unavailable = 0;
		if (body.status === 'failed' || body.status === 'cancelled') throw onFailure(body);
		if (Date.now() + wait > deadline) {
			throw new NodeOperationError(
				ctx.getNode(),
				`The copy did not finish within ${Math.round(timeoutMs / 1000)} s`,
				{
					itemIndex,
					description: `SharePoint goes on copying in the background. Its progress: ${monitorUrl.split('?')[0]} (${body.percentageComplete ?? 0}% done). Raise "Wait Timeout" for large folders.`,
				},
			);
		}
		await sleep(wait);
		wait = Math.min(wait * 2, 5000);
	}
}

/** Starts a copy (202 + monitor URL) and, with `wait`, returns the new item. */
export async function copyTo(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	source: { library: Library; item: DriveItem },
	destination: { library: Library; folder: Folder },
	name: string,
	behavior: ConflictBehavior,
	wait: { timeoutMs: number } | undefined,
	itemIndex: number,
): Promise<{ monitorUrl: string; item?: DriveItem }> {
	const path = joinPath([...destination.folder.segments, name]);
	let monitorUrl: string | null;
	try {
		const response = await transport.send({
			effect: 'createOnce',
			method: 'POST',
			url: `${itemUrl(source.library.driveId, { id: source.item.id })}/copy`,
			query: { '@microsoft.graph.conflictBehavior': behavior },
			body: {
				parentReference: { driveId: destination.library.driveId, id: destination.folder.id },
				name,
			},
			itemIndex,
		});
		monitorUrl = response.headers.get('location');
	} catch (error) {
		if (isGraphStatus(error, 409)) throw conflictAt(ctx, destination.library, path, itemIndex);
		throw explainForbidden(error, `the library "${destination.library.name}"'s site`, true);
	}
	if (!monitorUrl) {
		throw new NodeOperationError(
			ctx.getNode(),
			'SharePoint accepted the copy but gave no monitor URL',
			{
				itemIndex,
			},
		);
	}
	if (!wait) return { monitorUrl };
	// From here on the copy was accepted: a failure that is not the copy's own (failed, or a name
	// conflict) leaves it made or under way, and must say so (a rerun would copy a second time).
	let refused: NodeOperationError | undefined;
	let id: string;
	try {
		id = await waitForCopy(
			ctx,
			transport,
			monitorUrl,
			(status) =>
				(refused =
					status.error?.code === 'nameAlreadyExists'
						? conflictAt(ctx, destination.library, path, itemIndex)
						: new NodeOperationError(
								ctx.getNode(),
								`The copy to ${path} failed: ${status.error?.message ?? status.status ?? 'unknown error'}`,
								{ itemIndex },
							)),
			wait.timeoutMs,
			itemIndex,
		);
	} catch (error) {
		if (refused && error === refused) throw refused;
		throw copyUnconfirmed(ctx, path, destination.library, error, itemIndex, 'started');
	}
	try {
		const item = await transport.request<DriveItem>({
			effect: 'read',
			url: itemUrl(destination.library.driveId, { id }),
			itemIndex,
		});
		return { monitorUrl, item };
	} catch (error) {
		throw copyUnconfirmed(ctx, path, destination.library, error, itemIndex, 'completed');
	}
}

/**
 * A failure after SharePoint accepted a copy: the copy is made (`completed`) or may be (`started`);
 * marked so that n8n's Retry On Fail does not copy again.
 */
export function copyUnconfirmed(
	ctx: IExecuteFunctions,
	path: string,
	library: Library,
	error: unknown,
	itemIndex: number,
	stage: 'started' | 'completed',
): NodeOperationError {
	const reason = (error as { message?: string })?.message ?? String(error);
	const what =
		stage === 'completed'
			? `SharePoint completed the copy to ${path}, so it was carried out, but reading the new item failed`
			: `SharePoint accepted the copy to ${path}, so it may have been carried out, but its progress could not be followed`;
	return markMayHaveActed(
		new NodeOperationError(ctx.getNode(), `${what}: ${reason}`, {
			itemIndex,
			description: `Check ${path} in the library "${library.name}" before running the item again: running it again would copy a second time.`,
		}),
	);
}
