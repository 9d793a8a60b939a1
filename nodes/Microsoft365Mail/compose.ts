/**
 * Turns the Send parameters into a Graph `message`, refusing bad input before any request:
 * recipient lists (lists or comma/semicolon separated, `Name <address>` allowed), at most 500
 * recipients in all, no CR/LF in the subject, names or headers, custom headers named `x-…`.
 */
import type { IDataObject, INode } from 'n8n-workflow';
import { inputError } from './errors';

export const MAX_RECIPIENTS = 500;
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const HEADER_NAME = /^x-[A-Za-z0-9-]+$/i;
const CRLF = /[\r\n]/;

export interface GraphRecipient {
	emailAddress: { address: string; name?: string };
}

export interface GraphMessage {
	subject: string;
	body: { contentType: 'Text' | 'HTML'; content: string };
	toRecipients: GraphRecipient[];
	ccRecipients?: GraphRecipient[];
	bccRecipients?: GraphRecipient[];
	replyTo?: GraphRecipient[];
	importance?: 'Low' | 'Normal' | 'High';
	internetMessageHeaders?: Array<{ name: string; value: string }>;
	attachments?: Array<Record<string, unknown>>;
	singleValueExtendedProperties?: Array<{ id: string; value: string }>;
}

/** Splits a recipients parameter (string, list of strings, or list of `{ address, name }`). */
export function parseRecipients(
	node: INode,
	field: string,
	value: unknown,
	itemIndex?: number,
): GraphRecipient[] {
	const entries: unknown[] = Array.isArray(value)
		? value
		: String(value ?? '')
				.split(/[,;](?=(?:[^"]*"[^"]*")*[^"]*$)/)
				.map((s) => s.trim())
				.filter((s, _i, all) => s !== '' || all.length > 1);
	const out: GraphRecipient[] = [];
	for (const entry of entries) {
		let address: string;
		let name: string | undefined;
		if (entry && typeof entry === 'object') {
			const o = entry as {
				address?: unknown;
				name?: unknown;
				emailAddress?: { address?: unknown; name?: unknown };
			};
			address = String(o.emailAddress?.address ?? o.address ?? '').trim();
			const n = o.emailAddress?.name ?? o.name;
			name = n === undefined || n === null ? undefined : String(n);
		} else {
			const text = String(entry ?? '');
			const angle = /^(.*)<([^<>]*)>\s*$/s.exec(text);
			address = (angle ? angle[2] : text).trim();
			name = angle ? angle[1].trim().replace(/^"(.*)"$/s, '$1') || undefined : undefined;
		}
		if (name !== undefined && CRLF.test(name)) {
			throw inputError(
				node,
				field,
				`the name of "${address}" contains a line break (CR/LF): remove it`,
				itemIndex,
			);
		}
		if (!address) {
			throw inputError(
				node,
				field,
				'an empty address is in the list (two separators in a row?): remove it',
				itemIndex,
			);
		}
		if (!ADDRESS.test(address)) {
			throw inputError(
				node,
				field,
				`"${address}" is not a valid email address: use name@domain`,
				itemIndex,
			);
		}
		out.push({ emailAddress: { address, ...(name ? { name } : {}) } });
	}
	return out;
}

export interface ComposeInput {
	to: unknown;
	cc?: unknown;
	bcc?: unknown;
	replyTo?: unknown;
	subject: unknown;
	bodyType: 'text' | 'html';
	body: unknown;
	importance?: string;
	headers?: Array<{ name?: unknown; value?: unknown }>;
}

export function composeMessage(node: INode, input: ComposeInput, itemIndex?: number): GraphMessage {
	const to = parseRecipients(node, 'To', input.to, itemIndex);
	const cc = parseRecipients(node, 'CC', input.cc ?? '', itemIndex);
	const bcc = parseRecipients(node, 'BCC', input.bcc ?? '', itemIndex);
	const replyTo = parseRecipients(node, 'Reply To', input.replyTo ?? '', itemIndex);
	if (to.length + cc.length + bcc.length === 0) {
		throw inputError(
			node,
			'To',
			'no recipient: enter at least one address in To, CC or BCC',
			itemIndex,
		);
	}
	const total = to.length + cc.length + bcc.length;
	if (total > MAX_RECIPIENTS) {
		throw inputError(
			node,
			'To',
			`${total} recipients (To, CC and BCC together) is more than Exchange Online's limit of ${MAX_RECIPIENTS} per message: split them over several messages or use a distribution list`,
			itemIndex,
		);
	}
	const subject = String(input.subject ?? '');
	if (CRLF.test(subject)) {
		throw inputError(
			node,
			'Subject',
			'the subject contains a line break (CR/LF): remove it (use a single line)',
			itemIndex,
		);
	}
	const headers: Array<{ name: string; value: string }> = [];
	for (const h of input.headers ?? []) {
		const name = String(h.name ?? '').trim();
		const value = String(h.value ?? '');
		if (!HEADER_NAME.test(name)) {
			throw inputError(
				node,
				'Custom Headers',
				`header name "${name}" is not allowed: Graph accepts only custom headers whose names start with "x-" (letters, digits and hyphens), e.g. x-ticket-id`,
				itemIndex,
			);
		}
		if (CRLF.test(value)) {
			throw inputError(
				node,
				'Custom Headers',
				`the value of header "${name}" contains a line break (CR/LF): remove it`,
				itemIndex,
			);
		}
		headers.push({ name, value });
	}
	const message: GraphMessage = {
		subject,
		body: {
			contentType: input.bodyType === 'html' ? 'HTML' : 'Text',
			content: String(input.body ?? ''),
		},
		toRecipients: to,
	};
	if (cc.length) message.ccRecipients = cc;
	if (bcc.length) message.bccRecipients = bcc;
	if (replyTo.length) message.replyTo = replyTo;
	if (input.importance) {
		message.importance = (input.importance[0].toUpperCase() +
			input.importance.slice(1).toLowerCase()) as GraphMessage['importance'];
	}
	if (headers.length) message.internetMessageHeaders = headers;
	return message;
}

/** The recipients of a message as plain addresses (for output items). */
export function addresses(list: GraphRecipient[] | undefined): string[] {
	return (list ?? []).map((r) => r.emailAddress.address);
}

export function summary(message: GraphMessage, mailbox: string, transport: string): IDataObject {
	return {
		sent: true,
		transport,
		mailbox: mailbox || 'me',
		subject: message.subject,
		to: addresses(message.toRecipients),
		cc: addresses(message.ccRecipients),
		bcc: addresses(message.bccRecipients),
	};
}
