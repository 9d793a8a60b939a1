/**
 * Change tracking for the Entra ID trigger through Graph's `users/delta` and `groups/delta`.
 *
 * Each poll follows the stored `@odata.deltaLink` page by page to the next deltaLink and turns
 * what Graph returns into change records: created, updated, deleted (`@removed`), and for groups
 * with members `memberAdded` / `memberRemoved` (`members@delta`). Graph may deliver an object
 * more than once in a round; a round is merged by ID first.
 *
 * With "Keep Object Fingerprints" (default) the static data also holds a short hash per object,
 * which makes created vs. updated exact, drops deliveries that changed none of the selected
 * fields, and lets a full re-sync after an expired delta token (Graph: `syncStateNotFound`, 400
 * or 410) emit only what changed — including deletions — instead of everything. Without it,
 * created vs. updated is read from `createdDateTime` against the server time of the previous
 * round, and a re-sync emits every object as `resynced`.
 *
 * A fingerprint is one 4-character hash per property (positions in `KindState.fields`, an
 * append-only list of the property names seen), so it works with both shapes of a delta entry:
 * by default Graph sends every selected property that is set (an omitted one is unset), with
 * `Prefer: return=minimal` only the changed ones (an omitted one is unchanged). Each property
 * is compared on its own; the record names the `changedProperties`.
 *
 * The first round with fingerprints reads the selected properties page by page and keeps only
 * the fingerprints (the state itself), not the objects; without fingerprints it is one request
 * with `$deltatoken=latest`. The state is returned, never written here: the trigger writes it
 * to the static data after the whole poll succeeded (see Microsoft365EntraIdTrigger.node.ts).
 */
import { createHash } from 'node:crypto';
import { NodeApiError, type IDataObject } from 'n8n-workflow';
import type { GraphTransport, QueryValue } from '../../shared/transport';

export type ObjectKind = 'user' | 'group';

export type ChangeType =
	| 'existing'
	| 'created'
	| 'updated'
	| 'deleted'
	| 'resynced'
	| 'memberAdded'
	| 'memberRemoved'
	| 'membersResynced'
	| 'syncRestarted';

export interface KindState {
	deltaLink?: string;
	/** Server time (Date header) of the round that gave the deltaLink. */
	syncedAt?: string;
	/** Object ID → fingerprint of its properties (4 characters per entry of `fields`). */
	fingerprints?: Record<string, string>;
	/** Property names of the fingerprint positions (append-only). Absent: fingerprints of the
	 * earlier format (one hash of the whole object). */
	fields?: string[];
	/** Group ID → fingerprint of its member IDs (groups with memberships only). */
	memberSets?: Record<string, string>;
}

export interface RoundOptions {
	kind: ObjectKind;
	select?: string[];
	members: boolean;
	fingerprints: boolean;
	/** No state yet: emit every object ('existing') or only record the baseline. */
	firstRun: 'emitAll' | 'baseline';
	/** Only the first page when there is no state (a manual "Fetch Test Event"). */
	sampleOnly?: boolean;
	/** Ask Graph for changed properties only (`Prefer: return=minimal`). */
	returnMinimal?: boolean;
}

export interface RoundResult {
	changes: IDataObject[];
	state: KindState;
}

interface RawRound {
	objects: Map<string, IDataObject>;
	removed: Map<string, string>;
	members: Map<string, Map<string, { type: string; removed: boolean }>>;
	/** Members listed for each group in a full round (members@delta of a full sync). */
	fullMembers: Map<string, string[]>;
	deltaLink?: string;
	serverTime?: string;
	/** Entries carry only changed properties (return=minimal was asked for or applied). */
	minimal: boolean;
}

const PATH: Record<ObjectKind, string> = { user: '/users/delta', group: '/groups/delta' };

function fingerprint(value: unknown): string {
	return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
}

/** JSON with object keys sorted, so Graph's property order never looks like a change. */
function canonical(value: unknown): string {
	if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
	if (value !== null && typeof value === 'object')
		return `{${Object.keys(value)
			.sort()
			.map((k) => `${JSON.stringify(k)}:${canonical((value as IDataObject)[k])}`)
			.join(',')}}`;
	return JSON.stringify(value ?? null);
}

const HASH_CHARS = 4;

