import { returnAllAndLimit } from '../../../shared/fields';
import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { inputError } from '../../errors';
import { folderSegment } from '../../mailbox';
import { buildFilter, downloadCalls, messageItem, readContext } from '../../read';
import { folderField, mailboxField, readOptionsCollection } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/users/{id}/mailFolders/{id}/messages' },
	...downloadCalls,
]);

/** Graph's largest page of messages. */
export const PAGE_SIZE = 1000;

const properties: INodeProperties[] = [
	mailboxField,
	folderField('folder', 'Folder', 'The folder to read'),
	...returnAllAndLimit(),
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Custom Filter',
				name: 'custom',
				type: 'string',
				default: '',
				placeholder: "importance eq 'high'",
				description: 'An OData $filter expression, combined with the others by "and"',
			},
			{
				displayName: 'From',
				name: 'from',
				type: 'string',
				default: '',
				placeholder: 'bob@contoso.com',
				description: 'Only messages from this address',
			},
			{
				displayName: 'Has Attachments',
				name: 'hasAttachments',
				type: 'boolean',
				default: false,
				description: 'Whether to return only messages with attachments',
			},
			{
				displayName: 'Received After',
				name: 'receivedAfter',
				type: 'dateTime',
				default: '',
				description: 'Only messages received at or after this time',
			},
			{
				displayName: 'Unread Only',
				name: 'unreadOnly',
				type: 'boolean',
				default: false,
				description: 'Whether to return only unread messages',
			},
		],
	},
	{
		displayName: 'Search',
		name: 'search',
		type: 'string',
		default: '',
		placeholder: 'invoice',
		description:
			'Words to search for ($search over subject, body and sender); cannot be combined with Filters',
	},
	readOptionsCollection,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['getAll'] } },
	properties,
);

/** The messages of a folder, filtered or searched, in pages of up to 1,000. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const read = await readContext(this, itemIndex);
	const folder = folderSegment(
		this,
		this.getNodeParameter('folder', itemIndex, '', { extractValue: true }),
		'Folder',
		itemIndex,
	);
	const returnAll = this.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex, 50) as number);
	const filter = buildFilter(
		this,
		this.getNodeParameter('filters', itemIndex, {}) as IDataObject,
		itemIndex,
	);
	const search = String(this.getNodeParameter('search', itemIndex, '') ?? '').trim();
	if (search && filter) {
		throw inputError(
			this.getNode(),
			'Search',
			'Graph cannot combine $search with $filter on messages: clear Search or the Filters',
			itemIndex,
		);
	}
	if (search.includes('"')) {
		throw inputError(
			this.getNode(),
			'Search',
			'remove the double quotes (") from the search words',
			itemIndex,
		);
	}
	const messages = await read.transport.collectAll<IDataObject>(
		`${read.target.path}/mailFolders/${folder}/messages`,
		{
			pageSize: PAGE_SIZE,
			limit,
			itemIndex,
			query: { $select: read.select, $filter: filter, $search: search ? `"${search}"` : undefined },
		},
	);
	const out = [];
	for (const message of messages)
		out.push(
			await messageItem(this, read.transport, read.target.path, message, read.download, itemIndex),
		);
	return out;
}
