/**
 * Teams export APIs (`/teams/{id}/channels/getAllMessages`, `/users/{id}/chats/getAllMessages`):
 * application permission only, and metered (https://learn.microsoft.com/graph/teams-licenses):
 *
 * - `model=A`: security and compliance apps only; the users need a license with the Microsoft
 *   Communications DLP service plan (e.g. Microsoft 365 E5) and the app an Azure subscription;
 * - `model=B`: any other purpose (backup, analytics, ...); no license, $0.00075 per message, the
 *   app must be linked to an Azure subscription;
 * - no `model` (evaluation mode): 500 messages per month per app and tenant, then 402.
 *
 * An empty answer is charged as one message, and a message read twice is charged twice, so
 * a since date (sent as `$filter=lastModifiedDateTime gt ...`) saves money. Graph refuses with
 * 402 Payment Required when billing or licensing is missing, and with 403 when the app lacks the
 * permission (or the Protected API access Teams requires for these reads).
 */
import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';
import { isGraphStatus } from './read-errors';

export type PaymentModel = 'A' | 'B' | 'evaluation';

export const METERED_NOTICE =
	'Metered Microsoft Graph API (app-only): Microsoft charges for every message read this way, empty answers included (model B: $0.00075 per message, billed to the Azure subscription linked to the app registration; model A: security and compliance apps, licensed users; Evaluation: 500 messages a month per app and tenant, then refused). Use a since date so messages are not read (and billed) twice. See https://learn.microsoft.com/graph/teams-licenses.';

export function paymentModelProperty(): INodeProperties {
	return {
		displayName: 'Payment Model',
		name: 'paymentModel',
		type: 'options',
		options: [
			{
				name: 'Evaluation (No Model, 500 Messages a Month)',
				value: 'evaluation',
				description: 'No model parameter: the free evaluation quota, then Graph refuses (402)',
			},
			{
				name: 'Model A (Security and Compliance)',
				value: 'A',
				description:
					'Sent as model=A: only for security and compliance apps; users need a license with the Microsoft Communications DLP service plan (e.g. Microsoft 365 E5); needs an Azure subscription',
			},
			{
				name: 'Model B (Other Purposes, Paid per Message)',
				value: 'B',
				description:
					'Sent as model=B: analytics, backup and other apps; $0.00075 per message; needs an Azure subscription linked to the app',
			},
		],
		default: 'evaluation',
		description:
			'The licensing and payment model Graph bills the export by (the model query parameter)',
	};
}

/** The `model` query parameter for the item, or none for evaluation mode. */
export function modelQuery(ctx: IExecuteFunctions, itemIndex: number): Record<string, string> {
	const model = ctx.getNodeParameter('paymentModel', itemIndex, 'evaluation') as string;
	if (model === 'evaluation' || model === '' || model === undefined) return {};
	if (model !== 'A' && model !== 'B')
		throw new NodeOperationError(
			ctx.getNode(),
			`Payment Model: "${model}" is not A, B or evaluation`,
			{
				itemIndex,
				description: 'Choose Model A, Model B or Evaluation. No request was made.',
			},
		);
	return { model };
}

/** The export needs an app-only credential (Graph supports no delegated getAllMessages). */
export function assertAppForExport(ctx: IExecuteFunctions, itemIndex: number, field: string): void {
	if (ctx.getNodeParameter('authentication', itemIndex, 'delegated') === 'app') return;
	throw new NodeOperationError(
		ctx.getNode(),
		`${field}: the tenant-wide export needs the app-only credential`,
		{
			itemIndex,
			description:
				"Microsoft Graph offers getAllMessages only with application permissions (ChannelMessage.Read.All for a team, Chat.Read.All for a user's chats). Choose a Microsoft 365 (App Client Credentials) API credential, or read one channel or chat at a time. No request was made.",
		},
	);
}

/**
 * Graph's refusal of an export with what to do: 402 (billing, license or evaluation quota) or 403
 * (permission, Protected API access).
 */
export function explainExportRefusal(
	error: unknown,
	model: PaymentModel,
	permission: string,
): unknown {
	if (isGraphStatus(error, 402)) {
		const which =
			model === 'A'
				? 'With model A, Graph requires the users involved to have a license that includes the Microsoft Communications DLP service plan (such as Microsoft 365 E5, with DLP enabled) and the app registration to be linked to an active Azure subscription; model A is only for security and compliance apps.'
				: model === 'B'
					? 'With model B, Graph requires the app registration to be linked to an active Azure subscription for billing (Enable metered Microsoft 365 APIs: https://learn.microsoft.com/graph/metered-api-setup).'
					: 'Without a payment model Graph uses evaluation mode: 500 messages per month per app and tenant; when they are used up it refuses until next month.';
		error.message = `Payment required (402): Microsoft Graph refused the metered Teams export. ${error.message}`;
		error.description =
			`${error.description ?? ''} ${which} Fix: link the app registration to an Azure subscription (az resource create --resource-type Microsoft.GraphServices/accounts ... with the app's ID) and choose Payment Model B (or A for security and compliance apps with licensed users); see https://learn.microsoft.com/graph/teams-licenses.`.trim();
		return error;
	}
	if (isGraphStatus(error, 403)) {
		error.description =
			`${error.description ?? ''} The export needs the application permission ${permission} with admin consent, and Microsoft requires apps that read Teams messages with application permissions to request access to these Protected APIs first (https://learn.microsoft.com/graph/teams-protected-apis); a 403 after consent usually means that access was not granted yet.`.trim();
		return error;
	}
	return error;
}
