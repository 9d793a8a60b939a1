/**
 * Exchange Online mailboxes for the emulator: one per tenant user with a mailbox (user, shared,
 * room), each with the well-known folders, messages with their attachments, drafts, a change
 * sequence per folder for delta queries, and delivery of sent mail into the recipients'
 * Inboxes (mail-enabled groups expanded to their members) so tests can read what arrived.
 *
 * Messages live in memory; attachment bytes are shared (not copied) between the sender's
 * Sent Items copy and the recipients' copies.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Tenant, User } from './tenant';

export const WELL_KNOWN_FOLDERS: Array<{ name: string; displayName: string }> = [
	{ name: 'inbox', displayName: 'Inbox' },
	{ name: 'drafts', displayName: 'Drafts' },
	{ name: 'sentitems', displayName: 'Sent Items' },
	{ name: 'deleteditems', displayName: 'Deleted Items' },
	{ name: 'junkemail', displayName: 'Junk Email' },
	{ name: 'archive', displayName: 'Archive' },
	{ name: 'outbox', displayName: 'Outbox' },
];

export interface EmailAddress {
	name?: string;
	address: string;
}

export interface Recipient {
	emailAddress: EmailAddress;
}

export interface StoredAttachment {
	id: string;
	name: string;
	contentType: string;
	size: number;
	isInline: boolean;
	contentId: string | null;
	lastModifiedDateTime: string;
	bytes: Buffer;
}

export interface StoredMessage {
	id: string;
	changeKey: string;
	createdDateTime: string;
	lastModifiedDateTime: string;
	receivedDateTime: string;
	sentDateTime: string | null;
	subject: string;
	body: { contentType: 'text' | 'html'; content: string };
	from: Recipient | null;
	sender: Recipient | null;
	toRecipients: Recipient[];
	ccRecipients: Recipient[];
	bccRecipients: Recipient[];
	replyTo: Recipient[];
	importance: 'low' | 'normal' | 'high';
	isRead: boolean;
	isDraft: boolean;
	internetMessageId: string;
	conversationId: string;
	parentFolderId: string;
	internetMessageHeaders: Array<{ name: string; value: string }>;
	categories: string[];
	flagStatus: 'notFlagged' | 'flagged' | 'complete';
	isDeliveryReceiptRequested: boolean;
	isReadReceiptRequested: boolean;
	/** PR_DELETE_AFTER_SUBMIT (extended property `Boolean 0x0E01`): no Sent Items copy. */
	deleteAfterSubmit: boolean;
	attachments: StoredAttachment[];
	/** Meeting messages (graph/calendar.ts): `@odata.type` and the eventMessage properties. */
	eventMessage?: Record<string, unknown>;
}

export interface MailFolder {
	id: string;
	displayName: string;
	wellKnownName?: string;
	parentFolderId: string;
	messages: Map<string, StoredMessage>;
	/** Change sequence per message ID (created or updated), and of removals, for delta. */
	changes: Map<string, number>;
	removed: Map<string, number>;
}

export interface OutboundMessage {
	/** The sending mailbox. */
	mailbox: string;
	/** Addresses outside the tenant the message went to. */
	recipients: string[];
	subject: string;
	internetMessageId: string;
}

let counter = 0;

/** An ID in the shape of Exchange's (opaque, base64, `AAMkA…`). */
export function exchangeId(prefix = 'AAMkA'): string {
	counter += 1;
	const unique = Buffer.concat([
		randomBytes(24),
		Buffer.from(counter.toString(16).padStart(8, '0')),
	]);
	return `${prefix}${unique.toString('base64url')}AAA=`;
}

export function now(): string {
	return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
}

export class Mailbox {
	readonly folders = new Map<string, MailFolder>();
	private readonly wellKnown = new Map<string, MailFolder>();
	/** The folder holding each message (by message ID). */
	readonly index = new Map<string, MailFolder>();
	private seq = 0;
	readonly rootId = exchangeId('AAMkAroot');

