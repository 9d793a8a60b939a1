/**
 * What a Send and Wait operation reads before anything is sent: the kind of answer (approval,
 * free text, custom form), its labels and form fields, the wait time, and whether answers must
 * come through a recipient's own link. Every check here runs before the first request, and each
 * error names the field.
 */
import {
	NodeOperationError,
	WAIT_INDEFINITELY,
	type IDataObject,
	type IExecuteFunctions,
	type INode,
	type IWebhookFunctions,
} from 'n8n-workflow';

export type ResponseType = 'approval' | 'freeText' | 'customForm';

export interface FormField {
	label: string;
	type: 'checkbox' | 'date' | 'dropdown' | 'email' | 'number' | 'text' | 'textarea';
	options: string[];
	required: boolean;
}

export interface AnswerConfig {
	responseType: ResponseType;
	approvalType: 'single' | 'double';
	approveLabel: string;
	disapproveLabel: string;
	/** The button of the free-text and custom-form messages. */
	respondLabel: string;
	fields: FormField[];
	recipientsOnly: boolean;
}

export interface AnswerLink {
	label: string;
	url: string;
	/** Whether the link approves (approval) or opens the form (true); false declines. */
	approved: boolean;
	style: 'primary' | 'secondary';
}

/** Bad input of a Send and Wait operation: names the field; nothing was sent. */
export function sendAndWaitInputError(
	node: INode,
	field: string,
	message: string,
	itemIndex?: number,
): NodeOperationError {
	return new NodeOperationError(node, `${field}: ${message}`, {
		itemIndex,
		description: `Fix the "${field}" parameter; nothing was sent.`,
	});
}

const FIELD_TYPES = new Set<FormField['type']>([
	'checkbox',
	'date',
	'dropdown',
	'email',
	'number',
	'text',
	'textarea',
]);

type ParameterReader = (name: string, fallback: unknown) => unknown;

/**
 * The custom form's fields from the "Form Fields" parameter; labels must be present and unique
 * (the answer carries each value under its label), a list needs its options.
 */
export function formFieldsFrom(node: INode, raw: unknown, itemIndex?: number): FormField[] {
	const values = ((raw as IDataObject | undefined)?.values ?? []) as IDataObject[];
	const fields: FormField[] = [];
	const seen = new Set<string>();
	values.forEach((value, i) => {
		const label = String(value.fieldLabel ?? '').trim();
		if (!label)
			throw sendAndWaitInputError(node, 'Form Fields', `field ${i + 1} has no label`, itemIndex);
		if (seen.has(label.toLowerCase()))
			throw sendAndWaitInputError(
				node,
				'Form Fields',
				`two fields are labelled "${label}": each label must be unique (the answer carries each value under its label)`,
				itemIndex,
			);
		seen.add(label.toLowerCase());
		const type = String(value.fieldType ?? 'text') as FormField['type'];
		if (!FIELD_TYPES.has(type))
			throw sendAndWaitInputError(
				node,
				'Form Fields',
				`"${label}" has an unknown element type "${type}"`,
				itemIndex,
			);
		const options =
			type === 'dropdown'
				? String(value.fieldOptions ?? '')
						.split(',')
						.map((s) => s.trim())
						.filter(Boolean)
				: [];
		if (type === 'dropdown' && options.length === 0)
			throw sendAndWaitInputError(
				node,
				'Form Fields',
				`the list "${label}" has no options: enter them comma-separated`,
				itemIndex,
			);
		fields.push({ label, type, options, required: value.requiredField === true });
	});
	return fields;
}

function readConfig(node: INode, read: ParameterReader, itemIndex?: number): AnswerConfig {
	const responseType = String(read('responseType', 'approval')) as ResponseType;
	const approval = (read('approvalOptions.values', {}) ?? {}) as IDataObject;
	const options = (read('options', {}) ?? {}) as IDataObject;
	const fields =
		responseType === 'customForm' ? formFieldsFrom(node, read('formFields', {}), itemIndex) : [];
	if (responseType === 'customForm' && fields.length === 0)
		throw sendAndWaitInputError(
			node,
			'Form Fields',
			'add at least one field to the form (or choose Response Type "Free Text")',
			itemIndex,
		);
	const text = (value: unknown, fallback: string) => String(value ?? '').trim() || fallback;
	return {
		responseType,
		approvalType: approval.approvalType === 'double' ? 'double' : 'single',
		approveLabel: text(approval.approveLabel, 'Approve'),
		disapproveLabel: text(approval.disapproveLabel, 'Decline'),
		respondLabel: text(options.messageButtonLabel, 'Respond'),
		fields,
		// Absent where the node has no such option (a channel: its links name nobody).
		recipientsOnly: read('recipientsOnly', false) === true,
	};
}

