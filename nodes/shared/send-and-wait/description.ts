/**
 * The parameters, webhooks and outputs of Send and Wait for Response, as n8n's own
 * (n8n-nodes-base `utils/sendAndWait`), written for this package: n8n-nodes-base is not a
 * dependency of a community node. One set for the Mail node and the Teams node.
 */
import {
	SEND_AND_WAIT_OPERATION,
	updateDisplayOptions,
	type INodeProperties,
	type IWebhookDescription,
} from 'n8n-workflow';

/**
 * The waiting webhooks: GET (a link opened, a form shown) and POST (a form submitted) at the
 * node's ID, `restartWebhook` (they resume a waiting execution), as n8n's
 * `sendAndWaitWebhooksDescription`. n8n checks the signature of the resume URL for nodes whose
 * operation is `sendAndWait` before the node's `webhook()` runs.
 */
export const sendAndWaitWebhooks: IWebhookDescription[] = (['GET', 'POST'] as const).map(
	(httpMethod) => ({
		name: 'default',
		httpMethod,
		responseMode: 'onReceived',
		responseData: '',
		path: '={{ $nodeId }}',
		restartWebhook: true,
		isFullPath: true,
	}),
);

/** The tooltip n8n's editor shows on the waiting node. */
export const SEND_AND_WAIT_TOOLTIP = `={{ $parameter.operation === "${SEND_AND_WAIT_OPERATION}" ? "Execution will continue after a recipient answers, or when the wait time ends (Timed Out output)" : "" }}`;

/**
 * The node's outputs: one ("main") for every operation, two for Send and Wait: "Answered" and
 * "Timed Out". An expression, as n8n's Switch node has, so workflows saved before keep one output.
 */
export const SEND_AND_WAIT_OUTPUTS = `={{ $parameter.operation === "${SEND_AND_WAIT_OPERATION}" ? [{ type: "main", displayName: "Answered" }, { type: "main", displayName: "Timed Out" }] : ["main"] }}`;

const limitWaitTime: INodeProperties = {
	displayName: 'Limit Wait Time',
	name: 'limitWaitTime',
	type: 'fixedCollection',
	description:
		'Whether to stop waiting after a time: the node then continues on its Timed Out output',
	default: { values: { limitType: 'afterTimeInterval', resumeAmount: 45, resumeUnit: 'minutes' } },
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Limit Type',
					name: 'limitType',
					type: 'options',
					default: 'afterTimeInterval',
					options: [
						{
							name: 'After Time Interval',
							description: 'Waits for a certain amount of time',
							value: 'afterTimeInterval',
						},
						{
							name: 'At Specified Time',
							description: 'Waits until the set date and time',
							value: 'atSpecifiedTime',
						},
					],
				},
				{
					displayName: 'Amount',
					name: 'resumeAmount',
					type: 'number',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
					typeOptions: { minValue: 0, numberPrecision: 2 },
					default: 1,
					description: 'The time to wait (more than 0)',
				},
				{
					displayName: 'Unit',
					name: 'resumeUnit',
					type: 'options',
					displayOptions: { show: { limitType: ['afterTimeInterval'] } },
					options: [
						{ name: 'Minutes', value: 'minutes' },
						{ name: 'Hours', value: 'hours' },
						{ name: 'Days', value: 'days' },
					],
					default: 'hours',
				},
				{
					displayName: 'Max Date and Time',
					name: 'maxDateAndTime',
					type: 'dateTime',
					displayOptions: { show: { limitType: ['atSpecifiedTime'] } },
					default: '',
					description: 'Stop waiting at this date and time (in the future)',
				},
			],
		},
	],
};

const FIELD_TYPES = [
	{ name: 'Checkbox', value: 'checkbox' },
	{ name: 'Date', value: 'date' },
	{ name: 'Dropdown List', value: 'dropdown' },
	{ name: 'Email', value: 'email' },
	{ name: 'Number', value: 'number' },
	{ name: 'Text', value: 'text' },
	{ name: 'Textarea', value: 'textarea' },
];

