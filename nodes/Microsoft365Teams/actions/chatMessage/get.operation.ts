import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { chatsOfUser } from '../../chats';
import { chatIdFrom, segment } from '../../locators';
import { readOneMessage } from '../../message-reads';
import { explainChatForbidden, explainMessageNotFound, messageIdFrom } from '../../read-errors';
import { readOutputFor, shapeMessage } from '../../read-output';
import { chatLocator, chatUserProperty, messageIdProperty, readOutputProperties } from '../fields';

const properties: INodeProperties[] = [
	chatUserProperty(
		"Whose chat it is (object ID or user principal name), within the credential's Mailbox Restriction",
	),
	chatLocator(),
	messageIdProperty('The ID of a message of this chat, or its link'),
	...readOutputProperties(),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['get'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/chats/{id}/messages/{id}', scheme: 'delegated' },
	{ method: 'GET', path: '/users/{id}/chats/{id}/messages/{id}', scheme: 'application' },
]);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const app = this.getNodeParameter('authentication', itemIndex, 'delegated') === 'app';
	const chatId = chatIdFrom(this, itemIndex);
	const messageId = messageIdFrom(this, itemIndex, chatId, 'chat');
	const output = await readOutputFor(this, itemIndex);
	const transport = await getTransport(this, itemIndex);
	const owner = app ? chatsOfUser(this, transport, itemIndex) : undefined;
	const url = `${owner ? owner.path : '/chats'}/${segment(chatId)}/messages/${messageId}`;
	const message = await readOneMessage(transport, url, itemIndex, (error) =>
		explainChatForbidden(
			explainMessageNotFound(error, messageId, 'chat', chatId),
			app,
			owner?.user,
		),
	);
	return shapeMessage(message, output);
}
