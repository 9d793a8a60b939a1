/**
 * Graph's places for the emulator's room mailboxes and room lists (the fixture's `roomLists`),
 * written from https://learn.microsoft.com/en-us/graph/api/place-list and
 * https://learn.microsoft.com/en-us/graph/api/place-get: `GET /places/microsoft.graph.room`,
 * `GET /places/microsoft.graph.roomlist`, `GET /places/{roomlist-emailAddress}/microsoft.graph.roomlist/rooms`
 * (a room list by its emailAddress, "not by its id") and `GET /places/{id | emailAddress}`;
 * `$filter`, `$select`, `$top`, `$skip` and `$count=true`, 100 places per page by default.
 */
import { createHash } from 'node:crypto';
import type { EmuResponse } from '../http';
import { safeDecode } from '../http';
import type { RoomFixture, RoomListFixture, Tenant, User } from '../tenant';
import { compileFilter, parseSelect, parseTop } from './odata';
import { GraphContext, GraphError, GraphService } from './service';

const DEFAULT_PAGE = 100;
/** The largest $top the emulator takes for places (assumed; the page gives none). */
const MAX_TOP = 1000;

const PLACE_PROPERTIES = [
	'id',
	'address',
	'displayName',
	'geoCoordinates',
	'isWheelChairAccessible',
	'label',
	'phone',
	'tags',
];
const ROOM_PROPERTIES = [
	...PLACE_PROPERTIES,
	'audioDeviceName',
	'bookingType',
	'building',
	'capacity',
	'displayDeviceName',
	'emailAddress',
	'floorLabel',
	'floorNumber',
	'nickname',
	'videoDeviceName',
];
const ROOM_LIST_PROPERTIES = [...PLACE_PROPERTIES, 'emailAddress'];

