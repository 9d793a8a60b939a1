import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as copy from './copy.operation';
import * as del from './delete.operation';
import * as download from './download.operation';
import * as get from './get.operation';
import * as move from './move.operation';
import * as upload from './upload.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = {
	copy,
	delete: del,
	download,
	get,
	move,
	upload,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['file'] } },
		options: [
			{
				name: 'Copy',
				value: 'copy',
				description: 'Copy a file or folder to a folder of this or another library',
				action: 'Copy a file',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: "Delete a file or folder (to the site's recycle bin)",
				action: 'Delete a file',
			},
			{
				name: 'Download',
				value: 'download',
				description: 'Download a file into a binary field',
				action: 'Download a file',
			},
			{
				name: 'Get',
				value: 'get',
				description: 'Get the properties of a file or folder',
				action: 'Get a file',
			},
			{
				name: 'Move',
				value: 'move',
				description: 'Move or rename a file or folder',
				action: 'Move a file',
			},
			{
				name: 'Upload',
				value: 'upload',
				description: 'Upload a file of any size into a folder of a library',
				action: 'Upload a file',
			},
		],
		default: 'upload',
	},
	...upload.description,
	...download.description,
	...get.description,
	...del.description,
	...copy.description,
	...move.description,
];
