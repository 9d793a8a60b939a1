/**
 * Pseudonymisation of identities in the output: chosen fields are replaced, wherever they occur
 * (also in nested objects and lists, and in the trigger's membership records), by
 * HMAC-SHA-256(key, normalised value) in base64url. One key gives one stable pseudonym per value
 * across runs and across fields (a user's `id` equals the `memberId` that names them), so
 * analytics can join without seeing identities; another key gives unrelated pseudonyms.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type INodeProperties,
	type IPollFunctions,
} from 'n8n-workflow';
import {
	MIN_KEY_LENGTH,
	PSEUDONYM_CREDENTIAL,
	pseudonym,
	pseudonymKeyCredential,
	pseudonymKeyProperties,
	readPseudonymKey,
} from '../shared/pseudonym';

export { MIN_KEY_LENGTH, PSEUDONYM_CREDENTIAL, pseudonymKeyCredential };

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
	...pseudonymKeyProperties,
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
	const key = await readPseudonymKey(ctx, itemIndex);
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
	const hash = (value: string, field: PseudonymField) =>
		pseudonym(key, value, CASE_INSENSITIVE.has(field));
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
