/**
 * Generates the committed Microsoft Graph extracts from the reference data in ../shared/graph
 * (Microsoft's permissions catalogue and the v1.0 CSDL):
 *   nodes/shared/graph/generated/permissions.json            (the package's catalogue)
 *   nodes/shared/graph/generated/directory-properties.json   (Entra ID's $select names)
 *   test/contract/csdl.json                                  (the tests' CSDL contract checker)
 *   test/emulator/data/permissions.json                      (the emulator's own catalogue)
 * Tests and the emulator read only the committed copies under test/, never ../shared.
 *
 *   npm run generate:graph                     # reads ../shared/graph (relative to the repo root)
 *   npx tsx scripts/generate-graph-extracts.ts <dir>
 *   npx tsx scripts/generate-graph-extracts.ts [<dir>] --check   # exit 1 if the files are stale
 *
 * The output is deterministic: same input, byte-identical output. Nothing in nodes/ or test/
 * reads the source files; they only read the extracts this script writes.
 *
 * permissions.json
 *   paths[template][METHOD][scheme] = i, grants[i] = { all, least?, leastCandidates?, rsc?,
 *   leastRsc?, alsoRequires? } (identical grants are stored once, which keeps the file small)
 *   - template: the catalogue's path, lower-cased (the catalogue is almost entirely lower-case
 *     and lists a few paths twice with different casing; those are merged), with every
 *     whole-segment placeholder ({id}, {user-id}, {item-path}, ...) written `{id}`. Function
 *     arguments keep their text, e.g. `/applications(appid={value})`.
 *   - scheme: DelegatedWork or Application (DelegatedPersonal, i.e. personal Microsoft
 *     accounts, is dropped).
 *   - all: the permissions (authorizationType oAuth2) that grant the path+method+scheme.
 *   - rsc: resource-specific-consent permissions (authorizationType RSC, e.g.
 *     ChannelMessage.Read.Group) that grant it; kept apart because they are consented per team
 *     or chat, not tenant-wide.
 *   - least: the catalogue marks a path value `least=<scheme>,<scheme>`; a path set can list
 *     several methods, so more than one permission can be marked for one method. least is the
 *     marked oAuth2 permission with the lowest privilegeLevel for that scheme (then by name);
 *     leastCandidates lists every marked one (same order) when there is more than one.
 *     Absent when no oAuth2 permission is marked. leastRsc: the same for RSC permissions.
 *   - alsoRequires: the catalogue's `AlsoRequires=A,B` flag (`;`-separated from `least=`):
 *     granting permission -> the permissions the catalogue says it additionally needs.
 *   permissions[name] = { schemes: { DelegatedWork?, Application? }: { adminConsent,
 *     privilegeLevel? }, rsc? } for the permissions that appear in `paths` only.
 *   knownPermissions: every permission name in the catalogue, sorted.
 *
 * csdl.json
 *   types[fullName] for the root types below and the closure of the types they use through
 *   structural properties and base types. Type names are namespace-qualified with aliases
 *   resolved (`graph.recipient` -> `microsoft.graph.recipient`). Properties are the type's
 *   own, in declaration order; inherited ones are reached through baseType (the checker walks
 *   the chain). Navigation properties are recorded (name, target type, collection flag,
 *   containsTarget) but not followed into the closure.
 *   derived[fullName] = baseType for types outside the extract that derive from a type in it
 *   (other than microsoft.graph.entity), so `@odata.type` naming one can be checked for
 *   derivation.
 *   actions: the overloads of sendMail, reply, forward and createUploadSession bound to a type
 *   in the extract (or a collection of one), with their parameters.
 *
 * directory-properties.json
 *   properties[name] for user, group and directoryRole: the structural property names of
 *   microsoft.graph.<name>, base types' first, each type's in declaration order (what
 *   test/contract/contract.ts's typeProperties returns). The Entra ID node checks `$select`
 *   names against it; the whole CSDL extract stays with the tests, out of the package.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '..');
const outDir = join(repoRoot, 'nodes', 'shared', 'graph', 'generated');
const generatedBy = 'scripts/generate-graph-extracts.ts';

const PERMISSIONS_SOURCE = {
	repo: 'microsoftgraph/microsoft-graph-devx-content',
	path: 'permissions/new/permissions.json',
	commit: '6cbd6bbd',
	date: '2026-08-07',
	file: 'graph-permissions.json',
};
const CSDL_SOURCE = {
	repo: 'microsoftgraph/msgraph-metadata',
	path: 'clean_v10_metadata/cleanMetadata.xml',
	commit: 'f54f11b6',
	date: '2026-08-20',
	file: 'graph-v1.0-csdl.xml',
};

const PATH_PREFIXES = [
	'/applications',
	'/chats',
	'/directoryobjects',
	'/directoryroles',
	'/domains',
	'/drives',
	'/groups',
	'/me',
	'/organization',
	'/places',
	'/serviceprincipals',
	'/sites',
	'/subscribedskus',
	'/teams',
	'/users',
];

const KEPT_SCHEMES = ['DelegatedWork', 'Application'] as const;
type KeptScheme = (typeof KEPT_SCHEMES)[number];

const ROOT_TYPES = [
	'user',
	'group',
	'organization',
	'directoryObject',
	'directoryRole',
	'message',
	'mailFolder',
	'attachment',
	'fileAttachment',
	'itemAttachment',
	'referenceAttachment',
	'attachmentItem',
	'uploadSession',
	'recipient',
	'emailAddress',
	'itemBody',
	'internetMessageHeader',
	'chatMessage',
	'chatMessageAttachment',
	'chatMessageMention',
	'chatMessageMentionedIdentitySet',
	'chat',
	'conversationMember',
	'aadUserConversationMember',
	'team',
	'channel',
	'site',
	'drive',
	'driveItem',
	'list',
	'listItem',
	'fieldValueSet',
	'itemReference',
	'driveItemUploadableProperties',
	'driveRecipient',
	'identitySet',
	'identity',
	'permission',
	'sharingLink',
	'publicError',
	'application',
	'passwordCredential',
	'keyCredential',
	'calendar',
	'event',
	'eventMessage',
	'eventMessageRequest',
	'eventMessageResponse',
	'place',
	'room',
	'roomList',
	'scheduleInformation',
	'meetingTimeSuggestionsResult',
].map((n) => `microsoft.graph.${n}`);

const ROOT_ACTIONS = ['sendMail', 'reply', 'forward', 'createUploadSession'];

// ---------------------------------------------------------------------------------------------
// Deterministic JSON: objects and arrays are indented down to `depth` levels, deeper values are
// written on one line. Keys keep insertion order (callers insert them sorted where it matters).

function formatJson(value: unknown, depth: number, indent = ''): string {
	if (depth <= 0 || value === null || typeof value !== 'object') return JSON.stringify(value);
	const inner = indent + '\t';
	if (Array.isArray(value)) {
		if (value.length === 0) return '[]';
		const items = value.map((v) => inner + formatJson(v, depth - 1, inner));
		return `[\n${items.join(',\n')}\n${indent}]`;
	}
	const entries = Object.entries(value as Record<string, unknown>).filter(
		([, v]) => v !== undefined,
	);
	if (entries.length === 0) return '{}';
	const items = entries.map(
		([k, v]) => `${inner}${JSON.stringify(k)}: ${formatJson(v, depth - 1, inner)}`,
	);
	return `{\n${items.join(',\n')}\n${indent}}`;
}

function byName(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

function sortedObject<T>(entries: Iterable<[string, T]>): Record<string, T> {
	const out: Record<string, T> = {};
	for (const [k, v] of [...entries].sort((a, b) => byName(a[0], b[0]))) out[k] = v;
	return out;
}

function sha256(text: string): string {
	return createHash('sha256').update(text).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Permissions

interface CatalogueScheme {
	requiresAdminConsent?: boolean;
	privilegeLevel?: number;
}
interface CataloguePathSet {
	schemeKeys: string[];
	methods: string[];
	paths: Record<string, string>;
}
interface CataloguePermission {
	authorizationType?: string;
	schemes: Record<string, CatalogueScheme>;
	pathSets?: CataloguePathSet[];
}

interface SchemeAccumulator {
	all: Set<string>;
	rsc: Set<string>;
	least: Set<string>;
	leastRsc: Set<string>;
	alsoRequires: Map<string, Set<string>>;
}

/** `least=DelegatedWork,Application;AlsoRequires=Policy.Read.All` -> key -> values. */
function parsePathValue(value: string): Map<string, string[]> {
	const out = new Map<string, string[]>();
	for (const part of value.split(';')) {
		const trimmed = part.trim();
		if (!trimmed) continue;
		const eq = trimmed.indexOf('=');
		const key = (eq < 0 ? trimmed : trimmed.slice(0, eq)).trim().toLowerCase();
		const values = eq < 0 ? [] : trimmed.slice(eq + 1).split(',');
		out.set(
			key,
			values.map((v) => v.trim()).filter((v) => v.length > 0),
		);
	}
	return out;
}

