/**
 * Builds the chatMessage a channel post, reply or chat send sends: body (text or HTML), subject,
 * importance, @mentions (Graph `mentions` with matching `<at id="n">` tags), an adaptive card and
 * a file (`reference` attachment), each attachment referenced by `<attachment id="...">` in the
 * body as Graph requires. Everything is checked before anything is sent: card JSON and its
 * required `type`/`version`, sizes against Teams' ~28 KB message limit, an empty message.
 */
import { randomUUID } from 'node:crypto';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
} from 'n8n-workflow';
import type { GraphTransport } from '../shared/transport';
import { resolveUsers, type DirectoryUser } from './users';
import { escapeHtml } from '../shared/html';

/** Teams' message limit, "approximately 28 KB" including HTML, mentions and cards (Teams limits). */
export const MESSAGE_SIZE_LIMIT = 28 * 1024;
export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

export type MentionKind = 'user' | 'channel' | 'team';

export interface MentionInput {
	kind?: MentionKind;
	user?: string;
	text?: string;
}

export interface MessageInput {
	contentType: 'text' | 'html';
	message: string;
	subject?: string;
	importance?: 'normal' | 'high' | 'urgent';
	mentions: MentionInput[];
	/** The card parameter as given (JSON text or an object), undefined when not set. */
	card?: unknown;
}

export interface ResolvedMention {
	text: string;
	mentioned: IDataObject;
}

export interface FileReference {
	/** The file's unique ID (the GUID of its eTag). */
	id: string;
	webUrl: string;
	name: string;
}

/** Where the message goes: channel mentions need the channel and team. */
export interface MessageTarget {
	teamId?: string;
	channelId?: string;
	/** Display names for channel/team mentions without their own text. */
	names?: () => Promise<{ team: string; channel: string }>;
}

function fail(node: INode, itemIndex: number, message: string, description: string): never {
	throw new NodeOperationError(node, message, { itemIndex, description });
}

function kb(bytes: number): string {
	return `${(bytes / 1024).toFixed(1)} KB`;
}

/** Reads the message parameters of an item. */
export function readMessageInput(ctx: IExecuteFunctions, itemIndex: number): MessageInput {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const mentions = ctx.getNodeParameter('mentions', itemIndex, {}) as {
		mention?: MentionInput[];
	};
	const card = options.adaptiveCard;
	return {
		contentType:
			(ctx.getNodeParameter('contentType', itemIndex, 'text') as 'text' | 'html') ?? 'text',
		message: String(ctx.getNodeParameter('message', itemIndex, '') ?? ''),
		subject: typeof options.subject === 'string' && options.subject ? options.subject : undefined,
		importance: (options.importance as MessageInput['importance']) || undefined,
		mentions: mentions?.mention ?? [],
		card: card === undefined || card === '' || card === null ? undefined : card,
	};
}

/**
 * Parses and checks an adaptive card: JSON (text or object), an object with `type:
 * "AdaptiveCard"` and a `version` string (the schema's required properties), within the size
 * limit. Returns the card object.
 */
