/**
 * Teams reads over HTTPS, as Microsoft's v1.0 pages describe them: channel messages
 * (channel-list-messages.md), replies (chatmessage-list-replies.md), delta (chatmessage-delta.md),
 * chat messages (chat-list-messages.md), chats (chat-list.md), members (team-list-members.md,
 * channel-list-members.md), the metered export APIs (channel-getallmessages.md,
 * chats-getallmessages.md, teams-licenses.md) and protected-API access (teams-protected-apis.md).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();
const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const TEAM = '3add7a6f-6647-5926-9817-efe6fa89ce7f';
const GENERAL = '19:8d1f6a2b3c4e4f5a9b0c1d2e3f4a5b6c@thread.tacv2';
const REPORTS = '19:2b7c9d0e1f2a4b3c8d4e5f6a7b8c9d0e@thread.tacv2';
const ALERTS = '19:5e6f7a8b9c0d4e1f9a2b3c4d5e6f7a8b@thread.tacv2';
const ALICE = 'alice@contoso.onmicrosoft.com';
const BOB = 'bob@contoso.onmicrosoft.com';
const ERIK = 'erik@contoso.onmicrosoft.com'; // not in All Staff
const ADMIN_ID = 'e3f8f943-e58b-5470-845d-772f105a16d1';
const ALICE_ID = '79719b4a-22ee-5f2e-bbac-dca31ff99a15';

const messages = (channel: string) =>
	`/teams/${TEAM}/channels/${encodeURIComponent(channel)}/messages`;

const delegated = (user: string, scopes: string[]) =>
	mintToken(emulator(), { app: REPORT_SERVER, user, scopes });
const app = (roles: string[]) => mintToken(emulator(), { app: REPORT_SERVER, roles });
const reader = () => delegated(ALICE, ['ChannelMessage.Read.All']);

async function admin(path: string, body: unknown) {
	const r = await fetch(`${emulator().url}${path}`, { method: 'POST', body: JSON.stringify(body) });
	return { status: r.status, body: (await r.json()) as any };
}

/** Follows @odata.nextLink to the end; returns the pages. */
async function allPages(first: string, token: string) {
	const pages: any[] = [];
	let url: string | undefined = first;
	while (url) {
		const r = await graph(emulator(), 'GET', url, token);
		expect(r.status).toBe(200);
		pages.push(r.body);
		url = r.body['@odata.nextLink'];
		if (pages.length > 100) throw new Error('too many pages');
	}
	return pages;
}

const iso = (ms: number) => new Date(ms).toISOString();
const NOW = Date.now();
const HOUR = 3600 * 1000;

let reportIds: string[] = [];
let chatId = '';
let groupChatId = '';

beforeAll(async () => {
	// 45 messages with 3 replies each in Reports; one message with 1001 replies in General.
	const seeded = await admin('/_emulator/teams/messages/seed', {
		channels: [
			{
				team: 'All Staff',
				channel: 'Reports',
				generate: { count: 45, repliesPerMessage: 3, startDateTime: iso(NOW - 10 * HOUR) },
			},
			{
				team: TEAM,
				channel: GENERAL,
				messages: [
					{
						from: BOB,
						body: 'Big thread',
						createdDateTime: iso(NOW - 20 * HOUR),
						replies: Array.from({ length: 1001 }, (_, i) => ({
							from: ALICE,
							body: `r${i}`,
							createdDateTime: iso(NOW - 19 * HOUR + i * 1000),
						})),
					},
				],
			},
		],
		chats: [
			{
				members: [ALICE, BOB],
				// created order 0..29; message 0 edited last
				messages: Array.from({ length: 30 }, (_, i) => ({
					from: i % 2 ? BOB : ALICE,
					body: `chat ${i}`,
					createdDateTime: iso(NOW - (40 - i) * HOUR),
					lastModifiedDateTime: iso(i === 0 ? NOW - HOUR / 2 : NOW - (40 - i) * HOUR),
				})),
			},
			{
				chatType: 'group',
				topic: 'Seeded group',
				members: [ALICE, BOB, 'carol@contoso.onmicrosoft.com'],
				messages: [{ from: 'carol@contoso.onmicrosoft.com', body: 'hello group' }],
			},
		],
	});
	expect(seeded.status).toBe(200);
	reportIds = seeded.body.channels[0].messages.map((m: any) => m.id);
	chatId = seeded.body.chats[0].id;
	groupChatId = seeded.body.chats[1].id;
});

