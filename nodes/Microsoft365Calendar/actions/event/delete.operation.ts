import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { eventPath } from '../../paths';
import { resolveOwner } from '../../owner';
import { eventIdField } from './fields';

const properties: INodeProperties[] = [
	eventIdField,
	{
		displayName:
			'Deleting a meeting you organize sends no cancellation: use Cancel to tell the attendees',
		name: 'deleteNotice',
		type: 'notice',
		default: '',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['delete'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/event-delete
export const graphCalls = declareGraphCalls([
	{ method: 'DELETE', path: '/users/{id}/events/{id}' },
	{ method: 'DELETE', path: '/me/events/{id}', scheme: 'delegated', when: 'Calendar Owner is Me' },
]);

/** Deletes an event (to Deleted Items). Deleting twice changes nothing more: replaceable. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const id = String(this.getNodeParameter('eventId', itemIndex, '')).trim();
	const url = eventPath(this, owner, id, itemIndex);
	await transport.request({ effect: 'replaceable', method: 'DELETE', url, itemIndex });
	return { deleted: true, id };
}