export function parseAdaptiveCard(
	node: INode,
	value: unknown,
	itemIndex: number,
	field = 'Adaptive Card',
): IDataObject {
	let card: unknown = value;
	if (typeof value === 'string') {
		try {
			card = JSON.parse(value);
		} catch (error) {
			fail(
				node,
				itemIndex,
				`${field} is not valid JSON: ${(error as Error).message}`,
				'Paste the card JSON from the Adaptive Card Designer (adaptivecards.io/designer) or build it with an expression that returns an object.',
			);
		}
	}
	if (!card || typeof card !== 'object' || Array.isArray(card))
		fail(
			node,
			itemIndex,
			`${field} must be a JSON object`,
			'An adaptive card is an object such as {"type": "AdaptiveCard", "version": "1.5", "body": [...]}.',
		);
	const object = card as IDataObject;
	if (object.type !== 'AdaptiveCard')
		fail(
			node,
			itemIndex,
			`${field}: "type" must be "AdaptiveCard"${object.type === undefined ? ' (it is missing)' : ` (it is ${JSON.stringify(object.type)})`}`,
			'The adaptive card schema requires "type": "AdaptiveCard" at the top level. Give the card itself, not a message or attachment wrapped around it.',
		);
	if (typeof object.version !== 'string' || !/^\d+\.\d+$/.test(object.version))
		fail(
			node,
			itemIndex,
			`${field}: "version" must be a string such as "1.5"${object.version === undefined ? ' (it is missing)' : ''}`,
			'The adaptive card schema requires a "version"; Teams renders versions up to 1.5 on all clients.',
		);
	const size = Buffer.byteLength(JSON.stringify(object));
	if (size > MESSAGE_SIZE_LIMIT)
		fail(
			node,
			itemIndex,
			`${field} is ${kb(size)}, over Teams' message limit of about 28 KB`,
			'Teams refuses messages over about 28 KB, the card included. Shorten the card (fewer rows, shorter texts, images by URL instead of data URIs) or post the details as a file.',
		);
	return object;
}

/** Resolves mentions to Graph's `mentioned` identities; unknown users fail the item. */
export async function resolveMentions(
	transport: GraphTransport,
	node: INode,
	mentions: MentionInput[],
	target: MessageTarget,
	itemIndex: number,
): Promise<ResolvedMention[]> {
	const userRefs = mentions
		.filter((m) => (m.kind ?? 'user') === 'user')
		.map((m, i) => {
			const ref = String(m.user ?? '').trim();
			if (!ref)
				fail(
					node,
					itemIndex,
					`Mentions: mention ${i + 1} has no user`,
					'Enter the user principal name, mail address or object ID of the person to mention.',
				);
			return ref;
		});
	const users = userRefs.length
		? await resolveUsers(transport, node, userRefs, 'Mentions', itemIndex)
		: [];
	const byRef = new Map<string, DirectoryUser>(userRefs.map((r, i) => [r, users[i]]));
	let names: { team: string; channel: string } | undefined;
	const result: ResolvedMention[] = [];
	for (const mention of mentions) {
		const kind = mention.kind ?? 'user';
		const text = String(mention.text ?? '').trim();
		if (kind === 'user') {
			const user = byRef.get(String(mention.user).trim())!;
			result.push({
				text: text || user.displayName,
				mentioned: {
					user: {
						'@odata.type': '#microsoft.graph.teamworkUserIdentity',
						id: user.id,
						displayName: user.displayName,
						userIdentityType: 'aadUser',
					},
				},
			});
			continue;
		}
		if (!target.channelId || !target.teamId)
			fail(
				node,
				itemIndex,
				`Mentions: a ${kind} can be mentioned only in a channel message`,
				'In chats, mention people only.',
			);
		if (!text) names ??= await target.names?.();
		const id = kind === 'team' ? target.teamId : target.channelId;
		const displayName = text || (kind === 'team' ? names?.team : names?.channel) || kind;
		result.push({
			text: displayName,
			mentioned: {
				conversation: { id, displayName, conversationIdentityType: kind },
			},
		});
	}
	return result;
}

export interface BuildOptions {
	input: MessageInput;
	mentions: ResolvedMention[];
	card?: IDataObject;
	file?: FileReference;
	/** Channel root posts have a subject; replies and chat messages don't. */
	allowSubject: boolean;
}

/**
 * The chatMessage body to POST. Mentions replace `{mention1}`, `{mention2}`... in the message;
 * those without a placeholder are put in front of it. With mentions, a card or a file the body
 * is HTML (plain text is escaped, line breaks kept).
 */
