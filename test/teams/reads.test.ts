/**
 * Teams reads through the node's `execute`, over HTTPS against the emulator with the real Graph
 * client: Channel Message Get Many / Get (paging at 50, replies, Modified Since through delta or
 * the list, another channel's message), Chat Message Get Many / Get (paging, since with $orderby,
 * a chat the user is not in), Chat Get Many app-only under the Mailbox Restriction, Team and
 * Channel Get Members, the metered export (Payment Model, 402 explained), and the read options:
 * Metadata Only, Body Format text, Pseudonymise equal to the Entra ID node's pseudonyms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject, INodeCredentials, INodeParameters } from 'n8n-workflow';
import { Microsoft365PseudonymKeyApi } from '../../credentials/Microsoft365PseudonymKeyApi.credentials';
import type { Emulator } from '../emulator/emulator';
import type { EmulatorFixture } from '../emulator/tenant';
import { jsonOf, runEntra } from '../entra/helpers';
import { signInDelegated, useEmulator } from '../helpers/emulator';
import { runNode, type RunNodeResult } from '../harness';
import {
	ALERTS,
	ALICE,
	ALL_STAFF,
	GENERAL,
	REPORTS,
	REPORTS_USER,
	REPORT_SECRET,
	REPORT_SERVER,
	ROOM_BOOKING,
	appCredential,
	credentialTypes as teamsCredentialTypes,
	errorText,
	locator,
	nodeTypes,
} from './helpers';

const TYPE = 'n8n-nodes-m365.microsoft365Teams';
const PSEUDONYM_A = 'k1-0123456789abcdef-teams-reads';
const ALICE_UPN = 'alice@contoso.onmicrosoft.com';
const BOB_UPN = 'bob@contoso.onmicrosoft.com';
const CAROL_UPN = 'carol@contoso.onmicrosoft.com';
const REPORTS_UPN = 'reports@contoso.onmicrosoft.com';
const DELEGATED_READS = [
	'Chat.Read',
	'ChannelMessage.Read.All',
	'TeamMember.Read.All',
	'ChannelMember.Read.All',
];
const APP_READS = [
	'Chat.Read.All',
	'Chat.ReadBasic.All',
	'ChannelMessage.Read.All',
	'TeamMember.Read.All',
	'ChannelMember.Read.All',
];

/** The demo tenant, with the read permissions granted as an administrator would. */
function readsFixture(): EmulatorFixture {
	const fixture = JSON.parse(
		readFileSync(join(__dirname, '..', 'emulator', 'fixtures', 'demo-tenant.json'), 'utf8'),
	);
	for (const app of fixture.tenants[0].apps as Array<Record<string, any>>) {
		if (app.appId === REPORT_SERVER) {
			app.requested.delegated.push(...DELEGATED_READS);
			app.consent.delegated.push(...DELEGATED_READS);
		}
		if (app.appId === ROOM_BOOKING) {
			app.requested.application.push(...APP_READS);
			app.consent.application.push(...APP_READS);
		}
	}
	return fixture as EmulatorFixture;
}

const emulator = useEmulator({ fixture: readsFixture(), accessTokenLifetime: 3600 });

type Auth = 'delegated' | 'app' | { restriction: string };

let delegatedData: IDataObject | undefined;
async function delegated(emu: Emulator): Promise<IDataObject> {
	if (!delegatedData) {
		const scope = ['openid', 'offline_access', 'User.Read', ...DELEGATED_READS]
			.map((s) => (s.includes('.') ? `https://graph.microsoft.com/${s}` : s))
			.join(' ');
		delegatedData = {
			cloud: 'custom',
			customLoginUrl: emu.url,
			customGraphUrl: emu.url,
			tenant: 'contoso.onmicrosoft.com',
			clientId: REPORT_SERVER,
			clientSecret: REPORT_SECRET,
			scopeGroups: ['signIn', 'teamsRead'],
			oauthTokenData: (await signInDelegated(emu, REPORTS_UPN, scope)) as IDataObject,
		};
	}
	return delegatedData;
}

