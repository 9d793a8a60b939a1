/**
 * Finding or creating the chat for a list of people: a pair gets its one-on-one chat (Graph's
 * `POST /chats` returns the existing one-on-one chat instead of creating another), a group gets
 * an existing group chat with exactly these members, else a new one. Per run, each member set is
 * looked up once, so many items to the same people never create duplicate chats.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
} from 'n8n-workflow';
import { assertMailboxAllowed } from '../shared/credentials/validate';
import { chatPace, type GraphTransport } from '../shared/transport';
import { segment } from './locators';
import type { DirectoryUser } from './users';

const chatsByMembers = new WeakMap<GraphTransport, Map<string, Promise<string>>>();

function bind(transport: GraphTransport, userId: string): IDataObject {
	return {
		'@odata.type': '#microsoft.graph.aadUserConversationMember',
		roles: ['owner'],
		'user@odata.bind': `${transport.root}/users('${userId}')`,
	};
}

/** The `POST /chats` body for these members (the signed-in user among them). */
export function newChatBody(
	transport: GraphTransport,
	memberIds: string[],
	topic: string | undefined,
): IDataObject {
	const group = memberIds.length > 2;
	return {
		chatType: group ? 'group' : 'oneOnOne',
		...(group && topic ? { topic } : {}),
		members: memberIds.map((id) => bind(transport, id)),
	};
}

async function findGroupChat(
	transport: GraphTransport,
	memberIds: string[],
	itemIndex: number,
): Promise<string | undefined> {
	const wanted = [...memberIds].sort().join(',');
	for await (const chat of transport.paginate<IDataObject>('/me/chats', {
		query: { $filter: "chatType eq 'group'", $expand: 'members' },
		pageSize: 50,
		itemIndex,
	})) {
		const members = (chat.members as IDataObject[] | undefined) ?? [];
		const ids = members
			.map((m) => String(m.userId ?? '').toLowerCase())
			.sort()
			.join(',');
		if (ids === wanted) return String(chat.id);
	}
	return undefined;
}

export async function chatFor(
	transport: GraphTransport,
	node: INode,
	me: DirectoryUser,
	people: DirectoryUser[],
	topic: string | undefined,
	itemIndex: number,
): Promise<string> {
	const memberIds = [...new Set([me.id, ...people.map((p) => p.id)].map((id) => id.toLowerCase()))];
	if (memberIds.length < 2)
		throw new NodeOperationError(node, 'Recipients: name at least one person other than yourself', {
			itemIndex,
			description: 'Teams has no chat with yourself through Graph. Add the people to send to.',
		});
	let known = chatsByMembers.get(transport);
	if (!known) {
		known = new Map();
		chatsByMembers.set(transport, known);
	}
	const key = [...memberIds].sort().join(',');
	let pending = known.get(key);
	if (!pending) {
		pending = (async () => {
			if (memberIds.length > 2) {
				const existing = await findGroupChat(transport, memberIds, itemIndex);
				if (existing) return existing;
			}
			const chat = await transport.request<IDataObject>({
				method: 'POST',
				url: '/chats',
				body: newChatBody(transport, memberIds, topic),
				// Repeating a one-on-one create returns the same chat; a group create is not repeated.
				effect: memberIds.length === 2 ? 'replaceable' : 'createOnce',
				itemIndex,
			});
			return String(chat.id);
		})();
		known.set(key, pending);
		pending.catch(() => known.delete(key));
	}
	return await pending;
}

/**
 * Posts a chatMessage into a chat: the one chat post of the node (Chat Message → Send and Send
 * and Wait). Posting is `createOnce`: a post whose answer was lost is not repeated.
 */
export async function postToChat(
	transport: GraphTransport,
	chatId: string,
	message: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	const posted = await transport.request<IDataObject>({
		effect: 'createOnce',
		method: 'POST',
		url: `/chats/${segment(chatId)}/messages`,
		body: message,
		// Teams' posting limits, per app and chat: see transport/pacing.ts.
		pace: chatPace(chatId),
		itemIndex,
	});
	delete posted['@odata.context'];
	return posted;
}

/**
 * App-only reads of a user's chats: the User field (object ID or user principal name), checked
 * against the app credential's Mailbox Restriction before any request — the restriction covers
 * chats as it covers mail and calendars (the transport refuses `/users/{id}/chats...` outside it
 * too). Returns the path of the user's chats.
 */
export function chatsOfUser(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
): { path: string; user: string } {
	const user = String(ctx.getNodeParameter('user', itemIndex, '') ?? '').trim();
	const node = ctx.getNode();
	if (!user)
		throw new NodeOperationError(node, 'User is empty', {
			itemIndex,
			description:
				'With the app-only credential, enter whose chats to read (object ID or user principal name). No request was made.',
		});
	if (transport.scheme === 'application') {
		try {
			assertMailboxAllowed(transport.provider.mailboxRestriction, user, 'Mailbox Restriction');
		} catch (error) {
			throw new NodeOperationError(node, `User: ${(error as Error).message}`, {
				itemIndex,
				description:
					"The app credential's Mailbox Restriction lists the only users whose mail, calendars and chats it may read. Enter a user within it, or widen the restriction in the credential. No request was made.",
			});
		}
	}
	return { path: `/users/${encodeURIComponent(user)}/chats`, user };
}
