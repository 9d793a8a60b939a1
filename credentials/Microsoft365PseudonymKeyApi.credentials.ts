import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * The secret key of the Entra ID nodes' pseudonymisation (HMAC-SHA-256), kept encrypted by n8n
 * like any credential so it is not visible in workflow JSON. No request uses it.
 */
// A local secret, not an API login: there is nothing to test or authenticate against.
// eslint-disable-next-line @n8n/community-nodes/credential-test-required
export class Microsoft365PseudonymKeyApi implements ICredentialType {
	name = 'microsoft365PseudonymKeyApi';

	displayName = 'Microsoft 365 Pseudonym Key API';

	icon = {
		light: 'file:microsoft365.svg',
		dark: 'file:microsoft365.dark.svg',
	} as const;

	documentationUrl = 'https://datatracker.ietf.org/doc/html/rfc2104';

	properties: INodeProperties[] = [
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A long random secret (at least 16 characters). The same key gives the same pseudonyms; changing it changes every pseudonym.',
		},
	];
}
