/**
 * OData query options as Graph's directory and mail services apply them: $select, $top,
 * $filter (eq/ne/gt/ge/lt/le, startswith/endswith, in, and/or/not, single-quote escaping),
 * $search (requires ConsistencyLevel: eventual on directory objects), $orderby, $count and
 * server-driven paging with $skiptoken.
 */
import type { EmuResponse } from '../http';
import { GraphError, GraphContext } from './service';

type Value = string | number | boolean | null | Date;
type Expr =
	| { kind: 'literal'; value: Value }
	| { kind: 'property'; path: string[] }
	| { kind: 'binary'; op: string; left: Expr; right: Expr }
	| { kind: 'not'; operand: Expr }
	| { kind: 'call'; name: string; args: Expr[] }
	| { kind: 'list'; items: Expr[] };

interface Token {
	type: 'string' | 'word' | 'number' | 'punct';
	value: string;
}

export function filterError(message = 'Invalid filter clause'): GraphError {
	return new GraphError(400, 'BadRequest', message);
}

function tokenize(input: string): Token[] {
	const tokens: Token[] = [];
	let i = 0;
	while (i < input.length) {
		const c = input[i];
		if (/\s/.test(c)) {
			i++;
		} else if (c === "'") {
			let value = '';
			i++;
			for (;;) {
				if (i >= input.length)
					throw filterError('Invalid filter clause: unterminated string literal.');
				if (input[i] === "'") {
					if (input[i + 1] === "'") {
						value += "'";
						i += 2;
						continue;
					}
					i++;
					break;
				}
				value += input[i++];
			}
			tokens.push({ type: 'string', value });
		} else if ('(),'.includes(c)) {
			tokens.push({ type: 'punct', value: c });
			i++;
		} else if (/[0-9-]/.test(c) && /^-?\d/.test(input.slice(i))) {
			const m = /^-?\d{4}-\d{2}-\d{2}T[0-9:.]+(Z|[+-]\d{2}:\d{2})?|^-?\d+(\.\d+)?/.exec(
				input.slice(i),
			)!;
			tokens.push({ type: 'number', value: m[0] });
			i += m[0].length;
		} else if (/[A-Za-z_$@]/.test(c)) {
			const m = /^[A-Za-z_$@][A-Za-z0-9_$@./]*/.exec(input.slice(i))!;
			tokens.push({ type: 'word', value: m[0] });
			i += m[0].length;
		} else {
			throw filterError(`Invalid filter clause: syntax error at position ${i} in '${input}'.`);
		}
	}
	return tokens;
}

const COMPARISON = ['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in'];
const FUNCTIONS = ['startswith', 'endswith', 'contains'];

class Parser {
	private pos = 0;
	constructor(private readonly tokens: Token[]) {}

	parse(): Expr {
		const expr = this.or();
		if (this.pos < this.tokens.length)
			throw filterError(`Invalid filter clause: syntax error at '${this.tokens[this.pos].value}'.`);
		return expr;
	}

	private peekWord(...words: string[]): boolean {
		const t = this.tokens[this.pos];
		return !!t && t.type === 'word' && words.includes(t.value.toLowerCase());
	}

	private expect(value: string): void {
		const t = this.tokens[this.pos++];
		if (!t || t.value !== value) throw filterError(`Invalid filter clause: '${value}' expected.`);
	}

	private or(): Expr {
		let left = this.and();
		while (this.peekWord('or')) {
			this.pos++;
			left = { kind: 'binary', op: 'or', left, right: this.and() };
		}
		return left;
	}

	private and(): Expr {
		let left = this.unary();
		while (this.peekWord('and')) {
			this.pos++;
			left = { kind: 'binary', op: 'and', left, right: this.unary() };
		}
		return left;
	}

	private unary(): Expr {
		if (this.peekWord('not')) {
			this.pos++;
			return { kind: 'not', operand: this.unary() };
		}
		return this.comparison();
	}

