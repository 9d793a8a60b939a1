/**
 * The two shapes of list operation, shared by users and groups: Get Many over `/users` or
 * `/groups` (filter presets, raw filter, search, order, count), and a relation of one object
 * (`memberOf`, `transitiveMemberOf`, `members`, `transitiveMembers`, `directReports`), optionally
 * narrowed to one type by an OData cast segment.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import type { DirectoryType } from './select';
import {
	readObjectSegment,
	readReturnLimit,
	readSelect,
	type QueryOptionValues,
} from './actions/fields';
import {
	collectionQuery,
	presetClauses,
	type GroupFilterPresets,
	type UserFilterPresets,
} from './query';
import { prepareOutput, readCollection, readCount, readObject } from './read';

type Kind = 'user' | 'group';

const SEARCH_PROPERTIES = ['displayName', 'mail'];

/** "Filters" of Get Many: presets whose values are always quoted and escaped. */
export function filterPresets(kind: Kind): INodeProperties {
	const common: INodeProperties[] = [
		{
			displayName: 'Created After',
			name: 'createdAfter',
			type: 'dateTime',
			default: '',
			description: `Only ${kind}s created at or after this time`,
		},
		{
			displayName: 'Display Name Starts With',
			name: 'displayNameStartsWith',
			type: 'string',
			default: '',
		},
	];
	const userOnly: INodeProperties[] = [
		{
			displayName: 'Account',
			name: 'accountEnabled',
			type: 'options',
			options: [
				{ name: 'Any', value: 'any' },
				{ name: 'Enabled', value: 'enabled' },
				{ name: 'Disabled', value: 'disabled' },
			],
			default: 'any',
		},
		{
			displayName: 'Department',
			name: 'department',
			type: 'string',
			default: '',
			description: 'Only users of this department (exact match)',
		},
		{
			displayName: 'User Type',
			name: 'userType',
			type: 'options',
			options: [
				{ name: 'Any', value: 'any' },
				{ name: 'Member', value: 'Member' },
				{ name: 'Guest', value: 'Guest' },
			],
			default: 'any',
		},
	];
	const groupOnly: INodeProperties[] = [
		{
			displayName: 'Kind',
			name: 'kind',
			type: 'options',
			options: [
				{ name: 'Any', value: 'any' },
				{ name: 'Security Enabled', value: 'security' },
				{ name: 'Mail Enabled', value: 'mailEnabled' },
			],
			default: 'any',
		},
	];
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [...common, ...(kind === 'user' ? userOnly : groupOnly)].sort((a, b) =>
			a.displayName.localeCompare(b.displayName),
		),
	};
}

/** Get Many of users or groups. */
export async function runGetMany(
	ctx: IExecuteFunctions,
	kind: Kind,
	itemIndex: number,
): Promise<IDataObject | IDataObject[]> {
	const node = ctx.getNode();
	const options = ctx.getNodeParameter('options', itemIndex, {}) as QueryOptionValues;
	const counting = options.output === 'count';
	const limit = counting ? undefined : readReturnLimit(ctx, itemIndex);
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as UserFilterPresets &
		GroupFilterPresets;
	const select = counting ? undefined : readSelect(ctx, [kind], itemIndex);
	const { query, headers } = collectionQuery({
		filterClauses: presetClauses(node, filters, itemIndex),
		rawFilter: options.filter,
		search: options.search,
		searchProperties: SEARCH_PROPERTIES,
		orderBy: counting ? undefined : options.orderBy,
		select,
		count: counting,
		advanced: options.advanced,
	});
	const output = await prepareOutput(ctx, itemIndex);
	if (counting) {
		// `/users/$count` takes $filter and $search, not $count=true.
		delete query.$count;
		return { count: await readCount(ctx, itemIndex, `/${kind}s/$count`, query, headers) };
	}
	return await readCollection(ctx, itemIndex, output, { path: `/${kind}s`, query, headers, limit });
}

export interface RelationSpec {
	/** Whose relation: the user or group parameter. */
	of: Kind;
	/** The navigation property; `transitive` picks its transitive twin. */
	relation: 'memberOf' | 'members' | 'directReports';
	/** Types `$select` may name (checked against the CSDL). */
	types: DirectoryType[];
	/** Cast segment per "Include" choice (none: every type), and what to keep client-side. */
	include?: Record<string, { cast?: string; keep?: string[] }>;
}

const TRANSITIVE: Record<RelationSpec['relation'], string | undefined> = {
	memberOf: 'transitiveMemberOf',
	members: 'transitiveMembers',
	directReports: undefined,
};

/** A relation list of one user or group (memberships, members, reports). */
export async function runRelation(
	ctx: IExecuteFunctions,
	spec: RelationSpec,
	itemIndex: number,
): Promise<IDataObject[]> {
	const base = readObjectSegment(ctx, spec.of, itemIndex);
	const limit = readReturnLimit(ctx, itemIndex);
	const select = readSelect(ctx, spec.types, itemIndex);
	const transitive =
		TRANSITIVE[spec.relation] && (ctx.getNodeParameter('transitive', itemIndex, false) as boolean);
	const choice = spec.include
		? spec.include[
				ctx.getNodeParameter('include', itemIndex, Object.keys(spec.include)[0]) as string
			]
		: undefined;
	const output = await prepareOutput(ctx, itemIndex);
	const relation = transitive ? TRANSITIVE[spec.relation]! : spec.relation;
	const keep = choice?.keep;
	return await readCollection(ctx, itemIndex, output, {
		path: `${base}/${relation}${choice?.cast ? `/${choice.cast}` : ''}`,
		query: select ? { $select: select.join(',') } : {},
		limit,
		keep: keep ? (object) => keep.includes(String(object['@odata.type'] ?? '')) : undefined,
	});
}

/** One user or group (`suffix`: a single-valued relation such as `/manager`). */
export async function runGetOne(
	ctx: IExecuteFunctions,
	kind: Kind,
	itemIndex: number,
	suffix = '',
): Promise<IDataObject> {
	const path = readObjectSegment(ctx, kind, itemIndex);
	const select = readSelect(ctx, [kind], itemIndex);
	const output = await prepareOutput(ctx, itemIndex);
	return await readObject(
		ctx,
		itemIndex,
		output,
		`${path}${suffix}`,
		select ? { $select: select.join(',') } : {},
	);
}
