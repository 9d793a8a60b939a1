/**
 * Exchange Online's SMTP submission endpoint (smtp.office365.com:587) for the emulator, on the
 * `smtp-server` package: STARTTLS with the emulator's server certificate (AUTH is refused before
 * it), AUTH XOAUTH2 only, and the token checked as Exchange checks it — signature and lifetime,
 * audience Outlook (`https://outlook.office.com` / `https://outlook.office365.com`), delegated
 * `SMTP.Send` for the user named in the XOAUTH2 string or the app role `SMTP.SendAsApp` for an
 * existing mailbox. Every failure answers `535 5.7.3 Authentication unsuccessful` as Exchange
 * does (it never says which check failed); the reason is kept in `attempts` for tests.
 *
 * MAIL FROM must be the signed-in mailbox or one it has send-as rights on (else
 * `554 5.2.252 SendAsDenied`, Exchange's answer). Received messages are recorded with their
 * envelope and raw bytes.
 */
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerSession } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import type { Directory, User } from './tenant';
import type { AccessTokenClaims, TokenService } from './tokens';

export interface SmtpAuthAttempt {
	user: string;
	ok: boolean;
	/** Why it failed (the client only sees 535 5.7.3). */
	reason?: 'starttls' | 'token' | 'audience' | 'scope' | 'user' | 'mailbox';
	scheme?: 'delegated' | 'application';
	secure: boolean;
}

export interface SmtpReceived {
	/** The mailbox that signed in. */
	user: string;
	scheme: 'delegated' | 'application';
	appId: string;
	mailFrom: string;
	rcptTo: string[];
	raw: Buffer;
	/** Headers of the message (lower-case names, first value). */
	headers: Record<string, string>;
}

interface SessionAuth {
	user: User;
	claims: AccessTokenClaims;
	scheme: 'delegated' | 'application';
}

const UNSUCCESSFUL = '5.7.3 Authentication unsuccessful [EMULATOR.prod.outlook.com]';

function smtpError(code: number, message: string): Error & { responseCode: number } {
	return Object.assign(new Error(message), { responseCode: code });
}

function parseHeaders(raw: Buffer): Record<string, string> {
	const text = raw.toString('utf8');
	const end = text.search(/\r?\n\r?\n/);
	const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r?\n[ \t]+/g, ' ');
	const out: Record<string, string> = {};
	for (const line of head.split(/\r?\n/)) {
		const i = line.indexOf(':');
		if (i <= 0) continue;
		const name = line.slice(0, i).trim().toLowerCase();
		if (!(name in out)) out[name] = line.slice(i + 1).trim();
	}
	return out;
}

export class SmtpEmulator {
	readonly attempts: SmtpAuthAttempt[] = [];
	readonly received: SmtpReceived[] = [];
	private readonly server: SMTPServer;

	constructor(
		private readonly directory: Directory,
		private readonly tokens: TokenService,
		tls: { key: string; cert: string },
	) {
		this.server = new SMTPServer({
			secure: false,
			key: tls.key,
			cert: tls.cert,
			name: 'EMULATOR.prod.outlook.com',
			banner: 'Microsoft ESMTP MAIL Service ready (emulator)',
			authMethods: ['XOAUTH2'],
			size: 150 * 1024 * 1024,
			disabledCommands: [],
			logger: false,
			onAuth: (auth, session, callback) => {
				try {
					const result = this.authenticate(auth, session);
					(session as SMTPServerSession & { m365?: SessionAuth }).m365 = result;
					callback(null, { user: result.user.userPrincipalName });
				} catch (error) {
					callback(error as Error);
				}
			},
			onMailFrom: (address, session, callback) => {
				const auth = (session as SMTPServerSession & { m365?: SessionAuth }).m365;
				if (!auth) return callback(smtpError(530, '5.7.57 Client not authenticated to send mail.'));
				const from = address.address.toLowerCase();
				const own = [auth.user.userPrincipalName, auth.user.mail ?? ''].map((a) => a.toLowerCase());
				if (own.includes(from)) return callback();
				const tenant = this.directory.findTenant(auth.claims.tid);
				const owner =
					tenant?.findUser(from) ??
					tenant?.users.find((u) => (u.mail ?? '').toLowerCase() === from);
				const allowed = owner?.sendAs.some(
					(s) =>
						s.toLowerCase() === auth.user.userPrincipalName.toLowerCase() || s === auth.user.id,
				);
				if (allowed) return callback();
				return callback(
					smtpError(
						554,
						`5.2.252 SendAsDenied; ${auth.user.userPrincipalName} not allowed to send as ${from}`,
					),
				);
			},
			onData: (stream, session, callback) => {
				const chunks: Buffer[] = [];
				stream.on('data', (chunk: Buffer) => chunks.push(chunk));
				stream.on('end', () => {
					const auth = (session as SMTPServerSession & { m365?: SessionAuth }).m365!;
					const raw = Buffer.concat(chunks);
					this.received.push({
						user: auth.user.userPrincipalName,
						scheme: auth.scheme,
						appId: auth.claims.appid,
						mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
						rcptTo: session.envelope.rcptTo.map((r) => r.address),
						raw,
						headers: parseHeaders(raw),
					});
					callback(null, 'Queued mail for delivery');
				});
			},
		});
	}

	private authenticate(auth: SMTPServerAuthentication, session: SMTPServerSession): SessionAuth {
		const attempt: SmtpAuthAttempt = {
			user: auth.username ?? '',
			ok: false,
			secure: session.secure,
		};
		this.attempts.push(attempt);
		const fail = (reason: SmtpAuthAttempt['reason']) => {
			attempt.reason = reason;
			return smtpError(535, UNSUCCESSFUL);
		};
		if (!session.secure) throw fail('starttls');
		const check = this.tokens.check(`Bearer ${auth.accessToken ?? ''}`, 'outlook');
		if (!check.ok) throw fail(check.reason === 'audience' ? 'audience' : 'token');
		const claims = check.claims;
		const tenant = this.directory.findTenant(claims.tid);
		const key = String(auth.username ?? '').toLowerCase();
		const user =
			tenant?.findUser(key) ?? tenant?.users.find((u) => (u.mail ?? '').toLowerCase() === key);
		if (claims.idtyp === 'user') {
			attempt.scheme = 'delegated';
			const scopes = String(claims.scp ?? '').split(' ');
			if (!scopes.includes('SMTP.Send')) throw fail('scope');
			if (!user || user.id !== claims.oid) throw fail('user');
		} else {
			attempt.scheme = 'application';
			if (!(claims.roles ?? []).includes('SMTP.SendAsApp')) throw fail('scope');
			if (!user) throw fail('user');
		}
		if (!user || user.mailbox === 'none') throw fail('mailbox');
		attempt.ok = true;
		return { user, claims, scheme: attempt.scheme };
	}

	async listen(port = 0, host = '127.0.0.1'): Promise<number> {
		await new Promise<void>((resolve, reject) => {
			this.server.once('error', reject);
			this.server.listen(port, host, () => resolve());
		});
		return (this.server.server.address() as AddressInfo).port;
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}