const formFields: INodeProperties = {
	displayName: 'Form Fields',
	name: 'formFields',
	type: 'fixedCollection',
	typeOptions: { multipleValues: true, sortable: true },
	placeholder: 'Add Form Field',
	default: {},
	options: [
		{
			displayName: 'Values',
			name: 'values',
			values: [
				{
					displayName: 'Field Label',
					name: 'fieldLabel',
					type: 'string',
					default: '',
					placeholder: 'e.g. Amount approved',
					description: 'Label shown above the field; the answer carries the value under it',
					required: true,
				},
				{
					displayName: 'Element Type',
					name: 'fieldType',
					type: 'options',
					default: 'text',
					options: FIELD_TYPES,
				},
				{
					displayName: 'Options',
					name: 'fieldOptions',
					type: 'string',
					default: '',
					placeholder: 'e.g. Yes, No, Later',
					description: 'The choices of the list, comma-separated',
					displayOptions: { show: { fieldType: ['dropdown'] } },
				},
				{
					displayName: 'Required Field',
					name: 'requiredField',
					type: 'boolean',
					default: false,
					description: 'Whether the form can be submitted only with this field filled in',
				},
			],
		},
	],
};

export interface SendAndWaitPropertiesOptions {
	resource: string;
	/** Where the message goes (mailbox, recipients, team and channel, chat...). */
	target: INodeProperties[];
	/** A Subject field (Mail, channel posts). */
	subject: boolean;
	/**
	 * "Accept Answers Only From Recipients" (on by default): what it means for this node; none
	 * where every link goes to a shared conversation (a channel).
	 */
	recipientsOnly?: { description: string };
}

/** Every parameter of a resource's Send and Wait operation. */
export function sendAndWaitProperties(options: SendAndWaitPropertiesOptions): INodeProperties[] {
	const approvalValues: INodeProperties[] = [
		{
			displayName: 'Type of Approval',
			name: 'approvalType',
			type: 'options',
			default: 'single',
			options: [
				{ name: 'Approve Only', value: 'single' },
				{ name: 'Approve and Disapprove', value: 'double' },
			],
		},
		{
			displayName: 'Approve Button Label',
			name: 'approveLabel',
			type: 'string',
			default: 'Approve',
		},
		{
			displayName: 'Disapprove Button Label',
			name: 'disapproveLabel',
			type: 'string',
			default: 'Decline',
			displayOptions: { show: { approvalType: ['double'] } },
		},
	];
	const commonOptions: INodeProperties[] = [limitWaitTime];
	const properties: INodeProperties[] = [
		...options.target,
		...(options.recipientsOnly
			? [
					{
						displayName: 'Accept Answers Only From Recipients',
						name: 'recipientsOnly',
						type: 'boolean',
						default: true,
						description: options.recipientsOnly.description,
					} as INodeProperties,
				]
			: []),
		...(options.subject
			? [
					{
						displayName: 'Subject',
						name: 'subject',
						type: 'string',
						default: '',
						required: true,
						placeholder: 'e.g. Approval required',
					} as INodeProperties,
				]
			: []),
		{
			displayName: 'Message',
			name: 'message',
			type: 'string',
			default: '',
			required: true,
			typeOptions: { rows: 4 },
			description: 'Plain text; line breaks are kept',
		},
		{
			displayName: 'Response Type',
			name: 'responseType',
			type: 'options',
			default: 'approval',
			options: [
				{
					name: 'Approval',
					value: 'approval',
					description: 'The recipient approves (or declines) with a button in the message',
				},
				{
					name: 'Free Text',
					value: 'freeText',
					description: 'The recipient answers in a text box on a form',
				},
				{
					name: 'Custom Form',
					value: 'customForm',
					description: 'The recipient fills in a form with the fields you define',
				},
			],
		},
		{ ...formFields, displayOptions: { show: { responseType: ['customForm'] } } },
		{
			displayName: 'Approval Options',
			name: 'approvalOptions',
			type: 'fixedCollection',
			placeholder: 'Add option',
			default: {},
			options: [{ displayName: 'Values', name: 'values', values: approvalValues }],
			displayOptions: { show: { responseType: ['approval'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: commonOptions,
			displayOptions: { show: { responseType: ['approval'] } },
		},
		{
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: [
				...commonOptions,
				{
					displayName: 'Message Button Label',
					name: 'messageButtonLabel',
					type: 'string',
					default: 'Respond',
				},
				{
					displayName: 'Form Button Label',
					name: 'responseFormButtonLabel',
					type: 'string',
					default: 'Submit',
				},
				{
					displayName: 'Form Description',
					name: 'responseFormDescription',
					type: 'string',
					default: '',
					description: 'Text above the form (default: the message)',
				},
				{
					displayName: 'Form Title',
					name: 'responseFormTitle',
					type: 'string',
					default: '',
				},
			],
			displayOptions: { show: { responseType: ['freeText', 'customForm'] } },
		},
	];
	return updateDisplayOptions(
		{ show: { resource: [options.resource], operation: [SEND_AND_WAIT_OPERATION] } },
		properties,
	);
}
