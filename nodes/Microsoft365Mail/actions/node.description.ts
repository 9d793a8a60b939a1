import type { INodeProperties } from 'n8n-workflow';
import { authenticationProperty } from '../../shared/node-common';
import * as message from './message';

/**
 * The description of the Mail node and of the Mail Trigger: n8n's node creator merges a node and
 * its trigger (`<name>` and `<name>Trigger`) into one entry and shows the trigger's description
 * under it, so both carry the same text, which covers the actions and the trigger.
 */
export const MAIL_DESCRIPTION =
	'Send, read and organize Microsoft 365 (Exchange Online) mail through Microsoft Graph or SMTP with OAuth2, and start workflows when new mail arrives';

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