function firstSegment(path: string): string {
	const match = /^\/[^/(:]*/.exec(path);
	return (match ? match[0] : path).toLowerCase();
}

/** Lower-case, and write whole-segment placeholders (also after `:/`) as `{id}`. */
function canonicalTemplate(path: string): string {
	return path
		.toLowerCase()
		.split('/')
		.map((seg) => seg.replace(/^\{[^}]*\}(:?)$/, '{id}$1'))
		.join('/');
}

function buildPermissions(sourcePath: string): { json: string; stats: string } {
	const raw = readFileSync(sourcePath, 'utf8');
	const catalogue = JSON.parse(raw) as { permissions: Record<string, CataloguePermission> };
	const perms = catalogue.permissions;
	const names = Object.keys(perms).sort(byName);

	const paths = new Map<string, Map<string, Map<KeptScheme, SchemeAccumulator>>>();
	const used = new Set<string>();
	const unknownFlags = new Set<string>();

	for (const name of names) {
		const perm = perms[name];
		const isRsc = perm.authorizationType === 'RSC';
		for (const set of perm.pathSets ?? []) {
			const schemes = KEPT_SCHEMES.filter(
				(s) => set.schemeKeys.includes(s) && perm.schemes[s] !== undefined,
			);
			if (schemes.length === 0) continue;
			for (const [path, value] of Object.entries(set.paths)) {
				if (!PATH_PREFIXES.includes(firstSegment(path))) continue;
				const flags = parsePathValue(value);
				for (const key of flags.keys()) {
					if (key !== 'least' && key !== 'alsorequires') unknownFlags.add(key);
				}
				const leastSchemes = flags.get('least') ?? [];
				const also = flags.get('alsorequires') ?? [];
				const template = canonicalTemplate(path);
				let byMethod = paths.get(template);
				if (!byMethod) paths.set(template, (byMethod = new Map()));
				for (const method of set.methods) {
					const m = method.toUpperCase();
					let byScheme = byMethod.get(m);
					if (!byScheme) byMethod.set(m, (byScheme = new Map()));
					for (const scheme of schemes) {
						let acc = byScheme.get(scheme);
						if (!acc) {
							acc = {
								all: new Set(),
								rsc: new Set(),
								least: new Set(),
								leastRsc: new Set(),
								alsoRequires: new Map(),
							};
							byScheme.set(scheme, acc);
						}
						(isRsc ? acc.rsc : acc.all).add(name);
						if (leastSchemes.includes(scheme)) (isRsc ? acc.leastRsc : acc.least).add(name);
						if (also.length > 0) {
							let a = acc.alsoRequires.get(name);
							if (!a) acc.alsoRequires.set(name, (a = new Set()));
							for (const x of also) a.add(x);
						}
						used.add(name);
					}
				}
			}
		}
	}
	if (unknownFlags.size > 0) {
		throw new Error(`Unknown path value flags in catalogue: ${[...unknownFlags].join(', ')}`);
	}

	const level = (name: string, scheme: KeptScheme): number =>
		perms[name].schemes[scheme]?.privilegeLevel ?? Number.MAX_SAFE_INTEGER;
	const rank = (scheme: KeptScheme) => (a: string, b: string) =>
		level(a, scheme) - level(b, scheme) || byName(a, b);

	let entries = 0;
	const grantKeys = new Map<string, number>();
	const grantList: Array<{ key: string; grant: Record<string, unknown> }> = [];
	const pathGrants = [...paths].map(([template, byMethod]) => {
		const methods = [...byMethod].map(([method, byScheme]) => {
			const schemes: Array<[KeptScheme, string]> = [];
			for (const scheme of KEPT_SCHEMES) {
				const acc = byScheme.get(scheme);
				if (!acc) continue;
				entries++;
				const least = [...acc.least].sort(rank(scheme));
				const leastRsc = [...acc.leastRsc].sort(rank(scheme));
				const grant: Record<string, unknown> = {
					all: [...acc.all].sort(byName),
					least: least[0],
					leastCandidates: least.length > 1 ? least : undefined,
					rsc: acc.rsc.size > 0 ? [...acc.rsc].sort(byName) : undefined,
					leastRsc: leastRsc[0],
					alsoRequires:
						acc.alsoRequires.size > 0
							? sortedObject([...acc.alsoRequires].map(([k, v]) => [k, [...v].sort(byName)]))
							: undefined,
				};
				const key = JSON.stringify(grant);
				if (!grantKeys.has(key)) {
					grantKeys.set(key, -1);
					grantList.push({ key, grant });
				}
				schemes.push([scheme, key]);
			}
			return [method, schemes] as [string, Array<[KeptScheme, string]>];
		});
		return [template, methods] as [string, Array<[string, Array<[KeptScheme, string]>]>];
	});
	// Number the distinct grants in a content order, so the numbering does not depend on the
	// order the catalogue lists permissions in.
	grantList.sort((a, b) => byName(a.key, b.key));
	grantList.forEach((g, i) => grantKeys.set(g.key, i));
	const outPaths = sortedObject(
		pathGrants.map(([template, methods]) => [
			template,
			sortedObject(
				methods.map(([method, schemes]) => [
					method,
					Object.fromEntries(schemes.map(([s, key]) => [s, grantKeys.get(key) as number])),
				]),
			),
		]),
	);

	const outPermissions = sortedObject(
		[...used].map((name) => {
			const perm = perms[name];
			const schemes: Record<string, unknown> = {};
			for (const scheme of KEPT_SCHEMES) {
				const s = perm.schemes[scheme];
				if (!s) continue;
				schemes[scheme] = {
					adminConsent: s.requiresAdminConsent === true,
					privilegeLevel: s.privilegeLevel,
				};
			}
			return [name, { schemes, rsc: perm.authorizationType === 'RSC' ? true : undefined }] as [
				string,
				unknown,
			];
		}),
	);

	const { file, ...source } = PERMISSIONS_SOURCE;
	const doc = {
		source: { ...source, sha256: sha256(raw) },
		generatedBy,
		format:
			'paths[template][METHOD][DelegatedWork|Application] = index into grants; grants[i] = ' +
			'{ all, least?, leastCandidates?, rsc?, leastRsc?, alsoRequires? }; templates are ' +
			'lower-cased with whole-segment placeholders written {id}; see the generator header.',
		prefixes: PATH_PREFIXES,
		paths: outPaths,
		grants: grantList.map((g) => g.grant),
		permissions: outPermissions,
		knownPermissions: names,
	};
	void file;
	return {
		json: formatJson(doc, 2) + '\n',
		stats:
			`${paths.size} templates, ${entries} method/scheme entries, ${grantList.length} ` +
			`distinct grants, ${used.size} permissions`,
	};
}