/** 24 bits per property: a changed value matches the old hash with probability 6e-8. */
function propertyHash(value: unknown): string {
	return createHash('sha256').update(canonical(value)).digest('base64url').slice(0, HASH_CHARS);
}

/** The hash of an unset property (absent, or null). */
const UNSET = propertyHash(null);
/** A position whose value is not known (never a hash: `?` is not base64url). */
const UNKNOWN = '?'.repeat(HASH_CHARS);
/** The fingerprint of an object known from the earlier format: every position unknown. */
const LEGACY = '!';

/**
 * Compares one delta entry of an object with its known fingerprint and gives the new one.
 *
 * - `shape: 'full'` (Graph's default): the entry lists every selected property that is set;
 *   an omitted property is unset (so a cleared property is a change, and a property that was
 *   never set is not).
 * - `shape: 'minimal'` (`Prefer: return=minimal`): the entry lists only changed properties;
 *   an omitted property keeps its known value.
 *
 * `fields` is the append-only list of property names (positions of the fingerprint); new names
 * are appended to it. Positions past the end of a fingerprint are unset. `changed` is empty when
 * no property differs; for an unknown object (no fingerprint) it lists the set properties.
 */
export function compareFingerprint(
	known: string | undefined,
	entry: IDataObject,
	fields: string[],
	shape: 'full' | 'minimal',
): { fingerprint: string; changed: string[] } {
	const delivered = new Map<string, unknown>();
	for (const [key, value] of Object.entries(entry)) {
		if (key === 'id' || key.includes('@')) continue;
		delivered.set(key, value);
		if (!fields.includes(key)) fields.push(key);
	}
	const at = (i: number) =>
		known === LEGACY
			? UNKNOWN
			: known !== undefined && known.length >= (i + 1) * HASH_CHARS
				? known.slice(i * HASH_CHARS, (i + 1) * HASH_CHARS)
				: UNSET;
	const parts: string[] = [];
	const changed: string[] = [];
	for (let i = 0; i < fields.length; i++) {
		const name = fields[i];
		const before = at(i);
		const now = delivered.has(name)
			? propertyHash(delivered.get(name))
			: shape === 'minimal'
				? before
				: UNSET;
		parts.push(now);
		// An unknown value counts as changed only when the entry names the property.
		if (now !== before && (before !== UNKNOWN || delivered.has(name))) changed.push(name);
	}
	while (parts.length && parts[parts.length - 1] === UNSET) parts.pop();
	return { fingerprint: parts.join(''), changed };
}

function withoutAnnotations(object: IDataObject): IDataObject {
	const out: IDataObject = {};
	for (const [key, value] of Object.entries(object)) if (!key.includes('@')) out[key] = value;
	return out;
}

/** Whether Graph refused a delta or skip token because its state is gone. */
export function isExpiredToken(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const code = String((error.errorResponse as IDataObject | undefined)?.code ?? '');
	if (error.httpCode === '410') return true;
	return /syncStateNotFound|resyncRequired/i.test(`${code} ${error.message}`);
}

interface ReadOptions {
	sampleOnly?: boolean;
	returnMinimal?: boolean;
	/** Streams each object to this callback instead of keeping it (a baseline round). */
	onObject?: (id: string, object: IDataObject) => void;
}

