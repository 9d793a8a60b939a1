/**
 * The Teams node's posts paced through n8n's engine (the harness) against the emulator, with its
 * per-channel limits on: the process-wide pacer and the emulator's limiter read one simulated
 * clock, so nothing sleeps. Items to one channel post in order; items to different channels post
 * at the same time (router lanes).
 */
import { configurePacing, type PostPacer } from '../../nodes/shared/transport';
import { useEmulator } from '../helpers/emulator';
import { SimulatedClock } from '../helpers/simulated-clock';
import {
	ALERTS,
	ALL_STAFF,
	BOB,
	GENERAL,
	REPORTS,
	REPORTS_USER,
	locator,
	runTeams,
} from './helpers';

const emulator = useEmulator();

let clock: SimulatedClock;
let pacer: PostPacer;
let stopDriving: () => void;

beforeEach(() => {
	clock = new SimulatedClock();
	pacer = configurePacing({ clock, reset: true });
	const limiter = emulator().teams.channelLimiter;
	limiter.clock = () => clock.now();
	limiter.offsetMs = 0;
	limiter.limits = { perSecond: 4, perDay: 3000 };
	limiter.reset();
	stopDriving = clock.drive(() => pacer.stats.inFlight === 0);
});

afterEach(() => stopDriving());

afterAll(() => {
	emulator().teams.channelLimiter.clock = Date.now;
});

const postParameters = {
	resource: 'channelMessage',
	operation: 'post',
	team: locator(ALL_STAFF),
	channel: locator('={{ $json.channel }}'),
	message: '={{ $json.text }}',
};

function channelPosts(mark: number) {
	const entries = emulator()
		.since(mark)
		.filter((e) => e.method === 'POST' && /\/channels\/.*\/messages/.test(e.url));
	return {
		requests: entries.length,
		throttled: entries.filter((e) => e.status === 429).length,
	};
}

describe('Channel Message → Post, paced', () => {
	test('20 items to one channel: zero 429s, in order, at 4 a second (4.75 s simulated)', async () => {
		const emu = emulator();
		const mark = emu.mark();
		const start = clock.now();
		const { output, error } = await runTeams({
			emu,
			parameters: postParameters,
			input: Array.from({ length: 20 }, (_, n) => ({
				json: { channel: GENERAL, text: `item ${n}` },
			})),
		});
		expect(error).toBeUndefined();
		expect(channelPosts(mark)).toEqual({ requests: 20, throttled: 0 });
		expect(emu.teams.channelLimiter.refused.perSecond).toBe(0);
		expect(clock.now() - start).toBeGreaterThanOrEqual(19 * 250);
		expect(output[0].map((i) => [(i.json as any).body.content, i.pairedItem])).toEqual(
			Array.from({ length: 20 }, (_, n) => [`item ${n}`, { item: n }]),
		);
		const stored = emu.teams
			.channel('All Staff', 'General')
			.messages.slice(-20)
			.map((m) => (m.json.body as { content: string }).content);
		expect(stored).toEqual(Array.from({ length: 20 }, (_, n) => `item ${n}`));
	});

	test('21 items over 3 channels post at the same time: a third of the time, each channel in order, zero 429s', async () => {
		const emu = emulator();
		const channels = [GENERAL, REPORTS, ALERTS];
		const mark = emu.mark();
		const start = clock.now();
		const { output, error } = await runTeams({
			emu,
			parameters: postParameters,
			input: Array.from({ length: 21 }, (_, n) => ({
				json: { channel: channels[n % 3], text: `spread ${n}` },
			})),
		});
		expect(error).toBeUndefined();
		expect(channelPosts(mark)).toEqual({ requests: 21, throttled: 0 });
		const elapsed = clock.now() - start;
		// 7 posts per channel: 6 x 250 ms; one channel after another would take 20 x 250 ms.
		expect(elapsed).toBeGreaterThanOrEqual(1500);
		expect(elapsed).toBeLessThan(3000);
		// Output in input order, whatever order the lanes finished in.
		expect(output[0].map((i) => (i.json as any).body.content)).toEqual(
			Array.from({ length: 21 }, (_, n) => `spread ${n}`),
		);
		for (const [k, name] of ['General', 'Reports', 'Alerts'].entries()) {
			const stored = emu.teams
				.channel('All Staff', name)
				.messages.slice(-7)
				.map((m) => (m.json.body as { content: string }).content);
			expect(stored).toEqual(Array.from({ length: 7 }, (_, i) => `spread ${i * 3 + k}`));
		}
	});

	test('a failure stops the node: no further item starts, and the error lists done, failed and not attempted', async () => {
		const emu = emulator();
		const mark = emu.mark();
		// Item 1 (its own lane) fails on its input while item 0 is posting; item 2 waits behind
		// item 0 in General's lane and is not started.
		const input = [
			{ json: { channel: GENERAL, text: 'a0' } },
			{ json: { channel: ALERTS, text: '' } },
			{ json: { channel: GENERAL, text: 'a1' } },
		];
		const { error } = await runTeams({ emu, parameters: postParameters, input });
		const { message, description } = error as { message: string; description: string };
		expect(message).toMatch(/^1 of 3 items done; 1 failed \(item 1\): The message is empty/);
		expect(description).toContain('Not attempted (the node stops at the first failure): item 2.');
		expect(channelPosts(mark)).toEqual({ requests: 1, throttled: 0 });
	});
});

