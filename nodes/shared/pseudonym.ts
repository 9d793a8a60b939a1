/**
 * Keyed pseudonyms shared by the nodes that offer them (Entra ID, Calendar): the Pseudonym Key
 * (from the "Microsoft 365 Pseudonym Key" credential or a field), checked before anything is
 * sent, and the hash: HMAC-SHA-256(key, normalised value) in base64url. The same key and value
 * give the same pseudonym in every node, so an address pseudonymised by the Calendar node joins
 * the `mail` pseudonymised by the Entra ID node.
 */
import { createHmac } from 'node:crypto';
import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeCredentialDescription,
	type INodeProperties,
	type IPollFunctions,
} from 'n8n-workflow';

export const PSEUDONYM_CREDENTIAL = 'microsoft365PseudonymKeyApi';

export const MIN_KEY_LENGTH = 16;

/** The pseudonym key credential, asked for when the key comes from a credential. */
export const pseudonymKeyCredential: INodeCredentialDescription = {
	name: PSEUDONYM_CREDENTIAL,
	required: true,
	displayOptions: { show: { pseudonymise: [true], pseudonymKeySource: ['credential'] } },
};

/** Where the key comes from, and the key field (shown when the switch `pseudonymise` is on). */
export const pseudonymKeyProperties: INodeProperties[] = [
	{
		displayName: 'Pseudonym Key From',
		name: 'pseudonymKeySource',
		type: 'options',
		options: [
			{
				name: 'Credential',
				value: 'credential',
				description: 'A "Microsoft 365 Pseudonym Key" credential (kept encrypted by n8n)',
			},
			{ name: 'Field', value: 'field', description: 'The Pseudonym Key field below' },
		],
		default: 'credential',
		// `hide`, not `show`: the Pseudonym Key credential depends on this field, and n8n's editor
		// hides every parameter named in the `show` of such a field — `show: { pseudonymise }` hid
		// the Pseudonymise switch itself.
		displayOptions: { hide: { pseudonymise: [false] } },
	},
	{
		displayName: 'Pseudonym Key',
		name: 'pseudonymKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description: `Secret key of the keyed hash, at least ${MIN_KEY_LENGTH} characters. The same key gives the same pseudonyms in every run; keep it secret, or pseudonyms can be reversed by hashing guessed identities.`,
		displayOptions: { show: { pseudonymise: [true], pseudonymKeySource: ['field'] } },
	},
];

type Context = IExecuteFunctions | IPollFunctions;

function parameter(ctx: Context, name: string, itemIndex: number, fallback: unknown): unknown {
	return 'getInputData' in ctx
		? (ctx as IExecuteFunctions).getNodeParameter(name, itemIndex, fallback)
		: (ctx as IPollFunctions).getNodeParameter(name, fallback);
}

/** The item's pseudonym key (credential or field), checked: at least MIN_KEY_LENGTH characters. */
export async function readPseudonymKey(ctx: Context, itemIndex = 0): Promise<string> {
	const source = parameter(ctx, 'pseudonymKeySource', itemIndex, 'credential') as string;
	let key: string;
	if (source === 'field') {
		key = String(parameter(ctx, 'pseudonymKey', itemIndex, '') ?? '');
	} else {
		const credential = await ctx.getCredentials(PSEUDONYM_CREDENTIAL, itemIndex);
		key = String(credential.secretKey ?? '');
	}
	if (key.length < MIN_KEY_LENGTH) {
		const where =
			source === 'field' ? 'the Pseudonym Key field' : 'the Microsoft 365 Pseudonym Key credential';
		throw new NodeOperationError(
			ctx.getNode(),
			`The pseudonym key is too short: ${where} needs at least ${MIN_KEY_LENGTH} characters`,
			{
				itemIndex,
				description:
					'Use a long random secret (for example 32 random characters). No request was made.',
			},
		);
	}
	return key;
}

/**
 * The pseudonym of a value: HMAC-SHA-256(key, value trimmed, lower-cased when `caseInsensitive`)
 * in base64url. Addresses, UPNs and IDs are compared without regard to case.
 */
export function pseudonym(key: string, value: string, caseInsensitive = true): string {
	const normalised = caseInsensitive ? value.trim().toLowerCase() : value.trim();
	return createHmac('sha256', key).update(normalised).digest('base64url');
}
