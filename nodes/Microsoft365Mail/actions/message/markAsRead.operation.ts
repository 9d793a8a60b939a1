import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { setReadState } from '../../message-actions';
import { mailboxField, messageIdField } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'PATCH', path: '/users/{id}/messages/{id}' },
]);

const properties: INodeProperties[] = [mailboxField, messageIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['markAsRead'] } },
	properties,
);

/** Mark as Read. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	return await setReadState(this, itemIndex, true);
}
