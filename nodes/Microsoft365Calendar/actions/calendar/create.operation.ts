import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { inputError } from '../../errors';
import { readText } from '../../events';
import { resolveOwner } from '../../owner';

// https://learn.microsoft.com/en-us/graph/api/resources/calendar (color: calendarColor)
const COLORS = [
	'auto',
	'lightBlue',
	'lightGreen',
	'lightOrange',
	'lightGray',
	'lightYellow',
	'lightTeal',
	'lightPink',
	'lightBrown',
	'lightRed',
];

const properties: INodeProperties[] = [
	{
		displayName: 'Name',
		name: 'name',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Team Holidays',
		description: 'The name of the new calendar',
	},
	{
		displayName: 'Color',
		name: 'color',
		type: 'options',
		options: COLORS.map((c) => ({
			name: c === 'auto' ? 'Automatic' : c.replace(/^light/, 'Light '),
			value: c,
		})),
		default: 'auto',
		description: 'The color Outlook shows the calendar in',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['calendar'], operation: ['create'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/user-post-calendars
export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/calendars' },
	{ method: 'POST', path: '/me/calendars', scheme: 'delegated', when: 'Calendar Owner is Me' },
]);

/**
 * Creates a calendar. Graph offers no idempotency key here; a repeat after a lost answer would
 * make a second calendar of the same name, so the request is `createOnce`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const name = readText(
		this,
		this.getNodeParameter('name', itemIndex, ''),
		'Name',
		itemIndex,
	).trim();
	if (!name) throw inputError(this.getNode(), 'Name', 'enter a name for the calendar', itemIndex);
	const color = String(this.getNodeParameter('color', itemIndex, 'auto'));
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const body: IDataObject = { name };
	if (color !== 'auto') body.color = color;
	return await transport.request<IDataObject>({
		effect: 'createOnce',
		method: 'POST',
		url: `${owner.path}/calendars`,
		body,
		itemIndex,
	});
}
