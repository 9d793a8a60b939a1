/**
 * Microsoft Graph permissions for a request, read from the generated extract of Microsoft's
 * permissions catalogue (generated/permissions.json, written by
 * scripts/generate-graph-extracts.ts; see that script for the format).
 *
 * The catalogue names paths as templates, lower-case, e.g. `/users/{id}/sendmail`. This module
 * maps a concrete request path onto the best template and returns the permissions that grant
 * it for the delegated (work or school) or application scheme.
 *
 * The extract (~550 KB) is read on first use, not when the package loads: n8n loads every node
 * and credential class at start-up, and most of them never look a permission up.
 */

export type PermissionScheme = 'delegated' | 'application';

type CatalogueScheme = 'DelegatedWork' | 'Application';

interface Grant {
	all: string[];
	least?: string;
	leastCandidates?: string[];
	rsc?: string[];
	leastRsc?: string;
	alsoRequires?: Record<string, string[]>;
}

interface PermissionSchemeRecord {
	adminConsent: boolean;
	privilegeLevel?: number;
}

interface PermissionsExtract {
	source: { repo: string; path: string; commit: string; date: string; sha256: string };
	generatedBy: string;
	paths: Record<string, Record<string, Partial<Record<CatalogueScheme, number>>>>;
	grants: Grant[];
	permissions: Record<
		string,
		{ schemes: Partial<Record<CatalogueScheme, PermissionSchemeRecord>>; rsc?: boolean }
	>;
	knownPermissions: string[];
}

export interface PathPermissions {
	/** The catalogue's path template that the request path matched, e.g. `/users/{id}/sendmail`. */
	template: string;
	/** Every tenant-wide (oAuth2) permission that grants the path and method for the scheme. */
	all: string[];
	/** The least-privileged one the catalogue marks, if it marks one. */
	least: string | undefined;
	/** Every permission the catalogue marks least-privileged (ordered by privilege level). */
	leastCandidates: string[];
	/** Resource-specific consent permissions (per team or chat) that also grant it. */
	rsc: string[];
	/** The least-privileged RSC permission the catalogue marks, if any. */
	leastRsc: string | undefined;
	/** Granting permission -> permissions the catalogue says it needs as well. */
	alsoRequires: Record<string, string[]>;
}

export interface PermissionSchemeInfo {
	/** Whether an administrator must consent to it. */
	adminConsent: boolean;
	/** The catalogue's privilege level (1 lowest .. 5 highest), where it gives one. */
	privilegeLevel: number | undefined;
}

export interface PermissionInfo {
	name: string;
	delegated: PermissionSchemeInfo | undefined;
	application: PermissionSchemeInfo | undefined;
	/** A resource-specific consent permission (consented per team or chat). */
	rsc: boolean;
}

let extract: PermissionsExtract | undefined;

/** The extract, required once on first use (then Node's module cache keeps it). */
function catalogue(): PermissionsExtract {
	// A require, not an import: an import would read the file when this module loads.
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	extract ??= require('./generated/permissions.json') as PermissionsExtract;
	return extract;
}

/** The source of the extract: Microsoft's repository, path and commit. */
export function graphPermissionsSource(): Readonly<PermissionsExtract['source']> {
	return catalogue().source;
}

// ---------------------------------------------------------------------------------------------
// Path parsing. A path is a list of tokens: plain segments, function-call segments
// (`search(q='x')`, `applications(appId='...')`) and colon paths (`root:/a/b.txt:`).

type TemplateToken =
	| { kind: 'literal'; text: string }
	| { kind: 'param' }
	| { kind: 'function'; name: string; keys: string }
	| { kind: 'colon' };

type PathToken =
	| { kind: 'segment'; text: string; fnName?: string; fnKeys?: string }
	| { kind: 'colon'; path: string };

interface CompiledTemplate {
	template: string;
	tokens: TemplateToken[];
}

