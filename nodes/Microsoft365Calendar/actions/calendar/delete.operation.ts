import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { resolveCalendarPath, resolveOwner } from '../../owner';
import { requiredCalendar } from './fields';

const properties: INodeProperties[] = [
	{ ...requiredCalendar, description: 'The calendar to delete, with all its events' },
];

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['delete'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/calendar-delete
export const graphCalls = declareGraphCalls([
	{ method: 'DELETE', path: '/users/{id}/calendars/{id}' },
	{
		method: 'DELETE',
		path: '/me/calendars/{id}',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
	},
	{ method: 'GET', path: '/users/{id}/calendars', when: 'the calendar is named by name' },
]);

/** Deletes a calendar (not the default one: Graph refuses). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const raw = this.getNodeParameter('calendar', itemIndex, '');
	const { path, id } = await resolveCalendarPath(this, transport, owner, raw, {
		required: true,
		itemIndex,
	});
	await transport.request({ effect: 'replaceable', method: 'DELETE', url: path, itemIndex });
	return { deleted: true, id: id ?? null };
}
