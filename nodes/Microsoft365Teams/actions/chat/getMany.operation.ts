import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { odataString } from '../../../shared/odata';
import { declareGraphCalls } from '../../../shared/operations';
import { chatsOfUser } from '../../chats';
import { getMany } from '../../collections';
import { readOutputFor, shapeChat } from '../../read-output';
import { chatUserProperty, filtersProperty, limitFields, metadataOnlyOption } from '../fields';

const properties: INodeProperties[] = [
	chatUserProperty(
		'Whose chats to list (object ID or user principal name), within the credential\'s Mailbox Restriction; app-only credentials have no "me"',
	),
	...limitFields(),
	filtersProperty([
		{
			displayName: 'Chat Type',
			name: 'chatType',
			type: 'options',
			options: [
				{ name: 'One-on-One', value: 'oneOnOne' },
				{ name: 'Group', value: 'group' },
				{ name: 'Meeting', value: 'meeting' },
			],
			default: 'oneOnOne',
		},
		{
			displayName: 'Include Members',
			name: 'members',
			type: 'boolean',
			default: false,
			description: "Whether to include each chat's members",
		},
	]),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				...metadataOnlyOption,
				description:
					"Whether to leave out each chat's topic (its name, often people's names) and its last message preview",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['getMany'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/me/chats', scheme: 'delegated' },
	{ method: 'GET', path: '/users/{id}/chats', scheme: 'application' },
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const app = this.getNodeParameter('authentication', itemIndex, 'delegated') === 'app';
	const filters = this.getNodeParameter('filters', itemIndex, {}) as {
		chatType?: string;
		members?: boolean;
	};
	const query: Record<string, string> = {};
	if (filters.chatType) query.$filter = `chatType eq ${odataString(filters.chatType)}`;
	if (filters.members) query.$expand = 'members';
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	// App-only: the user's chats, refused before any request outside the Mailbox Restriction.
	const path = app ? chatsOfUser(this, transport, itemIndex).path : '/me/chats';
	const chats = await getMany(this, transport, path, itemIndex, { query, pageSize: 50 });
	return chats.map((chat: IDataObject) => shapeChat(chat, output));
}
