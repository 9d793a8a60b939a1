/** Parameter descriptions several operations share: locators and the message fields. */
import type { INodeProperties } from 'n8n-workflow';
import { pseudonymKeyProperties } from '../../shared/pseudonym';
import { METERED_NOTICE } from '../metered';

/** A resource locator: list (with search), link, or ID. */
function locatorProperty(spec: {
	displayName: string;
	name: string;
	searchListMethod: string;
	urlPlaceholder: string;
	urlHint?: string;
	idPlaceholder: string;
	description?: string;
}): INodeProperties {
	return {
		displayName: spec.displayName,
		name: spec.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		...(spec.description ? { description: spec.description } : {}),
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: spec.searchListMethod, searchable: true },
			},
			{
				displayName: 'By URL',
				name: 'url',
				type: 'string',
				placeholder: spec.urlPlaceholder,
				...(spec.urlHint ? { hint: spec.urlHint } : {}),
			},
			{ displayName: 'By ID', name: 'id', type: 'string', placeholder: spec.idPlaceholder },
		],
	};
}

export function teamLocator(description = 'The team'): INodeProperties {
	return locatorProperty({
		displayName: 'Team',
		name: 'team',
		searchListMethod: 'searchTeams',
		urlPlaceholder:
			'https://teams.microsoft.com/l/team/19%3a...%40thread.tacv2/conversations?groupId=...',
		urlHint: 'A link to the team or to one of its channels ("Get link to team")',
		idPlaceholder: '00000000-0000-0000-0000-000000000000',
		description,
	});
}

export function channelLocator(): INodeProperties {
	return locatorProperty({
		displayName: 'Channel',
		name: 'channel',
		searchListMethod: 'searchChannels',
		urlPlaceholder:
			'https://teams.microsoft.com/l/channel/19%3a...%40thread.tacv2/General?groupId=...',
		urlHint: 'The channel\'s link ("Get link to channel")',
		idPlaceholder: '19:...@thread.tacv2',
	});
}

export function chatLocator(): INodeProperties {
	return locatorProperty({
		displayName: 'Chat',
		name: 'chat',
		searchListMethod: 'searchChats',
		urlPlaceholder: 'https://teams.microsoft.com/l/chat/19%3a...%40thread.v2/0',
		idPlaceholder: '19:...@thread.v2',
	});
}

/** A Filters collection of Get Many. */
export function filtersProperty(options: INodeProperties[]): INodeProperties {
	return {
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options,
	};
}

/** The Filters of a message listing: Modified Since. */
export function modifiedSinceFilters(description: string): INodeProperties {
	return filtersProperty([
		{
			displayName: 'Modified Since',
			name: 'since',
			type: 'dateTime',
			default: '',
			description,
		},
	]);
}

/**
 * From: one place, or all of them through the metered export (getAllMessages), with the export's
 * notice.
 */
export function exportSourceProperties(
	one: { name: string; value: string },
	all: { name: string; value: string; description: string },
): INodeProperties[] {
	return [
		// eslint-disable-next-line n8n-nodes-base/node-param-default-missing -- the default is `one.value` (the rule sees literals only)
		{
			displayName: 'From',
			name: 'source',
			type: 'options',
			options: [
				{ name: one.name, value: one.value },
				{ name: all.name, value: all.value, description: all.description },
			],
			default: one.value,
		},
		{
			displayName: METERED_NOTICE,
			name: 'meteredNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { source: [all.value] } },
		},
	];
}

/** Message ID of a Get. */
export function messageIdProperty(description: string): INodeProperties {
	return {
		displayName: 'Message ID',
		name: 'messageId',
		type: 'string',
		default: '',
		required: true,
		placeholder: '1616965872395',
		description,
	};
}

