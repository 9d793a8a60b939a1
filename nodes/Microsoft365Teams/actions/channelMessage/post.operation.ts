import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { declareGraphCalls } from '../../../shared/operations';
import { channelLane, postChannelMessage } from '../../channel-post';
import { channelLocator, messageFields, teamLocator } from '../fields';
import { MENTION_CALLS } from './mention-calls';

const properties: INodeProperties[] = [
	teamLocator(),
	channelLocator(),
	...messageFields({ subject: true, conversationMentions: true, messageRequired: false }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channelMessage'], operation: ['post'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/teams/{id}/channels/{id}/messages', scheme: 'delegated' },
	...MENTION_CALLS,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	return await postChannelMessage(this, itemIndex, 'post');
}

/** Items to one channel post in order; different channels at the same time (router lanes). */
export function laneOf(this: IExecuteFunctions, itemIndex: number): string {
	return channelLane(this, itemIndex);
}
