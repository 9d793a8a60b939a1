import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as send from './send.operation';
import * as sendAndWait from './sendAndWait.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { get, getMany, send, sendAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['chatMessage'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a chat message',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many chat messages',
				description:
					"Messages of a chat (or, app-only and metered, of all a user's chats), since a date",
			},
			{
				name: 'Send',
				value: 'send',
				action: 'Send a chat message',
				description: 'Send to people (their one-on-one or group chat) or to an existing chat',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				action: 'Send chat message and wait for response',
				description:
					'Send a card with approve/decline buttons or a form link, and wait for the answer',
			},
		],
		default: 'send',
	},
	...get.description,
	...getMany.description,
	...send.description,
	...sendAndWait.description,
];
