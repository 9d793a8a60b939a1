/**
 * An input item's binary data as an upload source. In n8n's filesystem binary mode the file is
 * read in place (positional reads into the upload's fragment buffers: nothing allocated per
 * read, nothing held beyond the fragments); other modes (database, S3) give n8n's stream; data
 * kept in the item itself (default mode) is already in memory.
 */
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { FileBytesReader, type UploadSource } from './transport/upload';

/** n8n's binary data ids are `<mode>:<file id>`; these modes keep the file on the local disk. */
const FILE_MODES = new Set(['filesystem', 'filesystem-v2']);

export async function openBinarySource(
	ctx: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
	fileName = binary.fileName,
): Promise<UploadSource> {
	const described = { fileName, mimeType: binary.mimeType };
	if (binary.id) {
		const metadata = await ctx.helpers.getBinaryMetadata(binary.id);
		const size = Number(metadata.fileSize ?? binary.bytes);
		if (FILE_MODES.has(binary.id.split(':')[0])) {
			const handle = await open(ctx.helpers.getBinaryPath(binary.id), 'r').catch(() => undefined);
			if (handle) return { ...described, reader: new FileBytesReader(handle), size };
		}
		// Pieces of 1 MiB: the upload loop copies them into its fragment buffer.
		const stream = await ctx.helpers.getBinaryStream(binary.id, 1024 * 1024);
		return { ...described, stream, size };
	}
	const buffer = await ctx.helpers.getBinaryDataBuffer(itemIndex, property);
	return { ...described, stream: Readable.from([buffer]), size: buffer.length };
}