async function run(
	auth: Auth,
	parameters: INodeParameters,
	options: { key?: boolean } = {},
): Promise<RunNodeResult> {
	const emu = emulator();
	const credentials: INodeCredentials = {};
	const data: Record<string, IDataObject> = {};
	if (auth === 'delegated') {
		credentials.microsoft365OAuth2Api = { id: 'me', name: 'Reports' };
		data.me = await delegated(emu);
	} else {
		credentials.microsoft365AppApi = { id: 'app', name: 'Room Booking' };
		data.app = {
			...appCredential(emu),
			...(typeof auth === 'object' ? { mailboxRestriction: auth.restriction } : {}),
		};
	}
	if (options.key) {
		credentials.microsoft365PseudonymKeyApi = { id: 'key', name: 'Key' };
		data.key = { secretKey: PSEUDONYM_A };
	}
	return await runNode({
		nodeTypes,
		credentialTypes: [...teamsCredentialTypes, new Microsoft365PseudonymKeyApi()],
		node: {
			type: TYPE,
			parameters: { authentication: auth === 'delegated' ? 'delegated' : 'app', ...parameters },
			credentials,
		},
		credentialsData: data as never,
	});
}

const out = (result: RunNodeResult) => {
	expect(result.error).toBeUndefined();
	return (result.output[0] ?? []).map((i) => i.json);
};

/** Graph requests (not sign-in) since `mark`, as decoded URLs. */
function graphUrls(emu: Emulator, mark: number): string[] {
	return emu
		.since(mark)
		.filter((e) => e.url.startsWith('/v1.0/'))
		.map((e) => decodeURIComponent(e.url));
}

const NOW = Date.now();
const HOUR = 3600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

let alerts: string[] = [];
let reports: { id: string; replies: string[] }[] = [];
let generalMessage = '';
let pairChat = '';
let sinceChat = '';
let strangersChat = '';

beforeAll(() => {
	const emu = emulator();
	const seeded = emu.teams.reads.seed({
		channels: [
			{ team: ALL_STAFF, channel: ALERTS, generate: { count: 120, from: [ALICE_UPN, BOB_UPN] } },
			{
				team: ALL_STAFF,
				channel: REPORTS,
				messages: [
					// 0: old thread, nothing new
					{
						from: ALICE_UPN,
						body: 'old thread',
						createdDateTime: iso(NOW - 10 * DAY),
						replies: [
							{ from: BOB_UPN, body: 'old reply', createdDateTime: iso(NOW - 10 * DAY + HOUR) },
						],
					},
					// 1: old root, a reply an hour ago (the thread changed)
					{
						from: BOB_UPN,
						body: 'revived thread',
						createdDateTime: iso(NOW - 9 * DAY),
						replies: [
							{ from: ALICE_UPN, body: 'first', createdDateTime: iso(NOW - 9 * DAY + HOUR) },
							{ from: CAROL_UPN, body: 'new reply', createdDateTime: iso(NOW - HOUR) },
						],
					},
					// 2: recent, HTML with a mention of Bob and an address
					{
						from: ALICE_UPN,
						subject: 'Quarterly numbers',
						body: {
							contentType: 'html',
							content:
								'<p>Hello <b>team</b>, see <at id="0">Bob Berger</at></p><p>Line&nbsp;2 &amp; more, mail alice@contoso.onmicrosoft.com</p>',
						},
						mentions: [{ user: BOB_UPN, text: 'Bob Berger' }],
						createdDateTime: iso(NOW - 2 * HOUR),
					},
					// 3: older than delta's eight months
					{ from: CAROL_UPN, body: 'ancient', createdDateTime: iso(NOW - 400 * DAY) },
				],
			},
			{ team: ALL_STAFF, channel: GENERAL, messages: [{ from: ALICE_UPN, body: 'in general' }] },
		],
		chats: [
			{
				members: [REPORTS_UPN, ALICE_UPN],
				generate: { count: 120, from: [REPORTS_UPN, ALICE_UPN] },
			},
			{
				members: [REPORTS_UPN, BOB_UPN],
				messages: [
					{ from: BOB_UPN, body: 'last week', createdDateTime: iso(NOW - 5 * DAY) },
					{ from: REPORTS_UPN, body: 'an hour ago', createdDateTime: iso(NOW - HOUR) },
				],
			},
			{ members: [BOB_UPN, CAROL_UPN], messages: [{ from: BOB_UPN, body: 'private' }] },
		],
	});
	alerts = seeded.channels[0].messages.map((m) => m.id);
	reports = seeded.channels[1].messages;
	generalMessage = seeded.channels[2].messages[0].id;
	[pairChat, sinceChat, strangersChat] = seeded.chats.map((c) => c.id);
});

