import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { markMayHaveActed } from '../../../shared/errors';
import { declareGraphCalls } from '../../../shared/operations';
import {
	explainForbidden,
	forgetFolders,
	getItem,
	isGraphStatus,
	itemOutput,
	itemUrl,
	openItem,
	type DriveItem,
} from '../../library';
import { joinPath } from '../../paths';
import {
	conflictAt,
	copyTo,
	destinationInput,
	destinationProperties,
	resolveDestination,
	TRANSFER_CALLS,
} from '../../transfer';
import { itemProperties } from '../fields';

export const graphCalls = declareGraphCalls([
	...TRANSFER_CALLS,
	{ method: 'PATCH', path: '/drives/{id}/items/{id}', when: 'within the library' },
	{ method: 'POST', path: '/drives/{id}/items/{id}/copy', when: 'to another library' },
	{ method: 'DELETE', path: '/drives/{id}/items/{id}', when: 'to another library' },
]);

const properties: INodeProperties[] = [
	...itemProperties('File or Folder', 'Reports/2024/summary.pdf'),
	...destinationProperties,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['move'] } },
	properties,
);

/**
 * Within a library: one PATCH of parentReference (and name). Graph does not move between
 * libraries, so to another library the item is copied, and deleted once the copy is complete.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const {
		ref,
		transport,
		library,
		checked: destination,
	} = await openItem(this, itemIndex, () => destinationInput(this, itemIndex));
	const item = await getItem(this, transport, library, ref, itemIndex, { $select: 'id,name' });
	const target = await resolveDestination(this, transport, library, destination, itemIndex);
	const name = destination.newName ?? item.name;
	const path = joinPath([...target.folder.segments, name]);
	let moved: DriveItem;
	if (target.library.driveId === library.driveId) {
		try {
			moved = await transport.request<DriveItem>({
				effect: 'replaceable',
				method: 'PATCH',
				url: itemUrl(library.driveId, { id: item.id }),
				query: { '@microsoft.graph.conflictBehavior': destination.behavior },
				body: { parentReference: { id: target.folder.id }, name },
				itemIndex,
			});
		} catch (error) {
			if (isGraphStatus(error, 409)) throw conflictAt(this, target.library, path, itemIndex);
			throw explainForbidden(error, `the library "${library.name}"'s site`, true);
		}
	} else {
		const copied = await copyTo(
			this,
			transport,
			{ library, item },
			target,
			name,
			destination.behavior,
			{ timeoutMs: 300_000 },
			itemIndex,
		);
		moved = copied.item!;
		try {
			// A 404 (the answer to an earlier attempt was lost) means the original is gone: moved.
			await transport.send({
				effect: 'replaceable',
				method: 'DELETE',
				url: itemUrl(library.driveId, { id: item.id }),
				acceptStatus: [404],
				itemIndex,
			});
		} catch (error) {
			// The copy is in place: running the item again would copy a second time.
			throw markMayHaveActed(
				new NodeOperationError(
					this.getNode(),
					`${ref.label} was copied to ${path} in the library "${target.library.name}", so the move was carried out as a copy, but deleting the original failed: ${(error as Error).message}`,
					{
						itemIndex,
						description: `Delete the original (${ref.label} in the library "${library.name}") yourself; running the item again would copy it a second time.`,
					},
				),
			);
		}
	}
	forgetFolders(this, library.driveId);
	return { ...itemOutput(moved, target.library), sourceId: item.id };
}
