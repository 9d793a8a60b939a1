import {
	NodeOperationError,
	updateDisplayOptions,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { odataString } from '../../../shared/odata';
import { declareGraphCalls } from '../../../shared/operations';
import { getMany } from '../../collections';
import { filtersProperty, limitFields } from '../fields';

const properties: INodeProperties[] = [
	{
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'alice@contoso.com',
		description:
			'Whose chats to list (object ID or user principal name); app-only credentials have no "me"',
		displayOptions: { show: { authentication: ['app'] } },
	},
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
	const user = app ? String(this.getNodeParameter('user', itemIndex, '')).trim() : '';
	if (app && !user)
		throw new NodeOperationError(this.getNode(), 'User is empty', {
			itemIndex,
			description:
				'With the app-only credential, enter whose chats to list (object ID or user principal name).',
		});
	const filters = this.getNodeParameter('filters', itemIndex, {}) as {
		chatType?: string;
		members?: boolean;
	};
	const query: Record<string, string> = {};
	if (filters.chatType) query.$filter = `chatType eq ${odataString(filters.chatType)}`;
	if (filters.members) query.$expand = 'members';
	const transport = await getTransport(this, itemIndex);
	const path = app ? `/users/${encodeURIComponent(user)}/chats` : '/me/chats';
	return await getMany(this, transport, path, itemIndex, { query, pageSize: 50 });
}
