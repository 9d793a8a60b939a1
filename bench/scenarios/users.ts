/**
 * 4. Read 100,000 Entra users, delegated on both sides (n8n's Microsoft Entra ID node takes only
 * its delegated OAuth2 credential; declarative paging at Graph's default 100 per page) against
 * our Microsoft 365 Entra ID node, the same app and signed-in user.
 */
import { measuredNode, planWith, type BenchContext, type Scenario } from './types';

const PAGE = 999;
const userCount = (ctx: BenchContext) => (ctx.quick ? 10_000 : 100_000);

export const readUsers: Scenario = {
	id: 'users',
	title: 'Read 100,000 Entra users',
	items: userCount,
	timeoutMs: 20 * 60_000,
	async prepare(ctx) {
		const { tenants } = await ctx.bench.admin<{ tenants: Array<{ id: string; users: number }> }>(
			'GET',
			'tenants',
		);
		const home = tenants.find((t) => t.id === ctx.ids.tenantId)!;
		const missing = userCount(ctx) - home.users;
		if (missing > 0) await ctx.bench.admin('POST', 'users/seed', { count: missing });
	},
	plan(ctx, side) {
		const getAll = { resource: 'user', returnAll: true };
		const node =
			side === 'built-in'
				? measuredNode(ctx, 'Users', {
						type: 'n8n-nodes-base.microsoftEntra',
						typeVersion: 1,
						credential: 'builtin-entra',
						parameters: { ...getAll, operation: 'getAll' },
					})
				: measuredNode(ctx, 'Users', {
						type: 'microsoft365EntraId',
						typeVersion: 1,
						credential: 'ours-entra',
						parameters: { ...getAll, authentication: 'delegated', operation: 'getMany' },
					});
		return planWith('users', side, node, [], false);
	},
	limit(ctx) {
		const pages = Math.ceil(userCount(ctx) / PAGE);
		return {
			ms: pages * ctx.latency.requestMs,
			formula: `${pages} pages of ${PAGE} x ${ctx.latency.requestMs} ms`,
		};
	},
	target: '>= 5x faster than the built-in, 101 requests',
};
