/**
 * Pacing of Teams posts (nodes/shared/transport/pacing.ts) over the emulator's HTTPS, which
 * enforces Teams' per-channel limits (4 posts a second, 3,000 a day, per app and channel). The
 * pacer and the emulator's limiter read one simulated clock: nothing sleeps, and the time a run
 * takes is simulated time. Requests and 429s are counted at the emulator.
 */
import type { IDataObject } from 'n8n-workflow';
import { channelPace, GraphTransport, PostPacer } from '../../nodes/shared/transport';
import { DEFAULT_RETRY_POLICY } from '../../nodes/shared/transport/retry';
import { graph, mintToken, useEmulator } from '../helpers/emulator';
import { SimulatedClock } from '../helpers/simulated-clock';
import { emulatorProvider, NODE } from './helpers';

const emulator = useEmulator();
const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const ALL_STAFF = '3add7a6f-6647-5926-9817-efe6fa89ce7f';
const GENERAL = '19:8d1f6a2b3c4e4f5a9b0c1d2e3f4a5b6c@thread.tacv2';
const REPORTS = '19:2b7c9d0e1f2a4b3c8d4e5f6a7b8c9d0e@thread.tacv2';
const ALERTS = '19:5e6f7a8b9c0d4e1f9a2b3c4d5e6f7a8b@thread.tacv2';
/** A fourth channel, added to the demo team for these tests. */
const BENCH = '19:0a1b2c3d4e5f4a6b8c7d9e0f1a2b3c4d@thread.tacv2';
const USER = 'reports@contoso.onmicrosoft.com';
const path = (channel: string) =>
	`/teams/${ALL_STAFF}/channels/${encodeURIComponent(channel)}/messages`;

let clock: SimulatedClock;
let pacer: PostPacer;
let stopDriving: () => void;

function transport(): GraphTransport {
	return new GraphTransport(
		NODE,
		emulatorProvider(emulator(), 'delegated', {
			app: REPORT_SERVER,
			user: USER,
			scopes: ['ChannelMessage.Send'],
		}),
		// Real Retry-After waits would be real sleeping: any 429 still shows in the counts.
		{ pacer, retry: { ...DEFAULT_RETRY_POLICY, waitScale: 0.001 } },
	);
}

async function post(t: GraphTransport, channel: string, n: number): Promise<IDataObject> {
	return await t.request<IDataObject>({
		effect: 'createOnce',
		method: 'POST',
		url: path(channel),
		body: { body: { content: `message ${n}` } },
		pace: channelPace(ALL_STAFF, channel),
	});
}

/** Channel-message POSTs the emulator received since `mark`, and how many it answered 429. */
function posts(mark: number) {
	const entries = emulator().log.filter(
		(e) => e.seq > mark && e.method === 'POST' && /\/channels\/.*\/messages/.test(e.url),
	);
	return {
		requests: entries.length,
		throttled: entries.filter((e) => e.status === 429).length,
		created: entries.filter((e) => e.status === 201).length,
	};
}

const mark = () => emulator().log.at(-1)?.seq ?? 0;

beforeAll(() => {
	const team = emulator().teams.store.findTeam(emulator().directory.home.id, ALL_STAFF)!;
	if (!team.channels.some((c) => c.id === BENCH))
		team.channels.push({ ...team.channels[0], id: BENCH, displayName: 'Bench', messages: [] });
});

beforeEach(async () => {
	clock = new SimulatedClock();
	pacer = new PostPacer({ clock });
	const limiter = emulator().teams.channelLimiter;
	limiter.clock = () => clock.now();
	limiter.offsetMs = 0;
	// Microsoft's limits, set (and the counts cleared) through the emulator's admin route.
	const r = await fetch(`${emulator().url}/_emulator/teams/limits`, {
		method: 'POST',
		body: JSON.stringify({ defaults: true, reset: true }),
	});
	expect(r.status).toBe(200);
	stopDriving = clock.drive(() => pacer.stats.inFlight === 0);
});

afterEach(() => stopDriving());

afterAll(() => {
	emulator().teams.channelLimiter.clock = Date.now;
});

