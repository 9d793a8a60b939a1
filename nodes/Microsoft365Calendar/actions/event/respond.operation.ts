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
import { eventPath } from '../../paths';
import { resolveOwner } from '../../owner';
import { graphDateTime, readZonedWindow } from '../../times';
import { eventIdField } from './fields';

const properties: INodeProperties[] = [
	eventIdField,
	{
		displayName: 'Response',
		name: 'response',
		type: 'options',
		options: [
			{ name: 'Accept', value: 'accept' },
			{ name: 'Tentatively Accept', value: 'tentativelyAccept' },
			{ name: 'Decline', value: 'decline' },
		],
		default: 'accept',
	},
	{
		displayName: 'Comment',
		name: 'comment',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		description: 'Text of the response to the organizer',
	},
	{
		displayName: 'Send Response',
		name: 'sendResponse',
		type: 'boolean',
		default: true,
		description: 'Whether to send the response to the organizer (off: only your calendar changes)',
	},
	{
		displayName: 'Propose New Time',
		name: 'proposeNewTime',
		type: 'boolean',
		default: false,
		description:
			'Whether to propose another time to the organizer. Graph allows it only with Tentatively Accept or Decline, with Send Response on, and when the organizer allows new time proposals.',
		displayOptions: { show: { response: ['tentativelyAccept', 'decline'] } },
	},
	{
		displayName: 'Proposed Start',
		name: 'proposedStart',
		type: 'dateTime',
		default: '',
		displayOptions: {
			show: { response: ['tentativelyAccept', 'decline'], proposeNewTime: [true] },
		},
	},
	{
		displayName: 'Proposed End',
		name: 'proposedEnd',
		type: 'dateTime',
		default: '',
		displayOptions: {
			show: { response: ['tentativelyAccept', 'decline'], proposeNewTime: [true] },
		},
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'W. Europe Standard Time',
		description:
			"Time zone of the proposed times (Windows or IANA name). Leave empty for the workflow's time zone.",
		displayOptions: {
			show: { response: ['tentativelyAccept', 'decline'], proposeNewTime: [true] },
		},
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['event'], operation: ['respond'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/event-accept
// https://learn.microsoft.com/en-us/graph/api/event-tentativelyaccept
// https://learn.microsoft.com/en-us/graph/api/event-decline
export const graphCalls = declareGraphCalls([
	// The three responses need the same permission: accept is declared as always made.
	{ method: 'POST', path: '/users/{id}/events/{id}/accept' },
	{
		method: 'POST',
		path: '/users/{id}/events/{id}/tentativelyAccept',
		when: 'Response is Tentatively Accept',
	},
	{ method: 'POST', path: '/users/{id}/events/{id}/decline', when: 'Response is Decline' },
	{
		method: 'POST',
		path: '/me/events/{id}/accept',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
	},
]);

const ACTIONS = new Set(['accept', 'tentativelyAccept', 'decline']);

/**
 * Accepts, tentatively accepts or declines a meeting. With Send Response on, the organizer gets
 * a message (createOnce: not repeated after a lost answer); off, only the calendar changes and a
 * repeat changes nothing more (replaceable).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const response = this.getNodeParameter('response', itemIndex, 'accept') as string;
	if (!ACTIONS.has(response))
		throw inputError(
			this.getNode(),
			'Response',
			`"${response}" is not a response: choose Accept, Tentatively Accept or Decline`,
			itemIndex,
		);
	const comment = readText(
		this,
		this.getNodeParameter('comment', itemIndex, ''),
		'Comment',
		itemIndex,
	);
	const sendResponse = this.getNodeParameter('sendResponse', itemIndex, true) as boolean;
	const body: IDataObject = { sendResponse };
	if (comment) body.comment = comment;
	const propose =
		response !== 'accept' && (this.getNodeParameter('proposeNewTime', itemIndex, false) as boolean);
	if (propose) {
		// https://learn.microsoft.com/en-us/graph/api/event-tentativelyaccept: proposedNewTime
		// "requires setting sendResponse to true".
		if (!sendResponse)
			throw inputError(
				this.getNode(),
				'Send Response',
				'a new time can only be proposed in a response that is sent: turn Send Response on, or Propose New Time off',
				itemIndex,
			);
		const { zone, start, end } = readZonedWindow(
			this,
			itemIndex,
			{ start: 'proposedStart', end: 'proposedEnd' },
			{ startField: 'Proposed Start', endField: 'Proposed End' },
		);
		body.proposedNewTime = { start: graphDateTime(start, zone), end: graphDateTime(end, zone) };
	}
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const id = String(this.getNodeParameter('eventId', itemIndex, '')).trim();
	const url = `${eventPath(this, owner, id, itemIndex)}/${response}`;
	await transport.request({
		effect: sendResponse ? 'createOnce' : 'replaceable',
		method: 'POST',
		url,
		body,
		itemIndex,
	});
	return {
		id,
		response,
		sent: sendResponse,
		...(propose ? { proposedNewTime: body.proposedNewTime as IDataObject } : {}),
	};
}
