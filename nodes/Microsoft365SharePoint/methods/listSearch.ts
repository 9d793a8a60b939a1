/**
 * Resource locator lists: sites (Graph's site search, paged by `@odata.nextLink`) and the
 * document libraries of the chosen site.
 */
import type {
	ILoadOptionsFunctions,
	INodeListSearchResult,
	INodeParameterResourceLocator,
} from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { resolveSiteId } from '../library';

interface SiteRecord {
	id: string;
	displayName?: string;
	name?: string;
	webUrl?: string;
}

export async function searchSites(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const transport = await getTransport(this);
	const page = await transport.getPage<SiteRecord>(paginationToken ?? '/sites', {
		query: { search: filter?.trim() || '*', $select: 'id,displayName,name,webUrl' },
		pageSize: 100,
	});
	return {
		results: page.items.map((site) => ({
			name: site.displayName || site.name || site.webUrl || site.id,
			value: site.id,
			url: site.webUrl,
		})),
		paginationToken: page.nextLink,
	};
}

export async function searchLibraries(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const site = this.getCurrentNodeParameter('site') as INodeParameterResourceLocator | undefined;
	if (!site?.value) return { results: [] };
	const transport = await getTransport(this);
	const siteId = paginationToken ? '' : await resolveSiteId(this, transport, site, 0);
	const page = await transport.getPage<{ id: string; name: string; webUrl?: string }>(
		paginationToken ?? `/sites/${siteId}/drives`,
		{ query: { $select: 'id,name,webUrl' }, pageSize: 200 },
	);
	const needle = filter?.trim().toLowerCase();
	return {
		results: page.items
			.filter((d) => !needle || d.name.toLowerCase().includes(needle))
			.map((d) => ({ name: d.name, value: d.id, url: d.webUrl })),
		paginationToken: page.nextLink,
	};
}