describe('seeding (POST /_emulator/teams/messages/seed)', () => {
	test('stores messages, replies and chats and reports their IDs', () => {
		expect(reportIds).toHaveLength(45);
		expect(new Set(reportIds).size).toBe(45);
		expect(chatId).toMatch(/@unq\.gbl\.spaces$/);
		expect(groupChatId).toMatch(/@thread\.v2$/);
		expect(emulator().teams.channel('All Staff', 'Reports').messages[0].replies).toHaveLength(3);
	});

	test('an unknown channel or user is refused with 400', async () => {
		expect(
			(
				await admin('/_emulator/teams/messages/seed', {
					channels: [{ team: 'All Staff', channel: 'Nope' }],
				})
			).status,
		).toBe(400);
		expect(
			(await admin('/_emulator/teams/messages/seed', { chats: [{ members: [ALICE, 'nobody@x'] }] }))
				.status,
		).toBe(400);
	});
});

describe('channel messages', () => {
	test('20 per page by default, newest first, nextLink to the end without duplicates', async () => {
		const pages = await allPages(messages(REPORTS), reader());
		expect(pages.map((p) => p.value.length)).toEqual([20, 20, 5]);
		expect(pages.map((p) => p['@odata.count'])).toEqual([20, 20, 5]);
		expect(pages[2]['@odata.nextLink']).toBeUndefined();
		const ids = pages.flatMap((p) => p.value.map((m: any) => m.id));
		expect(ids).toEqual([...reportIds].reverse());
		// root messages only, no replies embedded
		expect(pages[0].value[0].replyToId).toBeNull();
		expect(pages[0].value[0].replies).toBeUndefined();
	});

	test('$top up to 50; above 50 refused', async () => {
		const r = await graph(emulator(), 'GET', `${messages(REPORTS)}?$top=50`, reader());
		expect(r.status).toBe(200);
		expect(r.body.value).toHaveLength(45);
		expect(r.body['@odata.nextLink']).toBeUndefined();
		const small = await graph(emulator(), 'GET', `${messages(REPORTS)}?$top=7`, reader());
		expect(small.body.value).toHaveLength(7);
		expect(small.body['@odata.nextLink']).toContain('$top=7');
		const over = await graph(emulator(), 'GET', `${messages(REPORTS)}?$top=51`, reader());
		expect(over.status).toBe(400);
	});

	test('other query options are refused', async () => {
		for (const q of [
			'$filter=subject eq null',
			'$orderby=createdDateTime desc',
			'$select=id',
			'$expand=hostedContents',
		]) {
			const r = await graph(emulator(), 'GET', `${messages(REPORTS)}?${q}`, reader());
			expect([q, r.status]).toEqual([q, 400]);
		}
	});

	test('$expand=replies embeds the replies, newest first, with replies@odata.count', async () => {
		const r = await graph(
			emulator(),
			'GET',
			`${messages(REPORTS)}?$top=2&$expand=replies`,
			reader(),
		);
		expect(r.status).toBe(200);
		const [first] = r.body.value;
		expect(first['replies@odata.count']).toBe(3);
		expect(first.replies.map((x: any) => x.body.content)).toEqual([
			'Reply 3 to message 45',
			'Reply 2 to message 45',
			'Reply 1 to message 45',
		]);
		expect(first.replies.every((x: any) => x.replyToId === first.id)).toBe(true);
		expect(r.body['@odata.nextLink']).toContain('$expand=replies');
	});

	test('$expand=replies gives at most 1000 replies and a replies@odata.nextLink for the rest', async () => {
		const r = await graph(
			emulator(),
			'GET',
			`${messages(GENERAL)}?$expand=replies&$top=50`,
			reader(),
		);
		const big = r.body.value.find((m: any) => m.body.content === 'Big thread');
		expect(big.replies).toHaveLength(1000);
		expect(big.replies[0].body.content).toBe('r1000');
		const rest = await graph(emulator(), 'GET', big['replies@odata.nextLink'], reader());
		expect(rest.status).toBe(200);
		expect(rest.body.value.map((x: any) => x.body.content)).toEqual(['r0']);
	});

	test('replies are paged ($top at most 50)', async () => {
		const id = reportIds[0];
		const pages = await allPages(`${messages(REPORTS)}/${id}/replies?$top=2`, reader());
		expect(pages.map((p) => p.value.length)).toEqual([2, 1]);
		expect(pages.flatMap((p) => p.value.map((m: any) => m.body.content))).toEqual([
			'Reply 3 to message 1',
			'Reply 2 to message 1',
			'Reply 1 to message 1',
		]);
		const over = await graph(
			emulator(),
			'GET',
			`${messages(REPORTS)}/${id}/replies?$top=51`,
			reader(),
		);
		expect(over.status).toBe(400);
	});

	test('a message or reply by ID; one of another channel or message is 404', async () => {
		const id = reportIds[3];
		const one = await graph(emulator(), 'GET', `${messages(REPORTS)}/${id}`, reader());
		expect(one.status).toBe(200);
		expect(one.body.id).toBe(id);
		expect(one.body.channelIdentity).toEqual({ teamId: TEAM, channelId: REPORTS });
		const elsewhere = await graph(emulator(), 'GET', `${messages(ALERTS)}/${id}`, reader());
		expect(elsewhere.status).toBe(404);
		const replyId = emulator().teams.channel('All Staff', 'Reports').messages[3].replies[1].id;
		const reply = await graph(
			emulator(),
			'GET',
			`${messages(REPORTS)}/${id}/replies/${replyId}`,
			reader(),
		);
		expect(reply.status).toBe(200);
		expect(reply.body.replyToId).toBe(id);
		const wrongParent = await graph(
			emulator(),
			'GET',
			`${messages(REPORTS)}/${reportIds[4]}/replies/${replyId}`,
			reader(),
		);
		expect(wrongParent.status).toBe(404);
	});

	test('a posted message with a mention reads back with the chatMessage shape', async () => {
		const post = await graph(
			emulator(),
			'POST',
			messages(GENERAL),
			delegated(ALICE, ['ChannelMessage.Send']),
			{
				body: { contentType: 'html', content: 'Hi <at id="0">Admin</at>' },
				mentions: [{ id: 0, mentionText: 'Admin', mentioned: { user: { id: ADMIN_ID } } }],
			},
		);
		expect(post.status).toBe(201);
		const read = await graph(emulator(), 'GET', `${messages(GENERAL)}/${post.body.id}`, reader());
		expect(read.status).toBe(200);
		expect(read.body).toMatchObject({
			id: post.body.id,
			replyToId: null,
			etag: post.body.id,
			messageType: 'message',
			chatId: null,
			importance: 'normal',
			locale: 'en-us',
			channelIdentity: { teamId: TEAM, channelId: GENERAL },
			body: { contentType: 'html', content: 'Hi <at id="0">Admin</at>' },
			from: {
				application: null,
				device: null,
				user: {
					id: ALICE_ID,
					userIdentityType: 'aadUser',
					'@odata.type': '#microsoft.graph.teamworkUserIdentity',
				},
			},
			mentions: [
				{
					id: 0,
					mentionText: 'Admin',
					mentioned: { user: { id: ADMIN_ID, userIdentityType: 'aadUser' } },
				},
			],
			attachments: [],
			reactions: [],
		});
		expect(read.body.from.user.tenantId).toBe(emulator().directory.home.id);
		for (const key of [
			'createdDateTime',
			'lastModifiedDateTime',
			'lastEditedDateTime',
			'deletedDateTime',
			'subject',
			'summary',
			'webUrl',
		])
			expect(read.body).toHaveProperty(key);
		const list = await graph(emulator(), 'GET', messages(GENERAL), reader());
		expect(list.body.value[0].id).toBe(post.body.id);
	});

	test('refused: a non-member (403), a token without ChannelMessage.Read.All (403), a revoked protected API (403)', async () => {
		const outsider = await graph(
			emulator(),
			'GET',
			messages(REPORTS),
			delegated(ERIK, ['ChannelMessage.Read.All']),
		);
		expect(outsider.status).toBe(403);
		const noScope = await graph(
			emulator(),
			'GET',
			messages(REPORTS),
			delegated(ALICE, ['Channel.ReadBasic.All']),
		);
		expect(noScope.status).toBe(403);
		expect(noScope.body.error.message).toContain('ChannelMessage.Read.All');
		const appToken = app(['ChannelMessage.Read.All']);
		expect((await graph(emulator(), 'GET', messages(REPORTS), appToken)).status).toBe(200);
		await admin('/_emulator/teams/protected-apis', { appId: REPORT_SERVER, granted: false });
		try {
			const revoked = await graph(emulator(), 'GET', messages(REPORTS), appToken);
			expect(revoked.status).toBe(403);
			expect(revoked.body.error.message).toContain('Invoked API requires Protected API access');
			// delegated calls are not protected
			expect((await graph(emulator(), 'GET', messages(REPORTS), reader())).status).toBe(200);
		} finally {
			await admin('/_emulator/teams/protected-apis', { appId: REPORT_SERVER, granted: true });
		}
		expect((await graph(emulator(), 'GET', messages(REPORTS), appToken)).status).toBe(200);
	});
});

