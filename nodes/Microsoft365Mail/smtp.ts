/**
 * Send through Exchange Online's SMTP submission endpoint with OAuth2 (XOAUTH2), the only
 * non-Graph client in the package: nodemailer, with STARTTLS required and a token for the
 * Outlook resource from the credential's token provider (`getToken({ resource: 'outlook' })`):
 * app-only `https://outlook.office365.com/.default` (SMTP.SendAsApp) signing in as the named
 * mailbox, or a delegated credential whose Resource is "Outlook Legacy Protocols" (SMTP.Send)
 * signing in as its user. One connection per signed-in mailbox serves all items of the run.
 */
import {
	createTransport,
	type SendMailOptions,
	type SentMessageInfo,
	type Transporter,
} from 'nodemailer';
import { NodeOperationError, type IDataObject, type IExecuteFunctions } from 'n8n-workflow';
import { jwtClaims } from '../shared/auth';
import { markMayHaveActed } from '../shared/errors';
import { registerSecret, redact } from '../shared/redact';
import type { GraphTransport } from '../shared/transport';
import { assertSupportedProxy, proxyForSmtp } from '../shared/transport/http-client';
import { streamAttachment, type AttachmentSource } from './attachments';
import { addresses, type GraphMessage, type GraphRecipient } from './compose';
import type { MailboxTarget } from './mailbox';

export interface SmtpJob {
	itemIndex: number;
	target: MailboxTarget;
	message: GraphMessage;
	attachments: AttachmentSource[];
}

export interface SmtpSettings {
	host: string;
	port: number;
}

function list(recipients: GraphRecipient[] | undefined) {
	return (recipients ?? []).map((r) => ({
		name: r.emailAddress.name ?? '',
		address: r.emailAddress.address,
	}));
}

/** Exchange's SMTP answers, as actions a user can take. */
export function smtpErrorMessage(
	error: unknown,
	scheme: string,
	settings: SmtpSettings,
): { message: string; description: string } {
	const e = error as { code?: string; responseCode?: number; response?: string; message?: string };
	const response = redact(String(e.response ?? e.message ?? error));
	if (e.code === 'EAUTH' || e.responseCode === 535) {
		return {
			message: `SMTP sign-in refused by ${settings.host}: ${response}`,
			description:
				scheme === 'application'
					? 'Exchange answers "535 5.7.3 Authentication unsuccessful" when the token is not for Outlook (its audience must be https://outlook.office365.com: check the credential\'s Cloud and Outlook resource), when the app lacks the Office 365 Exchange Online application permission SMTP.SendAsApp (with admin consent), when the app\'s service principal was not registered in Exchange (New-ServicePrincipal) and given rights on the mailbox (Add-MailboxPermission), or when SMTP AUTH is disabled for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false).'
					: 'Exchange answers "535 5.7.3 Authentication unsuccessful" when the token is not for Outlook: use a Microsoft 365 Delegated OAuth2 credential with Sign In For "Outlook Legacy Protocols" and the SMTP protocol (scope https://outlook.office.com/SMTP.Send), signed in as the sending user; also when SMTP AUTH is disabled for the mailbox (Set-CASMailbox -SmtpClientAuthenticationDisabled $false).',
		};
	}
	if (/SendAsDenied/i.test(response)) {
		return {
			message: `Exchange refused the sender: ${response}`,
			description:
				'The signed-in mailbox needs Send As rights on the mailbox in "Mailbox" (Exchange admin center → Recipients → Mailboxes → Delegation).',
		};
	}
	return {
		message: `SMTP sending through ${settings.host}:${settings.port} failed: ${response}`,
		description:
			'Check the SMTP host and port (smtp.office365.com, 587 with STARTTLS) and that the network allows the connection.',
	};
}

/**
 * Whether an SMTP failure may have come after the server took the message: anything but a
 * refusal before DATA (connection, TLS, AUTH, MAIL FROM, RCPT TO) — e.g. the connection dropped
 * while the message was sent or before the server's "250" after it.
 */
export function mayHaveBeenSubmitted(error: unknown): boolean {
	const e = error as { code?: string; command?: string; responseCode?: number };
	// Refused before any message went out: no connection, no TLS, sign-in or envelope refused.
	if (['ECONNREFUSED', 'EDNS', 'ENOTFOUND', 'ETLS', 'EAUTH', 'EENVELOPE'].includes(String(e.code)))
		return false;
	// A server answer to a command before DATA. (A dropped connection is reported with the
	// command "CONN" whatever the phase, so it proves nothing.)
	const command = String(e.command ?? '').toUpperCase();
	if (e.responseCode && /^(EHLO|HELO|LHLO|STARTTLS|AUTH|MAIL FROM|RCPT TO)/.test(command))
		return false;
	return true;
}

