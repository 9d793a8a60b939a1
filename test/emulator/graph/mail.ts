/**
 * Graph's mail surface, as Exchange Online answers it: mailboxes of the tenant's users (user,
 * shared, room), well-known and custom folders, messages (list with $filter/$search/$select/
 * $orderby/$top up to 1000 and $skip paging, get, update, delete to Deleted Items, move with a
 * new ID), drafts and their send, reply, forward, `sendMail` with delivery into the recipients'
 * Inboxes and the sender's Sent Items, attachments (inline up to 3 MB, upload sessions for
 * 3-150 MB on pre-authenticated `/api/v2.0/...AttachmentSessions(...)` URLs of the emulator's own
 * origin, as outlook.office.com serves them), and delta queries per folder.
 *
 * Exchange rules emulated: the 4 MB request limit (service.ts), 150 MB per message, 3 MB per
 * inline attachment, 500 recipients per message, 4 concurrent requests per app and mailbox
 * (429 ApplicationThrottled "Application is over its MailboxConcurrency limit.", without
 * Retry-After, as Exchange answers it), x- custom headers, send-as rights for other mailboxes.
 *
 * Where Microsoft documents no exact error code the emulator uses the closest Exchange code it
 * could find, marked "unverified" below.
 */
import { randomBytes } from 'node:crypto';
import type { Emulator } from '../emulator';
import type { EmuRequest, EmuResponse } from '../http';
import { BodyTooLargeError, readBody } from '../http';
import {
	buildMessage,
	exchangeId,
	Mailbox,
	MailFolder,
	MailStore,
	newAttachment,
	now,
	Recipient,
	StoredAttachment,
	StoredMessage,
} from '../mail-store';
import type { Tenant } from '../tenant';
import { compileFilter, listResponse, parseSelect, parseTop } from './odata';
import { GraphContext, GraphError, graphErrorResponse, GraphService } from './service';

export const MAX_MESSAGE_BYTES = 150 * 1024 * 1024;
export const MAX_INLINE_ATTACHMENT_BYTES = 3 * 1024 * 1024;
export const MIN_UPLOAD_SESSION_BYTES = 3 * 1024 * 1024;
export const MAX_RECIPIENTS = 500;
export const MAILBOX_CONCURRENCY = 4;
/** Each PUT to an attachment upload session carries at most 4 MB. */
export const MAX_ATTACHMENT_FRAGMENT = 4 * 1024 * 1024;
const DEFAULT_DELTA_PAGE = 10;
const MAX_PAGE = 1000;
/** https://learn.microsoft.com/en-us/graph/search-query-parameter: "A $search request returns up to 1000 results." */
export const MAX_SEARCH_RESULTS = 1000;

const FILTER_WORDS = new Set([
	'eq',
	'ne',
	'gt',
	'ge',
	'lt',
	'le',
	'and',
	'or',
	'not',
	'in',
	'has',
	'true',
	'false',
	'null',
]);

/** The properties a $filter names, in order of first appearance (first path segment). */
export function filterProperties(filter: string): string[] {
	const out: string[] = [];
	const text = filter.replace(/'(?:[^']|'')*'/g, ' ');
	for (const m of text.matchAll(
		/(?<![\w.:-])([A-Za-z_][A-Za-z0-9_]*)(?:\/[A-Za-z0-9_/]+)?(\s*\()?/g,
	)) {
		if (m[2]) continue; // a function name
		const name = m[1];
		if (FILTER_WORDS.has(name.toLowerCase())) continue;
		if (!out.some((o) => o.toLowerCase() === name.toLowerCase())) out.push(name);
	}
	return out;
}
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;

const MESSAGE_PROPERTIES = [
	'id',
	'createdDateTime',
	'lastModifiedDateTime',
	'changeKey',
	'categories',
	'receivedDateTime',
	'sentDateTime',
	'hasAttachments',
	'internetMessageId',
	'subject',
	'bodyPreview',
	'importance',
	'parentFolderId',
	'conversationId',
	'isDeliveryReceiptRequested',
	'isReadReceiptRequested',
	'isRead',
	'isDraft',
	'webLink',
	'inferenceClassification',
	'body',
	'sender',
	'from',
	'toRecipients',
	'ccRecipients',
	'bccRecipients',
	'replyTo',
	'flag',
	'internetMessageHeaders',
];

interface UploadSession {
	id: string;
	token: string;
	mailbox: Mailbox;
	messageId: string;
	tenantId: string;
	name: string;
	contentType: string;
	isInline: boolean;
	contentId: string | null;
	size: number;
	received: number;
	parts: Buffer[];
	expires: number;
}

function notFound(): GraphError {
	return new GraphError(
		404,
		'ErrorItemNotFound',
		'The specified object was not found in the store.',
	);
}

function stripHtml(text: string): string {
	return text
		.replace(/<[^>]*>/g, ' ')
		.replace(/\s+/g, ' ')
		.trim();
}

