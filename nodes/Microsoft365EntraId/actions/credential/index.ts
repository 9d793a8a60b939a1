import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as checkPermissions from './checkPermissions.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { checkPermissions };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['credential'] } },
		options: [
			{
				name: 'Check Permissions',
				value: 'checkPermissions',
				description:
					"Which operations of every Microsoft 365 node the credential's token allows, and what is missing",
				action: 'Check the permissions of the credential',
			},
		],
		default: 'checkPermissions',
	},
	...checkPermissions.description,
];
