import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import {
	authenticationProperty,
	credentialDescriptions,
	credentialTest,
	getTransport,
} from '../shared/node-common';
import { selectFields } from './select';
import { PSEUDONYM_CREDENTIAL, pseudonymiserFor, pseudonymProperties } from './pseudonym';
import { fieldProperties } from './actions/fields';
import { runRound, type KindState, type ObjectKind } from './trigger/delta';

interface TriggerState extends IDataObject {
	user?: KindState & IDataObject;
	group?: KindState & IDataObject;
}

const STATE_KEY = 'entraDelta';

/** Renames the shared "Fields" parameters for one object type of the trigger. */
function fieldsFor(kind: ObjectKind, track: string[]): INodeProperties[] {
	const label = kind === 'user' ? 'User' : 'Group';
	return fieldProperties([kind]).map((p) => ({
		...p,
		name: `${kind}${p.name.replace(/^./, (c) => c.toUpperCase())}`,
		displayName: `${label} ${p.displayName}`,
		displayOptions: { show: { track } },
	}));
}

/** Microsoft 365 Entra ID Trigger: users, groups and memberships created, updated or deleted. */
export class Microsoft365EntraIdTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Entra ID Trigger',
		name: 'microsoft365EntraIdTrigger',
		icon: { light: 'file:entraId.svg', dark: 'file:entraId.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Track: " + $parameter["track"].join(", ")}}',
		description:
			'Starts the workflow when Entra ID users (and optionally groups and memberships) are created, updated or deleted',
		defaults: { name: 'Microsoft 365 Entra ID Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [
			...credentialDescriptions,
			{
				name: PSEUDONYM_CREDENTIAL,
				required: true,
				displayOptions: { show: { pseudonymise: [true], pseudonymKeySource: ['credential'] } },
			},
		],
		properties: [
			authenticationProperty('app'),
			{
				displayName: 'Track',
				name: 'track',
				type: 'multiOptions',
				options: [
					{ name: 'Users', value: 'users' },
					{ name: 'Groups', value: 'groups' },
					{
						name: 'Group Memberships',
						value: 'memberships',
						description: 'Members added to or removed from groups',
					},
				],
				default: ['users'],
				required: true,
			},
			{
				displayName: 'First Run',
				name: 'firstRun',
				type: 'options',
				options: [
					{
						name: 'Record Baseline Only',
						value: 'baseline',
						description: 'Emit nothing on the first poll; later polls emit changes made after it',
					},
					{
						name: 'Emit Everything',
						value: 'emitAll',
						description: 'Emit every existing object once (changeType "existing"), then changes',
					},
				],
				default: 'baseline',
			},
			...fieldsFor('user', ['users']),
			...fieldsFor('group', ['groups', 'memberships']),
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Keep Object Fingerprints',
						name: 'fingerprints',
						type: 'boolean',
						default: true,
						description:
							"Whether to keep a short hash of each object in the workflow's static data (about 50 bytes per object plus 4 per field): created and updated are told apart exactly, repeated deliveries are dropped, and after an expired delta token only real changes are emitted. Turn off for very large directories.",
					},
					{
						displayName: 'Changed Properties Only',
						name: 'returnMinimal',
						type: 'boolean',
						default: false,
						description:
							'Whether to ask Graph for only the properties that changed in an update (Prefer: return=minimal): smaller pages for large directories; an updated object then carries its ID and the changed properties only',
					},
				],
			},
			...pseudonymProperties,
		],
	};

	methods = { credentialTest };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
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
}