function splitArgs(args: string): string[] {
	const out: string[] = [];
	let current = '';
	let quoted = false;
	for (const ch of args) {
		if (ch === "'") quoted = !quoted;
		if (ch === ',' && !quoted) {
			out.push(current);
			current = '';
		} else {
			current += ch;
		}
	}
	if (current.trim() !== '' || out.length > 0) out.push(current);
	return out;
}

/** `name(a=1,b='x')` -> name and its sorted argument names (`a,b`); undefined if no parens. */
function parseFunction(segment: string): { name: string; keys: string } | undefined {
	const match = /^([^()]*)\((.*)\)$/.exec(segment);
	if (!match) return undefined;
	const keys = splitArgs(match[2])
		.map((arg) => {
			const eq = arg.indexOf('=');
			return eq < 0 ? '' : arg.slice(0, eq).trim().toLowerCase();
		})
		.sort()
		.join(',');
	return { name: match[1].toLowerCase(), keys };
}

function safeDecode(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}

/**
 * Splits a path into segments and colon paths. A segment ending in `:` opens a colon path;
 * in a request path it runs to the next segment ending in `:` or to the end, in a template it
 * is the one placeholder segment after it.
 */
function splitPath(path: string, isTemplate: boolean): Array<string | { colon: string }> {
	const segments = path.split('/').filter((s) => s.length > 0);
	const out: Array<string | { colon: string }> = [];
	for (let i = 0; i < segments.length; i++) {
		const segment = segments[i];
		if (!segment.endsWith(':') || segment.length === 1 || i === segments.length - 1) {
			out.push(segment);
			continue;
		}
		out.push(segment.slice(0, -1));
		const inner: string[] = [];
		let j = i + 1;
		for (; j < segments.length; j++) {
			const s = segments[j];
			if (s.endsWith(':')) {
				inner.push(s.slice(0, -1));
				break;
			}
			inner.push(s);
			if (isTemplate) break;
		}
		out.push({ colon: '/' + inner.join('/') });
		i = j;
	}
	return out;
}

function compileTemplate(template: string): CompiledTemplate {
	const tokens = splitPath(template, true).map((part): TemplateToken => {
		if (typeof part !== 'string') return { kind: 'colon' };
		if (/^\{[^}]*\}$/.test(part)) return { kind: 'param' };
		const fn = parseFunction(part);
		if (fn) return { kind: 'function', ...fn };
		return { kind: 'literal', text: part.toLowerCase() };
	});
	return { template, tokens };
}