export function messageJson(
	m: StoredMessage,
	root: string,
	select?: string[],
): Record<string, unknown> {
	const full: Record<string, unknown> = {
		id: m.id,
		createdDateTime: m.createdDateTime,
		lastModifiedDateTime: m.lastModifiedDateTime,
		changeKey: m.changeKey,
		categories: m.categories,
		receivedDateTime: m.receivedDateTime,
		sentDateTime: m.sentDateTime,
		hasAttachments: m.attachments.some((a) => !a.isInline),
		internetMessageId: m.internetMessageId,
		subject: m.subject,
		bodyPreview: stripHtml(m.body.content).slice(0, 255),
		importance: m.importance,
		parentFolderId: m.parentFolderId,
		conversationId: m.conversationId,
		isDeliveryReceiptRequested: m.isDeliveryReceiptRequested,
		isReadReceiptRequested: m.isReadReceiptRequested,
		isRead: m.isRead,
		isDraft: m.isDraft,
		webLink: `${root.replace(/\/v1\.0$/, '')}/owa/?ItemID=${encodeURIComponent(m.id)}&exvsurl=1&viewmodel=ReadMessageItem`,
		inferenceClassification: 'focused',
		body: m.body,
		sender: m.sender,
		from: m.from,
		toRecipients: m.toRecipients,
		ccRecipients: m.ccRecipients,
		bccRecipients: m.bccRecipients,
		replyTo: m.replyTo,
		flag: { flagStatus: m.flagStatus },
	};
	const out: Record<string, unknown> = { '@odata.etag': `W/"${m.changeKey}"` };
	if (m.eventMessage) {
		// A meeting message (graph/calendar.ts): eventMessageRequest/Response or eventMessage.
		Object.assign(full, m.eventMessage);
		if (!select) return { '@odata.type': m.eventMessage['@odata.type'], ...out, ...full };
	}
	if (!select) return { ...out, ...full };
	out.id = m.id;
	for (const name of select) {
		out[name] = name === 'internetMessageHeaders' ? m.internetMessageHeaders : full[name];
	}
	return out;
}

function attachmentJson(a: StoredAttachment, withContent: boolean): Record<string, unknown> {
	return {
		'@odata.type': '#microsoft.graph.fileAttachment',
		'@odata.mediaContentType': a.contentType,
		id: a.id,
		lastModifiedDateTime: a.lastModifiedDateTime,
		name: a.name,
		contentType: a.contentType,
		size: a.size,
		isInline: a.isInline,
		contentId: a.contentId,
		contentLocation: null,
		...(withContent ? { contentBytes: a.bytes.toString('base64') } : {}),
	};
}

function folderJson(f: MailFolder): Record<string, unknown> {
	const messages = [...f.messages.values()];
	return {
		id: f.id,
		displayName: f.displayName,
		parentFolderId: f.parentFolderId,
		childFolderCount: 0,
		unreadItemCount: messages.filter((m) => !m.isRead).length,
		totalItemCount: messages.length,
		isHidden: false,
	};
}

function encodeToken(value: Record<string, number | string>): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken(token: string): Record<string, number | string> {
	try {
		return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<
			string,
			number | string
		>;
	} catch {
		throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The sync state is invalid.');
	}
}

function recipients(value: unknown, field: string): Recipient[] {
	if (value === undefined || value === null) return [];
	if (!Array.isArray(value))
		throw new GraphError(400, 'RequestBodyRead', `Cannot read the value of property '${field}'.`);
	return value.map((r) => {
		const address = String((r as Recipient)?.emailAddress?.address ?? '').trim();
		const name = (r as Recipient)?.emailAddress?.name;
		return { emailAddress: { ...(name ? { name: String(name) } : {}), address } };
	});
}

export class MailService {
	readonly store = new MailStore();
	/** Time each mail request spends in its mailbox (so concurrency is observable), ms. */
	processingMs = 1;
	/** Requests in flight per app and mailbox, and the most seen at once. */
	readonly inFlight = new Map<string, number>();
	readonly maxInFlight = new Map<string, number>();
	/** Requests refused with MailboxConcurrency. */
	throttled = 0;
	/** JSON bodies the mail routes received, with their CSDL type (tests validate them). */
	readonly received: Array<{ type: string; method: string; path: string; body: unknown }> = [];
	private readonly sessions = new Map<string, UploadSession>();

	constructor(private readonly emulator: Emulator) {}

	/** The mailbox of a user in the home tenant (tests). */
	mailbox(user: string, tenant: Tenant = this.emulator.directory.home): Mailbox {
		const box = this.store.mailbox(tenant, user);
		if (!box) throw new Error(`no mailbox for ${user}`);
		return box;
	}

	/** Messages of a folder (default Inbox) of a home-tenant user, newest first (tests). */
	messages(user: string, folder = 'inbox'): StoredMessage[] {
		return this.store.messages(this.emulator.directory.home, user, folder);
	}

	/** The most requests seen in flight at once for a mailbox, over all apps (tests). */
	maxConcurrency(user: string): number {
		const box = this.mailbox(user);
		let max = 0;
		for (const [key, n] of this.maxInFlight)
			if (key.endsWith(`|${box.user.id}`)) max = Math.max(max, n);
		return max;
	}

	/**
	 * Changes properties of a stored message as another client would (e.g. `{ isRead: true }`
	 * or `{ subject: 'x' }`); the folder's next delta round reports it as updated.
	 */
	updateMessage(user: string, id: string, patch: Partial<StoredMessage>): StoredMessage {
		const box = this.mailbox(user);
		const message = [...box.folders.values()].map((f) => f.messages.get(id)).find(Boolean);
		if (!message) throw new Error(`no message ${id} in ${user}'s mailbox`);
		Object.assign(message, patch);
		box.touch(message);
		return message;
	}

	/** Seeds `count` messages into a folder (tests; oldest first, one second apart). */
	seed(user: string, count: number, folder = 'inbox', from = 'bob@contoso.onmicrosoft.com'): void {
		const box = this.mailbox(user);
		const target = box.folder(folder)!;
		const start = Date.now() - count * 1000;
		for (let i = 0; i < count; i++) {
			const m = buildMessage(
				{
					subject: `Seeded message ${i + 1}`,
					body: { contentType: 'text', content: `Body ${i + 1}` },
					from: { emailAddress: { address: from } },
					toRecipients: [{ emailAddress: { address: box.address } }],
				},
				false,
			);
			m.receivedDateTime = new Date(start + i * 1000).toISOString();
			m.sentDateTime = m.receivedDateTime;
			m.isRead = i % 2 === 0;
			box.put(target, m);
		}
	}

