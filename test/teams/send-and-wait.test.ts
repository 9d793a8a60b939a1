/**
 * Chat Message and Channel Message → Send and Wait for Response through n8n's engine (the
 * harness) against the emulator, and the answer through the node's webhook: the Adaptive Card
 * posted (Action.OpenUrl buttons on the execution's signed resume URL), one card per person in
 * their one-on-one chat with links naming them, one card in a channel naming nobody; the answer
 * of each kind; link previews ignored; a changed link refused; bad input refused before any
 * request.
 */
import {
	NodeHelpers,
	Workflow,
	type IDataObject,
	type INode,
	type INodeParameters,
} from 'n8n-workflow';
import { Microsoft365Mail } from '../../nodes/Microsoft365Mail/Microsoft365Mail.node';
import { Microsoft365Teams } from '../../nodes/Microsoft365Teams/Microsoft365Teams.node';
import { HarnessNodeTypes } from '../harness/node-types';
import { useEmulator } from '../helpers/emulator';
import { BROWSER, callWebhook, queryOf } from '../helpers/send-and-wait';
import {
	ALICE,
	ALL_STAFF,
	BOB,
	GENERAL,
	REPORTS_USER,
	errorText,
	expectValidBodies,
	locator,
	runTeams,
} from './helpers';

const emulator = useEmulator();
const ALICE_MAIL = 'alice@contoso.onmicrosoft.com';
const BOB_MAIL = 'bob@contoso.onmicrosoft.com';

const chatParams = (extra: IDataObject): INodeParameters =>
	({
		resource: 'chatMessage',
		operation: 'sendAndWait',
		sendTo: 'people',
		recipients: `${ALICE_MAIL}, ${BOB_MAIL}`,
		message: 'Deploy release 4.2 to production?',
		...extra,
	}) as INodeParameters;

const channelParams = (extra: IDataObject): INodeParameters =>
	({
		resource: 'channelMessage',
		operation: 'sendAndWait',
		team: locator(ALL_STAFF),
		channel: locator(GENERAL),
		message: 'Who takes the on-call shift this weekend?',
		...extra,
	}) as INodeParameters;

/** The card of a posted chatMessage. */
function cardOf(message: object): any {
	const body = ((message as any).json ?? message) as any;
	const attachment = body.attachments.find(
		(a: any) => a.contentType === 'application/vnd.microsoft.card.adaptive',
	);
	expect(body.body.content).toBe(`<attachment id="${attachment.id}"></attachment>`);
	return JSON.parse(attachment.content);
}

