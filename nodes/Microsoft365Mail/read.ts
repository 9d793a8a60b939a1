/**
 * Reading mail: `$select` lists, the Get Many filter presets as one OData `$filter` (string
 * literals quoted with single quotes doubled), and attachments downloaded into binary
 * properties as streams (`/attachments/{id}/$value`), never as base64 in JSON.
 */
import type {
	IBinaryKeyData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPollFunctions,
} from 'n8n-workflow';
import { getTransport } from '../shared/node-common';
import { odataString } from '../shared/odata';
import type { GraphCallDeclaration } from '../shared/operations';
import type { GraphTransport } from '../shared/transport';
import { inputError } from './errors';
import { resolveMailbox, type MailboxTarget } from './mailbox';

export function selectList(
	ctx: IExecuteFunctions | IPollFunctions,
	raw: unknown,
	itemIndex?: number,
): string | undefined {
	const fields = String(raw ?? '')
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	for (const f of fields) {
		if (!/^[A-Za-z][A-Za-z0-9]*$/.test(f))
			throw inputError(
				ctx.getNode(),
				'Fields',
				`"${f}" is not a property name (letters and digits, e.g. subject)`,
				itemIndex,
			);
	}
	if (!fields.length) return undefined;
	return [...new Set(['id', ...fields])].join(',');
}

export interface FilterPresets {
	unreadOnly?: boolean;
	from?: string;
	receivedAfter?: string;
	hasAttachments?: boolean;
	custom?: string;
}

export function buildFilter(
	ctx: IExecuteFunctions,
	presets: FilterPresets,
	itemIndex: number,
): string | undefined {
	const parts: string[] = [];
	if (presets.unreadOnly) parts.push('isRead eq false');
	if (presets.from) {
		const from = presets.from.trim();
		if (!/^[^\s@]+@[^\s@]+$/.test(from))
			throw inputError(ctx.getNode(), 'From', `"${from}" is not an email address`, itemIndex);
		parts.push(`from/emailAddress/address eq ${odataString(from)}`);
	}
	if (presets.receivedAfter) {
		const t = Date.parse(presets.receivedAfter);
		if (Number.isNaN(t))
			throw inputError(
				ctx.getNode(),
				'Received After',
				`"${presets.receivedAfter}" is not a date and time`,
				itemIndex,
			);
		parts.push(`receivedDateTime ge ${new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z')}`);
	}
	if (presets.hasAttachments) parts.push('hasAttachments eq true');
	if (presets.custom?.trim()) parts.push(`(${presets.custom.trim()})`);
	return parts.length ? parts.join(' and ') : undefined;
}

interface AttachmentInfo {
	'@odata.type'?: string;
	id: string;
	name?: string;
	contentType?: string;
	size?: number;
}

/** Downloads the message's file attachments into binary properties `<prefix><n>`. */
export async function downloadAttachments(
	ctx: IExecuteFunctions | IPollFunctions,
	transport: GraphTransport,
	messagePath: string,
	prefix: string,
	itemIndex?: number,
): Promise<IBinaryKeyData> {
	const list = await transport.collectAll<AttachmentInfo>(`${messagePath}/attachments`, {
		query: { $select: 'id,name,contentType,size,isInline' },
		itemIndex,
	});
	const binary: IBinaryKeyData = {};
	let n = 0;
	for (const a of list) {
		if (a['@odata.type'] && !/fileAttachment$/i.test(a['@odata.type'])) continue;
		const stream = await transport.request<NodeJS.ReadableStream>({
			effect: 'read',
			url: `${messagePath}/attachments/${encodeURIComponent(a.id)}/$value`,
			responseType: 'stream',
			itemIndex,
		});
		binary[`${prefix}${n++}`] = await ctx.helpers.prepareBinaryData(
			stream as unknown as Buffer,
			a.name,
			a.contentType,
		);
	}
	return binary;
}

/** A message as an output item, with its attachments when asked. */
export async function messageItem(
	ctx: IExecuteFunctions | IPollFunctions,
	transport: GraphTransport,
	mailboxPath: string,
	message: IDataObject,
	download: { enabled: boolean; prefix: string },
	itemIndex?: number,
): Promise<INodeExecutionData> {
	if (!download.enabled) return { json: message };
	const binary = await downloadAttachments(
		ctx,
		transport,
		`${mailboxPath}/messages/${encodeURIComponent(String(message.id))}`,
		download.prefix,
		itemIndex,
	);
	return { json: message, ...(Object.keys(binary).length ? { binary } : {}) };
}

/** The Graph calls of "Download Attachments" (each file then comes from `…/attachments/{id}/$value`, same permission). */
export const downloadCalls: GraphCallDeclaration[] = [
	{
		method: 'GET',
		path: '/users/{id}/messages/{id}/attachments',
		when: 'Download Attachments is on',
	},
];

export interface ReadContext {
	transport: GraphTransport;
	target: MailboxTarget;
	select?: string;
	download: { enabled: boolean; prefix: string };
}

/** What Get and Get Many share: the transport, the mailbox, `$select` and the download option. */
export async function readContext(ctx: IExecuteFunctions, itemIndex: number): Promise<ReadContext> {
	const transport = await getTransport(ctx, itemIndex);
	const target = resolveMailbox(
		ctx,
		transport,
		ctx.getNodeParameter('mailbox', itemIndex, ''),
		itemIndex,
	);
	const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
	return {
		transport,
		target,
		select: selectList(ctx, options.fields, itemIndex),
		download: {
			enabled: options.downloadAttachments === true,
			prefix: String(options.binaryPrefix ?? 'attachment_'),
		},
	};
}