async function readRound(
	transport: GraphTransport,
	start: string,
	query: Record<string, QueryValue> | undefined,
	options: ReadOptions = {},
): Promise<RawRound> {
	const round: RawRound = {
		objects: new Map(),
		removed: new Map(),
		members: new Map(),
		fullMembers: new Map(),
		minimal: options.returnMinimal === true,
	};
	let next: string | undefined = start;
	let first = true;
	while (next) {
		const response: { body: IDataObject; headers: Headers } = await transport.send<IDataObject>({
			effect: 'read',
			url: next,
			query: first ? query : undefined,
			...(options.returnMinimal ? { headers: { Prefer: 'return=minimal' } } : {}),
		});
		first = false;
		if (/return=minimal/i.test(response.headers.get('preference-applied') ?? ''))
			round.minimal = true;
		const body = response.body ?? {};
		for (const object of (body.value as IDataObject[] | undefined) ?? []) {
			const id = String(object.id);
			const removed = object['@removed'] as IDataObject | undefined;
			if (removed) {
				round.objects.delete(id);
				round.removed.set(id, String(removed.reason ?? 'deleted'));
				continue;
			}
			round.removed.delete(id);
			if (options.onObject) options.onObject(id, withoutAnnotations(object));
			// Minimal entries add up; a full entry is the whole object (an omitted property is unset).
			else
				round.objects.set(
					id,
					round.minimal
						? { ...(round.objects.get(id) ?? {}), ...withoutAnnotations(object) }
						: withoutAnnotations(object),
				);
			const delta = object['members@delta'] as IDataObject[] | undefined;
			if (delta) {
				const perGroup = round.members.get(id) ?? new Map();
				for (const m of delta)
					perGroup.set(String(m.id), {
						type: String(m['@odata.type'] ?? '#microsoft.graph.directoryObject').replace(
							'#microsoft.graph.',
							'',
						),
						removed: m['@removed'] !== undefined,
					});
				round.members.set(id, perGroup);
			}
		}
		round.serverTime = response.headers.get('date') ?? round.serverTime;
		round.deltaLink = body['@odata.deltaLink'] as string | undefined;
		next = options.sampleOnly ? undefined : (body['@odata.nextLink'] as string | undefined);
	}
	return round;
}

function memberSetFingerprint(members: Map<string, { removed: boolean }> | undefined): string {
	const ids = [...(members ?? new Map()).entries()]
		.filter(([, m]) => !m.removed)
		.map(([id]) => id)
		.sort();
	return fingerprint(ids);
}

/**
 * One round for users or groups: the changes since `state`, and the new state. A restart after an
 * expired token is reported by a `syncRestarted` record first. `state` is not modified.
 */
