/**
 * Paging over 2,500+ users by nextLink (page size, item limit, foreign nextLinks refused) and
 * $batch (chunks of 20, order, member retries, answers mapped to items, dependsOn, concurrency).
 */
import { NodeApiError } from 'n8n-workflow';
import { useEmulator } from '../helpers/emulator';
import { BatchItem, planBatches } from '../../nodes/shared/transport';
import { transportFor } from './helpers';

const emulator = useEmulator();

beforeAll(() => {
	emulator().directory.home.seedUsers(2500);
});
afterEach(() => {
	emulator().faults.clear();
});

describe('paging', () => {
	it('collects every user in pages of 999', async () => {
		const emu = emulator();
		const total = emu.directory.home.users.length;
		expect(total).toBeGreaterThan(2500);
		const { transport } = transportFor(emu);
		const mark = emu.mark();
		const users = await transport.collectAll<{ id: string }>('/users', {
			pageSize: 999,
			query: { $select: 'id,displayName' },
		});
		expect(users).toHaveLength(total);
		expect(new Set(users.map((u) => u.id)).size).toBe(total);
		const log = emu.since(mark);
		expect(log).toHaveLength(Math.ceil(total / 999));
		expect(log[0].url).toBe('/v1.0/users?$select=id,displayName&$top=999');
		expect(log.slice(1).every((e) => /skiptoken/i.test(e.url))).toBe(true);
	});

	it('stops at the item limit without fetching further pages', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		let mark = emu.mark();
		const some = await transport.collectAll('/users', { pageSize: 999, limit: 1500 });
		expect(some).toHaveLength(1500);
		expect(emu.since(mark)).toHaveLength(2);

		mark = emu.mark();
		const few = await transport.collectAll('/users', { pageSize: 999, limit: 5 });
		expect(few).toHaveLength(5);
		expect(emu.since(mark).map((e) => e.url)).toEqual(['/v1.0/users?$top=5']);

		mark = emu.mark();
		let seen = 0;
		for await (const user of transport.paginate<{ id: string }>('/users', { pageSize: 100 })) {
			expect(user.id).toBeTruthy();
			if (++seen === 150) break;
		}
		expect(emu.since(mark)).toHaveLength(2);
	});

	it('hands out nextLinks page by page (list search)', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const first = await transport.getPage<{ id: string }>('/users', { pageSize: 50 });
		expect(first.items).toHaveLength(50);
		expect(first.nextLink).toMatch(new RegExp(`^${emu.graphUrl.replace(/[.]/g, '\\.')}/users\\?`));
		const second = await transport.getPage<{ id: string }>(first.nextLink!);
		expect(second.items).toHaveLength(50);
		expect(second.items[0].id).not.toBe(first.items[0].id);
	});

	it('refuses a nextLink on another origin without a request', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const first = await transport.getPage('/users', { pageSize: 10 });
		const foreign = first.nextLink!.replace('https://127.0.0.1', 'https://localhost');
		const mark = emu.mark();
		await expect(transport.getPage(foreign)).rejects.toThrow(
			/Refused to send the credential's token to https:\/\/localhost/,
		);
		await expect(transport.collectAll('https://attacker.example/v1.0/users')).rejects.toThrow(
			/Refused/,
		);
		expect(emu.since(mark)).toHaveLength(0);
	});
});

