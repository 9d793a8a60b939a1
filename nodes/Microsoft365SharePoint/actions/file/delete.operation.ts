import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { forgetFolders, itemUrl, LIBRARY_CALLS, notFoundOr, openItem } from '../../library';
import { itemProperties } from '../fields';

export const graphCalls = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'DELETE', path: '/drives/{id}/items/{id}' },
]);

const properties: INodeProperties[] = [
	...itemProperties('File or Folder', 'Reports/2024/old-summary.pdf'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['delete'] } },
	properties,
);

/** Deletes the item (to the site's recycle bin, as SharePoint does); a folder goes with its content. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { ref, transport, library } = await openItem(this, itemIndex, () => undefined);
	try {
		await transport.request({
			effect: 'replaceable',
			method: 'DELETE',
			url: itemUrl(library.driveId, ref),
			itemIndex,
		});
	} catch (error) {
		throw notFoundOr(this, error, library, ref.label, itemIndex, true);
	}
	forgetFolders(this, library.driveId);
	return {
		deleted: true,
		...('id' in ref ? { id: ref.id } : { path: ref.label }),
		library: library.name,
	};
}
