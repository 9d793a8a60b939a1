/**
 * What the Teams reads output: messages, chats and members as Graph returns them, or shaped by
 * the read options — Metadata Only (no body, subject, summary, attachment content, card or file
 * names), Body Format (HTML as stored, or text converted here: see html-text.ts), and Pseudonymise
 * (people's identities replaced by the keyed hashes of `nodes/shared/pseudonym.ts`).
 *
 * Pseudonyms are the Entra ID node's for the same key: a user's object ID (`from.user.id`,
 * `mentioned.user.id`, a member's `userId`) gives the pseudonym the Entra ID node gives the
 * user's `id` (case-insensitive), a display name the pseudonym of its `displayName`
 * (case-sensitive), a member's `email` the pseudonym of its `mail` (case-insensitive). So a
 * workflow joins Teams activity to pseudonymised directory data without seeing identities.
 */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { pseudonym, readPseudonymKey } from '../shared/pseudonym';
import { htmlToText } from './html-text';

export interface ReadOutput {
	metadataOnly: boolean;
	bodyFormat: 'html' | 'text';
	/** The pseudonym key when Pseudonymise is on. */
	pseudonymKey?: string;
}

/** Reads the item's read options; the pseudonym key is checked before anything is sent. */
export async function readOutputFor(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<ReadOutput> {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const pseudonymise = ctx.getNodeParameter('pseudonymise', itemIndex, false) as boolean;
	return {
		metadataOnly: options.metadataOnly === true,
		bodyFormat: options.bodyFormat === 'text' ? 'text' : 'html',
		pseudonymKey: pseudonymise ? await readPseudonymKey(ctx, itemIndex) : undefined,
	};
}

/** What Metadata Only keeps of a chatMessage (besides from, mentions, reactions, attachments, replies). */
const MESSAGE_METADATA = [
	'id',
	'replyToId',
	'etag',
	'messageType',
	'createdDateTime',
	'lastModifiedDateTime',
	'lastEditedDateTime',
	'deletedDateTime',
	'chatId',
	'importance',
	'locale',
	'webUrl',
	'channelIdentity',
	'from',
];

/** What Metadata Only keeps of a chat: no topic, no preview of the last message. */
const CHAT_METADATA = [
	'id',
	'chatType',
	'createdDateTime',
	'lastUpdatedDateTime',
	'tenantId',
	'webUrl',
	'isHiddenForAllMembers',
	'onlineMeetingInfo',
	'members',
];

function list(value: unknown): IDataObject[] {
	return Array.isArray(value) ? (value as IDataObject[]) : [];
}

function metadataOfMessage(message: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const key of MESSAGE_METADATA) if (key in message) out[key] = message[key];
	// Who was mentioned, not the text shown for them.
	out.mentions = list(message.mentions).map((m) => ({ id: m.id, mentioned: m.mentioned }));
	out.reactions = list(message.reactions).map((r) => ({
		reactionType: r.reactionType,
		createdDateTime: r.createdDateTime,
		user: r.user,
	}));
	// Cards, files and their names are content: only their kind is kept.
	out.attachments = list(message.attachments).map((a) => ({
		id: a.id,
		contentType: a.contentType,
	}));
	const event = message.eventDetail as IDataObject | null | undefined;
	if (event)
		out.eventDetail = { '@odata.type': event['@odata.type'], initiator: event.initiator ?? null };
	return out;
}

/** A message as output: all of it or its metadata, its body as HTML or text, pseudonymised when asked. */
export function shapeMessage(message: IDataObject, output: ReadOutput): IDataObject {
	const replies = Array.isArray(message.replies)
		? (message.replies as IDataObject[]).map((r) => shapeMessage(r, output))
		: undefined;
	const own: IDataObject = { ...message };
	for (const key of [
		'@odata.context',
		'replies',
		'replies@odata.context',
		'replies@odata.nextLink',
	])
		delete own[key];
	let shaped = output.metadataOnly ? metadataOfMessage(own) : own;
	if (output.pseudonymKey) shaped = pseudonymiseMessage(shaped, output.pseudonymKey);
	const body = shaped.body as IDataObject | undefined;
	if (!output.metadataOnly && output.bodyFormat === 'text' && body?.contentType === 'html')
		shaped.body = { contentType: 'text', content: htmlToText(String(body.content ?? '')) };
	if (replies) {
		shaped.replies = replies;
		shaped.replyCount = replies.length;
	}
	return shaped;
}

/** A chat as output: no topic or last message preview with Metadata Only; pseudonymised members. */
export function shapeChat(chat: IDataObject, output: ReadOutput): IDataObject {
	let shaped: IDataObject = chat;
	if (output.metadataOnly) {
		shaped = {};
		for (const key of CHAT_METADATA) if (key in chat) shaped[key] = chat[key];
	}
	return output.pseudonymKey
		? (pseudonymiseIdentities(shaped, output.pseudonymKey) as IDataObject)
		: shaped;
}

