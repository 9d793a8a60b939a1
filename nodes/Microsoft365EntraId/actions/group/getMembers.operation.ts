import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { runRelation, type RelationSpec } from '../../collections';
import { relationProperties } from '../fields';

const properties: INodeProperties[] = relationProperties(
	'group',
	'members',
	[
		{ name: 'Users Only', value: 'users' },
		{
			name: 'All Types',
			value: 'all',
			description: 'Users, groups, devices, contacts, service principals',
		},
	],
	['user', 'group'],
);

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['getMembers'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/groups/{id}/members', when: 'Include Nested is off' },
	{ method: 'GET', path: '/groups/{id}/transitiveMembers', when: 'Include Nested is on' },
]);

const spec: RelationSpec = {
	of: 'group',
	relation: 'members',
	types: ['user', 'group'],
	include: { users: { cast: 'microsoft.graph.user' }, all: {} },
};

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runRelation(this, spec, itemIndex);
}
