/**
 * The app-only credential (posting refused with the explanation before any request), the
 * Workflows webhook (a card delivered to the emulator's endpoint, the URL kept secret), the Get
 * Many operations and the resource locators' lists (search and paging).
 */
import { ALL_STAFF, GENERAL, REPORTS, errorText, listSearch, locator, runTeams } from './helpers';
import { useEmulator } from '../helpers/emulator';

const emulator = useEmulator();

const CARD = {
	type: 'AdaptiveCard',
	version: '1.5',
	body: [{ type: 'TextBlock', text: 'Backup failed on srv-01', color: 'Attention' }],
};

describe('app-only credential', () => {
	test.each([
		['channelMessage', 'post'],
		['channelMessage', 'postWithFile'],
		['channelMessage', 'reply'],
		['chatMessage', 'send'],
	])(
		'%s → %s is refused with the explanation, before any request (no token either)',
		async (resource, operation) => {
			const emu = emulator();
			const mark = emu.mark();
			const result = await runTeams({
				emu,
				auth: { kind: 'app' },
				parameters: {
					resource,
					operation,
					team: locator(ALL_STAFF),
					channel: locator(GENERAL),
					messageId: '1',
					recipients: 'alice@contoso.onmicrosoft.com',
					message: 'hello',
				},
				input: [{ json: {}, binary: { data: { content: 'x', fileName: 'x.txt' } } }],
			});
			const text = errorText(result);
			expect(text).toContain('Posting Teams messages needs the delegated credential');
			expect(text).toContain('Teamwork.Migrate.All');
			expect(text).toContain('Incoming Webhook');
			expect(emu.since(mark)).toEqual([]);
		},
	);

	test('app credential: Get Many of teams needs Team.ReadBasic.All (the 403 says so); channels work with Group.Read.All', async () => {
		const emu = emulator();
		// Room Booking has Group.Read.All, which GET /teams/{id}/channels accepts; /teams needs Team.ReadBasic.All.
		const teams = await runTeams({
			emu,
			auth: { kind: 'app' },
			parameters: { resource: 'team', operation: 'getMany' },
		});
		expect(errorText(teams)).toContain('Team.ReadBasic.All');
		const channels = await runTeams({
			emu,
			auth: { kind: 'app' },
			parameters: {
				resource: 'channel',
				operation: 'getMany',
				team: locator(ALL_STAFF),
				returnAll: true,
			},
		});
		expect(channels.error).toBeUndefined();
		expect(channels.output[0].map((i) => i.json.displayName)).toEqual([
			'General',
			'Reports',
			'Alerts',
		]);
	});
});

describe('Incoming Webhook → Post Card', () => {
	test('delivers the card to the Workflows endpoint (no Authorization header), which posts it', async () => {
		const emu = emulator();
		const hook = emu.teams.createWebhook('All Staff', 'Alerts');
		const before = emu.teams.channel('All Staff', 'Alerts').messages.length;
		const mark = emu.mark();
		const { output, error } = await runTeams({
			emu,
			auth: { kind: 'webhook', url: hook.url },
			parameters: {
				resource: 'incomingWebhook',
				operation: 'postCard',
				card: JSON.stringify(CARD),
			},
		});
		expect(error).toBeUndefined();
		expect(output[0][0].json).toEqual({ delivered: true, status: 202 });
		const log = emu.since(mark);
		expect(log.map((e) => [e.method, e.url.split('?')[0], e.status])).toEqual([
			['POST', `/workflows/${hook.id}/triggers/manual/paths/invoke`, 202],
		]);
		expect(log[0].hasAuthorization).toBe(false);
		const delivery = emu.teams.deliveries.at(-1)!;
		expect(delivery.payload).toEqual({
			type: 'message',
			attachments: [
				{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: CARD },
			],
		});
		expect(delivery.run.status).toBe('Succeeded');
		const messages = emu.teams.channel('All Staff', 'Alerts').messages;
		expect(messages.length).toBe(before + 1);
		expect(JSON.parse((messages.at(-1)!.json.attachments as any[])[0].content)).toEqual(CARD);
	});

	test('works the same when the node is set to the app credential', async () => {
		const emu = emulator();
		const hook = emu.teams.createWebhook('All Staff', 'Alerts');
		const { error } = await runTeams({
			emu,
			auth: { kind: 'webhook', url: hook.url },
			parameters: {
				authentication: 'app',
				resource: 'incomingWebhook',
				operation: 'postCard',
				card: CARD as any,
			},
		});
		expect(error).toBeUndefined();
		expect(emu.teams.deliveries.filter((d) => d.webhookId === hook.id)).toHaveLength(1);
	});

	test("a wrong signature: the flow's 401 explained, and the URL's secret is in no error text", async () => {
		const emu = emulator();
		const hook = emu.teams.createWebhook('All Staff', 'Alerts');
		const sig = new URL(hook.url).searchParams.get('sig')!;
		const wrong = hook.url.replace(sig, `${sig.slice(0, -4)}AAAA`);
		const result = await runTeams({
			emu,
			auth: { kind: 'webhook', url: wrong },
			parameters: {
				resource: 'incomingWebhook',
				operation: 'postCard',
				card: JSON.stringify(CARD),
			},
		});
		const text = errorText(result);
		expect(text).toContain('The Teams Workflows webhook answered 401');
		expect(text).toContain('copy the webhook URL again');
		expect(JSON.stringify(result.error)).not.toContain(sig.slice(0, -4));
		expect(emu.teams.deliveries.filter((d) => d.webhookId === hook.id)).toHaveLength(0);
	});

	test('invalid card JSON and a card without "version" are refused before any request', async () => {
		const emu = emulator();
		const hook = emu.teams.createWebhook('All Staff', 'Alerts');
		const mark = emu.mark();
		const invalid = await runTeams({
			emu,
			auth: { kind: 'webhook', url: hook.url },
			parameters: {
				resource: 'incomingWebhook',
				operation: 'postCard',
				card: '{"type": "AdaptiveCard",',
			},
		});
		expect(errorText(invalid)).toContain('Adaptive Card is not valid JSON');
		const noVersion = await runTeams({
			emu,
			auth: { kind: 'webhook', url: hook.url },
			parameters: {
				resource: 'incomingWebhook',
				operation: 'postCard',
				card: '{"type": "AdaptiveCard", "body": []}',
			},
		});
		expect(errorText(noVersion)).toContain(
			'"version" must be a string such as "1.5" (it is missing)',
		);
		expect(emu.since(mark)).toEqual([]);
	});
});

