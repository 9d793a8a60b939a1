import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as findMeetingTimes from './findMeetingTimes.operation';
import * as getFreeBusy from './getFreeBusy.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { findMeetingTimes, getFreeBusy };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['schedule'] } },
		options: [
			{
				name: 'Find Meeting Times',
				value: 'findMeetingTimes',
				description:
					'Suggest times when attendees are free (delegated credential only: Graph has no app permission for it)',
				action: 'Find meeting times',
			},
			{
				name: 'Get Free/Busy',
				value: 'getFreeBusy',
				description: 'Get the free/busy schedule of users and rooms',
				action: 'Get free busy schedules',
			},
		],
		default: 'getFreeBusy',
	},
	...findMeetingTimes.description,
	...getFreeBusy.description,
];
