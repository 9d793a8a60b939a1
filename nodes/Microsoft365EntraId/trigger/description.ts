/** The Entra ID trigger's parameters and credentials (the node file only assembles them). */
import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { authenticationProperty, credentialDescriptions } from '../../shared/node-common';
import { fieldProperties } from '../actions/fields';
import { pseudonymKeyCredential, pseudonymProperties } from '../pseudonym';
import type { ObjectKind } from './delta';

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

export const credentials: INodeCredentialDescription[] = [
	...credentialDescriptions,
	pseudonymKeyCredential,
];

export const properties: INodeProperties[] = [
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
];