describe('channel message delta', () => {
	const delta = `${messages(ALERTS)}/delta`;

	beforeAll(async () => {
		const old = Array.from({ length: 4 }, (_, i) => ({
			body: `old ${i}`,
			createdDateTime: iso(NOW - 48 * HOUR + i * 1000),
		}));
		const recent = Array.from({ length: 3 }, (_, i) => ({
			body: `recent ${i}`,
			createdDateTime: iso(NOW - 2 * HOUR + i * 1000),
		}));
		const tooOld = [{ body: 'last year', createdDateTime: iso(NOW - 300 * 24 * HOUR) }];
		const r = await admin('/_emulator/teams/messages/seed', {
			channels: [{ team: TEAM, channel: ALERTS, messages: [...tooOld, ...old, ...recent] }],
		});
		expect(r.status).toBe(200);
	});

	test('the $filter lastModifiedDateTime gt, $top pages, then a deltaLink that returns only later changes', async () => {
		const since = iso(NOW - 24 * HOUR);
		const first = await graph(
			emulator(),
			'GET',
			`${delta}?$filter=lastModifiedDateTime gt ${since}&$top=2`,
			reader(),
		);
		expect(first.status).toBe(200);
		expect(first.body.value.map((m: any) => m.body.content)).toEqual(['recent 0', 'recent 1']);
		expect(first.body['@odata.deltaLink']).toBeUndefined();
		const nextLink: string = first.body['@odata.nextLink'];
		expect(nextLink).toMatch(/\/messages\/delta\?\$skiptoken=/);
		const second = await graph(emulator(), 'GET', nextLink, reader());
		expect(second.body.value.map((m: any) => m.body.content)).toEqual(['recent 2']);
		const deltaLink: string = second.body['@odata.deltaLink'];
		expect(deltaLink).toMatch(/\/messages\/delta\?\$deltatoken=/);
		expect(second.body['@odata.nextLink']).toBeUndefined();

		// nothing changed: an empty round
		const none = await graph(emulator(), 'GET', deltaLink, reader());
		expect(none.body.value).toEqual([]);
		// a new message and a reply to an old one: those two reply chains, nothing else
		const send = delegated(ALICE, ['ChannelMessage.Send']);
		const posted = await graph(emulator(), 'POST', messages(ALERTS), send, {
			body: { content: 'fresh' },
		});
		const oldId = emulator()
			.teams.channel('All Staff', 'Alerts')
			.messages.find((m) => m.json.body && (m.json.body as any).content === 'old 1')!.json.id;
		expect(
			(
				await graph(emulator(), 'POST', `${messages(ALERTS)}/${oldId}/replies`, send, {
					body: { content: 'late reply' },
				})
			).status,
		).toBe(201);
		const changes = await graph(emulator(), 'GET', deltaLink, reader());
		expect(changes.status).toBe(200);
		expect(changes.body.value.map((m: any) => m.id).sort()).toEqual(
			[String(oldId), posted.body.id].sort(),
		);
		// replies are not included (root messages only)
		expect(changes.body.value.every((m: any) => m.replyToId === null)).toBe(true);
		const again = await graph(emulator(), 'GET', changes.body['@odata.deltaLink'], reader());
		expect(again.body.value).toEqual([]);
	});

	test('the initial round without a filter: messages of the last eight months, oldest first', async () => {
		const pages = await allPages(`${delta}?$top=50`, reader());
		const texts = pages.flatMap((p) => p.value.map((m: any) => m.body.content));
		expect(texts).not.toContain('last year');
		expect(texts.slice(0, 4)).toEqual(['old 0', 'old 1', 'old 2', 'old 3']);
		expect(pages[pages.length - 1]['@odata.deltaLink']).toBeDefined();
	});

	test('only lastModifiedDateTime gt is accepted; $top at most 50', async () => {
		for (const q of [
			`$filter=lastModifiedDateTime lt ${iso(NOW)}`,
			`$filter=createdDateTime gt ${iso(NOW)}`,
			'$top=51',
			'$orderby=createdDateTime desc',
		]) {
			const r = await graph(emulator(), 'GET', `${delta}?${q}`, reader());
			expect([q, r.status]).toEqual([q, 400]);
		}
	});
});

