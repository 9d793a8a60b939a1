import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { addresses, parseRecipients } from '../../compose';
import { inputError } from '../../errors';
import { messageContext } from '../../message-actions';
import { mailboxField, messageIdField } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/messages/{id}/forward' },
]);

const properties: INodeProperties[] = [
	mailboxField,
	messageIdField,
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		default: '',
		required: true,
		description: 'Recipients of the forward, comma-separated',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'Text shown above the forwarded message',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['forward'] } },
	properties,
);

/** Forwards a message with its attachments. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const to = parseRecipients(
		this.getNode(),
		'To',
		this.getNodeParameter('toRecipients', itemIndex, ''),
		itemIndex,
	);
	if (!to.length) throw inputError(this.getNode(), 'To', 'enter at least one recipient', itemIndex);
	const m = await messageContext(this, itemIndex);
	const comment = String(this.getNodeParameter('comment', itemIndex, ''));
	await m.transport.request({
		effect: 'createOnce',
		method: 'POST',
		url: `${m.path}/forward`,
		body: { comment, toRecipients: to },
		itemIndex,
	});
	return { forwarded: true, id: m.id, to: addresses(to) };
}
