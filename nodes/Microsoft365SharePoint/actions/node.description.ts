import type { INodeProperties } from 'n8n-workflow';
import { authenticationProperty } from '../../shared/node-common';
import * as file from './file';
import * as folder from './folder';
import * as sitePermission from './sitePermission';

/** The node's parameters: authentication, resource, then each operation's own. */
export const properties: INodeProperties[] = [
	authenticationProperty('delegated'),
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'File', value: 'file' },
			{ name: 'Folder', value: 'folder' },
			{ name: 'Site Permission', value: 'sitePermission' },
		],
		default: 'file',
	},
	...file.description,
	...folder.description,
	...sitePermission.description,
];
