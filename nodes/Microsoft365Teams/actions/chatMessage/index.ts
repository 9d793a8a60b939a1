import type { INodeProperties } from 'n8n-workflow';
import { operationProperty } from '../fields';
import * as send from './send.operation';

export { send };

export const description: INodeProperties[] = [
	operationProperty('chatMessage', [
		{
			name: 'Send',
			value: 'send',
			action: 'Send a chat message',
			description: 'Send to people (their one-on-one or group chat) or to an existing chat',
		},
	]),
	...send.description,
];
