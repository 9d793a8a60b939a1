import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import type { GraphTransport } from '../../../shared/transport';
import { attachmentProperties, collectAttachments } from '../../attachments';
import { sendBulk } from '../../bulk';
import { composeMessage, summary } from '../../compose';
import { prepareGraphSend, sendWithDraft, type PreparedSend } from '../../graph-send';
import { resolveMailbox } from '../../mailbox';
import { sendSmtp, type SmtpJob } from '../../smtp';
import { senderFields } from './fields';

export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/users/{id}/sendMail' },
	{ method: 'POST', path: '/me/sendMail', scheme: 'delegated', when: 'Mailbox is empty' },
	{ method: 'POST', path: '/users/{id}/messages', when: 'an attachment is 3 MB or more' },
	// Also POST /users/{id}/messages/{id}/attachments/createUploadSession (an attachment of 3 MB or
	// more): Mail.ReadWrite, as the draft. Not declared: the catalogue files that path under
	// messages and events alike and would name Calendars.ReadWrite as its least privilege.
	{ method: 'POST', path: '/users/{id}/messages/{id}/send', when: 'an attachment is 3 MB or more' },
]);

const properties: INodeProperties[] = [
	...senderFields,
	{
		displayName: 'Send Through',
		name: 'sendVia',
		type: 'options',
		options: [
			{
				name: 'Microsoft Graph',
				value: 'graph',
				description: 'Graph sendMail (batched in bulk, large attachments through upload sessions)',
			},
			{
				name: 'SMTP (OAuth2)',
				value: 'smtp',
				description:
					"Exchange Online's SMTP submission with XOAUTH2 (needs an Outlook-resource token)",
			},
		],
		default: 'graph',
	},
	{
		displayName:
			"Sent to the credential's cloud's SMTP submission endpoint (smtp.office365.com:587 with STARTTLS for Global; a Custom cloud's SMTP Endpoint): the token never goes to a host a workflow names.",
		name: 'smtpNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { sendVia: ['smtp'] } },
	},
	{
		displayName: 'To',
		name: 'toRecipients',
		type: 'string',
		default: '',
		placeholder: 'alice@contoso.com, "Bob Berger" <bob@contoso.com>',
		description: 'Recipients, comma-separated (or a list from an expression)',
	},
	{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
	{
		displayName: 'Body Type',
		name: 'bodyType',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
		],
		default: 'text',
	},
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 5 },
		default: '',
	},
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: [
			{
				displayName: 'Attachments',
				name: 'attachments',
				type: 'string',
				default: '',
				placeholder: 'data, report',
				description:
					'Binary properties of the input item to attach, comma-separated; each keeps its file name and type. Up to 150 MB each and per message.',
			},
			{
				displayName: 'BCC',
				name: 'bccRecipients',
				type: 'string',
				default: '',
				description: 'Blind-copy recipients, comma-separated',
			},
			{
				displayName: 'CC',
				name: 'ccRecipients',
				type: 'string',
				default: '',
				description: 'Copy recipients, comma-separated',
			},
			{
				displayName: 'Custom Headers',
				name: 'headers',
				type: 'fixedCollection',
				typeOptions: { multipleValues: true },
				default: {},
				description: 'Internet message headers; Graph accepts only names starting with x-',
				options: [
					{
						displayName: 'Header',
						name: 'header',
						values: [
							{
								displayName: 'Name',
								name: 'name',
								type: 'string',
								default: '',
								placeholder: 'x-correlation-key',
							},
							{ displayName: 'Value', name: 'value', type: 'string', default: '' },
						],
					},
				],
			},
			{
				displayName: 'Importance',
				name: 'importance',
				type: 'options',
				options: [
					{ name: 'Low', value: 'low' },
					{ name: 'Normal', value: 'normal' },
					{ name: 'High', value: 'high' },
				],
				default: 'normal',
			},
			{
				displayName: 'Reply To',
				name: 'replyTo',
				type: 'string',
				default: '',
				description: 'Addresses replies go to, comma-separated',
			},
			{
				displayName: 'Save to Sent Items',
				name: 'saveToSentItems',
				type: 'boolean',
				default: true,
				description: 'Whether to keep a copy in the Sent Items folder (Graph only)',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Batch Requests',
				name: 'bulk',
				type: 'boolean',
				default: true,
				description:
					"Whether to send small messages of many items through $batch (20 per request, at most 4 at once per mailbox, Exchange's concurrency limit)",
			},
			{
				displayName: 'Mailbox Rate per Minute',
				name: 'messagesPerMinute',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description:
					"Pace sending to stay under Exchange's sending limits (30 per minute by default); 0 sends as fast as allowed",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['message'], operation: ['send'] } },
	properties,
);

