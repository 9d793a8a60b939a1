import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { isRestricted } from '../../../shared/credentials/validate';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { assertOwnerAllowed, resolveOwner } from '../../owner';
import { capacityOf, listRooms, minCapacityField, roomListField, roomListOf } from '../../rooms';
import { getSchedule, isFree, MAX_INTERVAL, MAX_SCHEDULES } from '../../schedule';
import { readZonedWindow, SCHEDULE_MAX_DAYS } from '../../times';

const properties: INodeProperties[] = [
	roomListField,
	{
		displayName: 'Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		description:
			'Start of the time the room is needed (read in Time Zone unless it carries an offset)',
	},
	{
		displayName: 'End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		description: `End of the time the room is needed (at most ${SCHEDULE_MAX_DAYS} days after Start)`,
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'W. Europe Standard Time',
		description:
			"Time zone of Start and End (Windows or IANA name). Leave empty for the workflow's time zone.",
	},
	minCapacityField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['room'], operation: ['findFreeRooms'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/place-list, .../calendar-getschedule
export const graphCalls = declareGraphCalls([
	// Both listings need the same permission: all rooms is declared as always made.
	{ method: 'GET', path: '/places/microsoft.graph.room' },
	{
		method: 'GET',
		path: '/places/{id}/microsoft.graph.roomlist/rooms',
		when: 'a Room List is chosen',
	},
	{ method: 'POST', path: '/users/{id}/calendar/getSchedule' },
	{
		method: 'POST',
		path: '/me/calendar/getSchedule',
		scheme: 'delegated',
		when: 'Calendar Owner is Me',
	},
]);

/**
 * Rooms free for the whole window: the rooms (of a list, or all) with enough capacity, then ONE
 * getSchedule call per 100 rooms (never one per room). One output item per free room. With the
 * app credential, rooms outside the Mailbox Restriction are left out (counted in
 * `roomsOutsideRestriction` of each output item).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const roomList = roomListOf(this, this.getNodeParameter('roomList', itemIndex, ''), itemIndex);
	const { zone, start, end } = readZonedWindow(
		this,
		itemIndex,
		{ start: 'start', end: 'end' },
		{ maxDays: SCHEDULE_MAX_DAYS, limitNote: 'free/busy (getSchedule) covers' },
	);
	const minCapacity = Number(this.getNodeParameter('minCapacity', itemIndex, 0)) || 0;
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const rooms = (await listRooms(transport, roomList, itemIndex)).filter(
		(room) => !!room.emailAddress && capacityOf(room) >= minCapacity,
	);
	const restricted =
		transport.scheme === 'application' && isRestricted(transport.provider.mailboxRestriction);
	const allowed = rooms.filter((room) => {
		if (!restricted) return true;
		try {
			assertOwnerAllowed(this, transport, String(room.emailAddress), 'Rooms', itemIndex);
			return true;
		} catch {
			return false;
		}
	});
	// The whole window in one slot when it fits (1,440 minutes); longer windows in days.
	const minutes = Math.ceil((end - start) / 60_000);
	const interval = Math.max(5, Math.min(MAX_INTERVAL, minutes));
	const free: IDataObject[] = [];
	for (let i = 0; i < allowed.length; i += MAX_SCHEDULES) {
		const chunk = allowed.slice(i, i + MAX_SCHEDULES);
		const infos = await getSchedule(transport, {
			owner,
			schedules: chunk.map((room) => String(room.emailAddress)),
			start,
			end,
			interval,
			zone,
			itemIndex,
		});
		const byAddress = new Map(infos.map((info) => [String(info.scheduleId).toLowerCase(), info]));
		for (const room of chunk) {
			const info = byAddress.get(String(room.emailAddress).toLowerCase());
			if (info && isFree(info)) free.push({ ...room, free: true });
		}
	}
	const outside = rooms.length - allowed.length;
	return outside ? free.map((room) => ({ ...room, roomsOutsideRestriction: outside })) : free;
}
