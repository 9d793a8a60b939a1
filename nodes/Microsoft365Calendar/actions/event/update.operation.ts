import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { eventBody, type EventFields } from '../../events';
import { inputError } from '../../errors';
import { eventPath } from '../../paths';
import { resolveOwner } from '../../owner';
import { preferTimeZone, readZone } from '../../times';
import {
	allDayField,
	endField,
	eventDetailFields,
	eventIdField,
	outputTimeZoneOption,
	startField,
	timeZoneField,
} from './fields';

const properties: INodeProperties[] = [
	eventIdField,
	{
		displayName: 'Update Fields',
		name: 'updateFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		description:
			'Only the fields added here change. Attendees given replace the whole list of attendees; Start and End are sent together.',
		options: [
			{ ...allDayField },
			{ ...endField },
			{ ...startField, required: false },
			{
				displayName: 'Subject',
				name: 'subject',
				type: 'string',
				default: '',
			},
			{ ...timeZoneField },
			...eventDetailFields,
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [outputTimeZoneOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['update'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/event-update
export const graphCalls = declareGraphCalls([
	{ method: 'PATCH', path: '/users/{id}/events/{id}' },
	{ method: 'PATCH', path: '/me/events/{id}', scheme: 'delegated', when: 'Calendar Owner is Me' },
]);

/**
 * Updates an event: a PATCH of the given fields. Sending the same PATCH again leaves the same
 * event: replaceable. Graph sends attendees an update when the organizer changes a meeting.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const fields = this.getNodeParameter('updateFields', itemIndex, {}) as EventFields & IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	if (Object.keys(fields).length === 0)
		throw inputError(
			this.getNode(),
			'Update Fields',
			'add at least one field to change',
			itemIndex,
		);
	const outputZone = readZone(
		this,
		options.outputTimeZone,
		'Output Time Zone',
		this.getTimezone(),
		itemIndex,
	);
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const url = eventPath(this, owner, this.getNodeParameter('eventId', itemIndex, ''), itemIndex);
	const body = eventBody(this, transport, fields, itemIndex, { creating: false });
	return await transport.request<IDataObject>({
		effect: 'replaceable',
		method: 'PATCH',
		url,
		body,
		headers: { Prefer: preferTimeZone(outputZone) },
		itemIndex,
	});
}
