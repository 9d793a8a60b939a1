/**
 * The emulator's Teams surface on its own (HTTPS, minted tokens): what Graph rejects (app tokens
 * on message POSTs, messages over ~28 KB, mentions without `<at>` markers, card attachments
 * without content, unreferenced attachments, non-members), files folders, chats and the
 * Workflows webhook endpoint. Every JSON body returned is checked against the CSDL (useEmulator).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';
import {
	ALICE,
	ALL_STAFF,
	BOB,
	GENERAL,
	REPORTS,
	REPORTS_USER,
	REPORT_SERVER,
	ROOM_BOOKING,
} from './helpers';

const emulator = useEmulator();
// Teams allows an app 4 requests per second on a channel (emulator: ChannelPostLimiter); these
// tests are about other rules, so each starts in a fresh second of the limiter's clock.
beforeEach(() => emulator().teams.advanceClock(1000));
const CARD = 'application/vnd.microsoft.card.adaptive';
const messages = `/teams/${ALL_STAFF}/channels/${encodeURIComponent(GENERAL)}/messages`;

const user = (
	name = 'reports@contoso.onmicrosoft.com',
	scopes = [
		'ChannelMessage.Send',
		'Chat.ReadWrite',
		'Chat.Create',
		'Files.ReadWrite.All',
		'Channel.ReadBasic.All',
		'Team.ReadBasic.All',
	],
) => mintToken(emulator(), { app: REPORT_SERVER, user: name, scopes });

describe('channel messages', () => {
	test('an app-only token gets the Teams 403 naming Teamwork.Migrate.All; nothing is stored', async () => {
		const emu = emulator();
		const app = mintToken(emu, {
			app: ROOM_BOOKING,
			roles: ['Group.ReadWrite.All', 'ChannelMessage.Read.All'],
		});
		const r = await graph(emu, 'POST', messages, app, { body: { content: 'hi' } });
		expect(r.status).toBe(403);
		expect(r.body.error.code).toBe('Forbidden');
		expect(r.body.error.message).toContain("API requires one of 'Teamwork.Migrate.All'");
		expect(emu.teams.channel('All Staff', 'General').messages).toHaveLength(0);
	});

	test('a message over ~28 KB: 413', async () => {
		const r = await graph(emulator(), 'POST', messages, user(), {
			body: { contentType: 'html', content: 'x'.repeat(29 * 1024) },
		});
		expect(r.status).toBe(413);
		expect(r.body.error.code).toBe('RequestEntityTooLarge');
	});

	test('a mention whose id has no <at id> marker: 400 as Graph words it', async () => {
		const r = await graph(emulator(), 'POST', messages, user(), {
			body: { contentType: 'html', content: '<at id="1">Alice</at> hi' },
			mentions: [
				{
					id: 0,
					mentionText: 'Alice',
					mentioned: { user: { id: ALICE, displayName: 'Alice', userIdentityType: 'aadUser' } },
				},
			],
		});
		expect(r.status).toBe(400);
		expect(r.body.error.message).toBe(
			"Neither Body nor adaptive card content contains marker for mention with Id '0'.",
		);
	});

	test('a card attachment without content, or not referenced from the body: 400', async () => {
		const emu = emulator();
		const empty = await graph(emu, 'POST', messages, user(), {
			body: { contentType: 'html', content: '<attachment id="a1"></attachment>' },
			attachments: [{ id: 'a1', contentType: CARD }],
		});
		expect(empty.status).toBe(400);
		expect(empty.body.error.message).toContain('has no content');
		const unreferenced = await graph(emu, 'POST', messages, user(), {
			body: { contentType: 'html', content: 'no marker' },
			attachments: [
				{ id: 'a1', contentType: CARD, content: '{"type":"AdaptiveCard","version":"1.5"}' },
			],
		});
		expect(unreferenced.status).toBe(400);
		expect(unreferenced.body.error.message).toContain('not referenced');
	});

	test('a reference attachment must point at an existing file', async () => {
		const r = await graph(emulator(), 'POST', messages, user(), {
			body: {
				contentType: 'html',
				content: '<attachment id="00000000-0000-0000-0000-000000000001"></attachment>',
			},
			attachments: [
				{
					id: '00000000-0000-0000-0000-000000000001',
					contentType: 'reference',
					contentUrl: 'https://contoso.sharepoint.com/x.pdf',
					name: 'x.pdf',
				},
			],
		});
		expect(r.status).toBe(400);
	});

	test('a valid post (201, stored), a reply (201), and GET of both', async () => {
		const emu = emulator();
		const posted = await graph(emu, 'POST', messages, user(), {
			body: { content: 'Hello' },
			subject: 'Hi',
		});
		expect(posted.status).toBe(201);
		expect(posted.body).toMatchObject({
			body: { contentType: 'text', content: 'Hello' },
			subject: 'Hi',
			importance: 'normal',
			replyToId: null,
		});
		const reply = await graph(emu, 'POST', `${messages}/${posted.body.id}/replies`, user(), {
			body: { content: 'Re' },
		});
		expect(reply.status).toBe(201);
		expect(reply.body.replyToId).toBe(posted.body.id);
		const read = mintToken(emu, {
			app: REPORT_SERVER,
			user: 'reports@contoso.onmicrosoft.com',
			scopes: ['ChannelMessage.Read.All'],
		});
		expect((await graph(emu, 'GET', `${messages}/${posted.body.id}`, read)).body.id).toBe(
			posted.body.id,
		);
		expect(
			(await graph(emu, 'GET', `${messages}/${posted.body.id}/replies`, read)).body.value,
		).toHaveLength(1);
		const missing = await graph(emu, 'POST', `${messages}/123/replies`, user(), {
			body: { content: 'Re' },
		});
		expect(missing.status).toBe(404);
	});

	test('a user outside the team: 403', async () => {
		const r = await graph(
			emulator(),
			'POST',
			messages,
			user('gina_fabrikam.com#EXT#@contoso.onmicrosoft.com'),
			{ body: { content: 'hi' } },
		);
		expect(r.status).toBe(403);
	});
});

describe('teams, channels, files folders', () => {
	test('GET /teams/{id}/channels with $filter; $top is refused; filesFolder is the channel folder of the team site', async () => {
		const emu = emulator();
		const token = user();
		const channels = await graph(
			emu,
			'GET',
			`/teams/${ALL_STAFF}/channels?$filter=membershipType eq 'standard'&$select=id,displayName`,
			token,
		);
		expect(channels.status).toBe(200);
		expect(channels.body.value).toEqual([
			{ id: GENERAL, displayName: 'General' },
			{ id: REPORTS, displayName: 'Reports' },
			expect.objectContaining({ displayName: 'Alerts' }),
		]);
		expect((await graph(emu, 'GET', `/teams/${ALL_STAFF}/channels?$top=1`, token)).status).toBe(
			400,
		);
		const folder = await graph(
			emu,
			'GET',
			`/teams/${ALL_STAFF}/channels/${encodeURIComponent(REPORTS)}/filesFolder`,
			token,
		);
		expect(folder.status).toBe(200);
		expect(folder.body).toMatchObject({
			name: 'Reports',
			folder: { childCount: expect.any(Number) },
			webUrl: 'https://contoso.sharepoint.com/sites/AllStaff/Shared%20Documents/Reports',
			parentReference: { driveType: 'documentLibrary' },
		});
		expect(
			emu.drives.item('contoso.sharepoint.com:/sites/AllStaff/Documents', '/Reports')?.id,
		).toBe(folder.body.id);
		const team = await graph(emu, 'GET', `/teams/${ALL_STAFF}`, token);
		expect(team.body).toMatchObject({
			id: ALL_STAFF,
			displayName: 'All Staff',
			visibility: 'public',
		});
	});
});

describe('chats', () => {
	const bind = (id: string) => ({
		'@odata.type': '#microsoft.graph.aadUserConversationMember',
		roles: ['owner'],
		'user@odata.bind': `https://graph.microsoft.com/v1.0/users('${id}')`,
	});

	test('a one-on-one chat is created once; POSTing it again returns the same chat', async () => {
		const emu = emulator();
		const body = { chatType: 'oneOnOne', members: [bind(REPORTS_USER), bind(BOB)] };
		const first = await graph(emu, 'POST', '/chats', user(), body);
		expect(first.status).toBe(201);
		expect(first.body.id).toBe(`19:${[REPORTS_USER, BOB].sort().join('_')}@unq.gbl.spaces`);
		const again = await graph(emu, 'POST', '/chats', user(), body);
		expect(again.body.id).toBe(first.body.id);
		expect(emu.teams.chatsWith(REPORTS_USER, BOB)).toHaveLength(1);
		const members = await graph(
			emu,
			'GET',
			`/chats/${encodeURIComponent(first.body.id)}/members`,
			user(),
		);
		expect(members.body.value.map((m: any) => m.userId).sort()).toEqual([REPORTS_USER, BOB].sort());
	});

	test('the signed-in user must be a member; a group needs three people; unknown members are 404', async () => {
		const emu = emulator();
		expect(
			(
				await graph(emu, 'POST', '/chats', user(), {
					chatType: 'oneOnOne',
					members: [bind(ALICE), bind(BOB)],
				})
			).status,
		).toBe(403);
		expect(
			(
				await graph(emu, 'POST', '/chats', user(), {
					chatType: 'group',
					members: [bind(REPORTS_USER), bind(BOB)],
				})
			).status,
		).toBe(400);
		expect(
			(
				await graph(emu, 'POST', '/chats', user(), {
					chatType: 'oneOnOne',
					members: [bind(REPORTS_USER), bind('00000000-0000-4000-8000-000000000000')],
				})
			).status,
		).toBe(404);
	});

	test('chat messages: members only; GET /me/chats with $expand=members; app tokens cannot post', async () => {
		const emu = emulator();
		const chat = await graph(emu, 'POST', '/chats', user(), {
			chatType: 'group',
			topic: 'Close',
			members: [bind(REPORTS_USER), bind(ALICE), bind(BOB)],
		});
		const path = `/chats/${encodeURIComponent(chat.body.id)}/messages`;
		expect((await graph(emu, 'POST', path, user(), { body: { content: 'hi' } })).status).toBe(201);
		expect(
			(
				await graph(emu, 'POST', path, user('carol@contoso.onmicrosoft.com'), {
					body: { content: 'hi' },
				})
			).status,
		).toBe(403);
		const app = mintToken(emu, { app: ROOM_BOOKING, roles: ['Chat.ReadWrite.All'] });
		expect((await graph(emu, 'POST', path, app, { body: { content: 'hi' } })).status).toBe(403);
		const list = await graph(
			emu,
			'GET',
			"/me/chats?$filter=chatType eq 'group'&$expand=members",
			user(),
		);
		expect(list.status).toBe(200);
		expect(list.body.value.find((c: any) => c.id === chat.body.id).members).toHaveLength(3);
		const read = await graph(emu, 'GET', path, user());
		expect(read.body.value[0].body.content).toBe('hi');
	});
});

describe('Workflows webhook endpoint', () => {
	test('202 and a delivery for JSON; 400 for non-JSON; 401 for a bad signature; 404 for an unknown flow', async () => {
		const emu = emulator();
		const hook = emu.teams.createWebhook('All Staff', 'General');
		const post = (url: string, body: string, type = 'application/json') =>
			fetch(url, { method: 'POST', headers: { 'Content-Type': type }, body });
		const ok = await post(
			hook.url,
			JSON.stringify({
				type: 'message',
				attachments: [{ contentType: CARD, content: { type: 'AdaptiveCard', version: '1.5' } }],
			}),
		);
		expect(ok.status).toBe(202);
		expect(emu.teams.deliveries.at(-1)).toMatchObject({
			webhookId: hook.id,
			run: { status: 'Succeeded' },
		});
		const noCard = await post(hook.url, JSON.stringify({ text: 'plain' }));
		expect(noCard.status).toBe(202); // accepted; the flow run fails later
		expect(emu.teams.deliveries.at(-1)!.run.status).toBe('Failed');
		expect((await post(hook.url, 'not json', 'text/plain')).status).toBe(400);
		expect((await post(hook.url.replace(/sig=[^&]+/, 'sig=wrong'), '{}')).status).toBe(401);
		expect((await post(hook.url.replace(hook.id, 'f'.repeat(32)), '{}')).status).toBe(404);
		expect((await fetch(hook.url)).status).toBe(405);
	});
});
