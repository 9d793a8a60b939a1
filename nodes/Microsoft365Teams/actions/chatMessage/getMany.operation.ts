import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { QueryValue } from '../../../shared/transport/transport';
import { chatsOfUser } from '../../chats';
import { chatIdFrom, segment } from '../../locators';
import { odataDateTime, readExport, readLimit, readMessages, readSince } from '../../message-reads';
import { assertAppForExport, modelQuery, paymentModelProperty } from '../../metered';
import { explainChatForbidden } from '../../read-errors';
import { readOutputFor } from '../../read-output';
import {
	chatLocator,
	chatUserProperty,
	exportSourceProperties,
	limitFields,
	modifiedSinceFilters,
	readOutputProperties,
} from '../fields';

const allChats = { show: { source: ['allChats'] } };

const properties: INodeProperties[] = [
	...exportSourceProperties(
		{ name: 'One Chat', value: 'chat' },
		{
			name: 'All Chats of a User (Export, App-Only, Metered)',
			value: 'allChats',
			description:
				'Every message of every chat the user is in (getAllMessages): app-only, billed per message',
		},
	),
	chatUserProperty(
		'Whose chats to read (object ID or user principal name), within the credential\'s Mailbox Restriction; app-only credentials have no "me"',
	),
	{ ...chatLocator(), displayOptions: { show: { source: ['chat'] } } },
	{ ...paymentModelProperty(), displayOptions: allChats },
	...limitFields(),
	modifiedSinceFilters(
		"Only messages created or changed after this time. Without an offset, in the workflow's time zone.",
	),
	...readOutputProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['getMany'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/chats/{id}/messages', scheme: 'delegated' },
	{
		method: 'GET',
		path: '/users/{id}/chats/{id}/messages',
		scheme: 'application',
	},
	{
		method: 'GET',
		path: '/users/{id}/chats/getAllMessages',
		scheme: 'application',
		when: 'all chats of a user (metered)',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const source = this.getNodeParameter('source', itemIndex, 'chat') as 'chat' | 'allChats';
	if (source === 'allChats') assertAppForExport(this, itemIndex, 'From');
	const app = this.getNodeParameter('authentication', itemIndex, 'delegated') === 'app';
	const chatId = source === 'chat' ? chatIdFrom(this, itemIndex) : undefined;
	const limit = readLimit(this, itemIndex);
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const since = readSince(this, filters.since, itemIndex);
	const model = source === 'allChats' ? modelQuery(this, itemIndex) : {};
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	// App-only reads go through the user's chats, so the Mailbox Restriction applies to them.
	const owner = app ? chatsOfUser(this, transport, itemIndex) : undefined;

	const query: Record<string, QueryValue> = { ...model };
	if (since !== undefined) {
		// Graph applies the chat messages' $filter only with $orderby on the same property.
		if (source === 'chat') query.$orderby = 'lastModifiedDateTime desc';
		query.$filter = `lastModifiedDateTime gt ${odataDateTime(since)}`;
	}
	if (source === 'allChats') {
		return await readExport(
			transport,
			{ path: `${owner!.path}/getAllMessages`, query, limit, output, itemIndex },
			model,
			'Chat.Read.All',
		);
	}
	const path = owner
		? `${owner.path}/${segment(chatId!)}/messages`
		: `/chats/${segment(chatId!)}/messages`;
	try {
		return await readMessages(transport, { path, query, limit, replies: false, output, itemIndex });
	} catch (error) {
		throw explainChatForbidden(error, app, owner?.user);
	}
}
