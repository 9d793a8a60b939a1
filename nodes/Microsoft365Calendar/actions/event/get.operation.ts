import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { eventOutputFor, shapeEvent } from '../../events';
import { eventPath } from '../../paths';
import { resolveOwner } from '../../owner';
import { preferTimeZone, readZone } from '../../times';
import { eventIdField, metadataOnlyOption, outputTimeZoneOption } from './fields';

const properties: INodeProperties[] = [
	eventIdField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [metadataOnlyOption, outputTimeZoneOption],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['get'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/event-get
export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/events/{id}' },
	{ method: 'GET', path: '/me/events/{id}', scheme: 'delegated', when: 'Calendar Owner is Me' },
]);

/** One event, times in the output time zone. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const zone = readZone(
		this,
		options.outputTimeZone,
		'Output Time Zone',
		this.getTimezone(),
		itemIndex,
	);
	const output = await eventOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const url = eventPath(this, owner, this.getNodeParameter('eventId', itemIndex, ''), itemIndex);
	const event = await transport.request<IDataObject>({
		effect: 'read',
		method: 'GET',
		url,
		headers: { Prefer: preferTimeZone(zone) },
		itemIndex,
	});
	return shapeEvent(event, output);
}
