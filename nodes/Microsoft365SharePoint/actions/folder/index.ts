import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as create from './create.operation';
import * as list from './list.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { create, list };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['folder'] } },
		options: [
			{
				name: 'Create',
				value: 'create',
				description: 'Create a folder, with any missing parent folders',
				action: 'Create a folder',
			},
			{
				name: 'Get Many',
				value: 'list',
				description: 'List the files and folders in a folder',
				action: 'Get many items in a folder',
			},
		],
		default: 'create',
	},
	...create.description,
	...list.description,
];