/** Message, content type, mentions and options (subject only for channel root posts). */
export function messageFields(options: {
	subject: boolean;
	conversationMentions: boolean;
	messageRequired: boolean;
	/** More options (e.g. the file name of Post With File). */
	extraOptions?: INodeProperties[];
}): INodeProperties[] {
	const optionFields: INodeProperties[] = [
		{
			displayName: 'Adaptive Card (JSON)',
			name: 'adaptiveCard',
			type: 'json',
			default: '',
			description:
				'An adaptive card to post with the message: {"type": "AdaptiveCard", "version": "1.5", "body": [...]}, from the Adaptive Card Designer or an expression. Checked for valid JSON, "type" and "version" before posting.',
		},
		{
			displayName: 'Importance',
			name: 'importance',
			type: 'options',
			options: [
				{ name: 'Normal', value: 'normal' },
				{ name: 'High', value: 'high' },
				{ name: 'Urgent', value: 'urgent' },
			],
			default: 'normal',
		},
	];
	optionFields.push(...(options.extraOptions ?? []));
	if (options.subject)
		optionFields.push({
			displayName: 'Subject',
			name: 'subject',
			type: 'string',
			default: '',
			description: 'Title of the post, shown above the message',
		});
	return [
		{
			displayName: 'Content Type',
			name: 'contentType',
			type: 'options',
			options: [
				{ name: 'Text', value: 'text' },
				{ name: 'HTML', value: 'html' },
			],
			default: 'text',
		},
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			typeOptions: { rows: 4 },
			default: '',
			required: options.messageRequired,
			description:
				'The message. Put {mention1}, {mention2}... where the mentions below go; mentions without a placeholder are put in front.',
		},
		{
			displayName: 'Mentions',
			name: 'mentions',
			type: 'fixedCollection',
			typeOptions: { multipleValues: true },
			placeholder: 'Add Mention',
			default: {},
			options: [
				{
					displayName: 'Mention',
					name: 'mention',
					values: [
						...(options.conversationMentions
							? [
									{
										displayName: 'Mention',
										name: 'kind',
										type: 'options' as const,
										options: [
											{ name: 'User', value: 'user' },
											{ name: 'This Channel', value: 'channel' },
											{ name: 'This Team', value: 'team' },
										],
										default: 'user',
									},
								]
							: []),
						{
							displayName: 'User',
							name: 'user',
							type: 'string',
							default: '',
							placeholder: 'alice@contoso.com',
							description: 'User principal name, mail address or object ID',
							...(options.conversationMentions
								? { displayOptions: { show: { kind: ['user'] } } }
								: {}),
						},
						{
							displayName: 'Text',
							name: 'text',
							type: 'string',
							default: '',
							description:
								"Text shown for the mention (default: the user's, channel's or team's name)",
						},
					],
				},
			],
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: optionFields,
		},
	];
}

/** Return All / Limit, shared with the other nodes. */
export { returnAllAndLimit as limitFields } from '../../shared/fields';

/** Read option: Metadata Only (messages and chats). */
export const metadataOnlyOption: INodeProperties = {
	displayName: 'Metadata Only',
	name: 'metadataOnly',
	type: 'boolean',
	default: false,
	description:
		'Whether to leave out the content: body, subject, summary, mention texts, attachment and card content and names (keeping IDs, times, type, importance, sender, who was mentioned, reactions, attachment kinds)',
};

/** Read option: Body Format (converted by the node: Graph has no text format for Teams messages). */
export const bodyFormatOption: INodeProperties = {
	displayName: 'Body Format',
	name: 'bodyFormat',
	type: 'options',
	options: [
		{ name: 'HTML (as Stored)', value: 'html' },
		{
			name: 'Text',
			value: 'text',
			description: 'Converted from HTML by the node (Graph returns Teams messages only as stored)',
		},
	],
	default: 'html',
};

/** Pseudonymise and its key (top level: the key credential's display depends on them). */
export const pseudonymiseProperties: INodeProperties[] = [
	{
		displayName: 'Pseudonymise',
		name: 'pseudonymise',
		type: 'boolean',
		default: false,
		description:
			"Whether to replace people's identities (senders, mentions, members, reactions: object IDs, display names, email addresses) by keyed hashes (HMAC-SHA-256) equal to the Entra ID node's pseudonyms for the same key. Message text other than mentions and addresses is not changed: use Metadata Only to leave it out.",
	},
	...pseudonymKeyProperties,
];

/** App-only: whose chats (a user's object ID or user principal name), within the Mailbox Restriction. */
export function chatUserProperty(description: string): INodeProperties {
	return {
		displayName: 'User',
		name: 'user',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'alice@contoso.com',
		description,
		displayOptions: { show: { authentication: ['app'] } },
	};
}

/**
 * The output parameters of the message reads: Options (Body Format, the operation's own options,
 * Metadata Only), then Pseudonymise and its key.
 */
export function readOutputProperties(extraOptions: INodeProperties[] = []): INodeProperties[] {
	return [
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add Option',
			default: {},
			options: [bodyFormatOption, ...extraOptions, metadataOnlyOption],
		},
	];
}
