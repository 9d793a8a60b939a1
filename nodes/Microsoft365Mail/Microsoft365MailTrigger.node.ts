import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { credentialDescriptions, credentialTest } from '../shared/node-common';
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
		description:
			'Starts the workflow when new mail arrives in a Microsoft 365 mailbox folder (polling, delta query)',
		subtitle: '={{"New mail in " + ($parameter["mailbox"] || "my mailbox")}}',
		defaults: { name: 'Microsoft 365 Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions,
		properties,
	};

	methods = { listSearch: { searchFolders }, credentialTest };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
