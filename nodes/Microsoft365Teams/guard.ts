/**
 * Message posting needs a delegated credential: Microsoft Graph grants application permission
 * for channel and chat message POSTs only as Teamwork.Migrate.All, for importing history into
 * teams in migration mode. The node refuses before any request (no token is fetched) and says
 * what to use instead.
 */
import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

export const APP_POSTING_NOTICE =
	'Posting messages is not available with the App-Only credential: Microsoft Graph allows apps to post channel and chat messages only to import history (Teamwork.Migrate.All, migration mode). To post as a user, choose a Microsoft 365 Delegated OAuth2 API credential in the node\'s Credential field; to post without a signed-in user, choose Resource "Incoming Webhook (Workflows)" → "Post Card" (a Teams Workflows webhook).';

export function assertDelegatedForPosting(ctx: IExecuteFunctions, itemIndex: number): void {
	const authentication = ctx.getNodeParameter('authentication', itemIndex, 'delegated') as string;
	if (authentication !== 'app') return;
	throw new NodeOperationError(
		ctx.getNode(),
		'Posting Teams messages needs the delegated credential',
		{ itemIndex, description: APP_POSTING_NOTICE },
	);
}
