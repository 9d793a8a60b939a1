import {
	NodeConnectionTypes,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
	type IPollFunctions,
} from 'n8n-workflow';
import { credentialDescriptions, credentialTest, listSearchMethods } from '../shared/node-common';
import { searchMailboxes } from '../shared/mailbox';
import { pseudonymKeyCredential } from '../shared/pseudonym';
import { searchCalendars } from './owner';
import { properties } from './trigger/description';
import { poll } from './trigger/eventChanges.operation';

/** Microsoft 365 Calendar Trigger: events of a calendar created, updated, cancelled or deleted. */
export class Microsoft365CalendarTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Calendar Trigger',
		name: 'microsoft365CalendarTrigger',
		icon: { light: 'file:microsoft365Calendar.svg', dark: 'file:microsoft365Calendar.dark.svg' },
		group: ['trigger'],
		version: 1,
		// n8n's node creator lists a node and its trigger as one entry and shows the trigger's
		// description there: a text for the pair, other than the action node's own.
		description:
			'Microsoft 365 (Outlook) calendars: start workflows when events or occurrences are created, updated, cancelled or deleted, and read and manage calendars and events through Microsoft Graph',
		subtitle: '={{"Events: " + $parameter["events"].join(", ")}}',
		defaults: { name: 'Microsoft 365 Calendar Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [...credentialDescriptions, pseudonymKeyCredential],
		properties,
	};

	methods = {
		listSearch: listSearchMethods(
			{ searchCalendars, searchMailboxes },
			{ searchCalendars: 'calendars', searchMailboxes: 'mailboxes' },
		),
		credentialTest,
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await poll.call(this);
	}
}
