/**
 * 5. Post 200 Teams channel messages, delegated (Graph has no application permission for posting
 * channel messages outside migration): n8n's Microsoft Teams v2 node (its OAuth2 credential)
 * against our Microsoft 365 Teams node (delegated credential), the same app and signed-in user.
 */
import { generateItems, rl } from '../lib/workflow';
import { measuredNode, planWith, type BenchContext, type Scenario } from './types';

const messageCount = (ctx: BenchContext) => (ctx.quick ? 50 : 200);

export const postTeams: Scenario = {
	id: 'teams',
	title: 'Post 200 Teams channel messages',
	items: messageCount,
	timeoutMs: 10 * 60_000,
	plan(ctx, side) {
		const post = { resource: 'channelMessage', contentType: 'text' };
		const message = '=Benchmark {{ $itemIndex }}';
		const node =
			side === 'built-in'
				? measuredNode(ctx, 'Post', {
						type: 'n8n-nodes-base.microsoftTeams',
						typeVersion: 2,
						credential: 'builtin-teams',
						parameters: {
							...post,
							operation: 'create',
							// "From list" mode: the node's ID mode insists on a version-4 UUID, and the
							// demo tenant's IDs are name-based (version 5); the value is the same.
							teamId: rl(ctx.ids.teamId, 'list'),
							channelId: rl(ctx.ids.channelId, 'list'),
							message,
							options: { includeLinkToWorkflow: false },
						},
					})
				: measuredNode(ctx, 'Post', {
						type: 'microsoft365Teams',
						typeVersion: 1,
						credential: 'ours-teams',
						parameters: {
							...post,
							authentication: 'delegated',
							operation: 'post',
							team: rl(ctx.ids.teamId),
							channel: rl(ctx.ids.channelId),
							message,
						},
					});
		return planWith('teams', side, node, [generateItems(messageCount(ctx))], false);
	},
	notes: {
		// Graph beta's channel-message API has v1.0's shape; the emulator serves v1.0 only.
		'built-in':
			"not against the emulator: n8n's node posts to Graph /beta, which the emulator does not serve",
	},
	limit(ctx) {
		const batches = Math.ceil(messageCount(ctx) / 20);
		return {
			ms: batches * ctx.latency.requestMs,
			formula: `${batches} batches x ${ctx.latency.requestMs} ms`,
		};
	},
};
