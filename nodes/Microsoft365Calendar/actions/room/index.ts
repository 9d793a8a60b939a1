import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as findFreeRooms from './findFreeRooms.operation';
import * as getRoomLists from './getRoomLists.operation';
import * as getRooms from './getRooms.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { findFreeRooms, getRoomLists, getRooms };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['room'] } },
		options: [
			{
				name: 'Find Free Rooms',
				value: 'findFreeRooms',
				description: 'Find the rooms that are free for a given time',
				action: 'Find free rooms',
			},
			{
				name: 'Get Room Lists',
				value: 'getRoomLists',
				description: 'Get the room lists (buildings) of the organization',
				action: 'Get room lists',
			},
			{
				name: 'Get Rooms',
				value: 'getRooms',
				description: 'Get the rooms of the organization or of a room list',
				action: 'Get rooms',
			},
		],
		default: 'findFreeRooms',
	},
	...findFreeRooms.description,
	...getRoomLists.description,
	...getRooms.description,
];
