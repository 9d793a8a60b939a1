import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { authenticationProperty, credentialDescriptions } from '../../shared/node-common';
import { pseudonymKeyCredential, pseudonymProperties } from '../pseudonym';
import * as credential from './credential';
import * as group from './group';
import * as user from './user';

/**
 * The description of the Entra ID node and of the Entra ID Trigger: n8n's node creator merges a
 * node and its trigger into one entry and shows the trigger's description under it, so both carry
 * the same text, which covers the actions and the trigger.
 */
export const ENTRA_DESCRIPTION =
	'Read Entra ID users, groups, memberships and managers, and start workflows when users, groups or memberships change';

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
			{ name: 'Credential', value: 'credential' },
			{ name: 'Group', value: 'group' },
			{ name: 'User', value: 'user' },
		],
		default: 'user',
	},
	...user.description,
	...group.description,
	...credential.description,
	// Check Permissions outputs no identities to pseudonymise.
	...pseudonymProperties.map((property) => ({
		...property,
		displayOptions: {
			...property.displayOptions,
			hide: { ...property.displayOptions?.hide, resource: ['credential'] },
		},
	})),
];
