import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { credentialDescriptions, credentialTest, listSearchMethods } from '../shared/node-common';
import { searchFolders } from './methods/listSearch';
import { properties } from './trigger/description';
import { poll } from './trigger/newMessage.operation';

export class Microsoft365MailTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Mail Trigger',
		name: 'microsoft365MailTrigger',
		icon: { light: 'file:microsoft365Mail.svg', dark: 'file:microsoft365Mail.dark.svg' },
		group: ['trigger'],
		version: 1,
		// n8n's node creator lists a node and its trigger as one entry and shows the trigger's
		// description there: a text for the pair, other than the action node's own.
		description:
			'Microsoft 365 (Exchange Online) mail: start workflows when new mail arrives, and send, read and organize mail through Microsoft Graph or SMTP with OAuth2',
		subtitle: '={{"New mail in " + ($parameter["mailbox"] || "my mailbox")}}',
		defaults: { name: 'Microsoft 365 Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions,
		properties,
	};

	methods = {
		listSearch: listSearchMethods({ searchFolders }, { searchFolders: 'mail folders' }),
		credentialTest,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
