import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { readText } from '../../events';
import { eventPath } from '../../paths';
import { resolveOwner } from '../../owner';
import { eventIdField } from './fields';

const properties: INodeProperties[] = [
	eventIdField,
	{
		displayName: 'Message to Attendees',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		placeholder: 'Cancelled: the review moves to next quarter',
		description: 'Text of the cancellation the attendees receive',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['cancel'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/event-cancel
export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/events/{id}/cancel' },
	{
		method: 'POST',
		path: '/me/events/{id}/cancel',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
	},
]);

/**
 * Cancels a meeting the owner organizes and sends the cancellation to the attendees (Graph
 * answers 400 for an attendee's copy: only the organizer can cancel). Sends mail: createOnce.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const comment = readText(
		this,
		this.getNodeParameter('comment', itemIndex, ''),
		'Message to Attendees',
		itemIndex,
	);
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const id = String(this.getNodeParameter('eventId', itemIndex, '')).trim();
	const url = `${eventPath(this, owner, id, itemIndex)}/cancel`;
	await transport.request({
		effect: 'createOnce',
		method: 'POST',
		url,
		body: comment ? { comment } : {},
		itemIndex,
	});
	return { cancelled: true, id };
}
