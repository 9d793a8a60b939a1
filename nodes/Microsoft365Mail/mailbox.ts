/**
 * The mailbox an operation acts on: the signed-in user (`/me`) or a named mailbox
 * (`/users/{upn-or-id}`); app-only credentials must name one, and it must be within the app
 * credential's Mailbox Restriction. Checked before any request.
 */
import type { IExecuteFunctions, IPollFunctions } from 'n8n-workflow';
import { assertMailboxAllowed } from '../shared/credentials/validate';
import { mailboxOf } from '../shared/mailbox';
import type { GraphTransport } from '../shared/transport';
import { inputError } from './errors';

export { mailboxOf };

export interface MailboxTarget {
	/** `/me` or `/users/{encoded}`. */
	path: string;
	/** The mailbox as given (empty for the signed-in user). */
	mailbox: string;
	/** Key for per-mailbox limits (lower case; `me` for the signed-in user). */
	key: string;
}

export function resolveMailbox(
	ctx: IExecuteFunctions | IPollFunctions,
	transport: GraphTransport,
	raw: unknown,
	itemIndex?: number,
): MailboxTarget {
	const mailbox = mailboxOf(raw);
	if (/[\r\n\s/?#]/.test(mailbox)) {
		throw inputError(
			ctx.getNode(),
			'Mailbox',
			`"${mailbox}" is not a mailbox: enter a UPN or address (alice@contoso.com) or an object ID`,
			itemIndex,
		);
	}
	if (transport.scheme === 'application') {
		if (!mailbox) {
			throw inputError(
				ctx.getNode(),
				'Mailbox',
				'app-only (client credentials) access has no signed-in user: enter the mailbox to use (UPN, address or object ID)',
				itemIndex,
			);
		}
		try {
			assertMailboxAllowed(transport.provider.mailboxRestriction, mailbox, 'Mailbox Restriction');
		} catch (error) {
			throw inputError(ctx.getNode(), 'Mailbox', (error as Error).message, itemIndex);
		}
	}
	if (!mailbox) return { path: '/me', mailbox: '', key: 'me' };
	return { path: `/users/${encodeURIComponent(mailbox)}`, mailbox, key: mailbox.toLowerCase() };
}

/** A message path under a mailbox (`/me/messages/{id}`), the ID checked and encoded. */
export function messagePath(
	ctx: IExecuteFunctions,
	target: MailboxTarget,
	rawId: unknown,
	itemIndex: number,
): string {
	const id = String(rawId ?? '').trim();
	if (!id || /[\s/?#]/.test(id)) {
		throw inputError(
			ctx.getNode(),
			'Message ID',
			id
				? `"${id}" is not a message ID (IDs have no spaces or slashes)`
				: 'enter the ID of the message (the "id" of a message from Get Many or the trigger)',
			itemIndex,
		);
	}
	return `${target.path}/messages/${encodeURIComponent(id)}`;
}

/** A folder segment: a well-known name (inbox, sentitems, …) or a folder ID. */
export function folderSegment(
	ctx: IExecuteFunctions | IPollFunctions,
	raw: unknown,
	field = 'Folder',
	itemIndex?: number,
): string {
	const folder = String(raw ?? '').trim();
	if (!folder || /[\s/?#]/.test(folder)) {
		throw inputError(
			ctx.getNode(),
			field,
			folder
				? `"${folder}" is not a folder name or ID`
				: 'choose a folder (Inbox, Sent Items, …) or enter a folder ID',
			itemIndex,
		);
	}
	return encodeURIComponent(folder);
}
