import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { capacityOf, listRooms, minCapacityField, roomListField, roomListOf } from '../../rooms';

const properties: INodeProperties[] = [roomListField, minCapacityField];

export const description = updateDisplayOptions(
	{ show: { resource: ['room'], operation: ['getRooms'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/place-list (Place.Read.All)
export const graphCalls = declareGraphCalls([
	// Both listings need the same permission: all rooms is declared as always made.
	{ method: 'GET', path: '/places/microsoft.graph.room' },
	{
		method: 'GET',
		path: '/places/{id}/microsoft.graph.roomlist/rooms',
		when: 'a Room List is chosen',
	},
]);

/**
 * Rooms, one output item each, with what Graph tells of them (capacity, building, floor,
 * features such as audio and video devices, accessibility, bookingType).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const roomList = roomListOf(this, this.getNodeParameter('roomList', itemIndex, ''), itemIndex);
	const minCapacity = Number(this.getNodeParameter('minCapacity', itemIndex, 0)) || 0;
	const transport = await getTransport(this, itemIndex);
	const rooms = await listRooms(transport, roomList, itemIndex);
	return rooms.filter((room: IDataObject) => capacityOf(room) >= minCapacity);
}
