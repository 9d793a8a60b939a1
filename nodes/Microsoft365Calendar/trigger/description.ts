/** The Calendar trigger's parameters (the node file only assembles them). */
import type { INodeProperties } from 'n8n-workflow';
import { authenticationProperty } from '../../shared/node-common';
import {
	metadataOnlyOption,
	outputTimeZoneOption,
	pseudonymiseProperties,
} from '../actions/event/fields';
import { calendarLocator, ownerProperties } from '../owner';

export const DEFAULT_LOOK_BACK_DAYS = 1;
export const DEFAULT_LOOK_AHEAD_DAYS = 30;

export const properties: INodeProperties[] = [
	authenticationProperty(),
	...ownerProperties(),
	calendarLocator({
		displayName: 'Calendar',
		name: 'calendar',
		description: "The calendar to watch; empty: the owner's default calendar",
	}),
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		options: [
			{
				name: 'Created',
				value: 'created',
				description: 'An event or occurrence new in the window (changeType "created")',
			},
			{
				name: 'Updated',
				value: 'updated',
				description:
					'An event or occurrence that changed (a new changeKey), e.g. moved, renamed, a response (changeType "updated")',
			},
			{
				name: 'Cancelled or Deleted',
				value: 'cancelled',
				description:
					'A meeting cancelled by its organizer (isCancelled, changeType "cancelled") or an event or occurrence deleted or moved out of the window (changeType "deleted")',
			},
		],
		default: ['created', 'updated', 'cancelled'],
		required: true,
	},
	{
		displayName: 'Look Back (Days)',
		name: 'lookBackDays',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 365 },
		default: DEFAULT_LOOK_BACK_DAYS,
		description:
			'Watch events that end up to this many days before today (UTC). Events are watched in a window of whole days that moves each day at midnight UTC.',
	},
	{
		displayName: 'Look Ahead (Days)',
		name: 'lookAheadDays',
		type: 'number',
		typeOptions: { minValue: 0, maxValue: 1459 },
		default: DEFAULT_LOOK_AHEAD_DAYS,
		description:
			'Watch events that start up to this many days after today (UTC). With Look Back, the window spans at most 1,825 days, the longest calendar view Graph serves.',
	},
	{
		displayName:
			'The first poll records the events of the window and emits nothing; later polls emit each change once. Events that leave the window because the days move are not reported; events that enter it are reported only if created since the previous poll.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [outputTimeZoneOption, metadataOnlyOption],
	},
	...pseudonymiseProperties,
];
