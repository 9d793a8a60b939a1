/**
 * Graph's directory surface beyond `/users` (graph/core.ts): groups, direct and transitive
 * memberships both ways (`memberOf`, `transitiveMemberOf`, `members`, `transitiveMembers`, with
 * OData cast segments such as `/microsoft.graph.group`), `manager` and `directReports`,
 * `directoryRoles`, `/users/$count` and `/groups/$count`, and change tracking through
 * `users/delta` and `groups/delta` (`@odata.deltaLink`, `@removed`, `members@delta`,
 * `$deltatoken=latest`, token expiry), with the state in ./directory-store.ts.
 */
import { permissionsFor } from '../permissions';
import { typeProperties } from '../../contract/contract';
import type { Emulator } from '../emulator';
import type { EmuResponse } from '../http';
import { safeDecode } from '../http';
import type { DirectoryRoleFixture, Group, Tenant, User } from '../tenant';
import {
	findUserOr404,
	projectUser,
	userProperties,
	userRecord,
	USER_DEFAULT_PROPERTIES,
} from './core';
import {
	DirectoryStore,
	groupRecord,
	DELTA_TOKEN_LIFETIME_MS,
	type RemovedReason,
} from './directory-store';
import {
	compileFilter,
	compileSearch,
	listResponse,
	parseSelect,
	pick,
	type Predicate,
} from './odata';
import { GraphContext, GraphError, GraphRouteOptions, GraphService } from './service';

const stores = new WeakMap<Emulator, DirectoryStore>();

/** The emulator's directory change tracking (tests change users and groups through it). */
export function directoryStore(emulator: Emulator): DirectoryStore {
	const store = stores.get(emulator);
	if (!store) throw new Error('the directory surface is not registered on this emulator');
	return store;
}

/** Properties a group has in Graph v1.0 responses without $select. */
const GROUP_DEFAULT_PROPERTIES = [
	'id',
	'deletedDateTime',
	'classification',
	'createdDateTime',
	'description',
	'displayName',
	'expirationDateTime',
	'groupTypes',
	'isAssignableToRole',
	'mail',
	'mailEnabled',
	'mailNickname',
	'membershipRule',
	'membershipRuleProcessingState',
	'onPremisesDomainName',
	'onPremisesLastSyncDateTime',
	'onPremisesNetBiosName',
	'onPremisesSamAccountName',
	'onPremisesSecurityIdentifier',
	'onPremisesSyncEnabled',
	'preferredDataLocation',
	'preferredLanguage',
	'proxyAddresses',
	'renewedDateTime',
	'resourceBehaviorOptions',
	'resourceProvisioningOptions',
	'securityEnabled',
	'securityIdentifier',
	'theme',
	'visibility',
	'onPremisesProvisioningErrors',
	'serviceProvisioningErrors',
];

const ROLE_DEFAULT_PROPERTIES = [
	'id',
	'deletedDateTime',
	'description',
	'displayName',
	'roleTemplateId',
];

const GROUP_SEARCHABLE = ['displayName', 'mail', 'description', 'mailNickname'];

/** Delta pages hold at most this many objects (Graph's page size for directory delta; not settable). */
const DELTA_PAGE_SIZE = 200;

let groupPropertyNames: string[] | undefined;
function groupProperties(): string[] {
	groupPropertyNames ??= typeProperties('group') ?? [];
	return groupPropertyNames;
}
let rolePropertyNames: string[] | undefined;
function roleProperties(): string[] {
	rolePropertyNames ??= typeProperties('directoryRole') ?? [];
	return rolePropertyNames;
}
let objectPropertyNames: string[] | undefined;
/** Properties any directory object of these collections may have (for $select and $filter). */
function objectProperties(): string[] {
	objectPropertyNames ??= [
		...new Set([...userProperties(), ...groupProperties(), ...roleProperties()]),
	];
	return objectPropertyNames;
}

interface DirectoryRole {
	id: string;
	displayName: string;
	description: string | null;
	roleTemplateId: string;
	memberIds: string[];
}

type DirectoryObject =
	| { kind: 'user'; user: User }
	| { kind: 'group'; group: Group }
	| { kind: 'directoryRole'; role: DirectoryRole };

