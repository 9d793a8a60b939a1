import type { INodeProperties } from 'n8n-workflow';
import type { Operation } from '../../../shared/router';
import * as postCard from './postCard.webhook';

/** The operations of this resource, by the value of their Operation option (for the router). */
export const operations: Record<string, Operation> = { postCard };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['incomingWebhook'] } },
		options: [
			{
				name: 'Post Card',
				value: 'postCard',
				action: 'Post an adaptive card through a workflows webhook',
				description:
					'Post an adaptive card to a channel through a Teams Workflows webhook (no Graph token)',
			},
		],
		default: 'postCard',
	},
	...postCard.description,
];