	/** Whether a path is a pre-authenticated Outlook URL (attachment upload sessions). */
	isPreauthenticatedPath(path: string): boolean {
		return /^\/api\/v2\.0\/Users\(/i.test(path);
	}

	// -------------------------------------------------------------------------------------------
	// Mailbox access

	target(ctx: GraphContext, kind: 'read' | 'write' | 'send'): Mailbox {
		const param = ctx.params.user;
		if (param === undefined && ctx.auth.scheme === 'application') {
			throw new GraphError(
				400,
				'BadRequest',
				'/me request is only valid with delegated authentication flow.',
			);
		}
		const key = param ?? ctx.auth.userId!;
		const user = this.store.findUser(ctx.tenant, key);
		if (!user)
			throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${key}' is invalid.`);
		if (user.mailbox === 'none') {
			throw new GraphError(
				404,
				'MailboxNotEnabledForRESTAPI',
				'The mailbox is either inactive, soft-deleted, or is hosted on-premise.',
			);
		}
		const box = this.store.mailbox(ctx.tenant, user.id)!;
		if (ctx.auth.scheme === 'delegated' && ctx.auth.userId !== user.id) {
			const caller = ctx.tenant.findUser(ctx.auth.userId ?? '');
			const shared =
				kind === 'send'
					? ['Mail.Send.Shared']
					: kind === 'write'
						? ['Mail.ReadWrite.Shared']
						: ['Mail.Read.Shared', 'Mail.ReadWrite.Shared'];
			const rights = user.sendAs.some(
				(s) =>
					s.toLowerCase() === caller?.userPrincipalName.toLowerCase() ||
					s.toLowerCase() === caller?.id,
			);
			if (!shared.some((p) => ctx.auth.permissions.has(p)) || !rights) {
				if (kind === 'send' && shared.some((p) => ctx.auth.permissions.has(p)))
					throw this.sendAsDenied();
				throw new GraphError(
					403,
					'ErrorAccessDenied',
					'Access is denied. Check credentials and try again.',
				);
			}
		}
		return box;
	}

	private sendAsDenied(): GraphError {
		return new GraphError(
			403,
			'ErrorSendAsDenied',
			'The user account which was used to submit this request does not have the right to send mail on behalf of the specified sending account., Cannot submit message.',
		);
	}

	/** Runs a request inside the mailbox's concurrency limit (per app and mailbox, as Exchange). */
	async inMailbox(
		ctx: GraphContext,
		box: Mailbox,
		handler: () => Promise<EmuResponse> | EmuResponse,
	): Promise<EmuResponse> {
		const key = `${ctx.auth.appId}|${box.user.id}`;
		const n = (this.inFlight.get(key) ?? 0) + 1;
		if (n > MAILBOX_CONCURRENCY) {
			this.throttled += 1;
			if (!Buffer.isBuffer(ctx.req.body)) ctx.req.body.resume();
			return graphErrorResponse(
				ctx.req,
				429,
				'ApplicationThrottled',
				'Application is over its MailboxConcurrency limit.',
			);
		}
		this.inFlight.set(key, n);
		this.maxInFlight.set(key, Math.max(n, this.maxInFlight.get(key) ?? 0));
		try {
			if (this.processingMs > 0) await new Promise((r) => setTimeout(r, this.processingMs));
			return await handler();
		} finally {
			this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
		}
	}

	// -------------------------------------------------------------------------------------------
	// Composing and sending

	/** A message from a request body (sendMail, draft create): validated as Exchange does. */
	compose(
		ctx: GraphContext,
		box: Mailbox,
		body: Record<string, unknown>,
		isDraft: boolean,
	): StoredMessage {
		const headers = (body.internetMessageHeaders ?? []) as Array<{
			name?: unknown;
			value?: unknown;
		}>;
		for (const h of Array.isArray(headers) ? headers : []) {
			const name = String(h?.name ?? '');
			if (!/^x-/i.test(name)) {
				throw new GraphError(
					400,
					'InvalidInternetMessageHeader',
					`The internet message header name '${name}' should start with 'x-' or 'X-'.`,
				);
			}
		}
		const attachments: StoredAttachment[] = [];
		for (const a of (body.attachments ?? []) as Array<Record<string, unknown>>) {
			attachments.push(this.inlineAttachment(a));
		}
		const from = body.from ? recipients([body.from], 'from')[0] : null;
		if (from && from.emailAddress.address.toLowerCase() !== box.address) {
			const owner = this.store.findUser(ctx.tenant, from.emailAddress.address);
			const actor =
				ctx.auth.scheme === 'delegated' ? ctx.tenant.findUser(ctx.auth.userId ?? '') : undefined;
			const allowed =
				ctx.auth.scheme === 'application'
					? !!owner
					: !!owner &&
						owner.sendAs.some(
							(s) =>
								s.toLowerCase() === actor?.userPrincipalName.toLowerCase() ||
								s.toLowerCase() === box.user.userPrincipalName.toLowerCase(),
						);
			if (!allowed && !isDraft) throw this.sendAsDenied();
		}
		const extended = (body.singleValueExtendedProperties ?? []) as Array<{
			id?: string;
			value?: string;
		}>;
		const deleteAfterSubmit = extended.some(
			(p) =>
				/^Boolean\s+0x0E01$/i.test(String(p?.id ?? '')) &&
				String(p?.value).toLowerCase() === 'true',
		);
		const message = buildMessage(
			{
				subject: body.subject === undefined ? '' : String(body.subject),
				body: body.body as { contentType?: string; content?: string },
				from: from ?? { emailAddress: { name: box.user.displayName, address: box.address } },
				toRecipients: recipients(body.toRecipients, 'toRecipients'),
				ccRecipients: recipients(body.ccRecipients, 'ccRecipients'),
				bccRecipients: recipients(body.bccRecipients, 'bccRecipients'),
				replyTo: recipients(body.replyTo, 'replyTo'),
				importance: body.importance as string | undefined,
				internetMessageHeaders: (Array.isArray(headers) ? headers : []).map((h) => ({
					name: String(h.name),
					value: String(h.value ?? ''),
				})),
				attachments,
				categories: Array.isArray(body.categories) ? body.categories.map(String) : [],
				isDeliveryReceiptRequested: body.isDeliveryReceiptRequested === true,
				isReadReceiptRequested: body.isReadReceiptRequested === true,
				deleteAfterSubmit,
			},
			isDraft,
		);
		if (from && from.emailAddress.address.toLowerCase() !== box.address) {
			message.sender = { emailAddress: { name: box.user.displayName, address: box.address } };
		}
		return message;
	}

	inlineAttachment(a: Record<string, unknown>): StoredAttachment {
		const type = String(a['@odata.type'] ?? '');
		if (!/fileAttachment$/i.test(type)) {
			throw new GraphError(
				400,
				'ErrorInvalidRequest',
				'The attachment type is missing or not supported: use #microsoft.graph.fileAttachment.',
			);
		}
		const bytes = Buffer.from(String(a.contentBytes ?? ''), 'base64');
		// Unverified code: Exchange refuses inline (base64) attachments of 3 MB and more.
		if (bytes.length >= MAX_INLINE_ATTACHMENT_BYTES) {
			throw new GraphError(
				400,
				'ErrorAttachmentSizeShouldNotBeGreaterThanMaximumSize',
				`Attachment '${String(a.name ?? '')}' is ${bytes.length} bytes: attachments of 3 MB or more must be added through an upload session.`,
			);
		}
		return newAttachment(
			String(a.name ?? 'attachment'),
			a.contentType as string | undefined,
			bytes,
			a.isInline === true,
			(a.contentId as string | undefined) ?? null,
		);
	}

	/** Checks a message before it leaves (recipients, size), then delivers it. */
	submit(ctx: GraphContext, box: Mailbox, message: StoredMessage, saveToSentItems: boolean): void {
		const all = [...message.toRecipients, ...message.ccRecipients, ...message.bccRecipients];
		if (all.length === 0) {
			throw new GraphError(
				400,
				'ErrorInvalidRecipients',
				"At least one recipient isn't valid., A message can't be sent because it contains no recipients.",
			);
		}
		// Unverified code: Exchange Online's recipient limit is 500 per message.
		if (all.length > MAX_RECIPIENTS) {
			throw new GraphError(
				400,
				'ErrorInvalidRecipients',
				`The message has ${all.length} recipients, more than the limit of ${MAX_RECIPIENTS}.`,
			);
		}
		const bad = all.find((r) => !ADDRESS.test(r.emailAddress.address));
		if (bad) {
			throw new GraphError(
				400,
				'ErrorInvalidRecipients',
				`At least one recipient isn't valid., Recipient '${bad.emailAddress.address}' isn't resolved. All recipients must be resolved before a message can be submitted.`,
			);
		}
		const size =
			Buffer.byteLength(message.body.content) + message.attachments.reduce((n, a) => n + a.size, 0);
		// Unverified code for the message size limit (150 MB, the most an admin can allow).
		if (size > MAX_MESSAGE_BYTES) {
			throw new GraphError(
				400,
				'ErrorMessageSizeExceeded',
				'The message exceeds the maximum supported size.',
			);
		}
		const time = now();
		message.isDraft = false;
		message.sentDateTime = time;
		message.receivedDateTime = time;
		this.store.deliver(ctx.tenant, box, message);
		if (saveToSentItems && !message.deleteAfterSubmit) {
			box.put(box.wellKnownFolder('sentitems'), { ...message, id: exchangeId(), isRead: true });
		}
	}

	message(box: Mailbox, id: string): StoredMessage {
		const m = box.message(id);
		if (!m) throw notFound();
		return m;
	}

	folder(box: Mailbox, id: string): MailFolder {
		const f = box.folder(id);
		if (!f) throw notFound();
		return f;
	}

	// -------------------------------------------------------------------------------------------
	// Lists and delta

	listMessages(ctx: GraphContext, box: Mailbox, folder?: MailFolder): EmuResponse {
		const q = ctx.req.query;
		const select = parseSelect(ctx, MESSAGE_PROPERTIES, 'message');
		const top = parseTop(ctx, 10, MAX_PAGE);
		let items = folder
			? [...folder.messages.values()]
			: [...box.folders.values()].flatMap((f) => [...f.messages.values()]);
		const search = q.get('$search');
		const filter = q.get('$filter');
		const orderbyParam = q.get('$orderby');
		if (search !== null && filter !== null) {
			// Unverified wording: Exchange does not combine $search with $filter on messages.
			throw new GraphError(
				400,
				'ErrorInvalidUrlQuery',
				"The query parameter '$filter' is not supported with '$search'.",
			);
		}
		if (search !== null && orderbyParam !== null) {
			// Search results come in Exchange's own order, "sorted by the date and time that the
			// message was sent" (https://learn.microsoft.com/en-us/graph/search-query-parameter);
			// Graph's query-parameters page long said "You cannot use $filter or $orderby in a
			// search request". Code and text unverified (as for $filter above).
			throw new GraphError(
				400,
				'ErrorInvalidUrlQuery',
				"The query parameter '$orderby' is not supported with '$search'.",
			);
		}
		const orderKeys = (orderbyParam ?? 'receivedDateTime desc').split(',').map((part) => {
			const [prop, dir = 'asc'] = part.trim().split(/\s+/);
			const key = MESSAGE_PROPERTIES.find((p) => p.toLowerCase() === prop.toLowerCase());
			if (!key)
				throw new GraphError(
					400,
					'ErrorInvalidProperty',
					`The property '${prop}' does not support sorting.`,
				);
			return { key, sign: dir.toLowerCase() === 'desc' ? -1 : 1 };
		});
		if (filter !== null && orderbyParam !== null) {
			// "Using filter and orderby in the same query"
			// (https://learn.microsoft.com/en-us/graph/api/user-list-messages): properties in
			// $orderby must also appear in $filter, in the same order, before any that aren't;
			// else InefficientFilter "The restriction or sort order is too complex for this
			// operation." (status not given on the page; 400 as for other query errors).
			const filtered = filterProperties(filter);
			const ok = orderKeys.every((o, i) => filtered[i]?.toLowerCase() === o.key.toLowerCase());
			if (!ok)
				throw new GraphError(
					400,
					'InefficientFilter',
					'The restriction or sort order is too complex for this operation.',
				);
		}
		const records = new Map(
			items.map((m) => [m.id, messageJson(m, ctx.root, [...MESSAGE_PROPERTIES])]),
		);
		if (search !== null) {
			const words = search.replace(/^"|"$/g, '').toLowerCase().split(/\s+/).filter(Boolean);
			items = items.filter((m) => {
				const text = [
					m.subject,
					m.body.content,
					m.from?.emailAddress.address ?? '',
					m.from?.emailAddress.name ?? '',
				]
					.join(' ')
					.toLowerCase();
				return words.every((w) => text.includes(w));
			});
		}
		if (filter !== null) {
			const predicate = compileFilter(filter, (name) =>
				MESSAGE_PROPERTIES.some((p) => p.toLowerCase() === name.toLowerCase()),
			);
			items = items.filter((m) => predicate(records.get(m.id)!));
		}
		if (search !== null) {
			// "The results of the search are sorted by the date and time that the message was
			// sent. A $search request returns up to 1000 results."
			// (https://learn.microsoft.com/en-us/graph/search-query-parameter#using-search-on-message-collections)
			const sent = (m: StoredMessage) => m.sentDateTime ?? m.receivedDateTime ?? '';
			items.sort((a, b) => (sent(a) < sent(b) ? 1 : sent(a) > sent(b) ? -1 : 0));
			items = items.slice(0, MAX_SEARCH_RESULTS);
		} else {
			items.sort((a, b) => {
				for (const { key, sign } of orderKeys) {
					const x = String(records.get(a.id)![key] ?? '');
					const y = String(records.get(b.id)![key] ?? '');
					if (x !== y) return x < y ? -sign : sign;
				}
				return 0;
			});
		}
		const skip = Number(q.get('$skip') ?? 0);
		const page = items.slice(skip, skip + top);
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/messages${select ? `(${select.join(',')})` : ''}`,
			value: page.map((m) => messageJson(m, ctx.root, select)),
		};
		if (skip + top < items.length) {
			const next = new URLSearchParams(q);
			next.set('$skip', String(skip + top));
			body['@odata.nextLink'] =
				`${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}?${next.toString().replace(/%24/g, '$')}`;
		}
		return { status: 200, body, contractType: 'Collection(message)' };
	}

	delta(ctx: GraphContext, box: Mailbox, folder: MailFolder): EmuResponse {
		const q = ctx.req.query;
		const select = parseSelect(ctx, MESSAGE_PROPERTIES, 'message');
		const prefer = String(ctx.req.headers.prefer ?? '');
		const size = Math.min(
			MAX_PAGE,
			Number(/odata\.maxpagesize=(\d+)/i.exec(prefer)?.[1] ?? DEFAULT_DELTA_PAGE),
		);
		let from = 0;
		let to = box.sequence;
		let offset = 0;
		const deltaToken = q.get('$deltatoken');
		const skipToken = q.get('$skiptoken');
		if (deltaToken) {
			const t = decodeToken(deltaToken);
			if (t.f !== folder.id)
				throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The sync state is invalid.');
			from = Number(t.s);
		} else if (skipToken) {
			const t = decodeToken(skipToken);
			if (t.f !== folder.id)
				throw new GraphError(400, 'ErrorInvalidUrlQuery', 'The sync state is invalid.');
			from = Number(t.from);
			to = Number(t.to);
			offset = Number(t.o);
		}
		const entries: Array<{ seq: number; json: Record<string, unknown> }> = [];
		for (const [id, seq] of folder.changes) {
			if (seq > from && seq <= to)
				entries.push({ seq, json: messageJson(folder.messages.get(id)!, ctx.root, select) });
		}
		if (from > 0) {
			for (const [id, seq] of folder.removed) {
				if (seq > from && seq <= to)
					entries.push({
						seq,
						json: {
							'@odata.type': '#microsoft.graph.message',
							id,
							'@removed': { reason: 'deleted' },
						},
					});
			}
		}
		entries.sort((a, b) => a.seq - b.seq);
		const page = entries.slice(offset, offset + size);
		const base = `${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}`;
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#Collection(message)`,
			value: page.map((e) => e.json),
		};
		if (offset + size < entries.length) {
			body['@odata.nextLink'] =
				`${base}?$skiptoken=${encodeToken({ f: folder.id, from, to, o: offset + size })}`;
		} else {
			body['@odata.deltaLink'] = `${base}?$deltatoken=${encodeToken({ f: folder.id, s: to })}`;
		}
		return { status: 200, body, contractType: 'Collection(message)' };
	}

