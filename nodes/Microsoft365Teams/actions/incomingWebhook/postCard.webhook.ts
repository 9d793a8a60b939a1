/**
 * Incoming Webhook → Post Card. It makes no Graph call, so it is not an `*.operation.ts` file
 * (those declare their Graph calls for the README's permissions table).
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { ADAPTIVE_CARD, parseAdaptiveCard } from '../../message';
import { postToWebhook, webhookUrl } from '../../webhook';

export const WEBHOOK_CREDENTIAL = 'microsoft365TeamsWebhookApi';

const properties: INodeProperties[] = [
	{
		displayName:
			'Posts through a Teams Workflows webhook (the "Microsoft 365 Teams Workflows Webhook API" credential): no Graph permission or signed-in user needed. The card appears as posted by the flow\'s owner via Workflows.',
		name: 'webhookNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Adaptive Card (JSON)',
		name: 'card',
		type: 'json',
		default:
			'{\n  "type": "AdaptiveCard",\n  "version": "1.5",\n  "body": [{ "type": "TextBlock", "text": "Hello from n8n", "wrap": true }]\n}',
		required: true,
		description:
			'The card to post: {"type": "AdaptiveCard", "version": "1.5", "body": [...]}, from the Adaptive Card Designer or an expression',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['incomingWebhook'], operation: ['postCard'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const node = this.getNode();
	const card = parseAdaptiveCard(node, this.getNodeParameter('card', itemIndex), itemIndex);
	const credentials = await this.getCredentials<{ webhookUrl?: string }>(
		WEBHOOK_CREDENTIAL,
		itemIndex,
	);
	const url = webhookUrl(node, credentials.webhookUrl, itemIndex);
	const payload = {
		type: 'message',
		attachments: [{ contentType: ADAPTIVE_CARD, contentUrl: null, content: card }],
	};
	const { status } = await postToWebhook(node, url, payload, itemIndex);
	return { delivered: true, status };
}
