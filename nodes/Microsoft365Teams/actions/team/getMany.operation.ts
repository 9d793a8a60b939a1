import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { odataString } from '../../../shared/odata';
import { getMany } from '../../collections';
import { filtersProperty, limitFields } from '../fields';

const properties: INodeProperties[] = [
	...limitFields(),
	filtersProperty([
		{
			displayName: 'Name Starts With',
			name: 'nameStartsWith',
			type: 'string',
			default: '',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['team'], operation: ['getMany'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/teams' }]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { nameStartsWith?: string };
	const transport = await getTransport(this, itemIndex);
	const prefix = filters.nameStartsWith?.trim();
	return await getMany(this, transport, '/teams', itemIndex, {
		query: prefix ? { $filter: `startswith(displayName,${odataString(prefix)})` } : undefined,
		pageSize: 999,
	});
}
