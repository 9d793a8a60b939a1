/**
 * Send and Wait in Teams: the answer card (an Adaptive Card with `Action.OpenUrl` buttons on the
 * execution's signed resume URL; no bot needed) posted as a chatMessage attachment, checked
 * against Teams' limits before anything is posted.
 */
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import {
	answerCard,
	answerConfig,
	answerLinks,
	waitTillDate,
	type AnswerConfig,
} from '../shared/send-and-wait';
import { assertDelegatedForPosting } from './guard';
import { buildMessage } from './message';

export interface TeamsSendAndWait {
	config: AnswerConfig;
	waitTill: Date;
	message: string;
}

/** The item's Send and Wait parameters, checked before any request. */
export function readSendAndWait(ctx: IExecuteFunctions, itemIndex: number): TeamsSendAndWait {
	assertDelegatedForPosting(ctx, itemIndex);
	const config = answerConfig(ctx, itemIndex);
	const waitTill = waitTillDate(ctx, itemIndex);
	const message = String(ctx.getNodeParameter('message', itemIndex, '') ?? '');
	if (!message.trim())
		throw new NodeOperationError(ctx.getNode(), 'Message: the message is empty', {
			itemIndex,
			description: 'Enter the text the recipients answer to; nothing was posted.',
		});
	return { config, waitTill, message };
}

/** The chatMessage body with the answer card whose links name `recipient` (if any). */
export function answerMessage(
	ctx: IExecuteFunctions,
	itemIndex: number,
	request: TeamsSendAndWait,
	recipient: string | undefined,
): IDataObject {
	const card = answerCard(request.message, answerLinks(ctx, request.config, recipient));
	return buildMessage(
		ctx.getNode(),
		{
			input: { contentType: 'text', message: '', mentions: [] },
			mentions: [],
			card,
			allowSubject: false,
		},
		itemIndex,
	);
}
