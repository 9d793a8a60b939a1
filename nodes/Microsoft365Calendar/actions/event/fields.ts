/** Parameters several event operations share. */
import type { INodeProperties } from 'n8n-workflow';
import { pseudonymKeyProperties } from '../../../shared/pseudonym';
import { calendarLocator } from '../../owner';

export const eventIdField: INodeProperties = {
	displayName: 'Event ID',
	name: 'eventId',
	type: 'string',
	default: '',
	required: true,
	description: 'The ID of the event, from the output of Get Many, Create or the trigger',
};

/** The calendar of an event operation: the owner's default calendar when left empty. */
export const calendarField: INodeProperties = calendarLocator({
	displayName: 'Calendar',
	name: 'calendar',
	description: "The owner's calendar to use. Leave empty for the default calendar.",
});

export const timeZoneField: INodeProperties = {
	displayName: 'Time Zone',
	name: 'timeZone',
	type: 'string',
	default: '',
	placeholder: 'W. Europe Standard Time',
	description:
		"Time zone of Start and End (and of the event in Outlook): a Windows name (W. Europe Standard Time) or an IANA name (Europe/Berlin). Leave empty for the workflow's time zone. Times with an offset (2026-03-10T09:00:00+01:00) keep their instant.",
};

export const outputTimeZoneOption: INodeProperties = {
	displayName: 'Output Time Zone',
	name: 'outputTimeZone',
	type: 'string',
	default: '',
	placeholder: 'Europe/Berlin',
	description:
		"Time zone of the times in the output (sent as Prefer: outlook.timezone). Leave empty for the workflow's time zone.",
};

export const metadataOnlyOption: INodeProperties = {
	displayName: 'Metadata Only',
	name: 'metadataOnly',
	type: 'boolean',
	default: false,
	description:
		"Whether to leave out the subject, body, body preview, location names and attendees' names, keeping times, status, type, series, organizer's and attendees' addresses and responses, and counts",
};

/** Pseudonymise Addresses and its key (top level: the key credential depends on them). */
export const pseudonymiseProperties: INodeProperties[] = [
	{
		displayName: 'Pseudonymise Addresses',
		name: 'pseudonymise',
		type: 'boolean',
		default: false,
		description:
			"Whether to replace every email address in the output by its keyed hash (HMAC-SHA-256, the Entra ID node's pseudonyms for the same key), and drop the names beside them",
	},
	...pseudonymKeyProperties,
];

const RESPONSE_IMPORTANCE = [
	{ name: 'Low', value: 'low' },
	{ name: 'Normal', value: 'normal' },
	{ name: 'High', value: 'high' },
];

/** Event properties other than subject and times: Create's Additional Fields, Update's Update Fields. */
export const eventDetailFields: INodeProperties[] = [
	{
		displayName: 'Body',
		name: 'body',
		type: 'string',
		typeOptions: { rows: 4 },
		default: '',
		description: 'The invitation text',
	},
	{
		displayName: 'Body Type',
		name: 'bodyType',
		type: 'options',
		options: [
			{ name: 'Text', value: 'text' },
			{ name: 'HTML', value: 'html' },
		],
		default: 'text',
	},
	{
		displayName: 'Categories',
		name: 'categories',
		type: 'string',
		default: '',
		placeholder: 'Red category, Project X',
		description: 'Outlook categories, separated by commas',
	},
	{
		displayName: 'Importance',
		name: 'importance',
		type: 'options',
		options: RESPONSE_IMPORTANCE,
		default: 'normal',
	},
	{
		displayName: 'Location',
		name: 'location',
		type: 'string',
		default: '',
		placeholder: 'Building 4, 2nd floor',
		description: 'Where the event takes place (with Rooms: the name shown for the first room)',
	},
	{
		displayName: 'Online Meeting (Teams)',
		name: 'isOnlineMeeting',
		type: 'boolean',
		default: true,
		description: 'Whether to add a Microsoft Teams meeting to the event',
	},
	{
		displayName: 'Optional Attendees',
		name: 'optionalAttendees',
		type: 'string',
		default: '',
		placeholder: 'dan@contoso.com, erin@contoso.com',
		description: 'Email addresses, separated by commas',
	},
	{
		displayName: 'Reminder (Minutes Before)',
		name: 'reminderMinutes',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: 15,
		description: 'Minutes before the start when Outlook reminds the attendees',
	},
	{
		displayName: 'Required Attendees',
		name: 'requiredAttendees',
		type: 'string',
		default: '',
		placeholder: 'bob@contoso.com, carol@contoso.com',
		description: 'Email addresses, separated by commas',
	},
	{
		displayName: 'Resource Attendees',
		name: 'resourceAttendees',
		type: 'string',
		default: '',
		placeholder: 'projector-1@contoso.com',
		description:
			"Equipment mailboxes, separated by commas. With app-only access they must be within the credential's Mailbox Restriction.",
	},
	{
		displayName: 'Rooms',
		name: 'rooms',
		type: 'string',
		default: '',
		placeholder: 'room-4.2@contoso.com',
		description:
			"Room mailboxes to book, separated by commas: invited as resources and set as the event's locations. With app-only access they must be within the credential's Mailbox Restriction.",
	},
	{
		displayName: 'Sensitivity',
		name: 'sensitivity',
		type: 'options',
		options: [
			{ name: 'Normal', value: 'normal' },
			{ name: 'Personal', value: 'personal' },
			{ name: 'Private', value: 'private' },
			{ name: 'Confidential', value: 'confidential' },
		],
		default: 'normal',
	},
	{
		displayName: 'Show As',
		name: 'showAs',
		type: 'options',
		options: [
			{ name: 'Busy', value: 'busy' },
			{ name: 'Free', value: 'free' },
			{ name: 'Out of Office', value: 'oof' },
			{ name: 'Tentative', value: 'tentative' },
			{ name: 'Working Elsewhere', value: 'workingElsewhere' },
		],
		default: 'busy',
	},
];

export const startField: INodeProperties = {
	displayName: 'Start',
	name: 'start',
	type: 'dateTime',
	default: '',
	required: true,
	description:
		'When the event starts: an ISO 8601 time (read in Time Zone unless it carries an offset), or an expression giving a DateTime. All-day events take its date.',
};

export const endField: INodeProperties = {
	displayName: 'End',
	name: 'end',
	type: 'dateTime',
	default: '',
	description:
		'When the event ends. All-day events take its date as the last day (left empty: one day).',
};

export const allDayField: INodeProperties = {
	displayName: 'All Day',
	name: 'isAllDay',
	type: 'boolean',
	default: false,
	description:
		'Whether the event lasts whole days: it starts at midnight of the Start date and ends at midnight after the End date, in Time Zone',
};
