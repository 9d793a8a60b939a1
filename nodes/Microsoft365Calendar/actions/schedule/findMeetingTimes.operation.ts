import {
	updateDisplayOptions,
	type IDataObject,
	type IExecuteFunctions,
	type INodeProperties,
} from 'n8n-workflow';
import { getTransport } from '../../../shared/node-common';
import { declareGraphCalls } from '../../../shared/operations';
import type { ItemResult } from '../../../shared/router';
import { readAddresses } from '../../events';
import { inputError } from '../../errors';
import { resolveOwner } from '../../owner';
import { graphDateTime, preferTimeZone, readZonedWindow } from '../../times';

const properties: INodeProperties[] = [
	{
		displayName:
			'Find Meeting Times works only with the delegated credential: Microsoft Graph offers no application permission for it',
		name: 'delegatedOnlyNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['app'] } },
	},
	{
		displayName: 'Required Attendees',
		name: 'attendees',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'bob@contoso.com, carol@contoso.com',
		description: 'Email addresses, separated by commas',
	},
	{
		displayName: 'Optional Attendees',
		name: 'optionalAttendees',
		type: 'string',
		default: '',
		description: 'Email addresses, separated by commas',
	},
	{
		displayName: 'Duration (Minutes)',
		name: 'duration',
		type: 'number',
		typeOptions: { minValue: 5 },
		default: 60,
	},
	{
		displayName: 'Window Start',
		name: 'start',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Earliest start of the meeting (read in Time Zone unless it carries an offset)',
	},
	{
		displayName: 'Window End',
		name: 'end',
		type: 'dateTime',
		default: '',
		required: true,
		description: 'Latest end of the meeting',
	},
	{
		displayName: 'Time Zone',
		name: 'timeZone',
		type: 'string',
		default: '',
		placeholder: 'W. Europe Standard Time',
		description:
			"Time zone of the window and of the suggestions (Windows or IANA name). Leave empty for the workflow's time zone.",
	},
	{
		displayName: 'Hours',
		name: 'activityDomain',
		type: 'options',
		options: [
			{ name: 'Work Hours', value: 'work', description: "The attendees' working hours" },
			{ name: 'Any Time', value: 'unrestricted', description: 'Any time of the day' },
		],
		default: 'work',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Max Candidates',
				name: 'maxCandidates',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 20,
				description: 'Max number of suggestions to return',
			},
			{
				displayName: 'Minimum Attendees (%)',
				name: 'minimumAttendeePercentage',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 100 },
				default: 50,
				description: 'Lowest confidence (chance that all attendees can come) of a suggestion',
			},
			{
				displayName: 'Organizer Optional',
				name: 'isOrganizerOptional',
				type: 'boolean',
				default: false,
				description: 'Whether the organizer need not attend',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['schedule'], operation: ['findMeetingTimes'] } },
	properties,
);

// https://learn.microsoft.com/en-us/graph/api/user-findmeetingtimes: delegated (work or school)
// only, Calendars.Read.Shared; no application permission.
export const graphCalls = declareGraphCalls([
	{ method: 'POST', path: '/me/findMeetingTimes', scheme: 'delegated' },
	{
		method: 'POST',
		path: '/users/{id}/findMeetingTimes',
		scheme: 'delegated',
		when: 'Calendar Owner is another user',
	},
]);

/** https://learn.microsoft.com/en-us/graph/api/resources/meetingtimesuggestionsresult */
const EXPLANATIONS: Record<string, string> = {
	attendeesUnavailable:
		"Every attendee's availability is known, but in no slot are enough of them free to reach the minimum attendee percentage.",
	attendeesUnavailableOrUnknown:
		"Some attendees' availability is unknown (outside the organization, or free/busy could not be read), so no slot reaches the minimum attendee percentage.",
	locationsUnavailable: 'A location is required, and none is free at the possible times.',
	organizerUnavailable:
		'The organizer is not free in the window (turn on Organizer Optional to ignore the organizer).',
	unknown: 'Microsoft 365 did not say why there are no suggestions.',
};

/**
 * Meeting time suggestions. One output item: `suggestions` and, when there are none,
 * `emptySuggestionsReason` with `explanation`. Delegated only: the app credential is refused
 * before any request.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<ItemResult> {
	if (this.getNodeParameter('authentication', itemIndex, 'delegated') === 'app')
		throw inputError(
			this.getNode(),
			'Authentication',
			'Find Meeting Times works only with the delegated credential (Graph has no application permission for findMeetingTimes): switch Authentication to Delegated, or use Schedule → Get Free/Busy, which works app-only',
			itemIndex,
		);
	const required = readAddresses(
		this,
		this.getNodeParameter('attendees', itemIndex, ''),
		'Required Attendees',
		itemIndex,
	);
	if (!required.length)
		throw inputError(this.getNode(), 'Required Attendees', 'enter at least one address', itemIndex);
	const optional = readAddresses(
		this,
		this.getNodeParameter('optionalAttendees', itemIndex, ''),
		'Optional Attendees',
		itemIndex,
	);
	const { zone, start, end } = readZonedWindow(
		this,
		itemIndex,
		{ start: 'start', end: 'end' },
		{ startField: 'Window Start', endField: 'Window End' },
	);
	const duration = Number(this.getNodeParameter('duration', itemIndex, 60));
	if (!Number.isInteger(duration) || duration < 1)
		throw inputError(
			this.getNode(),
			'Duration (Minutes)',
			'enter a whole number of minutes',
			itemIndex,
		);
	if (duration * 60_000 > end - start)
		throw inputError(
			this.getNode(),
			'Duration (Minutes)',
			`a ${duration}-minute meeting does not fit in the window: lengthen the window or shorten the meeting`,
			itemIndex,
		);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const body: IDataObject = {
		attendees: [
			...required.map((address) => ({ type: 'required', emailAddress: { address } })),
			...optional.map((address) => ({ type: 'optional', emailAddress: { address } })),
		],
		timeConstraint: {
			activityDomain: this.getNodeParameter('activityDomain', itemIndex, 'work'),
			timeSlots: [{ start: graphDateTime(start, zone), end: graphDateTime(end, zone) }],
		},
		meetingDuration: `PT${Math.floor(duration / 60)}H${duration % 60}M`,
		returnSuggestionReasons: true,
	};
	if (options.maxCandidates !== undefined) body.maxCandidates = options.maxCandidates;
	if (options.minimumAttendeePercentage !== undefined)
		body.minimumAttendeePercentage = options.minimumAttendeePercentage;
	if (options.isOrganizerOptional !== undefined)
		body.isOrganizerOptional = options.isOrganizerOptional;
	const transport = await getTransport(this, itemIndex);
	const owner = resolveOwner(this, transport, itemIndex);
	const result = await transport.request<IDataObject>({
		effect: 'read',
		method: 'POST',
		url: `${owner.path}/findMeetingTimes`,
		headers: { Prefer: preferTimeZone(zone) },
		body,
		itemIndex,
	});
	const suggestions = Array.isArray(result.meetingTimeSuggestions)
		? (result.meetingTimeSuggestions as IDataObject[])
		: [];
	if (suggestions.length) return { suggestions };
	const reason = String(result.emptySuggestionsReason || 'unknown');
	return {
		suggestions: [],
		emptySuggestionsReason: reason,
		explanation: EXPLANATIONS[reason] ?? EXPLANATIONS.unknown,
	};
}
