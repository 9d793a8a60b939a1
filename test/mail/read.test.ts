/**
 * Message → Get, Get Many (5,000 messages in pages of 1,000, filters, search, attachments into
 * binary properties), Mark as Read/Unread, Move, Reply, Forward, Delete; the folder list search;
 * and the trigger: three polls with mail arriving between them and a restart, each message
 * emitted exactly once.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IDataObject } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { runListSearch } from '../harness';
import {
	ALICE,
	appCredential,
	BOB,
	CAROL,
	credentialTypes,
	delegatedCredential,
	errorText,
	expectValidBodies,
	graphRequests,
	locator,
	nodeTypes,
	pollTrigger,
	runMail,
	TYPE,
	type Auth,
} from './helpers';

const emulator = useEmulator();
let app: Auth;
let delegated: Auth;

beforeAll(async () => {
	const emu = emulator();
	app = { kind: 'app', data: appCredential(emu) };
	delegated = { kind: 'delegated', data: await delegatedCredential(emu, ALICE) };
});

/** Sends a message from Bob to `to` through the emulator's own Graph (as mail arriving). */
async function arrive(to: string, subject: string, attachment?: Buffer) {
	const emu = emulator();
	const r = await runMail(
		app,
		{
			operation: 'send',
			mailbox: BOB,
			toRecipients: to,
			subject,
			body: `Body of ${subject}`,
			...(attachment ? { additionalFields: { attachments: 'data' } } : {}),
		},
		attachment
			? [
					{
						json: {},
						binary: {
							data: { content: attachment, fileName: 'file.bin', mimeType: 'application/pdf' },
						},
					},
				]
			: undefined,
	);
	expect(r.error).toBeUndefined();
	return emu.mail.messages(to)[0];
}

describe('Get Many', () => {
	test('5,000 messages, Return All: pages of 1,000', async () => {
		const emu = emulator();
		emu.mail.seed(CAROL, 5000);
		const mark = emu.mark();
		const { output, error } = await runMail(app, {
			operation: 'getAll',
			mailbox: CAROL,
			folder: locator('inbox'),
			returnAll: true,
			options: { fields: 'subject,receivedDateTime' },
		});
		expect(error).toBeUndefined();
		expect(output[0]).toHaveLength(5000);
		expect(new Set(output[0].map((i) => i.json.id)).size).toBe(5000);
		expect(output[0][0].json).toEqual({
			'@odata.etag': expect.any(String),
			id: expect.any(String),
			subject: 'Seeded message 5000',
			receivedDateTime: expect.any(String),
		});
		const pages = graphRequests(emu, mark).filter((e) => e.url.includes('/messages'));
		expect(pages).toHaveLength(5);
		expect(decodeURIComponent(pages[0].url)).toContain('$top=1000');
	});

	test('limit, unread and from filters; search', async () => {
		const emu = emulator();
		const { output } = await runMail(app, {
			operation: 'getAll',
			mailbox: CAROL,
			folder: locator('inbox'),
			limit: 7,
			filters: { unreadOnly: true, from: 'bob@contoso.onmicrosoft.com' },
		});
		expect(output[0]).toHaveLength(7);
		expect(output[0].every((i) => i.json.isRead === false)).toBe(true);
		const mark = emu.mark();
		const search = await runMail(app, {
			operation: 'getAll',
			mailbox: CAROL,
			folder: locator('inbox'),
			limit: 5,
			search: 'message 4999',
		});
		expect(search.output[0].map((i) => i.json.subject)).toEqual(['Seeded message 4999']);
		expect(
			decodeURIComponent(graphRequests(emu, mark)[1]?.url ?? graphRequests(emu, mark)[0].url),
		).toContain('$search="message 4999"');
	});

	test('search and filters together are refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const r = await runMail(app, {
			operation: 'getAll',
			mailbox: CAROL,
			folder: locator('inbox'),
			search: 'x',
			filters: { unreadOnly: true },
		});
		expect(r.error?.message).toMatch(/^Search: Graph cannot combine \$search with \$filter/);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('download attachments into binary properties (delegated, own mailbox)', async () => {
		const payload = randomBytes(200_000);
		await arrive(ALICE, 'With a PDF', payload);
		const { output, error } = await runMail(delegated, {
			operation: 'getAll',
			folder: locator('inbox'),
			limit: 1,
			options: { downloadAttachments: true },
		});
		expect(error).toBeUndefined();
		const item = output[0][0];
		expect(item.json.subject).toBe('With a PDF');
		expect(item.binary?.attachment_0).toMatchObject({
			fileName: 'file.bin',
			mimeType: 'application/pdf',
		});
		expect(
			createHash('sha256')
				.update(Buffer.from(item.binary!.attachment_0.data, 'base64'))
				.digest('hex'),
		).toBe(createHash('sha256').update(payload).digest('hex'));
	});
});

