/**
 * The trigger's poll: new messages in a folder through Graph's delta query, state in the node's
 * static data so that a restart neither misses nor repeats a message.
 *
 * - First poll (no state): a fast-forward to the current `@odata.deltaLink` with `$select=id`,
 *   page by page, keeping no message; messages received before it are not emitted.
 * - Later polls follow the saved deltaLink. Delta also reports changes (read, flagged) and
 *   removals, and a deltaLink keeps the `$select` of the round that started it (Graph: "the URL
 *   already includes the encoded, desired parameters"), so its entries may carry only the ID.
 *   Each message not emitted before is taken from its entry, or read by ID when the entry has
 *   only the ID (`GET /messages/{id}`, Graph's default properties), then its attachments when
 *   asked; emitted oldest first.
 *
 * State is committed like a Kafka consumer commits its offset: only after the round's items
 * were built. The poll reads everything, downloads every attachment, and only then writes the
 * deltaLink, the seen-set and the floor into the static data, in one synchronous block with no
 * await after it. A failure anywhere before (a delta page, a message, an attachment) throws with
 * the static data untouched, and the next poll reads the same changes again.
 *
 * Why no earlier write, in either of n8n's ways of keeping a poll's static data:
 * - Legacy (the node's static data bucket of the in-memory Workflow, n8n-core's PollContext
 *   default `resolveNodeStaticData`): a mutation stays in memory for the next poll of this
 *   activation even when the poll throws, and is written to the database only when a poll
 *   emits (`__emit` → `WorkflowStaticDataService.saveStaticData`). An early write followed by
 *   a failure would make the next poll start after messages nobody received.
 * - Durable poll cursors (n8n's TriggerExecutionContextFactory.getExecutePollFunctions): each
 *   poll gets a snapshot, committed with the emit or by `__commitCursor` after a poll that
 *   returned null, and discarded after a poll that threw.
 * State advanced in memory but not saved (a poll that emitted nothing, then a restart) makes
 * n8n re-read older changes: the seen-set drops what was emitted before.
 *
 * The seen-set (message ID → received time) is bounded by age and count; what it forgets is
 * covered by the floor (`since`): a message received at or before the newest forgotten one is
 * never emitted, so a late change to an old message cannot emit it twice. The first floor is the
 * server's time (Date header) of the first round.
 *
 * - "Test step" (manual mode) emits the newest message without touching the state.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { declareGraphCalls } from '../../shared/operations';
import { folderSegment, resolveMailbox } from '../mailbox';
import { downloadCalls, messageItem } from '../read';

export const operationInfo = {
	node: 'Microsoft 365 Mail Trigger',
	resource: 'message',
	operation: 'new message (poll)',
};

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/mailFolders/{id}/messages/delta' },
	{ method: 'GET', path: '/users/{id}/messages/{id}' },
	{ method: 'GET', path: '/users/{id}/mailFolders/{id}/messages', when: 'Test step (manual run)' },
	...downloadCalls,
]);

/** Messages per delta page (Prefer: odata.maxpagesize). */
export const DELTA_PAGE = 200;
/** Emitted IDs are kept this long after the message was received. */
export const SEEN_RETENTION_MS = 14 * 24 * 3600_000;
export const SEEN_MAX = 20_000;

type Transport = Awaited<ReturnType<typeof getTransport>>;

export interface PollState {
	folderKey?: string;
	deltaLink?: string;
	/** Floor: messages received before it are not emitted (first poll, then forgotten IDs). */
	since?: string;
	/** Emitted message ID → its received time. */
	seen?: Record<string, string>;
}

interface DeltaEntry extends IDataObject {
	id: string;
	receivedDateTime?: string;
	'@removed'?: IDataObject;
}

interface DeltaPage {
	value?: DeltaEntry[];
	'@odata.nextLink'?: string;
	'@odata.deltaLink'?: string;
}

async function* deltaPages(
	transport: Transport,
	start: string,
	query?: Record<string, string>,
): AsyncGenerator<{ page: DeltaPage; date: string | null }> {
	let url: string | undefined = start;
	for (let first = true; url; first = false) {
		const response: { body: DeltaPage; headers: Headers } = await transport.send<DeltaPage>({
			effect: 'read',
			url,
			query: first ? query : undefined,
			headers: { Prefer: `odata.maxpagesize=${DELTA_PAGE}` },
		});
		const page = response.body ?? {};
		yield { page, date: response.headers.get('date') };
		if (page['@odata.deltaLink']) return;
		url = page['@odata.nextLink'];
	}
	throw new Error('Graph ended the delta query without a deltaLink');
}

/**
 * The first round: follows delta to its deltaLink with `$select=id`, keeping no entry. Also
 * gives the server's time at its start (the Date header, whole seconds): the floor is taken
 * from Exchange's clock, not n8n's, so a skewed local clock cannot hide new mail.
 */
async function fastForward(
	transport: Transport,
	start: string,
): Promise<{ deltaLink: string; since: string }> {
	let since: string | undefined;
	for await (const { page, date } of deltaPages(transport, start, { $select: 'id' })) {
		const t = Date.parse(date ?? '');
		since ??= new Date(Number.isNaN(t) ? Date.now() - 1000 : t).toISOString();
		if (page['@odata.deltaLink']) return { deltaLink: page['@odata.deltaLink'], since };
	}
	throw new Error('Graph ended the delta query without a deltaLink');
}

