/**
 * Parameter descriptions the operations share (each operation wraps its list with
 * `updateDisplayOptions`), and the readers that turn them into Graph request parts.
 */
import {
	NodeOperationError,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
	type INodePropertyOptions,
} from 'n8n-workflow';
import {
	COMMON_GROUP_FIELDS,
	COMMON_USER_FIELDS,
	selectFields,
	type DirectoryType,
} from '../select';
import { MAX_LIMIT, readLimit } from '../query';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Kind = 'user' | 'group';

const LOCATOR: Record<
	Kind,
	{
		label: string;
		search: string;
		url: string;
		urlRegex: string;
		idLabel: string;
		placeholder: string;
	}
> = {
	user: {
		label: 'User',
		search: 'searchUsers',
		url: 'https://entra.microsoft.com/#view/Microsoft_AAD_UsersAndTenants/UserProfileMenuBlade/~/overview/userId/00000000-0000-0000-0000-000000000000',
		urlRegex:
			'userId/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})',
		idLabel: 'By ID or UPN',
		placeholder: 'alice@contoso.com',
	},
	group: {
		label: 'Group',
		search: 'searchGroups',
		url: 'https://entra.microsoft.com/#view/Microsoft_AAD_IAM/GroupDetailsMenuBlade/~/Overview/groupId/00000000-0000-0000-0000-000000000000',
		urlRegex:
			'groupId/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})',
		idLabel: 'By ID',
		placeholder: '00000000-0000-0000-0000-000000000000',
	},
};

/** A user or group resource locator: from a searchable list, by ID (or UPN), or by Entra admin center URL. */
export function locator(kind: Kind): INodeProperties {
	const l = LOCATOR[kind];
	return {
		displayName: l.label,
		name: kind,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: l.search, searchable: true },
			},
			{ displayName: l.idLabel, name: 'id', type: 'string', placeholder: l.placeholder },
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: l.url,
				extractValue: { type: 'regex', regex: l.urlRegex },
				validation: [
					{
						type: 'regex',
						properties: {
							regex: `.*${l.urlRegex}.*`,
							errorMessage: `Not an Entra admin center ${kind} URL`,
						},
					},
				],
			},
		],
	};
}

/** The `/users/{...}` or `/groups/{...}` segment of the item's user or group, checked before sending. */
export function readObjectSegment(ctx: IExecuteFunctions, kind: Kind, itemIndex: number): string {
	const value = String(
		ctx.getNodeParameter(kind, itemIndex, '', { extractValue: true }) ?? '',
	).trim();
	const upn = kind === 'user' && /^[^\s@/]+@[^\s@/]+\.[^\s@/]+$/.test(value);
	if (!GUID.test(value) && !upn) {
		throw new NodeOperationError(
			ctx.getNode(),
			`"${value}" is not a ${kind === 'user' ? 'user ID or user principal name' : 'group ID'}`,
			{
				itemIndex,
				description:
					kind === 'user'
						? 'Give the user’s object ID (a GUID) or user principal name (alice@contoso.com), pick the user from the list, or paste their Entra admin center URL. No request was made.'
						: 'Give the group’s object ID (a GUID), pick the group from the list, or paste its Entra admin center URL. No request was made.',
			},
		);
	}
	return `/${kind}s/${encodeURIComponent(value)}`;
}

