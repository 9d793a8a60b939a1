/**
 * The one implementation behind Channel Message → Post, Reply and Post With File: checks every
 * input before the first request, resolves mentions, uploads the file (if any) into the
 * channel's files folder, then posts the message (or the reply).
 */
import { markMayHaveActed } from '../shared/errors';
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { getTransport } from '../shared/node-common';
import { channelPace, type GraphTransport } from '../shared/transport';
import { binarySource, uploadToFolder, type ConflictBehavior } from './files';
import { assertDelegatedForPosting } from './guard';
import { channelIdFrom, segment, teamIdFrom } from './locators';
import {
	buildMessage,
	checkDraft,
	fileReference,
	readMessage,
	resolveMentions,
	type FileReference,
} from './message';

export type ChannelPostMode = 'post' | 'reply' | 'file';

/** Display names of a team and channel, for mentions without their own text. */
function namesOf(transport: GraphTransport, teamId: string, channelId: string, itemIndex: number) {
	return async () => {
		const [team, channel] = await Promise.all([
			transport.request<IDataObject>({
				effect: 'read',
				url: `/teams/${teamId}`,
				query: { $select: 'displayName' },
				itemIndex,
			}),
			transport.request<IDataObject>({
				effect: 'read',
				url: `/teams/${teamId}/channels/${segment(channelId)}`,
				query: { $select: 'displayName' },
				itemIndex,
			}),
		]);
		return { team: String(team.displayName ?? ''), channel: String(channel.displayName ?? '') };
	};
}

/** The item's channel, as the router's lane: posts to one channel go in order, channels in parallel. */
export function channelLane(ctx: IExecuteFunctions, itemIndex: number): string {
	const teamId = teamIdFrom(ctx, itemIndex);
	return `${teamId}/${channelIdFrom(ctx, itemIndex, teamId)}`;
}

/**
 * Posts a chatMessage to a channel (or as a reply): the one channel post of the node (Post,
 * Reply, Post With File, Send and Wait). Posting is `createOnce`: a post whose answer was lost
 * is not repeated.
 */
export async function postToChannel(
	transport: GraphTransport,
	where: { teamId: string; channelId: string; replyTo?: string },
	message: IDataObject,
	itemIndex: number,
): Promise<IDataObject> {
	const channelPath = `/teams/${where.teamId}/channels/${segment(where.channelId)}`;
	const posted = await transport.request<IDataObject>({
		effect: 'createOnce',
		method: 'POST',
		url: where.replyTo
			? `${channelPath}/messages/${where.replyTo}/replies`
			: `${channelPath}/messages`,
		body: message,
		// Teams' per-channel limits (4 a second, 3,000 a day per app): see transport/pacing.ts.
		pace: channelPace(where.teamId, where.channelId),
		itemIndex,
	});
	delete posted['@odata.context'];
	return posted;
}

export async function postChannelMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	mode: ChannelPostMode,
): Promise<IDataObject> {
	assertDelegatedForPosting(ctx, itemIndex);
	const node = ctx.getNode();
	const teamId = teamIdFrom(ctx, itemIndex);
	const channelId = channelIdFrom(ctx, itemIndex, teamId);
	const replyTo =
		mode === 'reply' ? String(ctx.getNodeParameter('messageId', itemIndex, '')).trim() : undefined;
	if (mode === 'reply' && !/^\d+$/.test(replyTo ?? ''))
		throw new NodeOperationError(node, `Message ID: "${replyTo}" is not a channel message ID`, {
			itemIndex,
			description:
				'Use the "id" of the message to reply to (digits, e.g. 1616990032035), from the output of Post.',
		});
	const { input, card } = readMessage(ctx, itemIndex);
	let fileOptions: { property: string; name?: string; conflict: ConflictBehavior } | undefined;
	let source: Awaited<ReturnType<typeof binarySource>> | undefined;
	if (mode === 'file') {
		const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
		fileOptions = {
			property: String(ctx.getNodeParameter('binaryPropertyName', itemIndex, 'data')).trim(),
			name: typeof options.fileName === 'string' && options.fileName ? options.fileName : undefined,
			conflict: (options.conflictBehavior as ConflictBehavior) ?? 'rename',
		};
		source = await binarySource(ctx, itemIndex, fileOptions.property, fileOptions.name);
	}
	// Everything that can be checked without Graph, before the first request.
	checkDraft(node, input, card, { withFile: !!source, allowSubject: mode === 'post' }, itemIndex);

	const transport = await getTransport(ctx, itemIndex);
	const mentions = await resolveMentions(
		transport,
		node,
		input.mentions,
		{ teamId, channelId, names: namesOf(transport, teamId, channelId, itemIndex) },
		itemIndex,
	);
	const channelPath = `/teams/${teamId}/channels/${segment(channelId)}`;
	let file: FileReference | undefined;
	let uploaded: IDataObject | undefined;
	if (source && fileOptions) {
		const folder = await transport.request<IDataObject>({
			effect: 'read',
			url: `${channelPath}/filesFolder`,
			itemIndex,
		});
		const driveId = String((folder.parentReference as IDataObject | undefined)?.driveId ?? '');
		uploaded = await uploadToFolder(
			transport,
			{ driveId, itemId: String(folder.id) },
			source,
			fileOptions.conflict,
			itemIndex,
		);
		file = fileReference(uploaded);
		if (!file)
			throw new NodeOperationError(node, 'The uploaded file has no eTag or web URL to attach', {
				itemIndex,
				description: `The file "${String(uploaded.name)}" is in the channel's files folder, but the message was not posted.`,
			});
	}
	const message = buildMessage(
		node,
		{ input, mentions, card, file, allowSubject: mode === 'post' },
		itemIndex,
	);
	let posted: IDataObject;
	try {
		posted = await postToChannel(transport, { teamId, channelId, replyTo }, message, itemIndex);
	} catch (error) {
		// No file was uploaded: the transport's NodeApiError, passed on as it is.
		// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
		if (!uploaded) throw error;
		// The file is in the channel's files already: running the item again (n8n's Retry On Fail
		// included) would upload it a second time ("name 1.ext"), so it is not run again.
		const e = error as { message?: string; description?: string };
		throw markMayHaveActed(
			new NodeOperationError(
				node,
				`The file "${String(uploaded.name)}" was uploaded, but the message was not posted: ${String(e.message ?? error)}`,
				{
					itemIndex,
					description: `${e.description ? `${e.description} ` : ''}The file is in the channel's files folder (${String(uploaded.webUrl ?? uploaded.name)}). This item is not run again by Retry On Fail, so the file is not uploaded twice: post a message that links it, or delete it and run the item again.`,
				},
			),
		);
	}
	if (uploaded)
		return {
			...posted,
			file: {
				id: uploaded.id,
				name: uploaded.name,
				size: uploaded.size,
				webUrl: uploaded.webUrl,
				driveId: (uploaded.parentReference as IDataObject | undefined)?.driveId,
			},
		};
	return posted;
}