describe('Reply and Chat Message → Send, paced', () => {
	test('8 replies in one channel: 4 a second, zero 429s, in order', async () => {
		const emu = emulator();
		const first = await runTeams({
			emu,
			parameters: { ...postParameters, channel: locator(REPORTS), message: 'thread' },
		});
		expect(first.error).toBeUndefined();
		const messageId = String(first.output[0][0].json.id);
		const mark = emu.mark();
		const start = clock.now();
		const { error } = await runTeams({
			emu,
			parameters: {
				resource: 'channelMessage',
				operation: 'reply',
				team: locator(ALL_STAFF),
				channel: locator(REPORTS),
				messageId,
				message: '={{ $json.text }}',
			},
			input: Array.from({ length: 8 }, (_, n) => ({ json: { text: `reply ${n}` } })),
		});
		expect(error).toBeUndefined();
		expect(clock.now() - start).toBeGreaterThanOrEqual(7 * 250);
		expect(channelPosts(mark)).toEqual({ requests: 8, throttled: 0 });
		const thread = emu.teams
			.channel('All Staff', 'Reports')
			.messages.find((m) => m.json.id === messageId)!;
		expect(thread.replies.map((r) => (r.body as { content: string }).content)).toEqual(
			Array.from({ length: 8 }, (_, n) => `reply ${n}`),
		);
	});

	test('8 messages to one chat: paced at 4 a second (the chat has its own lane), in order', async () => {
		const emu = emulator();
		const sentBefore = pacer.stats.sent;
		const start = clock.now();
		const { error } = await runTeams({
			emu,
			parameters: {
				resource: 'chatMessage',
				operation: 'send',
				sendTo: 'people',
				recipients: 'bob@contoso.onmicrosoft.com',
				message: '={{ $json.text }}',
			},
			input: Array.from({ length: 8 }, (_, n) => ({ json: { text: `chat ${n}` } })),
		});
		expect(error).toBeUndefined();
		expect(pacer.stats.sent - sentBefore).toBe(8);
		expect(clock.now() - start).toBeGreaterThanOrEqual(7 * 250);
		const chat = emu.teams.chatsWith(REPORTS_USER, BOB)[0];
		expect(chat.messages.slice(-8).map((m) => (m.body as { content: string }).content)).toEqual(
			Array.from({ length: 8 }, (_, n) => `chat ${n}`),
		);
	});
});
