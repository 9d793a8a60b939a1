import {
	NodeOperationError,
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { grantsOfToken } from '../../../shared/auth/token-grants';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import {
	checkAll,
	PROBE_CALLS,
	probeExchange,
	probesFor,
	type ExchangeProbe,
} from '../../../shared/permission-check';

const properties: INodeProperties[] = [
	{
		displayName: 'Output',
		name: 'output',
		type: 'options',
		options: [
			{
				name: 'Operations and Summary',
				value: 'operations',
				description: 'One item per operation of every Microsoft 365 node, then one summary item',
			},
			{ name: 'Summary Only', value: 'summary', description: 'One item' },
		],
		default: 'operations',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Mailbox to Check',
				name: 'mailbox',
				type: 'string',
				default: '',
				placeholder: 'reports@your-domain',
				description:
					'A mailbox (address or user ID) to read once per permission family (mail: its Inbox folder ID; calendar: one calendar ID), to find out whether Exchange Online keeps an app-only credential away from it (application access policy, RBAC for Applications) or whether the signed-in user can open it. Nothing is changed.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['credential'], operation: ['checkPermissions'] } },
	properties,
);

export const graphCalls = declareGraphCalls(PROBE_CALLS);

/**
 * Which operations of the package the credential's token allows: its roles (app-only) or scp
 * (delegated) against the Graph calls every operation declares, and, with a mailbox named,
 * one read per mail/calendar permission family to see Exchange Online's scope.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject[]> {
	const output = this.getNodeParameter('output', itemIndex, 'operations') as string;
	const options = this.getNodeParameter('options', itemIndex, {}) as { mailbox?: string };
	const mailbox = String(options.mailbox ?? '').trim();
	if (mailbox && /[\s/?#]/.test(mailbox)) {
		throw new NodeOperationError(this.getNode(), `Mailbox to Check "${mailbox}" is not a mailbox`, {
			itemIndex,
			description:
				'Give an email address, a user principal name or a user ID. No request was made.',
		});
	}
	const transport = await getTransport(this, itemIndex);
	const grants = grantsOfToken(await transport.provider.getToken(), transport.scheme);
	const probes: ExchangeProbe[] = [];
	if (mailbox)
		for (const family of probesFor(grants))
			probes.push(await probeExchange(transport, mailbox, family, itemIndex));
	const { checks, summary } = checkAll(grants, probes);
	const summaryItem = { type: 'summary', ...summary };
	if (output === 'summary') return [summaryItem];
	return [...checks.map((check) => ({ type: 'operation', ...check })), summaryItem];
}
