import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The URL of a Teams Workflows webhook ("Post to a channel when a webhook request is received",
 * or a flow with "When a Teams webhook request is received"). The URL carries its own
 * signature (`sig=`), so whoever has it can post: it is kept as a secret, in a credential.
 * No Microsoft Graph token is involved, which makes it the way to post from app-only setups.
 */
// A test request would post a card into the channel; the node checks the URL's form instead.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class Microsoft365TeamsWebhookApi implements ICredentialType {
	name = 'microsoft365TeamsWebhookApi';

	displayName = 'Microsoft 365 Teams Workflows Webhook API';

	icon = {
		light: 'file:microsoft365.svg',
		dark: 'file:microsoft365.dark.svg',
	} as const;

	documentationUrl =
		'https://support.microsoft.com/en-us/office/create-incoming-webhooks-with-workflows-for-microsoft-teams-8ae491c7-0394-4861-ba59-055e33f75498';

	properties: INodeProperties[] = [
		{
			displayName:
				'In Teams, open the channel\'s "..." menu → Workflows → "Post to a channel when a webhook request is received", finish the flow and copy the URL it shows. Anyone with the URL can post to the channel.',
			name: 'webhookNotice',
			type: 'notice',
			default: '',
		},
		// The URL's `sig` parameter is the secret that lets anyone post to the channel.
		// eslint-disable-next-line @n8n/community-nodes/credential-unnecessary-password
		{
			displayName: 'Webhook URL',
			name: 'webhookUrl',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder:
				'https://prod-00.westeurope.logic.azure.com:443/workflows/.../triggers/manual/paths/invoke?...&sig=...',
		},
	];
}
