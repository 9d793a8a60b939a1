import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as post from './post.operation';
import * as postWithFile from './postWithFile.operation';
import * as reply from './reply.operation';
import * as sendAndWait from './sendAndWait.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { post, postWithFile, reply, sendAndWait };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['channelMessage'] } },
		options: [
			{
				name: 'Post',
				value: 'post',
				action: 'Post a message to a channel',
				description: 'Post text or HTML, mentions and an adaptive card to a channel',
			},
			{
				name: 'Post With File',
				value: 'postWithFile',
				action: 'Post a file to a channel',
				description: "Upload a file to the channel's files folder and post a message with it",
			},
			{
				name: 'Reply',
				value: 'reply',
				action: 'Reply to a channel message',
			},
			{
				name: 'Send and Wait for Response',
				value: 'sendAndWait',
				action: 'Post to a channel and wait for response',
				description:
					'Post a card with approve/decline buttons or a form link, and wait for the answer',
			},
		],
		default: 'post',
	},
	...post.description,
	...postWithFile.description,
	...reply.description,
	...sendAndWait.description,
];