describe('single-message operations (delegated)', () => {
	test('get, mark read/unread, move, reply, forward, delete', async () => {
		const emu = emulator();
		const received = emu.mail.received.length;
		const m = await arrive(ALICE, 'Please confirm');
		const get = await runMail(delegated, {
			operation: 'get',
			messageId: m.id,
			options: { fields: 'subject,isRead' },
		});
		expect(get.output[0][0].json).toMatchObject({
			id: m.id,
			subject: 'Please confirm',
			isRead: false,
		});

		await runMail(delegated, { operation: 'markAsRead', messageId: m.id });
		expect(emu.mail.mailbox(ALICE).message(m.id)!.isRead).toBe(true);
		await runMail(delegated, { operation: 'markAsUnread', messageId: m.id });
		expect(emu.mail.mailbox(ALICE).message(m.id)!.isRead).toBe(false);

		const reply = await runMail(delegated, {
			operation: 'reply',
			messageId: m.id,
			comment: 'Confirmed.',
		});
		expect(reply.error).toBeUndefined();
		expect(emu.mail.messages(BOB)[0]).toMatchObject({ subject: 'RE: Please confirm' });
		expect(emu.mail.messages(BOB)[0].body.content).toContain('Confirmed.');

		const fwd = await runMail(delegated, {
			operation: 'forward',
			messageId: m.id,
			toRecipients: CAROL,
			comment: 'FYI',
		});
		expect(fwd.error).toBeUndefined();
		expect(emu.mail.messages(CAROL)[0].subject).toBe('FW: Please confirm');

		const moved = await runMail(delegated, {
			operation: 'move',
			messageId: m.id,
			destination: locator('archive'),
		});
		expect(errorText(moved).trim()).toBe('');
		const movedId = moved.output[0][0].json.id as string;
		expect(moved.output[0][0].json).toMatchObject({ previousId: m.id, subject: 'Please confirm' });
		expect(emu.mail.messages(ALICE, 'archive')[0].id).toBe(movedId);

		const del = await runMail(delegated, { operation: 'delete', messageId: movedId });
		expect(del.output[0][0].json).toEqual({ deleted: true, id: movedId });
		expect(emu.mail.messages(ALICE, 'deleteditems')[0].subject).toBe('Please confirm');
		expect(expectValidBodies(emu, received).map((b) => b.type)).toEqual(
			expect.arrayContaining(['action:sendMail', 'message', 'action:reply', 'action:forward']),
		);
	});

	test('a missing message: the Graph error reaches the item', async () => {
		const r = await runMail(delegated, { operation: 'get', messageId: 'AAMkAnope=' });
		expect(errorText(r)).toMatch(/ErrorItemNotFound|not found/i);
	});

	test('bad message ID refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const r = await runMail(delegated, { operation: 'markAsRead', messageId: 'a/b' });
		expect(r.error?.message).toMatch(/^Message ID: "a\/b" is not a message ID/);
		expect(graphRequests(emu, mark)).toEqual([]);
	});

	test('folder list search (resource locator)', async () => {
		const emu = emulator();
		const { credentials, data } = {
			credentials: { microsoft365OAuth2Api: { id: 'me', name: 'd' } },
			data: (delegated as { data: IDataObject }).data,
		};
		const result = await runListSearch({
			nodeTypes,
			credentialTypes,
			node: {
				type: TYPE,
				parameters: { authentication: 'delegated', resource: 'message', operation: 'getAll' },
				credentials,
			},
			credentialsData: { me: data } as never,
			methodName: 'searchFolders',
			filter: 'Sent',
		});

		expect(result.result.results.map((r) => r.name)).toEqual(['Sent Items']);
		expect(result.result.results[0].value).toBe(emu.mail.mailbox(ALICE).folder('sentitems')!.id);
	});
});

describe('Trigger: new mail by delta query', () => {
	test('three polls with mail between them and a restart: each message exactly once', async () => {
		const emu = emulator();
		const params = { mailbox: BOB, folder: locator('inbox') };
		// n8n keeps static data in memory between polls, and writes it when a poll emits.
		let memory: IDataObject | undefined;
		let saved: IDataObject | undefined;
		const emitted: string[] = [];
		const poll = async () => {
			const r = await pollTrigger(app, params, memory);
			expect(r.error).toBeUndefined();
			memory = r.staticData;
			if (r.staticDataSaved) saved = r.staticData;
			for (const item of r.output?.[0] ?? []) emitted.push(String(item.json.subject));
			return r;
		};
		await arrive(BOB, 'before activation');
		const first = await poll();
		expect(first.output).toBeNull();

		for (const s of ['one', 'two', 'three']) await arrive(BOB, s);
		await poll();
		expect(emitted).toEqual(['one', 'two', 'three']);

		// A message read in between shows up in delta as a change: not emitted again.
		emu.mail.mailbox(BOB).touch(emu.mail.messages(BOB).find((m) => m.subject === 'two')!);
		for (const s of ['four', 'five']) await arrive(BOB, s);
		// Restart: n8n starts from what it saved.
		memory = saved;
		await poll();
		expect(emitted).toEqual(['one', 'two', 'three', 'four', 'five']);

		await arrive(BOB, 'six');
		emu.mail.mailbox(BOB).touch(emu.mail.messages(BOB).find((m) => m.subject === 'four')!);
		await poll();
		const last = await poll();
		expect(last.output).toBeNull();
		expect(emitted).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
		expect(emu.since(0).some((e) => e.url.includes('/messages/delta'))).toBe(true);
	});

	test('app-only trigger without a mailbox fails with a clear message', async () => {
		const r = await pollTrigger(app, { folder: locator('inbox') });
		expect(String(r.error?.message)).toMatch(/^Mailbox: app-only/);
	});
});
