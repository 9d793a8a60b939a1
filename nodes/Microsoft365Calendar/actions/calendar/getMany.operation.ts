import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { returnAllAndLimit } from '../../../shared/fields';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { resolveOwner } from '../../owner';

const properties: INodeProperties[] = [...returnAllAndLimit()];

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['getMany'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/user-list-calendars
export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/calendars' },
	{ method: 'GET', path: '/me/calendars', scheme: 'delegated', when: 'Calendar Owner is Me' },
]);

/** The owner's calendars, one output item each. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	return await transport.collectAll<IDataObject>(`${owner.path}/calendars`, {
		pageSize: 100,
		limit,
		itemIndex,
	});
}
