/**
 * Checks JSON bodies against the Microsoft Graph v1.0 CSDL, as extracted into
 * test/contract/csdl.json by scripts/generate-graph-extracts.ts (see that script for the format).
 *
 * The extract stores each type's own properties; inherited ones are found by walking
 * `baseType` here. Rules, in short:
 * - unknown property names are errors; see `openTypes` below for types the CSDL marks open;
 * - primitive values must match their Edm type (OData JSON: Int* are JSON integers, Double and
 *   Single numbers or "INF"/"-INF"/"NaN", DateTimeOffset an ISO 8601 string with an offset,
 *   Guid, Binary (base64 or base64url), Date, TimeOfDay and Duration strings; Stream and
 *   Untyped are not checked);
 * - enum values must be member names (several, comma-joined, for IsFlags enums), in any case
 *   unless `strictEnumCase`;
 * - null is an error where the CSDL says Nullable="false" (for a collection: the collection
 *   and its items);
 * - complex and entity values, collections and expanded navigation properties are checked
 *   recursively (navigation targets outside the extract are accepted unchecked);
 * - `@odata.type` picks a derived type, which must derive from the declared one; an abstract
 *   declared type (e.g. attachment, conversationMember) needs one. A derived type outside the
 *   extract is checked for derivation and then against its nearest ancestor in the extract,
 *   with properties that ancestor does not declare accepted;
 * - instance annotations (`@odata.context`, `@odata.nextLink`, ..., `@removed`,
 *   `@microsoft.graph.*`, other `@namespace.term`) and property annotations
 *   (`members@odata.bind`, `name@odata.type`, ...) are accepted.
 */
import extract from './csdl.json';

interface PropertyRecord {
	name: string;
	type: string;
	nullable: boolean;
}

interface NavigationRecord {
	name: string;
	type: string;
	collection: boolean;
	containsTarget?: boolean;
	nullable?: boolean;
}

interface StructuredTypeRecord {
	kind: 'entity' | 'complex';
	baseType?: string;
	abstract?: boolean;
	openType?: boolean;
	hasStream?: boolean;
	properties: PropertyRecord[];
	navigationProperties?: NavigationRecord[];
}

interface EnumTypeRecord {
	kind: 'enum';
	underlyingType?: string;
	isFlags?: boolean;
	members: Record<string, number>;
}

type TypeRecord = StructuredTypeRecord | EnumTypeRecord;

interface ActionRecord {
	name: string;
	namespace: string;
	bindingType: string;
	parameters: PropertyRecord[];
	returnType?: string;
}

interface CsdlExtract {
	source: { repo: string; path: string; commit: string; date: string; sha256: string };
	generatedBy: string;
	roots: string[];
	types: Record<string, TypeRecord>;
	derived: Record<string, string>;
	actions: ActionRecord[];
}

export interface ValidateGraphBodyOptions {
	/**
	 * Accept objects that lack properties the CSDL declares non-nullable (default true: request
	 * bodies and `$select`ed responses are partial). Set false to require them, e.g. for a full
	 * entity returned by the emulator. Non-nullable action parameters are always required.
	 */
	allowMissing?: boolean;
	/**
	 * How to treat types the CSDL marks OpenType. Graph marks many entity types open (user,
	 * group, message, driveItem, ...) to make room for extension properties, so by default
	 * ('extensions') an open entity type accepts only extension-shaped unknown names
	 * (`extension_<appId>_<name>`, `<prefix>_<name>`), while open complex types (identity,
	 * identitySet, ...) and open entity types that declare no properties of their own
	 * (fieldValueSet, a property bag of list columns) accept any name. 'open' follows the CSDL
	 * literally: every open type accepts any name.
	 */
	openTypes?: 'extensions' | 'open';
	/**
	 * Require enum members in the CSDL's exact case. Default false: Graph accepts
	 * `"contentType": "HTML"` for `html` (its docs write it so), and OData enum names are
	 * otherwise exact.
	 */
	strictEnumCase?: boolean;
}

const data = extract as unknown as CsdlExtract;

/** The source of the extract: Microsoft's repository, path and commit. */
export const graphCsdlSource: Readonly<CsdlExtract['source']> = data.source;

const NAMESPACE = 'microsoft.graph';