describe('Chat Message → Send and Wait', () => {
	beforeAll(async () => {
		// Sign in once (the helper caches the credential).
		await runTeams({
			emu: emulator(),
			parameters: { resource: 'team', operation: 'getMany', limit: 1 },
		});
	});

	test('two people: each gets the card in their one-on-one chat, links naming them; the answer says whose', async () => {
		const emu = emulator();
		const received = emu.teams.received.length;
		const parameters = chatParams({
			// Alice twice (by address and by object ID): one card for her.
			recipients: `${ALICE_MAIL}, ${BOB_MAIL}, ${ALICE}`,
			approvalOptions: {
				values: { approvalType: 'double', approveLabel: '✓ Deploy', disapproveLabel: '✗ Hold' },
			},
		});
		const result = await runTeams({ emu, parameters });
		expect(result.error).toBeUndefined();
		expect(result.run.waitTill).toBeInstanceOf(Date);
		expect(result.output[0][0].json).toMatchObject({
			waiting: true,
			sentTo: [ALICE_MAIL, BOB_MAIL],
		});
		const entry = result.run.data.executionData!.nodeExecutionStack[0];
		expect(entry.metadata?.forwardAllOutputs).toBe(true);
		expect(entry.data.main[1]![0].json).toMatchObject({
			timedOut: true,
			sentTo: [ALICE_MAIL, BOB_MAIL],
		});
		const cards: Record<string, any> = {};
		for (const [user, mail] of [
			[ALICE, ALICE_MAIL],
			[BOB, BOB_MAIL],
		]) {
			const chats = emu.teams.chatsWith(REPORTS_USER, user);
			expect(chats).toHaveLength(1);
			expect(chats[0].chatType).toBe('oneOnOne');
			const card = cardOf(chats[0].messages.at(-1)!);
			expect(card).toMatchObject({
				type: 'AdaptiveCard',
				version: '1.4',
				body: [{ type: 'TextBlock', text: 'Deploy release 4.2 to production?', wrap: true }],
			});
			expect(card.actions.map((a: any) => [a.type, a.title])).toEqual([
				['Action.OpenUrl', '✓ Deploy'],
				['Action.OpenUrl', '✗ Hold'],
			]);
			expect(card.actions.map((a: any) => queryOf(a.url))).toEqual([
				{ approved: 'true', recipient: mail, signature: expect.any(String) },
				{ approved: 'false', recipient: mail, signature: expect.any(String) },
			]);
			cards[mail] = card;
		}
		// Every body posted is valid against Graph's CSDL (two chats created, two messages).
		expect(expectValidBodies(emu, received)).toHaveLength(4);

		// Teams' preview service (no user agent, or Teams') opening a button's link answers nothing.
		for (const userAgent of [undefined, 'Mozilla/5.0 Teams/1.6.00.1381 Electron/13.6.6']) {
			const preview = await callWebhook({
				link: cards[BOB_MAIL].actions[0].url,
				userAgent,
				parameters,
			});
			expect(preview.data).toBeUndefined();
		}
		const hold = await callWebhook({
			link: cards[BOB_MAIL].actions[1].url,
			userAgent: BROWSER,
			parameters,
		});
		expect(hold.data).toEqual({
			approved: false,
			respondedBy: BOB_MAIL,
			respondedAt: expect.any(String),
		});
		// Bob's link with Alice's address: refused.
		const forged = new URL(cards[BOB_MAIL].actions[0].url);
		forged.searchParams.set('recipient', ALICE_MAIL);
		const refused = await callWebhook({ link: forged.toString(), userAgent: BROWSER, parameters });
		expect(refused.status).toBe(401);
		expect(refused.data).toBeUndefined();
	});

	test('free text: one Respond button; its form answers with the text', async () => {
		const emu = emulator();
		const parameters = chatParams({ recipients: ALICE_MAIL, responseType: 'freeText' });
		const result = await runTeams({ emu, parameters });
		expect(result.error).toBeUndefined();
		const card = cardOf(emu.teams.chatsWith(REPORTS_USER, ALICE)[0].messages.at(-1)!);
		expect(card.actions).toEqual([
			{ type: 'Action.OpenUrl', title: 'Respond', url: expect.any(String), style: 'positive' },
		]);
		const link = card.actions[0].url;
		const form = await callWebhook({ link, userAgent: BROWSER, parameters });
		expect(form.page).toContain('name="field-0"');
		const answer = await callWebhook({
			link,
			method: 'POST',
			body: { 'field-0': 'After 18:00 please' },
			userAgent: BROWSER,
			parameters,
		});
		expect(answer.data).toEqual({
			text: 'After 18:00 please',
			respondedBy: ALICE_MAIL,
			respondedAt: expect.any(String),
		});
	});

	test('an existing chat with Accept Answers Only From Recipients is refused before any request', async () => {
		const emu = emulator();
		const [chat] = emu.teams.chatsWith(REPORTS_USER, ALICE);
		const posted = chat.messages.length;
		const mark = emu.mark();
		const result = await runTeams({
			emu,
			parameters: chatParams({ sendTo: 'chat', chat: locator(chat.id) }),
		});
		expect(result.error?.message).toMatch(/^Accept Answers Only From Recipients: an existing chat/);
		expect(emu.since(mark).filter((e) => !e.url.includes('/oauth2/'))).toEqual([]);
		expect(chat.messages.length).toBe(posted);
		// With the option off, the card goes to the chat and its links name nobody.
		const shared = await runTeams({
			emu,
			parameters: chatParams({ sendTo: 'chat', chat: locator(chat.id), recipientsOnly: false }),
		});
		expect(shared.error).toBeUndefined();
		const card = cardOf(chat.messages.at(-1)!);
		expect(Object.keys(queryOf(card.actions[0].url))).toEqual(['approved', 'signature']);
	});
});