const channelMessages = (parameters: INodeParameters = {}) => ({
	resource: 'channelMessage',
	operation: 'getMany',
	team: locator(ALL_STAFF),
	channel: locator(ALERTS),
	...parameters,
});

describe('Channel Message → Get Many', () => {
	test.each(['delegated', 'app'] as const)(
		'%s: 120 messages come in 3 pages of at most 50 (Return All)',
		async (auth) => {
			const emu = emulator();
			const mark = emu.mark();
			const items = out(await run(auth, channelMessages({ returnAll: true })));
			expect(items).toHaveLength(120);
			expect(new Set(items.map((m) => m.id))).toEqual(new Set(alerts));
			const urls = graphUrls(emu, mark).filter((u) => u.includes('/messages'));
			expect(urls).toHaveLength(3);
			expect(urls[0]).toContain('$top=50');
		},
	);

	test('Limit 60: two requests, 60 messages', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(await run('delegated', channelMessages({ returnAll: false, limit: 60 })));
		expect(items).toHaveLength(60);
		expect(graphUrls(emu, mark).filter((u) => u.includes('/messages'))).toHaveLength(2);
	});

	test('Include Replies: each message with its replies and replyCount', async () => {
		const items = out(
			await run(
				'delegated',
				channelMessages({
					channel: locator(REPORTS),
					returnAll: true,
					options: { includeReplies: true },
				}),
			),
		);
		const byId = new Map(items.map((m) => [m.id, m]));
		expect(items).toHaveLength(4);
		expect((byId.get(reports[1].id)!.replies as IDataObject[]).map((r) => r.id).sort()).toEqual(
			[...reports[1].replies].sort(),
		);
		expect(byId.get(reports[1].id)!.replyCount).toBe(2);
		expect(byId.get(reports[2].id)!.replyCount).toBe(0);
	});

	test('Modified Since (within 8 months): delta with $filter returns the threads changed since, a new reply included', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(
			await run(
				'app',
				channelMessages({
					channel: locator(REPORTS),
					returnAll: true,
					filters: { since: iso(NOW - DAY) },
				}),
			),
		);
		expect(items.map((m) => m.id).sort()).toEqual([reports[1].id, reports[2].id].sort());
		const urls = graphUrls(emu, mark);
		expect(urls[0]).toContain('/messages/delta?');
		expect(urls[0]).toContain(`$filter=lastModifiedDateTime gt ${iso(NOW - DAY)}`);
	});

	test('Modified Since older than 8 months: the list, filtered by the node (delta does not reach back)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(
			await run(
				'delegated',
				channelMessages({
					channel: locator(REPORTS),
					returnAll: true,
					filters: { since: iso(NOW - 300 * DAY) },
				}),
			),
		);
		expect(items.map((m) => m.id).sort()).toEqual(
			reports
				.slice(0, 3)
				.map((m) => m.id)
				.sort(),
		);
		const urls = graphUrls(emu, mark);
		expect(urls.every((u) => !u.includes('/delta'))).toBe(true);
		expect(urls[0]).not.toContain('$filter');
	});

	test('Metadata Only: no body, subject or mention text; sender and who was mentioned kept', async () => {
		const items = out(
			await run(
				'delegated',
				channelMessages({
					channel: locator(REPORTS),
					returnAll: true,
					options: { metadataOnly: true },
				}),
			),
		);
		const message = items.find((m) => m.id === reports[2].id)!;
		expect(message.body).toBeUndefined();
		expect(message.subject).toBeUndefined();
		expect(JSON.stringify(items)).not.toContain('Quarterly');
		expect(JSON.stringify(items)).not.toContain('revived thread');
		expect((message.from as any).user.id).toBe(ALICE);
		expect((message.mentions as any[])[0]).toEqual({
			id: 0,
			mentioned: expect.objectContaining({
				user: expect.objectContaining({ id: '09db03a2-9629-5b80-8af4-3eafd9fcef01' }),
			}),
		});
		expect(message.createdDateTime).toBe(iso(NOW - 2 * HOUR));
	});

	test('Body Format Text: the HTML converted to text by the node', async () => {
		const items = out(
			await run(
				'delegated',
				channelMessages({
					channel: locator(REPORTS),
					returnAll: true,
					options: { bodyFormat: 'text' },
				}),
			),
		);
		const message = items.find((m) => m.id === reports[2].id)!;
		expect(message.body).toEqual({
			contentType: 'text',
			content: 'Hello team, see Bob Berger\nLine 2 & more, mail alice@contoso.onmicrosoft.com',
		});
	});

	test("Pseudonymise: sender, mentions and addresses are the Entra ID node's pseudonyms; no name or address left", async () => {
		const emu = emulator();
		const items = out(
			await run(
				'delegated',
				channelMessages({
					channel: locator(REPORTS),
					returnAll: true,
					options: { includeReplies: true },
					pseudonymise: true,
					pseudonymKeySource: 'credential',
				}),
				{ key: true },
			),
		);
		const text = JSON.stringify(items).toLowerCase();
		for (const raw of ['alice', 'bob', 'carol', ALICE, '09db03a2-9629-5b80-8af4-3eafd9fcef01'])
			expect(text).not.toContain(raw.toLowerCase());

		const entra = await runEntra(emu, {
			pseudonymKey: PSEUDONYM_A,
			parameters: {
				resource: 'user',
				operation: 'getMany',
				returnAll: true,
				fields: ['userPrincipalName', 'mail', 'displayName'],
				pseudonymise: true,
				pseudonymFields: ['ids', 'displayName', 'mail'],
				pseudonymKeySource: 'credential',
			},
		});
		expect(entra.error).toBeUndefined();
		const users = jsonOf(entra.output);
		const alice = users.find((u) => u.userPrincipalName === ALICE_UPN)!;
		const bob = users.find((u) => u.userPrincipalName === BOB_UPN)!;
		const carol = users.find((u) => u.userPrincipalName === CAROL_UPN)!;
		const message = items.find((m) => m.id === reports[2].id)!;
		expect((message.from as any).user.id).toBe(alice.id);
		expect((message.from as any).user.displayName).toBe(alice.displayName);
		const mention = (message.mentions as any[])[0];
		expect(mention.mentioned.user.id).toBe(bob.id);
		expect(mention.mentionText).toBe(bob.displayName);
		expect((message.body as any).content).toContain(`<at id="0">${bob.displayName}</at>`);
		expect((message.body as any).content).toContain(String(alice.mail));
		const revived = items.find((m) => m.id === reports[1].id)!;
		expect((revived.replies as any[]).map((r) => r.from.user.id).sort()).toEqual(
			[alice.id, carol.id].sort(),
		);
	});
});

