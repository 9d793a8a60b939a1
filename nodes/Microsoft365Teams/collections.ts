/** Get Many: every item of a collection, or up to Limit, with large pages. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { GraphTransport } from '../shared/transport';

export async function getMany(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	path: string,
	itemIndex: number,
	options: {
		query?: Record<string, string>;
		pageSize?: number;
		keep?: (item: IDataObject) => boolean;
	} = {},
): Promise<IDataObject[]> {
	const returnAll = ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const out: IDataObject[] = [];
	for await (const item of transport.paginate<IDataObject>(path, {
		query: options.query,
		pageSize: options.keep ? undefined : options.pageSize,
		limit: options.keep ? undefined : limit,
		itemIndex,
	})) {
		if (options.keep && !options.keep(item)) continue;
		out.push(item);
		if (limit !== undefined && out.length >= limit) break;
	}
	return out;
}
