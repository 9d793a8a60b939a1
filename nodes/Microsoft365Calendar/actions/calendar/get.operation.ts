import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { resolveCalendarPath, resolveOwner } from '../../owner';
import { requiredCalendar } from './fields';

const properties: INodeProperties[] = [requiredCalendar];

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['get'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/calendar-get (Calendars.ReadBasic, as listing the
// calendars; the permissions catalogue lacks the path).
export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/calendars/{id}', catalogueAs: '/users/{id}/calendars' },
	{
		method: 'GET',
		path: '/me/calendars/{id}',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
		catalogueAs: '/me/calendars',
	},
	{ method: 'GET', path: '/users/{id}/calendars', when: 'the calendar is named by name' },
]);

/** One calendar. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const raw = this.getNodeParameter('calendar', itemIndex, '');
	const { path } = await resolveCalendarPath(this, transport, owner, raw, {
		required: true,
		itemIndex,
	});
	return await transport.request<IDataObject>({
		effect: 'read',
		method: 'GET',
		url: path,
		itemIndex,
	});
}