	constructor(readonly user: User) {
		for (const folder of WELL_KNOWN_FOLDERS) {
			const created: MailFolder = {
				id: exchangeId('AAMkAfolder'),
				displayName: folder.displayName,
				wellKnownName: folder.name,
				parentFolderId: this.rootId,
				messages: new Map(),
				changes: new Map(),
				removed: new Map(),
			};
			this.folders.set(created.id, created);
			this.wellKnown.set(folder.name, created);
		}
	}

	get address(): string {
		return (this.user.mail ?? this.user.userPrincipalName).toLowerCase();
	}

	/** A folder by well-known name (any case) or ID. */
	folder(idOrName: string): MailFolder | undefined {
		return this.wellKnown.get(idOrName.toLowerCase()) ?? this.folders.get(idOrName);
	}

	wellKnownFolder(name: string): MailFolder {
		return this.wellKnown.get(name)!;
	}

	addFolder(displayName: string): MailFolder {
		const folder: MailFolder = {
			id: exchangeId('AAMkAfolder'),
			displayName,
			parentFolderId: this.rootId,
			messages: new Map(),
			changes: new Map(),
			removed: new Map(),
		};
		this.folders.set(folder.id, folder);
		return folder;
	}

	/** The current change sequence (the state a delta link stands for). */
	get sequence(): number {
		return this.seq;
	}

	message(id: string): StoredMessage | undefined {
		return this.index.get(id)?.messages.get(id);
	}

	put(folder: MailFolder, message: StoredMessage): StoredMessage {
		message.parentFolderId = folder.id;
		folder.messages.set(message.id, message);
		folder.changes.set(message.id, ++this.seq);
		folder.removed.delete(message.id);
		this.index.set(message.id, folder);
		return message;
	}

	/** Records a change to a message (delta reports it as updated). */
	touch(message: StoredMessage): void {
		const folder = this.index.get(message.id);
		if (!folder) return;
		message.lastModifiedDateTime = now();
		message.changeKey = randomBytes(12).toString('base64');
		folder.changes.set(message.id, ++this.seq);
	}

	remove(id: string): StoredMessage | undefined {
		const folder = this.index.get(id);
		const message = folder?.messages.get(id);
		if (!folder || !message) return undefined;
		folder.messages.delete(id);
		folder.changes.delete(id);
		folder.removed.set(id, ++this.seq);
		this.index.delete(id);
		return message;
	}

	/** Moves a message: Exchange gives it a new ID in the destination folder. */
	move(id: string, destination: MailFolder): StoredMessage | undefined {
		const message = this.remove(id);
		if (!message) return undefined;
		return this.put(destination, { ...message, id: exchangeId(), lastModifiedDateTime: now() });
	}
}

export interface NewMessage {
	subject?: string;
	body?: { contentType?: string; content?: string };
	from?: Recipient | null;
	toRecipients?: Recipient[];
	ccRecipients?: Recipient[];
	bccRecipients?: Recipient[];
	replyTo?: Recipient[];
	importance?: string;
	internetMessageHeaders?: Array<{ name: string; value: string }>;
	attachments?: StoredAttachment[];
	isDeliveryReceiptRequested?: boolean;
	isReadReceiptRequested?: boolean;
	categories?: string[];
	deleteAfterSubmit?: boolean;
}

export function buildMessage(input: NewMessage, isDraft: boolean): StoredMessage {
	const time = now();
	const contentType =
		String(input.body?.contentType ?? 'text').toLowerCase() === 'html' ? 'html' : 'text';
	return {
		id: exchangeId(),
		changeKey: randomBytes(12).toString('base64'),
		createdDateTime: time,
		lastModifiedDateTime: time,
		receivedDateTime: time,
		sentDateTime: isDraft ? null : time,
		subject: input.subject ?? '',
		body: { contentType, content: input.body?.content ?? '' },
		from: input.from ?? null,
		sender: input.from ?? null,
		toRecipients: input.toRecipients ?? [],
		ccRecipients: input.ccRecipients ?? [],
		bccRecipients: input.bccRecipients ?? [],
		replyTo: input.replyTo ?? [],
		importance: (['low', 'normal', 'high'].includes(String(input.importance).toLowerCase())
			? String(input.importance).toLowerCase()
			: 'normal') as StoredMessage['importance'],
		isRead: isDraft,
		isDraft,
		internetMessageId: `<${randomBytes(12).toString('hex')}@emulator.contoso.test>`,
		conversationId: exchangeId('AAQkA'),
		parentFolderId: '',
		internetMessageHeaders: input.internetMessageHeaders ?? [],
		categories: input.categories ?? [],
		flagStatus: 'notFlagged',
		isDeliveryReceiptRequested: input.isDeliveryReceiptRequested ?? false,
		isReadReceiptRequested: input.isReadReceiptRequested ?? false,
		deleteAfterSubmit: input.deleteAfterSubmit ?? false,
		attachments: input.attachments ?? [],
	};
}

