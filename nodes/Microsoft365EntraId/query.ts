/**
 * OData query building for directory collections: filter presets (every value a quoted literal
 * with single quotes doubled, so no value can change the expression), a raw `$filter`, `$search`
 * over displayName/mail (double quotes escaped), `$orderby`, `$count`, and the advanced-query
 * header `ConsistencyLevel: eventual` whenever Graph requires it.
 */
import { NodeOperationError, type IDataObject, type INode } from 'n8n-workflow';
import { odataString, searchPhrase } from '../shared/odata';
import type { QueryValue } from '../shared/transport';

export const MAX_LIMIT = 1_000_000;

/** The directory's largest page (`$top`) for users, groups and memberships. */
export const PAGE_SIZE = 999;

/** An ISO 8601 UTC timestamp for a date or date-time the user gave, or an error naming the field. */
export function isoDateTime(
	node: INode,
	value: unknown,
	setting: string,
	itemIndex: number,
): string {
	const text = String(value ?? '').trim();
	const time = Date.parse(text);
	if (!text || Number.isNaN(time)) {
		throw new NodeOperationError(node, `"${text}" in ${setting} is not a date`, {
			itemIndex,
			description:
				'Give a date such as 2025-01-31 or a date and time such as 2025-01-31T08:00:00Z. No request was made.',
		});
	}
	return new Date(time).toISOString().replace(/\.000Z$/, 'Z');
}

export interface UserFilterPresets {
	accountEnabled?: 'any' | 'enabled' | 'disabled';
	userType?: 'any' | 'Member' | 'Guest';
	department?: string;
	displayNameStartsWith?: string;
	createdAfter?: string;
}

export interface GroupFilterPresets {
	kind?: 'any' | 'security' | 'mailEnabled';
	displayNameStartsWith?: string;
	createdAfter?: string;
}

/** The preset clauses of "Filters" for users or groups, joined with `and`. */
export function presetClauses(
	node: INode,
	presets: UserFilterPresets & GroupFilterPresets,
	itemIndex: number,
): string[] {
	const clauses: string[] = [];
	if (presets.accountEnabled === 'enabled') clauses.push('accountEnabled eq true');
	if (presets.accountEnabled === 'disabled') clauses.push('accountEnabled eq false');
	if (presets.userType === 'Member' || presets.userType === 'Guest')
		clauses.push(`userType eq ${odataString(presets.userType)}`);
	if (presets.kind === 'security') clauses.push('securityEnabled eq true');
	if (presets.kind === 'mailEnabled') clauses.push('mailEnabled eq true');
	if (presets.department) clauses.push(`department eq ${odataString(presets.department)}`);
	if (presets.displayNameStartsWith)
		clauses.push(`startswith(displayName,${odataString(presets.displayNameStartsWith)})`);
	if (presets.createdAfter)
		clauses.push(
			`createdDateTime ge ${isoDateTime(node, presets.createdAfter, 'Filters → Created After', itemIndex)}`,
		);
	return clauses;
}

/** `$search` for plain text over the given properties: `"displayName:text" OR "mail:text"`. */
export function searchExpression(text: string, properties: string[]): string {
	return properties.map((p) => searchPhrase(p, text)).join(' OR ');
}

/** Filter operators and functions only Graph's advanced query engine answers. */
const ADVANCED_FILTER = /\b(ne|not|endswith)\b|\$count/i;

export interface CollectionQuery {
	query: Record<string, QueryValue>;
	headers: Record<string, string>;
}

export interface CollectionOptions {
	filterClauses: string[];
	rawFilter?: string;
	search?: string;
	searchProperties: string[];
	orderBy?: string;
	select?: string[];
	count?: boolean;
	/** Force ConsistencyLevel: eventual (some filters on some properties need it). */
	advanced?: boolean;
}

/** The query options and headers for a directory collection request. */
export function collectionQuery(options: CollectionOptions): CollectionQuery {
	const query: Record<string, QueryValue> = {};
	const headers: Record<string, string> = {};
	const raw = options.rawFilter?.trim();
	const clauses = [
		...(raw ? [options.filterClauses.length ? `(${raw})` : raw] : []),
		...options.filterClauses,
	];
	if (clauses.length) query.$filter = clauses.join(' and ');
	if (options.search?.trim())
		query.$search = searchExpression(options.search.trim(), options.searchProperties);
	if (options.orderBy?.trim()) query.$orderby = options.orderBy.trim();
	if (options.select) query.$select = options.select.join(',');
	const advanced =
		options.advanced ||
		options.count ||
		query.$search !== undefined ||
		(raw !== undefined && ADVANCED_FILTER.test(raw)) ||
		(query.$orderby !== undefined && query.$filter !== undefined);
	if (advanced) {
		headers.ConsistencyLevel = 'eventual';
		query.$count = 'true';
	}
	return { query, headers };
}

/** "Return All" / "Limit": the item limit, or an error naming the field (1 to 1,000,000). */
export function readLimit(
	node: INode,
	returnAll: boolean,
	limit: unknown,
	itemIndex: number,
): number | undefined {
	if (returnAll) return undefined;
	const value = Number(limit);
	if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
		throw new NodeOperationError(
			node,
			`Limit must be a whole number from 1 to 1,000,000 (got ${String(limit)})`,
			{
				itemIndex,
				description:
					'Set Limit between 1 and 1,000,000, or turn on Return All. No request was made.',
			},
		);
	}
	return value;
}

/** Removes OData control annotations Graph adds to each object (`@odata.context`, `@odata.etag`...). */
export function cleanObject(object: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(object)) {
		if (key === '@odata.context' || key === '@odata.etag' || key === '@odata.id') continue;
		out[key] = value;
	}
	return out;
}