describe('chat messages', () => {
	const chatMessages = () => `/chats/${encodeURIComponent(chatId)}/messages`;
	const chatReader = () => delegated(ALICE, ['Chat.Read']);
	const texts = (body: any) => body.value.map((m: any) => m.body.content);

	test('default order lastModifiedDateTime desc, paged with nextLink', async () => {
		const pages = await allPages(`${chatMessages()}?$top=10`, chatReader());
		expect(pages.map((p) => p.value.length)).toEqual([10, 10, 10]);
		const all = pages.flatMap((p) => texts(p));
		expect(all[0]).toBe('chat 0'); // edited last
		expect(all.slice(1, 4)).toEqual(['chat 29', 'chat 28', 'chat 27']);
		expect(new Set(all).size).toBe(30);
		expect(pages[0].value[0].chatId).toBe(chatId);
		expect(pages[0].value[0].channelIdentity).toBeNull();
	});

	test('$orderby createdDateTime desc; ascending and other properties refused', async () => {
		const r = await graph(
			emulator(),
			'GET',
			`${chatMessages()}?$orderby=createdDateTime desc&$top=3`,
			chatReader(),
		);
		expect(r.status).toBe(200);
		expect(texts(r.body)).toEqual(['chat 29', 'chat 28', 'chat 27']);
		expect(r.body['@odata.nextLink']).toContain('$orderby=createdDateTime');
		for (const q of [
			'$orderby=createdDateTime asc',
			'$orderby=createdDateTime',
			'$orderby=subject desc',
			'$top=51',
			'$select=id',
		]) {
			const bad = await graph(emulator(), 'GET', `${chatMessages()}?${q}`, chatReader());
			expect([q, bad.status]).toEqual([q, 400]);
		}
	});

	test('$filter applies only with $orderby on the same property', async () => {
		const since = iso(NOW - 13.5 * HOUR);
		const withOrder = await graph(
			emulator(),
			'GET',
			`${chatMessages()}?$orderby=lastModifiedDateTime desc&$filter=lastModifiedDateTime gt ${since}`,
			chatReader(),
		);
		expect(texts(withOrder.body)).toEqual(['chat 0', 'chat 29', 'chat 28', 'chat 27']);
		// without $orderby the filter is ignored (default page of 20)
		const ignored = await graph(
			emulator(),
			'GET',
			`${chatMessages()}?$filter=lastModifiedDateTime gt ${since}`,
			chatReader(),
		);
		expect(ignored.body.value).toHaveLength(20);
		// configured for another property than $orderby: ignored
		const other = await graph(
			emulator(),
			'GET',
			`${chatMessages()}?$orderby=createdDateTime desc&$filter=lastModifiedDateTime gt ${since}`,
			chatReader(),
		);
		expect(other.body.value).toHaveLength(20);
		// createdDateTime supports lt only
		const before = iso(NOW - 37.5 * HOUR);
		const lt = await graph(
			emulator(),
			'GET',
			`${chatMessages()}?$orderby=createdDateTime desc&$filter=createdDateTime lt ${before}`,
			chatReader(),
		);
		expect(texts(lt.body)).toEqual(['chat 2', 'chat 1', 'chat 0']);
		const gt = await graph(
			emulator(),
			'GET',
			`${chatMessages()}?$orderby=createdDateTime desc&$filter=createdDateTime gt ${before}`,
			chatReader(),
		);
		expect(gt.status).toBe(400);
	});

	test('a message by ID; one of another chat is 404', async () => {
		const id = emulator().teams.store.findChat(emulator().directory.home.id, chatId)!.messages[5]
			.id;
		const one = await graph(emulator(), 'GET', `${chatMessages()}/${id}`, chatReader());
		expect(one.status).toBe(200);
		expect(one.body.body.content).toBe('chat 5');
		const other = await graph(
			emulator(),
			'GET',
			`/chats/${encodeURIComponent(groupChatId)}/messages/${id}`,
			chatReader(),
		);
		expect(other.status).toBe(404);
	});

	test('a posted chat message with a mention reads back first, mention kept', async () => {
		const bobId = '09db03a2-9629-5b80-8af4-3eafd9fcef01';
		const posted = await graph(
			emulator(),
			'POST',
			`/chats/${encodeURIComponent(groupChatId)}/messages`,
			delegated(ALICE, ['ChatMessage.Send', 'Chat.ReadWrite']),
			{
				body: { contentType: 'html', content: 'ping <at id="0">Bob</at>' },
				mentions: [{ id: 0, mentionText: 'Bob', mentioned: { user: { id: bobId } } }],
			},
		);
		expect(posted.status).toBe(201);
		const list = await graph(
			emulator(),
			'GET',
			`/chats/${encodeURIComponent(groupChatId)}/messages?$top=1`,
			chatReader(),
		);
		expect(list.body.value[0]).toMatchObject({
			id: posted.body.id,
			chatId: groupChatId,
			channelIdentity: null,
			webUrl: null,
			mentions: [{ id: 0, mentionText: 'Bob', mentioned: { user: { id: bobId } } }],
		});
		expect(list.body['@odata.nextLink']).toBeDefined();
	});

	test('delegated: a non-member is refused with 403', async () => {
		const r = await graph(
			emulator(),
			'GET',
			chatMessages(),
			delegated('carol@contoso.onmicrosoft.com', ['Chat.Read']),
		);
		expect(r.status).toBe(403);
		expect(r.body.error.code).toBe('Forbidden');
	});

	test('app-only: needs Chat.Read.All (Chat.ReadBasic.All is not enough)', async () => {
		const basic = await graph(emulator(), 'GET', chatMessages(), app(['Chat.ReadBasic.All']));
		expect(basic.status).toBe(403);
		const full = await graph(emulator(), 'GET', chatMessages(), app(['Chat.Read.All']));
		expect(full.status).toBe(200);
		expect(full.body.value).toHaveLength(20);
	});
});

