import type { INodeProperties } from 'n8n-workflow';
import { authenticationProperty } from '../../shared/node-common';
import * as message from './message';

/** The node's parameters: authentication, resource, then each operation's own. */
export const properties: INodeProperties[] = [
	authenticationProperty(),
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Message', value: 'message' }],
		default: 'message',
	},
	...message.description,
];