export async function runRound(
	transport: GraphTransport,
	state: KindState,
	options: RoundOptions,
): Promise<RoundResult> {
	const select = [...(options.select ?? [])];
	if (!options.fingerprints && options.select && !select.includes('createdDateTime'))
		select.push('createdDateTime');
	if (options.members) select.push('members');
	const query: Record<string, QueryValue> = select.length ? { $select: select.join(',') } : {};
	const read: ReadOptions = { returnMinimal: options.returnMinimal };
	const changes: IDataObject[] = [];

	// Fingerprints of the earlier format (one hash per object, no `fields`): the objects are
	// known, their property values are not (LEGACY); one delivered in this round is still compared
	// with the old hash.
	const legacy = state.fingerprints !== undefined && state.fields === undefined;
	const fields = [...(state.fields ?? [])];
	const fingerprints: Record<string, string> | undefined = options.fingerprints
		? legacy
			? Object.fromEntries(Object.keys(state.fingerprints!).map((id) => [id, LEGACY]))
			: { ...(state.fingerprints ?? {}) }
		: undefined;
	const memberSets =
		options.members && options.fingerprints ? { ...(state.memberSets ?? {}) } : undefined;

	let mode: 'incremental' | 'first' | 'restart' = state.deltaLink ? 'incremental' : 'first';
	let round: RawRound;
	if (mode === 'first' && options.firstRun === 'baseline' && !options.fingerprints) {
		// Nothing to remember per object: Graph hands out a deltaLink for "now" in one request.
		round = await readRound(
			transport,
			PATH[options.kind],
			{ ...query, $deltatoken: 'latest' },
			read,
		);
	} else if (mode === 'first' && options.firstRun === 'baseline') {
		// The baseline: each object's fingerprint, page by page; the objects are not kept.
		round = await readRound(transport, PATH[options.kind], query, {
			...read,
			onObject: (id, object) => {
				fingerprints![id] = compareFingerprint(undefined, object, fields, 'full').fingerprint;
			},
		});
	} else if (mode === 'incremental') {
		try {
			round = await readRound(transport, state.deltaLink!, undefined, read);
		} catch (error) {
			// The transport's NodeApiError (Graph's message, permission advice), passed on as it is.
			// eslint-disable-next-line @n8n/community-nodes/require-node-api-error
			if (!isExpiredToken(error)) throw error;
			mode = 'restart';
			changes.push({
				changeType: 'syncRestarted',
				objectType: options.kind,
				message: `Graph no longer has the change state of the stored delta link (${
					(error as NodeApiError).httpCode
				} syncStateNotFound: the token expired after 7 days or the service reset it). The trigger restarted with a full sync of the ${options.kind}s${
					options.fingerprints
						? ' and emits only what changed, compared with the fingerprints it kept.'
						: '; without object fingerprints every object is emitted as "resynced".'
				}`,
			});
			round = await readRound(transport, PATH[options.kind], query, read);
		}
	} else {
		round = await readRound(transport, PATH[options.kind], query, {
			...read,
			sampleOnly: options.sampleOnly ?? false,
		});
	}

	const emitFirst = mode === 'first' && options.firstRun === 'emitAll';
	const previousSync = state.syncedAt ? Date.parse(state.syncedAt) : undefined;
	const full = mode !== 'incremental';
	// A full sync lists every set property even when return=minimal was asked for.
	const shape = !full && round.minimal ? 'minimal' : 'full';

	for (const [id, object] of round.objects) {
		let changeType: ChangeType | undefined;
		let changed: string[] | undefined;
		if (fingerprints) {
			const known = fingerprints[id];
			const result = compareFingerprint(known, object, fields, shape);
			changed = result.changed;
			if (legacy && known === LEGACY && shape === 'full' && state.fingerprints?.[id]) {
				// The earlier format: one hash of the whole entry.
				if (fingerprint(object) === state.fingerprints[id]) changed = [];
			}
			fingerprints[id] = result.fingerprint;
			if (mode === 'first') changeType = emitFirst ? 'existing' : undefined;
			else changeType = known === undefined ? 'created' : changed.length ? 'updated' : undefined;
		} else if (mode === 'first') changeType = emitFirst ? 'existing' : undefined;
		else if (mode === 'restart') changeType = 'resynced';
		else {
			const created = Date.parse(String(object.createdDateTime ?? ''));
			changeType =
				previousSync !== undefined && !Number.isNaN(created) && created >= previousSync - 1000
					? 'created'
					: 'updated';
		}
		if (changeType)
			changes.push({
				changeType,
				objectType: options.kind,
				...object,
				...(changeType === 'updated' && changed ? { changedProperties: changed } : {}),
			});
	}
	for (const [id, reason] of round.removed) {
		if (fingerprints) delete fingerprints[id];
		if (memberSets) delete memberSets[id];
		changes.push({ changeType: 'deleted', objectType: options.kind, id, removedReason: reason });
	}
	if (full && fingerprints && mode === 'restart') {
		// Objects the full sync no longer lists were deleted while the token was expired.
		for (const id of Object.keys(fingerprints)) {
			if (round.objects.has(id)) continue;
			delete fingerprints[id];
			if (memberSets) delete memberSets[id];
			changes.push({
				changeType: 'deleted',
				objectType: options.kind,
				id,
				removedReason: 'unknown',
			});
		}
	}

	if (options.members) {
		for (const [groupId, members] of round.members) {
			const setFp = memberSetFingerprint(members);
			if (mode === 'restart') {
				const changedSet = memberSets ? memberSets[groupId] !== setFp : true;
				if (changedSet)
					changes.push({
						changeType: 'membersResynced',
						objectType: 'membership',
						groupId,
						memberIds: [...members.entries()].filter(([, m]) => !m.removed).map(([id]) => id),
					});
			} else if (mode === 'incremental' || emitFirst) {
				for (const [memberId, member] of members) {
					changes.push({
						changeType:
							mode === 'first' ? 'existing' : member.removed ? 'memberRemoved' : 'memberAdded',
						objectType: 'membership',
						groupId,
						memberId,
						memberType: member.type,
					});
				}
			}
			// Member sets are known only from full rounds; a group whose members changed since is
			// listed again (membersResynced) should a later token expire.
			if (memberSets) {
				if (full) memberSets[groupId] = setFp;
				else delete memberSets[groupId];
			}
		}
	}

	return {
		changes,
		state: {
			deltaLink: round.deltaLink ?? state.deltaLink,
			syncedAt: round.serverTime ? new Date(round.serverTime).toISOString() : state.syncedAt,
			...(fingerprints ? { fingerprints, fields } : {}),
			...(memberSets ? { memberSets } : {}),
		},
	};
}
