/**
 * Resource locator lists: users and groups by display name, mail or UPN prefix (`$search`, which
 * needs ConsistencyLevel: eventual), Graph's `@odata.nextLink` handed back as the pagination token.
 */
import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { searchExpression } from '../query';

const LIST_PAGE = 100;

async function search(
	ctx: ILoadOptionsFunctions,
	kind: 'users' | 'groups',
	filter: string | undefined,
	paginationToken: string | undefined,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(ctx);
	const text = filter?.trim();
	const select = kind === 'users' ? 'id,displayName,userPrincipalName' : 'id,displayName,mail';
	const page = await transport.getPage<IDataObject>(paginationToken ?? `/${kind}`, {
		query: paginationToken
			? undefined
			: {
					$select: select,
					...(text
						? {
								$search: searchExpression(
									text,
									kind === 'users'
										? ['displayName', 'mail', 'userPrincipalName']
										: ['displayName', 'mail'],
								),
								$count: 'true',
							}
						: { $orderby: 'displayName' }),
				},
		headers: text ? { ConsistencyLevel: 'eventual' } : undefined,
		pageSize: paginationToken ? undefined : LIST_PAGE,
	});
	return {
		results: page.items.map((o) => ({
			name:
				kind === 'users'
					? `${String(o.displayName ?? '')} (${String(o.userPrincipalName ?? '')})`
					: `${String(o.displayName ?? '')}${o.mail ? ` (${String(o.mail)})` : ''}`,
			value: String(o.id),
		})),
		paginationToken: page.nextLink,
	};
}

export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, 'users', filter, paginationToken);
}

export async function searchGroups(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	return await search(this, 'groups', filter, paginationToken);
}