/** Sends the jobs in order; one result per job. */
export async function sendSmtp(
	ctx: IExecuteFunctions,
	transport: GraphTransport,
	jobs: SmtpJob[],
	settings: SmtpSettings,
): Promise<Map<SmtpJob, IDataObject | Error>> {
	const results = new Map<SmtpJob, IDataObject | Error>();
	if (!jobs.length) return results;
	const scheme = transport.scheme;
	let token: string;
	try {
		token = await transport.provider.getToken({ resource: 'outlook' });
	} catch (error) {
		for (const job of jobs) results.set(job, error as Error);
		return results;
	}
	registerSecret(token);
	const signedIn = String(jwtClaims(token).upn ?? jwtClaims(token).unique_name ?? '');
	const mailers = new Map<string, Transporter>();
	const mailerFor = (user: string): Transporter => {
		let mailer = mailers.get(user.toLowerCase());
		if (!mailer) {
			// An HTTP CONNECT tunnel through HTTPS_PROXY (else HTTP_PROXY) unless NO_PROXY lists the host.
			const proxy = proxyForSmtp(settings.host, settings.port);
			if (proxy) assertSupportedProxy(proxy);
			mailer = createTransport({
				...(proxy ? { proxy } : {}),
				host: settings.host,
				port: settings.port,
				secure: settings.port === 465,
				requireTLS: settings.port !== 465,
				pool: true,
				maxConnections: 1,
				auth: { type: 'OAuth2', user, accessToken: token },
			});
			mailers.set(user.toLowerCase(), mailer);
		}
		return mailer;
	};
	// A stored token Exchange no longer accepts (revoked or expired early) fails at AUTH, before
	// anything is submitted: get a new one once and try again, as the Graph path does after a 401.
	let refreshed = false;
	const refreshAfterAuthFailure = async (error: unknown): Promise<boolean> => {
		const e = error as { code?: string; responseCode?: number };
		if (refreshed || !(e.code === 'EAUTH' || e.responseCode === 535)) return false;
		refreshed = true;
		try {
			token = await transport.provider.getToken({ resource: 'outlook', forceRefresh: true });
		} catch {
			return false;
		}
		registerSecret(token);
		for (const mailer of mailers.values()) mailer.close();
		mailers.clear();
		return true;
	};
	try {
		for (const job of jobs) {
			const user = scheme === 'application' ? job.target.mailbox : signedIn;
			const from = job.target.mailbox || signedIn;
			try {
				const m = job.message;
				// Built per attempt: attachment streams are read once.
				const mail = async (): Promise<SendMailOptions> => ({
					from,
					to: list(m.toRecipients),
					cc: list(m.ccRecipients),
					bcc: list(m.bccRecipients),
					replyTo: list(m.replyTo),
					subject: m.subject,
					...(m.body.contentType === 'HTML' ? { html: m.body.content } : { text: m.body.content }),
					priority: m.importance === 'High' ? 'high' : m.importance === 'Low' ? 'low' : 'normal',
					headers: Object.fromEntries(
						(m.internetMessageHeaders ?? []).map((h) => [h.name, h.value]),
					),
					attachments: await Promise.all(
						job.attachments.map(async (a) => ({
							filename: a.fileName,
							contentType: a.mimeType,
							content: await streamAttachment(ctx, job.itemIndex, a),
						})),
					),
				});
				const attempt = async (): Promise<{ info: SentMessageInfo } | { failure: unknown }> => {
					try {
						return { info: await mailerFor(user).sendMail(await mail()) };
					} catch (failure) {
						return { failure };
					}
				};
				let outcome = await attempt();
				if ('failure' in outcome && (await refreshAfterAuthFailure(outcome.failure))) {
					outcome = await attempt();
				}
				if ('failure' in outcome) {
					const { message, description } = smtpErrorMessage(outcome.failure, scheme, settings);
					const uncertain = mayHaveBeenSubmitted(outcome.failure);
					const error = new NodeOperationError(ctx.getNode(), message, {
						description: uncertain
							? `${description} The message was handed to the server before the failure, so it may have been sent: it is not sent again (not even by Retry On Fail); check the recipient's mailbox or the Sent Items before running it again.`
							: description,
						itemIndex: job.itemIndex,
					});
					results.set(job, uncertain ? markMayHaveActed(error) : error);
					continue;
				}
				const info = outcome.info;
				results.set(job, {
					sent: true,
					transport: 'smtp',
					mailbox: from,
					subject: m.subject,
					to: addresses(m.toRecipients),
					cc: addresses(m.ccRecipients),
					bcc: addresses(m.bccRecipients),
					smtpMessageId: info.messageId,
					smtpResponse: info.response,
				});
			} catch (error) {
				const { message, description } = smtpErrorMessage(error, scheme, settings);
				results.set(
					job,
					new NodeOperationError(ctx.getNode(), message, { description, itemIndex: job.itemIndex }),
				);
			}
		}
	} finally {
		for (const mailer of mailers.values()) mailer.close();
	}
	return results;
}
