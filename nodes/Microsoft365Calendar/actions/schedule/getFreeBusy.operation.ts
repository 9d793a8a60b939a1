import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { readAddresses } from '../../events';
import { resolveOwner } from '../../owner';
import {
	checkScheduleRequest,
	getSchedule,
	MAX_INTERVAL,
	MAX_SCHEDULES,
	MIN_INTERVAL,
	slotsOf,
} from '../../schedule';
import { readZonedWindow, SCHEDULE_MAX_DAYS } from '../../times';

const properties: INodeProperties[] = [
	{
		displayName: 'Users and Rooms',
		name: 'schedules',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'alice@contoso.com, room-4.2@contoso.com',
		description: `Addresses of users, rooms or distribution lists, separated by commas (at most ${MAX_SCHEDULES})`,
	},
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Start of the window (read in Time Zone unless it carries an offset)',
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		description: `End of the window: at most ${SCHEDULE_MAX_DAYS} days after Start`,
	},
	{
		displayName: 'Interval (Minutes)',
		name: 'interval',
		type: 'number',
		typeOptions: { minValue: MIN_INTERVAL, maxValue: MAX_INTERVAL },
		default: 30,
		description: 'Length of each slot of the availability view',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'W. Europe Standard Time',
		description:
			"Time zone of Start, End and the output (Windows or IANA name). Leave empty for the workflow's time zone.",
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Metadata Only',
				name: 'metadataOnly',
				type: 'boolean',
				default: false,
				description:
					'Whether to leave out the subjects and locations of the schedule items, keeping their times and status',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['schedule'], operation: ['getFreeBusy'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/calendar-getschedule
export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/calendar/getSchedule' },
	{
		method: 'POST',
		path: '/me/calendar/getSchedule',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
	},
]);

/** A schedule item without its subject and location (Metadata Only). */
function withoutTexts(item: IDataObject): IDataObject {
	const rest = { ...item };
	delete rest.subject;
	delete rest.location;
	return rest;
}

/**
 * Free/busy of users and rooms: one getSchedule call, one output item per address with
 * availabilityView, scheduleItems, workingHours and the view as free/busy slots.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const schedules = readAddresses(
		this,
		this.getNodeParameter('schedules', itemIndex, ''),
		'Users and Rooms',
		itemIndex,
	);
	const { zone, start, end } = readZonedWindow(
		this,
		itemIndex,
		{ start: 'start', end: 'end' },
		{ maxDays: SCHEDULE_MAX_DAYS, limitNote: 'free/busy (getSchedule) covers' },
	);
	const interval = Number(this.getNodeParameter('interval', itemIndex, 30));
	const metadataOnly =
		(this.getNodeParameter('options', itemIndex, {}) as IDataObject).metadataOnly === true;
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const request = { owner, schedules, start, end, interval, zone, itemIndex };
	checkScheduleRequest(this, transport, request, 'Users and Rooms');
	const infos = await getSchedule(transport, request);
	return infos.map((info) => {
		const items = Array.isArray(info.scheduleItems) ? (info.scheduleItems as IDataObject[]) : [];
		return {
			scheduleId: info.scheduleId,
			availabilityView: info.availabilityView,
			scheduleItems: metadataOnly ? items.map(withoutTexts) : items,
			workingHours: info.workingHours,
			slots: slotsOf(String(info.availabilityView ?? ''), start, end, interval, zone),
			...(info.error ? { error: info.error } : {}),
		};
	});
}
