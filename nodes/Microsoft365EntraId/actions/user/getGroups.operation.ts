import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { runRelation, type RelationSpec } from '../../collections';
import { relationProperties } from '../fields';

const properties: INodeProperties[] = relationProperties(
	'user',
	'groups the user belongs to',
	[
		{ name: 'Groups Only', value: 'groups' },
		{ name: 'Groups and Directory Roles', value: 'groupsAndRoles' },
	],
	['group', 'directoryRole'],
);

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['getGroups'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/memberOf', when: 'Include Nested is off' },
	{ method: 'GET', path: '/users/{id}/transitiveMemberOf', when: 'Include Nested is on' },
]);

const spec: RelationSpec = {
	of: 'user',
	relation: 'memberOf',
	types: ['group', 'directoryRole'],
	include: {
		groups: { cast: 'microsoft.graph.group' },
		// memberOf also lists administrative units: keep groups and roles.
		groupsAndRoles: { keep: ['#microsoft.graph.group', '#microsoft.graph.directoryRole'] },
	},
};

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runRelation(this, spec, itemIndex);
}