export function buildMessage(node: INode, options: BuildOptions, itemIndex: number): IDataObject {
	const { input, mentions, card, file } = options;
	const text = input.message;
	if (!text.trim() && !card && !file)
		fail(
			node,
			itemIndex,
			'The message is empty',
			'Enter a Message, or add an Adaptive Card (Options) or a file. Teams does not post empty messages.',
		);
	const html = input.contentType === 'html' || mentions.length > 0 || !!card || !!file;
	let content =
		input.contentType === 'html' ? text : html ? escapeHtml(text).replace(/\r?\n/g, '<br>') : text;
	const leading: string[] = [];
	mentions.forEach((mention, id) => {
		const tag = `<at id="${id}">${escapeHtml(mention.text)}</at>`;
		const placeholder = `{mention${id + 1}}`;
		if (content.includes(placeholder)) content = content.split(placeholder).join(tag);
		else leading.push(tag);
	});
	if (leading.length) content = `${leading.join(' ')}${content ? ` ${content}` : ''}`;
	const attachments: IDataObject[] = [];
	if (card) {
		const id = randomUUID().replace(/-/g, '');
		content += `<attachment id="${id}"></attachment>`;
		attachments.push({
			id,
			contentType: ADAPTIVE_CARD,
			contentUrl: null,
			content: JSON.stringify(card),
			name: null,
			thumbnailUrl: null,
		});
	}
	if (file) {
		content += `<attachment id="${file.id}"></attachment>`;
		attachments.push({
			id: file.id,
			contentType: 'reference',
			contentUrl: file.webUrl,
			name: file.name,
		});
	}
	const message: IDataObject = { body: { contentType: html ? 'html' : 'text', content } };
	if (options.allowSubject && input.subject) message.subject = input.subject;
	if (input.importance && input.importance !== 'normal') message.importance = input.importance;
	if (mentions.length)
		message.mentions = mentions.map((m, id) => ({
			id,
			mentionText: m.text,
			mentioned: m.mentioned,
		}));
	if (attachments.length) message.attachments = attachments;
	const size = Buffer.byteLength(JSON.stringify(message));
	if (size > MESSAGE_SIZE_LIMIT)
		fail(
			node,
			itemIndex,
			`The message is ${kb(size)}, over Teams' limit of about 28 KB`,
			'Teams refuses messages over about 28 KB (text, HTML markup, mentions and cards together). Shorten the Message, or send the content as a file (Channel Message → Post With File).',
		);
	return message;
}

/** The unique ID of a drive item from its eTag (`"{GUID},n"`), as reference attachments use it. */
export function fileReference(item: IDataObject): FileReference | undefined {
	const match = /\{([0-9a-f-]{36})\}/i.exec(String(item.eTag ?? ''));
	if (!match || typeof item.webUrl !== 'string') return undefined;
	return { id: match[1].toLowerCase(), webUrl: item.webUrl, name: String(item.name ?? '') };
}

/**
 * Checks a message as far as it can be without Graph (card, emptiness, size), with stand-ins for
 * the mentions' names and, when `withFile`, for the file's reference.
 */
export function checkDraft(
	node: INode,
	input: MessageInput,
	card: IDataObject | undefined,
	options: { withFile: boolean; allowSubject: boolean },
	itemIndex: number,
): void {
	const mentions = input.mentions.map((m) => ({
		text: String(m.text || m.user || m.kind || 'x'),
		mentioned: {},
	}));
	const file = options.withFile ? DRAFT_FILE : undefined;
	buildMessage(
		node,
		{ input, mentions, card, file, allowSubject: options.allowSubject },
		itemIndex,
	);
}

/** A stand-in reference, as long as a real one, for checking the message before the upload. */
const DRAFT_FILE: FileReference = {
	id: '00000000-0000-0000-0000-000000000000',
	webUrl: `https://contoso.sharepoint.com/sites/${'x'.repeat(200)}`,
	name: 'draft',
};

/** The item's message parameters and its parsed card. */
export function readMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
): { input: MessageInput; card: IDataObject | undefined } {
	const input = readMessageInput(ctx, itemIndex);
	const card =
		input.card === undefined ? undefined : parseAdaptiveCard(ctx.getNode(), input.card, itemIndex);
	return { input, card };
}
