/**
 * Reading messages: the Message ID field (an ID or a message link, checked before any request; a
 * link to another channel or chat is refused naming the field), and Graph's refusals of reads
 * explained with their true causes (a message of another channel, a chat the user is not in).
 */
import { NodeApiError, NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

export function isGraphStatus(error: unknown, status: number): error is NodeApiError {
	return error instanceof NodeApiError && error.httpCode === String(status);
}

/** Teams message IDs are the message's creation time in epoch milliseconds. */
const MESSAGE_ID = /^\d{1,20}$/;

/**
 * The message ID from the Message ID field: an ID, or a message link ("Copy link":
 * https://teams.microsoft.com/l/message/<thread>/<messageId>?...). A link whose thread is not
 * `thread` (the Channel or Chat field) is refused before any request.
 */
export function messageIdFrom(
	ctx: IExecuteFunctions,
	itemIndex: number,
	thread: string,
	where: 'channel' | 'chat',
): string {
	const value = String(ctx.getNodeParameter('messageId', itemIndex, '') ?? '').trim();
	const node = ctx.getNode();
	if (!value)
		throw new NodeOperationError(node, 'Message ID is empty', {
			itemIndex,
			description: `Enter the message's ID (digits, e.g. 1616965872395) or paste its link (the message's "..." menu → "Copy link"). No request was made.`,
		});
	if (MESSAGE_ID.test(value)) return value;
	const link = /^https:\/\/[^/]+\/l\/message\/([^/]+)\/(\d{1,20})(?:[/?#]|$)/i.exec(value);
	if (!link)
		throw new NodeOperationError(node, `Message ID: "${value}" is not a message ID or link`, {
			itemIndex,
			description:
				'A Teams message ID is a number such as 1616965872395; a message link comes from the message\'s "..." menu → "Copy link". No request was made.',
		});
	let linkThread: string;
	try {
		linkThread = decodeURIComponent(link[1]);
	} catch {
		linkThread = link[1];
	}
	if (linkThread.toLowerCase() !== thread.toLowerCase())
		throw new NodeOperationError(
			node,
			`Message ID: the link is for a message in another ${where}`,
			{
				itemIndex,
				description: `The message link points to ${linkThread}, but ${where === 'channel' ? 'Channel' : 'Chat'} is ${thread}. A message ID is valid only in its own ${where}: choose the ${where} the message was posted in. No request was made.`,
			},
		);
	return link[2];
}

/** A 404 for a message of the channel or chat: names the field and the usual cause. */
export function explainMessageNotFound(
	error: unknown,
	messageId: string,
	where: 'channel' | 'chat',
	thread: string,
): unknown {
	if (!isGraphStatus(error, 404)) return error;
	error.message = `Message ID: no message ${messageId} in this ${where} (${thread})`;
	error.description =
		`${where === 'channel' ? 'Microsoft Graph finds a channel message only through the channel it was posted in: this ID is of a message in another channel, of a reply (get the message it replies to, with Include Replies), or of a deleted message.' : 'Microsoft Graph finds a chat message only through its own chat: this ID is of a message in another chat, or of a deleted message.'} Check the ${where === 'channel' ? 'Team and Channel' : 'Chat'} fields, or copy the message's link into Message ID. ${error.description ?? ''}`.trim();
	return error;
}

/**
 * A 403 for a chat's messages: with a delegated credential Graph refuses a chat the signed-in
 * user is not a member of (even with Chat.Read granted); the generic permission advice alone
 * would not say so.
 */
export function explainChatForbidden(error: unknown, app: boolean, user?: string): unknown {
	if (!isGraphStatus(error, 403)) return error;
	error.description = app
		? `${error.description ?? ''} With an app-only credential, the chat must be one of ${user ?? 'the user'}'s chats, and the app needs Chat.Read.All (admin consent) and, for Teams message reads, Protected API access (https://learn.microsoft.com/graph/teams-protected-apis).`.trim()
		: `Microsoft Graph lets a signed-in user read only the chats they are a member of: if the credential already has Chat.Read (or Chat.ReadWrite), the signed-in user is not a member of this chat — sign the credential in as a member, or use an app-only credential with Chat.Read.All and the member's address in User. ${error.description ?? ''}`.trim();
	return error;
}

/**
 * A 403 for an app-only read of channel messages: besides the permission (named by the
 * transport's advice), Microsoft requires Protected API access for application reads of Teams
 * messages; without it Graph refuses although the permission is granted.
 */
export function explainChannelForbidden(error: unknown, app: boolean): unknown {
	if (!app || !isGraphStatus(error, 403)) return error;
	error.description =
		`${error.description ?? ''} If ChannelMessage.Read.All is granted with admin consent, the app lacks Microsoft's Protected API access, which application reads of Teams messages need in addition: request it at https://learn.microsoft.com/graph/teams-protected-apis (or use Resource-Specific Consent, ChannelMessage.Read.Group, in the team).`.trim();
	return error;
}
