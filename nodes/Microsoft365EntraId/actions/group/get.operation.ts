import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { runGetOne } from '../../collections';
import { fieldProperties, locator } from '../fields';

const properties: INodeProperties[] = [locator('group'), ...fieldProperties(['group'])];

export const description = updateDisplayOptions(
	{ show: { resource: ['group'], operation: ['get'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/groups/{id}' }]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await runGetOne(this, 'group', itemIndex);
}
