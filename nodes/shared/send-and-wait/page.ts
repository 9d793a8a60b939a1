/**
 * The pages the answer links open: the response form (free text or custom fields), "answer
 * recorded", and the refusals. Rendered here, every value HTML-escaped, with a Content Security
 * Policy that allows no script and posts the form only back to the same URL. (n8n's own Send
 * and Wait renders n8n's `form-trigger` template, whose data shape belongs to n8n-nodes-base.)
 */
import type { FormField } from './config';
import { escapeHtml } from '../html';

export const PAGE_CSP =
	"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export { escapeHtml };

const STYLE = `body{font-family:system-ui,-apple-system,"Segoe UI",Arial,sans-serif;background:#f5f6f8;color:#222;margin:0}
main{max-width:480px;margin:40px auto;background:#fff;border:1px solid #dde;border-radius:8px;padding:24px}
h1{font-size:20px;margin:0 0 12px}p{white-space:pre-wrap}label{display:block;font-weight:600;margin:16px 0 4px}
input,textarea,select{width:100%;box-sizing:border-box;padding:8px;border:1px solid #bbc;border-radius:4px;font:inherit}
input[type=checkbox]{width:auto}textarea{min-height:96px}.error{color:#b00020}
button{margin-top:20px;background:#5b5fc7;color:#fff;border:0;border-radius:4px;padding:10px 20px;font:inherit;cursor:pointer}`;

export function page(title: string, body: string): string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

export function messagePage(title: string, text: string): string {
	return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p>`);
}

export const RECORDED_PAGE = messagePage(
	'Got it, thanks',
	'Your answer is recorded. You can close this page.',
);

/** The form field's input name: `field-0`, `field-1`... (labels may hold any character). */
export const fieldName = (index: number) => `field-${index}`;

function control(field: FormField, index: number, value: string | undefined): string {
	const name = fieldName(index);
	const required = field.required ? ' required' : '';
	const current = value === undefined ? '' : escapeHtml(value);
	switch (field.type) {
		case 'textarea':
			return `<textarea id="${name}" name="${name}"${required}>${current}</textarea>`;
		case 'dropdown':
			return `<select id="${name}" name="${name}"${required}><option value=""></option>${field.options
				.map(
					(o) =>
						`<option value="${escapeHtml(o)}"${o === value ? ' selected' : ''}>${escapeHtml(o)}</option>`,
				)
				.join('')}</select>`;
		case 'checkbox':
			return `<input type="checkbox" id="${name}" name="${name}" value="on"${value ? ' checked' : ''}${required}>`;
		default:
			return `<input type="${field.type}" id="${name}" name="${name}" value="${current}"${field.type === 'number' ? ' step="any"' : ''}${required}>`;
	}
}

export interface FormPage {
	title: string;
	description: string;
	buttonLabel: string;
	fields: FormField[];
	/** Values to show again (after a refused submission), by field name. */
	values?: Record<string, string>;
	error?: string;
}

/**
 * The response form. It posts to the page's own URL, signature and all, as multipart/form-data:
 * n8n accepts only that for a Send and Wait custom form (`requiresMultipartFormData`).
 */
export function formPage(form: FormPage): string {
	const controls = form.fields
		.map(
			(field, i) =>
				`<label for="${fieldName(i)}">${escapeHtml(field.label)}${field.required ? ' *' : ''}</label>${control(field, i, form.values?.[fieldName(i)])}`,
		)
		.join('');
	return page(
		form.title || 'Your answer',
		`${form.title ? `<h1>${escapeHtml(form.title)}</h1>` : ''}${form.description ? `<p>${escapeHtml(form.description)}</p>` : ''}${form.error ? `<p class="error" role="alert">${escapeHtml(form.error)}</p>` : ''}<form method="POST" enctype="multipart/form-data">${controls}<button type="submit">${escapeHtml(form.buttonLabel || 'Submit')}</button></form>`,
	);
}
