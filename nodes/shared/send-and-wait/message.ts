/**
 * The message a recipient gets: the text and one button per answer link, as HTML for mail and as
 * an Adaptive Card for Teams (`Action.OpenUrl` buttons: the link opens in the browser, no bot
 * needed). The text is the user's plain text, escaped; line breaks kept.
 */
import type { IDataObject } from 'n8n-workflow';
import type { AnswerLink } from './config';
import { escapeHtml } from './page';

const BUTTON = {
	primary:
		'display:inline-block;text-decoration:none;background-color:#5b5fc7;color:#ffffff;padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;font-weight:600;border-radius:6px;margin:12px 6px 0 0;',
	secondary:
		'display:inline-block;text-decoration:none;background-color:#ffffff;color:#4a4a4a;padding:12px 24px;font-family:Arial,sans-serif;font-size:14px;font-weight:600;border:1px solid #d1d1d1;border-radius:6px;margin:12px 6px 0 0;',
};

/** The mail body (HTML): the message, then the buttons. */
export function mailHtml(message: string, links: AnswerLink[]): string {
	const text = escapeHtml(message.trim()).replace(/\r?\n/g, '<br>');
	const buttons = links
		.map(
			(link) =>
				`<a href="${escapeHtml(link.url)}" target="_blank" style="${BUTTON[link.style]}">${escapeHtml(link.label)}</a>`,
		)
		.join('\n');
	return `<html><body><div style="font-family:Arial,sans-serif;font-size:14px;">${text}</div><div>${buttons}</div></body></html>`;
}

/** The Teams card: an optional title, the message, one OpenUrl action per link. */
export function answerCard(message: string, links: AnswerLink[], title?: string): IDataObject {
	const body: IDataObject[] = [];
	if (title)
		body.push({ type: 'TextBlock', text: title, weight: 'Bolder', size: 'Medium', wrap: true });
	body.push({ type: 'TextBlock', text: message.trim(), wrap: true });
	return {
		type: 'AdaptiveCard',
		$schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
		version: '1.4',
		body,
		actions: links.map((link) => ({
			type: 'Action.OpenUrl',
			title: link.label,
			url: link.url,
			...(link.style === 'primary' ? { style: 'positive' } : {}),
		})),
	};
}