	// -------------------------------------------------------------------------------------------
	// Upload sessions

	createUploadSession(
		ctx: GraphContext,
		box: Mailbox,
		message: StoredMessage,
		item: Record<string, unknown>,
	): EmuResponse {
		const size = Number(item?.size);
		if (String(item?.attachmentType ?? 'file').toLowerCase() !== 'file' || !item?.name) {
			throw new GraphError(
				400,
				'ErrorInvalidRequest',
				'AttachmentItem needs attachmentType "file", a name and a size.',
			);
		}
		if (!Number.isInteger(size) || size < MIN_UPLOAD_SESSION_BYTES) {
			throw new GraphError(
				400,
				'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize',
				'Attachment size must be greater than the minimum size.',
			);
		}
		if (size > MAX_MESSAGE_BYTES) {
			// Unverified code.
			throw new GraphError(
				400,
				'ErrorMessageSizeExceeded',
				'The attachment exceeds the maximum supported size of 150 MB.',
			);
		}
		const session: UploadSession = {
			id: exchangeId('AAMkAsession'),
			token: randomBytes(32).toString('base64url'),
			mailbox: box,
			messageId: message.id,
			tenantId: ctx.tenant.id,
			name: String(item.name),
			contentType: String(item.contentType ?? 'application/octet-stream'),
			isInline: item.isInline === true,
			contentId: (item.contentId as string | undefined) ?? null,
			size,
			received: 0,
			parts: [],
			expires: Date.now() + 15 * 60_000,
		};
		this.sessions.set(session.id, session);
		const uploadUrl = `${ctx.req.baseUrl}/api/v2.0/Users('${box.user.id}@${ctx.tenant.id}')/Messages('${encodeURIComponent(message.id)}')/AttachmentSessions('${encodeURIComponent(session.id)}')?authtoken=${session.token}`;
		return {
			status: 201,
			body: {
				'@odata.context': `${ctx.root}/$metadata#microsoft.graph.uploadSession`,
				uploadUrl,
				expirationDateTime: new Date(session.expires).toISOString(),
				nextExpectedRanges: ['0-'],
			},
			contractType: 'uploadSession',
		};
	}

