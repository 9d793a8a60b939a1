import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { getMany } from '../../collections';
import { filtersProperty, limitFields, teamLocator } from '../fields';
import { teamIdFrom } from '../../locators';

const properties: INodeProperties[] = [
	teamLocator('The team whose channels to list'),
	...limitFields(),
	filtersProperty([
		{
			displayName: 'Name Contains',
			name: 'nameContains',
			type: 'string',
			default: '',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channel'], operation: ['getMany'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/teams/{id}/channels' }]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const teamId = teamIdFrom(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as { nameContains?: string };
	const needle = filters.nameContains?.trim().toLowerCase();
	const transport = await getTransport(this, itemIndex);
	// Graph answers all channels at once (no $top); the name filter is applied here.
	return await getMany(this, transport, `/teams/${teamId}/channels`, itemIndex, {
		keep: needle
			? (c) =>
					String(c.displayName ?? '')
						.toLowerCase()
						.includes(needle)
			: () => true,
	});
}
