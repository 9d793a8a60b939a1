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
	/** Object ID → fingerprint of its selected fields. */
	fingerprints?: Record<string, string>;
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
}

const PATH: Record<ObjectKind, string> = { user: '/users/delta', group: '/groups/delta' };

function fingerprint(value: unknown): string {
	return createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 12);
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

async function readRound(
	transport: GraphTransport,
	start: string,
	query: Record<string, QueryValue> | undefined,
	sampleOnly: boolean,
): Promise<RawRound> {
	const round: RawRound = {
		objects: new Map(),
		removed: new Map(),
		members: new Map(),
		fullMembers: new Map(),
	};
	let next: string | undefined = start;
	let first = true;
	while (next) {
		const response: { body: IDataObject; headers: Headers } = await transport.send<IDataObject>({
			effect: 'read',
			url: next,
			query: first ? query : undefined,
		});
		first = false;
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
			const merged = { ...(round.objects.get(id) ?? {}), ...withoutAnnotations(object) };
			round.objects.set(id, merged);
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
		next = sampleOnly ? undefined : (body['@odata.nextLink'] as string | undefined);
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
 * expired token is reported by a `syncRestarted` record first.
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
	const changes: IDataObject[] = [];

	let mode: 'incremental' | 'first' | 'restart' = state.deltaLink ? 'incremental' : 'first';
	let round: RawRound;
	if (mode === 'first' && options.firstRun === 'baseline' && !options.fingerprints) {
		// Nothing to remember per object: Graph hands out a deltaLink for "now" in one request.
		round = await readRound(
			transport,
			PATH[options.kind],
			{ ...query, $deltatoken: 'latest' },
			false,
		);
	} else if (mode === 'incremental') {
		try {
			round = await readRound(transport, state.deltaLink!, undefined, false);
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
			round = await readRound(transport, PATH[options.kind], query, false);
		}
	} else {
		round = await readRound(transport, PATH[options.kind], query, options.sampleOnly ?? false);
	}

	const fingerprints = options.fingerprints ? { ...(state.fingerprints ?? {}) } : undefined;
	const memberSets =
		options.members && options.fingerprints ? { ...(state.memberSets ?? {}) } : undefined;
	const emitFirst = mode === 'first' && options.firstRun === 'emitAll';
	const previousSync = state.syncedAt ? Date.parse(state.syncedAt) : undefined;
	const full = mode !== 'incremental';

	for (const [id, object] of round.objects) {
		const fp = fingerprint(object);
		const known = fingerprints?.[id];
		let changeType: ChangeType | undefined;
		if (mode === 'first') changeType = emitFirst ? 'existing' : undefined;
		else if (fingerprints)
			changeType = known === undefined ? 'created' : known !== fp ? 'updated' : undefined;
		else if (mode === 'restart') changeType = 'resynced';
		else {
			const created = Date.parse(String(object.createdDateTime ?? ''));
			changeType =
				previousSync !== undefined && !Number.isNaN(created) && created >= previousSync - 1000
					? 'created'
					: 'updated';
		}
		if (fingerprints) fingerprints[id] = fp;
		if (changeType) changes.push({ changeType, objectType: options.kind, ...object });
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
				const changed = memberSets ? memberSets[groupId] !== setFp : true;
				if (changed)
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
			...(fingerprints ? { fingerprints } : {}),
			...(memberSets ? { memberSets } : {}),
		},
	};
}
