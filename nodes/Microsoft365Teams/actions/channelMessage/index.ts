import type { INodeProperties } from 'n8n-workflow';
import { operationProperty } from '../fields';
import * as post from './post.operation';
import * as postWithFile from './postWithFile.operation';
import * as reply from './reply.operation';

export { post, postWithFile, reply };

export const description: INodeProperties[] = [
	operationProperty('channelMessage', [
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
		{ name: 'Reply', value: 'reply', action: 'Reply to a channel message' },
	]),
	...post.description,
	...postWithFile.description,
	...reply.description,
];
