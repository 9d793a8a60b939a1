import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as del from './delete.operation';
import * as forward from './forward.operation';
import * as get from './get.operation';
import * as getAll from './getAll.operation';
import * as markAsRead from './markAsRead.operation';
import * as markAsUnread from './markAsUnread.operation';
import * as move from './move.operation';
import * as reply from './reply.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = {
	delete: del,
	forward,
	get,
	getAll,
	markAsRead,
	markAsUnread,
	move,
	reply,
	send,
	sendAndWait,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['message'] } },
		options: [
			{
				name: 'Delete',
				value: 'delete',
				action: 'Delete a message',
				description: 'Move a message to Deleted Items',
			},
			{ name: 'Forward', value: 'forward', action: 'Forward a message' },
			{ name: 'Get', value: 'get', action: 'Get a message' },
			{
				name: 'Get Many',
				value: 'getAll',
				action: 'Get many messages',
				description: 'List the messages of a folder',
			},
			{ name: 'Mark as Read', value: 'markAsRead', action: 'Mark a message as read' },
			{ name: 'Mark as Unread', value: 'markAsUnread', action: 'Mark a message as unread' },
			{ name: 'Move', value: 'move', action: 'Move a message to a folder' },
			{ name: 'Reply', value: 'reply', action: 'Reply to a message' },
			{ name: 'Send', value: 'send', action: 'Send a message' },
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				action: 'Send message and wait for response',
				description:
					'Send a message with approve/decline buttons or a form link, and wait for the answer',
			},
		],
		default: 'send',
	},
	...send.description,
	...sendAndWait.description,
	...get.description,
	...getAll.description,
	...markAsRead.description,
	...markAsUnread.description,
	...move.description,
	...reply.description,
	...forward.description,
	...del.description,
];
