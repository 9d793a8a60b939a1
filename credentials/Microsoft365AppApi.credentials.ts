import type { ICredentialType, INodeProperties } from 'n8n-workflow';
import {
	CLIENT_ID_HINT,
	CLIENT_SECRET_HINT,
	CLOUD_FIELDS,
	TENANT_HINT,
} from '../nodes/shared/credentials/fields';

/**
 * App-only access to Microsoft 365: the app's own application permissions, no signed-in user.
 * The app proves itself with a client secret, a certificate, a federated token (Workload Identity
 * Federation), or is the Azure host's managed identity. Tokens come from @azure/msal-node
 * (nodes/shared/auth/app.ts) and are cached per credential for the whole n8n process, so there is
 * no `authenticate` block; the nodes register `testAppCredential` (nodes/shared/auth) as this
 * credential's test.
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
			// A managed identity signs in to its own tenant.
			displayOptions: { hide: { authentication: ['managedIdentity'] } },
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			hint: CLIENT_ID_HINT,
			displayOptions: { hide: { authentication: ['managedIdentity'] } },
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'options',
			// Secret first (most set-ups), then certificate, then the secretless kinds.
			options: [
				{ name: 'Client Secret', value: 'clientSecret' },
				{ name: 'Certificate', value: 'certificate' },
				{
					name: 'Workload Identity Federation',
					value: 'workloadIdentityFederation',
					description:
						"A token another issuer gives n8n's workload (Kubernetes service account, CI job), read from a file",
				},
				{
					name: 'Managed Identity',
					value: 'managedIdentity',
					description:
						'The identity of the Azure host n8n runs on (VM, App Service, Container Apps, Arc)',
				},
			],
			default: 'clientSecret',
		},
		{
			displayName:
				"The managed identity of the Azure host n8n runs on signs in, in its own tenant: no Tenant, Client ID or secret. Give its service principal Graph <b>application</b> permissions (app role assignments; it has no app registration). The host must run in the tenant's cloud (Azure Government for US Government L4/L5, Azure operated by 21Vianet for China) and in a subscription of the tenant: Microsoft offers no managed identity across clouds or tenants. Anyone who can create credentials in this n8n can use the host's identity.",
			name: 'managedIdentityNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { authentication: ['managedIdentity'] } },
		},
		{
			displayName: 'Managed Identity',
			name: 'managedIdentity',
			type: 'options',
			options: [
				{ name: 'System-Assigned', value: 'system' },
				{ name: 'User-Assigned (Client ID)', value: 'userClientId' },
				{ name: 'User-Assigned (Object ID)', value: 'userObjectId' },
				{ name: 'User-Assigned (Resource ID)', value: 'userResourceId' },
			],
			default: 'system',
			description:
				'Which identity of the host: its system-assigned identity, or a user-assigned identity attached to it, named by one of its IDs',
			displayOptions: { show: { authentication: ['managedIdentity'] } },
		},
		{
			displayName: 'Identity ID',
			name: 'managedIdentityId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '00000000-0000-0000-0000-000000000000',
			hint: 'Azure portal → Managed Identities → your identity → Overview: Client ID or Object (principal) ID (GUIDs), or the Resource ID (/subscriptions/…/userAssignedIdentities/<name>)',
			displayOptions: {
				show: {
					authentication: ['managedIdentity'],
					managedIdentity: ['userClientId', 'userObjectId', 'userResourceId'],
				},
			},
		},
		// A path, not a secret (the token in the file is never shown): a plain text field.
		// eslint-disable-next-line @n8n/community-nodes/credential-password-field
		{
			displayName: 'Federated Token File',
			name: 'federatedTokenFile',
			type: 'string',
			default: '',
			placeholder: '/var/run/secrets/azure/tokens/azure-identity-token',
			description:
				"Absolute path of the file holding the federated token (a JWT), read again for every token request since its issuer rotates it. Empty: the path in the n8n process's AZURE_FEDERATED_TOKEN_FILE (set by AKS workload identity). The app needs a federated credential (Certificates & secrets → Federated credentials) with the token's issuer, subject and audience.",
			displayOptions: { show: { authentication: ['workloadIdentityFederation'] } },
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