interface Prepared {
	k: number;
	via: 'graph' | 'smtp';
	graph?: PreparedSend;
	smtp?: SmtpJob;
}

async function prepare(
	this: IExecuteFunctions,
	transport: GraphTransport,
	itemIndex: number,
	k: number,
): Promise<Prepared> {
	const node = this.getNode();
	const via = this.getNodeParameter('sendVia', itemIndex, 'graph') as 'graph' | 'smtp';
	const target = resolveMailbox(
		this,
		transport,
		this.getNodeParameter('mailbox', itemIndex, ''),
		itemIndex,
	);
	const fields = this.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const headers = ((fields.headers as IDataObject | undefined)?.header ?? []) as Array<{
		name?: string;
		value?: string;
	}>;
	const message = composeMessage(
		node,
		{
			to: this.getNodeParameter('toRecipients', itemIndex, ''),
			cc: fields.ccRecipients,
			bcc: fields.bccRecipients,
			replyTo: fields.replyTo,
			subject: this.getNodeParameter('subject', itemIndex, ''),
			bodyType: this.getNodeParameter('bodyType', itemIndex, 'text') as 'text' | 'html',
			body: this.getNodeParameter('body', itemIndex, ''),
			importance: fields.importance as string | undefined,
			headers,
		},
		itemIndex,
	);
	const attachments = await collectAttachments(
		this,
		itemIndex,
		attachmentProperties(fields.attachments),
	);
	if (via === 'smtp') {
		return { k, via, smtp: { itemIndex, target, message, attachments } };
	}
	const graph = await prepareGraphSend(this, {
		itemIndex,
		target,
		message,
		saveToSentItems: fields.saveToSentItems !== false,
		attachments,
	});
	return { k, via, graph };
}

/** Sends every item's message: validated first, then SMTP, bulk Graph and draft routes. */
export async function executeMany(
	this: IExecuteFunctions,
	itemIndexes: number[],
): Promise<(ItemResult | Error)[]> {
	const results: (ItemResult | Error | undefined)[] = new Array(itemIndexes.length);
	const prepared: Prepared[] = [];
	let transport: GraphTransport | undefined;
	for (const [k, itemIndex] of itemIndexes.entries()) {
		try {
			transport = await getTransport(this, itemIndex);
			prepared.push(await prepare.call(this, transport, itemIndex, k));
		} catch (error) {
			results[k] = error as Error;
		}
	}
	// Bad input stops the run before anything is sent, unless failures continue.
	const firstBad = results.findIndex((r) => r instanceof Error);
	if (firstBad >= 0 && !this.continueOnFail()) {
		const reason = (results[firstBad] as Error).message;
		return itemIndexes.map(
			(_, k) =>
				results[k] ??
				new NodeOperationError(
					this.getNode(),
					`Not sent: item ${itemIndexes[firstBad]} has bad input (${reason})`,
					{
						description:
							'Nothing was sent: fix that item, or turn on "Continue On Fail" to send the others.',
					},
				),
		);
	}
	if (!transport) return results as (ItemResult | Error)[];
	const smtpJobs = prepared.filter((p) => p.via === 'smtp');
	if (smtpJobs.length) {
		// The token goes only to the credential's cloud's SMTP endpoint, never to a host a
		// parameter or an item names.
		const { smtpHost: host, smtpPort: port } = transport.provider.endpoints;
		const sent = await sendSmtp(
			this,
			transport,
			smtpJobs.map((p) => p.smtp!),
			{ host, port },
		);
		for (const p of smtpJobs) results[p.k] = sent.get(p.smtp!);
	}
	const graphJobs = prepared.filter((p) => p.via === 'graph');
	const options = this.getNodeParameter(
		'options',
		graphJobs[0]?.graph?.itemIndex ?? 0,
		{},
	) as IDataObject;
	const single = graphJobs.filter((p) => p.graph!.body).map((p) => p.graph!);
	const sent = await sendBulk(
		transport,
		single,
		{ batch: options.bulk !== false, perMinute: Number(options.messagesPerMinute ?? 0) || 0 },
		(job, via) => summary(job.message, job.target.mailbox, via),
	);
	for (const p of graphJobs) {
		if (p.graph!.body) {
			results[p.k] = sent.get(p.graph!);
			continue;
		}
		try {
			const extra = await sendWithDraft(this, transport, p.graph!);
			results[p.k] = {
				...summary(p.graph!.message, p.graph!.target.mailbox, 'graph-draft'),
				attachments: p.graph!.attachments.length,
				...extra,
			};
		} catch (error) {
			results[p.k] = error as Error;
		}
	}
	return results.map((r) => r ?? new Error('The message was not sent')) as (ItemResult | Error)[];
}