describe('chats of a user', () => {
	test('app-only with $expand=members,lastMessagePreview and $filter on chatType', async () => {
		const token = app(['Chat.ReadBasic.All']);
		const r = await graph(
			emulator(),
			'GET',
			`/users/${ALICE}/chats?$expand=members,lastMessagePreview`,
			token,
		);
		expect(r.status).toBe(200);
		const group = r.body.value.find((c: any) => c.id === groupChatId);
		expect(group.members.map((m: any) => m.email).sort()).toEqual([
			'alice@contoso.onmicrosoft.com',
			'bob@contoso.onmicrosoft.com',
			'carol@contoso.onmicrosoft.com',
		]);
		// the chat's newest message (the seeded one, or one a test posted since)
		const stored = emulator().teams.store.findChat(emulator().directory.home.id, groupChatId)!;
		const newest = stored.messages[stored.messages.length - 1];
		expect(group.lastMessagePreview).toMatchObject({
			id: newest.id,
			body: newest.body,
			messageType: 'message',
		});
		expect(stored.messages[0].body).toEqual({ contentType: 'text', content: 'hello group' });
		const filtered = await graph(
			emulator(),
			'GET',
			`/users/${ALICE}/chats?$filter=chatType eq 'group'`,
			token,
		);
		expect(filtered.body.value.map((c: any) => c.chatType)).toEqual(
			filtered.body.value.map(() => 'group'),
		);
		expect(filtered.body.value.some((c: any) => c.id === groupChatId)).toBe(true);
		expect((await graph(emulator(), 'GET', `/users/${ALICE}/chats?$top=51`, token)).status).toBe(
			400,
		);
		expect(
			(await graph(emulator(), 'GET', `/users/${ALICE}/chats`, app(['Chat.Create']))).status,
		).toBe(403);
	});
});

