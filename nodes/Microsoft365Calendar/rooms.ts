/**
 * Rooms and room lists from the places API
 * (https://learn.microsoft.com/en-us/graph/api/place-list): all rooms
 * (`/places/microsoft.graph.room`), the room lists (`/places/microsoft.graph.roomlist`), or the
 * rooms of one list (`/places/{room-list-address}/microsoft.graph.roomlist/rooms`).
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { GraphTransport } from '../shared/transport';
import { inputError } from './errors';
import { locatorValue } from './owner';

/** The room list locator: empty means all rooms of the tenant. */
export const roomListField: INodeProperties = {
	displayName: 'Room List',
	name: 'roomList',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'The room list (building) whose rooms to use. Leave empty for every room.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			placeholder: 'All rooms',
			typeOptions: { searchListMethod: 'searchRoomLists', searchable: true },
		},
		{
			displayName: 'By Address',
			name: 'address',
			type: 'string',
			placeholder: 'building-4@contoso.com',
			hint: "The room list's email address",
		},
	],
};

export const minCapacityField: INodeProperties = {
	displayName: 'Minimum Capacity',
	name: 'minCapacity',
	type: 'number',
	typeOptions: { minValue: 0 },
	default: 0,
	description: 'Only rooms for at least this many people (0: any room)',
};

/** The room list's address from the locator ('' for all rooms), checked. */
export function roomListOf(ctx: IExecuteFunctions, raw: unknown, itemIndex: number): string {
	const { value } = locatorValue(raw);
	if (value && !/^[^@\s/?#]+@[^@\s/?#]+$/.test(value))
		throw inputError(
			ctx.getNode(),
			'Room List',
			`"${value}" is not a room list address: pick a room list from the list or enter its email address`,
			itemIndex,
		);
	return value;
}

/** Every room (of a list, or of the tenant), through the pages. */
export async function listRooms(
	transport: GraphTransport,
	roomList: string,
	itemIndex: number,
): Promise<IDataObject[]> {
	const path = roomList
		? `/places/${encodeURIComponent(roomList)}/microsoft.graph.roomlist/rooms`
		: '/places/microsoft.graph.room';
	return await transport.collectAll<IDataObject>(path, { pageSize: 100, itemIndex });
}

/** A room's capacity, or 0 when unknown. */
export function capacityOf(room: IDataObject): number {
	const capacity = Number(room.capacity);
	return Number.isFinite(capacity) ? capacity : 0;
}
