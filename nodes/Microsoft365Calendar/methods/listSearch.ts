/** Resource locator lists of the Calendar node: room lists (calendars are in owner.ts). */
import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';

interface RoomList {
	id: string;
	displayName?: string;
	emailAddress?: string;
}

/** Room lists of the tenant, by display name prefix (filtered here: assumed, /places may not filter). */
export async function searchRoomLists(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	const page = await transport.getPage<RoomList>(
		paginationToken ?? '/places/microsoft.graph.roomlist',
		{ pageSize: paginationToken ? undefined : 100 },
	);
	const text = filter?.trim().toLowerCase();
	return {
		results: page.items
			.filter((l) => !!l.emailAddress)
			.filter(
				(l) =>
					!text ||
					String(l.displayName ?? '')
						.toLowerCase()
						.includes(text) ||
					String(l.emailAddress).toLowerCase().startsWith(text),
			)
			.map((l) => ({
				name: `${l.displayName ?? l.emailAddress} (${l.emailAddress})`,
				value: String(l.emailAddress),
			})),
		paginationToken: page.nextLink,
	};
}
