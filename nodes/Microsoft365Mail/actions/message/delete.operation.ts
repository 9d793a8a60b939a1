import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { messageContext } from '../../message-actions';
import { mailboxField, messageIdField } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'DELETE', path: '/users/{id}/messages/{id}' },
]);

const properties: INodeProperties[] = [mailboxField, messageIdField];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['delete'] } },
	properties,
);

/** Deletes a message (Exchange moves it to Deleted Items, where it can be recovered). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const m = await messageContext(this, itemIndex);
	await m.transport.request({ effect: 'replaceable', method: 'DELETE', url: m.path, itemIndex });
	return { deleted: true, id: m.id };
}
