/**
 * Change tracking of the emulated directory, for `users/delta` and `groups/delta`.
 *
 * The tenant's users and groups are plain objects that tests change directly (or through the
 * helpers below); on every delta request the store compares them with what it saw last
 * (a fingerprint per object, the member set per group) and stamps each difference with a new
 * version: created, updated, deleted (a tombstone) and member added/removed. A delta token
 * carries the version it was issued at, so `users/delta?$deltatoken=...` answers every object
 * stamped after it, as Graph does.
 *
 * Token lifetime as Graph's directory: a delta token is good for 7 days, after which Graph answers
 * 400 `syncStateNotFound` ("The sync state generation is not found..."); `expireTokens()` makes
 * every token issued so far expired (optionally answered with 410 Gone, which Graph's delta
 * documentation also describes for a state the service can no longer serve).
 *
 * Assumption (simplification): the directory does not change while one delta round is being
 * paged; a change during paging is delivered by the next round, never lost, but the page it
 * would have been on may shift.
 */
import type { Group, GroupFixture, Tenant, User, UserFixture } from '../tenant';
import { userRecord } from './core';

export const DELTA_TOKEN_LIFETIME_MS = 7 * 24 * 3600 * 1000;

export type RemovedReason = 'changed' | 'deleted';

interface Tracked {
	version: number;
	fingerprint: string;
	/** Set while the object is deleted. */
	removed?: RemovedReason;
	/** The record last seen (to tell which properties a change touched). */
	record: Record<string, unknown>;
	/** When the object was (re)created: a delta round after it sends it whole. */
	createdVersion: number;
	/** The properties each update changed, by version (for `Prefer: return=minimal`). */
	changes: Array<{ version: number; properties: string[] }>;
	/** Properties that have held a non-null value at some point (others are "never set"). */
	everSet: Set<string>;
}

/** Top-level properties whose values differ between two records. */
function changedProperties(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
	const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
	return [...keys].filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null));
}

function nonNullKeys(record: Record<string, unknown>): string[] {
	return Object.keys(record).filter((k) => record[k] !== null && record[k] !== undefined);
}

export interface MemberEvent {
	version: number;
	groupId: string;
	memberId: string;
	memberType: 'user' | 'group';
	added: boolean;
}

class TenantChanges {
	version = 0;
	/** Tokens issued in an earlier epoch are expired. */
	epoch = 0;
	expiredStatus: 400 | 410 = 400;
	initialised = false;
	readonly users = new Map<string, Tracked>();
	readonly groups = new Map<string, Tracked>();
	readonly members = new Map<string, Map<string, 'user' | 'group'>>();
	readonly memberEvents: MemberEvent[] = [];
	/** Why a user or group that disappears was removed (default: soft delete, "changed"). */
	readonly pendingReasons = new Map<string, RemovedReason>();
	/** Clock of the store (tests move it to age tokens). */
	now = () => Date.now();
}

export function groupRecord(group: Group): Record<string, unknown> {
	const { memberIds: _m, ...core } = group;
	void _m;
	return {
		...core,
		classification: null,
		expirationDateTime: null,
		isAssignableToRole: false,
		membershipRule: null,
		membershipRuleProcessingState: null,
		onPremisesDomainName: null,
		onPremisesLastSyncDateTime: null,
		onPremisesNetBiosName: null,
		onPremisesSamAccountName: null,
		onPremisesSecurityIdentifier: null,
		onPremisesSyncEnabled: null,
		preferredDataLocation: null,
		preferredLanguage: null,
		proxyAddresses: group.mail ? [`SMTP:${group.mail}`] : [],
		renewedDateTime: group.createdDateTime,
		resourceBehaviorOptions: [],
		resourceProvisioningOptions: [],
		securityIdentifier: `S-1-12-1-${parseInt(group.id.slice(0, 8), 16)}`,
		theme: null,
		visibility: group.groupTypes.includes('Unified') ? 'Public' : null,
		onPremisesProvisioningErrors: [],
		serviceProvisioningErrors: [],
		deletedDateTime: null,
	};
}

export class DirectoryStore {
	private readonly states = new WeakMap<Tenant, TenantChanges>();

	state(tenant: Tenant): TenantChanges {
		let state = this.states.get(tenant);
		if (!state) {
			state = new TenantChanges();
			this.states.set(tenant, state);
		}
		return state;
	}

