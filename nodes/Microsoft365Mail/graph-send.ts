/**
 * Sending through Graph: one `sendMail` request for a message whose attachments are all below
 * 3 MB and whose request stays under 4 MB; otherwise a draft, its attachments (small ones
 * inline, 3-150 MB ones through an attachment upload session streamed a chunk at a time), and
 * `send`. Without Save to Sent Items the draft carries PR_DELETE_AFTER_SUBMIT (0x0E01), which
 * tells Exchange to delete the message once sent, as `saveToSentItems: false` does.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import type { GraphTransport } from '../shared/transport';
import {
	ATTACHMENT_CHUNK_SIZE,
	uploadLargeFile,
	UploadSessionError,
} from '../shared/transport/upload';
import {
	fileAttachment,
	INLINE_LIMIT,
	readAttachment,
	REQUEST_LIMIT,
	streamAttachment,
	type AttachmentSource,
} from './attachments';
import type { GraphMessage } from './compose';
import { nodeError } from './errors';
import type { MailboxTarget } from './mailbox';

export const DELETE_AFTER_SUBMIT = 'Boolean 0x0E01';

export interface PreparedSend {
	itemIndex: number;
	target: MailboxTarget;
	message: GraphMessage;
	saveToSentItems: boolean;
	attachments: AttachmentSource[];
	/** `sendMail` body when the message goes in one request. */
	body?: { message: GraphMessage; saveToSentItems: boolean };
	/** Its JSON size. */
	size: number;
}

/** Reads the small attachments and decides between one `sendMail` and the draft route. */
export async function prepareGraphSend(
	ctx: IExecuteFunctions,
	prepared: Omit<PreparedSend, 'body' | 'size'>,
): Promise<PreparedSend> {
	const out: PreparedSend = { ...prepared, size: 0 };
	if (prepared.attachments.some((a) => a.size >= INLINE_LIMIT)) return out;
	const inline: Array<Record<string, unknown>> = [];
	let estimate = 0;
	for (const a of prepared.attachments) {
		estimate += Math.ceil(a.size / 3) * 4;
		if (estimate > REQUEST_LIMIT) return out;
		inline.push(fileAttachment(a, await readAttachment(ctx, prepared.itemIndex, a)));
	}
	const body = {
		message: { ...prepared.message, ...(inline.length ? { attachments: inline } : {}) },
		saveToSentItems: prepared.saveToSentItems,
	};
	const size = Buffer.byteLength(JSON.stringify(body));
	if (size > REQUEST_LIMIT) return out;
	return { ...out, body, size };
}

export async function sendDirect(transport: GraphTransport, job: PreparedSend): Promise<void> {
	await transport.request({
		effect: 'createOnce',
		method: 'POST',
		url: `${job.target.path}/sendMail`,
		body: job.body,
		itemIndex: job.itemIndex,
	});
}

/** Draft, attachments (upload sessions for large ones), send. The draft is removed on failure. */
export async function sendWithDraft(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	job: PreparedSend,
): Promise<IDataObject> {
	const { itemIndex, target } = job;
	const draft = await transport.request<{ id: string }>({
		effect: 'createOnce',
		method: 'POST',
		url: `${target.path}/messages`,
		body: {
			...job.message,
			...(job.saveToSentItems
				? {}
				: { singleValueExtendedProperties: [{ id: DELETE_AFTER_SUBMIT, value: 'true' }] }),
		},
		itemIndex,
	});
	const messagePath = `${target.path}/messages/${encodeURIComponent(draft.id)}`;
	let uploadRequests = 0;
	try {
		for (const a of job.attachments) {
			if (a.size < INLINE_LIMIT) {
				await transport.request({
					effect: 'createOnce',
					method: 'POST',
					url: `${messagePath}/attachments`,
					body: fileAttachment(a, await readAttachment(ctx, itemIndex, a)),
					itemIndex,
				});
				continue;
			}
			const stream = await streamAttachment(ctx, itemIndex, a);
			try {
				const result = await uploadLargeFile({
					// The transport's retry policy and counters: one policy for every request.
					retry: transport.policy,
					stats: transport.stats,
					createSession: async () =>
						await transport.request({
							effect: 'replaceable',
							method: 'POST',
							url: `${messagePath}/attachments/createUploadSession`,
							body: {
								AttachmentItem: {
									attachmentType: 'file',
									name: a.fileName,
									size: a.size,
									contentType: a.mimeType,
								},
							},
							itemIndex,
						}),
					http: transport.preauthenticatedHttp(),
					source: { stream, size: a.size, fileName: a.fileName, mimeType: a.mimeType },
					chunkSize: ATTACHMENT_CHUNK_SIZE,
					completeStatuses: [201],
					verifyHash: false,
				});
				uploadRequests += result.requests;
			} catch (error) {
				if (error instanceof UploadSessionError) {
					// The session's note speaks of files in a folder; an attachment that may be complete
					// is on a draft that is deleted next, so only whether the session is gone matters.
					const note = error.session === 'maybe-committed' ? '' : ` ${error.sessionNote}`;
					throw new NodeOperationError(
						ctx.getNode(),
						`Attachments: the upload of "${a.fileName}" failed: ${error.message}`,
						{ itemIndex, description: `The message was not sent.${note}` },
					);
				}
				throw nodeError(ctx.getNode(), error, itemIndex);
			} finally {
				stream.destroy();
			}
		}
		await transport.request({
			effect: 'createOnce',
			method: 'POST',
			url: `${messagePath}/send`,
			itemIndex,
		});
	} catch (error) {
		// After a send whose answer was lost the draft is gone (sent): a 404 is no failure.
		const deleted = await transport
			.send({
				effect: 'replaceable',
				method: 'DELETE',
				url: messagePath,
				acceptStatus: [404],
				itemIndex,
			})
			.then(
				() => true,
				() => false,
			);
		const failure = nodeError(ctx.getNode(), error, itemIndex);
		failure.description = `${failure.description ?? ''} ${
			deleted
				? 'The draft is deleted.'
				: `The draft could not be deleted: delete it from the Drafts folder (ID ${draft.id}).`
		}`.trim();
		throw failure;
	}
	return { draftId: draft.id, uploadRequests };
}