// ---------------------------------------------------------------------------------------------
// A small XML reader: enough for the CSDL (elements and attributes; text and comments skipped).

interface XmlElement {
	name: string;
	attrs: Record<string, string>;
	children: XmlElement[];
}

function decodeEntities(text: string): string {
	return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, e: string) => {
		if (e === 'amp') return '&';
		if (e === 'lt') return '<';
		if (e === 'gt') return '>';
		if (e === 'quot') return '"';
		if (e === 'apos') return "'";
		const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
		return String.fromCodePoint(code);
	});
}

function parseXml(text: string): XmlElement {
	const root: XmlElement = { name: '#document', attrs: {}, children: [] };
	const stack: XmlElement[] = [root];
	const tag =
		/<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/g;
	const attr = /([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
	let match: RegExpExecArray | null;
	while ((match = tag.exec(text)) !== null) {
		const [, closing, name, attrText, selfClosing] = match;
		if (name === undefined) continue;
		if (closing) {
			const top = stack.pop();
			if (!top || top.name !== name) throw new Error(`Unbalanced XML at </${name}>`);
			continue;
		}
		const attrs: Record<string, string> = {};
		let a: RegExpExecArray | null;
		attr.lastIndex = 0;
		while ((a = attr.exec(attrText ?? '')) !== null) attrs[a[1]] = decodeEntities(a[2] ?? a[3]);
		const el: XmlElement = { name, attrs, children: [] };
		stack[stack.length - 1].children.push(el);
		if (!selfClosing) stack.push(el);
	}
	if (stack.length !== 1) throw new Error('Unbalanced XML at end of document');
	return root;
}

function* descendants(el: XmlElement, name: string): Generator<XmlElement> {
	for (const child of el.children) {
		if (child.name === name) yield child;
		yield* descendants(child, name);
	}
}

// ---------------------------------------------------------------------------------------------
// CSDL

interface PropertyOut {
	name: string;
	type: string;
	nullable: boolean;
}
interface NavigationOut {
	name: string;
	type: string;
	collection: boolean;
	containsTarget?: boolean;
	nullable?: boolean;
}
interface StructuredTypeOut {
	kind: 'entity' | 'complex';
	baseType?: string;
	abstract?: true;
	openType?: true;
	hasStream?: true;
	properties: PropertyOut[];
	navigationProperties?: NavigationOut[];
}
interface EnumTypeOut {
	kind: 'enum';
	underlyingType?: string;
	isFlags?: true;
	members: Record<string, number>;
}
type TypeOut = StructuredTypeOut | EnumTypeOut;

interface ParsedType {
	name: string;
	element: XmlElement;
	namespace: string;
}

function buildCsdl(sourcePath: string): {
	json: string;
	stats: string;
	sha256: string;
	types: Map<string, TypeOut>;
} {
	const raw = readFileSync(sourcePath, 'utf8');
	const doc = parseXml(raw.replace(/^\uFEFF/, ''));
	const schemas = [...descendants(doc, 'Schema')];
	const aliases = new Map<string, string>();
	for (const schema of schemas) {
		if (schema.attrs.Alias) aliases.set(schema.attrs.Alias, schema.attrs.Namespace);
	}

	const qualify = (name: string): string => {
		if (name.startsWith('Edm.')) return name;
		const dot = name.lastIndexOf('.');
		if (dot < 0) return name;
		const ns = name.slice(0, dot);
		return `${aliases.get(ns) ?? ns}${name.slice(dot)}`;
	};
	const qualifyRef = (ref: string): string => {
		const m = /^Collection\((.*)\)$/.exec(ref);
		return m ? `Collection(${qualify(m[1])})` : qualify(ref);
	};
	const elementType = (ref: string): string => {
		const m = /^Collection\((.*)\)$/.exec(ref);
		return m ? m[1] : ref;
	};

	const allTypes = new Map<string, ParsedType>();
	const actions: Array<{ element: XmlElement; namespace: string }> = [];
	for (const schema of schemas) {
		const ns = schema.attrs.Namespace;
		for (const child of schema.children) {
			if (['EntityType', 'ComplexType', 'EnumType'].includes(child.name)) {
				allTypes.set(`${ns}.${child.attrs.Name}`, {
					name: `${ns}.${child.attrs.Name}`,
					element: child,
					namespace: ns,
				});
			} else if (child.name === 'Action') {
				actions.push({ element: child, namespace: ns });
			}
		}
	}

	const baseOf = (name: string): string | undefined => {
		const t = allTypes.get(name);
		return t?.element.attrs.BaseType ? qualify(t.element.attrs.BaseType) : undefined;
	};

	// Actions bound to a root type (or a collection of one).
	const rootSet = new Set(ROOT_TYPES);
	const actionOut: unknown[] = [];
	const actionParamTypes: string[] = [];
	for (const { element, namespace } of actions) {
		if (!ROOT_ACTIONS.includes(element.attrs.Name)) continue;
		const params = element.children.filter((c) => c.name === 'Parameter');
		const bound = element.attrs.IsBound === 'true';
		const binding = bound && params.length > 0 ? qualifyRef(params[0].attrs.Type) : undefined;
		if (!binding || !rootSet.has(elementType(binding))) continue;
		// The mail actions only: event/forward would make `action:forward` ambiguous.
		if (elementType(binding) === 'microsoft.graph.event') continue;
		const ret = element.children.find((c) => c.name === 'ReturnType');
		const parameters = (bound ? params.slice(1) : params).map((p) => ({
			name: p.attrs.Name,
			type: qualifyRef(p.attrs.Type),
			nullable: p.attrs.Nullable !== 'false',
		}));
		for (const p of parameters) actionParamTypes.push(elementType(p.type));
		actionOut.push({
			name: element.attrs.Name,
			namespace,
			bindingType: binding,
			parameters,
			returnType: ret ? qualifyRef(ret.attrs.Type) : undefined,
		});
	}
	actionOut.sort((a, b) => {
		const x = a as { name: string; bindingType: string };
		const y = b as { name: string; bindingType: string };
		return byName(x.name, y.name) || byName(x.bindingType, y.bindingType);
	});

	// Closure over base types and structural property types.
	const included = new Set<string>();
	const queue = [...ROOT_TYPES, ...actionParamTypes.filter((t) => !t.startsWith('Edm.'))];
	while (queue.length > 0) {
		const name = queue.shift() as string;
		if (included.has(name) || name.startsWith('Edm.')) continue;
		const t = allTypes.get(name);
		if (!t) throw new Error(`Type not found in CSDL: ${name}`);
		included.add(name);
		const base = baseOf(name);
		if (base) queue.push(base);
		for (const child of t.element.children) {
			if (child.name === 'Property') queue.push(elementType(qualifyRef(child.attrs.Type)));
			if (child.name === 'NavigationProperty') {
				const target = elementType(qualifyRef(child.attrs.Type));
				if (rootSet.has(target)) queue.push(target);
			}
		}
	}

	const types: Array<[string, TypeOut]> = [];
	for (const name of included) {
		const { element } = allTypes.get(name) as ParsedType;
		if (element.name === 'EnumType') {
			const members: Record<string, number> = {};
			for (const m of element.children.filter((c) => c.name === 'Member')) {
				members[m.attrs.Name] = Number(m.attrs.Value);
			}
			types.push([
				name,
				{
					kind: 'enum',
					underlyingType: element.attrs.UnderlyingType,
					isFlags: element.attrs.IsFlags === 'true' ? true : undefined,
					members,
				},
			]);
			continue;
		}
		const properties = element.children
			.filter((c) => c.name === 'Property')
			.map((p) => ({
				name: p.attrs.Name,
				type: qualifyRef(p.attrs.Type),
				nullable: p.attrs.Nullable !== 'false',
			}));
		const nav = element.children
			.filter((c) => c.name === 'NavigationProperty')
			.map((p) => {
				const type = qualifyRef(p.attrs.Type);
				return {
					name: p.attrs.Name,
					type: elementType(type),
					collection: type.startsWith('Collection('),
					containsTarget: p.attrs.ContainsTarget === 'true' ? true : undefined,
					nullable: p.attrs.Nullable === 'false' ? false : undefined,
				} as NavigationOut;
			});
		types.push([
			name,
			{
				kind: element.name === 'EntityType' ? 'entity' : 'complex',
				baseType: baseOf(name),
				abstract: element.attrs.Abstract === 'true' ? true : undefined,
				openType: element.attrs.OpenType === 'true' ? true : undefined,
				hasStream: element.attrs.HasStream === 'true' ? true : undefined,
				properties,
				navigationProperties: nav.length > 0 ? nav : undefined,
			} as StructuredTypeOut,
		]);
	}

	// Types outside the extract deriving from one in it (not counting microsoft.graph.entity).
	const derived: Array<[string, string]> = [];
	for (const name of allTypes.keys()) {
		if (included.has(name)) continue;
		let cur = baseOf(name);
		while (cur && !included.has(cur)) cur = baseOf(cur);
		if (cur && cur !== 'microsoft.graph.entity') derived.push([name, baseOf(name) as string]);
	}

	const { file, ...source } = CSDL_SOURCE;
	void file;
	const out = {
		source: { ...source, sha256: sha256(raw) },
		generatedBy,
		format:
			'types[qualified name] = entity/complex { baseType?, abstract?, openType?, hasStream?, ' +
			'properties: own properties only (inherited ones via baseType), navigationProperties? } ' +
			'or enum { isFlags?, members }; derived[name] = baseType for types outside the extract ' +
			'that derive from one in it; see the generator header for details.',
		roots: ROOT_TYPES,
		types: sortedObject(types),
		derived: sortedObject(derived),
		actions: actionOut,
	};
	return {
		json: formatJson(out, 3) + '\n',
		stats: `${included.size} types, ${derived.length} derived, ${actionOut.length} actions`,
		sha256: sha256(raw),
		types: new Map(types),
	};
}

// ---------------------------------------------------------------------------------------------
// Directory properties (the Entra ID node's `$select` check)

const DIRECTORY_TYPES = ['directoryRole', 'group', 'user'];

function buildDirectoryProperties(csdl: { sha256: string; types: Map<string, TypeOut> }): {
	json: string;
	stats: string;
} {
	const structured = (name: string): StructuredTypeOut | undefined => {
		const t = csdl.types.get(name);
		return t && t.kind !== 'enum' ? t : undefined;
	};
	const properties: Record<string, string[]> = {};
	for (const short of DIRECTORY_TYPES) {
		const name = `microsoft.graph.${short}`;
		if (!structured(name)) throw new Error(`Type not in the CSDL extract: ${name}`);
		const chain: string[] = [];
		for (let cur: string | undefined = name; cur; cur = structured(cur)?.baseType) chain.push(cur);
		// Base types first; a later member of the same name replaces an earlier one in place.
		const members = new Map<string, boolean>();
		for (const typeName of chain.reverse()) {
			const t = structured(typeName);
			if (!t) continue;
			for (const p of t.properties) members.set(p.name, true);
			for (const n of t.navigationProperties ?? []) members.set(n.name, false);
		}
		properties[short] = [...members].filter(([, isProperty]) => isProperty).map(([n]) => n);
	}
	const { file, ...source } = CSDL_SOURCE;
	void file;
	const out = {
		source: { ...source, sha256: csdl.sha256 },
		generatedBy,
		format:
			'properties[type] = structural property names of microsoft.graph.<type>, base types ' +
			"first, each type's in declaration order; see the generator header.",
		properties,
	};
	return {
		json: formatJson(out, 2) + '\n',
		stats: DIRECTORY_TYPES.map((t) => `${properties[t].length} ${t}`).join(', '),
	};
}

// ---------------------------------------------------------------------------------------------

function main(): void {
	const args = process.argv.slice(2);
	const check = args.includes('--check');
	const dirArg = args.find((a) => !a.startsWith('--'));
	const sourceDir = resolve(dirArg ?? join(repoRoot, '..', 'shared', 'graph'));
	const permissionsSource = join(sourceDir, PERMISSIONS_SOURCE.file);
	const csdlSource = join(sourceDir, CSDL_SOURCE.file);
	for (const f of [permissionsSource, csdlSource]) {
		if (!existsSync(f)) throw new Error(`Source file not found: ${f}`);
	}

	const permissions = buildPermissions(permissionsSource);
	const csdl = buildCsdl(csdlSource);
	const outputs = [
		{ file: join(outDir, 'permissions.json'), ...permissions },
		{ file: join(outDir, 'directory-properties.json'), ...buildDirectoryProperties(csdl) },
		{ file: join(repoRoot, 'test', 'contract', 'csdl.json'), ...csdl },
		{ file: join(repoRoot, 'test', 'emulator', 'data', 'permissions.json'), ...permissions },
	];
	let stale = false;
	for (const { file, json, stats } of outputs) {
		const rel = file.slice(repoRoot.length + 1);
		const size = `${(Buffer.byteLength(json) / 1024).toFixed(1)} KiB`;
		if (check) {
			const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
			const ok = current === json;
			if (!ok) stale = true;
			console.log(`${ok ? 'up to date' : 'STALE'}: ${rel} (${size}; ${stats})`);
		} else {
			mkdirSync(dirname(file), { recursive: true });
			writeFileSync(file, json);
			console.log(`wrote ${rel} (${size}; ${stats})`);
		}
	}
	if (stale) process.exitCode = 1;
}

main();