	async servePreauthenticated(req: EmuRequest): Promise<EmuResponse> {
		const json = (status: number, code: string, message: string): EmuResponse => {
			if (!Buffer.isBuffer(req.body)) req.body.resume();
			return graphErrorResponse(req, status, code, message);
		};
		const match = /\/AttachmentSessions\('([^']+)'\)$/i.exec(req.path);
		const session = match ? this.sessions.get(decodeURIComponent(match[1])) : undefined;
		if (!session || session.expires < Date.now())
			return json(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
		req.log.handled = true;
		if (req.headers.authorization) {
			return json(
				401,
				'InvalidAuthenticationToken',
				'The pre-authenticated upload URL must be used without an Authorization header.',
			);
		}
		if (req.query.get('authtoken') !== session.token)
			return json(
				401,
				'InvalidAuthenticationToken',
				'The authtoken of the upload URL is not valid.',
			);
		const state = (): Record<string, unknown> => ({
			'@odata.context': `${req.baseUrl}/api/v2.0/$metadata#Users('${session.mailbox.user.id}')/Messages('${session.messageId}')/AttachmentSessions/$entity`,
			ExpirationDateTime: new Date(session.expires).toISOString(),
			nextExpectedRanges: [String(session.received)],
		});
		if (req.method === 'GET') return { status: 200, body: state() };
		if (req.method === 'DELETE') {
			this.sessions.delete(session.id);
			return { status: 204 };
		}
		if (req.method !== 'PUT') return json(405, 'ErrorInvalidRequest', 'Method not allowed.');
		const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(req.headers['content-range'] ?? ''));
		if (!range)
			return json(400, 'ErrorInvalidRequest', 'The Content-Range header is missing or malformed.');
		const [start, end, total] = range.slice(1).map(Number);
		const length = end - start + 1;
		if (total !== session.size)
			return json(
				400,
				'ErrorInvalidRequest',
				`The total size ${total} differs from the session's ${session.size}.`,
			);
		if (length > MAX_ATTACHMENT_FRAGMENT)
			return json(413, 'RequestEntityTooLarge', 'Each upload fragment must be 4 MB or less.');
		if (start !== session.received) {
			if (!Buffer.isBuffer(req.body)) req.body.resume();
			return { status: 416, body: state() };
		}
		let bytes: Buffer;
		try {
			bytes = await readBody(req.body, MAX_ATTACHMENT_FRAGMENT);
		} catch (error) {
			if (error instanceof BodyTooLargeError)
				return json(413, 'RequestEntityTooLarge', 'Each upload fragment must be 4 MB or less.');
			throw error;
		}
		if (bytes.length !== length)
			return json(
				400,
				'ErrorInvalidRequest',
				`The body has ${bytes.length} bytes; Content-Range says ${length}.`,
			);
		session.parts.push(bytes);
		session.received += length;
		if (session.received < session.size) return { status: 200, body: state() };
		this.sessions.delete(session.id);
		const message = session.mailbox.message(session.messageId);
		if (!message)
			return json(404, 'ErrorItemNotFound', 'The message of the upload session is gone.');
		const attachment = newAttachment(
			session.name,
			session.contentType,
			Buffer.concat(session.parts),
			session.isInline,
			session.contentId,
		);
		message.attachments.push(attachment);
		session.mailbox.touch(message);
		return {
			status: 201,
			headers: {
				Location: `${req.baseUrl}/api/v2.0/Users('${session.mailbox.user.id}@${session.tenantId}')/Messages('${encodeURIComponent(message.id)}')/Attachments('${encodeURIComponent(attachment.id)}')`,
			},
		};
	}
}

