import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as getMembers from './getMembers.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { get, getMany, getMembers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['group'] } },
		options: [
			{ name: 'Get', value: 'get', description: 'Get a group', action: 'Get a group' },
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'Get many groups',
				action: 'Get many groups',
			},
			{
				name: 'Get Members',
				value: 'getMembers',
				description: 'Get the members of a group',
				action: 'Get members of a group',
			},
		],
		default: 'get',
	},
	...get.description,
	...getMany.description,
	...getMembers.description,
];
