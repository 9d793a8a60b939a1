/**
 * Reading messages page by page: 50 per page (the largest `$top` Teams allows for channel and
 * chat messages), Return All or Limit, each root message's replies when asked (Graph expands up
 * to 1,000 replies per message and gives `replies@odata.nextLink` for the rest, followed here),
 * and the Modified Since date, read from its field and checked before any request.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { zoneOffsetMs } from '../shared/time-zones';
import type { GraphTransport } from '../shared/transport';
import type { QueryValue } from '../shared/transport/transport';
import { explainExportRefusal, type PaymentModel } from './metered';
import { shapeMessage, type ReadOutput } from './read-output';

/** Graph's largest page of Teams messages (channel messages, replies, chat messages). */
export const MESSAGE_PAGE_SIZE = 50;

function offsetMinutes(instant: number, zone: string): number {
	return Math.round(zoneOffsetMs(instant, zone) / 60000);
}

/**
 * The Modified Since filter as an instant (ms), or undefined when empty. ISO 8601 with an offset
 * or Z is that instant; without one it is a time in the workflow's time zone (as n8n's date
 * picker gives it); an n8n DateTime or a JS Date is taken as is.
 */
export function readSince(
	ctx: IExecuteFunctions,
	raw: unknown,
	itemIndex: number,
	field = 'Modified Since',
): number | undefined {
	if (raw === undefined || raw === null || raw === '') return undefined;
	let time: number | undefined;
	if (raw instanceof Date) time = raw.getTime();
	else if (
		typeof raw === 'object' &&
		typeof (raw as { toMillis?: unknown }).toMillis === 'function'
	)
		time = (raw as { toMillis: () => number }).toMillis();
	else if (typeof raw === 'string') {
		const text = raw.trim();
		const match =
			/^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
				text,
			);
		if (match) {
			if (match[8]) time = Date.parse(text.replace(' ', 'T'));
			else {
				const wall = Date.UTC(
					+match[1],
					+match[2] - 1,
					+match[3],
					+(match[4] ?? 0),
					+(match[5] ?? 0),
					+(match[6] ?? 0),
					Number(`0.${match[7] ?? '0'}`) * 1000,
				);
				const zone = ctx.getTimezone() || 'UTC';
				// The offset at the wall time, corrected once for a change of offset in between.
				let instant = wall - offsetMinutes(wall, zone) * 60000;
				instant = wall - offsetMinutes(instant, zone) * 60000;
				time = instant;
			}
		}
	}
	if (time === undefined || !Number.isFinite(time))
		throw new NodeOperationError(
			ctx.getNode(),
			`${field}: "${String(raw)}" is not a date and time`,
			{
				itemIndex,
				description:
					"Use ISO 8601 (2026-03-10T09:00:00Z, or 2026-03-10T09:00 in the workflow's time zone) or an expression giving a DateTime. No request was made.",
			},
		);
	if (time > Date.now())
		throw new NodeOperationError(ctx.getNode(), `${field} is in the future`, {
			itemIndex,
			description: `${new Date(time).toISOString()} is later than now: no message can have been modified since. Leave it empty to read all messages. No request was made.`,
		});
	return time;
}

/** Graph's date-time literal for `$filter` (UTC, milliseconds). */
export function odataDateTime(instant: number): string {
	return new Date(instant).toISOString();
}

/** Return All / Limit of the item (Limit checked: a whole number of at least 1). */
export function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) as boolean) return undefined;
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1)
		throw new NodeOperationError(
			ctx.getNode(),
			`Limit: "${limit}" is not a whole number of at least 1`,
			{
				itemIndex,
				description:
					'Enter how many messages to return, or turn on Return All. No request was made.',
			},
		);
	return limit;
}

export interface MessageListing {
	path: string;
	query: Record<string, QueryValue>;
	limit?: number;
	/** Keep a message (a client-side filter); the limit counts kept messages. */
	keep?: (message: IDataObject) => boolean;
	/** Follow `replies@odata.nextLink` of expanded replies. */
	replies: boolean;
	output: ReadOutput;
	itemIndex: number;
}

/** The messages of a listing, shaped for output. */
export async function readMessages(
	transport: GraphTransport,
	listing: MessageListing,
): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	const { limit, keep, itemIndex } = listing;
	for await (const message of transport.paginate<IDataObject>(listing.path, {
		query: listing.query,
		pageSize: MESSAGE_PAGE_SIZE,
		// With a client-side filter the page size stays at its largest (the limit counts kept ones).
		limit: keep ? undefined : limit,
		itemIndex,
	})) {
		if (listing.replies) {
			const next = message['replies@odata.nextLink'];
			if (typeof next === 'string' && next) {
				const more: IDataObject[] = [];
				for await (const reply of transport.paginate<IDataObject>(next, { itemIndex }))
					more.push(reply);
				message.replies = [...((message.replies as IDataObject[] | undefined) ?? []), ...more];
			}
			if (!Array.isArray(message.replies)) message.replies = [];
		}
		if (keep && !keep(message)) continue;
		out.push(shapeMessage(message, listing.output));
		if (limit !== undefined && out.length >= limit) break;
	}
	return out;
}

/** The metered export (getAllMessages) of a listing: replies come as messages of their own. */
export async function readExport(
	transport: GraphTransport,
	listing: Omit<MessageListing, 'replies'>,
	model: Record<string, string>,
	permission: string,
): Promise<IDataObject[]> {
	try {
		return await readMessages(transport, { ...listing, replies: false });
	} catch (error) {
		throw explainExportRefusal(
			error,
			(model.model as PaymentModel | undefined) ?? 'evaluation',
			permission,
		);
	}
}

/** One message by its URL; `explain` turns Graph's refusal into the operation's error. */
export async function readOneMessage(
	transport: GraphTransport,
	url: string,
	itemIndex: number,
	explain: (error: unknown) => unknown,
): Promise<IDataObject> {
	try {
		return await transport.request<IDataObject>({ effect: 'read', method: 'GET', url, itemIndex });
	} catch (error) {
		throw explain(error);
	}
}
