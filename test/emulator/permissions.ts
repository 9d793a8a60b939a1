/**
 * The emulator's own lookup over Microsoft's Graph permissions catalogue, so that the emulator
 * authorises requests from Microsoft's data and not from the package's code.
 *
 * Data: `data/permissions.json`, an extract of microsoftgraph/microsoft-graph-devx-content
 * `permissions/new/permissions.json` written by `scripts/generate-graph-extracts.ts` (its header
 * describes the format): `paths[template][METHOD][DelegatedWork|Application]` is an index into
 * `grants`, each `{ all, least?, rsc?, ... }`; templates are lower-case, with every whole-segment
 * placeholder written `{id}` and function arguments written `name(arg={value})`.
 *
 * Matching a request path to a template (written here for the emulator):
 * - origin, `/v1.0`, query string and a trailing `/` or `:` are dropped; case is ignored;
 * - `{id}` matches one segment (not one starting with `$`), `{id}:` one ending in `:`;
 *   SharePoint path addressing (`root:/a/b.txt:`) keeps `root:` and the path as one segment;
 * - literal segments win over placeholders (`/users/delta` over `/users/{id}`);
 * - then, in order, these fallbacks: `X:/path:` as one item segment (`/sites/host:/sites/a:/lists`
 *   -> `/sites/{id}/lists`), `root:/path:` as `items/{id}`, and a trailing `$ref`, `$value` or
 *   `$count` dropped (`/groups/{id}/members/{id}/$ref` -> `/groups/{id}/members/{id}`);
 * - function calls: `delta()` is `delta`, `search(q='x')` is `search(q={value})`.
 * Only templates listing the request's method are considered.
 */
import extract from './data/permissions.json';

export type Scheme = 'delegated' | 'application';

interface Grant {
	all: string[];
	least?: string;
	rsc?: string[];
}

export interface PermissionLookup {
	template: string;
	/** Tenant-wide (oAuth2) permissions that grant the call. */
	all: string[];
	least?: string;
	/** Resource-specific consent permissions (granted per team or chat). */
	rsc: string[];
}

const paths = extract.paths as unknown as Record<
	string,
	Record<string, Partial<Record<'DelegatedWork' | 'Application', number>>>
>;
const grants = extract.grants as unknown as Grant[];
const known = new Set<string>((extract.knownPermissions as string[]).map((n) => n.toLowerCase()));
const knownSpelling = new Map<string, string>(
	(extract.knownPermissions as string[]).map((n) => [n.toLowerCase(), n]),
);

export const permissionsSource = extract.source as {
	repo: string;
	path: string;
	commit: string;
	date: string;
};

/** Templates by segment count. */
const bySize = new Map<number, Array<{ template: string; segments: string[] }>>();
for (const template of Object.keys(paths)) {
	const segments = template.split('/').slice(1);
	let list = bySize.get(segments.length);
	if (!list) bySize.set(segments.length, (list = []));
	list.push({ template, segments });
}