/** A later round: the last entry per ID (Graph may list a message more than once) and the deltaLink. */
async function deltaRound(
	transport: Transport,
	deltaLink: string,
): Promise<{ entries: Map<string, DeltaEntry>; deltaLink: string }> {
	const entries = new Map<string, DeltaEntry>();
	for await (const { page } of deltaPages(transport, deltaLink)) {
		for (const entry of page.value ?? []) {
			entries.delete(entry.id);
			entries.set(entry.id, entry);
		}
		if (page['@odata.deltaLink']) return { entries, deltaLink: page['@odata.deltaLink'] };
	}
	throw new Error('Graph ended the delta query without a deltaLink');
}

function isNotFound(error: unknown): boolean {
	const e = error as { httpCode?: string; errorResponse?: IDataObject } | undefined;
	return e?.httpCode === '404';
}

/**
 * The seen-set after a round that emitted `emitted`, bounded by age and count, and the floor
 * that covers what it forgot (received time of the newest forgotten message).
 */
export function advanceSeen(
	seen: Record<string, string>,
	floor: string,
	emitted: Array<{ id: string; receivedDateTime: string }>,
	now = Date.now(),
	max = SEEN_MAX,
	retentionMs = SEEN_RETENTION_MS,
): { seen: Record<string, string>; since: string } {
	const all = { ...seen };
	for (const m of emitted) all[m.id] = m.receivedDateTime;
	const entries = Object.entries(all).sort((a, b) => b[1].localeCompare(a[1]));
	const kept: Array<[string, string]> = [];
	let since = floor;
	for (const [id, received] of entries) {
		const time = Date.parse(received);
		if (kept.length < max && !(now - time >= retentionMs)) kept.push([id, received]);
		else {
			// Just after the forgotten message, so it and anything older stay suppressed.
			const after = new Date(time + 1).toISOString();
			if (!Number.isNaN(time) && after > since) since = after;
		}
	}
	return { seen: Object.fromEntries(kept), since };
}

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const transport = await getTransport(this);
	const target = resolveMailbox(this, transport, this.getNodeParameter('mailbox', ''));
	const folder = folderSegment(this, this.getNodeParameter('folder', '', { extractValue: true }));
	const options = this.getNodeParameter('options', {}) as IDataObject;
	const download = {
		enabled: options.downloadAttachments === true,
		prefix: String(options.binaryPrefix ?? 'attachment_'),
	};
	const folderPath = `${target.path}/mailFolders/${folder}`;

	if (this.getMode() === 'manual') {
		const page = await transport.getPage<IDataObject>(`${folderPath}/messages`, {
			pageSize: 1,
			query: { $orderby: 'receivedDateTime desc' },
		});
		if (!page.items.length) return null;
		return [[await messageItem(this, transport, target.path, page.items[0], download)]];
	}

	const state = this.getWorkflowStaticData('node') as PollState;
	const folderKey = `${target.key}/${folder}`;
	if (state.folderKey !== folderKey || !state.deltaLink) {
		const { deltaLink, since } = await fastForward(transport, `${folderPath}/messages/delta`);
		// Commit (nothing can fail after this line).
		state.folderKey = folderKey;
		state.since = since;
		state.seen = {};
		state.deltaLink = deltaLink;
		return null;
	}

	// Read: nothing below writes the state until every item is built.
	const round = await deltaRound(transport, state.deltaLink);
	const floor = state.since ?? '1970-01-01T00:00:00.000Z';
	const floorTime = Date.parse(floor);
	const seen = state.seen ?? {};
	const isOld = (received: unknown) => {
		const t = Date.parse(String(received ?? ''));
		return !Number.isNaN(t) && t < floorTime;
	};
	const messages: Array<IDataObject & { id: string; receivedDateTime: string }> = [];
	for (const entry of round.entries.values()) {
		if (entry['@removed'] || seen[entry.id] !== undefined || isOld(entry.receivedDateTime))
			continue;
		// An entry of a deltaLink started without `$select` carries the message; one started with
		// `$select=id` (the fast-forward) carries only its ID, and the message is read by ID.
		let message: IDataObject = entry;
		if (entry.receivedDateTime === undefined) {
			try {
				message = await transport.request<IDataObject>({
					effect: 'read',
					url: `${target.path}/messages/${encodeURIComponent(entry.id)}`,
				});
			} catch (error) {
				// Deleted or moved away since the delta page: a later round reports it as removed.
				if (isNotFound(error)) continue;
				// The transport's NodeApiError, passed on as it is.
				// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
				throw error;
			}
		}
		if (isOld(message.receivedDateTime)) continue;
		messages.push({
			...message,
			id: entry.id,
			receivedDateTime: String(message.receivedDateTime ?? new Date().toISOString()),
		});
	}
	messages.sort((a, b) => a.receivedDateTime.localeCompare(b.receivedDateTime));
	const out: INodeExecutionData[] = [];
	for (const message of messages)
		out.push(await messageItem(this, transport, target.path, message, download));

	// Commit: every item of the round is built; no await from here to the return.
	const next = advanceSeen(seen, floor, messages);
	state.seen = next.seen;
	state.since = next.since;
	state.deltaLink = round.deltaLink;
	return out.length ? [out] : null;
}
