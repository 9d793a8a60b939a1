import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import {
	credentialDescriptions,
	credentialTest,
	listSearchMethods,
	operationSubtitle,
} from '../shared/node-common';
import { route, type OperationMap } from '../shared/router';
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
		outputs: [NodeConnectionTypes.Main],
		credentials: credentialDescriptions,
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
}
