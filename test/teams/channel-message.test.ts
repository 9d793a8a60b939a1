/**
 * Channel Message → Post and Reply through the node's `execute` (n8n's WorkflowExecute) against
 * the emulator, with a delegated credential: HTML with two mentions and high importance, a reply,
 * an adaptive card; stored as Graph stores them, every body sent valid against the CSDL.
 */
import { useEmulator } from '../helpers/emulator';
import {
	ALERTS,
	ALICE,
	ALL_STAFF,
	BOB,
	GENERAL,
	REPORTS,
	delegatedCredential,
	errorText,
	expectValidBodies,
	locator,
	runTeams,
} from './helpers';

const emulator = useEmulator();

const CARD = {
	type: 'AdaptiveCard',
	version: '1.5',
	$schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
	body: [
		{ type: 'TextBlock', text: 'Nightly ETL', weight: 'Bolder', size: 'Medium' },
		{
			type: 'FactSet',
			facts: [
				{ title: 'Rows', value: '12,345' },
				{ title: 'Status', value: 'OK' },
			],
		},
	],
};

describe('Channel Message → Post and Reply', () => {
	let postedId = '';

	test('HTML with two mentions and importance high: stored as Graph stores it', async () => {
		const emu = emulator();
		const received = emu.teams.received.length;
		const { output, error } = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'post',
				team: locator(ALL_STAFF, 'list'),
				channel: locator(REPORTS, 'list'),
				contentType: 'html',
				message: '<p>{mention1} and {mention2}: the <b>Q3 report</b> is ready.</p>',
				mentions: {
					mention: [
						{ kind: 'user', user: 'alice@contoso.onmicrosoft.com' },
						{ kind: 'user', user: BOB, text: 'Bob' },
					],
				},
				options: { subject: 'Q3 report', importance: 'high' },
			},
		});
		expect(error).toBeUndefined();
		const json = output[0][0].json as any;
		postedId = json.id;
		expect(json).toMatchObject({
			messageType: 'message',
			subject: 'Q3 report',
			importance: 'high',
			body: {
				contentType: 'html',
				content:
					'<p><at id="0">Alice Anders</at> and <at id="1">Bob</at>: the <b>Q3 report</b> is ready.</p>',
			},
			channelIdentity: { teamId: ALL_STAFF, channelId: REPORTS },
			from: { user: { displayName: 'Report Server', userIdentityType: 'aadUser' } },
		});
		expect(json.mentions).toEqual([
			{
				id: 0,
				mentionText: 'Alice Anders',
				mentioned: expect.objectContaining({
					user: expect.objectContaining({ id: ALICE, displayName: 'Alice Anders' }),
				}),
			},
			{
				id: 1,
				mentionText: 'Bob',
				mentioned: expect.objectContaining({ user: expect.objectContaining({ id: BOB }) }),
			},
		]);
		// Stored in the emulator's channel exactly as returned.
		const stored = emu.teams.channel('All Staff', 'Reports').messages.at(-1)!;
		expect(stored.json).toEqual(
			expect.objectContaining({ id: json.id, body: json.body, mentions: json.mentions }),
		);
		const [body] = expectValidBodies(emu, received) as any[];
		expect(body).toEqual({
			body: json.body,
			subject: 'Q3 report',
			importance: 'high',
			mentions: [
				{
					id: 0,
					mentionText: 'Alice Anders',
					mentioned: {
						user: {
							'@odata.type': '#microsoft.graph.teamworkUserIdentity',
							id: ALICE,
							displayName: 'Alice Anders',
							userIdentityType: 'aadUser',
						},
					},
				},
				expect.objectContaining({ id: 1, mentionText: 'Bob' }),
			],
		});
	});

	test('reply to it: a reply under that message, text escaped into HTML for a channel mention', async () => {
		const emu = emulator();
		const received = emu.teams.received.length;
		const { output, error } = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'reply',
				team: locator(ALL_STAFF),
				channel: locator(REPORTS),
				messageId: postedId,
				message: 'Numbers <checked> & signed off\nThanks',
				mentions: { mention: [{ kind: 'channel' }] },
			},
		});
		expect(error).toBeUndefined();
		const json = output[0][0].json as any;
		expect(json).toMatchObject({
			replyToId: postedId,
			body: {
				contentType: 'html',
				content: '<at id="0">Reports</at> Numbers &lt;checked&gt; &amp; signed off<br>Thanks',
			},
			mentions: [
				{
					id: 0,
					mentionText: 'Reports',
					mentioned: expect.objectContaining({
						conversation: {
							id: REPORTS,
							displayName: 'Reports',
							conversationIdentityType: 'channel',
						},
					}),
				},
			],
		});
		const parent = emu.teams
			.channel('All Staff', 'Reports')
			.messages.find((m) => m.json.id === postedId)!;
		expect(parent.replies.map((r) => r.id)).toEqual([json.id]);
		expect(expectValidBodies(emu, received)).toHaveLength(1);
	});

	test('adaptive card from an expression: sent as an attachment referenced from the body', async () => {
		const emu = emulator();
		const received = emu.teams.received.length;
		const { output, error } = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'post',
				team: locator(ALL_STAFF),
				channel: locator(
					`https://teams.microsoft.com/l/channel/${encodeURIComponent(ALERTS)}/Alerts?groupId=${ALL_STAFF}&tenantId=9afc4c9b-52ad-5db7-a6ed-ff1ff2d75c8a`,
					'url',
				),
				message: '',
				options: { adaptiveCard: '={{ JSON.stringify($json.card) }}' },
			},
			input: [{ json: { card: CARD } }],
		});
		expect(error).toBeUndefined();
		const json = output[0][0].json as any;
		expect(json.attachments).toHaveLength(1);
		const [attachment] = json.attachments;
		expect(attachment).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive' });
		expect(JSON.parse(attachment.content)).toEqual(CARD);
		expect(json.body).toEqual({
			contentType: 'html',
			content: `<attachment id="${attachment.id}"></attachment>`,
		});
		expect(json.channelIdentity.channelId).toBe(ALERTS);
		expectValidBodies(emu, received);
	});

	test('several items: each posted once, output paired with its item', async () => {
		const emu = emulator();
		const before = emu.teams.channel('All Staff', 'General').messages.length;
		const { output, error } = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'post',
				team: locator(ALL_STAFF),
				channel: locator(GENERAL),
				message: '={{ $json.text }}',
			},
			input: [{ json: { text: 'one' } }, { json: { text: 'two' } }, { json: { text: 'three' } }],
		});
		expect(error).toBeUndefined();
		expect(output[0].map((i) => [(i.json as any).body.content, i.pairedItem])).toEqual([
			['one', { item: 0 }],
			['two', { item: 1 }],
			['three', { item: 2 }],
		]);
		expect(emu.teams.channel('All Staff', 'General').messages.length).toBe(before + 3);
	});

	test("a user who is not a member of the team gets Graph's 403 (one request, not repeated)", async () => {
		const emu = emulator();
		// Gina is a guest of the tenant and not a member of All Staff.
		const guest = await delegatedCredential(emu, 'gina_fabrikam.com#EXT#@contoso.onmicrosoft.com');
		const mark = emu.mark();
		const result = await runTeams({
			emu,
			auth: { kind: 'delegated', data: guest },
			parameters: {
				resource: 'channelMessage',
				operation: 'post',
				team: locator(ALL_STAFF),
				channel: locator(GENERAL),
				message: 'hello',
			},
		});
		expect(errorText(result)).toMatch(/Forbidden/);
		expect(emu.since(mark).map((e) => [e.method, e.status])).toEqual([['POST', 403]]);
	});
});
