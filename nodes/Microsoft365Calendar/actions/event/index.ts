import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as cancel from './cancel.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as forward from './forward.operation';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as respond from './respond.operation';
import * as update from './update.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = {
	cancel,
	create,
	delete: del,
	forward,
	get,
	getMany,
	respond,
	update,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['event'] } },
		options: [
			{
				name: 'Cancel',
				value: 'cancel',
				description: 'Cancel a meeting you organize and notify its attendees',
				action: 'Cancel an event',
			},
			{
				name: 'Create',
				value: 'create',
				description: 'Create an event or meeting',
				action: 'Create an event',
			},
			{
				name: 'Delete',
				value: 'delete',
				description: 'Delete an event without notifying anyone',
				action: 'Delete an event',
			},
			{
				name: 'Forward',
				value: 'forward',
				description: 'Forward a meeting invitation to other people',
				action: 'Forward an event',
			},
			{ name: 'Get', value: 'get', description: 'Get an event', action: 'Get an event' },
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the events or occurrences of a calendar',
				action: 'Get many events',
			},
			{
				name: 'Respond',
				value: 'respond',
				description: 'Accept, tentatively accept or decline a meeting',
				action: 'Respond to an event',
			},
			{
				name: 'Update',
				value: 'update',
				description: 'Change an event',
				action: 'Update an event',
			},
		],
		default: 'getMany',
	},
	...cancel.description,
	...create.description,
	...del.description,
	...forward.description,
	...get.description,
	...getMany.description,
	...respond.description,
	...update.description,
];
