/** Credential fields shared by both credential types: the cloud and its Custom endpoints. */
import type { INodeProperties } from 'n8n-workflow';
import { CLOUDS } from '../clouds';

/**
 * Hints shown under the fields (not only in tooltips): where in the Entra admin center each
 * value is copied from and what it looks like. n8n's credential dialog cannot check a field
 * while typing; the nodes check these before any request and name the field in the error.
 */
export const CLIENT_ID_HINT =
	'Application (client) ID, a GUID: Entra admin center → App registrations → your app → Overview';
export const TENANT_HINT =
	'Directory (tenant) ID (a GUID) from the same Overview page, or a verified domain such as contoso.onmicrosoft.com';
export const CLIENT_SECRET_HINT =
	"The secret's Value (shown once, right after you create it under Certificates & secrets), not its Secret ID";

export const CLOUD_FIELDS: INodeProperties[] = [
	{
		displayName: 'Cloud',
		name: 'cloud',
		type: 'options',
		// Global first (most tenants), then the national clouds, then Custom — not alphabetical.
		// eslint-disable-next-line n8n-nodes-base/node-param-options-type-unsorted-items
		options: [
			{
				name: 'Global (Microsoft 365)',
				value: 'global',
				description: 'Login.microsoftonline.com and graph.microsoft.com',
			},
			{
				name: 'US Government L4 (GCC High)',
				value: 'usGovL4',
				description: 'Login.microsoftonline.us and graph.microsoft.us',
			},
			{
				name: 'US Government L5 (DoD)',
				value: 'usGovL5',
				description: 'Login.microsoftonline.us and dod-graph.microsoft.us',
			},
			{
				name: 'China (Operated by 21Vianet)',
				value: 'china',
				description: 'Login.chinacloudapi.cn and microsoftgraph.chinacloudapi.cn',
			},
			{
				name: 'Custom Endpoints',
				value: 'custom',
				description: 'Your own login and Graph URLs (sovereign or test deployments)',
			},
		],
		default: 'global',
		description:
			'The Microsoft cloud the tenant lives in. Login and Graph URLs are derived from it. GCC (moderate) tenants use Global.',
	},
	{
		displayName: 'Login Endpoint',
		name: 'customLoginUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: CLOUDS.global.login,
		description: 'Origin of the login service (https only); the tenant is appended to it',
		displayOptions: { show: { cloud: ['custom'] } },
	},
	{
		displayName: 'Graph Endpoint',
		name: 'customGraphUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: CLOUDS.global.graph,
		description: 'Origin Graph requests are sent to (https only)',
		displayOptions: { show: { cloud: ['custom'] } },
	},
	{
		displayName: 'Graph Resource',
		name: 'customGraphResource',
		type: 'string',
		default: 'https://graph.microsoft.com',
		description:
			'Resource identifier that prefixes Graph scopes (&lt;resource&gt;/Mail.Send, &lt;resource&gt;/.default)',
		displayOptions: { show: { cloud: ['custom'] } },
	},
	{
		displayName: 'SMTP Endpoint',
		name: 'customSmtpHost',
		type: 'string',
		default: '',
		placeholder: `${CLOUDS.global.smtpHost}:587`,
		description:
			'Host (and port, default 587 with STARTTLS) of the SMTP submission service. The Outlook token is sent over SMTP to this endpoint only; for the named clouds it is fixed (smtp.office365.com for Global). Empty: smtp.office365.com:587.',
		displayOptions: { show: { cloud: ['custom'] } },
	},
	{
		displayName: 'Outlook Resource',
		name: 'customOutlookResource',
		type: 'string',
		default: '',
		placeholder: CLOUDS.global.outlookResource,
		description:
			"Resource identifier of Exchange Online's IMAP, POP and SMTP scopes. Empty: https://outlook.office.com for delegated scopes, https://outlook.office365.com for app-only tokens.",
		displayOptions: { show: { cloud: ['custom'] } },
	},
];
