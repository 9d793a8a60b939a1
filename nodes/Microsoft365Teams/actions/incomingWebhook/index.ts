import type { INodeProperties } from 'n8n-workflow';
import { operationProperty } from '../fields';
import * as postCard from './postCard.webhook';

export { postCard };

export const description: INodeProperties[] = [
	operationProperty('incomingWebhook', [
		{
			name: 'Post Card',
			value: 'postCard',
			action: 'Post an adaptive card through a workflows webhook',
			description:
				'Post an adaptive card to a channel through a Teams Workflows webhook (no Graph token)',
		},
	]),
	...postCard.description,
];