describe('members', () => {
	test('team members with roles, paged; TeamMember.Read.All required', async () => {
		const token = app(['TeamMember.Read.All']);
		const pages = await allPages(`/teams/${TEAM}/members?$top=4`, token);
		expect(pages.map((p) => p.value.length)).toEqual([4, 2]);
		const all = pages.flatMap((p) => p.value);
		const admin = all.find((m: any) => m.userId === ADMIN_ID);
		expect(admin).toMatchObject({
			roles: ['owner'],
			email: 'admin@contoso.onmicrosoft.com',
			'@odata.type': '#microsoft.graph.aadUserConversationMember',
		});
		expect(all.find((m: any) => m.userId === ALICE_ID).roles).toEqual([]);
		const one = await graph(
			emulator(),
			'GET',
			`/teams/${TEAM}/members/${encodeURIComponent(admin.id)}`,
			token,
		);
		expect(one.status).toBe(200);
		expect(one.body.roles).toEqual(['owner']);
		expect((await graph(emulator(), 'GET', `/teams/${TEAM}/members/bm9uZQ==`, token)).status).toBe(
			404,
		);
		expect(
			(await graph(emulator(), 'GET', `/teams/${TEAM}/members`, app(['ChannelMessage.Read.All'])))
				.status,
		).toBe(403);
	});

	test('channel members; ChannelMember.Read.All required', async () => {
		const r = await graph(
			emulator(),
			'GET',
			`/teams/${TEAM}/channels/${encodeURIComponent(REPORTS)}/members`,
			app(['ChannelMember.Read.All']),
		);
		expect(r.status).toBe(200);
		expect(r.body.value).toHaveLength(6);
		expect(
			r.body.value.every(
				(m: any) => typeof m.displayName === 'string' && m.userId && Array.isArray(m.roles),
			),
		).toBe(true);
		expect(r.body['@odata.count']).toBe(6);
		expect(r.body['@odata.nextLink']).toBeUndefined();
		// "This operation does not support the OData query parameters"
		const top = await graph(
			emulator(),
			'GET',
			`/teams/${TEAM}/channels/${encodeURIComponent(REPORTS)}/members?$top=2`,
			app(['ChannelMember.Read.All']),
		);
		expect(top.status).toBe(400);
		const one = await graph(
			emulator(),
			'GET',
			`/teams/${TEAM}/channels/${encodeURIComponent(REPORTS)}/members/${encodeURIComponent(r.body.value[0].id)}`,
			app(['ChannelMember.Read.All']),
		);
		expect(one.status).toBe(200);
		expect(one.body.userId).toBe(r.body.value[0].userId);
		const denied = await graph(
			emulator(),
			'GET',
			`/teams/${TEAM}/channels/${encodeURIComponent(REPORTS)}/members`,
			app(['TeamMember.Read.All']),
		);
		expect(denied.status).toBe(403);
	});
});

