/**
 * Pseudonymisation of identities in the output: chosen fields are replaced, wherever they occur
 * (also in nested objects and lists, and in the trigger's membership records), by
 * HMAC-SHA-256(key, normalised value) in base64url. One key gives one stable pseudonym per value
 * across runs and across fields (a user's `id` equals the `memberId` that names them), so
 * analytics can join without seeing identities; another key gives unrelated pseudonyms.
 */
import { createHmac } from 'node:crypto';
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeCredentialDescription,
	type INodeProperties,
	type IPollFunctions,
} from 'n8n-workflow';

export const PSEUDONYM_CREDENTIAL = 'microsoft365PseudonymKeyApi';

/** The pseudonym key credential, asked for when the key comes from a credential. */
export const pseudonymKeyCredential: INodeCredentialDescription = {
	name: PSEUDONYM_CREDENTIAL,
	required: true,
	displayOptions: { show: { pseudonymise: [true], pseudonymKeySource: ['credential'] } },
};

export type PseudonymField = 'userPrincipalName' | 'mail' | 'displayName' | 'ids';

/** Property names each choice covers (case-insensitive). */
const COVERED: Record<PseudonymField, string[]> = {
	userPrincipalName: [
		'userPrincipalName',
		'onPremisesUserPrincipalName',
		'onPremisesSamAccountName',
	],
	mail: ['mail', 'otherMails', 'proxyAddresses', 'mailNickname', 'imAddresses'],
	displayName: ['displayName', 'givenName', 'surname'],
	ids: [
		'id',
		'memberId',
		'groupId',
		'userId',
		'managerId',
		'onPremisesImmutableId',
		'securityIdentifier',
		'onPremisesSecurityIdentifier',
	],
};

/** Values compared without regard to case (addresses, names of accounts, GUIDs). */
const CASE_INSENSITIVE = new Set<PseudonymField>(['userPrincipalName', 'mail', 'ids']);

export const MIN_KEY_LENGTH = 16;

export const pseudonymProperties: INodeProperties[] = [
	{
		displayName: 'Pseudonymise Output',
		name: 'pseudonymise',
		type: 'boolean',
		default: false,
		description:
			'Whether to replace identities in the output by keyed hashes (HMAC-SHA-256), so workflows can join on stable pseudonyms without receiving the identities',
	},
	{
		displayName: 'Pseudonymise Fields',
		name: 'pseudonymFields',
		type: 'multiOptions',
		options: [
			{
				name: 'Display Name (Also Given Name, Surname)',
				value: 'displayName',
			},
			{
				name: 'IDs (Object IDs, Member and Group IDs, Security Identifiers)',
				value: 'ids',
			},
			{
				name: 'Mail (Also Other Mails, Proxy Addresses, Mail Nickname)',
				value: 'mail',
			},
			{
				name: 'User Principal Name',
				value: 'userPrincipalName',
			},
		],
		default: ['userPrincipalName', 'mail', 'displayName', 'ids'],
		displayOptions: { show: { pseudonymise: [true] } },
	},
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
		displayOptions: { show: { pseudonymise: [true] } },
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

export interface Pseudonymiser {
	apply<T extends IDataObject>(object: T): T;
}

const IDENTITY: Pseudonymiser = { apply: (object) => object };

type Context = IExecuteFunctions | IPollFunctions;

function parameter(ctx: Context, name: string, itemIndex: number, fallback: unknown): unknown {
	return 'getInputData' in ctx
		? (ctx as IExecuteFunctions).getNodeParameter(name, itemIndex, fallback)
		: (ctx as IPollFunctions).getNodeParameter(name, fallback);
}

/** The item's pseudonymiser (identity when the option is off); checks the key before anything is sent. */
export async function pseudonymiserFor(ctx: Context, itemIndex = 0): Promise<Pseudonymiser> {
	if (!(parameter(ctx, 'pseudonymise', itemIndex, false) as boolean)) return IDENTITY;
	const node = ctx.getNode();
	const fields = parameter(ctx, 'pseudonymFields', itemIndex, []) as PseudonymField[];
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
			node,
			`The pseudonym key is too short: ${where} needs at least ${MIN_KEY_LENGTH} characters`,
			{
				itemIndex,
				description:
					'Use a long random secret (for example 32 random characters). No request was made.',
			},
		);
	}
	if (fields.length === 0) {
		throw new NodeOperationError(node, 'Pseudonymise Fields is empty', {
			itemIndex,
			description:
				'Choose the fields to pseudonymise, or turn Pseudonymise Output off. No request was made.',
		});
	}
	return makePseudonymiser(node, key, fields);
}

export function makePseudonymiser(
	_node: INode,
	key: string,
	fields: PseudonymField[],
): Pseudonymiser {
	const covered = new Map<string, PseudonymField>();
	for (const field of fields)
		for (const name of COVERED[field]) covered.set(name.toLowerCase(), field);
	const hash = (value: string, field: PseudonymField) => {
		const normalised = CASE_INSENSITIVE.has(field) ? value.trim().toLowerCase() : value.trim();
		return createHmac('sha256', key).update(normalised).digest('base64url');
	};
	const walk = (value: unknown, field: PseudonymField | undefined): unknown => {
		if (Array.isArray(value)) return value.map((v) => walk(v, field));
		if (value !== null && typeof value === 'object') {
			const out: IDataObject = {};
			for (const [k, v] of Object.entries(value as IDataObject))
				out[k] = walk(v, covered.get(k.toLowerCase())) as IDataObject[string];
			return out;
		}
		if (field && (typeof value === 'string' || typeof value === 'number'))
			return hash(String(value), field);
		return value;
	};
	return { apply: (object) => walk(object, undefined) as typeof object };
}
