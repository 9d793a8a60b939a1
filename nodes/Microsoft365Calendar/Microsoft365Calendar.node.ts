import {
	NodeConnectionTypes,
	type IExecuteFunctions,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';
import { searchMailboxes } from '../shared/mailbox';
import {
	credentialDescriptions,
	credentialTest,
	listSearchMethods,
	operationSubtitle,
} from '../shared/node-common';
import { pseudonymKeyCredential } from '../shared/pseudonym';
import { route, type OperationMap } from '../shared/router';
import * as calendar from './actions/calendar';
import * as event from './actions/event';
import { CALENDAR_DESCRIPTION, properties } from './actions/node.description';
import * as room from './actions/room';
import * as schedule from './actions/schedule';
import { searchRoomLists } from './methods/listSearch';
import { searchCalendars } from './owner';

const operations: OperationMap = {
	calendar: calendar.operations,
	event: event.operations,
	room: room.operations,
	schedule: schedule.operations,
};

export class Microsoft365Calendar implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Microsoft 365 Calendar',
		name: 'microsoft365Calendar',
		icon: { light: 'file:microsoft365Calendar.svg', dark: 'file:microsoft365Calendar.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description: CALENDAR_DESCRIPTION,
		defaults: { name: 'Microsoft 365 Calendar' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [...credentialDescriptions, pseudonymKeyCredential],
		properties,
	};

	methods = {
		listSearch: listSearchMethods(
			{ searchCalendars, searchMailboxes, searchRoomLists },
			{
				searchCalendars: 'calendars',
				searchMailboxes: 'mailboxes',
				searchRoomLists: 'room lists',
			},
		),
		credentialTest,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await route.call(this, operations);
	}
}
