import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import { credentialTest, listSearchMethods, operationSubtitle } from '../shared/node-common';
import { route, type OperationMap } from '../shared/router';
import {
	SEND_AND_WAIT_OUTPUTS,
	SEND_AND_WAIT_TOOLTIP,
	sendAndWaitWebhook,
	sendAndWaitWebhooks,
} from '../shared/send-and-wait';
import * as channel from './actions/channel';
import * as channelMessage from './actions/channelMessage';
import * as chat from './actions/chat';
import * as chatMessage from './actions/chatMessage';
import * as incomingWebhook from './actions/incomingWebhook';
import { credentials, properties } from './actions/node.description';
import * as team from './actions/team';
import * as listSearch from './methods/listSearch';

const operations: OperationMap = {
	channelMessage: channelMessage.operations,
	chatMessage: chatMessage.operations,
	team: team.operations,
	channel: channel.operations,
	chat: chat.operations,
	incomingWebhook: incomingWebhook.operations,
};

export class Microsoft365Teams implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Teams',
		name: 'microsoft365Teams',
		icon: { light: 'file:microsoft365Teams.svg', dark: 'file:microsoft365Teams.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description:
			'Post and read channel and chat messages, adaptive cards and files in Microsoft Teams; list teams, channels, chats and members (Microsoft Graph v1.0)',
		defaults: { name: 'Microsoft 365 Teams' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// One output; two ("Answered", "Timed Out") for Send and Wait.
		outputs: SEND_AND_WAIT_OUTPUTS,
		credentials,
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip: SEND_AND_WAIT_TOOLTIP,
		properties,
	};

	methods = {
		listSearch: listSearchMethods(
			{
				searchTeams: listSearch.searchTeams,
				searchChannels: listSearch.searchChannels,
				searchChats: listSearch.searchChats,
			},
			{ searchTeams: 'teams', searchChannels: 'channels', searchChats: 'chats' },
		),
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}

	/** The answer of Send and Wait for Response (its links resume the waiting execution). */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		return await sendAndWaitWebhook.call(this);
	}
}
