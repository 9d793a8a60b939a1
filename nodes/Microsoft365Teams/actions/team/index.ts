import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as getMany from './getMany.operation';
import * as getMembers from './getMembers.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { getMany, getMembers };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['team'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many teams',
			},
			{
				name: 'Get Members',
				value: 'getMembers',
				action: 'Get members of a team',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...getMembers.description,
];
