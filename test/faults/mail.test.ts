/**
 * Mail `createOnce` operations under a fault at every request position (see model.ts): reply,
 * forward, move, and send with a large attachment (draft, attachment upload session of two
 * fragments, send; the draft is deleted after a failure). Messages are counted in the emulator's
 * mailboxes by the case's unique subject.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	BOB,
	CAROL,
	REPORTS,
	appCredential,
	delegatedCredential,
	locator,
	runMail,
	type Auth,
} from '../mail/helpers';
import { describeFaults, fastRetries, firstJson, type Pattern } from './model';

const emulator = useEmulator();
fastRetries();
const MiB = 1024 * 1024;
let alice: Auth;
let app: Auth;

beforeAll(async () => {
	alice = { kind: 'delegated', data: await delegatedCredential(emulator(), ALICE) };
	app = { kind: 'app', data: appCredential(emulator()) };
});

const count = (user: string, folder: string, tag: string) =>
	emulator()
		.mail.messages(user, folder)
		.filter((m) => m.subject.includes(tag)).length;

/** Bob sends Alice a message with the case's tag as subject; returns its ID in her Inbox. */
async function arrive(tag: string) {
	const r = await runMail(app, {
		operation: 'send',
		mailbox: BOB,
		toRecipients: ALICE,
		subject: tag,
		body: `about ${tag}`,
	});
	expect(r.error).toBeUndefined();
	const m = emulator()
		.mail.messages(ALICE)
		.find((x) => x.subject === tag);
	return { id: m!.id };
}

const MESSAGE = '^/v1\\.0/(me|users/[^/]+)/messages/[^/]+';
const action = (name: string, path: string, creates: string): Pattern => ({
	name,
	method: 'POST',
	path: `${MESSAGE}/${path}$`,
	effect: 'createOnce',
	creates,
});

describeFaults(emulator, {
	name: 'Reply',
	patterns: [action('POST reply', 'reply', 'reply')],
	prepare: arrive,
	run: async (c, settings) =>
		await runMail(
			alice,
			{ operation: 'reply', messageId: String(c.data.id), comment: 'Confirmed.' },
			undefined,
			{
				node: settings as never,
			},
		),
	products: (c) => ({ reply: count(BOB, 'inbox', `RE: ${c.tag}`) }),
	checkOutput: (result, c) => {
		expect(firstJson(result)).toEqual({ replied: true, id: c.data.id });
	},
});

describeFaults(emulator, {
	name: 'Forward',
	patterns: [action('POST forward', 'forward', 'forward')],
	prepare: arrive,
	run: async (c, settings) =>
		await runMail(
			alice,
			{ operation: 'forward', messageId: String(c.data.id), toRecipients: CAROL, comment: 'FYI' },
			undefined,
			{ node: settings as never },
		),
	products: (c) => ({ forward: count(CAROL, 'inbox', `FW: ${c.tag}`) }),
	checkOutput: (result, c) => {
		expect(firstJson(result)).toMatchObject({ forwarded: true, id: c.data.id });
	},
});

describeFaults(emulator, {
	name: 'Move',
	patterns: [action('POST move', 'move', 'moved')],
	prepare: arrive,
	run: async (c, settings) =>
		await runMail(
			alice,
			{ operation: 'move', messageId: String(c.data.id), destination: locator('archive') },
			undefined,
			{ node: settings as never },
		),
	products: (c) => ({ moved: count(ALICE, 'archive', c.tag), inbox: count(ALICE, 'inbox', c.tag) }),
	productsAfter: (_p, _h, _e, counts) => ({ ...counts, inbox: 1 - counts.moved }),
	checkOutput: (result, c) => {
		expect(firstJson(result)).toMatchObject({ id: expect.any(String), previousId: c.data.id });
	},
});

// ---------------------------------------------------------------------------------------------
// Send with a large attachment

const SESSION =
	"^/api/v2\\.0/Users\\('[^']+'\\)/Messages\\('[^']+'\\)/AttachmentSessions\\('[^']+'\\)$";
const DRAFTS = '^/v1\\.0/users/[^/]+/messages';

describeFaults(emulator, {
	name: 'Send with a large attachment (draft, upload session, send)',
	patterns: [
		{ name: 'POST draft', method: 'POST', path: `${DRAFTS}$`, effect: 'createOnce' },
		{
			name: 'POST createUploadSession',
			method: 'POST',
			path: `${DRAFTS}/[^/]+/attachments/createUploadSession$`,
			effect: 'replaceable',
		},
		// 4 MiB + 64 KiB in fragments of 3.75 MiB (Outlook takes at most 4 MB per request).
		{ name: 'PUT fragment 1', method: 'PUT', path: SESSION, effect: 'uploadFragment' },
		{ name: 'PUT fragment 2', method: 'PUT', path: SESSION, effect: 'uploadLast' },
		{
			name: 'POST send',
			method: 'POST',
			path: `${DRAFTS}/[^/]+/send$`,
			effect: 'createOnce',
			creates: 'sent',
		},
	],
	extraPatterns: [
		{ name: 'GET session status', method: 'GET', path: SESSION, effect: 'read' },
		{ name: 'DELETE session', method: 'DELETE', path: SESSION, effect: 'replaceable' },
		{ name: 'DELETE draft', method: 'DELETE', path: `${DRAFTS}/[^/]+$`, effect: 'replaceable' },
	],
	statusRead: 'GET session status',
	// Nothing was sent after the last fragment's answer was lost: the draft is deleted.
	adjust: (position, kind, expected) =>
		position.name === 'PUT fragment 2' && kind.name === 'reset-after'
			? { ...expected, fate: 'failed' }
			: expected,
	extraRequests: (position, _kind, expected) =>
		expected.fate === 'ok' || position.name === 'POST draft'
			? ({} as Record<string, number>)
			: { 'DELETE draft': 1 },
	run: async (c, settings) =>
		await runMail(
			app,
			{
				operation: 'send',
				mailbox: REPORTS,
				toRecipients: CAROL,
				subject: c.tag,
				body: 'Statement attached',
				additionalFields: { attachments: 'data' },
			},
			[
				{
					json: {},
					binary: {
						data: { content: Buffer.alloc(4 * MiB + 64 * 1024, 5), fileName: 'statement.bin' },
					},
				},
			],
			{ node: settings as never },
		),
	products: (c) => ({
		sent: count(CAROL, 'inbox', c.tag),
		drafts: count(REPORTS, 'drafts', c.tag),
	}),
	// A draft is left only when its creation's answer was lost (nothing knows its ID to delete it).
	productsAfter: (p, handled, _e, counts) => ({
		...counts,
		drafts: p.name === 'POST draft' && handled ? 1 : 0,
	}),
	checkOutput: (result) => {
		expect(firstJson(result)).toMatchObject({ sent: true });
	},
	plainFailure: /The draft is deleted\./,
});
