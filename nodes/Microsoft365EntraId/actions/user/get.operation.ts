import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { runGetOne } from '../../collections';
import { fieldProperties, locator } from '../fields';

const properties: INodeProperties[] = [locator('user'), ...fieldProperties(['user'])];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['get'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/users/{id}' }]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runGetOne(this, 'user', itemIndex);
}