describe('$batch', () => {
	const userIds = () => emulator().directory.home.users.map((u) => u.id);

	it('41 items go out as 3 batch requests; each answer lands on its item, in order', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const ids = userIds().slice(0, 41);
		const items: BatchItem[] = ids.map((id) => ({
			method: 'GET',
			effect: 'read',
			url: `/users/${id}?$select=id,displayName`,
		}));
		const mark = emu.mark();
		const results = await transport.batch(items);
		expect(results).toHaveLength(41);
		results.forEach((r, i) => {
			expect(r.ok).toBe(true);
			expect(r.status).toBe(200);
			expect((r.body as { id: string }).id).toBe(ids[i]);
		});
		const envelopes = emu.since(mark).filter((e) => e.batchSeq === undefined);
		expect(envelopes).toHaveLength(3);
		expect(envelopes.every((e) => e.method === 'POST' && e.url === '/v1.0/$batch')).toBe(true);
		const memberCounts = envelopes
			.map((env) => emu.log.filter((e) => e.batchSeq === env.seq).length)
			.sort((a, b) => a - b);
		expect(memberCounts).toEqual([1, 20, 20]);
	});

	it('retries throttled members only, honouring their Retry-After', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const ids = userIds().slice(100, 141);
		emu.addFault({
			kind: 'status',
			status: 429,
			retryAfter: 1,
			ratio: 0.3,
			path: '^/v1\\.0/users/[^/]+$',
		});
		emu.addFault({
			kind: 'status',
			status: 503,
			retryAfter: 2,
			ratio: 0.1,
			path: '^/v1\\.0/users/[^/]+$',
		});
		const mark = emu.mark();
		const results = await transport.batch(
			ids.map((id) => ({ method: 'GET', effect: 'read', url: `/users/${id}` })),
		);
		expect(results.map((r) => r.ok && (r.body as { id: string }).id)).toEqual(ids);
		const log = emu.since(mark);
		const members = log.filter((e) => e.batchSeq !== undefined);
		const refused = members.filter((e) => e.fault);
		expect(refused.length).toBeGreaterThan(5);
		// Each member succeeded exactly once; only refused members were sent again.
		expect(members.filter((e) => e.status === 200)).toHaveLength(41);
		expect(members).toHaveLength(41 + refused.length);
		expect(log.filter((e) => e.batchSeq === undefined).length).toBeGreaterThan(3);
		// One wait per retry round, each the longest Retry-After of its round (1 s or 2 s).
		expect(transport.stats.retryAfterWaits).toBe(transport.stats.retries);
		expect(transport.stats.retryAfterMs % 1000).toBe(0);
		expect(transport.stats.retryAfterMs).toBeGreaterThanOrEqual(transport.stats.retries * 1000);
	});

	it("refuses dependencies outside Graph's three patterns before sending anything", async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const [a, b] = userIds();
		const mark = emu.mark();
		await expect(
			transport.batch([
				{ method: 'GET', effect: 'read', url: `/users/${a}` },
				{ method: 'GET', effect: 'read', url: `/users/${b}` },
				{ method: 'GET', effect: 'read', url: `/users/${b}`, dependsOn: [1] },
				{ method: 'GET', effect: 'read', url: `/users/${b}`, dependsOn: [0] },
			]),
		).rejects.toThrow(/dependencies Microsoft Graph does not run/);
		expect(emu.since(mark)).toEqual([]);
	});

	it('serial batches: a failed member does not stop the ones after it; a failed first one costs one more round', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const [a, b] = userIds();
		const mark = emu.mark();
		const results = await transport.batch(
			[a, b, 'no-such-user@contoso.onmicrosoft.com', a, b].map((id) => ({
				method: 'GET' as const,
				effect: 'read' as const,
				url: `/users/${id}`,
			})),
			{ serial: true },
		);
		expect(results.map((r) => r.status)).toEqual([200, 200, 404, 200, 200]);
		const envelopes = emu.since(mark).filter((e) => e.batchSeq === undefined);
		// One round: a member that fails stops only itself (all depend on the first).
		expect(envelopes).toHaveLength(1);
		expect(transport.stats.retries).toBe(0);

		// The first member fails: Graph answers 424 for the others, which go again in a new round.
		const mark2 = emu.mark();
		const second = await transport.batch(
			['no-such-user@contoso.onmicrosoft.com', a, b].map((id) => ({
				method: 'GET' as const,
				effect: 'read' as const,
				url: `/users/${id}`,
			})),
			{ serial: true },
		);
		expect(second.map((r) => r.status)).toEqual([404, 200, 200]);
		expect(emu.since(mark2).filter((e) => e.batchSeq === undefined)).toHaveLength(2);
	});

	it('maps member errors to their items and fails dependants with 424', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		const [a, b] = userIds();
		const results = await transport.batch(
			[
				{ method: 'GET', effect: 'read', url: `/users/${a}` },
				{ method: 'GET', effect: 'read', url: '/users/no-such-user@contoso.onmicrosoft.com' },
				// Graph's "same" pattern: every dependent member names the same one.
				{ method: 'GET', effect: 'read', url: `/users/${b}`, dependsOn: [1] },
				{ method: 'GET', effect: 'read', url: `/users/${a}`, dependsOn: [1] },
			],
			{ itemIndexOffset: 10 },
		);
		expect(results.map((r) => r.status)).toEqual([200, 404, 424, 424]);
		const missing = results[1];
		if (missing.ok) throw new Error('expected a failure');
		expect(missing.error).toBeInstanceOf(NodeApiError);
		expect(missing.error.httpCode).toBe('404');
		expect(missing.error.message).toMatch(
			/GET \/users\/no-such-user@contoso\.onmicrosoft\.com failed: Resource .* does not exist/,
		);
		expect(missing.error.description).toMatch(/Request_ResourceNotFound.*request-id: /);
		expect(missing.error.context.itemIndex).toBe(11);
		expect(results[2].ok).toBe(false);
	});

	it('keeps at most `concurrency` batch requests in flight', async () => {
		const emu = emulator();
		const { transport } = transportFor(emu);
		emu.faults.latencyMs = 40;
		const ids = userIds().slice(0, 100);
		const mark = emu.mark();
		try {
			await transport.batch(
				ids.map((id) => ({ method: 'GET', effect: 'read', url: `/users/${id}` })),
				{ concurrency: 2 },
			);
		} finally {
			emu.faults.latencyMs = 0;
		}
		const envelopes = emu.since(mark).filter((e) => e.batchSeq === undefined);
		expect(envelopes).toHaveLength(5);
		const spans = envelopes.map((e) => [
			Date.parse(e.time),
			Date.parse(e.time) + (e.durationMs ?? 0),
		]);
		const maxOverlap = Math.max(
			...spans.map(([s]) => spans.filter(([s2, e2]) => s2 <= s && s < e2).length),
		);
		expect(maxOverlap).toBeLessThanOrEqual(2);
	});

	it('plans chunks of 20 without splitting dependencies', () => {
		const items: BatchItem[] = Array.from({ length: 45 }, () => ({
			method: 'GET',
			effect: 'read',
			url: '/me',
		}));
		expect(planBatches(items).map((b) => b.length)).toEqual([20, 20, 5]);
		items[20] = { method: 'GET', effect: 'read', url: '/me', dependsOn: [18] };
		const plan = planBatches(items);
		expect(plan.map((b) => b[0])).toEqual([0, 18, 38]);
		expect(plan.every((b) => b.length <= 20)).toBe(true);
		expect(() =>
			planBatches([{ method: 'GET', effect: 'read', url: '/me', dependsOn: [0] }]),
		).toThrow(/earlier items/);
	});
});