test("app-only without Microsoft's Protected API access: Graph's 403 explained (the permission alone is not enough)", async () => {
	const emu = emulator();
	emu.teams.reads.protectedApiRevoked.add(ROOM_BOOKING);
	try {
		const result = await run('app', channelMessages({ limit: 5 }));
		expect((result.error as any)?.httpCode).toBe('403');
		expect(errorText(result)).toContain("lacks Microsoft's Protected API access");
	} finally {
		emu.teams.reads.protectedApiRevoked.delete(ROOM_BOOKING);
	}
	expect(out(await run('app', channelMessages({ limit: 5 })))).toHaveLength(5);
});

describe('Channel Message → Get', () => {
	const get = (parameters: INodeParameters) => ({
		resource: 'channelMessage',
		operation: 'get',
		team: locator(ALL_STAFF),
		channel: locator(REPORTS),
		...parameters,
	});

	test.each(['delegated', 'app'] as const)('%s: by ID, with its replies', async (auth) => {
		const [message] = out(
			await run(auth, get({ messageId: reports[1].id, options: { includeReplies: true } })),
		);
		expect(message.id).toBe(reports[1].id);
		expect((message.replies as IDataObject[]).map((r) => r.id).sort()).toEqual(
			[...reports[1].replies].sort(),
		);
	});

	test("a message ID of another channel: Graph's 404 names Message ID and the cause", async () => {
		const result = await run('delegated', get({ messageId: generalMessage }));
		const text = errorText(result);
		expect(text).toContain(`Message ID: no message ${generalMessage} in this channel`);
		expect(text).toContain('another channel');
	});

	test('a message link of another channel is refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const link = `https://teams.microsoft.com/l/message/${encodeURIComponent(GENERAL)}/${generalMessage}?groupId=${ALL_STAFF}`;
		const result = await run('delegated', get({ messageId: link }));
		expect(errorText(result)).toContain('Message ID: the link is for a message in another channel');
		expect(emu.since(mark)).toEqual([]);
	});

	test('a Message ID that is not one is refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run('delegated', get({ messageId: 'hello' }));
		expect(errorText(result)).toContain('Message ID: "hello" is not a message ID or link');
		expect(emu.since(mark)).toEqual([]);
	});
});

