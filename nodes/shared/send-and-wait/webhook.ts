/**
 * The node's `webhook()` for Send and Wait: takes the answer a link carries and resumes the
 * waiting execution with it (n8n puts the returned item on the node's first output, "Answered").
 *
 * Before this runs, n8n has checked the URL's signature (for nodes whose operation is
 * `sendAndWait`) and that the execution is still waiting: a second answer gets n8n's
 * "no action required" page and changes nothing. Here, again:
 * - the signature, computed with the execution's own `getSignedResumeUrl` from the query as
 *   received, so a link whose `recipient` or `approved` was changed is refused even where n8n's
 *   check did not run;
 * - with "Accept Answers Only From Recipients", a link without a recipient is refused;
 * - approval links opened by a link preview or robot (`isLinkPreview`) answer nothing.
 * Bad requests are answered here (4xx) and never throw: an error in a waiting webhook would end
 * the execution.
 */
import type { IDataObject, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';
import { webhookAnswerConfig, type AnswerConfig, type FormField } from './config';
import { fieldName, formPage, messagePage, PAGE_CSP, RECORDED_PAGE } from './page';
import { isLinkPreview } from './preview';

const SIGNATURE = 'signature';
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

interface WebhookResponse {
	status(code: number): WebhookResponse;
	setHeader(name: string, value: string): unknown;
	send(body: string): unknown;
}

function respond(ctx: IWebhookFunctions, status: number, html: string): IWebhookResponseData {
	const res = ctx.getResponseObject() as unknown as WebhookResponse;
	res.setHeader('Content-Security-Policy', PAGE_CSP);
	res.setHeader('Content-Type', 'text/html; charset=utf-8');
	res.setHeader('Cache-Control', 'no-store');
	res.status(status).send(html);
	return { noWebhookResponse: true };
}

/** The request's query as sent (order kept: the signature covers it in this order). */
function queryOf(ctx: IWebhookFunctions): URLSearchParams {
	const req = ctx.getRequestObject();
	const raw = req.originalUrl ?? req.url ?? '';
	return new URL(raw, 'http://localhost').searchParams;
}

/** Whether the link's signature matches its query, as `getSignedResumeUrl` signs it. */
export function signatureMatches(ctx: IWebhookFunctions, query: URLSearchParams): boolean {
	const given = query.get(SIGNATURE);
	if (!given) return false;
	const params: Record<string, string> = {};
	for (const [key, value] of query) {
		if (key === SIGNATURE) continue;
		if (key in params) return false; // a repeated parameter: not a link the node made
		params[key] = value;
	}
	let expected: string | null;
	try {
		expected = new URL(ctx.getSignedResumeUrl(params)).searchParams.get(SIGNATURE);
	} catch {
		// No execution to sign for here: n8n's own check (before this webhook) stands.
		return true;
	}
	return expected !== null && expected === given;
}

function bodyOf(ctx: IWebhookFunctions): IDataObject {
	const body = (ctx.getBodyData() ?? {}) as IDataObject;
	// A multipart form arrives as { data, files }; a URL-encoded one as the fields themselves.
	if (body.data && typeof body.data === 'object' && !Array.isArray(body.data))
		return body.data as IDataObject;
	return body;
}

function single(value: unknown): string | undefined {
	if (Array.isArray(value)) return value.length ? String(value[0]) : undefined;
	return value === undefined || value === null ? undefined : String(value);
}

/** The form's answer by field label, or the first problem with it. */
export function readForm(
	fields: FormField[],
	body: IDataObject,
):
	| { values: IDataObject; shown: Record<string, string> }
	| { error: string; shown: Record<string, string> } {
	const values: IDataObject = {};
	const shown: Record<string, string> = {};
	for (const [i, field] of fields.entries()) {
		const raw = single(body[fieldName(i)]);
		const text = (raw ?? '').trim();
		if (raw !== undefined) shown[fieldName(i)] = raw;
		if (field.type === 'checkbox') {
			const checked = text !== '' && text !== 'false' && text !== 'off';
			if (field.required && !checked) return { error: `"${field.label}" must be ticked.`, shown };
			values[field.label] = checked;
			continue;
		}
		if (!text) {
			if (field.required) return { error: `"${field.label}" is required.`, shown };
			values[field.label] = field.type === 'number' ? null : '';
			continue;
		}
		if (field.type === 'number') {
			const n = Number(text);
			if (!Number.isFinite(n)) return { error: `"${field.label}" must be a number.`, shown };
			values[field.label] = n;
		} else if (field.type === 'email' && !EMAIL.test(text)) {
			return { error: `"${field.label}" must be an email address.`, shown };
		} else if (field.type === 'date' && !DATE.test(text)) {
			return { error: `"${field.label}" must be a date (YYYY-MM-DD).`, shown };
		} else if (field.type === 'dropdown' && !field.options.includes(text)) {
			return { error: `"${field.label}" must be one of the listed choices.`, shown };
		} else {
			values[field.label] = raw ?? '';
		}
	}
	return { values, shown };
}

function answered(
	ctx: IWebhookFunctions,
	answer: IDataObject,
	recipient: string | undefined,
): IWebhookResponseData {
	respond(ctx, 200, RECORDED_PAGE);
	return {
		noWebhookResponse: true,
		workflowData: [
			[
				{
					json: {
						// Set last: a form field of the same name cannot replace them.
						data: {
							...answer,
							respondedBy: recipient ?? null,
							respondedAt: new Date().toISOString(),
						},
					},
				},
			],
		],
	};
}

function formFields(config: AnswerConfig): FormField[] {
	if (config.responseType === 'customForm') return config.fields;
	return [{ label: 'Response', type: 'textarea', options: [], required: true }];
}

export async function sendAndWaitWebhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
	const req = this.getRequestObject();
	const method = String(req.method ?? 'GET').toUpperCase();
	const query = queryOf(this);
	if (!signatureMatches(this, query))
		return respond(
			this,
			401,
			messagePage('Link not valid', 'This link is not valid: it was changed or is incomplete.'),
		);
	let config: AnswerConfig;
	try {
		config = webhookAnswerConfig(this);
	} catch (error) {
		return respond(
			this,
			500,
			messagePage('Form not available', `The form cannot be shown: ${(error as Error).message}`),
		);
	}
	const recipient = query.get('recipient') ?? undefined;
	if (config.recipientsOnly && !recipient)
		return respond(
			this,
			403,
			messagePage(
				'Link not accepted',
				'Only the links sent to each recipient are accepted, and this link names no recipient.',
			),
		);
	if (config.responseType === 'approval') {
		if (isLinkPreview(req.headers?.['user-agent']))
			return respond(
				this,
				200,
				messagePage('Open in a browser', 'Open this link in your browser to answer.'),
			);
		return answered(this, { approved: query.get('approved') === 'true' }, recipient);
	}
	const options = (this.getNodeParameter('options', {}) ?? {}) as IDataObject;
	const fields = formFields(config);
	const form = {
		title: String(options.responseFormTitle ?? ''),
		description: String(
			options.responseFormDescription || this.getNodeParameter('message', '') || '',
		),
		buttonLabel: String(options.responseFormButtonLabel || 'Submit'),
		fields,
	};
	if (method !== 'POST') return respond(this, 200, formPage(form));
	const result = readForm(fields, bodyOf(this));
	if ('error' in result)
		return respond(this, 400, formPage({ ...form, values: result.shown, error: result.error }));
	const answer =
		config.responseType === 'freeText'
			? { text: String(result.values.Response ?? '') }
			: result.values;
	return answered(this, answer, recipient);
}
