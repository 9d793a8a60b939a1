/**
 * The trigger's poll: new messages in a folder through Graph's delta query, state in the node's
 * static data so that a restart neither misses nor repeats a message.
 *
 * - First poll (no state): one pass of the delta query up to its `@odata.deltaLink`, remembering
 *   the time it started; messages present before that are not emitted.
 * - Later polls follow the saved deltaLink. Delta also reports changes (read, flagged) and
 *   removals: only messages not emitted before (their IDs are kept with their received time)
 *   and received after the first poll are emitted, oldest first.
 * - n8n saves static data when a poll emits; the state saved then (deltaLink and emitted IDs)
 *   is consistent, so a restart from it at worst fetches changes again, which the IDs filter.
 * - "Test step" (manual mode) emits the newest message without touching the state.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { folderSegment, resolveMailbox } from '../../helpers/mailbox';
import { downloadCalls, messageItem } from '../../helpers/read';

export const operationInfo = {
	node: 'Microsoft 365 Mail Trigger',
	resource: 'message',
	operation: 'new message (poll)',
};

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/mailFolders/{id}/messages/delta' },
	{ method: 'GET', path: '/users/{id}/mailFolders/{id}/messages', when: 'Test step (manual run)' },
	...downloadCalls,
]);

/** Messages per delta page (Prefer: odata.maxpagesize). */
export const DELTA_PAGE = 200;
/** Emitted IDs are kept this long after the message was received. */
const SEEN_RETENTION_MS = 14 * 24 * 3600_000;
const SEEN_MAX = 20_000;

interface PollState {
	folderKey?: string;
	deltaLink?: string;
	since?: string;
	seen?: Record<string, string>;
}

interface DeltaMessage extends IDataObject {
	id: string;
	receivedDateTime?: string;
	'@removed'?: IDataObject;
}

async function deltaRound(
	transport: Awaited<ReturnType<typeof getTransport>>,
	start: string,
): Promise<{ items: DeltaMessage[]; deltaLink: string }> {
	const items: DeltaMessage[] = [];
	let url: string | undefined = start;
	for (let pages = 0; url; pages++) {
		const page: {
			value?: DeltaMessage[];
			'@odata.nextLink'?: string;
			'@odata.deltaLink'?: string;
		} = await transport.request({ effect: 'read', url, headers: { Prefer: `odata.maxpagesize=${DELTA_PAGE}` } });
		items.push(...(page.value ?? []));
		if (page['@odata.deltaLink']) return { items, deltaLink: page['@odata.deltaLink'] };
		url = page['@odata.nextLink'];
		if (pages > 100_000) break;
	}
	throw new Error('Graph ended the delta query without a deltaLink');
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
		const since = new Date().toISOString();
		const round = await deltaRound(transport, `${folderPath}/messages/delta`);
		state.folderKey = folderKey;
		state.since = since;
		state.seen = {};
		state.deltaLink = round.deltaLink;
		return null;
	}
	const round = await deltaRound(transport, state.deltaLink);
	const since = Date.parse(state.since ?? '1970-01-01T00:00:00Z');
	const seen = { ...(state.seen ?? {}) };
	const fresh: DeltaMessage[] = [];
	for (const item of round.items) {
		if (item['@removed'] || seen[item.id]) continue;
		const received = Date.parse(String(item.receivedDateTime ?? ''));
		if (!Number.isNaN(received) && received < since) continue;
		if (fresh.some((f) => f.id === item.id)) continue;
		fresh.push(item);
	}
	fresh.sort((a, b) =>
		String(a.receivedDateTime ?? '').localeCompare(String(b.receivedDateTime ?? '')),
	);
	const now = Date.now();
	for (const item of fresh)
		seen[item.id] = String(item.receivedDateTime ?? new Date(now).toISOString());
	const kept = Object.entries(seen)
		.filter(([, t]) => now - Date.parse(t) < SEEN_RETENTION_MS)
		.sort((a, b) => b[1].localeCompare(a[1]))
		.slice(0, SEEN_MAX);
	state.seen = Object.fromEntries(kept);
	state.deltaLink = round.deltaLink;
	if (!fresh.length) return null;
	const out: INodeExecutionData[] = [];
	for (const item of fresh)
		out.push(await messageItem(this, transport, target.path, item, download));
	return [out];
}