const ODATA_TERMS = new Set([
	'associationlink',
	'bind',
	'context',
	'count',
	'deltalink',
	'editlink',
	'etag',
	'id',
	'mediacontenttype',
	'mediaeditlink',
	'mediaetag',
	'mediareadlink',
	'metadataetag',
	'navigationlink',
	'nextlink',
	'null',
	'readlink',
	'removed',
	'type',
]);

const EXTENSION_NAME = /^[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]+$/;

const PRIMITIVE_PATTERNS: Record<string, RegExp> = {
	'Edm.DateTimeOffset':
		/^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,12})?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i,
	'Edm.Date': /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
	'Edm.TimeOfDay': /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,12})?)?$/,
	'Edm.Duration': /^-?P(?=\d|T\d)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
	'Edm.Guid': /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i,
	'Edm.Binary': /^(?:[A-Za-z0-9+/]*={0,2}|[A-Za-z0-9_-]*={0,2})$/,
};

const INTEGER_RANGES: Record<string, [number, number]> = {
	'Edm.Byte': [0, 255],
	'Edm.SByte': [-128, 127],
	'Edm.Int16': [-32768, 32767],
	'Edm.Int32': [-2147483648, 2147483647],
	'Edm.Int64': [Number.MIN_SAFE_INTEGER * 1024, Number.MAX_SAFE_INTEGER * 1024],
};

// ---------------------------------------------------------------------------------------------
// Type lookup

interface MemberInfo {
	property?: PropertyRecord;
	navigation?: NavigationRecord;
}

interface ResolvedStructuredType {
	name: string;
	record: StructuredTypeRecord;
	members: Map<string, MemberInfo>;
	required: PropertyRecord[];
	open: boolean;
	propertyBag: boolean;
	chain: string[];
}

const structuredCache = new Map<string, ResolvedStructuredType>();

function hasOwn(obj: object, key: string): boolean {
	return Object.prototype.hasOwnProperty.call(obj, key);
}

