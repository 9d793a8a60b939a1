/**
 * Every bad input of the issue, each a clear error naming the field, with nothing posted (and,
 * where no Graph lookup is needed to know it, no request at all).
 */
import type { INodeParameters } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { ALL_STAFF, GENERAL, errorText, locator, runTeams } from './helpers';

const emulator = useEmulator();

const post = (parameters: Record<string, unknown>) => ({
	resource: 'channelMessage',
	operation: 'post',
	team: locator(ALL_STAFF),
	channel: locator(GENERAL),
	...parameters,
});

/** Runs and returns the error text and the Graph/login requests made. */
async function attempt(parameters: Record<string, unknown>) {
	const emu = emulator();
	const posted = emu.teams.channel('All Staff', 'General').messages.length;
	const mark = emu.mark();
	const result = await runTeams({ emu, parameters: parameters as INodeParameters });
	expect(emu.teams.channel('All Staff', 'General').messages.length).toBe(posted);
	return {
		text: errorText(result),
		requests: emu.since(mark).filter((e) => !e.url.includes('/oauth2/')),
	};
}

describe('bad input: a clear error, nothing posted', () => {
	beforeAll(async () => {
		// Sign in once (the helper caches the credential), so the checks below see only the node's requests.
		await runTeams({
			emu: emulator(),
			parameters: { resource: 'team', operation: 'getMany', limit: 1 },
		});
	});

	test('invalid card JSON', async () => {
		const { text, requests } = await attempt(
			post({
				message: 'x',
				options: { adaptiveCard: '{"type": "AdaptiveCard", "version": "1.5", body: []}' },
			}),
		);
		expect(text).toContain('Adaptive Card is not valid JSON');
		expect(requests).toEqual([]);
	});

	test('a card that is not an adaptive card (no "type")', async () => {
		const { text, requests } = await attempt(
			post({ options: { adaptiveCard: '{"version": "1.5", "body": []}' } }),
		);
		expect(text).toContain('Adaptive Card: "type" must be "AdaptiveCard" (it is missing)');
		expect(requests).toEqual([]);
	});

	test('card over the size limit', async () => {
		const body = Array.from({ length: 300 }, (_, i) => ({
			type: 'TextBlock',
			text: `Row ${i} ${'x'.repeat(100)}`,
		}));
		const { text, requests } = await attempt(
			post({
				options: { adaptiveCard: JSON.stringify({ type: 'AdaptiveCard', version: '1.5', body }) },
			}),
		);
		expect(text).toMatch(/Adaptive Card is \d+\.\d KB, over Teams' message limit of about 28 KB/);
		expect(requests).toEqual([]);
	});

	test('message over the size limit', async () => {
		const { text, requests } = await attempt(
			post({ contentType: 'html', message: `<p>${'Lorem ipsum '.repeat(2500)}</p>` }),
		);
		expect(text).toMatch(/The message is \d+\.\d KB, over Teams' limit of about 28 KB/);
		expect(requests).toEqual([]);
	});

	test('unknown user in a mention (named; only the lookup is made)', async () => {
		const { text, requests } = await attempt(
			post({
				message: 'hi',
				mentions: {
					mention: [
						{ user: 'alice@contoso.onmicrosoft.com' },
						{ user: 'ghost@contoso.onmicrosoft.com' },
					],
				},
			}),
		);
		expect(text).toContain('Mentions: unknown user "ghost@contoso.onmicrosoft.com"');
		expect(requests.every((e) => e.method === 'GET' && e.url.startsWith('/v1.0/users'))).toBe(true);
	});

	test('unknown user (by ID) in a mention', async () => {
		const { text } = await attempt(
			post({
				message: 'hi',
				mentions: { mention: [{ user: '00000000-0000-4000-8000-000000000000' }] },
			}),
		);
		expect(text).toContain('Mentions: unknown user "00000000-0000-4000-8000-000000000000"');
	});

	test('a channel URL that does not parse', async () => {
		const { text, requests } = await attempt(
			post({ channel: locator('https://teams.microsoft.com/l/message/abc', 'url'), message: 'x' }),
		);
		expect(text).toContain(
			'Channel: "https://teams.microsoft.com/l/message/abc" is not a Teams channel link',
		);
		expect(requests).toEqual([]);
	});

	test('a channel link of another team', async () => {
		const other = '11111111-2222-4333-8444-555555555555';
		const link = `https://teams.microsoft.com/l/channel/19%3aabc%40thread.tacv2/General?groupId=${other}&tenantId=x`;
		const { text, requests } = await attempt(post({ channel: locator(link, 'url'), message: 'x' }));
		expect(text).toContain('Channel: the link is for a channel of another team');
		expect(requests).toEqual([]);
	});

	test('a team link without a team ID', async () => {
		const { text, requests } = await attempt(
			post({ team: locator('https://example.com/teams/x', 'url'), message: 'x' }),
		);
		expect(text).toContain('is not a Teams link with a team ID');
		expect(requests).toEqual([]);
	});

	test('an empty message with no card or file', async () => {
		const { text, requests } = await attempt(post({ message: '   ' }));
		expect(text).toContain('The message is empty');
		expect(requests).toEqual([]);
	});

	test('a reply to something that is not a message ID', async () => {
		const { text, requests } = await attempt({
			...post({ message: 'x' }),
			operation: 'reply',
			messageId: 'latest',
		});
		expect(text).toContain('Message ID: "latest" is not a channel message ID');
		expect(requests).toEqual([]);
	});

	test('a mention without a user (chats offer user mentions only)', async () => {
		const { text } = await attempt({
			resource: 'chatMessage',
			operation: 'send',
			recipients: 'bob@contoso.onmicrosoft.com',
			message: 'x',
			mentions: { mention: [{ kind: 'team' }] },
		});
		expect(text).toContain('Mentions: mention 1 has no user');
	});

	test('with "Continue On Fail", each item reports its own failure and the good one is posted', async () => {
		const emu = emulator();
		const before = emu.teams.channel('All Staff', 'General').messages.length;
		const { output, error } = await runTeams({
			emu,
			parameters: post({ message: '={{ $json.text }}' }),
			input: [{ json: { text: 'fine' } }, { json: { text: '' } }, { json: { text: 'also fine' } }],
			extra: { continueOnFail: true },
		});
		expect(error).toBeUndefined();
		expect(
			output[0].map((i) => [i.json.error ?? (i.json as any).body.content, i.pairedItem]),
		).toEqual([
			['fine', { item: 0 }],
			['The message is empty', { item: 1 }],
			['also fine', { item: 2 }],
		]);
		expect(emu.teams.channel('All Staff', 'General').messages.length).toBe(before + 2);
	});
});