describe('Get Many and resource locators', () => {
	test('team and channel lists: search and paging', async () => {
		const emu = emulator();
		const tenant = emu.directory.home;
		// 120 more teams "Project 001".."Project 120", so the list pages (100 per page).
		for (let n = 1; n <= 120; n++) {
			const group = tenant.addGroup({
				displayName: `Project ${String(n).padStart(3, '0')}`,
				groupTypes: ['Unified'],
				members: ['reports@contoso.onmicrosoft.com'],
			});
			emu.teams.store.addTeam(tenant, {
				group: group.id,
				site: 'contoso.sharepoint.com:/sites/AllStaff',
			});
		}
		const first = await listSearch(emu, 'searchTeams', {});
		expect(first.result.results).toHaveLength(100);
		expect(first.result.paginationToken).toEqual(expect.stringContaining('$skiptoken='));
		const second = await listSearch(
			emu,
			'searchTeams',
			{},
			undefined,
			first.result.paginationToken,
		);
		expect(second.result.results).toHaveLength(21);
		expect(second.result.paginationToken).toBeUndefined();
		const names = [...first.result.results, ...second.result.results].map((r) => r.name);
		expect(new Set(names).size).toBe(121);

		const search = await listSearch(emu, 'searchTeams', {}, 'All St');
		expect(search.result.results).toEqual([
			expect.objectContaining({
				name: 'All Staff',
				value: ALL_STAFF,
				url: expect.stringContaining('groupId='),
			}),
		]);

		const channels = await listSearch(
			emu,
			'searchChannels',
			{ team: locator(ALL_STAFF, 'list') },
			'rep',
		);
		expect(channels.result.results).toEqual([
			expect.objectContaining({
				name: 'Reports',
				value: REPORTS,
				url: expect.stringContaining('/l/channel/'),
			}),
		]);
		// A team given by its link works for the channel list too.
		const byLink = await listSearch(emu, 'searchChannels', {
			team: locator(
				`https://teams.microsoft.com/l/team/x/conversations?groupId=${ALL_STAFF}&tenantId=t`,
				'url',
			),
		});
		expect(byLink.result.results.map((r) => r.name)).toEqual(['General', 'Reports', 'Alerts']);

		const many = await runTeams({
			emu,
			parameters: {
				resource: 'team',
				operation: 'getMany',
				returnAll: true,
				filters: { nameStartsWith: 'Project 1' },
			},
		});
		expect(many.error).toBeUndefined();
		expect(many.output[0]).toHaveLength(21); // Project 100..120
		const limited = await runTeams({
			emu,
			parameters: { resource: 'team', operation: 'getMany', limit: 5 },
		});
		expect(limited.output[0]).toHaveLength(5);
	});

	test('chats: Get Many and the chat list', async () => {
		const emu = emulator();
		const sent = await runTeams({
			emu,
			parameters: {
				resource: 'chatMessage',
				operation: 'send',
				recipients: 'alice@contoso.onmicrosoft.com',
				message: 'hi',
			},
		});
		expect(sent.error).toBeUndefined();
		const chats = await runTeams({
			emu,
			parameters: {
				resource: 'chat',
				operation: 'getMany',
				returnAll: true,
				filters: { chatType: 'oneOnOne', members: true },
			},
		});
		expect(chats.error).toBeUndefined();
		expect(chats.output[0]).toHaveLength(1);
		expect((chats.output[0][0].json.members as any[]).map((m) => m.displayName).sort()).toEqual([
			'Alice Anders',
			'Report Server',
		]);
		const list = await listSearch(emu, 'searchChats', {}, 'alice');
		expect(list.result.results).toEqual([
			expect.objectContaining({ value: sent.output[0][0].json.chatId }),
		]);
	});
});