/** A team or channel member (conversationMember) as output, pseudonymised when asked. */
export function shapeMember(member: IDataObject, output: ReadOutput): IDataObject {
	return output.pseudonymKey
		? (pseudonymiseIdentities(member, output.pseudonymKey) as IDataObject)
		: member;
}

const ID = (key: string, value: unknown): IDataObject[string] =>
	typeof value === 'string' && value ? pseudonym(key, value, true) : (value as IDataObject[string]);
const NAME = (key: string, value: unknown): IDataObject[string] =>
	typeof value === 'string' && value
		? pseudonym(key, value, false)
		: (value as IDataObject[string]);

/** An address inside any text. */
const ADDRESS_IN_TEXT = /[^\s@<>,;:"'()[\]]+@[^\s@<>,;:"'()[\]]+\.[A-Za-z0-9-]+/g;
/** Thread IDs of channels and chats look like addresses but are not. */
const THREAD_DOMAIN = /@(thread\.(tacv2|skype|v2)|unq\.gbl\.spaces)$/i;
/** A one-on-one chat's ID holds both users' object IDs (`19:{id}_{id}@unq.gbl.spaces`), also URL-encoded. */
const ONE_ON_ONE =
	/(19(?::|%3a))([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})((?:@|%40)unq\.gbl\.spaces)/gi;

/** Addresses in a text and the users' IDs in one-on-one chat IDs replaced by their pseudonyms. */
function pseudonymiseText(text: string, key: string): string {
	let out = text;
	if (/unq\.gbl\.spaces/i.test(out))
		out = out.replace(
			ONE_ON_ONE,
			(_whole, head: string, a: string, b: string, tail: string) =>
				`${head}${pseudonym(key, a)}_${pseudonym(key, b)}${tail}`,
		);
	if (out.includes('@'))
		out = out.replace(ADDRESS_IN_TEXT, (a) => (THREAD_DOMAIN.test(a) ? a : pseudonym(key, a)));
	return out;
}

function isMember(object: IDataObject): boolean {
	return 'userId' in object || String(object['@odata.type'] ?? '').endsWith('ConversationMember');
}

/**
 * Every person's identity in the object replaced by its pseudonym: identities (objects with a
 * `userIdentityType`, or under a `user` key of an identity set): `id` and `displayName`;
 * conversation members: `id` (it encodes the user's ID), `userId`, `email`, `displayName`.
 * Any address in other text is replaced too, and the users' object IDs inside one-on-one chat
 * IDs (so chat IDs stay joinable across outputs). Apps, channels and teams are not people: kept.
 */
export function pseudonymiseIdentities(value: unknown, key: string, underUser = false): unknown {
	if (typeof value === 'string') return pseudonymiseText(value, key);
	if (Array.isArray(value)) return value.map((v) => pseudonymiseIdentities(v, key));
	if (value === null || typeof value !== 'object') return value;
	const object = value as IDataObject;
	const identity = underUser || 'userIdentityType' in object;
	const member = !identity && isMember(object);
	const out: IDataObject = {};
	for (const [k, inner] of Object.entries(object)) {
		if ((identity || member) && k === 'id') out[k] = ID(key, inner);
		else if ((identity || member) && k === 'displayName') out[k] = NAME(key, inner);
		else if (member && (k === 'userId' || k === 'email')) out[k] = ID(key, inner);
		else
			out[k] = pseudonymiseIdentities(
				inner,
				key,
				k === 'user' && inner !== null && typeof inner === 'object',
			) as IDataObject[string];
	}
	return out;
}

/**
 * A message pseudonymised: identities as above; each user mention's text (and its `<at>` tag in
 * the body) becomes the pseudonym of the mentioned user's display name.
 */
function pseudonymiseMessage(message: IDataObject, key: string): IDataObject {
	const texts = new Map<string, string>();
	const mentions = list(message.mentions).map((m) => {
		const user = (m.mentioned as IDataObject | undefined)?.user as IDataObject | undefined;
		if (!user || !('mentionText' in m)) return m;
		const name =
			typeof user.displayName === 'string' && user.displayName ? user.displayName : m.mentionText;
		const text = NAME(key, name) as string;
		texts.set(String(m.id), text);
		return { ...m, mentionText: text };
	});
	const out = pseudonymiseIdentities({ ...message, mentions }, key) as IDataObject;
	// Mention texts are already pseudonyms (no address in them).
	out.mentions = (out.mentions as IDataObject[]).map((m, i) =>
		texts.has(String(m.id)) ? { ...m, mentionText: mentions[i].mentionText } : m,
	);
	const body = out.body as IDataObject | undefined;
	if (body && typeof body.content === 'string' && texts.size && body.contentType === 'html')
		out.body = {
			...body,
			content: body.content.replace(
				/(<at\b[^>]*\bid="([^"]*)"[^>]*>)([\s\S]*?)(<\/at>)/gi,
				(whole, open: string, id: string, _text: string, close: string) =>
					texts.has(id) ? `${open}${texts.get(id)}${close}` : whole,
			),
		};
	return out;
}
