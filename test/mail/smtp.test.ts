/**
 * Send through SMTP with OAuth2 (nodemailer, XOAUTH2) to the emulator's SMTP endpoint:
 * delegated (Outlook-resource credential, SMTP.Send) and app-only (SMTP.SendAsApp, mailbox
 * named) arrive with a valid token; a token for the wrong audience gets Exchange's
 * `535 5.7.3 Authentication unsuccessful`, mapped to an actionable message; AUTH before
 * STARTTLS is refused; no token ever shows in output or errors.
 */
import { createTransport } from 'nodemailer';
import { useEmulator, mintToken } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOB,
	delegatedCredential,
	errorText,
	REPORTS,
	runMail,
	SERVICEDESK,
	type Auth,
} from './helpers';

const emulator = useEmulator({ smtp: true });

/** The SMTP endpoint comes from the credential (its Custom cloud's SMTP Endpoint), never a parameter. */
function smtpParams(extra: Record<string, unknown> = {}) {
	return {
		operation: 'send',
		sendVia: 'smtp',
		...extra,
	};
}

describe('SMTP with XOAUTH2', () => {
	test('delegated (Outlook Legacy Protocols credential): arrives, signed in as the user', async () => {
		const emu = emulator();
		const data = await delegatedCredential(emu, REPORTS, 'outlook');
		const token = String((data.oauthTokenData as { access_token: string }).access_token);
		const { output, error } = await runMail(
			{ kind: 'delegated', data },
			smtpParams({
				toRecipients: `"Alice" <${ALICE}>`,
				subject: 'Over SMTP',
				bodyType: 'html',
				body: '<p>Hello</p>',
				additionalFields: {
					ccRecipients: BOB,
					headers: { header: [{ name: 'x-run', value: '42' }] },
					attachments: 'data',
				},
			}),
			[
				{
					json: {},
					binary: {
						data: {
							content: Buffer.from('csv,data\n'),
							fileName: 'report.csv',
							mimeType: 'text/csv',
						},
					},
				},
			],
		);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({
			sent: true,
			transport: 'smtp',
			mailbox: REPORTS,
			to: [ALICE],
			cc: [BOB],
		});
		const got = emu.smtp!.received.at(-1)!;
		expect(got).toMatchObject({
			user: REPORTS,
			scheme: 'delegated',
			mailFrom: REPORTS,
			rcptTo: [ALICE, BOB],
		});
		expect(got.headers.subject).toBe('Over SMTP');
		expect(got.headers['x-run']).toBe('42');
		expect(got.raw.toString()).toContain('filename=report.csv');
		expect(emu.smtp!.attempts.at(-1)).toMatchObject({
			ok: true,
			secure: true,
			scheme: 'delegated',
		});
		expect(JSON.stringify(output)).not.toContain(token.split('.')[2]);
	});

	test('delegated token refused at AUTH (expired early): refreshed once, sent once', async () => {
		const emu = emulator();
		const data = await delegatedCredential(emu, REPORTS, 'outlook');
		const before = emu.smtp!.received.length;
		emu.tokens.expireAll();
		const { output, error } = await runMail(
			{ kind: 'delegated', data },
			smtpParams({ toRecipients: ALICE, subject: 'After expiry' }),
		);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({ sent: true, transport: 'smtp' });
		const arrived = emu.smtp!.received.slice(before);
		expect(arrived).toHaveLength(1);
		expect(arrived[0].headers.subject).toBe('After expiry');
		const auths = emu.smtp!.attempts.slice(-2);
		expect(auths.map((a) => a.ok)).toEqual([false, true]);
		expect(emu.login.stats.grants.refresh_token).toBeGreaterThan(0);
	});

	test('delegated, from a shared mailbox the user may send as', async () => {
		const emu = emulator();
		const data = await delegatedCredential(emu, REPORTS, 'outlook');
		const { error } = await runMail(
			{ kind: 'delegated', data },
			smtpParams({ mailbox: SERVICEDESK, toRecipients: ALICE, subject: 'Desk' }),
		);
		expect(error).toBeUndefined();
		expect(emu.smtp!.received.at(-1)).toMatchObject({ user: REPORTS, mailFrom: SERVICEDESK });
	});

	test('app-only with a mailbox (https://outlook.office365.com/.default, SMTP.SendAsApp)', async () => {
		const emu = emulator();
		const { output, error } = await runMail(
			{ kind: 'app', data: appCredential(emu) },
			smtpParams({ mailbox: BOB, toRecipients: ALICE, subject: 'App over SMTP' }),
		);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({ transport: 'smtp', mailbox: BOB });
		expect(emu.smtp!.received.at(-1)).toMatchObject({
			user: BOB,
			scheme: 'application',
			mailFrom: BOB,
			rcptTo: [ALICE],
		});
	});

	test('wrong audience: 535 5.7.3 mapped to an actionable message, nothing received', async () => {
		const emu = emulator();
		const before = emu.smtp!.received.length;
		// A custom cloud whose Outlook resource is Graph's: the token is for Graph, not Outlook.
		const auth: Auth = {
			kind: 'app',
			data: appCredential(emu, { customOutlookResource: 'https://graph.microsoft.com' }),
		};
		const r = await runMail(
			auth,
			smtpParams({ mailbox: BOB, toRecipients: ALICE, subject: 'Wrong audience' }),
		);
		expect(r.error?.message).toMatch(
			/SMTP sign-in refused by 127\.0\.0\.1: .*535 5\.7\.3 Authentication unsuccessful/,
		);
		expect(errorText(r)).toMatch(/audience must be https:\/\/outlook\.office365\.com/);
		expect(emu.smtp!.attempts.at(-1)).toMatchObject({ ok: false, reason: 'audience' });
		expect(emu.smtp!.received.length).toBe(before);
		expect(errorText(r)).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}/);
	});

	test('a Graph-resource delegated credential cannot send over SMTP: told what to use', async () => {
		const emu = emulator();
		const data = await delegatedCredential(emu, REPORTS, 'graph');
		const r = await runMail(
			{ kind: 'delegated', data },
			smtpParams({ toRecipients: ALICE, subject: 'x' }),
		);
		expect(errorText(r)).toMatch(/Outlook Legacy Protocols/);
	});

	test('the emulator refuses AUTH before STARTTLS, and a token without SMTP.Send', async () => {
		const emu = emulator();
		const user = REPORTS;
		const good = mintToken(emu, { user, scopes: ['SMTP.Send'], resource: 'outlook' });
		const plain = createTransport({
			host: '127.0.0.1',
			port: emu.smtpPort,
			ignoreTLS: true,
			auth: { type: 'OAuth2', user, accessToken: good },
		});
		await expect(plain.sendMail({ from: user, to: ALICE, text: 'x' })).rejects.toThrow(/STARTTLS/);
		const noScope = mintToken(emu, {
			user,
			scopes: ['IMAP.AccessAsUser.All'],
			resource: 'outlook',
		});
		const tls = createTransport({
			host: '127.0.0.1',
			port: emu.smtpPort,
			requireTLS: true,
			auth: { type: 'OAuth2', user, accessToken: noScope },
		});
		await expect(tls.sendMail({ from: user, to: ALICE, text: 'x' })).rejects.toThrow(
			/535 5\.7\.3 Authentication unsuccessful/,
		);
		expect(emu.smtp!.attempts.at(-1)).toMatchObject({ ok: false, reason: 'scope' });
	});
});