describe('Chat Message → Get Many / Get', () => {
	const chatMessages = (parameters: INodeParameters) => ({
		resource: 'chatMessage',
		operation: 'getMany',
		...parameters,
	});

	test('delegated: 120 messages in 3 pages of 50', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(
			await run('delegated', chatMessages({ chat: locator(pairChat), returnAll: true })),
		);
		expect(items).toHaveLength(120);
		const urls = graphUrls(emu, mark);
		expect(urls).toHaveLength(3);
		expect(urls[0]).toContain(`/chats/${pairChat}/messages?$top=50`);
	});

	test("app-only: through the user's chats (/users/{id}/chats/{id}/messages), Limit 7", async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(
			await run('app', chatMessages({ user: ALICE_UPN, chat: locator(pairChat), limit: 7 })),
		);
		expect(items).toHaveLength(7);
		expect(graphUrls(emu, mark)[0]).toContain(`/users/${ALICE_UPN}/chats/${pairChat}/messages`);
	});

	test('Modified Since: $orderby=lastModifiedDateTime desc with $filter, only newer messages', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(
			await run(
				'delegated',
				chatMessages({
					chat: locator(sinceChat),
					returnAll: true,
					filters: { since: iso(NOW - DAY) },
				}),
			),
		);
		expect(items.map((m) => (m.body as any).content)).toEqual(['an hour ago']);
		const url = graphUrls(emu, mark)[0];
		expect(url).toContain('$orderby=lastModifiedDateTime desc');
		expect(url).toContain(`$filter=lastModifiedDateTime gt ${iso(NOW - DAY)}`);
	});

	test("a chat the signed-in user is not in: Graph's 403, explained as membership", async () => {
		const result = await run(
			'delegated',
			chatMessages({ chat: locator(strangersChat), returnAll: true }),
		);
		expect((result.error as any)?.httpCode).toBe('403');
		expect(errorText(result)).toContain('the signed-in user is not a member of this chat');
	});

	test.each(['delegated', 'app'] as const)('Get (%s): one message by ID', async (auth) => {
		const emu = emulator();
		const chat = emu.teams.store.findChat(emu.directory.home.id, pairChat)!;
		const id = String(chat.messages[5].id);
		const [message] = out(
			await run(auth, {
				resource: 'chatMessage',
				operation: 'get',
				user: ALICE_UPN,
				chat: locator(pairChat),
				messageId: id,
				options: { metadataOnly: true },
			}),
		);
		expect(message.id).toBe(id);
		expect(message.chatId).toBe(pairChat);
		expect(message.body).toBeUndefined();
	});

	test('app-only with a Mailbox Restriction: a user outside it is refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run(
			{ restriction: ALICE_UPN },
			chatMessages({ user: BOB_UPN, chat: locator(sinceChat), returnAll: true }),
		);
		expect(errorText(result)).toContain('User:');
		expect(errorText(result)).toContain('Mailbox Restriction');
		expect(emu.since(mark)).toEqual([]);
	});
});

