import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import {
	sendAndWaitProperties,
	sendEach,
	waitForAnswer,
	type Delivery,
} from '../../../shared/send-and-wait';
import { chatFor, postToChat } from '../../chats';
import { chatIdFrom } from '../../locators';
import { answerMessage, readSendAndWait } from '../../send-and-wait';
import { readRecipients, resolveUsers, signedInUser, type DirectoryUser } from '../../users';
import { chatTargetProperty, recipientsProperty, sendToProperty } from './fields';

export const description: INodeProperties[] = sendAndWaitProperties({
	resource: 'chatMessage',
	target: [
		sendToProperty('Each person in their one-on-one chat with you (or one group chat)'),
		recipientsProperty(
			'User principal names, mail addresses or object IDs, separated by commas. With "Accept Answers Only From Recipients" each gets the card in their one-on-one chat with you; without it, one card goes to the group chat of these people.',
		),
		chatTargetProperty(),
	],
	subject: false,
	recipientsOnly: {
		description:
			'Whether each person gets their own card whose links name them (the answer says whose link was used). Off: one card in a shared chat, whose links name nobody; an Existing Chat needs this off. A link proves whose card it came from, not who opened it.',
	},
});

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/me', scheme: 'delegated', when: 'sending to people' },
	{ method: 'GET', path: '/users', scheme: 'delegated', when: 'sending to people' },
	{ method: 'GET', path: '/users/{id}', scheme: 'delegated', when: 'sending to people' },
	{
		method: 'GET',
		path: '/me/chats',
		scheme: 'delegated',
		when: 'one card to several people (finding their group chat)',
	},
	{ method: 'POST', path: '/chats', scheme: 'delegated', when: 'sending to people' },
	{ method: 'POST', path: '/chats/{id}/messages', scheme: 'delegated' },
]);

/** The address an answer names for a person: their mail, else their user principal name. */
function addressOf(user: DirectoryUser): string {
	return user.mail || user.userPrincipalName || user.id;
}

/**
 * Posts the answer card (one per person, in their one-on-one chat, or one to a shared chat),
 * then puts the execution to wait for the first answer.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const node = this.getNode();
	const request = readSendAndWait(this, itemIndex);
	const sendTo = this.getNodeParameter('sendTo', itemIndex, 'people') as 'people' | 'chat';
	const chatId = sendTo === 'chat' ? chatIdFrom(this, itemIndex) : undefined;
	if (chatId && request.config.recipientsOnly)
		throw new NodeOperationError(
			node,
			'Accept Answers Only From Recipients: an existing chat has no per-person links',
			{
				itemIndex,
				description:
					'Every member of a chat sees the same card, so an answer could not be told apart by recipient. Choose Send To "People" (each gets their own card), or turn the option off to accept an answer from anyone in the chat. Nothing was posted.',
			},
		);
	const people = readRecipients(this, itemIndex, sendTo, ' Nothing was posted.');
	const transport = await getTransport(this, itemIndex);
	let deliveries: Array<Delivery<() => Promise<string>>>;
	if (chatId) {
		deliveries = [{ target: chatId, payload: async () => chatId }];
	} else {
		const [me, found] = await Promise.all([
			signedInUser(transport, itemIndex),
			resolveUsers(transport, node, people, 'Recipients', itemIndex),
		]);
		// A person named twice (by address and by ID, say) gets one card.
		const users = found.filter((u, i) => found.findIndex((v) => v.id === u.id) === i);
		deliveries = request.config.recipientsOnly
			? users.map((user) => ({
					recipient: addressOf(user),
					target: addressOf(user),
					payload: async () => await chatFor(transport, node, me, [user], undefined, itemIndex),
				}))
			: [
					{
						target: users.map(addressOf).join(', '),
						payload: async () => await chatFor(transport, node, me, users, undefined, itemIndex),
					},
				];
	}
	// Every card is built (and checked against Teams' size limit) before the first post.
	const messages = deliveries.map((d) => answerMessage(this, itemIndex, request, d.recipient));
	const sent = await sendEach(this, itemIndex, deliveries, async (delivery) => {
		const chat = await delivery.payload();
		const posted = await postToChat(
			transport,
			chat,
			messages[deliveries.indexOf(delivery)],
			itemIndex,
		);
		return { chatId: chat, messageId: posted.id };
	});
	return await waitForAnswer(this, itemIndex, sent, request.waitTill);
}