	private comparison(): Expr {
		const left = this.primary();
		if (
			this.tokens[this.pos]?.type === 'word' &&
			COMPARISON.includes(this.tokens[this.pos].value.toLowerCase())
		) {
			const op = this.tokens[this.pos++].value.toLowerCase();
			return { kind: 'binary', op, left, right: this.primary() };
		}
		return left;
	}

	private primary(): Expr {
		const t = this.tokens[this.pos++];
		if (!t) throw filterError('Invalid filter clause: unexpected end of expression.');
		if (t.type === 'punct' && t.value === '(') {
			const items = [this.or()];
			while (this.tokens[this.pos]?.value === ',') {
				this.pos++;
				items.push(this.or());
			}
			this.expect(')');
			return items.length === 1 ? items[0] : { kind: 'list', items };
		}
		if (t.type === 'string') return { kind: 'literal', value: t.value };
		if (t.type === 'number') {
			return { kind: 'literal', value: /T/.test(t.value) ? new Date(t.value) : Number(t.value) };
		}
		if (t.type === 'word') {
			const lower = t.value.toLowerCase();
			if (lower === 'true' || lower === 'false')
				return { kind: 'literal', value: lower === 'true' };
			if (lower === 'null') return { kind: 'literal', value: null };
			if (this.tokens[this.pos]?.value === '(') {
				if (!FUNCTIONS.includes(lower))
					throw new GraphError(
						400,
						'Request_UnsupportedQuery',
						`Unsupported Query: function '${t.value}'.`,
					);
				this.pos++;
				const args = [this.or()];
				while (this.tokens[this.pos]?.value === ',') {
					this.pos++;
					args.push(this.or());
				}
				this.expect(')');
				return { kind: 'call', name: lower, args };
			}
			return { kind: 'property', path: t.value.split('/') };
		}
		throw filterError(`Invalid filter clause: unexpected '${t.value}'.`);
	}
}

export type Predicate = (item: Record<string, unknown>) => boolean;

function resolve(item: Record<string, unknown>, path: string[]): unknown {
	let value: unknown = item;
	for (const key of path) {
		if (value === null || typeof value !== 'object') return undefined;
		const record = value as Record<string, unknown>;
		const found = Object.keys(record).find((k) => k.toLowerCase() === key.toLowerCase());
		value = found === undefined ? undefined : record[found];
	}
	return value;
}

function evaluate(
	expr: Expr,
	item: Record<string, unknown>,
	known: (name: string) => boolean,
): unknown {
	switch (expr.kind) {
		case 'literal':
			return expr.value;
		case 'property':
			if (!known(expr.path[0])) {
				throw new GraphError(
					400,
					'Request_UnsupportedQuery',
					`Unsupported or invalid query filter clause specified for property '${expr.path[0]}' of resource 'User'.`,
				);
			}
			return resolve(item, expr.path);
		case 'list':
			return expr.items.map((e) => evaluate(e, item, known));
		case 'not':
			return !evaluate(expr.operand, item, known);
		case 'call': {
			const [a, b] = expr.args.map((e) => evaluate(e, item, known));
			if (typeof a !== 'string' || typeof b !== 'string') return false;
			const x = a.toLowerCase();
			const y = b.toLowerCase();
			if (expr.name === 'startswith') return x.startsWith(y);
			if (expr.name === 'endswith') return x.endsWith(y);
			return x.includes(y);
		}
		case 'binary': {
			if (expr.op === 'and')
				return !!evaluate(expr.left, item, known) && !!evaluate(expr.right, item, known);
			if (expr.op === 'or')
				return !!evaluate(expr.left, item, known) || !!evaluate(expr.right, item, known);
			const left = normalise(evaluate(expr.left, item, known));
			const rightRaw = evaluate(expr.right, item, known);
			if (expr.op === 'in') {
				const list = Array.isArray(rightRaw) ? rightRaw : [rightRaw];
				return list.map(normalise).some((v) => v === left);
			}
			const right = normalise(rightRaw);
			switch (expr.op) {
				case 'eq':
					return left === right;
				case 'ne':
					return left !== right;
				default: {
					if (left === null || right === null || left === undefined) return false;
					const l = left as string | number;
					const r = right as string | number;
					if (expr.op === 'gt') return l > r;
					if (expr.op === 'ge') return l >= r;
					if (expr.op === 'lt') return l < r;
					return l <= r;
				}
			}
		}
	}
}