describe('Chat → Get Many (app-only, Mailbox Restriction)', () => {
	test('a user within the restriction: their chats through /users/{id}/chats; pseudonymised, no name or ID left', async () => {
		const emu = emulator();
		const parameters = {
			resource: 'chat',
			operation: 'getMany',
			user: ALICE_UPN,
			returnAll: true,
			filters: { members: true },
			options: { metadataOnly: true },
		};
		const mark = emu.mark();
		const plain = out(await run({ restriction: ALICE_UPN }, parameters));
		expect(plain.map((c) => c.id)).toContain(pairChat);
		expect(plain.map((c) => c.id)).not.toContain(strangersChat);
		expect(graphUrls(emu, mark)[0]).toContain(`/users/${ALICE_UPN}/chats`);
		expect(JSON.stringify(plain)).toContain(ALICE);

		const hidden = out(
			await run(
				{ restriction: ALICE_UPN },
				{ ...parameters, pseudonymise: true, pseudonymKeySource: 'credential' },
				{ key: true },
			),
		);
		expect(hidden).toHaveLength(plain.length);
		const text = JSON.stringify(hidden).toLowerCase();
		for (const raw of ['alice', ALICE, REPORTS_USER]) expect(text).not.toContain(raw.toLowerCase());
		// A one-on-one chat's ID keeps its shape, the users' IDs in it replaced.
		expect(hidden.map((c) => c.id)).toContainEqual(
			expect.stringMatching(/^19:[A-Za-z0-9_-]{43}_[A-Za-z0-9_-]{43}@unq\.gbl\.spaces$/),
		);
	});

	test('a user outside the restriction: refused naming User, zero requests (no token either)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run(
			{ restriction: ALICE_UPN },
			{ resource: 'chat', operation: 'getMany', user: BOB_UPN, returnAll: true },
		);
		expect(errorText(result)).toMatch(/^User: .*Mailbox Restriction/);
		expect(emu.since(mark)).toEqual([]);
	});
});

describe('Team / Channel → Get Members', () => {
	test.each(['delegated', 'app'] as const)('%s: team members with roles', async (auth) => {
		const items = out(
			await run(auth, {
				resource: 'team',
				operation: 'getMembers',
				team: locator(ALL_STAFF),
				returnAll: true,
			}),
		);
		const ids = items.map((m) => m.userId);
		expect(ids).toEqual(expect.arrayContaining([ALICE, REPORTS_USER]));
		expect(items).toHaveLength(6);
	});

	test.each(['delegated', 'app'] as const)('%s: channel members', async (auth) => {
		const items = out(
			await run(auth, {
				resource: 'channel',
				operation: 'getMembers',
				team: locator(ALL_STAFF),
				channel: locator(GENERAL),
				returnAll: true,
			}),
		);
		expect(items.map((m) => m.userId)).toEqual(expect.arrayContaining([ALICE]));
	});

	test("Pseudonymise: userId, email and displayName are the Entra ID node's id, mail and displayName pseudonyms", async () => {
		const emu = emulator();
		const items = out(
			await run(
				'app',
				{
					resource: 'team',
					operation: 'getMembers',
					team: locator(ALL_STAFF),
					returnAll: true,
					pseudonymise: true,
					pseudonymKeySource: 'credential',
				},
				{ key: true },
			),
		);
		const entra = await runEntra(emu, {
			pseudonymKey: PSEUDONYM_A,
			parameters: {
				resource: 'user',
				operation: 'getMany',
				returnAll: true,
				fields: ['userPrincipalName', 'mail', 'displayName'],
				pseudonymise: true,
				pseudonymFields: ['ids', 'displayName', 'mail'],
				pseudonymKeySource: 'credential',
			},
		});
		const alice = jsonOf(entra.output).find((u) => u.userPrincipalName === ALICE_UPN)!;
		const member = items.find((m) => m.userId === alice.id);
		expect(member).toBeDefined();
		expect(member!.email).toBe(alice.mail);
		expect(member!.displayName).toBe(alice.displayName);
		expect(JSON.stringify(items).toLowerCase()).not.toContain('alice');
	});
});

