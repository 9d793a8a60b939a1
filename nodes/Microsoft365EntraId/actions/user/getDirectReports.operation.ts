import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { runRelation, type RelationSpec } from '../../collections';
import { fieldProperties, locator, returnAllProperties } from '../fields';

const properties: INodeProperties[] = [
	locator('user'),
	...returnAllProperties,
	...fieldProperties(['user']),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['getDirectReports'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/users/{id}/directReports' }]);

const spec: RelationSpec = { of: 'user', relation: 'directReports', types: ['user'] };

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runRelation(this, spec, itemIndex);
}
