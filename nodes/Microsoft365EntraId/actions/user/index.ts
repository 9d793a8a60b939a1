import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as get from './get.operation';
import * as getDirectReports from './getDirectReports.operation';
import * as getGroups from './getGroups.operation';
import * as getManager from './getManager.operation';
import * as getMany from './getMany.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = {
	get,
	getDirectReports,
	getGroups,
	getManager,
	getMany,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['user'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a user', action: 'Get a user' },
			{
				name: 'Get Direct Reports',
				value: 'getDirectReports',
				description: 'Get the users who report to a user',
				action: 'Get direct reports of a user',
			},
			{
				name: 'Get Groups',
				value: 'getGroups',
				description: 'Get the groups (and directory roles) a user belongs to',
				action: 'Get groups of a user',
			},
			{
				name: 'Get Manager',
				value: 'getManager',
				description: "Get a user's manager",
				action: 'Get the manager of a user',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get many users',
				action: 'Get many users',
			},
		],
		default: 'get',
	},
	...get.description,
	...getDirectReports.description,
	...getGroups.description,
	...getManager.description,
	...getMany.description,
];
