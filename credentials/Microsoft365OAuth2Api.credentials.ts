import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import {
	CLIENT_ID_HINT,
	CLIENT_SECRET_HINT,
	CLOUD_FIELDS,
	TENANT_HINT,
} from '../nodes/shared/credentials/fields';
import {
	DEFAULT_OUTLOOK_PROTOCOLS,
	DEFAULT_SCOPE_GROUPS,
	OUTLOOK_PROTOCOLS,
	SCOPE_GROUPS,
	delegatedExpression,
	type ScopeOption,
} from '../nodes/shared/scopes';

function scopeOptions(options: ScopeOption[]) {
	return options.map((o) => ({
		name: o.name,
		value: o.value,
		description: `${o.note}. Scopes: ${o.scopes.join(', ')}`,
	}));
}

/**
 * Delegated (signed-in user) access to Microsoft 365. n8n runs the authorization-code sign-in,
 * stores and refreshes the tokens (`extends: oAuth2Api`); the authorization and token URLs and the
 * scope string are hidden fields derived by expressions from Cloud, Tenant and the selections
 * (nodes/shared/scopes.ts), never typed by hand.
 */
export class Microsoft365OAuth2Api implements ICredentialType {
	name = 'microsoft365OAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Microsoft 365 Delegated OAuth2 API';

	icon = {
		light: 'file:microsoft365.svg',
		dark: 'file:microsoft365.dark.svg',
	} as const;

	documentationUrl =
		'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow';

	properties: INodeProperties[] = [
		{
			displayName:
				'Register the OAuth Redirect URL shown above in Microsoft Entra admin center: App registrations → your app → Authentication → Add a platform → <b>Web</b> (not "Single-page application" or "Mobile and desktop"). A missing or different redirect URI fails sign-in with AADSTS50011.',
			name: 'redirectNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		// n8n lists the properties of the parent oAuth2Api first (Client ID, Client Secret) and
		// appends the others, so these two override the parent's in place (with visible hints) and
		// Tenant follows them directly, before Cloud: the values copied from Entra come first.
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			hint: CLIENT_ID_HINT,
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: CLIENT_SECRET_HINT,
		},
		{
			displayName: 'Tenant',
			name: 'tenant',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'contoso.onmicrosoft.com',
			hint: TENANT_HINT,
			description:
				'For multi-tenant apps: "organizations" (any work or school account) or "common". Checked before any request: a value that is neither a GUID, a domain, "organizations" nor "common" stops the node with a message naming this field.',
		},
		...CLOUD_FIELDS,
		{
			// Not named `resource`: n8n sends a credential property of that name to the login
			// service as an RFC 8707 `resource` parameter, which Microsoft's v2.0 endpoints refuse
			// (AADSTS901002).
			displayName: 'Sign In For',
			name: 'signInFor',
			type: 'options',
			options: [
				{
					name: 'Microsoft Graph',
					value: 'graph',
					description: 'Mail, Teams, SharePoint and directory operations over Graph',
				},
				{
					name: 'Outlook Legacy Protocols (IMAP, POP, SMTP)',
					value: 'outlook',
					description:
						"Exchange Online's IMAP, POP and SMTP AUTH with OAuth2. One token serves one resource: use a second credential for Graph.",
				},
			],
			default: 'graph',
		},
		{
			displayName: 'Permissions (Scope Groups)',
			name: 'scopeGroups',
			type: 'multiOptions',
			options: scopeOptions(SCOPE_GROUPS),
			default: DEFAULT_SCOPE_GROUPS,
			description:
				"Delegated Graph permissions to ask for, grouped by what the package's nodes do. Add only what your workflows use. Directory Read needs admin consent.",
			displayOptions: { show: { signInFor: ['graph'] } },
		},
		{
			displayName: 'Protocols',
			name: 'outlookProtocols',
			type: 'multiOptions',
			options: scopeOptions(OUTLOOK_PROTOCOLS),
			default: DEFAULT_OUTLOOK_PROTOCOLS,
			description:
				'Exchange Online protocols to ask for (with offline_access). SMTP AUTH must also be enabled for the mailbox.',
			displayOptions: { show: { signInFor: ['outlook'] } },
		},
		{
			displayName: 'Additional Scopes',
			name: 'additionalScopes',
			type: 'string',
			default: '',
			placeholder: 'Calendars.ReadWrite',
			description:
				'More delegated permissions, separated by spaces, commas or line breaks. Short names (Calendars.ReadWrite) get the resource prefix of the chosen cloud; full URIs of the same resource are kept. Only one resource per credential.',
		},
		{
			displayName:
				'Requested scopes: the selected groups plus Additional Scopes, one line, deduplicated, each permission as &lt;resource&gt;/&lt;Name&gt; for the chosen cloud (e.g. https://graph.microsoft.com/Mail.Send; openid and offline_access stay bare). The exact string is the <code>scope</code> parameter of the sign-in page that opens when you connect.',
			name: 'scopeNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName:
				'Admin consent: permissions marked "needs admin consent", and tenants where users may not consent, need an administrator to open &lt;login URL&gt;/&lt;tenant&gt;/v2.0/adminconsent?client_id=&lt;Client ID&gt;&amp;scope=&lt;the requested scopes&gt;&amp;redirect_uri=&lt;OAuth Redirect URL&gt; (or Entra → App registrations → API permissions → Grant admin consent). Without it sign-in fails with AADSTS65001.',
			name: 'adminConsentNotice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: delegatedExpression('authUrl'),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: delegatedExpression('accessTokenUrl'),
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: delegatedExpression('scope'),
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: 'prompt=select_account&response_mode=query',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
	];

	/**
	 * Graph: `GET /me` (who signed in). Outlook: a token for IMAP/POP/SMTP cannot be tried over
	 * HTTP, so the test fetches the tenant's OpenID configuration (cloud and tenant exist); the
	 * first SMTP or IMAP connection checks the token itself.
	 */
	test: ICredentialTestRequest = {
		request: {
			method: 'GET',
			url: delegatedExpression('testUrl', '$credentials'),
		},
	};
}
