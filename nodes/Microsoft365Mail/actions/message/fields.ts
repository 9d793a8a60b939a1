/** Parameters several message operations share (each operation wraps them with its displayOptions). */
import type { INodeProperties } from 'n8n-workflow';
import { mailboxLocator } from '../../../shared/mailbox';

export const mailboxField: INodeProperties = {
	displayName: 'Mailbox',
	name: 'mailbox',
	type: 'string',
	default: '',
	placeholder: 'servicedesk@contoso.com',
	description:
		"UPN, address or object ID of the mailbox. Delegated: leave empty for your own mailbox; a shared mailbox or another user needs rights on it (Mail.Send.Shared / Mail.ReadWrite.Shared). App-only: required, and within the credential's Mailbox Restriction.",
};

export const messageIdField: INodeProperties = {
	displayName: 'Message ID',
	name: 'messageId',
	type: 'string',
	default: '',
	required: true,
	description: 'The ID of the message, from the output of Get Many or the trigger',
};

export function folderField(
	name: string,
	displayName: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'resourceLocator',
		default: { mode: 'id', value: 'inbox' },
		required: true,
		description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: 'searchFolders', searchable: true },
			},
			{
				displayName: 'By Name or ID',
				name: 'id',
				type: 'string',
				placeholder: 'inbox',
				hint: 'A well-known name (inbox, drafts, sentitems, deleteditems, junkemail, archive) or a folder ID',
			},
		],
	};
}

export const readOptions: INodeProperties[] = [
	{
		displayName: 'Fields',
		name: 'fields',
		type: 'string',
		default: '',
		placeholder: 'subject,from,receivedDateTime',
		description:
			'Message properties to return ($select), comma-separated; empty for the default set',
	},
	{
		displayName: 'Download Attachments',
		name: 'downloadAttachments',
		type: 'boolean',
		default: false,
		description: 'Whether to download file attachments into binary properties of the output item',
	},
	{
		displayName: 'Binary Property Prefix',
		name: 'binaryPrefix',
		type: 'string',
		default: 'attachment_',
		description:
			'Prefix of the binary properties attachments go into (attachment_0, attachment_1, …)',
	},
];

/** The Options collection of Get and Get Many. */
export const readOptionsCollection: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: readOptions,
};

/** The mailbox a message is sent from: optional when delegated, required (a locator) app-only. */
export const senderFields: INodeProperties[] = [
	{
		...mailboxField,
		displayName: 'Mailbox (From)',
		description:
			'Mailbox to send from: UPN, address or object ID. Leave empty to send as yourself; a shared mailbox or another user needs Mail.Send.Shared and Send As rights.',
		displayOptions: { show: { authentication: ['delegated'] } },
	},
	// App-only has no signed-in user: the mailbox is required, picked from the directory (within
	// the credential's Mailbox Restriction) or entered. Same parameter name as the delegated
	// field: a plain string saved before this was a resource locator still works (mailboxOf).
	mailboxLocator({
		displayName: 'Mailbox (From)',
		name: 'mailbox',
		description:
			"The mailbox the app sends from. Only mailboxes within the credential's Mailbox Restriction are listed and accepted.",
		displayOptions: { show: { authentication: ['app'] } },
	}),
];