describe('Channel Message → Send and Wait', () => {
	test('one card in the channel, links naming nobody; a custom form answers with its fields', async () => {
		const emu = emulator();
		const channel = emu.teams.channel('All Staff', 'General');
		const before = channel.messages.length;
		const parameters = channelParams({
			responseType: 'customForm',
			formFields: {
				values: [
					{ fieldLabel: 'Name', fieldType: 'text', requiredField: true },
					{
						fieldLabel: 'Shift',
						fieldType: 'dropdown',
						fieldOptions: 'Saturday, Sunday',
						requiredField: true,
					},
				],
			},
			options: {
				messageButtonLabel: 'Volunteer',
				limitWaitTime: {
					values: {
						limitType: 'atSpecifiedTime',
						maxDateAndTime: new Date(Date.now() + 86_400_000).toISOString(),
					},
				},
			},
		});
		const result = await runTeams({ emu, parameters });
		expect(result.error).toBeUndefined();
		expect(result.output).toHaveLength(2);
		expect(channel.messages.length).toBe(before + 1);
		const card = cardOf(channel.messages.at(-1)!);
		expect(card.actions.map((a: any) => a.title)).toEqual(['Volunteer']);
		const link = card.actions[0].url;
		expect(Object.keys(queryOf(link))).toEqual(['signature']);
		const answer = await callWebhook({
			link,
			method: 'POST',
			body: { 'field-0': 'Carol', 'field-1': 'Sunday' },
			userAgent: BROWSER,
			parameters,
		});
		expect(answer.data).toEqual({
			Name: 'Carol',
			Shift: 'Sunday',
			respondedBy: null,
			respondedAt: expect.any(String),
		});
	});

	test.each([
		[
			'wait time 0',
			{ options: { limitWaitTime: { values: { resumeAmount: 0, resumeUnit: 'hours' } } } },
			/^Limit Wait Time: Amount must be more than 0/,
		],
		[
			'a date in the past',
			{
				options: {
					limitWaitTime: {
						values: { limitType: 'atSpecifiedTime', maxDateAndTime: '2021-06-01T10:00:00Z' },
					},
				},
			},
			/^Limit Wait Time: Max Date and Time .* is in the past/,
		],
		['an empty message', { message: '={{ "  " }}' }, /^Message: the message is empty/],
	])(
		'bad input (%s): refused before any request, nothing posted',
		async (_name, extra, message) => {
			const emu = emulator();
			const channel = emu.teams.channel('All Staff', 'General');
			const before = channel.messages.length;
			const mark = emu.mark();
			const result = await runTeams({ emu, parameters: channelParams(extra) });
			expect(result.error?.message).toMatch(message);
			expect(errorText(result)).toMatch(/nothing was (sent|posted)/i);
			expect(emu.since(mark).filter((e) => !e.url.includes('/oauth2/'))).toEqual([]);
			expect(channel.messages.length).toBe(before);
		},
	);

	test('with the app credential: refused before any request (Graph lets apps post only for migration)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const result = await runTeams({ emu, auth: { kind: 'app' }, parameters: channelParams({}) });
		expect(result.error?.message).toBe('Posting Teams messages needs the delegated credential');
		expect(emu.since(mark)).toEqual([]);
	});
});

describe('the node outputs', () => {
	test('one output for other operations; two, Answered and Timed Out, for Send and Wait', async () => {
		const emu = emulator();
		const result = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'post',
				team: locator(ALL_STAFF),
				channel: locator(GENERAL),
				message: 'hi',
			},
		});
		expect(result.output).toHaveLength(1);
		for (const node of [new Microsoft365Teams(), new Microsoft365Mail()]) {
			expect(node.description.outputs).toMatch(
				/^=\{\{ \$parameter\.operation === "sendAndWait" \? \[\{ type: "main", displayName: "Answered" \}, \{ type: "main", displayName: "Timed Out" \}\] : \["main"\] \}\}$/,
			);
			expect(
				node.description.webhooks?.map((w) => [
					w.httpMethod,
					w.path,
					w.restartWebhook,
					w.isFullPath,
				]),
			).toEqual([
				['GET', '={{ $nodeId }}', true, true],
				['POST', '={{ $nodeId }}', true, true],
			]);
		}
	});

	test('n8n evaluates the outputs: saved workflows of other operations keep one, Send and Wait gets Answered and Timed Out', () => {
		const types = {
			'n8n-nodes-m365.microsoft365Mail': new Microsoft365Mail(),
			'n8n-nodes-m365.microsoft365Teams': new Microsoft365Teams(),
		};
		const cases: Array<[keyof typeof types, INodeParameters, number]> = [
			['n8n-nodes-m365.microsoft365Mail', { resource: 'message', operation: 'send' }, 1],
			['n8n-nodes-m365.microsoft365Mail', { resource: 'message' }, 1], // Send, the default, not saved
			['n8n-nodes-m365.microsoft365Mail', { resource: 'message', operation: 'sendAndWait' }, 2],
			['n8n-nodes-m365.microsoft365Teams', { resource: 'channelMessage', operation: 'post' }, 1],
			[
				'n8n-nodes-m365.microsoft365Teams',
				{ resource: 'chatMessage', operation: 'sendAndWait' },
				2,
			],
			[
				'n8n-nodes-m365.microsoft365Teams',
				{ resource: 'channelMessage', operation: 'sendAndWait' },
				2,
			],
		];
		for (const [type, parameters, count] of cases) {
			const node: INode = {
				id: 'n',
				name: 'N',
				type,
				typeVersion: 1,
				position: [0, 0],
				parameters,
			};
			const workflow = new Workflow({
				nodes: [node],
				connections: {},
				active: false,
				nodeTypes: new HarnessNodeTypes(types),
			});
			const outputs = NodeHelpers.getNodeOutputs(workflow, node, types[type].description);
			expect({ type, parameters, outputs }).toEqual({
				type,
				parameters,
				outputs:
					count === 1
						? ['main']
						: [
								{ type: 'main', displayName: 'Answered' },
								{ type: 'main', displayName: 'Timed Out' },
							],
			});
		}
	});
});
