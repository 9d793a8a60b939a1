/** Parameters several calendar operations share. */
import type { INodeProperties } from 'n8n-workflow';
import { calendarLocator } from '../../owner';

export const requiredCalendar: INodeProperties = calendarLocator({
	displayName: 'Calendar',
	name: 'calendar',
	description: "The calendar, from the list of the owner's calendars, by ID or by name",
	required: true,
});
