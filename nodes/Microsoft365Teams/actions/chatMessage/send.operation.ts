import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import { chatFor, postToChat } from '../../chats';
import { messageFields } from '../fields';
import { chatTargetProperty, recipientsProperty, sendToProperty } from './fields';
import { assertDelegatedForPosting } from '../../guard';
import { chatIdFrom } from '../../locators';
import { buildMessage, checkDraft, readMessage, resolveMentions } from '../../message';
import { readRecipients, resolveUsers, signedInUser, splitPeople } from '../../users';

const properties: INodeProperties[] = [
	sendToProperty('One person (their one-on-one chat) or several (a group chat), found or created'),
	recipientsProperty(
		'User principal names, mail addresses or object IDs, separated by commas. One person: your one-on-one chat with them; several: the group chat with exactly these people (created if there is none).',
	),
	{
		displayName: 'Group Chat Topic',
		name: 'topic',
		type: 'string',
		default: '',
		description: 'Topic of a group chat the node creates (not used for one-on-one chats)',
		displayOptions: { show: { sendTo: ['people'] } },
	},
	chatTargetProperty(),
	...messageFields({ subject: false, conversationMentions: false, messageRequired: false }),
];

export const description = updateDisplayOptions(
	{ show: { resource: ['chatMessage'], operation: ['send'] } },
	properties,
);

export const graphCalls = declareGraphCalls([
	{ method: 'GET', path: '/me', scheme: 'delegated', when: 'sending to people' },
	{ method: 'GET', path: '/users', scheme: 'delegated', when: 'people or mentions are named' },
	{ method: 'GET', path: '/users/{id}', scheme: 'delegated', when: 'people or mentions are named' },
	{
		method: 'GET',
		path: '/me/chats',
		scheme: 'delegated',
		when: 'sending to several people (finding their group chat)',
	},
	{
		method: 'POST',
		path: '/chats',
		scheme: 'delegated',
		when: 'sending to people (finds or creates the chat)',
	},
	{ method: 'POST', path: '/chats/{id}/messages', scheme: 'delegated' },
]);

/** Items to one chat (or one set of people) send in order; different chats at the same time. */
export function laneOf(this: IExecuteFunctions, itemIndex: number): string {
	if (this.getNodeParameter('sendTo', itemIndex, 'people') === 'chat')
		return `chat:${chatIdFrom(this, itemIndex)}`;
	const people = splitPeople(this.getNodeParameter('recipients', itemIndex, ''));
	return `people:${people
		.map((p) => p.toLowerCase())
		.sort()
		.join(',')}`;
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	assertDelegatedForPosting(this, itemIndex);
	const node = this.getNode();
	const sendTo = this.getNodeParameter('sendTo', itemIndex, 'people') as 'people' | 'chat';
	const chatId = sendTo === 'chat' ? chatIdFrom(this, itemIndex) : undefined;
	const people = readRecipients(this, itemIndex, sendTo);
	const { input, card } = readMessage(this, itemIndex);
	checkDraft(node, input, card, { withFile: false, allowSubject: false }, itemIndex);

	const transport = await getTransport(this, itemIndex);
	const mentions = await resolveMentions(transport, node, input.mentions, {}, itemIndex);
	let target = chatId;
	if (!target) {
		const [me, users] = await Promise.all([
			signedInUser(transport, itemIndex),
			resolveUsers(transport, node, people, 'Recipients', itemIndex),
		]);
		const topic = String(this.getNodeParameter('topic', itemIndex, '') ?? '').trim() || undefined;
		target = await chatFor(transport, node, me, users, topic, itemIndex);
	}
	const message = buildMessage(node, { input, mentions, card, allowSubject: false }, itemIndex);
	return await postToChat(transport, target, message, itemIndex);
}
