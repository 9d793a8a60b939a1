import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { credentialTest, listSearchMethods } from '../shared/node-common';
import { route, type OperationMap } from '../shared/router';
import * as group from './actions/group';
import { credentials, ENTRA_DESCRIPTION, properties } from './actions/node.description';
import * as user from './actions/user';
import { searchGroups, searchUsers } from './methods/listSearch';

const operations: OperationMap = {
	user: {
		get: user.get,
		getDirectReports: user.getDirectReports,
		getGroups: user.getGroups,
		getManager: user.getManager,
		getMany: user.getMany,
	},
	group: { get: group.get, getMany: group.getMany, getMembers: group.getMembers },
};

/** Microsoft 365 Entra ID: read users, groups, memberships and managers (read-only). */
export class Microsoft365EntraId implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Entra ID',
		name: 'microsoft365EntraId',
		icon: { light: 'file:entraId.svg', dark: 'file:entraId.dark.svg' },
		group: ['input'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
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
