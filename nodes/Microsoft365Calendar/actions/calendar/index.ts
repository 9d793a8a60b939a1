import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { create, delete: del, get, getMany };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['calendar'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a calendar',
				action: 'Create a calendar',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete a calendar and its events',
				action: 'Delete a calendar',
			},
			{ name: 'Get', value: 'get', description: 'Get a calendar', action: 'Get a calendar' },
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the calendars of the owner',
				action: 'Get many calendars',
			},
		],
		default: 'getMany',
	},
	...create.description,
	...del.description,
	...get.description,
	...getMany.description,
];
