/** The Mail trigger's parameters (the node file only assembles them). */
import type { INodeProperties } from 'n8n-workflow';
import { authenticationProperty } from '../../shared/node-common';
import { folderField, mailboxField, readOptions } from '../actions/message/fields';

export const properties: INodeProperties[] = [
	authenticationProperty(),
	mailboxField,
	folderField('folder', 'Folder', 'The folder to watch for new messages'),
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: readOptions.filter((o) => o.name !== 'fields'),
	},
];
