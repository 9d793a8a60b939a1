import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { credentialTest } from '../shared/node-common';
import { credentials, properties } from './trigger/description';
import { poll } from './trigger/poll';

/** Microsoft 365 Entra ID Trigger: users, groups and memberships created, updated or deleted. */
export class Microsoft365EntraIdTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Entra ID Trigger',
		name: 'microsoft365EntraIdTrigger',
		icon: { light: 'file:entraId.svg', dark: 'file:entraId.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"Track: " + $parameter["track"].join(", ")}}',
		// n8n's node creator lists a node and its trigger as one entry and shows the trigger's
		// description there: a text for the pair, other than the action node's own.
		description:
			'Entra ID users and groups: start workflows when users, groups or memberships change, and read users, groups, memberships and managers',
		defaults: { name: 'Microsoft 365 Entra ID Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials,
		properties,
	};

	methods = { credentialTest };

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
