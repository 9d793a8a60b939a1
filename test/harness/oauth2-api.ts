/**
 * n8n's generic `oAuth2Api` credential type (n8n-nodes-base 2.41.1,
 * credentials/OAuth2Api.credentials.ts), which credentials with `extends: ['oAuth2Api']` inherit
 * from. n8n-nodes-base is not a dependency of this package, so its property list is copied here
 * field for field (descriptions shortened): n8n merges these under the extending credential's
 * own properties, applies their defaults and drops the `doNotInherit` ones.
 */
import type { ICredentialType, INodeProperties } from 'n8n-workflow';

const notDcr = { useDynamicClientRegistration: [false] };

const properties: INodeProperties[] = [
	{
		displayName: 'Use Dynamic Client Registration',
		name: 'useDynamicClientRegistration',
		type: 'hidden',
		default: false,
	},
	{
		displayName: 'Grant Type',
		name: 'grantType',
		type: 'options',
		displayOptions: { show: notDcr },
		options: [
			{ name: 'Authorization Code', value: 'authorizationCode' },
			{ name: 'Client Credentials', value: 'clientCredentials' },
			{ name: 'PKCE', value: 'pkce' },
		],
		default: 'authorizationCode',
	},
	{
		displayName: 'Server URL',
		name: 'serverUrl',
		type: 'string',
		displayOptions: { show: { useDynamicClientRegistration: [true] } },
		default: '',
		required: true,
	},
	{
		displayName: 'Authorization URL',
		name: 'authUrl',
		type: 'string',
		displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], ...notDcr } },
		default: '',
		required: true,
	},
	{
		displayName: 'Access Token URL',
		name: 'accessTokenUrl',
		type: 'string',
		displayOptions: { show: notDcr },
		default: '',
		required: true,
	},
	{
		displayName: 'Client ID',
		name: 'clientId',
		type: 'string',
		displayOptions: { show: notDcr },
		default: '',
		required: true,
	},
	{
		displayName: 'Authentication',
		name: 'clientCredentialType',
		type: 'hidden',
		default: 'clientSecret',
	},
	{
		displayName: 'Client Secret',
		name: 'clientSecret',
		type: 'string',
		displayOptions: { show: notDcr },
		typeOptions: { password: true },
		default: '',
		required: true,
	},
	{ displayName: 'Private Key', name: 'privateKey', type: 'hidden', default: '' },
	{ displayName: 'Certificate', name: 'certificate', type: 'hidden', default: '' },
	{
		displayName: 'Scope',
		name: 'scope',
		type: 'string',
		displayOptions: { show: notDcr },
		default: '',
	},
	{
		displayName: 'Auth URI Query Parameters',
		name: 'authQueryParameters',
		type: 'string',
		displayOptions: { show: { grantType: ['authorizationCode', 'pkce'], ...notDcr } },
		default: '',
		placeholder: 'access_type=offline',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		displayOptions: { show: notDcr },
		options: [
			{ name: 'Body', value: 'body', description: 'Send credentials in body' },
			{ name: 'Header', value: 'header', description: 'Send credentials as Basic Auth header' },
		],
		default: 'header',
	},
	{
		displayName: 'Send Additional Body Properties',
		name: 'sendAdditionalBodyProperties',
		type: 'boolean',
		default: false,
		displayOptions: {
			show: { grantType: ['clientCredentials'], authentication: ['body'], ...notDcr },
		},
	},
	{
		displayName: 'Additional Body Properties',
		name: 'additionalBodyProperties',
		type: 'json',
		typeOptions: { rows: 5 },
		displayOptions: {
			show: {
				grantType: ['clientCredentials'],
				authentication: ['body'],
				sendAdditionalBodyProperties: [true],
				...notDcr,
			},
		},
		default: '',
	},
	{
		displayName: 'Ignore SSL Issues (Insecure)',
		name: 'ignoreSSLIssues',
		type: 'boolean',
		default: false,
		doNotInherit: true,
	},
	{
		displayName: 'Token Expired Status Code',
		name: 'tokenExpiredStatusCode',
		type: 'number',
		default: 401,
		doNotInherit: true,
	},
	{
		displayName: 'Encrypted Tokens (JWE)',
		name: 'jweEnabled',
		type: 'boolean',
		default: false,
		envFeatureFlag: 'OAUTH2_JWE',
		doNotInherit: true,
	},
	{
		displayName: 'JWKS URI',
		name: 'jwksUri',
		type: 'string',
		typeOptions: { copyButton: true },
		default: '',
		displayOptions: { show: { jweEnabled: [true] } },
		doNotInherit: true,
	},
	{
		displayName: 'Inline JWKS in Client Registration',
		name: 'inlineJwks',
		type: 'boolean',
		default: false,
		displayOptions: { show: { jweEnabled: [true], useDynamicClientRegistration: [true] } },
		doNotInherit: true,
	},
];

export class OAuth2Api implements ICredentialType {
	name = 'oAuth2Api';

	displayName = 'OAuth2 API';

	// n8n's own value is the docs slug 'httprequest'.
	documentationUrl = 'https://docs.n8n.io/integrations/builtin/credentials/httprequest/';

	genericAuth = true;

	properties = properties;
}