/** The answer configuration of the item being sent. */
export function answerConfig(ctx: IExecuteFunctions, itemIndex: number): AnswerConfig {
	return readConfig(
		ctx.getNode(),
		(name, fallback) => ctx.getNodeParameter(name, itemIndex, fallback),
		itemIndex,
	);
}

/** The same configuration, read again when an answer comes in. */
export function webhookAnswerConfig(ctx: IWebhookFunctions): AnswerConfig {
	return readConfig(ctx.getNode(), (name, fallback) => ctx.getNodeParameter(name, fallback));
}

/**
 * The links of one message: approve (and decline), or one link to the form. Each is the
 * execution's resume URL signed by n8n with its query (`approved`, `recipient`): a link cannot
 * be changed to another answer or another recipient without breaking the signature.
 */
export function answerLinks(
	ctx: IExecuteFunctions,
	config: AnswerConfig,
	recipient: string | undefined,
): AnswerLink[] {
	const sign = (query: Record<string, string>) =>
		ctx.getSignedResumeUrl(recipient === undefined ? query : { ...query, recipient });
	if (config.responseType !== 'approval')
		return [{ label: config.respondLabel, url: sign({}), approved: true, style: 'primary' }];
	const approve: AnswerLink = {
		label: config.approveLabel,
		url: sign({ approved: 'true' }),
		approved: true,
		style: 'primary',
	};
	if (config.approvalType === 'single') return [approve];
	return [
		approve,
		{
			label: config.disapproveLabel,
			url: sign({ approved: 'false' }),
			approved: false,
			style: 'secondary',
		},
	];
}

const UNIT_MS = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/**
 * When the wait ends (Limit Wait Time), or n8n's "wait indefinitely" date. An interval of 0 or
 * less, a date that is not one, or a date not in the future is refused, naming the field.
 */
export function waitTillDate(ctx: IExecuteFunctions, itemIndex: number, now = Date.now()): Date {
	const node = ctx.getNode();
	const limit = ctx.getNodeParameter('options.limitWaitTime.values', itemIndex, {}) as IDataObject;
	if (!limit || Object.keys(limit).length === 0) return WAIT_INDEFINITELY;
	if ((limit.limitType ?? 'afterTimeInterval') === 'afterTimeInterval') {
		const amount = Number(limit.resumeAmount ?? 1);
		const unit = String(limit.resumeUnit ?? 'hours') as keyof typeof UNIT_MS;
		if (!(unit in UNIT_MS))
			throw sendAndWaitInputError(
				node,
				'Limit Wait Time',
				`unit "${unit}" is not minutes, hours or days`,
				itemIndex,
			);
		if (!Number.isFinite(amount) || amount <= 0)
			throw sendAndWaitInputError(
				node,
				'Limit Wait Time',
				`Amount must be more than 0 (it is ${String(limit.resumeAmount)})`,
				itemIndex,
			);
		return new Date(now + amount * UNIT_MS[unit]);
	}
	const raw = limit.maxDateAndTime;
	const date = new Date(
		raw instanceof Date
			? raw.getTime()
			: typeof raw === 'object' && raw && 'toISO' in raw
				? String((raw as { toISO(): string }).toISO())
				: String(raw ?? ''),
	);
	if (raw === '' || raw === undefined || Number.isNaN(date.getTime()))
		throw sendAndWaitInputError(
			node,
			'Limit Wait Time',
			`Max Date and Time "${String(raw ?? '')}" is not a date and time`,
			itemIndex,
		);
	if (date.getTime() <= now)
		throw sendAndWaitInputError(
			node,
			'Limit Wait Time',
			`Max Date and Time ${date.toISOString()} is in the past: choose a time after now`,
			itemIndex,
		);
	return date;
}