const CAST: Record<string, DirectoryObject['kind']> = {
	'microsoft.graph.user': 'user',
	'microsoft.graph.group': 'group',
	'microsoft.graph.directoryrole': 'directoryRole',
};

function roleRecord(role: DirectoryRole): Record<string, unknown> {
	return {
		id: role.id,
		deletedDateTime: null,
		description: role.description,
		displayName: role.displayName,
		roleTemplateId: role.roleTemplateId,
	};
}

function record(object: DirectoryObject): Record<string, unknown> {
	if (object.kind === 'user') return userRecord(object.user);
	if (object.kind === 'group') return groupRecord(object.group);
	return roleRecord(object.role);
}

/** A directory object in a mixed collection: `@odata.type`, its id, and the selected properties it has. */
function projectObject(
	object: DirectoryObject,
	select: string[] | undefined,
): Record<string, unknown> {
	const own =
		object.kind === 'user'
			? userProperties()
			: object.kind === 'group'
				? groupProperties()
				: roleProperties();
	const defaults =
		object.kind === 'user'
			? USER_DEFAULT_PROPERTIES
			: object.kind === 'group'
				? GROUP_DEFAULT_PROPERTIES
				: ROLE_DEFAULT_PROPERTIES;
	const names = select ? ['id', ...select.filter((n) => n !== 'id' && own.includes(n))] : defaults;
	return {
		'@odata.type': `#microsoft.graph.${object.kind}`,
		...pick(record(object), names, defaults),
	};
}

export function projectGroup(group: Group, select: string[] | undefined): Record<string, unknown> {
	return pick(groupRecord(group), select, GROUP_DEFAULT_PROPERTIES);
}

export function findGroupOr404(tenant: Tenant, id: string): Group {
	const group = tenant.groups.find((g) => g.id.toLowerCase() === id.toLowerCase());
	if (!group) {
		throw new GraphError(
			404,
			'Request_ResourceNotFound',
			`Resource '${id}' does not exist or one of its queried reference-property objects are not present.`,
		);
	}
	return group;
}

class Roles {
	private readonly byTenant = new WeakMap<Tenant, DirectoryRole[]>();

