/**
 * Chat Message → Send through the node's `execute`: to a new pair (one chat created, then
 * reused), to a group (found again by its exact members), to an existing chat by ID, with a
 * mention and a card; unknown recipients fail the item before anything is created or posted.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALICE,
	BOB,
	CAROL,
	REPORTS_USER,
	errorText,
	expectValidBodies,
	locator,
	runTeams,
} from './helpers';

const emulator = useEmulator();

const send = (parameters: Record<string, unknown>) => ({
	resource: 'chatMessage',
	operation: 'send',
	...parameters,
});

describe('Chat Message → Send', () => {
	test('to a new pair: one chat is created; a second send (UPN vs mail vs ID) reuses it', async () => {
		const emu = emulator();
		const received = emu.teams.received.length;
		expect(emu.teams.chatsWith(REPORTS_USER, CAROL)).toHaveLength(0);
		const first = await runTeams({
			emu,
			parameters: send({ recipients: 'carol@contoso.onmicrosoft.com', message: 'Report is ready' }),
		});
		expect(first.error).toBeUndefined();
		const chats = emu.teams.chatsWith(REPORTS_USER, CAROL);
		expect(chats).toHaveLength(1);
		expect(chats[0].chatType).toBe('oneOnOne');
		const second = await runTeams({
			emu,
			parameters: send({
				recipients: CAROL,
				message: 'Second note',
				options: { importance: 'urgent' },
			}),
		});
		expect(second.error).toBeUndefined();
		expect(emu.teams.chatsWith(REPORTS_USER, CAROL)).toHaveLength(1);
		expect(chats[0].messages.map((m) => (m.body as any).content)).toEqual([
			'Report is ready',
			'Second note',
		]);
		expect(second.output[0][0].json).toMatchObject({ chatId: chats[0].id, importance: 'urgent' });
		const bodies = expectValidBodies(emu, received) as any[];
		// Two chat creations (Graph returns the existing one-on-one chat) and two messages.
		expect(bodies.filter((b) => b.chatType)).toEqual([
			{
				chatType: 'oneOnOne',
				members: [
					expect.objectContaining({
						'user@odata.bind': `${emu.graphUrl}/users('${REPORTS_USER}')`,
					}),
					expect.objectContaining({ 'user@odata.bind': `${emu.graphUrl}/users('${CAROL}')` }),
				],
			},
			expect.objectContaining({ chatType: 'oneOnOne' }),
		]);
	});

	test('several items to the same pair in one run: one chat, each message once', async () => {
		const emu = emulator();
		const { output, error } = await runTeams({
			emu,
			parameters: send({ recipients: '={{ $json.to }}', message: '={{ $json.text }}' }),
			input: [
				{ json: { to: 'bob@contoso.onmicrosoft.com', text: 'a' } },
				{ json: { to: 'bob@contoso.onmicrosoft.com', text: 'b' } },
			],
		});
		expect(error).toBeUndefined();
		expect(output[0]).toHaveLength(2);
		const chats = emu.teams.chatsWith(REPORTS_USER, BOB);
		expect(chats).toHaveLength(1);
		expect(chats[0].messages.map((m) => (m.body as any).content)).toEqual(['a', 'b']);
	});

	test('to a group: a group chat with the topic, found again by its members the next time', async () => {
		const emu = emulator();
		const parameters = send({
			recipients: 'alice@contoso.onmicrosoft.com, bob@contoso.onmicrosoft.com',
			topic: 'Month-end close',
			message: '{mention1}, please review',
			mentions: { mention: [{ user: 'alice@contoso.onmicrosoft.com' }] },
		});
		const first = await runTeams({ emu, parameters });
		expect(first.error).toBeUndefined();
		const second = await runTeams({ emu, parameters });
		expect(second.error).toBeUndefined();
		const groups = emu.teams.chatsWith(REPORTS_USER, ALICE, BOB);
		expect(groups).toHaveLength(1);
		expect(groups[0]).toMatchObject({ chatType: 'group', topic: 'Month-end close' });
		expect(groups[0].messages).toHaveLength(2);
		expect(second.output[0][0].json).toMatchObject({
			body: { contentType: 'html', content: '<at id="0">Alice Anders</at>, please review' },
			mentions: [expect.objectContaining({ id: 0, mentionText: 'Alice Anders' })],
		});
	});

	test('to an existing chat by ID, with an adaptive card', async () => {
		const emu = emulator();
		const [chat] = emu.teams.chatsWith(REPORTS_USER, CAROL);
		const received = emu.teams.received.length;
		const { output, error } = await runTeams({
			emu,
			parameters: send({
				sendTo: 'chat',
				chat: locator(chat.id),
				message: 'Summary',
				options: {
					adaptiveCard: {
						type: 'AdaptiveCard',
						version: '1.4',
						body: [{ type: 'TextBlock', text: 'OK' }],
					},
				},
			}),
		});
		expect(error).toBeUndefined();
		const json = output[0][0].json as any;
		expect(json.chatId).toBe(chat.id);
		expect(json.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
		expect(expectValidBodies(emu, received)).toHaveLength(1);
	});

	test('an unknown recipient is named; no chat is created and nothing is posted', async () => {
		const emu = emulator();
		const chatsBefore = emu.teams.store.chats.length;
		const mark = emu.mark();
		const result = await runTeams({
			emu,
			parameters: send({
				recipients: 'alice@contoso.onmicrosoft.com, nobody@contoso.onmicrosoft.com',
				message: 'hi',
			}),
		});
		expect(errorText(result)).toContain(
			'Recipients: unknown user "nobody@contoso.onmicrosoft.com"',
		);
		expect(emu.teams.store.chats.length).toBe(chatsBefore);
		expect(emu.since(mark).filter((e) => e.method === 'POST' && e.url.startsWith('/v1.0'))).toEqual(
			[],
		);
	});

	test('a chat ID that is not one is refused before any request', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runTeams({
			emu,
			parameters: send({ sendTo: 'chat', chat: locator('general'), message: 'hi' }),
		});
		expect(errorText(result)).toContain('Chat: "general" is not a chat ID');
		expect(emu.since(mark)).toEqual([]);
	});
});
