import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { channelIdFrom, segment, teamIdFrom } from '../../locators';
import { MESSAGE_PAGE_SIZE, readOneMessage } from '../../message-reads';
import { explainChannelForbidden, explainMessageNotFound, messageIdFrom } from '../../read-errors';
import { readOutputFor, shapeMessage } from '../../read-output';
import { channelLocator, messageIdProperty, readOutputProperties, teamLocator } from '../fields';

const properties: INodeProperties[] = [
	teamLocator('The team of the channel'),
	channelLocator(),
	messageIdProperty(
		'The ID of a message posted in this channel (not of a reply), or the message\'s link ("..." → "Copy link")',
	),
	...readOutputProperties([
		{
			displayName: 'Include Replies',
			name: 'includeReplies',
			type: 'boolean',
			default: false,
			description: 'Whether to include the message\'s replies (in "replies")',
		},
	]),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['channelMessage'], operation: ['get'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/teams/{id}/channels/{id}/messages/{id}' },
	{
		method: 'GET',
		path: '/teams/{id}/channels/{id}/messages/{id}/replies',
		when: 'Include Replies',
	},
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const teamId = teamIdFrom(this, itemIndex);
	const channelId = channelIdFrom(this, itemIndex, teamId);
	const messageId = messageIdFrom(this, itemIndex, channelId, 'channel');
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	const url = `/teams/${teamId}/channels/${segment(channelId)}/messages/${messageId}`;
	const message = await readOneMessage(transport, url, itemIndex, (error) =>
		explainChannelForbidden(
			explainMessageNotFound(error, messageId, 'channel', channelId),
			transport.scheme === 'application',
		),
	);
	if (options.includeReplies === true) {
		const replies: IDataObject[] = [];
		for await (const reply of transport.paginate<IDataObject>(`${url}/replies`, {
			pageSize: MESSAGE_PAGE_SIZE,
			itemIndex,
		}))
			replies.push(reply);
		message.replies = replies;
	}
	return shapeMessage(message, output);
}