function functionSegment(seg: string): string {
	const m = /^([^(]*)\((.*)\)$/.exec(seg);
	if (!m) return seg;
	if (m[2].trim() === '') return m[1];
	const args = m[2].replace(/=\s*('(?:[^']|'')*'|[^,)]*)/g, '={value}').replace(/\s+/g, '');
	return `${m[1]}(${args})`;
}

/** The request path's segments (lower-case), path-addressed regions kept as one segment. */
function segmentsOf(rawPath: string): string[] {
	let p = rawPath.replace(/^https?:\/\/[^/]+/i, '');
	p = p.split('?')[0];
	p = p.replace(/^\/(v1\.0|beta)(?=\/|$)/i, '');
	try {
		p = decodeURIComponent(p);
	} catch {
		/* keep as is */
	}
	p = p.toLowerCase().replace(/[/:]+$/, '');
	const out: string[] = [];
	// `seg:/a/b:` -> 'seg:', 'a/b' (the item path as one segment)
	const re = /([^/]*?):\/(.*?)(:(?=\/)|$)/y;
	let i = p.startsWith('/') ? 1 : 0;
	while (i < p.length) {
		re.lastIndex = i;
		const slash = p.indexOf('/', i);
		const colon = p.indexOf(':/', i);
		if (colon >= 0 && (slash < 0 || colon < slash)) {
			const m = re.exec(p);
			if (m) {
				out.push(`${m[1]}:`, `\u0000${m[2]}${m[3]}`);
				i = re.lastIndex + 1;
				continue;
			}
		}
		const end = slash < 0 ? p.length : slash;
		out.push(functionSegment(p.slice(i, end)));
		i = end + 1;
	}
	return out.filter((s) => s !== '');
}

function segmentMatches(t: string, s: string): boolean {
	if (t === '{id}') return !s.startsWith('$');
	if (t === '{id}:') return s.endsWith(':') && !s.startsWith('$');
	return t === s;
}

function bestTemplate(method: string, segments: string[]): string | undefined {
	let best: { template: string; score: number[] } | undefined;
	for (const { template, segments: ts } of bySize.get(segments.length) ?? []) {
		if (!paths[template][method]) continue;
		let ok = true;
		const score: number[] = [];
		for (let k = 0; k < ts.length; k++) {
			if (!segmentMatches(ts[k], segments[k])) {
				ok = false;
				break;
			}
			score.push(ts[k].startsWith('{') ? 0 : 1);
		}
		if (!ok) continue;
		if (!best || compareScores(score, best.score) > 0) best = { template, score };
	}
	return best?.template;
}

function compareScores(a: number[], b: number[]): number {
	for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k];
	return 0;
}

function candidates(segments: string[]): string[][] {
	const out = [segments];
	const addressed = segments.findIndex((s) => s.startsWith('\u0000'));
	if (addressed > 0) {
		const head = segments.slice(0, addressed - 1);
		const owner = segments[addressed - 1].slice(0, -1);
		const rest = segments.slice(addressed + 1);
		// `X:/path:` as one item segment
		out.push([...head, `${owner}/path`, ...rest]);
		// `root:/path:` as `items/{id}`
		if (owner === 'root') out.push([...head, 'items', 'item', ...rest]);
	}
	for (const c of [...out]) {
		const last = c[c.length - 1];
		if (last === '$ref' || last === '$value' || last === '$count') out.push(c.slice(0, -1));
	}
	return out;
}

const cache = new Map<string, string | null>();

/** The catalogue template a request matches, if any. */
export function findTemplate(method: string, path: string): string | undefined {
	const m = method.toUpperCase();
	const key = `${m} ${path}`;
	const hit = cache.get(key);
	if (hit !== undefined) return hit ?? undefined;
	let found: string | undefined;
	for (const c of candidates(segmentsOf(path))) {
		found = bestTemplate(m, c);
		if (found) break;
	}
	if (cache.size > 5000) cache.clear();
	cache.set(key, found ?? null);
	return found;
}

/** The permissions that grant `method path` for the scheme, per Microsoft's catalogue. */
export function permissionsFor(
	method: string,
	path: string,
	scheme: Scheme,
): PermissionLookup | undefined {
	const template = findTemplate(method, path);
	if (!template) return undefined;
	const index =
		paths[template][method.toUpperCase()]?.[
			scheme === 'delegated' ? 'DelegatedWork' : 'Application'
		];
	if (index === undefined) return undefined;
	const grant = grants[index];
	return { template, all: grant.all, least: grant.least, rsc: grant.rsc ?? [] };
}

/** Whether the catalogue defines a permission of this name (exact spelling). */
export function isKnownPermission(name: string): boolean {
	return knownSpelling.get(name.toLowerCase()) === name;
}

/** The catalogue's spelling of a permission name given in any case. */
export function permissionSpelling(name: string): string | undefined {
	return known.has(name.toLowerCase()) ? knownSpelling.get(name.toLowerCase()) : undefined;
}
