import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';
import {
	credentialDescriptions,
	credentialTest,
	listSearchMethods,
	operationSubtitle,
} from '../shared/node-common';
import { route, type OperationMap } from '../shared/router';
import {
	SEND_AND_WAIT_OUTPUTS,
	SEND_AND_WAIT_TOOLTIP,
	sendAndWaitWebhook,
	sendAndWaitWebhooks,
} from '../shared/send-and-wait';
import * as message from './actions/message';
import { MAIL_DESCRIPTION, properties } from './actions/node.description';
import { searchFolders, searchMailboxes } from './methods/listSearch';

const operations: OperationMap = { message: message.operations };

export class Microsoft365Mail implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Mail',
		name: 'microsoft365Mail',
		icon: { light: 'file:microsoft365Mail.svg', dark: 'file:microsoft365Mail.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description: MAIL_DESCRIPTION,
		defaults: { name: 'Microsoft 365 Mail' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		// One output; two ("Answered", "Timed Out") for Send and Wait.
		outputs: SEND_AND_WAIT_OUTPUTS,
		credentials: credentialDescriptions,
		webhooks: sendAndWaitWebhooks,
		waitingNodeTooltip: SEND_AND_WAIT_TOOLTIP,
		properties,
	};

	methods = {
		listSearch: listSearchMethods(
			{ searchFolders, searchMailboxes },
			{ searchFolders: 'mail folders', searchMailboxes: 'mailboxes' },
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
