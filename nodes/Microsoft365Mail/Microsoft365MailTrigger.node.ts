import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import {
	authenticationProperty,
	credentialDescriptions,
	credentialTest,
	listSearchMethods,
} from '../shared/node-common';
import { folderField, mailboxField, readOptions } from './actions/message/fields';
import { MAIL_DESCRIPTION } from './actions/node.description';
import { poll } from './actions/trigger/newMessage.operation';
import { searchFolders } from './methods/listSearch';

export class Microsoft365MailTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Mail Trigger',
		name: 'microsoft365MailTrigger',
		icon: { light: 'file:microsoft365Mail.svg', dark: 'file:microsoft365Mail.dark.svg' },
		group: ['trigger'],
		version: 1,
		// n8n's node creator lists a node and its trigger as one entry and shows the trigger's
		// description there: the pair shares one text that fits both.
		description: MAIL_DESCRIPTION,
		subtitle: '={{"New mail in " + ($parameter["mailbox"] || "my mailbox")}}',
		defaults: { name: 'Microsoft 365 Mail Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions,
		properties: [
			authenticationProperty(),
			mailboxField,
			folderField('folder', 'Folder', 'The folder to watch for new messages'),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: readOptions.filter((o) => o.name !== 'fields'),
			},
		],
	};

	methods = {
		listSearch: listSearchMethods({ searchFolders }, { searchFolders: 'mail folders' }),
		credentialTest,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
