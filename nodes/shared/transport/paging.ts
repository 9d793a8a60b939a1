/**
 * Paging over Graph collections by `@odata.nextLink`, with a caller-chosen page size (`$top`)
 * and item limit. Own code rather than the SDK's PageIterator: PageIterator goes through
 * `client.api(nextLink)` (whose URL re-parsing this transport avoids), has no item limit that
 * stops fetching, and knows nothing of the origin rule — here every nextLink goes through
 * `resolveUrl`, so a link to another origin is refused before any request.
 */
import type { GraphTransport, QueryValue } from './transport';

export interface PageOptions {
	query?: Record<string, QueryValue>;
	headers?: Record<string, string>;
	/** Items per page (`$top`); Graph caps it per resource (999 for users). */
	pageSize?: number;
	/** Stop after this many items (fewer requests when it is reached). */
	limit?: number;
	itemIndex?: number;
	signal?: AbortSignal;
}

export interface Page<T> {
	items: T[];
	/** Graph's `@odata.nextLink`, to continue from (e.g. a list-search pagination token). */
	nextLink?: string;
	/** `@odata.count`, when requested with `$count=true`. */
	count?: number;
}

interface CollectionBody<T> {
	value?: T[];
	'@odata.nextLink'?: string;
	'@odata.count'?: number;
}

/** One page: `pathOrNextLink` is a Graph path (query options added) or a nextLink (used as is). */
export async function getPage<T>(
	transport: GraphTransport,
	pathOrNextLink: string,
	options: PageOptions = {},
): Promise<Page<T>> {
	const isLink = /^[a-z][a-z0-9+.-]*:\/\//i.test(pathOrNextLink);
	const query: Record<string, QueryValue> = isLink ? {} : { ...(options.query ?? {}) };
	if (!isLink && options.pageSize !== undefined) {
		const top =
			options.limit !== undefined ? Math.min(options.pageSize, options.limit) : options.pageSize;
		query.$top = Math.max(1, top);
	}
	const body = await transport.request<CollectionBody<T>>({
		effect: 'read',
		method: 'GET',
		url: pathOrNextLink,
		query,
		headers: options.headers,
		itemIndex: options.itemIndex,
		signal: options.signal,
	});
	return {
		items: Array.isArray(body?.value) ? body.value : [],
		nextLink: body?.['@odata.nextLink'],
		count: body?.['@odata.count'],
	};
}

/** Pages, following nextLinks until none is left or `limit` items were yielded. */
export async function* pages<T>(
	transport: GraphTransport,
	path: string,
	options: PageOptions = {},
): AsyncGenerator<Page<T>> {
	let next: string | undefined = path;
	let remaining = options.limit ?? Number.POSITIVE_INFINITY;
	let first = true;
	while (next !== undefined && remaining > 0) {
		// The origin rule is enforced by resolveUrl inside request(): a foreign nextLink throws here.
		const page: Page<T> = await getPage<T>(
			transport,
			next,
			first ? options : { ...options, query: undefined },
		);
		first = false;
		const items = page.items.slice(0, remaining);
		remaining -= items.length;
		yield { ...page, items };
		next = page.nextLink;
	}
}

/** Items one by one across pages. */
export async function* paginate<T>(
	transport: GraphTransport,
	path: string,
	options: PageOptions = {},
): AsyncGenerator<T> {
	for await (const page of pages<T>(transport, path, options)) {
		for (const item of page.items) yield item;
	}
}

/** All items (up to `limit`). */
export async function collectAll<T>(
	transport: GraphTransport,
	path: string,
	options: PageOptions = {},
): Promise<T[]> {
	const out: T[] = [];
	for await (const page of pages<T>(transport, path, options)) out.push(...page.items);
	return out;
}