type Kind = 'read' | 'write' | 'send';

/** The CSDL type of the JSON body each mail route takes (recorded in `received` for tests). */
const REQUEST_TYPES: Record<string, string> = {
	'POST /sendMail': 'action:sendMail',
	'POST /messages': 'message',
	'PATCH /messages/:id': 'message',
	'POST /messages/:id/reply': 'action:reply',
	'POST /messages/:id/forward': 'action:forward',
	'POST /messages/:id/attachments': 'fileAttachment',
	'POST /messages/:id/attachments/createUploadSession':
		'action:Collection(attachment)/createUploadSession',
};

/** Registers `/me<suffix>` and `/users/:user<suffix>`, each inside the mailbox's concurrency limit. */
function both(
	graph: GraphService,
	mail: MailService,
	method: string,
	suffix: string,
	kind: Kind,
	handler: (ctx: GraphContext, box: Mailbox) => Promise<EmuResponse> | EmuResponse,
	permissions?: { delegated: string[]; application: string[] },
): void {
	for (const prefix of ['/me', '/users/:user']) {
		graph.route(
			method,
			`${prefix}${suffix}`,
			async (ctx) => {
				const box = mail.target(ctx, kind);
				const type = REQUEST_TYPES[`${method} ${suffix}`];
				// Read the body now: the server counts bytes with a 'data' listener, so a stream
				// left unread while the request waits for its mailbox would lose them.
				const body = method === 'POST' || method === 'PATCH' ? await ctx.json() : undefined;
				if (type) mail.received.push({ type, method, path: ctx.req.path, body });
				return await mail.inMailbox(ctx, box, () => handler(ctx, box));
			},
			{ workload: 'mail', ...(permissions ? { permissions } : {}) },
		);
	}
}

