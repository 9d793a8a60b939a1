/**
 * Message → Send through the node's `execute` (n8n's WorkflowExecute) against the emulator:
 * HTML with cc/bcc, reply-to, headers and three attachments (1 KB and 2.9 MB inline, 40 MB through
 * an attachment upload session streamed from filesystem binary data); send as a shared mailbox
 * (delegated) and as an app with a mailbox, refused outside the credential's restriction; every
 * body sent valid against the Graph CSDL; every bad input refused before any request.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	appCredential,
	BOB,
	CAROL,
	delegatedCredential,
	errorText,
	expectValidBodies,
	graphRequests,
	REPORTS,
	ROOM_BOOKING,
	ROOM_SECRET,
	runMail,
	SERVICEDESK,
	type Auth,
} from './helpers';

const emulator = useEmulator();
const MB = 1024 * 1024;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

let dir: string;
let bigFile: string;
let bigHash: string;
let delegated: Auth;

beforeAll(async () => {
	dir = mkdtempSync(path.join(tmpdir(), 'm365-mail-'));
	bigFile = path.join(dir, 'big.bin');
	const out = createWriteStream(bigFile);
	const hash = createHash('sha256');
	const chunk = randomBytes(MB);
	for (let i = 0; i < 40; i++) {
		chunk[0] = i;
		hash.update(chunk);
		if (!out.write(chunk)) await once(out, 'drain');
	}
	out.end();
	await once(out, 'finish');
	bigHash = hash.digest('hex');
	delegated = { kind: 'delegated', data: await delegatedCredential(emulator()) };
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Send: HTML, cc/bcc, reply-to, headers, three attachments', () => {
	test('the recipient holds one message with identical attachment bytes; bodies valid', async () => {
		const emu = emulator();
		const small = randomBytes(1024);
		const medium = randomBytes(Math.floor(2.9 * MB));
		const received = emu.mail.received.length;
		const mark = emu.mark();
		const before = emu.mail.messages(ALICE).length;
		const { output, error } = await runMail(
			delegated,
			{
				operation: 'send',
				toRecipients: `"Alice Anders" <${ALICE}>`,
				subject: 'Quarterly report',
				bodyType: 'html',
				body: '<p>Attached: the <b>Q3</b> report.</p>',
				additionalFields: {
					ccRecipients: BOB,
					bccRecipients: CAROL,
					replyTo: 'finance@contoso.onmicrosoft.com',
					importance: 'high',
					attachments: 'small, medium, big',
					headers: { header: [{ name: 'x-report-id', value: 'Q3-2025' }] },
				},
			},
			[
				{
					json: {},
					binary: {
						small: { content: small, fileName: 'notes.txt', mimeType: 'text/plain' },
						medium: { content: medium, fileName: 'chart.png', mimeType: 'image/png' },
						big: {
							content: { path: bigFile },
							fileName: 'data.bin',
							mimeType: 'application/octet-stream',
						},
					},
				},
			],
			{ binaryDataMode: 'filesystem' },
		);
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({
			sent: true,
			transport: 'graph-draft',
			attachments: 3,
		});

		const inbox = emu.mail.messages(ALICE);
		expect(inbox.length).toBe(before + 1);
		const m = inbox[0];
		expect(m.subject).toBe('Quarterly report');
		expect(m.body).toEqual({
			contentType: 'html',
			content: '<p>Attached: the <b>Q3</b> report.</p>',
		});
		expect(m.importance).toBe('high');
		expect(m.ccRecipients.map((r) => r.emailAddress.address)).toEqual([BOB]);
		expect(m.bccRecipients).toEqual([]); // Bcc is not shown to recipients
		expect(m.replyTo.map((r) => r.emailAddress.address)).toEqual([
			'finance@contoso.onmicrosoft.com',
		]);
		expect(m.internetMessageHeaders).toEqual([{ name: 'x-report-id', value: 'Q3-2025' }]);
		expect(m.attachments.map((a) => [a.name, a.contentType, a.size, sha(a.bytes)])).toEqual([
			['notes.txt', 'text/plain', 1024, sha(small)],
			['chart.png', 'image/png', medium.length, sha(medium)],
			['data.bin', 'application/octet-stream', 40 * MB, bigHash],
		]);
		// Bcc got its copy; the sender's Sent Items holds one; no draft is left.
		expect(emu.mail.messages(CAROL)[0].subject).toBe('Quarterly report');
		expect(emu.mail.messages(REPORTS, 'sentitems')[0].subject).toBe('Quarterly report');
		expect(emu.mail.messages(REPORTS, 'drafts')).toEqual([]);

		// The 40 MB went in fragments of at most 4 MB to the pre-authenticated URL, without a token.
		const puts = emu.since(mark).filter((e) => e.method === 'PUT');
		expect(puts.length).toBe(11);
		for (const put of puts) {
			expect(put.requestBytes).toBeLessThanOrEqual(4 * MB);
			expect(put.hasAuthorization).toBe(false);
			expect(put.url).toMatch(/^\/api\/v2\.0\/Users\('/);
		}
		// Every Graph request stayed under 4 MB.
		for (const e of graphRequests(emu, mark)) expect(e.requestBytes).toBeLessThan(4 * MB);
		const bodies = expectValidBodies(emu, received);
		expect(bodies.map((b) => b.type)).toEqual([
			'message',
			'fileAttachment',
			'fileAttachment',
			'action:Collection(attachment)/createUploadSession',
		]);
		expect(bodies[0].body).toMatchObject({
			subject: 'Quarterly report',
			body: { contentType: 'HTML' },
			internetMessageHeaders: [{ name: 'x-report-id', value: 'Q3-2025' }],
		});
	});

	test('small message in one sendMail; Save to Sent Items off leaves no copy', async () => {
		const emu = emulator();
		const received = emu.mail.received.length;
		const sent = emu.mail.messages(REPORTS, 'sentitems').length;
		const { error } = await runMail(
			delegated,
			{
				operation: 'send',
				toRecipients: `${ALICE}; ${BOB}`,
				subject: 'No copy',
				body: 'plain text',
				additionalFields: { saveToSentItems: false, attachments: 'data' },
			},
			[{ json: {}, binary: { data: { content: Buffer.from('hello'), fileName: 'hello.txt' } } }],
		);
		expect(error).toBeUndefined();
		const [body] = expectValidBodies(emu, received);
		expect(body.type).toBe('action:sendMail');
		expect(body.body).toMatchObject({
			saveToSentItems: false,
			message: {
				attachments: [{ name: 'hello.txt', contentBytes: Buffer.from('hello').toString('base64') }],
			},
		});
		expect(emu.mail.messages(BOB)[0].subject).toBe('No copy');
		expect(emu.mail.messages(REPORTS, 'sentitems').length).toBe(sent);
	});

	test('large attachment without Sent Items: the draft carries PR_DELETE_AFTER_SUBMIT', async () => {
		const emu = emulator();
		const sent = emu.mail.messages(REPORTS, 'sentitems').length;
		const received = emu.mail.received.length;
		const payload = randomBytes(3 * MB + 5);
		const { error } = await runMail(
			delegated,
			{
				operation: 'send',
				toRecipients: BOB,
				subject: 'Big, no copy',
				additionalFields: { saveToSentItems: false, attachments: 'data' },
			},
			[{ json: {}, binary: { data: { content: payload, fileName: 'p.bin' } } }],
		);
		expect(error).toBeUndefined();
		expect(sha(emu.mail.messages(BOB)[0].attachments[0].bytes)).toBe(sha(payload));
		expect(emu.mail.messages(REPORTS, 'sentitems').length).toBe(sent);
		expect(expectValidBodies(emu, received)[0].body.singleValueExtendedProperties).toEqual([
			{ id: 'Boolean 0x0E01', value: 'true' },
		]);
	});
});

describe('Send as another mailbox', () => {
	test('delegated, as a shared mailbox the user has Send As rights on', async () => {
		const emu = emulator();
		const { output, error } = await runMail(delegated, {
			operation: 'send',
			mailbox: SERVICEDESK,
			toRecipients: ALICE,
			subject: 'From the service desk',
		});
		expect(error).toBeUndefined();
		expect(output[0][0].json).toMatchObject({ mailbox: SERVICEDESK });
		const m = emu.mail.messages(ALICE)[0];
		expect(m.subject).toBe('From the service desk');
		expect(m.from?.emailAddress.address).toBe(SERVICEDESK);
		expect(emu.mail.messages(SERVICEDESK, 'sentitems')[0].subject).toBe('From the service desk');
	});

	test('delegated, as a mailbox without rights: Graph refuses, the error says so', async () => {
		const r = await runMail(delegated, {
			operation: 'send',
			mailbox: 'room-1@contoso.onmicrosoft.com',
			toRecipients: ALICE,
			subject: 'x',
		});
		expect(errorText(r)).toMatch(/ErrorSendAsDenied|send mail on behalf/i);
	});

	test('app-only with a mailbox (Room Booking app)', async () => {
		const emu = emulator();
		const data = { ...appCredential(emu), clientId: ROOM_BOOKING, clientSecret: ROOM_SECRET };
		const { error } = await runMail(
			{ kind: 'app', data },
			{
				operation: 'send',
				mailbox: 'room-1@contoso.onmicrosoft.com',
				toRecipients: ALICE,
				subject: 'Room booked',
			},
		);
		expect(error).toBeUndefined();
		expect(emu.mail.messages(ALICE)[0].from?.emailAddress.address).toBe(
			'room-1@contoso.onmicrosoft.com',
		);
	});

	test('app-only: a mailbox inside the restriction is sent, one outside refused before any request', async () => {
		const emu = emulator();
		const auth: Auth = {
			kind: 'app',
			data: appCredential(emu, { mailboxRestriction: `${SERVICEDESK}, @fabrikam.com` }),
		};
		const ok = await runMail(auth, {
			operation: 'send',
			mailbox: SERVICEDESK,
			toRecipients: ALICE,
			subject: 'Allowed',
		});
		expect(ok.error).toBeUndefined();
		const mark = emu.mark();
		const refused = await runMail(auth, {
			operation: 'send',
			mailbox: REPORTS,
			toRecipients: ALICE,
			subject: 'Refused',
		});
		expect(errorText(refused)).toMatch(
			/Mailbox.*not allowed by the credential's Mailbox Restriction/,
		);
		expect(graphRequests(emu, mark)).toEqual([]);
	});
});

describe('Bad input: a clear error naming the field, nothing sent', () => {
	const hundreds = Array.from({ length: 501 }, (_, i) => `user${i}@contoso.example`).join(',');
	const cases: Array<[string, IDataObject, RegExp, Auth['kind']?, IDataObject?]> = [
		[
			'invalid address',
			{ toRecipients: 'alice@', subject: 's' },
			/^To: "alice@" is not a valid email address/,
		],
		['empty address in the list', { toRecipients: `${ALICE},,${BOB}` }, /^To: an empty address/],
		['no recipient at all', { toRecipients: '' }, /^To: no recipient/],
		[
			'invalid CC',
			{ toRecipients: ALICE, additionalFields: { ccRecipients: 'bob at contoso' } },
			/^CC: "bob at contoso" is not a valid/,
		],
		['more than 500 recipients', { toRecipients: hundreds }, /^To: 501 recipients .* limit of 500/],
		[
			'CR/LF in the subject',
			{ toRecipients: ALICE, subject: 'Hi\r\nBcc: evil@example.com' },
			/^Subject: .*line break/,
		],
		[
			'CR/LF in a name',
			{ toRecipients: `"Eve\nBcc: x@y.z" <${ALICE}>` },
			/^To: the name .*line break/,
		],
		[
			'CR/LF in a header value',
			{
				toRecipients: ALICE,
				additionalFields: { headers: { header: [{ name: 'x-a', value: 'a\r\nb' }] } },
			},
			/^Custom Headers: .*line break/,
		],
		[
			'header not starting with x-',
			{
				toRecipients: ALICE,
				additionalFields: { headers: { header: [{ name: 'Priority', value: '1' }] } },
			},
			/^Custom Headers: header name "Priority" is not allowed.*x-/,
		],
		[
			'missing binary property',
			{ toRecipients: ALICE, additionalFields: { attachments: 'report' } },
			/^Attachments: the input item has no binary property "report"/,
		],
		[
			// An expression that resolves to nothing passes n8n's required check; the node refuses.
			'app-only without a mailbox (an expression resolving to nothing)',
			{ toRecipients: ALICE, mailbox: { __rl: true, mode: 'address', value: '={{ "" }}' } },
			/^Mailbox: app-only .* enter the mailbox/,
			'app',
		],
		[
			'app-only, a saved plain-string mailbox outside the restriction',
			{ toRecipients: ALICE, mailbox: BOB },
			/^Mailbox: .*not allowed by the credential's Mailbox Restriction/,
			'app',
			{ mailboxRestriction: ALICE },
		],
		[
			'app-only, a resource locator mailbox outside the restriction',
			{ toRecipients: ALICE, mailbox: { __rl: true, mode: 'list', value: BOB } },
			/^Mailbox: .*not allowed by the credential's Mailbox Restriction/,
			'app',
			{ mailboxRestriction: ALICE },
		],
		[
			'a mailbox outside the restriction',
			{ toRecipients: ALICE, mailbox: BOB },
			/^Mailbox: .*not allowed by the credential's Mailbox Restriction/,
			'app',
			{ mailboxRestriction: ALICE },
		],
	];
	test.each(cases)('%s', async (_name, parameters, pattern, kind = 'delegated', extra = {}) => {
		const emu = emulator();
		const mark = emu.mark();
		const auth: Auth =
			kind === 'app' ? { kind: 'app', data: appCredential(emu, extra) } : delegated;
		const r = await runMail(auth, { operation: 'send', ...parameters });
		expect(r.error?.message).toMatch(pattern);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('app-only Send: Mailbox (From) is a required resource locator (n8n refuses an empty one before the node runs)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		await expect(
			runMail(
				{ kind: 'app', data: appCredential(emu) },
				{ operation: 'send', toRecipients: ALICE },
			),
		).rejects.toThrow(/Parameter "Mailbox \(From\)" is required/);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('an attachment over 150 MB, and a message over 150 MB in all', async () => {
		const emu = emulator();
		// Sparse files: the size is real, nothing is read before the check refuses them.
		const { openSync, ftruncateSync, closeSync } = await import('node:fs');
		const sparse = (name: string, size: number) => {
			const file = path.join(dir, name);
			const fd = openSync(file, 'w');
			ftruncateSync(fd, size);
			closeSync(fd);
			return { content: { path: file }, fileName: name };
		};
		const mark = emu.mark();
		const huge = await runMail(
			delegated,
			{ operation: 'send', toRecipients: ALICE, additionalFields: { attachments: 'a' } },
			[{ json: {}, binary: { a: sparse('huge.bin', 151 * MB) } }],
			{ binaryDataMode: 'filesystem' },
		);
		expect(huge.error?.message).toMatch(
			/^Attachments: "huge.bin" \(a\) is 151\.0 MB, over Outlook's limit of 150 MB/,
		);
		const total = await runMail(
			delegated,
			{ operation: 'send', toRecipients: ALICE, additionalFields: { attachments: 'a,b' } },
			[{ json: {}, binary: { a: sparse('a.bin', 80 * MB), b: sparse('b.bin', 80 * MB) } }],
			{ binaryDataMode: 'filesystem' },
		);
		expect(total.error?.message).toMatch(
			/^Attachments: the attachments add up to 160\.0 MB, over Exchange Online's limit of 150 MB per message/,
		);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('one bad item among good ones: nothing is sent (continue on fail off)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const r = await runMail(
			delegated,
			{ operation: 'send', toRecipients: '={{ $json.to }}', subject: 'x' },
			[{ json: { to: ALICE } }, { json: { to: 'not-an-address' } }],
		);
		expect(r.error?.message).toMatch(
			/^0 of 2 items done; 2 failed \(items 0, 1\): Not sent: item 1 has bad input \(To: "not-an-address"/,
		);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('continue on fail: the bad item gets its error, the good one is sent', async () => {
		const emu = emulator();
		const before = emu.mail.messages(BOB).length;
		const r = await runMail(
			delegated,
			{ operation: 'send', toRecipients: '={{ $json.to }}', subject: 'cof' },
			[{ json: { to: BOB } }, { json: { to: 'broken@' } }],
			{ continueOnFail: true },
		);
		expect(r.output[0].map((i) => i.json.sent ?? i.json.error)).toEqual([
			true,
			expect.stringMatching(/^To: "broken@"/),
		]);
		expect(emu.mail.messages(BOB).length).toBe(before + 1);
	});
});
