import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { messageContext } from '../../message-actions';
import { mailboxField, messageIdField } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/messages/{id}/reply' },
]);

const properties: INodeProperties[] = [
	mailboxField,
	messageIdField,
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'The reply text, shown above the original message',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['reply'] } },
	properties,
);

/** Replies to the sender (or the message's Reply-To); the reply is saved to Sent Items. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const m = await messageContext(this, itemIndex);
	const comment = String(this.getNodeParameter('comment', itemIndex, ''));
	await m.transport.request({
		effect: 'createOnce',
		method: 'POST',
		url: `${m.path}/reply`,
		body: { comment },
		itemIndex,
	});
	return { replied: true, id: m.id };
}
