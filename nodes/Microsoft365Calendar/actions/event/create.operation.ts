import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { mayHaveActed } from '../../../shared/errors';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { eventBody, transactionIdFor, type EventFields } from '../../events';
import { inputError, nodeError } from '../../errors';
import { resolveCalendarPath, resolveOwner } from '../../owner';
import { preferTimeZone, readZone } from '../../times';
import {
	allDayField,
	calendarField,
	endField,
	eventDetailFields,
	outputTimeZoneOption,
	startField,
	timeZoneField,
} from './fields';

const properties: INodeProperties[] = [
	calendarField,
	{
		displayName: 'Subject',
		name: 'subject',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'Quarterly review',
	},
	startField,
	endField,
	timeZoneField,
	allDayField,
	{
		displayName: 'Repeat',
		name: 'recurrence',
		type: 'options',
		options: [
			{ name: 'Daily', value: 'daily' },
			{ name: 'Does Not Repeat', value: 'none' },
			{ name: 'Monthly (Same Day of the Month)', value: 'absoluteMonthly' },
			{ name: 'Weekly', value: 'weekly' },
			{ name: 'Yearly (Same Date)', value: 'absoluteYearly' },
		],
		default: 'none',
		description: 'Whether and how the event repeats, from the date of Start',
	},
	{
		displayName: 'Repeat Every',
		name: 'recurrenceInterval',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 99 },
		default: 1,
		description: 'Days, weeks, months or years between occurrences',
		displayOptions: { hide: { recurrence: ['none'] } },
	},
	{
		displayName: 'On Days',
		name: 'recurrenceDays',
		type: 'multiOptions',
		options: [
			{ name: 'Friday', value: 'friday' },
			{ name: 'Monday', value: 'monday' },
			{ name: 'Saturday', value: 'saturday' },
			{ name: 'Sunday', value: 'sunday' },
			{ name: 'Thursday', value: 'thursday' },
			{ name: 'Tuesday', value: 'tuesday' },
			{ name: 'Wednesday', value: 'wednesday' },
		],
		default: [],
		description: "Days of the week it occurs on (none chosen: Start's day)",
		displayOptions: { show: { recurrence: ['weekly'] } },
	},
	{
		displayName: 'Ends',
		name: 'recurrenceEnd',
		type: 'options',
		options: [
			{ name: 'On a Date', value: 'endDate' },
			{ name: 'After a Number of Occurrences', value: 'numbered' },
			{ name: 'No End', value: 'noEnd' },
		],
		default: 'endDate',
		description: 'When the series ends. An endless series must be chosen explicitly (No End).',
		displayOptions: { hide: { recurrence: ['none'] } },
	},
	{
		displayName: 'End Repeat On',
		name: 'recurrenceEndDate',
		type: 'dateTime',
		default: '',
		description: 'Date of the last occurrence',
		displayOptions: { show: { recurrenceEnd: ['endDate'] }, hide: { recurrence: ['none'] } },
	},
	{
		displayName: 'Number of Occurrences',
		name: 'recurrenceCount',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 10,
		displayOptions: { show: { recurrenceEnd: ['numbered'] }, hide: { recurrence: ['none'] } },
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			...eventDetailFields,
			{
				displayName: 'Transaction ID',
				name: 'transactionId',
				type: 'string',
				default: '',
				description:
					'Idempotency key of the create: a repeat with the same ID does not create a second event. Left empty, one is derived from the execution and the item, so a retried item cannot create twice.',
			},
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
	{ show: { resource: ['event'], operation: ['create'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/user-post-events
// https://learn.microsoft.com/en-us/graph/api/calendar-post-events
export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/calendars/{id}/events', when: 'a Calendar is chosen' },
	{ method: 'POST', path: '/users/{id}/events' },
	{ method: 'POST', path: '/me/events', scheme: 'delegated', when: 'Calendar Owner is Me' },
	{ method: 'GET', path: '/users/{id}/calendars', when: 'the calendar is named by name' },
]);

/**
 * Creates an event. The body carries a `transactionId` (the user's, or derived from the execution
 * and the item): if the answer is lost after Graph may have created the event, the same body is
 * sent once more, and Graph answers with the event it made instead of making a second.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const extra = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const subject = String(this.getNodeParameter('subject', itemIndex, '')).trim();
	if (!subject) throw inputError(this.getNode(), 'Subject', 'enter the subject', itemIndex);
	const recurrence = this.getNodeParameter('recurrence', itemIndex, 'none') as string;
	const fields: EventFields = {
		subject,
		start: this.getNodeParameter('start', itemIndex, ''),
		end: this.getNodeParameter('end', itemIndex, ''),
		timeZone: this.getNodeParameter('timeZone', itemIndex, '') as string,
		isAllDay: this.getNodeParameter('isAllDay', itemIndex, false) as boolean,
		...(extra as Partial<EventFields>),
		recurrence: recurrence as EventFields['recurrence'],
	};
	if (recurrence !== 'none') {
		fields.recurrenceInterval = this.getNodeParameter('recurrenceInterval', itemIndex, 1) as number;
		fields.recurrenceEnd = this.getNodeParameter(
			'recurrenceEnd',
			itemIndex,
			'endDate',
		) as EventFields['recurrenceEnd'];
		if (recurrence === 'weekly')
			fields.recurrenceDays = this.getNodeParameter('recurrenceDays', itemIndex, []) as string[];
		if (fields.recurrenceEnd === 'endDate')
			fields.recurrenceEndDate = this.getNodeParameter('recurrenceEndDate', itemIndex, '');
		if (fields.recurrenceEnd === 'numbered')
			fields.recurrenceCount = this.getNodeParameter('recurrenceCount', itemIndex, 10) as number;
	}
	const outputZone = readZone(
		this,
		options.outputTimeZone,
		'Output Time Zone',
		this.getTimezone(),
		itemIndex,
	);
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const body = eventBody(this, transport, fields, itemIndex, { creating: true });
	body.transactionId = transactionIdFor(this, itemIndex, extra.transactionId as string | undefined);
	const rawCalendar = this.getNodeParameter('calendar', itemIndex, '');
	const calendar = await resolveCalendarPath(this, transport, owner, rawCalendar, { itemIndex });
	const url = calendar.id ? `${calendar.path}/events` : `${owner.path}/events`;
	const send = async () =>
		await transport.request<IDataObject>({
			effect: 'createOnce',
			method: 'POST',
			url,
			body,
			headers: { Prefer: preferTimeZone(outputZone) },
			itemIndex,
		});
	try {
		return await send();
	} catch (error) {
		// The answer was lost after Graph may have acted: the same transactionId makes the repeat
		// safe (Graph does not create a second event for it).
		if (!mayHaveActed(error)) throw nodeError(this.getNode(), error, itemIndex);
		return await send();
	}
}