export function newAttachment(
	name: string,
	contentType: string | undefined,
	bytes: Buffer,
	isInline = false,
	contentId: string | null = null,
): StoredAttachment {
	return {
		id: exchangeId('AAMkAatt'),
		name,
		contentType: contentType || 'application/octet-stream',
		size: bytes.length,
		isInline,
		contentId,
		lastModifiedDateTime: now(),
		bytes,
	};
}

export function sha256(bytes: Buffer): string {
	return createHash('sha256').update(bytes).digest('hex');
}

/** Mailboxes of every tenant, created on first use, plus mail that left the tenant. */
export class MailStore {
	private readonly mailboxes = new Map<string, Mailbox>();
	readonly outbound: OutboundMessage[] = [];

	/** The mailbox of a user (by ID, UPN or address), undefined when the user has none. */
	mailbox(tenant: Tenant, idOrAddress: string): Mailbox | undefined {
		const user = this.findUser(tenant, idOrAddress);
		if (!user || user.mailbox === 'none') return undefined;
		let box = this.mailboxes.get(user.id);
		if (!box) {
			box = new Mailbox(user);
			this.mailboxes.set(user.id, box);
		}
		return box;
	}

	findUser(tenant: Tenant, idOrAddress: string): User | undefined {
		const key = idOrAddress.trim().toLowerCase();
		return tenant.findUser(key) ?? tenant.users.find((u) => (u.mail ?? '').toLowerCase() === key);
	}

	/** Messages in a user's folder (well-known name or ID), newest first. */
	messages(tenant: Tenant, user: string, folder = 'inbox'): StoredMessage[] {
		const box = this.mailbox(tenant, user);
		const f = box?.folder(folder);
		return f ? [...f.messages.values()].reverse() : [];
	}

	/**
	 * Delivers a sent message: a copy in the Inbox of every tenant recipient (groups expanded,
	 * each mailbox once, Bcc hidden), and the addresses outside the tenant recorded.
	 */
	deliver(tenant: Tenant, sender: Mailbox, message: StoredMessage): void {
		const all = [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients];
		const delivered = new Set<string>();
		const external: string[] = [];
		const deliverTo = (address: string) => {
			const box = this.mailbox(tenant, address);
			if (box) {
				if (delivered.has(box.user.id)) return;
				delivered.add(box.user.id);
				box.put(box.wellKnownFolder('inbox'), {
					...message,
					id: exchangeId(),
					isRead: false,
					isDraft: false,
					bccRecipients: [],
					receivedDateTime: now(),
					parentFolderId: '',
					attachments: message.attachments.map((a) => ({ ...a, id: exchangeId('AAMkAatt') })),
				});
				return;
			}
			const group = tenant.groups.find(
				(g) => g.mailEnabled && (g.mail ?? '').toLowerCase() === address,
			);
			if (group) {
				for (const memberId of group.memberIds) {
					const member = tenant.findUser(memberId);
					if (member) deliverTo((member.mail ?? member.userPrincipalName).toLowerCase());
				}
				return;
			}
			if (!tenant.users.some((u) => (u.mail ?? '').toLowerCase() === address))
				external.push(address);
		};
		for (const r of all) deliverTo(r.emailAddress.address.toLowerCase());
		if (external.length)
			this.outbound.push({
				mailbox: sender.address,
				recipients: external,
				subject: message.subject,
				internetMessageId: message.internetMessageId,
			});
	}
}
