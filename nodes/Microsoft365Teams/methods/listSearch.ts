/**
 * Resource locator lists: teams (searched by Graph with `startswith(displayName, ...)`, paged
 * by `@odata.nextLink`), a team's channels (Graph answers them all at once and cannot filter
 * them by name, so they are filtered here; a nextLink, if Graph ever gives one, is followed as
 * the pagination token), and the signed-in user's chats (filtered here by topic and members).
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { odataString } from '../../shared/odata';

interface LocatorValue {
	mode?: string;
	value?: string;
}

function teamIdOf(ctx: ILoadOptionsFunctions): string | undefined {
	const team = ctx.getNodeParameter('team', undefined, { extractValue: false }) as
		LocatorValue | string;
	const raw = typeof team === 'string' ? team : team?.value;
	if (!raw) return undefined;
	const groupId = /groupId=([0-9a-f-]{36})/i.exec(raw)?.[1];
	return (groupId ?? raw).trim();
}

function matches(text: unknown, filter?: string): boolean {
	return (
		!filter ||
		String(text ?? '')
			.toLowerCase()
			.includes(filter.toLowerCase())
	);
}

export async function searchTeams(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	const page = await transport.getPage<IDataObject>(paginationToken ?? '/teams', {
		query: {
			$select: 'id,displayName,description,webUrl',
			...(filter ? { $filter: `startswith(displayName,${odataString(filter)})` } : {}),
		},
		pageSize: 100,
	});
	return {
		results: page.items.map((team) => ({
			name: String(team.displayName),
			value: String(team.id),
			url: typeof team.webUrl === 'string' ? team.webUrl : undefined,
			description: typeof team.description === 'string' ? team.description : undefined,
		})),
		paginationToken: page.nextLink,
	};
}

export async function searchChannels(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const teamId = teamIdOf(this);
	if (!teamId) return { results: [] };
	const transport = await getTransport(this);
	const page = await transport.getPage<IDataObject>(
		paginationToken ?? `/teams/${encodeURIComponent(teamId)}/channels`,
		{ query: { $select: 'id,displayName,description,webUrl,membershipType' } },
	);
	return {
		results: page.items
			.filter((c) => matches(c.displayName, filter))
			.map((channel) => ({
				name: String(channel.displayName),
				value: String(channel.id),
				url: typeof channel.webUrl === 'string' ? channel.webUrl : undefined,
			})),
		paginationToken: page.nextLink,
	};
}

export async function searchChats(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	const page = await transport.getPage<IDataObject>(paginationToken ?? '/me/chats', {
		query: { $expand: 'members' },
		pageSize: 50,
	});
	const results = page.items.map((chat) => {
		const names = ((chat.members as IDataObject[] | undefined) ?? [])
			.map((m) => String(m.displayName ?? ''))
			.filter(Boolean)
			.join(', ');
		return {
			name: String(chat.topic || names || chat.id),
			value: String(chat.id),
			url: typeof chat.webUrl === 'string' ? chat.webUrl : undefined,
			search: `${String(chat.topic ?? '')} ${names}`,
		};
	});
	return {
		results: results
			.filter((r) => matches(r.search, filter))
			.map(({ name, value, url }) => ({ name, value, url })),
		paginationToken: page.nextLink,
	};
}