describe('Teams posts paced to the documented limits', () => {
	test("Microsoft's numbers by default: 4 a second per channel, 3,000 a day, 50/20 a second per app", () => {
		expect(new PostPacer().limits).toEqual({
			perConversationPerSecond: 4,
			perChannelPerDay: 3000,
			perAppPerSecond: { channel: 50, chat: 20 },
		});
	});

	test('200 posts to one channel take the documented minimum (49.75 s simulated), in order, with zero 429s', async () => {
		const t = transport();
		const from = mark();
		const start = clock.now();
		// All 200 asked at once: the pacer lets them out one at a time, in the order asked.
		const results = await Promise.all(Array.from({ length: 200 }, (_, n) => post(t, GENERAL, n)));
		const elapsed = clock.now() - start;
		expect(results).toHaveLength(200);
		expect(elapsed).toBeGreaterThanOrEqual(49_750);
		expect(elapsed).toBeLessThanOrEqual(50_000);
		expect(posts(from)).toEqual({ requests: 200, throttled: 0, created: 200 });
		expect(emulator().teams.channelLimiter.refused).toEqual({ perSecond: 0, perDay: 0 });
		expect(t.stats.retries).toBe(0);
		const channel = emulator().teams.channel('All Staff', 'General');
		const contents = channel.messages
			.slice(-200)
			.map((m) => (m.json.body as { content: string }).content);
		expect(contents).toEqual(Array.from({ length: 200 }, (_, n) => `message ${n}`));
	});

	test('without the pacer the same posts meet 429s (the emulator enforces the limit)', async () => {
		const token = mintToken(emulator(), {
			app: REPORT_SERVER,
			user: USER,
			scopes: ['ChannelMessage.Send'],
		});
		const statuses = await Promise.all(
			Array.from({ length: 8 }, async (_, n) => {
				const r = await graph(emulator(), 'POST', path(GENERAL), token, {
					body: { content: `unpaced ${n}` },
				});
				return r.status;
			}),
		);
		expect(statuses.filter((s) => s === 201)).toHaveLength(4);
		expect(statuses.filter((s) => s === 429)).toHaveLength(4);
	});

	test('200 posts spread over 4 channels run in parallel: about a quarter of the time (12.25 s simulated), zero 429s', async () => {
		const t = transport();
		const channels = [GENERAL, REPORTS, ALERTS, BENCH];
		const from = mark();
		const start = clock.now();
		await Promise.all(Array.from({ length: 200 }, (_, n) => post(t, channels[n % 4], n)));
		const elapsed = clock.now() - start;
		// 50 posts per channel: the 50th leaves 49 x 250 ms after the first.
		expect(elapsed).toBeGreaterThanOrEqual(12_250);
		expect(elapsed).toBeLessThanOrEqual(13_000);
		expect(posts(from)).toEqual({ requests: 200, throttled: 0, created: 200 });
		for (const [k, id] of channels.entries()) {
			const channel = emulator().teams.store.findChannel(
				emulator().teams.store.findTeam(emulator().directory.home.id, ALL_STAFF)!,
				id,
			)!;
			const contents = channel.messages
				.slice(-50)
				.map((m) => Number((m.json.body as { content: string }).content.split(' ')[1]));
			expect(contents).toEqual(Array.from({ length: 50 }, (_, i) => i * 4 + k));
		}
	});

	test('the per-app limit over all channels holds too (lowered to 6 a second for the test)', async () => {
		pacer.limits = { ...pacer.limits, perAppPerSecond: { channel: 6, chat: 20 } };
		const t = transport();
		const channels = [GENERAL, REPORTS, ALERTS, BENCH];
		const start = clock.now();
		const sent: number[] = [];
		await Promise.all(
			Array.from({ length: 60 }, async (_, n) => {
				await post(t, channels[n % 4], n);
				sent.push(clock.now());
			}),
		);
		// 60 posts at 6 a second: at least 59/6 s, not the 3.5 s the channels alone allow.
		expect(clock.now() - start).toBeGreaterThanOrEqual(9_000);
		for (let i = 6; i < sent.length; i++)
			expect(sent[i] - sent[i - 6]).toBeGreaterThanOrEqual(1000);
	});

	test("the daily cap (lowered to 10) refuses the 11th post before any request, saying the count is this process's", async () => {
		const r = await fetch(`${emulator().url}/_emulator/teams/limits`, {
			method: 'POST',
			body: JSON.stringify({ perDay: 10 }),
		});
		expect(((await r.json()) as { limits: unknown }).limits).toEqual({ perSecond: 4, perDay: 10 });
		pacer.limits = { ...pacer.limits, perChannelPerDay: 10 };
		const t = transport();
		const from = mark();
		for (let n = 0; n < 10; n++) {
			clock.advance(60_000);
			await post(t, REPORTS, n);
		}
		expect(posts(from)).toEqual({ requests: 10, throttled: 0, created: 10 });
		const before = mark();
		const refused = await post(t, REPORTS, 10).catch((error: unknown) => error);
		expect(refused).toMatchObject({
			message: expect.stringContaining(
				"over Teams' limit of 10 messages per app per channel per day",
			),
		});
		const description = (refused as { description: string }).description;
		expect(description).toContain('nothing was sent');
		expect(description).toContain('per n8n process');
		expect(description).toContain('other workers or instances');
		// No request for the refused post.
		expect(posts(before)).toEqual({ requests: 0, throttled: 0, created: 0 });
		expect(emulator().teams.channelLimiter.refused.perDay).toBe(0);
		expect(pacer.stats.refusedDaily).toBe(1);
		// Another channel is not affected.
		await expect(post(t, GENERAL, 11)).resolves.toMatchObject({ id: expect.any(String) });
		// A day after the first post, the channel takes posts again.
		clock.advance(24 * 3600_000 - 10 * 60_000 + 60_000);
		await expect(post(t, REPORTS, 12)).resolves.toMatchObject({ id: expect.any(String) });
		expect(posts(before)).toEqual({ requests: 2, throttled: 0, created: 2 });
	});

	test('posts this process did not make still count at Microsoft: the 429 ends the item at once (Retry-After of hours), not a 429 loop', async () => {
		await fetch(`${emulator().url}/_emulator/teams/limits`, {
			method: 'POST',
			body: JSON.stringify({ perDay: 3 }),
		});
		// Three posts by "another process" with the same app.
		const token = mintToken(emulator(), {
			app: REPORT_SERVER,
			user: USER,
			scopes: ['ChannelMessage.Send'],
		});
		for (let n = 0; n < 3; n++) {
			clock.advance(1000);
			expect(
				(await graph(emulator(), 'POST', path(ALERTS), token, { body: { content: 'x' } })).status,
			).toBe(201);
		}
		const t = transport();
		const from = mark();
		const error = await post(t, ALERTS, 0).catch((e: unknown) => e);
		expect(error).toMatchObject({ httpCode: '429' });
		expect(posts(from)).toEqual({ requests: 1, throttled: 1, created: 0 });
		// Not counted as sent: Teams did not take it.
		expect(pacer.sentToday(t.paceIdentity, channelPace(ALL_STAFF, ALERTS))).toBe(0);
	});
});