/** An attachment by ID (and its `$value`) is not in the catalogue: the permissions of the attachment list. */
const READ_ATTACHMENT = {
	delegated: ['Mail.Read', 'Mail.ReadWrite'],
	application: ['Mail.Read', 'Mail.ReadWrite'],
};

export function registerMail(graph: GraphService, emulator: Emulator): MailService {
	const mail = new MailService(emulator);

	both(graph, mail, 'POST', '/sendMail', 'send', async (ctx, box) => {
		const body = await ctx.json<{ message?: Record<string, unknown>; saveToSentItems?: unknown }>();
		if (!body.message || typeof body.message !== 'object')
			throw new GraphError(
				400,
				'ErrorInvalidParameter',
				"The value of the parameter 'Message' is empty.",
			);
		const message = mail.compose(ctx, box, body.message, false);
		mail.submit(
			ctx,
			box,
			message,
			body.saveToSentItems !== false && body.saveToSentItems !== 'false',
		);
		return { status: 202 };
	});

	both(graph, mail, 'GET', '/mailFolders', 'read', (ctx, box) =>
		listResponse(ctx, [...box.folders.values()], {
			context: `users('${box.user.id}')/mailFolders`,
			type: 'mailFolder',
			defaultTop: 10,
			maxTop: 1000,
			properties: [
				'id',
				'displayName',
				'parentFolderId',
				'childFolderCount',
				'unreadItemCount',
				'totalItemCount',
				'isHidden',
			],
			project: (f, select) => {
				const full = folderJson(f);
				if (!select) return full;
				return Object.fromEntries(['id', ...select].map((k) => [k, full[k]]));
			},
		}),
	);
	both(graph, mail, 'GET', '/mailFolders/:folder', 'read', (ctx, box) => ({
		status: 200,
		body: {
			'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/mailFolders/$entity`,
			...folderJson(mail.folder(box, ctx.params.folder)),
		},
		contractType: 'mailFolder',
	}));
	both(graph, mail, 'GET', '/messages', 'read', (ctx, box) => mail.listMessages(ctx, box));
	both(graph, mail, 'GET', '/mailFolders/:folder/messages', 'read', (ctx, box) =>
		mail.listMessages(ctx, box, mail.folder(box, ctx.params.folder)),
	);
	both(graph, mail, 'GET', '/mailFolders/:folder/messages/delta', 'read', (ctx, box) =>
		mail.delta(ctx, box, mail.folder(box, ctx.params.folder)),
	);

	both(graph, mail, 'POST', '/messages', 'write', async (ctx, box) => {
		const body = await ctx.json<Record<string, unknown>>();
		const message = mail.compose(ctx, box, body, true);
		box.put(box.wellKnownFolder('drafts'), message);
		return {
			status: 201,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/messages/$entity`,
				...messageJson(message, ctx.root),
			},
			contractType: 'message',
		};
	});

	const single = (
		ctx: GraphContext,
		box: Mailbox,
		m: StoredMessage,
		status = 200,
	): EmuResponse => ({
		status,
		body: {
			'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/messages/$entity`,
			...messageJson(m, ctx.root, parseSelect(ctx, MESSAGE_PROPERTIES, 'message')),
		},
		contractType: 'message',
	});

	both(graph, mail, 'GET', '/messages/:id', 'read', (ctx, box) =>
		single(ctx, box, mail.message(box, ctx.params.id)),
	);
	both(graph, mail, 'PATCH', '/messages/:id', 'write', async (ctx, box) => {
		const m = mail.message(box, ctx.params.id);
		const body = await ctx.json<Record<string, unknown>>();
		for (const [key, value] of Object.entries(body)) {
			if (key === 'isRead') m.isRead = value === true;
			else if (key === 'categories' && Array.isArray(value)) m.categories = value.map(String);
			else if (key === 'importance') m.importance = String(value) as StoredMessage['importance'];
			else if (key === 'flag')
				m.flagStatus = ((value as { flagStatus?: string })?.flagStatus ??
					'notFlagged') as StoredMessage['flagStatus'];
			else if (m.isDraft && key === 'subject') m.subject = String(value);
			else if (m.isDraft && key === 'body') m.body = value as StoredMessage['body'];
			else if (
				m.isDraft &&
				['toRecipients', 'ccRecipients', 'bccRecipients', 'replyTo'].includes(key)
			)
				(m as unknown as Record<string, Recipient[]>)[key] = recipients(value, key);
			else
				throw new GraphError(
					400,
					'ErrorInvalidPropertyUpdateSentMessage',
					`The property '${key}' can't be updated on this message.`,
				);
		}
		box.touch(m);
		return single(ctx, box, m);
	});
	both(graph, mail, 'DELETE', '/messages/:id', 'write', (_ctx, box) => {
		const m = mail.message(box, _ctx.params.id);
		const deleted = box.wellKnownFolder('deleteditems');
		if (box.index.get(m.id) === deleted) box.remove(m.id);
		else box.move(m.id, deleted);
		return { status: 204 };
	});
	both(graph, mail, 'POST', '/messages/:id/move', 'write', async (ctx, box) => {
		const m = mail.message(box, ctx.params.id);
		const body = await ctx.json<{ destinationId?: string }>();
		if (!body.destinationId)
			throw new GraphError(
				400,
				'ErrorInvalidParameter',
				"The value of the parameter 'DestinationId' is empty.",
			);
		const moved = box.move(m.id, mail.folder(box, body.destinationId))!;
		return single(ctx, box, moved, 201);
	});
	both(graph, mail, 'POST', '/messages/:id/send', 'send', (ctx, box) => {
		const m = mail.message(box, ctx.params.id);
		if (!m.isDraft)
			throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
		box.remove(m.id);
		mail.submit(ctx, box, m, true);
		return { status: 202 };
	});
	const respond = (reply: boolean) => async (ctx: GraphContext, box: Mailbox) => {
		const original = mail.message(box, ctx.params.id);
		const body = await ctx.json<{
			comment?: string;
			toRecipients?: unknown;
			message?: Record<string, unknown>;
		}>();
		const extra = body.message ?? {};
		const to = reply
			? original.replyTo.length
				? original.replyTo
				: original.from
					? [original.from]
					: []
			: recipients(body.toRecipients ?? extra.toRecipients, 'toRecipients');
		const quoted =
			original.body.contentType === 'html'
				? original.body.content
				: `<pre>${original.body.content}</pre>`;
		const message = mail.compose(
			ctx,
			box,
			{
				...extra,
				subject: `${reply ? 'RE' : 'FW'}: ${original.subject}`,
				body: { contentType: 'html', content: `<div>${body.comment ?? ''}</div><hr>${quoted}` },
				toRecipients: to,
			},
			false,
		);
		if (!reply)
			message.attachments = original.attachments.map((a) => ({ ...a, id: exchangeId('AAMkAatt') }));
		message.conversationId = original.conversationId;
		mail.submit(ctx, box, message, true);
		return { status: 202 };
	};
	both(graph, mail, 'POST', '/messages/:id/reply', 'send', respond(true));
	both(graph, mail, 'POST', '/messages/:id/forward', 'send', respond(false));

	both(graph, mail, 'GET', '/messages/:id/attachments', 'read', (ctx, box) => {
		const m = mail.message(box, ctx.params.id);
		const select = ctx.req.query.get('$select');
		return {
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/messages('${m.id}')/attachments`,
				value: m.attachments.map((a) => {
					const full = attachmentJson(a, !select);
					if (!select) return full;
					const names = [
						'@odata.type',
						'@odata.mediaContentType',
						'id',
						...select.split(',').map((s) => s.trim()),
					];
					return Object.fromEntries(names.filter((n) => n in full).map((n) => [n, full[n]]));
				}),
			},
			contractType: 'Collection(attachment)',
		};
	});
	both(graph, mail, 'POST', '/messages/:id/attachments', 'write', async (ctx, box) => {
		const m = mail.message(box, ctx.params.id);
		const attachment = mail.inlineAttachment(await ctx.json<Record<string, unknown>>());
		m.attachments.push(attachment);
		box.touch(m);
		return {
			status: 201,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/messages('${m.id}')/attachments/$entity`,
				...attachmentJson(attachment, false),
			},
			contractType: 'fileAttachment',
		};
	});
	both(
		graph,
		mail,
		'POST',
		'/messages/:id/attachments/createUploadSession',
		'write',
		async (ctx, box) => {
			const m = mail.message(box, ctx.params.id);
			const body = await ctx.json<{ AttachmentItem?: Record<string, unknown> }>();
			return mail.createUploadSession(ctx, box, m, body.AttachmentItem ?? {});
		},
	);
	const attachment = (box: Mailbox, ctx: GraphContext) => {
		const a = mail
			.message(box, ctx.params.id)
			.attachments.find((x) => x.id === ctx.params.attachment);
		if (!a) throw notFound();
		return a;
	};
	both(
		graph,
		mail,
		'GET',
		'/messages/:id/attachments/:attachment',
		'read',
		(ctx, box) => ({
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#users('${box.user.id}')/messages('${ctx.params.id}')/attachments/$entity`,
				...attachmentJson(attachment(box, ctx), true),
			},
			contractType: 'fileAttachment',
		}),
		READ_ATTACHMENT,
	);
	// `$value` of an attachment is not in Microsoft's permissions catalogue: the list's permissions.
	both(
		graph,
		mail,
		'GET',
		'/messages/:id/attachments/:attachment/$value',
		'read',
		(ctx, box) => {
			const a = attachment(box, ctx);
			return {
				status: 200,
				headers: {
					'Content-Type': a.contentType,
					'Content-Disposition': `attachment; filename="${a.name}"`,
				},
				body: a.bytes,
			};
		},
		READ_ATTACHMENT,
	);
	return mail;
}
