/**
 * Reading events of many items at once: each item's listing (a calendar view or the stored
 * events) is a `$batch` member; members are paged through their own nextLinks in later rounds.
 * Exchange runs at most 4 concurrent requests per mailbox
 * (https://learn.microsoft.com/en-us/graph/throttling-limits#outlook-service-limits), so a round
 * sends at most 4 members of one mailbox; mailboxes are read in parallel. Throttled members
 * (429 + Retry-After) are sent again by the transport's `$batch` helper.
 */
import type { IDataObject } from 'n8n-workflow';
import type { BatchItem, GraphTransport } from '../shared/transport';
import { withQuery, type QueryValue } from '../shared/transport/transport';

export const MAILBOX_CONCURRENCY = 4;

/** One item's listing: where it starts, its headers, how many events it wants. */
export interface Listing {
	/** Key for the per-mailbox limit. */
	mailbox: string;
	path: string;
	query: Record<string, QueryValue>;
	headers: Record<string, string>;
	/** Stop after this many events (undefined: all). */
	limit?: number;
	itemIndex: number;
}

interface Progress {
	listing: Listing;
	next?: string;
	events: IDataObject[];
	error?: Error;
	done: boolean;
}

/** Each listing's events (or its error), in the order given. */
export async function readListings(
	transport: GraphTransport,
	listings: Listing[],
): Promise<(IDataObject[] | Error)[]> {
	const progress: Progress[] = listings.map((listing) => ({
		listing,
		next: withQuery(listing.path, listing.query),
		events: [],
		done: false,
	}));
	for (;;) {
		const perMailbox = new Map<string, number>();
		const round: Progress[] = [];
		for (const p of progress) {
			if (p.done) continue;
			const used = perMailbox.get(p.listing.mailbox) ?? 0;
			if (used >= MAILBOX_CONCURRENCY) continue;
			perMailbox.set(p.listing.mailbox, used + 1);
			round.push(p);
		}
		if (!round.length) break;
		const members: BatchItem[] = round.map((p) => ({
			method: 'GET',
			url: p.next!,
			headers: p.listing.headers,
			effect: 'read',
		}));
		const answers = await transport.batch(members);
		answers.forEach((answer, k) => {
			const p = round[k];
			if (!answer.ok) {
				p.error = answer.error;
				p.done = true;
				return;
			}
			const body = (answer.body ?? {}) as { value?: IDataObject[]; '@odata.nextLink'?: string };
			const page = Array.isArray(body.value) ? body.value : [];
			const room = p.listing.limit === undefined ? page.length : p.listing.limit - p.events.length;
			p.events.push(...page.slice(0, Math.max(0, room)));
			p.next = body['@odata.nextLink'];
			if (!p.next || (p.listing.limit !== undefined && p.events.length >= p.listing.limit))
				p.done = true;
		});
	}
	return progress.map((p) => p.error ?? p.events);
}
