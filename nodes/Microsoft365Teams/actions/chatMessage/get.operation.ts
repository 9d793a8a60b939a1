import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { chatsOfUser } from '../../chats';
import { chatIdFrom, segment } from '../../locators';
import { explainChatForbidden, explainMessageNotFound, messageIdFrom } from '../../read-errors';
import { readOutputFor, shapeMessage } from '../../read-output';
import {
	bodyFormatOption,
	chatLocator,
	chatUserProperty,
	metadataOnlyOption,
	pseudonymiseProperties,
} from '../fields';

const properties: INodeProperties[] = [
	chatUserProperty(
		"Whose chat it is (object ID or user principal name), within the credential's Mailbox Restriction",
	),
	chatLocator(),
	{
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1616965872395',
		description: 'The ID of a message of this chat, or its link',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [bodyFormatOption, metadataOnlyOption],
	},
	...pseudonymiseProperties,
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
	let message: IDataObject;
	try {
		message = await transport.request<IDataObject>({
			effect: 'read',
			method: 'GET',
			url,
			itemIndex,
		});
	} catch (error) {
		throw explainChatForbidden(
			explainMessageNotFound(error, messageId, 'chat', chatId),
			app,
			owner?.user,
		);
	}
	return shapeMessage(message, output);
}
