import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { authenticationProperty, credentialDescriptions } from '../../shared/node-common';
import { pseudonymKeyCredential } from '../../shared/pseudonym';
import { APP_POSTING_NOTICE } from '../guard';
import * as channel from './channel';
import * as channelMessage from './channelMessage';
import * as chat from './chat';
import * as chatMessage from './chatMessage';
import { WEBHOOK_CREDENTIAL } from './incomingWebhook/postCard.webhook';
import * as incomingWebhook from './incomingWebhook';
import { pseudonymiseProperties } from './fields';
import * as team from './team';

const RESOURCES = {
	channelMessage: { name: 'Channel Message', value: 'channelMessage' },
	chatMessage: { name: 'Chat Message', value: 'chatMessage' },
	team: { name: 'Team', value: 'team' },
	channel: { name: 'Channel', value: 'channel' },
	chat: { name: 'Chat', value: 'chat' },
	incomingWebhook: {
		name: 'Incoming Webhook (Workflows)',
		value: 'incomingWebhook',
		description: 'Post adaptive cards through a Teams Workflows webhook URL, without a Graph token',
	},
};

/** Who may be used: the Graph credentials, except for the webhook resource, which has its own. */
export const credentials: INodeCredentialDescription[] = [
	...credentialDescriptions.map((credential) => ({
		...credential,
		displayOptions: {
			...credential.displayOptions,
			hide: { resource: ['incomingWebhook'] },
		},
	})),
	{
		name: WEBHOOK_CREDENTIAL,
		required: true,
		displayOptions: { show: { resource: ['incomingWebhook'] } },
	},
	// The reads' Pseudonymise option takes its key from this credential (or a field).
	pseudonymKeyCredential,
];

const ALL_RESOURCES = [
	RESOURCES.channelMessage,
	RESOURCES.chatMessage,
	RESOURCES.team,
	RESOURCES.channel,
	RESOURCES.chat,
	RESOURCES.incomingWebhook,
];

export const properties: INodeProperties[] = [
	authenticationProperty('delegated'),
	// One list for both credentials, so choosing the other credential never moves the node to
	// another resource (a value missing from the new list would be replaced by its default). The
	// app-only default stays Incoming Webhook: saved workflows omit a value equal to its default.
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { authentication: ['delegated'] } },
		options: ALL_RESOURCES,
		default: 'channelMessage',
	},
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { authentication: ['app'] } },
		options: ALL_RESOURCES,
		default: 'incomingWebhook',
	},
	// With the app credential, posting messages is refused (Graph allows it only for migration);
	// the notice says why and what to use instead, naming only fields the editor shows.
	{
		displayName: APP_POSTING_NOTICE,
		name: 'appPostingNotice',
		type: 'notice',
		default: '',
		displayOptions: {
			show: {
				authentication: ['app'],
				resource: ['channelMessage', 'chatMessage'],
				operation: ['post', 'postWithFile', 'reply', 'send', 'sendAndWait'],
			},
		},
	},
	...channelMessage.description,
	...chatMessage.description,
	...team.description,
	...channel.description,
	...chat.description,
	...incomingWebhook.description,
	// Pseudonymise and its key, once at the top level (as in the Entra ID node), hidden where the
	// output holds no identities. The Pseudonym Key credential's display depends on them, and n8n's
	// editor hides every parameter named in the `show` of such a field: a `show` on resource and
	// operation here would hide the Resource and Operation fields (a `hide` does not). Team and
	// Channel → Get Many list no people; the switch shows there too and changes nothing.
	...pseudonymiseProperties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			hide: {
				...property.displayOptions?.hide,
				resource: ['incomingWebhook'],
				operation: ['post', 'postWithFile', 'reply', 'send', 'sendAndWait'],
			},
		},
	})),
];
