import {
	NodeApiError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { runGetOne } from '../../collections';
import { fieldProperties, locator } from '../fields';

const properties: INodeProperties[] = [locator('user'), ...fieldProperties(['user'])];

export const description = updateDisplayOptions(
	{ show: { resource: ['user'], operation: ['getManager'] } },
	properties,
);

export const graphCalls = declareGraphCalls([{ method: 'GET', path: '/users/{id}/manager' }]);

/** The user's manager; no output item when the user has none (Graph answers 404 for "manager"). */
export async function execute(this: IExecuteFunctions, itemIndex: number) {
	try {
		return await runGetOne(this, 'user', itemIndex, '/manager');
	} catch (error) {
		const text = error instanceof NodeApiError ? `${error.message} ${error.description ?? ''}` : '';
		if (error instanceof NodeApiError && error.httpCode === '404' && text.includes("'manager'"))
			return [];
		// The transport's NodeApiError (Graph's message, permission advice), passed on as it is.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		throw error;
	}
}
