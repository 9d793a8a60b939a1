import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { QueryValue } from '../../../shared/transport/transport';
import { channelIdFrom, segment, teamIdFrom } from '../../locators';
import {
	odataDateTime,
	readExport,
	readLimit,
	readMessages,
	readSince,
	type MessageListing,
} from '../../message-reads';
import { assertAppForExport, modelQuery, paymentModelProperty } from '../../metered';
import { explainChannelForbidden } from '../../read-errors';
import { readOutputFor } from '../../read-output';
import {
	channelLocator,
	exportSourceProperties,
	limitFields,
	modifiedSinceFilters,
	readOutputProperties,
	teamLocator,
} from '../fields';

const allChannels = { show: { source: ['allChannels'] } };

const properties: INodeProperties[] = [
	...exportSourceProperties(
		{ name: 'One Channel', value: 'channel' },
		{
			name: 'All Channels of the Team (Export, App-Only, Metered)',
			value: 'allChannels',
			description:
				'Every message and reply of every channel of the team (getAllMessages): app-only, billed per message',
		},
	),
	teamLocator('The team whose channel messages to read'),
	{ ...channelLocator(), displayOptions: { show: { source: ['channel'] } } },
	{ ...paymentModelProperty(), displayOptions: allChannels },
	...limitFields(),
	modifiedSinceFilters(
		"Only messages created or changed after this time (a thread counts as changed when a reply was added or changed). Without an offset, in the workflow's time zone.",
	),
	...readOutputProperties([
		{
			displayName: 'Include Replies',
			name: 'includeReplies',
			type: 'boolean',
			default: false,
			description:
				'Whether to include each message\'s replies (in its "replies"); the export of all channels always returns replies as messages of their own',
			displayOptions: { show: { '/source': ['channel'] } },
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channelMessage'], operation: ['getMany'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	// One permission, ChannelMessage.Read.All, covers every call (also the export's).
	{ method: 'GET', path: '/teams/{id}/channels/{id}/messages' },
	{
		method: 'GET',
		path: '/teams/{id}/channels/{id}/messages/delta',
		when: 'one channel, Modified Since within the last 8 months',
	},
	{
		method: 'GET',
		path: '/teams/{id}/channels/{id}/messages/{id}/replies',
		when: 'a message has over 1,000 replies (Include Replies)',
	},
	{
		method: 'GET',
		path: '/teams/{id}/channels/getAllMessages',
		scheme: 'application',
		when: 'all channels of the team (metered)',
	},
]);

/** Channel message delta returns only the last 8 months (chatmessage-delta). */
const DELTA_REACH_MS = 8 * 30 * 24 * 3600 * 1000;

/** Whether a thread (root and its expanded replies) was modified after `since`. */
function changedSince(since: number) {
	const after = (m: IDataObject) => Date.parse(String(m.lastModifiedDateTime ?? '')) > since;
	return (message: IDataObject) =>
		after(message) || ((message.replies as IDataObject[] | undefined) ?? []).some(after);
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	// Everything is read and checked before the transport is made.
	const source = this.getNodeParameter('source', itemIndex, 'channel') as 'channel' | 'allChannels';
	if (source === 'allChannels') assertAppForExport(this, itemIndex, 'From');
	const teamId = teamIdFrom(this, itemIndex);
	const channelId = source === 'channel' ? channelIdFrom(this, itemIndex, teamId) : undefined;
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const since = readSince(this, filters.since, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const model = source === 'allChannels' ? modelQuery(this, itemIndex) : {};
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);

	if (source === 'allChannels') {
		// Graph filters getAllMessages by a lastModifiedDateTime range; replies come as messages.
		const query: Record<string, QueryValue> = { ...model };
		if (since !== undefined) query.$filter = `lastModifiedDateTime gt ${odataDateTime(since)}`;
		return await readExport(
			transport,
			{ path: `/teams/${teamId}/channels/getAllMessages`, query, limit, output, itemIndex },
			model,
			'ChannelMessage.Read.All',
		);
	}

	const replies = options.includeReplies === true;
	const base = `/teams/${teamId}/channels/${segment(channelId!)}/messages`;
	const listing: MessageListing = {
		path: base,
		query: replies ? { $expand: 'replies' } : {},
		limit,
		replies,
		output,
		itemIndex,
	};
	if (since !== undefined) {
		if (Date.now() - since < DELTA_REACH_MS) {
			// Graph's date filter for channel messages is on delta only (gt on lastModifiedDateTime,
			// whole threads changed since); the list endpoint has no $filter.
			listing.path = `${base}/delta`;
			listing.query = {
				...listing.query,
				$filter: `lastModifiedDateTime gt ${odataDateTime(since)}`,
			};
		} else {
			// Delta reaches back 8 months only: older dates read the list and filter here.
			listing.keep = changedSince(since);
		}
	}
	try {
		return await readMessages(transport, listing);
	} catch (error) {
		throw explainChannelForbidden(error, transport.scheme === 'application');
	}
}
