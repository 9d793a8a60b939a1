/**
 * What the operations share at run time: reading a collection page by page (999 objects a page,
 * stopping at the limit) or one object, and shaping the output (OData control annotations
 * removed, identities pseudonymised when asked). Every check runs before the transport is made,
 * so bad input never reaches the network.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { getTransport } from '../shared/node-common';
import type { QueryValue } from '../shared/transport';
import { pseudonymiserFor, type Pseudonymiser } from './pseudonym';
import { cleanObject, PAGE_SIZE } from './query';

export interface CollectionRequest {
	path: string;
	query?: Record<string, QueryValue>;
	headers?: Record<string, string>;
	limit?: number;
	/** Keeps only some objects (e.g. groups and directory roles of a memberOf list). */
	keep?: (object: IDataObject) => boolean;
}

/** Checks the pseudonym settings (before anything is sent) and returns the item's shaper. */
export async function prepareOutput(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<Pseudonymiser> {
	return await pseudonymiserFor(ctx, itemIndex);
}

/** Every object of a collection (up to the limit), cleaned and pseudonymised. */
export async function readCollection(
	ctx: IExecuteFunctions,
	itemIndex: number,
	output: Pseudonymiser,
	request: CollectionRequest,
): Promise<IDataObject[]> {
	const transport = await getTransport(ctx, itemIndex);
	const out: IDataObject[] = [];
	const keep = request.keep;
	// With a filter applied here, Graph's pages cannot be cut at the limit: read until it is reached.
	const limit = keep ? undefined : request.limit;
	for await (const page of transport.pages<IDataObject>(request.path, {
		query: request.query,
		headers: request.headers,
		pageSize: PAGE_SIZE,
		limit,
		itemIndex,
	})) {
		for (const object of page.items) {
			if (keep && !keep(object)) continue;
			out.push(output.apply(cleanObject(object)));
			if (request.limit !== undefined && out.length >= request.limit) return out;
		}
	}
	return out;
}

/** One object (`/users/{id}`, `/users/{id}/manager`...), cleaned and pseudonymised. */
export async function readObject(
	ctx: IExecuteFunctions,
	itemIndex: number,
	output: Pseudonymiser,
	path: string,
	query: Record<string, QueryValue> = {},
): Promise<IDataObject> {
	const transport = await getTransport(ctx, itemIndex);
	const body = await transport.request<IDataObject>({
		effect: 'read',
		url: path,
		query,
		itemIndex,
	});
	return output.apply(cleanObject(body));
}

/** The number a `$count` segment answers (text/plain). */
export async function readCount(
	ctx: IExecuteFunctions,
	itemIndex: number,
	path: string,
	query: Record<string, QueryValue>,
	headers: Record<string, string>,
): Promise<number> {
	const transport = await getTransport(ctx, itemIndex);
	const body = await transport.request<unknown>({
		effect: 'read',
		url: path,
		query,
		headers,
		itemIndex,
	});
	return Number(body);
}
