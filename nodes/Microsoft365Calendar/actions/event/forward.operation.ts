import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { readAddresses, readText } from '../../events';
import { inputError } from '../../errors';
import { eventPath } from '../../paths';
import { resolveOwner } from '../../owner';
import { eventIdField } from './fields';

const properties: INodeProperties[] = [
	eventIdField,
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'dan@contoso.com, erin@contoso.com',
		description: 'Email addresses to forward the invitation to, separated by commas',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Text above the forwarded invitation',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['forward'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/event-forward
export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/events/{id}/forward' },
	{
		method: 'POST',
		path: '/me/events/{id}/forward',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
	},
]);

/** Forwards a meeting invitation. Sends mail: createOnce. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const to = readAddresses(
		this,
		this.getNodeParameter('toRecipients', itemIndex, ''),
		'To',
		itemIndex,
	);
	if (!to.length)
		throw inputError(this.getNode(), 'To', 'enter at least one address to forward to', itemIndex);
	const comment = readText(
		this,
		this.getNodeParameter('comment', itemIndex, ''),
		'Comment',
		itemIndex,
	);
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const id = String(this.getNodeParameter('eventId', itemIndex, '')).trim();
	const url = `${eventPath(this, owner, id, itemIndex)}/forward`;
	await transport.request({
		effect: 'createOnce',
		method: 'POST',
		url,
		body: {
			toRecipients: to.map((address) => ({ emailAddress: { address } })),
			...(comment ? { comment } : {}),
		},
		itemIndex,
	});
	return { forwarded: true, id, to };
}