function guidFrom(text: string): string {
	const h = createHash('sha1').update(text).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function notFound(id: string): GraphError {
	// Code and text assumed (Exchange's for an unknown item).
	return new GraphError(404, 'ErrorItemNotFound', `The place '${id}' was not found.`);
}

function addressOf(user: User): string {
	return (user.mail ?? user.userPrincipalName).toLowerCase();
}

function roomJson(
	user: User,
	room: RoomFixture | undefined,
	list?: RoomListFixture,
): Record<string, unknown> {
	return {
		'@odata.type': '#microsoft.graph.room',
		id: room?.id ?? guidFrom(`room:${user.id}`),
		emailAddress: addressOf(user),
		displayName: user.displayName,
		address: list?.address ?? null,
		geoCoordinates: null,
		phone: null,
		nickname: room?.nickname ?? user.displayName,
		label: null,
		capacity: room?.capacity ?? null,
		building: room?.building ?? null,
		floorNumber: room?.floorNumber ?? null,
		floorLabel: room?.floorLabel ?? null,
		isWheelChairAccessible: room?.isWheelChairAccessible ?? false,
		bookingType: room?.bookingType ?? 'standard',
		tags: room?.tags ?? [],
		audioDeviceName: room?.audioDeviceName ?? null,
		videoDeviceName: room?.videoDeviceName ?? null,
		displayDeviceName: room?.displayDeviceName ?? null,
	};
}

function roomListJson(list: RoomListFixture): Record<string, unknown> {
	return {
		'@odata.type': '#microsoft.graph.roomList',
		id: list.id ?? guidFrom(`roomlist:${list.emailAddress}`),
		displayName: list.displayName,
		address: list.address ?? null,
		geoCoordinates: null,
		phone: null,
		emailAddress: list.emailAddress.toLowerCase(),
	};
}

/** Every room of the tenant: the room lists' rooms, then room mailboxes in no list. */
function rooms(tenant: Tenant, only?: RoomListFixture): Array<Record<string, unknown>> {
	const out: Array<Record<string, unknown>> = [];
	const seen = new Set<string>();
	for (const list of only ? [only] : tenant.roomLists) {
		for (const room of list.rooms) {
			const user = tenant.findUser(room.mailbox);
			if (!user || seen.has(user.id)) continue;
			seen.add(user.id);
			out.push(roomJson(user, room, list));
		}
	}
	if (!only)
		for (const user of tenant.users)
			if (user.mailbox === 'room' && !seen.has(user.id)) out.push(roomJson(user, undefined));
	return out;
}

function list(
	ctx: GraphContext,
	items: Array<Record<string, unknown>>,
	properties: string[],
	type: 'room' | 'roomList',
	context: string,
): EmuResponse {
	const q = ctx.req.query;
	const select = parseSelect(ctx, properties, type);
	const top = parseTop(ctx, DEFAULT_PAGE, MAX_TOP);
	let result = items;
	const filter = q.get('$filter');
	if (filter !== null) {
		const predicate = compileFilter(filter, (n) =>
			properties.some((p) => p.toLowerCase() === n.toLowerCase()),
		);
		result = result.filter((r) => predicate(r));
	}
	const skip = Math.max(0, Number(q.get('$skip') ?? 0) || 0);
	const body: Record<string, unknown> = {
		'@odata.context': `${ctx.root}/$metadata#${context}${select ? `(${select.join(',')})` : ''}`,
	};
	if (q.get('$count') === 'true') body['@odata.count'] = result.length;
	body.value = result.slice(skip, skip + top).map((r) => {
		if (!select) return r;
		const out: Record<string, unknown> = { '@odata.type': r['@odata.type'], id: r.id };
		for (const name of select) out[name] = r[name] ?? null;
		return out;
	});
	if (skip + top < result.length) {
		const next = new URLSearchParams(q);
		next.set('$skip', String(skip + top));
		body['@odata.nextLink'] =
			`${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}?${next.toString().replace(/%24/g, '$')}`;
	}
	return { status: 200, body, contractType: `Collection(${type})` };
}

function findList(tenant: Tenant, key: string): RoomListFixture | undefined {
	const k = key.toLowerCase();
	return tenant.roomLists.find(
		(l) =>
			l.emailAddress.toLowerCase() === k ||
			roomListJson(l).id === k ||
			(l.id ?? '').toLowerCase() === k,
	);
}

export function registerPlaces(graph: GraphService): void {
	const options = { workload: 'mail' as const };
	graph.route(
		'GET',
		/^\/places\/microsoft\.graph\.room\/?$/i,
		(ctx) => list(ctx, rooms(ctx.tenant), ROOM_PROPERTIES, 'room', 'places/microsoft.graph.room'),
		options,
	);
	graph.route(
		'GET',
		/^\/places\/microsoft\.graph\.roomlist\/?$/i,
		(ctx) =>
			list(
				ctx,
				ctx.tenant.roomLists.map(roomListJson),
				ROOM_LIST_PROPERTIES,
				'roomList',
				'places/microsoft.graph.roomList',
			),
		options,
	);
	graph.route(
		'GET',
		/^\/places\/(?<id>[^/]+)\/microsoft\.graph\.roomlist\/rooms\/?$/i,
		(ctx) => {
			const key = safeDecode(ctx.params.id);
			// "To get rooms in a room list, you must specify the room list by its emailAddress property, not by its id."
			const roomList = ctx.tenant.roomLists.find(
				(l) => l.emailAddress.toLowerCase() === key.toLowerCase(),
			);
			if (!roomList) throw notFound(key);
			return list(
				ctx,
				rooms(ctx.tenant, roomList),
				ROOM_PROPERTIES,
				'room',
				`places('${encodeURIComponent(key)}')/microsoft.graph.roomList/rooms`,
			);
		},
		options,
	);
	graph.route(
		'GET',
		/^\/places\/(?<id>(?!microsoft\.graph\.)[^/]+)\/?$/i,
		(ctx) => {
			const key = safeDecode(ctx.params.id).toLowerCase();
			const roomList = findList(ctx.tenant, key);
			if (roomList)
				return {
					status: 200,
					body: {
						'@odata.context': `${ctx.root}/$metadata#places/$entity`,
						...roomListJson(roomList),
					},
					contractType: 'roomList',
				};
			const room = rooms(ctx.tenant).find(
				(r) => String(r.id).toLowerCase() === key || String(r.emailAddress).toLowerCase() === key,
			);
			if (!room) throw notFound(key);
			return {
				status: 200,
				body: { '@odata.context': `${ctx.root}/$metadata#places/$entity`, ...room },
				contractType: 'room',
			};
		},
		options,
	);
}