function normalise(value: unknown): unknown {
	if (value instanceof Date) return value.getTime();
	if (typeof value === 'string') {
		if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
			const t = Date.parse(value);
			if (!Number.isNaN(t)) return t;
		}
		return value.toLowerCase();
	}
	if (value === undefined) return null;
	return value;
}

/** Compiles a `$filter` expression into a predicate; `known` tells which property names exist. */
export function compileFilter(filter: string, known: (name: string) => boolean): Predicate {
	const expr = new Parser(tokenize(filter)).parse();
	return (item) => !!evaluate(expr, item, known);
}

/** Compiles a directory `$search` ("prop:words" clauses joined by AND/OR): prefix match on words. */
export function compileSearch(search: string, searchable: string[]): Predicate {
	const clauses = search.split(/\s+(AND|OR)\s+/);
	const terms: { prop: string; text: string }[] = [];
	const ops: string[] = [];
	for (const [i, part] of clauses.entries()) {
		if (i % 2 === 1) {
			ops.push(part);
			continue;
		}
		const m = /^"([A-Za-z]+):(.*)"$/s.exec(part.trim());
		if (!m)
			throw new GraphError(
				400,
				'Request_UnsupportedQuery',
				`Syntax error: character '${part.trim()[0] ?? ''}' is not valid at position 0 in '${search}'.`,
			);
		if (!searchable.some((p) => p.toLowerCase() === m[1].toLowerCase())) {
			throw new GraphError(
				400,
				'Request_UnsupportedQuery',
				`Unsupported or invalid search clause specified for property '${m[1]}'.`,
			);
		}
		terms.push({ prop: m[1], text: m[2].replace(/\\"/g, '"').toLowerCase() });
	}
	const matchTerm = (item: Record<string, unknown>, term: { prop: string; text: string }) => {
		const value = resolve(item, [term.prop]);
		if (typeof value !== 'string') return false;
		const words = value.toLowerCase().split(/[\s.@_-]+/);
		const needle = term.text.trim();
		return value.toLowerCase().startsWith(needle) || words.some((w) => w.startsWith(needle));
	};
	return (item) => {
		let result = matchTerm(item, terms[0]);
		for (let i = 1; i < terms.length; i++) {
			result =
				ops[i - 1] === 'OR'
					? result || matchTerm(item, terms[i])
					: result && matchTerm(item, terms[i]);
		}
		return result;
	};
}

export interface ListOptions<T> {
	/** `@odata.context` fragment, e.g. `users`. */
	context: string;
	/** CSDL element type for the contract check, e.g. `user`. */
	type: string;
	defaultTop: number;
	maxTop: number;
	/** The representation of an item for the client, with $select applied. */
	project: (item: T, select: string[] | undefined) => Record<string, unknown>;
	/** Filterable/selectable property names. */
	properties: string[];
	/** Properties $search may name (directory: displayName, mail, ...). */
	searchable?: string[];
	/** Directory objects need `ConsistencyLevel: eventual` for $search and $count. */
	advancedQueryNeedsConsistency?: boolean;
	/** Record for filtering (defaults to the full projection). */
	record?: (item: T) => Record<string, unknown>;
}

function encodeSkipToken(offset: number): string {
	return Buffer.from(JSON.stringify({ o: offset, v: 1 })).toString('base64url');
}

function decodeSkipToken(token: string): number {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { o?: unknown };
		if (typeof parsed.o === 'number' && parsed.o >= 0) return parsed.o;
	} catch {
		// fall through
	}
	throw new GraphError(
		400,
		'Directory_InvalidPagingToken',
		'The specified page token value has expired and can no longer be included in your request.',
	);
}

export function parseSelect(
	ctx: GraphContext,
	properties: string[],
	typeName: string,
): string[] | undefined {
	const raw = ctx.req.query.get('$select');
	if (!raw) return undefined;
	const names = raw
		.split(',')
		.map((s) => s.trim())
		.filter(Boolean);
	for (const name of names) {
		if (
			!properties.some((p) => p.toLowerCase() === name.toLowerCase()) &&
			!isExtensionPropertyName(name)
		) {
			throw new GraphError(
				400,
				'Request_BadRequest',
				`Could not find a property named '${name}' on type 'microsoft.graph.${typeName}'.`,
			);
		}
	}
	return names.map((n) => properties.find((p) => p.toLowerCase() === n.toLowerCase()) ?? n);
}

/**
 * Directory extension properties (`extension_<appId without dashes>_<name>`) and schema
 * extensions (`ext<8 chars>_<name>`): selectable on directory objects although the CSDL does not
 * declare them. Graph leaves them out of an object that has no value for them (unlike declared
 * properties, which come back as null); the emulator accepts any well-formed name (unsure whether
 * Graph refuses names of unregistered extensions in $select).
 */
export function isExtensionPropertyName(name: string): boolean {
	return (
		/^extension_[0-9a-f]{32}_[A-Za-z0-9_]+$/i.test(name) ||
		/^ext[a-z0-9]{8}_[A-Za-z0-9]+$/.test(name)
	);
}

export function parseTop(ctx: GraphContext, defaultTop: number, maxTop: number): number {
	const raw = ctx.req.query.get('$top');
	if (raw === null) return defaultTop;
	const top = Number(raw);
	if (!Number.isInteger(top) || top < 1 || top > maxTop) {
		throw new GraphError(
			400,
			'Request_UnsupportedQuery',
			`Invalid page size specified: '${raw}'. Must be between 1 and ${maxTop} inclusive.`,
		);
	}
	return top;
}

/** Applies the OData query options to a collection and answers one page of it. */
export function listResponse<T>(
	ctx: GraphContext,
	items: T[],
	options: ListOptions<T>,
): EmuResponse {
	const q = ctx.req.query;
	const consistency = String(ctx.req.headers.consistencylevel ?? '').toLowerCase() === 'eventual';
	const select = parseSelect(ctx, options.properties, options.type);
	const top = parseTop(ctx, options.defaultTop, options.maxTop);
	const known = (name: string) =>
		options.properties.some((p) => p.toLowerCase() === name.toLowerCase());
	const record = options.record ?? ((item: T) => options.project(item, undefined));
	let result = items;
	const predicates: Predicate[] = [];
	const search = q.get('$search');
	if (search !== null) {
		if (options.advancedQueryNeedsConsistency && !consistency) {
			throw new GraphError(
				400,
				'Request_UnsupportedQuery',
				"Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
			);
		}
		predicates.push(compileSearch(search, options.searchable ?? []));
	}
	const filter = q.get('$filter');
	if (filter !== null) predicates.push(compileFilter(filter, known));
	const matches = (item: T): boolean => {
		if (predicates.length === 0) return true;
		const r = record(item);
		return predicates.every((p) => p(r));
	};
	const orderby = q.get('$orderby');
	const count = q.get('$count');
	if (orderby === null && count !== 'true' && predicates.length > 0) {
		// Large collections (100,000 users): each page scans on from where the previous one
		// stopped (the skip token carries the source position) instead of filtering everything.
		return scannedPage(ctx, items, options, select, top, matches);
	}
	if (predicates.length > 0) result = result.filter(matches);
	if (orderby !== null) {
		const [prop, dir = 'asc'] = orderby.trim().split(/\s+/);
		if (!known(prop))
			throw new GraphError(
				400,
				'Request_UnsupportedQuery',
				`Unsupported sort property '${prop}' for '${options.type}'.`,
			);
		const sign = dir.toLowerCase() === 'desc' ? -1 : 1;
		result = [...result].sort((a, b) => {
			const x = String(resolve(record(a), [prop]) ?? '').toLowerCase();
			const y = String(resolve(record(b), [prop]) ?? '').toLowerCase();
			return x < y ? -sign : x > y ? sign : 0;
		});
	}
	if (count === 'true' && options.advancedQueryNeedsConsistency && !consistency) {
		throw new GraphError(
			400,
			'Request_UnsupportedQuery',
			"$count is not currently supported without the 'ConsistencyLevel: eventual' header.",
		);
	}
	const skiptoken = q.get('$skiptoken');
	const offset = skiptoken ? decodeSkipToken(skiptoken) : 0;
	const page = result.slice(offset, offset + top);
	const body: Record<string, unknown> = {
		'@odata.context': `${ctx.root}/$metadata#${options.context}${select ? `(${select.join(',')})` : ''}`,
	};
	if (count === 'true') body['@odata.count'] = result.length;
	if (offset + top < result.length) {
		const next = new URLSearchParams(q);
		next.set('$skiptoken', encodeSkipToken(offset + top));
		body['@odata.nextLink'] =
			`${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}?${next.toString().replace(/%24/g, '$')}`;
	}
	body.value = page.map((item) => options.project(item, select));
	return { status: 200, body, contractType: `Collection(${options.type})` };
}

function nextLinkFor(ctx: GraphContext, token: string): string {
	const next = new URLSearchParams(ctx.req.query);
	next.set('$skiptoken', token);
	return `${ctx.root}${ctx.req.path.replace(/^\/v1\.0/i, '')}?${next.toString().replace(/%24/g, '$')}`;
}

/** One page of a filtered collection, scanning from the skip token's source position. */
function scannedPage<T>(
	ctx: GraphContext,
	items: T[],
	options: ListOptions<T>,
	select: string[] | undefined,
	top: number,
	matches: (item: T) => boolean,
): EmuResponse {
	const token = ctx.req.query.get('$skiptoken');
	let index = token ? decodeScanToken(token) : 0;
	const page: T[] = [];
	while (index < items.length && page.length < top) {
		if (matches(items[index])) page.push(items[index]);
		index++;
	}
	while (index < items.length && !matches(items[index])) index++;
	const body: Record<string, unknown> = {
		'@odata.context': `${ctx.root}/$metadata#${options.context}${select ? `(${select.join(',')})` : ''}`,
	};
	if (index < items.length) body['@odata.nextLink'] = nextLinkFor(ctx, encodeScanToken(index));
	body.value = page.map((item) => options.project(item, select));
	return { status: 200, body, contractType: `Collection(${options.type})` };
}

function encodeScanToken(sourceIndex: number): string {
	return Buffer.from(JSON.stringify({ s: sourceIndex, v: 2 })).toString('base64url');
}

function decodeScanToken(token: string): number {
	try {
		const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { s?: unknown };
		if (typeof parsed.s === 'number' && parsed.s >= 0) return parsed.s;
	} catch {
		// fall through
	}
	return decodeSkipToken(''); // throws Directory_InvalidPagingToken
}

/** Picks the selected properties (or the default set) from a full representation. */
export function pick(
	full: Record<string, unknown>,
	select: string[] | undefined,
	defaults: string[],
): Record<string, unknown> {
	const names = select ?? defaults;
	const out: Record<string, unknown> = {};
	for (const name of names) {
		if (full[name] === undefined && isExtensionPropertyName(name)) continue;
		out[name] = full[name] === undefined ? null : full[name];
	}
	return out;
}