describe('private channels and seeded mentions', () => {
	test('a private channel lists its own members and refuses other team members (403)', async () => {
		const emu = emulator();
		const team = emu.teams.store.addTeam(emu.directory.home, {
			group: 'Analytics Mailboxes', // alice and bob
			site: 'contoso.sharepoint.com:/sites/AllStaff',
			owners: [BOB],
			channels: [{ displayName: 'Secret', membershipType: 'private', members: [ALICE] }],
		});
		const secret = team.channels.find((c) => c.displayName === 'Secret')!;
		const seeded = await admin('/_emulator/teams/messages/seed', {
			channels: [
				{
					team: team.id,
					channel: 'Secret',
					messages: [{ body: 'hi', mentions: [{ user: BOB, text: 'Bob B' }] }],
				},
			],
		});
		expect(seeded.status).toBe(200);
		const path = `/teams/${team.id}/channels/${encodeURIComponent(secret.id)}`;
		const members = await graph(
			emulator(),
			'GET',
			`${path}/members`,
			app(['ChannelMember.Read.All']),
		);
		expect(members.body.value.map((m: any) => m.email)).toEqual([ALICE]);
		const teamMembers = await graph(
			emulator(),
			'GET',
			`/teams/${team.id}/members`,
			app(['TeamMember.Read.All']),
		);
		expect(teamMembers.body.value.find((m: any) => m.email === BOB).roles).toEqual(['owner']);
		const forAlice = await graph(emulator(), 'GET', `${path}/messages`, reader());
		expect(forAlice.status).toBe(200);
		// the seeded mention: marker appended to the body, the mention kept
		expect(forAlice.body.value[0].body).toEqual({
			contentType: 'html',
			content: 'hi <at id="0">Bob B</at>',
		});
		expect(forAlice.body.value[0].mentions).toEqual([
			{
				id: 0,
				mentionText: 'Bob B',
				mentioned: {
					application: null,
					device: null,
					conversation: null,
					user: {
						'@odata.type': '#microsoft.graph.teamworkUserIdentity',
						id: '09db03a2-9629-5b80-8af4-3eafd9fcef01',
						displayName: expect.any(String),
						userIdentityType: 'aadUser',
					},
				},
			},
		]);
		const forBob = await graph(
			emulator(),
			'GET',
			`${path}/messages`,
			delegated(BOB, ['ChannelMessage.Read.All']),
		);
		expect(forBob.status).toBe(403);
	});
});

