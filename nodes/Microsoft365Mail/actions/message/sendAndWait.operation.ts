import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import {
	answerConfig,
	answerLinks,
	mailHtml,
	sendAndWaitProperties,
	sendEach,
	waitForAnswer,
	waitTillDate,
	type Delivery,
} from '../../../shared/send-and-wait';
import { composeMessage, type GraphMessage } from '../../compose';
import { prepareGraphSend, sendDirect } from '../../graph-send';
import { resolveMailbox } from '../../mailbox';
import { senderFields } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/sendMail' },
	{ method: 'POST', path: '/me/sendMail', scheme: 'delegated', when: 'Mailbox is empty' },
]);

const properties = sendAndWaitProperties({
	resource: 'message',
	target: [
		...senderFields,
		{
			displayName: 'To',
			name: 'toRecipients',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'alice@contoso.com, bob@contoso.com',
			description:
				'Recipients, comma-separated (or a list from an expression). With "Accept Answers Only From Recipients" each gets their own message and links.',
		},
	],
	subject: true,
	recipientsOnly: {
		description:
			'Whether each recipient gets their own message whose links name them (the answer says whose link was used). Off: one message to all, whose links name nobody. A link proves which recipient it was sent to, not who opened it: a forwarded message answers as its recipient.',
	},
});

export const description: INodeProperties[] = properties;

/**
 * Sends the message with its answer links (one message per recipient, each with links that name
 * the recipient) through Graph's sendMail, then puts the execution to wait for the first answer.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	const node = this.getNode();
	// Everything is checked before the first request.
	const config = answerConfig(this, itemIndex);
	const waitTill = waitTillDate(this, itemIndex);
	const message = String(this.getNodeParameter('message', itemIndex, '') ?? '');
	const draft = composeMessage(
		node,
		{
			to: this.getNodeParameter('toRecipients', itemIndex, ''),
			subject: this.getNodeParameter('subject', itemIndex, ''),
			bodyType: 'html',
			body: '',
		},
		itemIndex,
	);
	const transport = await getTransport(this, itemIndex);
	const target = resolveMailbox(
		this,
		transport,
		this.getNodeParameter('mailbox', itemIndex, ''),
		itemIndex,
	);
	// An address given twice gets one message.
	const seen = new Set<string>();
	draft.toRecipients = draft.toRecipients.filter((r) => {
		const key = r.emailAddress.address.toLowerCase();
		if (seen.has(key)) return false;
		seen.add(key);
		return true;
	});
	const addresses = draft.toRecipients.map((r) => r.emailAddress.address);
	const deliveries: Array<Delivery<GraphMessage>> = config.recipientsOnly
		? draft.toRecipients.map((to) => ({
				recipient: to.emailAddress.address,
				target: to.emailAddress.address,
				payload: { ...draft, toRecipients: [to] },
			}))
		: [{ target: addresses.join(', '), payload: draft }];
	const sent = await sendEach(this, itemIndex, deliveries, async (delivery) => {
		const links = answerLinks(this, config, delivery.recipient);
		const job = await prepareGraphSend(this, {
			itemIndex,
			target,
			message: {
				...delivery.payload,
				body: { contentType: 'HTML', content: mailHtml(message, links) },
			},
			saveToSentItems: true,
			attachments: [],
		});
		// sendMail is `createOnce`: a send whose answer was lost is never repeated.
		await sendDirect(transport, job);
		return { subject: draft.subject, to: delivery.recipient ? [delivery.recipient] : addresses };
	});
	return await waitForAnswer(this, itemIndex, sent, waitTill);
}