/** `#graph.user`, `microsoft.graph.user`, `user` -> `microsoft.graph.user`. */
function qualifyTypeName(name: string): string {
	let n = name.trim().replace(/^#/, '');
	if (n.startsWith('graph.')) n = `${NAMESPACE}.${n.slice('graph.'.length)}`;
	if (!n.includes('.')) n = `${NAMESPACE}.${n}`;
	return n;
}

function collectionElement(type: string): string | undefined {
	const m = /^Collection\((.*)\)$/.exec(type.trim());
	return m ? m[1] : undefined;
}

function typeRecord(name: string): TypeRecord | undefined {
	return hasOwn(data.types, name) ? data.types[name] : undefined;
}

function resolveStructured(name: string): ResolvedStructuredType | undefined {
	const cached = structuredCache.get(name);
	if (cached) return cached;
	const record = typeRecord(name);
	if (!record || record.kind === 'enum') return undefined;
	const chain: string[] = [];
	for (let cur: string | undefined = name; cur;) {
		chain.push(cur);
		const r = typeRecord(cur);
		cur = r && r.kind !== 'enum' ? r.baseType : undefined;
	}
	const members = new Map<string, MemberInfo>();
	const required: PropertyRecord[] = [];
	let open = false;
	for (const typeName of [...chain].reverse()) {
		const r = typeRecord(typeName) as StructuredTypeRecord | undefined;
		if (!r) continue;
		if (r.openType) open = true;
		for (const p of r.properties) {
			members.set(p.name, { property: p });
			if (!p.nullable) required.push(p);
		}
		for (const n of r.navigationProperties ?? []) members.set(n.name, { navigation: n });
	}
	const resolved: ResolvedStructuredType = {
		name,
		record,
		members,
		required,
		open,
		propertyBag:
			open &&
			(record.kind === 'complex' || (record.openType === true && !record.properties.length)),
		chain,
	};
	structuredCache.set(name, resolved);
	return resolved;
}

/** The chain of base types of a type in the extract or in its `derived` list. */
function ancestry(name: string): string[] {
	const out: string[] = [];
	for (let cur: string | undefined = name; cur && !out.includes(cur);) {
		out.push(cur);
		if (hasOwn(data.derived, cur)) {
			cur = data.derived[cur];
		} else {
			const r = typeRecord(cur);
			cur = r && r.kind !== 'enum' ? r.baseType : undefined;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

interface Context {
	errors: string[];
	allowMissing: boolean;
	openTypes: 'extensions' | 'open';
	strictEnumCase: boolean;
}

function childPath(path: string, key: string): string {
	return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function describe(value: unknown): string {
	if (value === null) return 'null';
	if (Array.isArray(value)) return 'an array';
	if (typeof value === 'string') {
		const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
		return `the string ${JSON.stringify(shown)}`;
	}
	if (typeof value === 'object') return 'an object';
	return `the ${typeof value} ${String(value)}`;
}

function editDistance(a: string, b: string): number {
	const x = a.toLowerCase();
	const y = b.toLowerCase();
	let prev = Array.from({ length: y.length + 1 }, (_, i) => i);
	for (let i = 1; i <= x.length; i++) {
		const cur = [i];
		for (let j = 1; j <= y.length; j++) {
			cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
		}
		prev = cur;
	}
	return prev[y.length];
}

function suggestion(name: string, candidates: Iterable<string>): string {
	let best: string | undefined;
	let bestDistance = Infinity;
	const lower = name.toLowerCase();
	for (const c of candidates) {
		// a prefix (`saveToSent` for `SaveToSentItems`) counts as close
		const prefix = lower.length >= 4 && c.toLowerCase().startsWith(lower);
		const d = prefix ? 1 : editDistance(name, c);
		if (d < bestDistance) {
			best = c;
			bestDistance = d;
		}
	}
	const limit = Math.max(1, Math.min(3, Math.floor(name.length / 4)));
	return best !== undefined && bestDistance <= limit ? ` (did you mean "${best}"?)` : '';
}

function validatePrimitive(type: string, value: unknown, path: string, ctx: Context): void {
	const fail = (expected: string) =>
		ctx.errors.push(`${path}: expected ${expected} (${type}), got ${describe(value)}`);
	switch (type) {
		case 'Edm.Stream':
		case 'Edm.Untyped':
			return;
		case 'Edm.String':
			if (typeof value !== 'string') fail('a string');
			return;
		case 'Edm.Boolean':
			if (typeof value !== 'boolean') fail('a boolean');
			return;
		case 'Edm.Double':
		case 'Edm.Single':
			if (typeof value === 'number' && Number.isFinite(value)) return;
			if (value === 'INF' || value === '-INF' || value === 'NaN') return;
			fail('a number');
			return;
		case 'Edm.Decimal':
			if (typeof value !== 'number' || !Number.isFinite(value)) fail('a number');
			return;
	}
	const range = INTEGER_RANGES[type];
	if (range) {
		if (typeof value !== 'number' || !Number.isInteger(value)) fail('an integer');
		else if (value < range[0] || value > range[1]) fail(`an integer in ${range[0]}..${range[1]}`);
		return;
	}
	const pattern = PRIMITIVE_PATTERNS[type];
	if (pattern) {
		if (typeof value !== 'string') fail('a string');
		else if (!pattern.test(value)) {
			ctx.errors.push(`${path}: ${describe(value)} is not a valid ${type}`);
		} else if (type === 'Edm.Binary' && value.includes('=') && value.length % 4 !== 0) {
			ctx.errors.push(`${path}: ${describe(value)} is not a valid ${type} (bad padding)`);
		}
		return;
	}
	if (type.startsWith('Edm.Geography') || type.startsWith('Edm.Geometry')) {
		if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('an object');
	}
	// Any other Edm type is accepted as is.
}

function validateEnum(
	type: string,
	record: EnumTypeRecord,
	value: unknown,
	path: string,
	ctx: Context,
): void {
	if (typeof value !== 'string') {
		ctx.errors.push(`${path}: expected a member name of ${type}, got ${describe(value)}`);
		return;
	}
	const names = Object.keys(record.members);
	const parts = record.isFlags ? value.split(',').map((s) => s.trim()) : [value];
	const lowerNames = new Set(names.map((n) => n.toLowerCase()));
	for (const part of parts) {
		const known = ctx.strictEnumCase
			? hasOwn(record.members, part)
			: lowerNames.has(part.toLowerCase());
		if (!known) {
			const allowed = names.length <= 12 ? `; allowed: ${names.join(', ')}` : '';
			ctx.errors.push(
				`${path}: "${part}" is not a member of ${type}${record.isFlags ? ' (flags)' : ''}` +
					`${allowed}${suggestion(part, names)}`,
			);
		}
	}
}

/** Checks one value against a type reference (`Edm.String`, `graph.x`, `Collection(...)`). */
function validateValue(
	typeRef: string,
	nullable: boolean,
	value: unknown,
	path: string,
	ctx: Context,
): void {
	const element = collectionElement(typeRef);
	if (value === null) {
		if (!nullable) ctx.errors.push(`${path}: null is not allowed (${typeRef} is not nullable)`);
		return;
	}
	if (element !== undefined) {
		if (!Array.isArray(value)) {
			ctx.errors.push(`${path}: expected an array (${typeRef}), got ${describe(value)}`);
			return;
		}
		value.forEach((item, i) => validateValue(element, nullable, item, `${path}[${i}]`, ctx));
		return;
	}
	if (typeRef.startsWith('Edm.')) {
		validatePrimitive(typeRef, value, path, ctx);
		return;
	}
	const name = qualifyTypeName(typeRef);
	const record = typeRecord(name);
	if (!record) return; // not in the extract: accepted unchecked
	if (record.kind === 'enum') {
		validateEnum(name, record, value, path, ctx);
		return;
	}
	validateStructured(name, value, path, ctx);
}

function validateAnnotationValue(term: string, value: unknown, path: string, ctx: Context): void {
	switch (term) {
		case 'odata.context':
		case 'odata.nextlink':
		case 'odata.deltalink':
		case 'odata.id':
		case 'odata.etag':
		case 'odata.type':
		case 'odata.editlink':
		case 'odata.readlink':
			if (typeof value !== 'string') {
				ctx.errors.push(`${path}: expected a string, got ${describe(value)}`);
			}
			return;
		case 'odata.count':
			if (typeof value !== 'number' || !Number.isInteger(value)) {
				ctx.errors.push(`${path}: expected an integer, got ${describe(value)}`);
			}
			return;
		case 'odata.bind': {
			const ok =
				typeof value === 'string' ||
				(Array.isArray(value) && value.every((v) => typeof v === 'string'));
			if (!ok)
				ctx.errors.push(`${path}: expected a URL or an array of URLs, got ${describe(value)}`);
			return;
		}
	}
}

/** `odata.nextLink`, `microsoft.graph.downloadUrl`, `removed`: whether it is a valid term. */
function checkTerm(term: string, path: string, ctx: Context, instance: boolean): boolean {
	const lower = term.toLowerCase();
	if (lower.startsWith('odata.')) {
		if (!ODATA_TERMS.has(lower.slice('odata.'.length))) {
			ctx.errors.push(`${path}: unknown OData annotation "@${term}"`);
			return false;
		}
		return true;
	}
	if (instance && lower === 'removed') return true;
	// `members@delta` in group delta responses: what Graph sends, though not namespace-qualified.
	if (!instance && lower === 'delta') return true;
	if (/^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$/.test(term)) return true;
	ctx.errors.push(`${path}: "@${term}" is not a namespace-qualified annotation`);
	return false;
}

function validateStructured(declared: string, value: unknown, path: string, ctx: Context): void {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		ctx.errors.push(`${path}: expected an object (${declared}), got ${describe(value)}`);
		return;
	}
	const obj = value as Record<string, unknown>;
	let actual = declared;
	let lenient = false;
	const odataType = obj['@odata.type'];
	if (typeof odataType === 'string') {
		const named = qualifyTypeName(odataType);
		const chain = ancestry(named);
		const known = typeRecord(named) !== undefined || hasOwn(data.derived, named);
		if (!known) {
			ctx.errors.push(`${path}["@odata.type"]: unknown type "${odataType}"`);
			return;
		}
		if (!chain.includes(declared)) {
			ctx.errors.push(
				`${path}["@odata.type"]: "${odataType}" does not derive from ${declared}` +
					` (its base types: ${chain.slice(1).join(', ') || 'none'})`,
			);
			return;
		}
		actual = chain.find((t) => typeRecord(t) !== undefined) ?? declared;
		lenient = actual !== named;
	}
	const type = resolveStructured(actual);
	if (!type) return;
	if (type.record.abstract && typeof odataType !== 'string') {
		ctx.errors.push(`${path}: ${declared} is abstract; "@odata.type" must name the concrete type`);
	}

	for (const [key, v] of Object.entries(obj)) {
		const at = key.indexOf('@');
		if (at === 0) {
			const term = key.slice(1);
			if (checkTerm(term, childPath(path, key), ctx, true)) {
				validateAnnotationValue(term.toLowerCase(), v, childPath(path, key), ctx);
			}
			continue;
		}
		if (at > 0) {
			const prop = key.slice(0, at);
			const term = key.slice(at + 1);
			if (!type.members.has(prop) && !acceptsUnknown(type, prop, lenient, ctx)) {
				ctx.errors.push(
					`${childPath(path, key)}: annotation of unknown property "${prop}" on ${actual}` +
						suggestion(prop, type.members.keys()),
				);
			} else if (checkTerm(term, childPath(path, key), ctx, false)) {
				validateAnnotationValue(term.toLowerCase(), v, childPath(path, key), ctx);
			}
			continue;
		}
		const member = type.members.get(key);
		const p = childPath(path, key);
		if (member?.property) {
			validateValue(member.property.type, member.property.nullable, v, p, ctx);
		} else if (member?.navigation) {
			validateNavigation(member.navigation, v, p, ctx);
		} else if (!acceptsUnknown(type, key, lenient, ctx)) {
			ctx.errors.push(
				`${p}: unknown property "${key}" on ${actual}${suggestion(key, type.members.keys())}`,
			);
		}
	}

	if (!ctx.allowMissing) {
		for (const req of type.required) {
			if (!hasOwn(obj, req.name)) {
				ctx.errors.push(
					`${childPath(path, req.name)}: missing non-nullable property of ${req.type}`,
				);
			}
		}
	}
}

function acceptsUnknown(
	type: ResolvedStructuredType,
	name: string,
	lenient: boolean,
	ctx: Context,
): boolean {
	if (lenient) return true;
	if (!type.open) return false;
	if (ctx.openTypes === 'open' || type.propertyBag) return true;
	return EXTENSION_NAME.test(name);
}

function validateNavigation(
	nav: NavigationRecord,
	value: unknown,
	path: string,
	ctx: Context,
): void {
	if (value === null) {
		if (nav.collection || nav.nullable === false) {
			ctx.errors.push(`${path}: null is not allowed for navigation property "${nav.name}"`);
		}
		return;
	}
	if (nav.collection && !Array.isArray(value)) {
		ctx.errors.push(`${path}: expected an array (Collection(${nav.type})), got ${describe(value)}`);
		return;
	}
	if (!typeRecord(nav.type)) return; // target outside the extract: accepted unchecked
	if (Array.isArray(value)) {
		if (!nav.collection) {
			ctx.errors.push(`${path}: expected an object (${nav.type}), got an array`);
			return;
		}
		value.forEach((item, i) => validateValue(nav.type, false, item, `${path}[${i}]`, ctx));
		return;
	}
	validateValue(nav.type, true, value, path, ctx);
}

function findAction(spec: string): ActionRecord {
	const slash = spec.lastIndexOf('/');
	const name = (slash < 0 ? spec : spec.slice(slash + 1)).trim();
	const binding = slash < 0 ? undefined : spec.slice(0, slash).trim();
	const byName = data.actions.filter((a) => a.name.toLowerCase() === name.toLowerCase());
	if (byName.length === 0) {
		const known = [...new Set(data.actions.map((a) => a.name))].join(', ');
		throw new Error(`Unknown Graph action "${name}" (the extract has: ${known})`);
	}
	let matches = byName;
	if (binding !== undefined) {
		const element = collectionElement(binding);
		const wanted = qualifyTypeName(element ?? binding);
		matches = byName.filter((a) => {
			const bound = collectionElement(a.bindingType);
			if ((bound ?? a.bindingType) !== wanted) return false;
			return element === undefined || bound !== undefined;
		});
	}
	if (matches.length !== 1) {
		const options = byName.map((a) => `action:${a.bindingType}/${a.name}`).join(', ');
		throw new Error(
			`Graph action "${spec}" is ${matches.length ? 'ambiguous' : 'not bound to that type'}; ` +
				`use one of: ${options}`,
		);
	}
	return matches[0];
}

function validateActionBody(action: ActionRecord, value: unknown, ctx: Context): void {
	const label = `${action.name} (bound to ${action.bindingType})`;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		ctx.errors.push(
			`$: expected an object with the parameters of ${label}, got ${describe(value)}`,
		);
		return;
	}
	const obj = value as Record<string, unknown>;
	// Graph takes action parameters case-insensitively: the CSDL says `Message`, the docs
	// `message`.
	const params = new Map(action.parameters.map((p) => [p.name.toLowerCase(), p]));
	const seen = new Set<string>();
	for (const [key, v] of Object.entries(obj)) {
		const path = childPath('$', key);
		if (key.startsWith('@')) {
			if (checkTerm(key.slice(1), path, ctx, true)) {
				validateAnnotationValue(key.slice(1).toLowerCase(), v, path, ctx);
			}
			continue;
		}
		const param = params.get(key.toLowerCase());
		if (!param) {
			ctx.errors.push(
				`${path}: unknown parameter "${key}" of ${label}` +
					suggestion(
						key,
						action.parameters.map((p) => p.name),
					),
			);
			continue;
		}
		seen.add(param.name);
		validateValue(param.type, param.nullable, v, path, ctx);
	}
	for (const p of action.parameters) {
		if (!p.nullable && !seen.has(p.name)) {
			ctx.errors.push(`${childPath('$', p.name)}: missing required parameter of ${label}`);
		}
	}
}

/**
 * The structural property names of an entity or complex type in the extract, inherited ones
 * first (`user` -> `id`, `deletedDateTime`, `aboutMe`, ...); navigation properties are not
 * included. Undefined if the type is not in the extract or is an enum.
 */
export function typeProperties(typeName: string): string[] | undefined {
	const type = resolveStructured(qualifyTypeName(typeName));
	if (!type) return undefined;
	return [...type.members].filter(([, m]) => m.property).map(([name]) => name);
}

/**
 * Validates a JSON body against a Graph type and returns readable errors with JSON paths
 * (empty when valid). `typeName` is a type (`microsoft.graph.user`, `graph.user`, `user`), a
 * collection (`Collection(microsoft.graph.user)`: an array, or a response object
 * `{ value: [...], "@odata.nextLink": ... }`), an Edm primitive, or an action's request body:
 * `action:sendMail`, or with the binding type where the name is overloaded,
 * `action:driveItem/createUploadSession`, `action:Collection(attachment)/createUploadSession`.
 * Throws if the type or action is not in the extract.
 */
export function validateGraphBody(
	typeName: string,
	value: unknown,
	options: ValidateGraphBodyOptions = {},
): string[] {
	const ctx: Context = {
		errors: [],
		allowMissing: options.allowMissing ?? true,
		openTypes: options.openTypes ?? 'extensions',
		strictEnumCase: options.strictEnumCase ?? false,
	};
	const spec = typeName.trim();
	if (spec.startsWith('action:')) {
		validateActionBody(findAction(spec.slice('action:'.length)), value, ctx);
		return ctx.errors;
	}
	const element = collectionElement(spec);
	const target = element ?? spec;
	let typeRef = target;
	if (!target.startsWith('Edm.')) {
		typeRef = qualifyTypeName(target);
		if (!typeRecord(typeRef)) {
			throw new Error(`Graph type "${target}" is not in the extract (test/contract/csdl.json)`);
		}
	}
	if (element === undefined) {
		if (value === null) ctx.errors.push('$: expected a body, got null');
		else validateValue(typeRef, true, value, '$', ctx);
		return ctx.errors;
	}
	if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
		const obj = value as Record<string, unknown>;
		if (!hasOwn(obj, 'value')) {
			ctx.errors.push(`$: expected an array or a collection response with "value"`);
			return ctx.errors;
		}
		for (const [key, v] of Object.entries(obj)) {
			if (key === 'value') continue;
			const path = childPath('$', key);
			if (!key.startsWith('@')) {
				ctx.errors.push(`${path}: unexpected property "${key}" in a collection response`);
			} else if (checkTerm(key.slice(1), path, ctx, true)) {
				validateAnnotationValue(key.slice(1).toLowerCase(), v, path, ctx);
			}
		}
		validateValue(`Collection(${typeRef})`, false, obj.value, '$.value', ctx);
		return ctx.errors;
	}
	validateValue(`Collection(${typeRef})`, false, value, '$', ctx);
	return ctx.errors;
}
