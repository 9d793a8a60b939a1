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
		description:
			'Starts the workflow when Entra ID users (and optionally groups and memberships) are created, updated or deleted',
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