	of(tenant: Tenant): DirectoryRole[] {
		let roles = this.byTenant.get(tenant);
		if (!roles) {
			roles = tenant.directoryRoles.map((fixture: DirectoryRoleFixture, i) => ({
				id: fixture.id ?? `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
				displayName: fixture.displayName,
				description: fixture.description ?? null,
				roleTemplateId: fixture.roleTemplateId,
				memberIds: (fixture.members ?? []).map((m) => {
					const user = tenant.findUser(m);
					if (!user)
						throw new Error(`fixture: member ${m} of role ${fixture.displayName} not found`);
					return user.id;
				}),
			}));
			this.byTenant.set(tenant, roles);
		}
		return roles;
	}
}

/** The object an ID names: user, group or directory role. */
function resolveObject(
	tenant: Tenant,
	roles: DirectoryRole[],
	id: string,
): DirectoryObject | undefined {
	const user = tenant.findUser(id);
	if (user) return { kind: 'user', user };
	const group = tenant.findGroup(id);
	if (group && group.id === id) return { kind: 'group', group };
	const role = roles.find((r) => r.id === id);
	return role ? { kind: 'directoryRole', role } : undefined;
}

/** Groups (and roles) holding `id` directly, or through nested groups too. */
function memberOf(
	tenant: Tenant,
	roles: DirectoryRole[],
	id: string,
	transitive: boolean,
): DirectoryObject[] {
	const out: DirectoryObject[] = [];
	const seen = new Set<string>();
	const queue = [id];
	while (queue.length) {
		const current = queue.shift()!;
		for (const groupId of tenant.directGroupIds(current)) {
			if (seen.has(groupId)) continue;
			seen.add(groupId);
			out.push({ kind: 'group', group: tenant.findGroup(groupId)! });
			if (transitive) queue.push(groupId);
		}
		if (!transitive) break;
	}
	for (const role of roles)
		if (role.memberIds.includes(id)) out.push({ kind: 'directoryRole', role });
	return out;
}

/** Members of a group, directly or through nested groups (each once). */
function members(
	tenant: Tenant,
	roles: DirectoryRole[],
	group: Group,
	transitive: boolean,
): DirectoryObject[] {
	const out: DirectoryObject[] = [];
	const seen = new Set<string>([group.id]);
	const queue = [group];
	while (queue.length) {
		const current = queue.shift()!;
		for (const id of current.memberIds) {
			if (seen.has(id)) continue;
			seen.add(id);
			const object = resolveObject(tenant, roles, id);
			if (!object) continue;
			out.push(object);
			if (transitive && object.kind === 'group') queue.push(object.group);
		}
		if (!transitive) break;
	}
	return out;
}

function castFilter(cast: string | undefined): (object: DirectoryObject) => boolean {
	if (!cast) return () => true;
	const kind = CAST[cast.toLowerCase()];
	if (!kind) {
		throw new GraphError(400, 'BadRequest', `Resource not found for the segment '${cast}'.`);
	}
	return (object) => object.kind === kind;
}

function objectList(
	ctx: GraphContext,
	objects: DirectoryObject[],
	context: string,
	cast: string | undefined,
): EmuResponse {
	const keep = castFilter(cast);
	const kind = cast ? CAST[cast.toLowerCase()] : undefined;
	return listResponse(ctx, objects.filter(keep), {
		context,
		type: kind ?? 'directoryObject',
		defaultTop: 100,
		maxTop: 999,
		properties: objectProperties(),
		searchable: ['displayName', 'mail', 'userPrincipalName', 'description'],
		advancedQueryNeedsConsistency: true,
		project: projectObject,
		record,
	});
}

function needsConsistency(ctx: GraphContext): void {
	if (String(ctx.req.headers.consistencylevel ?? '').toLowerCase() !== 'eventual') {
		throw new GraphError(
			400,
			'Request_BadRequest',
			"$count is not currently supported without the 'ConsistencyLevel: eventual' header.",
		);
	}
}

/** `/users/$count`, `/groups/$count`: the number as text/plain, with $filter and $search. */
function countResponse<T>(
	ctx: GraphContext,
	items: T[],
	toRecord: (item: T) => Record<string, unknown>,
	properties: string[],
	searchable: string[],
): EmuResponse {
	needsConsistency(ctx);
	const predicates: Predicate[] = [];
	const search = ctx.req.query.get('$search');
	if (search !== null) predicates.push(compileSearch(search, searchable));
	const filter = ctx.req.query.get('$filter');
	const known = (name: string) => properties.some((p) => p.toLowerCase() === name.toLowerCase());
	if (filter !== null) predicates.push(compileFilter(filter, known));
	let count = items.length;
	if (predicates.length) {
		count = 0;
		for (const item of items) {
			const r = toRecord(item);
			if (predicates.every((p) => p(r))) count++;
		}
	}
	return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: String(count) };
}

// --- delta ---------------------------------------------------------------------------------

interface DeltaState {
	/** Objects stamped after this version (-1: a full sync). */
	from: number;
	/** ...up to this version (the round's snapshot). */
	upto: number;
	/** Position in the round's list. */
	offset: number;
	select?: string[];
	members: boolean;
	epoch: number;
	issued: number;
	kind: 'users' | 'groups';
}

function encodeState(state: DeltaState): string {
	return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeState(token: string, kind: 'users' | 'groups'): DeltaState {
	try {
		const state = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as DeltaState;
		if (state && state.kind === kind && typeof state.upto === 'number') return state;
	} catch {
		// fall through
	}
	throw new GraphError(400, 'BadRequest', 'The delta token is not valid.');
}

function expiredError(status: 400 | 410): GraphError {
	return new GraphError(
		status,
		'syncStateNotFound',
		'The sync state generation is not found. The delta token is expired and data must be synchronized again.',
	);
}

/**
 * The response shape of users/groups delta, as user: delta documents it
 * (https://learn.microsoft.com/en-us/graph/api/user-delta, "Default: return the same properties
 * as initial delta request" and "Alternative: return only the changed properties"; group: delta,
 * https://learn.microsoft.com/en-us/graph/api/group-delta, the same):
 * - by default a changed object carries every selected (or default) property: new values for
 *   changed ones, old values for unchanged ones; a property that was never set is left out
 *   (not sent as null); one set to null since is sent as null;
 * - with `Prefer: return=minimal`, an object updated in the round carries only `id` and the
 *   properties changed since the deltaLink was issued (within the selection); an object created
 *   in the round is sent whole, and a full sync is unaffected. The answer carries
 *   `Preference-Applied: return=minimal`.
 * - removed objects: `{ id, "@removed": { reason: "changed" | "deleted" } }`.
 */
function deltaHandler(store: DirectoryStore, kind: 'users' | 'groups') {
	return (ctx: GraphContext): EmuResponse => {
		const q = ctx.req.query;
		const minimal = /(^|[,;\s])return=minimal\b/i.test(String(ctx.req.headers.prefer ?? ''));
		const st = store.sync(ctx.tenant);
		const deltaToken = q.get('$deltatoken') ?? q.get('$deltaToken');
		const skipToken = q.get('$skiptoken') ?? q.get('$skipToken');
		let state: DeltaState;
		if (skipToken !== null || (deltaToken !== null && deltaToken !== 'latest')) {
			state = decodeState((skipToken ?? deltaToken)!, kind);
			if (state.epoch !== st.epoch || st.now() - state.issued > DELTA_TOKEN_LIFETIME_MS)
				throw expiredError(st.expiredStatus);
			if (skipToken === null) state = { ...state, from: state.upto, upto: st.version, offset: 0 };
		} else {
			const raw = (q.get('$select') ?? '')
				.split(',')
				.map((s) => s.trim())
				.filter(Boolean);
			const wantsMembers = kind === 'groups' && raw.some((s) => s.toLowerCase() === 'members');
			if (wantsMembers) {
				const rest = raw.filter((s) => s.toLowerCase() !== 'members');
				if (rest.length) q.set('$select', rest.join(','));
				else q.delete('$select');
			}
			const parsed =
				kind === 'users'
					? parseSelect(ctx, userProperties(), 'user')
					: parseSelect(ctx, groupProperties(), 'group');
			// Delta answers always carry the object's id.
			const select = parsed && !parsed.includes('id') ? ['id', ...parsed] : parsed;
			state = {
				from: deltaToken === 'latest' ? st.version : -1,
				upto: st.version,
				offset: 0,
				select,
				members: wantsMembers,
				epoch: st.epoch,
				issued: st.now(),
				kind,
			};
		}
		const entries = deltaEntries(ctx.tenant, store, state, minimal);
		const page = entries.slice(state.offset, state.offset + DELTA_PAGE_SIZE);
		const link = `${ctx.root}/${kind}/delta?`;
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#${kind}${state.select ? `(${state.select.join(',')})` : ''}`,
		};
		if (state.offset + DELTA_PAGE_SIZE < entries.length) {
			body['@odata.nextLink'] =
				`${link}$skiptoken=${encodeState({ ...state, offset: state.offset + DELTA_PAGE_SIZE, issued: st.now() })}`;
		} else {
			body['@odata.deltaLink'] =
				`${link}$deltatoken=${encodeState({ ...state, from: state.upto, offset: 0, issued: st.now() })}`;
		}
		body.value = page.map((entry) => entry());
		return {
			status: 200,
			headers: minimal ? { 'Preference-Applied': 'return=minimal' } : undefined,
			body,
			contractType: `Collection(${kind === 'users' ? 'user' : 'group'})`,
		};
	};
}

type Entry = () => Record<string, unknown>;

function removed(id: string, reason: RemovedReason): Record<string, unknown> {
	return { id, '@removed': { reason } };
}

/**
 * Shapes a delta object (see deltaHandler): never-set properties left out; under `minimal`,
 * an object updated (not created) in the round keeps only `id`, annotations, `members@delta`
 * and the properties changed in the round.
 */
function deltaShape(
	body: Record<string, unknown>,
	tracked:
		| {
				createdVersion: number;
				changes: Array<{ version: number; properties: string[] }>;
				everSet: Set<string>;
		  }
		| undefined,
	state: DeltaState,
	minimal: boolean,
): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	const incremental = state.from >= 0;
	const changed = new Set<string>();
	const slim =
		minimal && incremental && tracked !== undefined && tracked.createdVersion <= state.from;
	if (slim)
		for (const c of tracked!.changes)
			if (c.version > state.from && c.version <= state.upto)
				for (const p of c.properties) changed.add(p);
	for (const [k, v] of Object.entries(body)) {
		const always = k === 'id' || k.startsWith('@') || k.includes('@');
		if (!always && v === null && !(tracked?.everSet.has(k) ?? false)) continue;
		if (slim && !always && !changed.has(k)) continue;
		out[k] = v;
	}
	return out;
}

/** The round's objects, in a stable order: changed ones, then tombstones. */
function deltaEntries(
	tenant: Tenant,
	store: DirectoryStore,
	state: DeltaState,
	minimal = false,
): Entry[] {
	const st = store.state(tenant);
	const inRound = (version: number) => version > state.from && version <= state.upto;
	const full = state.from < 0;
	if (state.kind === 'users') {
		const out: Entry[] = [];
		const users = full
			? tenant.users
			: tenant.users.filter((u) => inRound(st.users.get(u.id)?.version ?? 0));
		for (const user of users)
			out.push(() =>
				deltaShape(projectUser(user, state.select), st.users.get(user.id), state, minimal),
			);
		if (!full) {
			for (const [id, tracked] of st.users)
				if (tracked.removed && inRound(tracked.version))
					out.push(() => removed(id, tracked.removed!));
		}
		return out;
	}
	const events = full ? [] : st.memberEvents.filter((e) => inRound(e.version));
	const touched = new Set(events.map((e) => e.groupId));
	const out: Entry[] = [];
	for (const group of tenant.groups) {
		if (!full && !inRound(st.groups.get(group.id)?.version ?? 0) && !touched.has(group.id))
			continue;
		out.push(() => {
			const body = deltaShape(
				projectGroup(group, state.select),
				st.groups.get(group.id),
				state,
				minimal,
			);
			if (!state.members) return body;
			const type = (id: string) => (tenant.findGroup(id)?.id === id ? 'group' : 'user');
			if (full) {
				body['members@delta'] = group.memberIds.map((id) => ({
					'@odata.type': `#microsoft.graph.${type(id)}`,
					id,
				}));
			} else {
				// The net change per member in this round: its last event.
				const last = new Map<string, (typeof events)[number]>();
				for (const e of events) if (e.groupId === group.id) last.set(e.memberId, e);
				body['members@delta'] = [...last.values()].map((e) => ({
					'@odata.type': `#microsoft.graph.${e.memberType}`,
					id: e.memberId,
					...(e.added ? {} : { '@removed': { reason: 'deleted' } }),
				}));
			}
			return body;
		});
	}
	if (!full) {
		for (const [id, tracked] of st.groups)
			if (tracked.removed && inRound(tracked.version))
				out.push(() => removed(id, tracked.removed!));
	}
	return out;
}

// --- routes --------------------------------------------------------------------------------

function samePermissions(path: string): GraphRouteOptions {
	const delegated = permissionsFor('GET', path, 'delegated')?.all ?? [];
	const application = permissionsFor('GET', path, 'application')?.all ?? [];
	return { permissions: { delegated, application }, workload: 'directory' };
}

export function registerDirectory(graph: GraphService, emulator: Emulator): void {
	const store = new DirectoryStore();
	stores.set(emulator, store);
	const roles = new Roles();

	graph.route(
		'GET',
		'/users/$count',
		(ctx) =>
			countResponse(ctx, ctx.tenant.users, userRecord, userProperties(), [
				'displayName',
				'mail',
				'userPrincipalName',
				'givenName',
				'surname',
				'mailNickname',
			]),
		samePermissions('/users'),
	);
	graph.route(
		'GET',
		/^\/users\/(?:microsoft\.graph\.)?delta\/?$/i,
		deltaHandler(store, 'users'),
		samePermissions('/users/delta'),
	);
	graph.route(
		'GET',
		/^\/groups\/(?:microsoft\.graph\.)?delta\/?$/i,
		deltaHandler(store, 'groups'),
		samePermissions('/groups/delta'),
	);
	graph.route(
		'GET',
		'/groups/$count',
		(ctx) =>
			countResponse(ctx, ctx.tenant.groups, groupRecord, groupProperties(), GROUP_SEARCHABLE),
		samePermissions('/groups'),
	);
	graph.route('GET', '/groups', (ctx) =>
		listResponse(ctx, ctx.tenant.groups, {
			context: 'groups',
			type: 'group',
			defaultTop: 100,
			maxTop: 999,
			properties: groupProperties(),
			searchable: GROUP_SEARCHABLE,
			advancedQueryNeedsConsistency: true,
			project: projectGroup,
			record: groupRecord,
		}),
	);
	graph.route('GET', /^\/groups\/(?<id>[^/$]+)\/?$/i, (ctx) => {
		const group = findGroupOr404(ctx.tenant, safeDecode(ctx.params.id));
		const select = parseSelect(ctx, groupProperties(), 'group');
		return {
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#groups${select ? `(${select.join(',')})` : ''}/$entity`,
				...projectGroup(group, select),
			},
			contractType: 'group',
		};
	});
	for (const relation of ['members', 'transitiveMembers'] as const) {
		const handler = (ctx: GraphContext) => {
			const group = findGroupOr404(ctx.tenant, ctx.params.id);
			const list = members(
				ctx.tenant,
				roles.of(ctx.tenant),
				group,
				relation === 'transitiveMembers',
			);
			return objectList(ctx, list, 'directoryObjects', ctx.params.cast);
		};
		graph.route('GET', `/groups/:id/${relation}`, handler);
		graph.route(
			'GET',
			`/groups/:id/${relation}/:cast`,
			handler,
			samePermissions(`/groups/{id}/${relation}`),
		);
	}
	for (const relation of ['memberOf', 'transitiveMemberOf'] as const) {
		const handler = (ctx: GraphContext) => {
			const user = findUserOr404(ctx.tenant, ctx.params.id);
			const list = memberOf(
				ctx.tenant,
				roles.of(ctx.tenant),
				user.id,
				relation === 'transitiveMemberOf',
			);
			return objectList(ctx, list, 'directoryObjects', ctx.params.cast);
		};
		graph.route('GET', `/users/:id/${relation}`, handler);
		graph.route(
			'GET',
			`/users/:id/${relation}/:cast`,
			handler,
			samePermissions(`/users/{id}/${relation}`),
		);
		const groupHandler = (ctx: GraphContext) => {
			const group = findGroupOr404(ctx.tenant, ctx.params.id);
			const list = memberOf(
				ctx.tenant,
				roles.of(ctx.tenant),
				group.id,
				relation === 'transitiveMemberOf',
			);
			return objectList(ctx, list, 'directoryObjects', ctx.params.cast);
		};
		graph.route('GET', `/groups/:id/${relation}`, groupHandler);
		graph.route(
			'GET',
			`/groups/:id/${relation}/:cast`,
			groupHandler,
			samePermissions(`/groups/{id}/${relation}`),
		);
	}
	graph.route('GET', '/users/:id/manager', (ctx) => {
		const user = findUserOr404(ctx.tenant, ctx.params.id);
		const manager = user.managerId ? ctx.tenant.findUser(user.managerId) : undefined;
		if (!manager) {
			throw new GraphError(
				404,
				'Request_ResourceNotFound',
				"Resource 'manager' does not exist or one of its queried reference-property objects are not present.",
			);
		}
		const select = parseSelect(ctx, userProperties(), 'user');
		return {
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#directoryObjects/$entity`,
				'@odata.type': '#microsoft.graph.user',
				...projectUser(manager, select),
			},
			contractType: 'directoryObject',
		};
	});
	graph.route('GET', '/users/:id/directReports', (ctx) => {
		const user = findUserOr404(ctx.tenant, ctx.params.id);
		const reports = ctx.tenant.users
			.filter((u) => u.managerId === user.id)
			.map((u): DirectoryObject => ({ kind: 'user', user: u }));
		return objectList(ctx, reports, 'directoryObjects', undefined);
	});
	graph.route('GET', '/directoryRoles', (ctx) =>
		listResponse(ctx, roles.of(ctx.tenant), {
			context: 'directoryRoles',
			type: 'directoryRole',
			defaultTop: 100,
			maxTop: 999,
			properties: roleProperties(),
			project: (role, select) => pick(roleRecord(role), select, ROLE_DEFAULT_PROPERTIES),
			record: roleRecord,
		}),
	);
}
