import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { getItem, itemOutput, LIBRARY_CALLS, openItem } from '../../library';
import { itemProperties } from '../fields';

export const graphCalls = declareGraphCalls([
	...LIBRARY_CALLS,
	{ method: 'GET', path: '/drives/{id}/items/{id}' },
]);

const properties: INodeProperties[] = [
	...itemProperties('File or Folder', 'Reports/2024/summary.pdf'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['file'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
	const { ref, transport, library } = await openItem(this, itemIndex, () => undefined);
	return itemOutput(await getItem(this, transport, library, ref, itemIndex), library);
}
