import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { channelLane, postChannelMessage } from '../../channel-post';
import { channelLocator, messageFields, teamLocator } from '../fields';
import { MENTION_CALLS } from './mention-calls';

const properties: INodeProperties[] = [
	teamLocator(),
	channelLocator(),
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1616990032035',
		description: 'ID of the channel message to reply to (the ID that Post returns)',
	},
	...messageFields({ subject: false, conversationMentions: true, messageRequired: false }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channelMessage'], operation: ['reply'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/teams/{id}/channels/{id}/messages/{id}/replies', scheme: 'delegated' },
	...MENTION_CALLS,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await postChannelMessage(this, itemIndex, 'reply');
}

/** Items to one channel post in order; different channels at the same time (router lanes). */
export function laneOf(this: IExecuteFunctions, itemIndex: number): string {
	return channelLane(this, itemIndex);
}
