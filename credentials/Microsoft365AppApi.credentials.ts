import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import {
	CLIENT_ID_HINT,
	CLIENT_SECRET_HINT,
	CLOUD_FIELDS,
	TENANT_HINT,
} from '../nodes/shared/credentials/fields';

/**
 * App-only (client credentials) access to Microsoft 365: the app's own application permissions,
 * no signed-in user. Tokens come from @azure/msal-node (nodes/shared/auth/app.ts) and are cached
 * per credential for the whole n8n process, so there is no `authenticate` block; the nodes
 * register `testAppCredential` (nodes/shared/auth) as this credential's test.
 */
// The nodes using this credential test it with `testAppCredential` (nodes/shared/auth), registered
// under `methods.credentialTest` and referenced by `testedBy`: a declarative `test` request cannot
// work without an `authenticate` block, and tokens come from msal-node.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class Microsoft365AppApi implements ICredentialType {
	name = 'microsoft365AppApi';

	displayName = 'Microsoft 365 (App Client Credentials) API';

	icon = {
		light: 'file:microsoft365.svg',
		dark: 'file:microsoft365.dark.svg',
	} as const;

	documentationUrl =
		'https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-client-creds-grant-flow';

	properties: INodeProperties[] = [
		{
			displayName:
				'The app acts as itself with the <b>Application</b> permissions an administrator granted it (Entra → App registrations → your app → API permissions → Grant admin consent). Application mail permissions reach every mailbox unless Exchange restricts them: use Mailbox Restriction below and an Exchange application access policy or RBAC for Applications.',
			name: 'appNotice',
			type: 'notice',
			default: '',
		},
		...CLOUD_FIELDS,
		{
			displayName: 'Tenant',
			name: 'tenantId',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'contoso.onmicrosoft.com',
			hint: TENANT_HINT,
			description:
				'The tenant whose data the app reads. "common" and "organizations" cannot be used for app-only tokens.',
		},
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
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			options: [
				{ name: 'Client Secret', value: 'clientSecret' },
				{ name: 'Certificate', value: 'certificate' },
			],
			default: 'clientSecret',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			hint: CLIENT_SECRET_HINT,
			displayOptions: { show: { authentication: ['clientSecret'] } },
		},
		{
			displayName: 'Private Key',
			name: 'privateKey',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN PRIVATE KEY-----',
			description: 'PEM private key (RSA, unencrypted) of the certificate uploaded to the app',
			displayOptions: { show: { authentication: ['certificate'] } },
		},
		{
			displayName: 'Certificate or Thumbprint',
			name: 'certificate',
			type: 'string',
			typeOptions: { password: true, rows: 4 },
			default: '',
			required: true,
			placeholder: '-----BEGIN CERTIFICATE-----',
			description:
				'The certificate (PEM) uploaded to the app — checked against the private key — or its SHA-1 or SHA-256 thumbprint as shown under Certificates & secrets',
			displayOptions: { show: { authentication: ['certificate'] } },
		},
		{
			displayName: 'Mailbox Restriction',
			name: 'mailboxRestriction',
			type: 'string',
			typeOptions: { rows: 3 },
			default: '',
			placeholder: 'reports@contoso.com, @finance.contoso.com',
			description:
				"Optional: the only users whose own data this credential may read or act on — their mail, calendars, contacts, mailbox settings, Teams chats, OneDrive and OneNote (every Graph path /users/{user}/…, in every node). Directory reads (users, groups, managers, memberships) are not restricted. UPNs or addresses, object IDs (matched as IDs only), or @domain for a whole domain; separated by commas or line breaks. Enforced by this package before any request; Exchange's own scoping (RBAC for Applications) is the server-side half. Empty: no restriction.",
		},
	];
}
