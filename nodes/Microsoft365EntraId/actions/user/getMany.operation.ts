import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { filterPresets, runGetMany } from '../../collections';
import { fieldProperties, queryOptions, returnAllProperties } from '../fields';

const properties: INodeProperties[] = [
	...returnAllProperties,
	filterPresets('user'),
	...fieldProperties(['user']),
	queryOptions('user'),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['getMany'] } },
	properties,
);

// Output "Count" reads /users/$count, which needs the same permission as /users.
export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/users' }]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runGetMany(this, 'user', itemIndex);
}