	/** Compares the tenant with what was seen last and stamps every difference. */
	sync(tenant: Tenant): TenantChanges {
		const st = this.state(tenant);
		const next = st.version + 1;
		const stamp = st.initialised ? next : 0;
		let changed = false;
		const track = (
			map: Map<string, Tracked>,
			objects: { id: string }[],
			recordOf: (o: never) => Record<string, unknown>,
		) => {
			const current = new Set<string>();
			for (const object of objects) {
				current.add(object.id);
				const record = recordOf(object as never);
				const fp = JSON.stringify(record);
				const seen = map.get(object.id);
				if (!seen || seen.removed) {
					map.set(object.id, {
						version: stamp,
						fingerprint: fp,
						record,
						createdVersion: stamp,
						changes: [],
						everSet: new Set(nonNullKeys(record)),
					});
					changed = true;
				} else if (seen.fingerprint !== fp) {
					seen.changes.push({ version: stamp, properties: changedProperties(seen.record, record) });
					for (const k of nonNullKeys(record)) seen.everSet.add(k);
					seen.version = stamp;
					seen.fingerprint = fp;
					seen.record = record;
					changed = true;
				}
			}
			for (const [id, seen] of map) {
				if (current.has(id) || seen.removed) continue;
				seen.removed = st.pendingReasons.get(id) ?? 'changed';
				seen.version = stamp;
				st.pendingReasons.delete(id);
				changed = true;
			}
		};
		track(st.users, tenant.users, userRecord);
		track(st.groups, tenant.groups, groupRecord);
		const groupIds = new Set(tenant.groups.map((g) => g.id));
		for (const group of tenant.groups) {
			const before = st.members.get(group.id) ?? new Map<string, 'user' | 'group'>();
			const now = new Map<string, 'user' | 'group'>();
			for (const id of group.memberIds) now.set(id, groupIds.has(id) ? 'group' : 'user');
			if (st.initialised) {
				for (const [id, type] of now) {
					if (!before.has(id)) {
						st.memberEvents.push({
							version: next,
							groupId: group.id,
							memberId: id,
							memberType: type,
							added: true,
						});
						changed = true;
					}
				}
				for (const [id, type] of before) {
					if (!now.has(id)) {
						st.memberEvents.push({
							version: next,
							groupId: group.id,
							memberId: id,
							memberType: type,
							added: false,
						});
						changed = true;
					}
				}
			}
			st.members.set(group.id, now);
		}
		if (st.initialised && changed) st.version = next;
		st.initialised = true;
		return st;
	}

	// --- Changes made by tests (the node under test is read-only) ---------------------------

	createUser(tenant: Tenant, fixture: UserFixture): User {
		return tenant.addUser({ createdDateTime: new Date().toISOString(), ...fixture });
	}

	/**
	 * Changes properties of a user as an admin would (e.g. `{ jobTitle: 'CTO' }`, or
	 * `{ extra: { mobilePhone: '+1 555' } }` for properties kept in `extra`); the next delta round
	 * reports it, with only these properties under `Prefer: return=minimal`.
	 */
	updateUser(tenant: Tenant, idOrUpn: string, patch: Partial<User>): User {
		const user = tenant.findUser(idOrUpn);
		if (!user) throw new Error(`no user ${idOrUpn}`);
		Object.assign(user, patch);
		return user;
	}

	/** Deletes a user: soft (`@removed.reason` "changed", restorable) or permanent ("deleted"). */
	deleteUser(tenant: Tenant, idOrUpn: string, permanent = false): User {
		const user = tenant.removeUser(idOrUpn);
		if (!user) throw new Error(`no user ${idOrUpn}`);
		if (permanent) this.state(tenant).pendingReasons.set(user.id, 'deleted');
		return user;
	}

	createGroup(tenant: Tenant, fixture: GroupFixture): Group {
		return tenant.addGroup({ createdDateTime: new Date().toISOString(), ...fixture });
	}

	/** Changes properties of a group (e.g. `{ description: 'x' }`), as `updateUser`. */
	updateGroup(tenant: Tenant, idOrName: string, patch: Partial<Group>): Group {
		const group = tenant.findGroup(idOrName);
		if (!group) throw new Error(`no group ${idOrName}`);
		Object.assign(group, patch);
		return group;
	}

	deleteGroup(tenant: Tenant, idOrName: string, permanent = false): Group {
		const group = tenant.removeGroup(idOrName);
		if (!group) throw new Error(`no group ${idOrName}`);
		if (permanent) this.state(tenant).pendingReasons.set(group.id, 'deleted');
		return group;
	}

	/**
	 * Every delta (and skip) token issued so far is expired: the next request with one answers
	 * 400 `syncStateNotFound` (Graph's answer to a token past its 7 days), or 410 when asked.
	 */
	expireTokens(tenant: Tenant, status: 400 | 410 = 400): void {
		const st = this.state(tenant);
		st.epoch += 1;
		st.expiredStatus = status;
	}
}
