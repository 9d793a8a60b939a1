import { updateDisplayOptions, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';

export const description = updateDisplayOptions(
	{ show: { resource: ['room'], operation: ['getRoomLists'] } },
	[],
);

// https://learn.microsoft.com/en-us/graph/api/place-list (Place.Read.All)
export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/places/microsoft.graph.roomlist' },
]);

/** The tenant's room lists (buildings), one output item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const transport = await getTransport(this, itemIndex);
	return await transport.collectAll<IDataObject>('/places/microsoft.graph.roomlist', {
		pageSize: 100,
		itemIndex,
	});
}
