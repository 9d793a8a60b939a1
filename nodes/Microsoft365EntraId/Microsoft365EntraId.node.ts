import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest, listSearchMethods, operationSubtitle } from '../shared/node-common';
import { route, type OperationMap } from '../shared/router';
import * as credential from './actions/credential';
import * as group from './actions/group';
import { credentials, ENTRA_DESCRIPTION, properties } from './actions/node.description';
import * as user from './actions/user';
import { searchGroups, searchUsers } from './methods/listSearch';

const operations: OperationMap = {
	user: user.operations,
	group: group.operations,
	credential: credential.operations,
};

/** Microsoft 365 Entra ID: read users, groups, memberships and managers (read-only). */
export class Microsoft365EntraId implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Entra ID',
		name: 'microsoft365EntraId',
		icon: { light: 'file:entraId.svg', dark: 'file:entraId.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description: ENTRA_DESCRIPTION,
		defaults: { name: 'Microsoft 365 Entra ID' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties,
	};

	methods = {
		listSearch: listSearchMethods(
			{ searchUsers, searchGroups },
			{ searchUsers: 'users', searchGroups: 'groups' },
		),
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}
}
