/**
 * The Entra ID trigger's poll: one delta round per tracked object type (trigger/delta.ts), the
 * records pseudonymised when asked, and the state committed once, after everything succeeded.
 */
import type { IDataObject, INodeExecutionData, IPollFunctions } from 'n8n-workflow';
import { getTransport } from '../../shared/node-common';
import { pseudonymiserFor } from '../pseudonym';
import { selectFields } from '../select';
import { runRound, type KindState, type ObjectKind } from './delta';

interface TriggerState extends IDataObject {
	user?: KindState & IDataObject;
	group?: KindState & IDataObject;
}

const STATE_KEY = 'entraDelta';

export async function poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
	const node = this.getNode();
	const track = this.getNodeParameter('track', []) as string[];
	const firstRun = this.getNodeParameter('firstRun', 'baseline') as 'baseline' | 'emitAll';
	const options = this.getNodeParameter('options', {}) as {
		fingerprints?: boolean;
		returnMinimal?: boolean;
	};
	const fingerprints = options.fingerprints ?? true;
	const kinds: Array<{ kind: ObjectKind; members: boolean; select?: string[] }> = [];
	const selectFor = (kind: ObjectKind) =>
		selectFields(
			node,
			[kind],
			this.getNodeParameter(`${kind}Fields`, []) as string[],
			this.getNodeParameter(`${kind}CustomFields`, '') as string,
			0,
			`${kind === 'user' ? 'User' : 'Group'} Fields`,
		);
	if (track.includes('users'))
		kinds.push({ kind: 'user', members: false, select: selectFor('user') });
	if (track.includes('groups') || track.includes('memberships'))
		kinds.push({
			kind: 'group',
			members: track.includes('memberships'),
			select: selectFor('group'),
		});
	const output = await pseudonymiserFor(this);
	const transport = await getTransport(this);
	const manual = this.getMode() === 'manual';
	// The state is read here and written once, at the end, after every round of every kind
	// succeeded and every record was built (pseudonymised): a failure anywhere leaves the
	// static data as it was, so the next poll re-reads the same changes. n8n keeps a throwing
	// poll's in-memory static data mutations for the next poll (legacy static data, n8n-core
	// PollContext's default resolveNodeStaticData) and writes static data to its database
	// only when a poll emits; with durable poll cursors a throwing poll's snapshot is
	// discarded. Written last, the state is right either way; an advance lost to a restart
	// (a poll that emitted nothing) is re-read, and the fingerprints drop what was emitted.
	const staticData = this.getWorkflowStaticData('node');
	const stored = (staticData[STATE_KEY] ?? {}) as TriggerState;
	const next: TriggerState = { ...stored };
	const items: IDataObject[] = [];
	for (const { kind, members, select } of kinds) {
		const state = (stored[kind] ?? {}) as KindState;
		const result = await runRound(transport, state, {
			kind,
			select,
			members,
			fingerprints,
			returnMinimal: options.returnMinimal === true,
			// "Fetch Test Event" with no state yet: show a sample of what there is.
			firstRun: manual && !state.deltaLink ? 'emitAll' : firstRun,
			sampleOnly: manual && !state.deltaLink,
		});
		next[kind] = result.state as KindState & IDataObject;
		const wanted = result.changes.filter(
			(c) =>
				kind === 'user' ||
				c.objectType !== 'group' ||
				c.changeType === 'syncRestarted' ||
				track.includes('groups'),
		);
		for (const c of wanted)
			if (c.changeType === 'syncRestarted')
				this.logger.warn(String(c.message), { node: node.name });
		items.push(...wanted.map((c) => output.apply(c)));
	}
	const out = items.length === 0 ? null : [this.helpers.returnJsonArray(items)];
	// Commit: no await between here and the return.
	if (!manual) staticData[STATE_KEY] = next;
	return out;
}
