import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as get from './get.operation';
import * as getMany from './getMany.operation';
import * as post from './post.operation';
import * as postWithFile from './postWithFile.operation';
import * as reply from './reply.operation';
import * as sendAndWait from './sendAndWait.operation';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = {
	get,
	getMany,
	post,
	postWithFile,
	reply,
	sendAndWait,
};

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['channelMessage'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				action: 'Get a channel message',
				description: 'Get a message of a channel by its ID or link, with its replies if asked',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				action: 'Get many channel messages',
				description:
					'Messages of a channel (or, app-only and metered, of all channels of a team), with replies, since a date',
			},
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
	...get.description,
	...getMany.description,
	...post.description,
	...postWithFile.description,
	...reply.description,
	...sendAndWait.description,
];