/** "Fields" (common ones) and "Custom Fields" (any CSDL property or extension attribute). */
export function fieldProperties(kinds: DirectoryType[]): INodeProperties[] {
	const offered: INodePropertyOptions[] = [];
	for (const option of [
		...(kinds.includes('user') ? COMMON_USER_FIELDS : []),
		...(kinds.includes('group') || kinds.includes('directoryRole') ? COMMON_GROUP_FIELDS : []),
	])
		if (!offered.some((o) => o.value === option.value)) offered.push(option);
	offered.sort((a, b) => a.name.localeCompare(b.name));
	return [
		{
			displayName: 'Fields',
			name: 'fields',
			type: 'multiOptions',
			options: offered,
			default: [],
			description:
				'Properties to return ($select); none chosen returns Graph’s default set. The object ID is always returned.',
		},
		{
			displayName: 'Custom Fields',
			name: 'customFields',
			type: 'string',
			default: '',
			placeholder: 'employeeHireDate, extension_0123456789abcdef0123456789abcdef_costCenter',
			description:
				'More properties, comma-separated: any property of the object type in Microsoft Graph v1.0, or an extension attribute (extension_&lt;app ID&gt;_&lt;name&gt;)',
		},
	];
}

export function readSelect(
	ctx: IExecuteFunctions,
	kinds: DirectoryType[],
	itemIndex: number,
): string[] | undefined {
	return selectFields(
		ctx.getNode(),
		kinds,
		ctx.getNodeParameter('fields', itemIndex, []) as string[],
		ctx.getNodeParameter('customFields', itemIndex, '') as string,
		itemIndex,
		'Fields / Custom Fields',
	);
}

export const returnAllProperties: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_LIMIT },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

export function readReturnLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	return readLimit(
		ctx.getNode(),
		ctx.getNodeParameter('returnAll', itemIndex, false) as boolean,
		ctx.getNodeParameter('limit', itemIndex, 50),
		itemIndex,
	);
}

export function transitiveProperty(what: string): INodeProperties {
	return {
		displayName: 'Include Nested',
		name: 'transitive',
		type: 'boolean',
		default: false,
		description: `Whether to include ${what} through nested groups (transitive), not only direct ones`,
	};
}

/** Options of Get Many: raw filter, search, order, count, advanced query. */
export function queryOptions(kind: Kind): INodeProperties {
	return {
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Advanced Query',
				name: 'advanced',
				type: 'boolean',
				default: false,
				description:
					'Whether to send ConsistencyLevel: eventual with $count=true, which some filters need (ne, not, endsWith, and filters on some properties). Added automatically for Search, Output Count, and Order By with a filter.',
			},
			{
				displayName: 'Filter (OData)',
				name: 'filter',
				type: 'string',
				default: '',
				placeholder:
					kind === 'user'
						? "startswith(jobTitle,'Head') and usageLocation eq 'CH'"
						: 'mailEnabled eq false',
				description: 'A raw $filter, combined with the Filters above by "and"',
			},
			{
				displayName: 'Order By',
				name: 'orderBy',
				type: 'string',
				default: '',
				placeholder: 'displayName',
				description: 'A property to sort by, optionally followed by asc or desc ($orderby)',
			},
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				options: [
					{ name: 'Items', value: 'items', description: `One item per ${kind}` },
					{
						name: 'Count',
						value: 'count',
						description: `Only the number of matching ${kind}s ($count), in one request`,
					},
				],
				default: 'items',
			},
			{
				displayName: 'Search',
				name: 'search',
				type: 'string',
				default: '',
				placeholder: 'ann',
				description:
					'Words that display names or mail addresses start with ($search; sends ConsistencyLevel: eventual)',
			},
		],
	};
}

export interface QueryOptionValues extends IDataObject {
	advanced?: boolean;
	filter?: string;
	orderBy?: string;
	output?: 'items' | 'count';
	search?: string;
}

/** The parameters of a relation list: whose, nested or not, which types, how many, which fields. */
export function relationProperties(
	kind: Kind,
	nestedWhat: string,
	include: INodePropertyOptions[],
	fieldKinds: DirectoryType[],
): INodeProperties[] {
	return [
		locator(kind),
		transitiveProperty(nestedWhat),
		{
			displayName: 'Include',
			name: 'include',
			type: 'options',
			options: include,
			default: String(include[0].value),
		},
		...returnAllProperties,
		...fieldProperties(fieldKinds),
	];
}
