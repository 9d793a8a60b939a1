/**
 * Teams per-channel posting limits, from https://learn.microsoft.com/en-us/graph/throttling-limits
 * ("Microsoft Teams service limits"): "A maximum of 4 requests per second per app can be issued
 * on a given team or channel. A maximum of 3000 messages per app per day can be sent to a given
 * channel." The limiter's clock is moved with `emu.teams.advanceClock(ms)` (no sleeping).
 */
import { graph, mintToken, useEmulator } from '../helpers/emulator';

const emulator = useEmulator();
const REPORT_SERVER = '20165740-cfbc-5244-967a-dc1596e69ece';
const ALL_STAFF = '3add7a6f-6647-5926-9817-efe6fa89ce7f';
const GENERAL = '19:8d1f6a2b3c4e4f5a9b0c1d2e3f4a5b6c@thread.tacv2';
const REPORTS = '19:2b7c9d0e1f2a4b3c8d4e5f6a7b8c9d0e@thread.tacv2';
const path = (channel: string) =>
	`/teams/${ALL_STAFF}/channels/${encodeURIComponent(channel)}/messages`;

const token = () =>
	mintToken(emulator(), {
		app: REPORT_SERVER,
		user: 'reports@contoso.onmicrosoft.com',
		scopes: ['ChannelMessage.Send'],
	});

async function post(channel: string, n: number) {
	return await graph(emulator(), 'POST', path(channel), token(), {
		body: { content: `message ${n}` },
	});
}

beforeEach(() => {
	const emu = emulator();
	// a frozen clock: the tests move it, so a slow machine cannot spread posts over seconds
	const frozen = Date.now();
	emu.teams.channelLimiter.clock = () => frozen;
	emu.teams.channelLimiter.reset();
	emu.teams.limits = { perSecond: 4, perDay: 3000 };
});

afterAll(() => {
	emulator().teams.channelLimiter.clock = Date.now;
});

describe('Teams per-channel posting limits', () => {
	test("on by default with Microsoft's numbers", () => {
		expect(emulator().teams.limits).toEqual({ perSecond: 4, perDay: 3000 });
	});

	test('a fifth POST within a second on one channel is 429 with Retry-After; other channels are separate', async () => {
		const emu = emulator();
		const statuses = [];
		for (let i = 0; i < 4; i++) statuses.push((await post(GENERAL, i)).status);
		expect(statuses).toEqual([201, 201, 201, 201]);
		const fifth = await post(GENERAL, 5);
		expect(fifth.status).toBe(429);
		expect(fifth.body.error.code).toBe('TooManyRequests');
		expect(Number(fifth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		// another channel has its own budget
		expect((await post(REPORTS, 6)).status).toBe(201);
		// a second later the channel takes posts again
		emu.teams.advanceClock(1000);
		expect((await post(GENERAL, 7)).status).toBe(201);
		expect(emu.teams.channelLimiter.refused.perSecond).toBe(1);
	});

	test('the daily cap per app and channel (lowered for the test): 429 until the day has passed', async () => {
		const emu = emulator();
		emu.teams.limits = { perSecond: 4, perDay: 5 };
		for (let i = 0; i < 5; i++) {
			emu.teams.advanceClock(60_000);
			expect((await post(GENERAL, i)).status).toBe(201);
		}
		emu.teams.advanceClock(60_000);
		const over = await post(GENERAL, 6);
		expect(over.status).toBe(429);
		const retry = Number(over.headers.get('retry-after'));
		expect(retry).toBeGreaterThan(23 * 3600);
		expect(retry).toBeLessThanOrEqual(24 * 3600);
		expect(emu.teams.channelLimiter.refused.perDay).toBe(1);
		emu.teams.advanceClock(retry * 1000);
		expect((await post(GENERAL, 7)).status).toBe(201);
	});

	test('set over the admin API', async () => {
		const emu = emulator();
		const r = await fetch(`${emu.url}/_emulator/teams/limits`, {
			method: 'POST',
			body: JSON.stringify({ perSecond: 1, advanceMs: 5000, reset: true }),
		});
		expect(r.status).toBe(200);
		expect(((await r.json()) as any).limits).toEqual({ perSecond: 1, perDay: 3000 });
		expect((await post(GENERAL, 1)).status).toBe(201);
		expect((await post(GENERAL, 2)).status).toBe(429);
	});
});