describe('export: getAllMessages (metered)', () => {
	const channelsAll = `/teams/${TEAM}/channels/getAllMessages`;
	const chatsAll = `/users/${ALICE}/chats/getAllMessages`;
	afterEach(async () => {
		await admin('/_emulator/teams/metered', { reset: true });
	});

	test('delegated tokens are refused', async () => {
		const r = await graph(
			emulator(),
			'GET',
			`${channelsAll}?model=B`,
			delegated(ALICE, ['ChannelMessage.Read.All']),
		);
		expect(r.status).toBe(403);
		expect(r.body.error.message).toContain('not supported in delegated context');
	});

	test('evaluation mode charges an empty page as one message', async () => {
		const token = app(['Chat.Read.All']);
		const empty = await graph(emulator(), 'GET', `/users/${ERIK}/chats/getAllMessages`, token);
		expect(empty.status).toBe(200);
		expect(empty.body.value).toEqual([]);
		const used = (await (await fetch(`${emulator().url}/_emulator/teams/metered`)).json()) as any;
		expect(Object.values(used.evaluationUsed)).toEqual([1]);
	});

	test('model=B without billing: 402 Payment Required with the documented text; served once billing is set up', async () => {
		const token = app(['ChannelMessage.Read.All']);
		const refused = await graph(emulator(), 'GET', `${channelsAll}?model=B`, token);
		expect(refused.status).toBe(402);
		expect(refused.body.error.message).toContain(
			'the app must be associated with an Azure subscription',
		);
		const set = await admin('/_emulator/teams/metered', { appId: REPORT_SERVER, billing: true });
		expect(set.body.billing).toEqual([REPORT_SERVER]);
		const served = await graph(emulator(), 'GET', `${channelsAll}?model=B&$top=50`, token);
		expect(served.status).toBe(200);
		expect(served.body.value).toHaveLength(50);
		expect(served.body['@odata.nextLink']).toContain('model=B');
		// replies are exported too
		expect(served.body.value.some((m: any) => m.replyToId !== null)).toBe(true);
		const next = await graph(emulator(), 'GET', served.body['@odata.nextLink'], token);
		expect(next.status).toBe(200);
		expect(next.body.value[0].id).not.toBe(served.body.value[0].id);
		expect((await graph(emulator(), 'GET', `${channelsAll}?model=B&$top=51`, token)).status).toBe(
			400,
		);
	});

	test('model=A needs billing and licences (402 each)', async () => {
		const token = app(['ChannelMessage.Read.All']);
		await admin('/_emulator/teams/metered', { appId: REPORT_SERVER, billing: true });
		const unlicensed = await graph(emulator(), 'GET', `${channelsAll}?model=A`, token);
		expect(unlicensed.status).toBe(402);
		expect(unlicensed.body.error.message).toContain('needs a valid license to access this API');
		await admin('/_emulator/teams/metered', { licensed: true });
		expect((await graph(emulator(), 'GET', `${channelsAll}?model=A`, token)).status).toBe(200);
	});

	test('evaluation mode (no model): served until the monthly quota is used, then 402', async () => {
		const token = app(['Chat.Read.All']);
		const first = await graph(emulator(), 'GET', `${chatsAll}?$top=10`, token);
		expect(first.status).toBe(200);
		expect(first.body.value).toHaveLength(10);
		expect(first.body.value.every((m: any) => m.chatId)).toBe(true);
		const used = (await (await fetch(`${emulator().url}/_emulator/teams/metered`)).json()) as any;
		expect(Object.values(used.evaluationUsed)).toEqual([10]);
		await admin('/_emulator/teams/metered', { appId: REPORT_SERVER, evaluationUsed: 500 });
		const over = await graph(emulator(), 'GET', chatsAll, token);
		expect(over.status).toBe(402);
		expect(over.body.error.message).toContain('evaluation capacity for the month has exceeded');
	});

	test('$filter on a lastModifiedDateTime range; other filters refused; Chat.Read.All required for chats', async () => {
		const token = app(['Chat.Read.All']);
		await admin('/_emulator/teams/metered', { appId: REPORT_SERVER, billing: true });
		const from = iso(NOW - 13.5 * HOUR);
		const to = iso(NOW - 11.5 * HOUR);
		const r = await graph(
			emulator(),
			'GET',
			`${chatsAll}?model=B&$filter=lastModifiedDateTime gt ${from} and lastModifiedDateTime lt ${to}`,
			token,
		);
		expect(r.status).toBe(200);
		expect(r.body.value.map((m: any) => m.body.content)).toEqual(['chat 27', 'chat 28']);
		expect(
			(await graph(emulator(), 'GET', `${chatsAll}?model=B&$filter=subject eq 'x'`, token)).status,
		).toBe(400);
		expect(
			(await graph(emulator(), 'GET', `${chatsAll}?model=B`, app(['ChannelMessage.Read.All'])))
				.status,
		).toBe(403);
	});
});
