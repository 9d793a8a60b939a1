import type { INodeProperties } from 'n8n-workflow';
import { authenticationProperty } from '../../shared/node-common';
import { ownerProperties } from '../owner';
import * as calendar from './calendar';
import * as event from './event';
import * as room from './room';
import * as schedule from './schedule';
import { pseudonymiseProperties } from './event/fields';

/**
 * The description of the Calendar node and of the Calendar Trigger: n8n's node creator merges a
 * node and its trigger into one entry, so both carry the same text.
 */
export const CALENDAR_DESCRIPTION =
	'Read and manage Microsoft 365 (Exchange Online) calendars, events, meeting responses, free/busy and rooms through Microsoft Graph, and start workflows when events change';

/** The node's parameters: authentication, resource, calendar owner, then each operation's own. */
export const properties: INodeProperties[] = [
	authenticationProperty(),
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Calendar', value: 'calendar' },
			{ name: 'Event', value: 'event' },
			{ name: 'Room', value: 'room' },
			{ name: 'Schedule', value: 'schedule' },
		],
		default: 'event',
	},
	// Whose calendar: events and calendars live in a mailbox; free/busy is read through one
	// (getSchedule and findMeetingTimes are POSTs under a mailbox). Room lists and rooms are
	// tenant-wide (/places) and need no owner.
	...ownerProperties({ hide: { operation: ['getRoomLists', 'getRooms'] } }),
	...event.description,
	...calendar.description,
	...schedule.description,
	...room.description,
	// Pseudonymise Addresses and its key, once at the top level, shown for Event → Get and Get
	// Many only. The Pseudonym Key credential's display depends on them, and n8n's editor hides
	// every parameter named in the `show` of such a field: a `show` on resource and operation here
	// would hide the Resource and Operation fields (a `hide` does not).
	...pseudonymiseProperties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			hide: {
				...property.displayOptions?.hide,
				resource: ['calendar', 'schedule', 'room'],
				operation: ['create', 'update', 'cancel', 'delete', 'respond', 'forward'],
			},
		},
	})),
];