describe('Export across all channels / all chats (metered)', () => {
	const exportChannels = (parameters: INodeParameters = {}) =>
		channelMessages({ source: 'allChannels', returnAll: true, ...parameters });

	test('delegated: refused before any request (Graph offers getAllMessages app-only)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await run('delegated', exportChannels());
		expect(errorText(result)).toContain(
			'From: the tenant-wide export needs the app-only credential',
		);
		expect(emu.since(mark)).toEqual([]);
	});

	test('model B without billing: the 402 names the Azure subscription and the fix; with billing, model=B is sent', async () => {
		const emu = emulator();
		emu.teams.reads.metered.billing.clear();
		const refused = await run('app', exportChannels({ paymentModel: 'B' }));
		expect((refused.error as any)?.httpCode).toBe('402');
		const text = errorText(refused);
		expect(text).toContain('Payment required (402)');
		expect(text).toContain('Azure subscription');
		expect(text).toContain('Payment Model B');

		emu.teams.reads.metered.billing.add(ROOM_BOOKING);
		const mark = emu.mark();
		const items = out(
			await run('app', exportChannels({ paymentModel: 'B', filters: { since: iso(NOW - DAY) } })),
		);
		// Alerts' 120 (generated over the last two hours), Reports' new reply and recent message.
		expect(items.map((m) => m.id)).toEqual(
			expect.arrayContaining([reports[2].id, reports[1].replies[1], alerts[0]]),
		);
		expect(items.map((m) => m.id)).not.toContain(reports[0].id);
		const urls = graphUrls(emu, mark);
		expect(urls[0]).toContain('/channels/getAllMessages?');
		expect(urls[0]).toContain('model=B');
		expect(urls[0]).toContain('$top=50');
		emu.teams.reads.metered.billing.clear();
	});

	test('evaluation mode (no model) over its quota: the 402 explains the evaluation limit', async () => {
		const emu = emulator();
		emu.teams.reads.metered.evaluationQuota = 0;
		const result = await run('app', exportChannels());
		emu.teams.reads.metered.evaluationQuota = 500;
		expect((result.error as any)?.httpCode).toBe('402');
		expect(errorText(result)).toContain('evaluation mode: 500 messages per month');
	});

	test('all chats of a user: /users/{id}/chats/getAllMessages under the Mailbox Restriction', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const items = out(
			await run(
				{ restriction: ALICE_UPN },
				{
					resource: 'chatMessage',
					operation: 'getMany',
					source: 'allChats',
					user: ALICE_UPN,
					limit: 10,
				},
			),
		);
		expect(items).toHaveLength(10);
		expect(items.every((m) => m.chatId === pairChat)).toBe(true);
		expect(graphUrls(emu, mark)[0]).toContain(`/users/${ALICE_UPN}/chats/getAllMessages`);

		const before = emu.mark();
		const refused = await run(
			{ restriction: ALICE_UPN },
			{
				resource: 'chatMessage',
				operation: 'getMany',
				source: 'allChats',
				user: BOB_UPN,
				limit: 10,
			},
		);
		expect(errorText(refused)).toContain('Mailbox Restriction');
		expect(emu.since(before)).toEqual([]);
	});
});

describe('examples/teams-activity-export.json', () => {
	test("its Channels and Messages nodes, as written there: every channel's threads changed in the last 7 days, metadata only, pseudonymised", async () => {
		const workflow = JSON.parse(
			readFileSync(join(__dirname, '..', '..', 'examples', 'teams-activity-export.json'), 'utf8'),
		);
		const node = (name: string) =>
			workflow.nodes.find((n: { name: string }) => n.name === name).parameters as INodeParameters;
		const channels = out(await run('app', node('Channels')));
		expect(channels.map((c) => c.id).sort()).toEqual([ALERTS, GENERAL, REPORTS].sort());

		const emu = emulator();
		const result = await runNode({
			nodeTypes,
			credentialTypes: [...teamsCredentialTypes, new Microsoft365PseudonymKeyApi()],
			node: {
				type: TYPE,
				parameters: node('Messages (Last 7 Days)'),
				credentials: { microsoft365AppApi: { id: 'app', name: 'Room Booking' } },
			},
			credentialsData: { app: appCredential(emu) } as never,
			input: channels.map((json) => ({ json })),
		});
		const messages = out(result);
		const ids = messages.map((m) => m.id);
		// Reports: the recent post and the old thread with a new reply; not the thread idle for 10 days.
		expect(ids).toEqual(expect.arrayContaining([reports[1].id, reports[2].id, generalMessage]));
		expect(ids).not.toContain(reports[0].id);
		expect(ids).not.toContain(reports[3].id);
		const text = JSON.stringify(messages);
		expect(text).not.toContain('Quarterly');
		expect(text).not.toContain(ALICE);
		expect(messages.every((m) => m.body === undefined)).toBe(true);
	});
});
