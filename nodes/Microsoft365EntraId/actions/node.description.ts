import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { authenticationProperty, credentialDescriptions } from '../../shared/node-common';
import { pseudonymKeyCredential, pseudonymProperties } from '../pseudonym';
import * as group from './group';
import * as user from './user';

/** Both Microsoft 365 credentials, and the pseudonym key when it comes from a credential. */
export const credentials: INodeCredentialDescription[] = [
	...credentialDescriptions,
	pseudonymKeyCredential,
];

export const properties: INodeProperties[] = [
	authenticationProperty('app'),
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Group', value: 'group' },
			{ name: 'User', value: 'user' },
		],
		default: 'user',
	},
	...user.description,
	...group.description,
	...pseudonymProperties,
];
