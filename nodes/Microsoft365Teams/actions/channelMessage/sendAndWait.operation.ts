import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { sendAndWaitProperties, sendEach, waitForAnswer } from '../../../shared/send-and-wait';
import { postToChannel } from '../../channel-post';
import { channelIdFrom, teamIdFrom } from '../../locators';
import { answerMessage, readSendAndWait } from '../../send-and-wait';
import { channelLocator, teamLocator } from '../fields';

// No "Accept Answers Only From Recipients": every member of the channel sees the same card, so
// its links name nobody (the answer's respondedBy is null).
export const description: INodeProperties[] = sendAndWaitProperties({
	resource: 'channelMessage',
	target: [
		teamLocator(),
		channelLocator(),
		{
			displayName:
				"Everyone in the channel sees the same card: the answer says that it came through the channel's card, not who gave it. To know who answered, use Chat Message → Send and Wait for Response with the people.",
			name: 'channelAnswerNotice',
			type: 'notice',
			default: '',
		},
	],
	subject: false,
});

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/teams/{id}/channels/{id}/messages', scheme: 'delegated' },
]);

/** Posts the answer card to the channel, then puts the execution to wait for the first answer. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const request = readSendAndWait(this, itemIndex);
	const teamId = teamIdFrom(this, itemIndex);
	const channelId = channelIdFrom(this, itemIndex, teamId);
	const message = answerMessage(this, itemIndex, request, undefined);
	const transport = await getTransport(this, itemIndex);
	const sent = await sendEach(
		this,
		itemIndex,
		[{ target: `${teamId}/${channelId}`, payload: message }],
		async ({ payload }) => {
			const posted = await postToChannel(transport, { teamId, channelId }, payload, itemIndex);
			return { teamId, channelId, messageId: posted.id };
		},
	);
	return await waitForAnswer(this, itemIndex, sent, request.waitTill);
}
