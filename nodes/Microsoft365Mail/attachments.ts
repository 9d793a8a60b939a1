/**
 * Attachments from binary properties: each below 3 MB goes inline (base64 in the message), from
 * 3 MB to 150 MB through an attachment upload session on a draft, streamed from n8n's binary
 * data (filesystem mode: read a chunk at a time, never whole). Sizes are checked first.
 */
import { Readable } from 'node:stream';
import { BINARY_ENCODING, type IBinaryData, type IExecuteFunctions } from 'n8n-workflow';
import { inputError } from './errors';

export const INLINE_LIMIT = 3 * 1024 * 1024;
export const MAX_ATTACHMENT = 150 * 1024 * 1024;
export const MAX_MESSAGE = 150 * 1024 * 1024;
/** Graph refuses requests over 4 MB; leave room for the envelope. */
export const REQUEST_LIMIT = 4 * 1024 * 1024 - 64 * 1024;

export interface AttachmentSource {
	property: string;
	fileName: string;
	mimeType: string;
	size: number;
	binary: IBinaryData;
}

export function attachmentProperties(raw: unknown): string[] {
	const list = Array.isArray(raw) ? raw.map(String) : String(raw ?? '').split(',');
	return list.map((s) => s.trim()).filter(Boolean);
}

function mb(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** The attachments' metadata and sizes (no content read yet), validated. */
export async function collectAttachments(
	ctx: IExecuteFunctions,
	itemIndex: number,
	properties: string[],
): Promise<AttachmentSource[]> {
	const item = ctx.getInputData()[itemIndex];
	const out: AttachmentSource[] = [];
	for (const property of properties) {
		const binary = item.binary?.[property];
		if (!binary) {
			const present = Object.keys(item.binary ?? {});
			throw inputError(
				ctx.getNode(),
				'Attachments',
				`the input item has no binary property "${property}"${present.length ? ` (it has: ${present.join(', ')})` : ' (it has no binary data)'}: enter the names of binary properties, comma-separated`,
				itemIndex,
			);
		}
		let size: number;
		if (binary.id) size = Number((await ctx.helpers.getBinaryMetadata(binary.id)).fileSize);
		else size = Buffer.byteLength(binary.data, BINARY_ENCODING);
		if (!Number.isFinite(size)) size = Number(binary.bytes ?? 0);
		const fileName =
			binary.fileName || `${property}${binary.fileExtension ? `.${binary.fileExtension}` : ''}`;
		if (size > MAX_ATTACHMENT) {
			throw inputError(
				ctx.getNode(),
				'Attachments',
				`"${fileName}" (${property}) is ${mb(size)}, over Outlook's limit of 150 MB per attachment: share a link to the file instead`,
				itemIndex,
			);
		}
		out.push({
			property,
			fileName,
			mimeType: binary.mimeType || 'application/octet-stream',
			size,
			binary,
		});
	}
	const total = out.reduce((n, a) => n + a.size, 0);
	if (total > MAX_MESSAGE) {
		throw inputError(
			ctx.getNode(),
			'Attachments',
			`the attachments add up to ${mb(total)}, over Exchange Online's limit of 150 MB per message: send them in several messages`,
			itemIndex,
		);
	}
	return out;
}

export async function readAttachment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	a: AttachmentSource,
): Promise<Buffer> {
	return await ctx.helpers.getBinaryDataBuffer(itemIndex, a.property);
}

/** The attachment as a stream: n8n's stored file when there is one (bounded memory). */
export async function streamAttachment(
	ctx: IExecuteFunctions,
	itemIndex: number,
	a: AttachmentSource,
): Promise<Readable> {
	if (a.binary.id) return await ctx.helpers.getBinaryStream(a.binary.id, 1024 * 1024);
	return Readable.from([await readAttachment(ctx, itemIndex, a)]);
}

/** A Graph fileAttachment with its bytes inline. */
export function fileAttachment(a: AttachmentSource, bytes: Buffer): Record<string, unknown> {
	return {
		'@odata.type': '#microsoft.graph.fileAttachment',
		name: a.fileName,
		contentType: a.mimeType,
		contentBytes: bytes.toString('base64'),
	};
}
