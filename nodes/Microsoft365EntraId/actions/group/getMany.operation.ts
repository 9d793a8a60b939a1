import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { filterPresets, runGetMany } from '../../collections';
import { fieldProperties, queryOptions, returnAllProperties } from '../fields';

const properties: INodeProperties[] = [
	...returnAllProperties,
	filterPresets('group'),
	...fieldProperties(['group']),
	queryOptions('group'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['getMany'] } },
	properties,
);

// Output "Count" reads /groups/$count, which needs the same permission as /groups.
export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/groups' }]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runGetMany(this, 'group', itemIndex);
}
