import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as getMany from './getMany.operation';
import * as grant from './grant.operation';
import * as revoke from './revoke.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { getMany, grant, revoke };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['sitePermission'] } },
		options: [
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the apps granted access to a site (Sites.Selected)',
				action: 'Get many site permissions',
			},
			{
				name: 'Grant',
				value: 'grant',
				description: 'Give an app a role on a site (for apps with Sites.Selected)',
				action: 'Grant an app access to a site',
			},
			{
				name: 'Revoke',
				value: 'revoke',
				description: "Remove an app's access to a site",
				action: 'Revoke an app access to a site',
			},
		],
		default: 'getMany',
	},
	...getMany.description,
	...grant.description,
	...revoke.description,
];