/** Strips the origin, `/v1.0` (or `/beta`), the query string and the fragment. */
function normalizeRequestPath(path: string): string {
	let p = path.trim().replace(/^https?:\/\/[^/]+/i, '');
	const cut = p.search(/[?#]/);
	if (cut >= 0) p = p.slice(0, cut);
	p = p.replace(/^\/+(v1\.0|beta)(?=\/|$)/i, '');
	return p.startsWith('/') ? p : '/' + p;
}

function toPathTokens(parts: Array<string | { colon: string }>): PathToken[] {
	return parts.map((part): PathToken => {
		if (typeof part !== 'string') return { kind: 'colon', path: part.colon };
		const text = safeDecode(part);
		const fn = parseFunction(text);
		return fn
			? { kind: 'segment', text: text.toLowerCase(), fnName: fn.name, fnKeys: fn.keys }
			: { kind: 'segment', text: text.toLowerCase() };
	});
}

/**
 * The same item addressed without its colon path: `root:/a/b:` is `items/{id}`, and
 * `items/{id}:/a:` or `sites/{host}:/path:` is the item or site itself.
 */
function withoutColonPaths(parts: Array<string | { colon: string }>): Array<string> {
	const out: string[] = [];
	for (const part of parts) {
		if (typeof part === 'string') {
			out.push(part);
		} else if (out.length > 0 && out[out.length - 1].toLowerCase() === 'root') {
			out[out.length - 1] = 'items';
			out.push('{item}');
		}
	}
	return out;
}

/** Per-token score: 3 literal or function, 2 colon path, 1 placeholder; 0 = no match. */
function tokenScore(t: TemplateToken, p: PathToken): number {
	switch (t.kind) {
		case 'literal':
			if (p.kind !== 'segment') return 0;
			if (p.text === t.text) return 3;
			return p.fnName === t.text && p.fnKeys === '' ? 3 : 0;
		case 'function':
			return p.kind === 'segment' && p.fnName === t.name && p.fnKeys === t.keys ? 3 : 0;
		case 'colon':
			return p.kind === 'colon' ? 2 : 0;
		case 'param':
			// An OData cast (`microsoft.graph.group`) narrows a collection; it is not an ID.
			return p.kind === 'segment' && !p.text.startsWith('$') && !isCast(p.text) ? 1 : 0;
	}
}

function isCast(segment: string): boolean {
	return segment.startsWith('microsoft.graph.');
}

let index: Map<number, CompiledTemplate[]> | undefined;

function templateIndex(): Map<number, CompiledTemplate[]> {
	if (!index) {
		index = new Map();
		for (const template of Object.keys(catalogue().paths)) {
			const compiled = compileTemplate(template);
			const list = index.get(compiled.tokens.length) ?? [];
			list.push(compiled);
			index.set(compiled.tokens.length, list);
		}
	}
	return index;
}

/** The best template for the tokens: at the first position where two differ, literal wins. */
function bestTemplate(tokens: PathToken[]): CompiledTemplate | undefined {
	let best: CompiledTemplate | undefined;
	let bestScores: number[] = [];
	for (const candidate of templateIndex().get(tokens.length) ?? []) {
		const scores: number[] = [];
		let ok = true;
		for (let i = 0; i < tokens.length; i++) {
			const s = tokenScore(candidate.tokens[i], tokens[i]);
			if (s === 0) {
				ok = false;
				break;
			}
			scores.push(s);
		}
		if (!ok) continue;
		if (!best || compareScores(scores, bestScores) > 0) {
			best = candidate;
			bestScores = scores;
		}
	}
	return best;
}

function compareScores(a: number[], b: number[]): number {
	for (let i = 0; i < a.length; i++) {
		if (a[i] !== b[i]) return a[i] - b[i];
	}
	return 0;
}

/**
 * Maps a concrete Graph request path (`/users/alice@contoso.com/sendMail`,
 * `/v1.0/me/mailFolders/inbox/messages?$top=5`, `/drives/b!x/root:/a/b.txt:/content`,
 * `/sites/contoso.sharepoint.com:/sites/reports:`) to the catalogue's template for that HTTP
 * method: literal segments beat placeholders, case does not matter, `$ref`/`$value`/`$count`
 * never fill a placeholder. If the path as written matches no template with the method, the
 * same resource without its colon paths (`root:/a/b.txt:` as `items/{id}`) and then without a
 * trailing `/$ref` (the catalogue lists some reference paths without it) are tried.
 * Undefined if none matches.
 */
export function findPathTemplate(method: string, path: string): string | undefined {
	const m = method.toUpperCase();
	const parts = splitPath(normalizeRequestPath(path), false);
	const variants: Array<Array<string | { colon: string }>> = [parts];
	if (parts.some((p) => typeof p !== 'string')) variants.push(withoutColonPaths(parts));
	// `/users/{id}/memberOf/microsoft.graph.group` is the permission of `/users/{id}/memberOf`.
	for (const variant of [...variants]) {
		if (variant.some((p) => typeof p === 'string' && isCast(p.toLowerCase())))
			variants.push(variant.filter((p) => typeof p !== 'string' || !isCast(p.toLowerCase())));
	}
	for (const variant of [...variants]) {
		const last = variant[variant.length - 1];
		if (typeof last === 'string' && last.toLowerCase() === '$ref') {
			variants.push(variant.slice(0, -1));
		}
	}
	for (const variant of variants) {
		const match = bestTemplate(toPathTokens(variant));
		if (match && catalogue().paths[match.template][m]) return match.template;
	}
	return undefined;
}

/**
 * The permissions that grant `method path` for the scheme, per Microsoft's catalogue, or
 * undefined if the catalogue does not list the path and method for that scheme.
 */
export function permissionsFor(
	method: string,
	path: string,
	scheme: PermissionScheme,
): PathPermissions | undefined {
	const template = findPathTemplate(method, path);
	if (!template) return undefined;
	const key: CatalogueScheme = scheme === 'application' ? 'Application' : 'DelegatedWork';
	const data = catalogue();
	const grantIndex = data.paths[template][method.toUpperCase()][key];
	if (grantIndex === undefined) return undefined;
	const grant = data.grants[grantIndex];
	return {
		template,
		all: [...grant.all],
		least: adviseLeast(method, template, grant.least, grant.leastCandidates, grant.all, scheme),
		leastCandidates: grant.leastCandidates
			? [...grant.leastCandidates]
			: grant.least
				? [grant.least]
				: [],
		rsc: grant.rsc ? [...grant.rsc] : [],
		leastRsc: grant.leastRsc,
		alsoRequires: grant.alsoRequires ? { ...grant.alsoRequires } : {},
	};
}

/**
 * The permission to advise. The catalogue's `least` marks can be odd for advice: for GET
 * /groups/{id} it marks only `Group-NestingSupport.ReadWrite.All` (a feature-specific write
 * permission) although `Group.Read.All` grants the read. So, among the catalogue's least
 * candidates — or, when every candidate is a write or feature-specific permission, among all
 * permissions that grant the call — prefer read-only permissions for reads, then general ones
 * (no `-` feature prefix), then the lowest privilege level, then one named after the resource
 * (`Group.*` for /groups), then the catalogue's own pick.
 */
function adviseLeast(
	method: string,
	template: string,
	least: string | undefined,
	candidates: string[] | undefined,
	all: string[],
	scheme: PermissionScheme,
): string | undefined {
	const read = ['GET', 'HEAD'].includes(method.toUpperCase());
	const resource = (template.split('/')[1] ?? '').replace(/\(.*$/, '').replace(/s$/, '');
	const rank = (name: string): number[] => {
		const info = permissionInfo(name)?.[scheme];
		return [
			read && /Write|Manage|FullControl|Migrate/.test(name) ? 1 : 0,
			name.includes('-') ? 1 : 0,
			info?.privilegeLevel ?? 9,
			resource && name.toLowerCase().startsWith(`${resource}.`) ? 0 : 1,
			name === least ? 0 : 1,
		];
	};
	const compare = (a: string, b: string) => {
		const x = rank(a);
		const y = rank(b);
		for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
		return a.localeCompare(b);
	};
	const pool = candidates?.length ? [...candidates] : least ? [least] : [];
	if (!pool.length) return undefined;
	const best = pool.sort(compare)[0];
	const [writePenalty, featurePenalty] = rank(best);
	if (writePenalty + featurePenalty === 0) return best;
	const alternative = [...all].sort(compare)[0];
	return alternative && compare(alternative, best) < 0 ? alternative : best;
}

let known: Set<string> | undefined;

/** Whether the catalogue has a permission of this name (exact spelling, e.g. `Mail.Send`). */
export function isKnownPermission(name: string): boolean {
	known ??= new Set(catalogue().knownPermissions);
	return known.has(name);
}

/**
 * Schemes and admin consent of a permission that grants one of the paths in the extract
 * (`/me`, `/users`, `/groups`, `/teams`, `/sites`, ...); undefined for any other name.
 */
export function permissionInfo(name: string): PermissionInfo | undefined {
	const { permissions } = catalogue();
	const record = Object.prototype.hasOwnProperty.call(permissions, name)
		? permissions[name]
		: undefined;
	if (!record) return undefined;
	const scheme = (s: PermissionSchemeRecord | undefined): PermissionSchemeInfo | undefined =>
		s ? { adminConsent: s.adminConsent, privilegeLevel: s.privilegeLevel } : undefined;
	return {
		name,
		delegated: scheme(record.schemes.DelegatedWork),
		application: scheme(record.schemes.Application),
		rsc: record.rsc === true,
	};
}
