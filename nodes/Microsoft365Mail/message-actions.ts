/** What the single-message actions share: the mailbox and message they act on. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { getTransport } from '../shared/node-common';
import type { GraphTransport } from '../shared/transport';
import { messagePath, resolveMailbox, type MailboxTarget } from './mailbox';

export interface MessageContext {
	transport: GraphTransport;
	target: MailboxTarget;
	/** `/users/{id}/messages/{id}` (or `/me/...`). */
	path: string;
	id: string;
}

export async function messageContext(
	ctx: IExecuteFunctions,
	itemIndex: number,
): Promise<MessageContext> {
	const transport = await getTransport(ctx, itemIndex);
	const target = resolveMailbox(
		ctx,
		transport,
		ctx.getNodeParameter('mailbox', itemIndex, ''),
		itemIndex,
	);
	const id = String(ctx.getNodeParameter('messageId', itemIndex, '')).trim();
	return { transport, target, path: messagePath(ctx, target, id, itemIndex), id };
}

/** Marks a message read or unread; returns its new state. */
export async function setReadState(
	ctx: IExecuteFunctions,
	itemIndex: number,
	isRead: boolean,
): Promise<IDataObject> {
	const m = await messageContext(ctx, itemIndex);
	const updated = await m.transport.request<IDataObject>({
		effect: 'replaceable',
		method: 'PATCH',
		url: m.path,
		body: { isRead },
		query: { $select: 'id,isRead' },
		itemIndex,
	});
	return { id: updated?.id ?? m.id, isRead };
}
