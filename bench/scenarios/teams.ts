/**
 * 7-8. Post 200 Teams channel messages, delegated (Graph has no application permission for
 * posting channel messages outside migration): n8n's Microsoft Teams v2 node (its OAuth2
 * credential) against our Microsoft 365 Teams node (delegated credential), the same app and
 * signed-in user, to one channel and spread over four. The emulator enforces Teams' documented
 * per-channel limits (4 posts a second per app and channel, 3,000 a day), so the limit is that
 * rate: 200 posts to one channel take at least 50 s, 50 to each of four at least 12.5 s.
 *
 * n8n's node posts to Graph /beta/teams/{team}/channels/{channel}/messages, which the emulator
 * serves as Microsoft's beta page documents it (the v1.0 call's shape, permission and per-channel
 * limits). It does not pace and a 429 is an error to it (unless Retry On Fail), so it runs with
 * On Error "continue": each refused post is an item with `error`, counted as failed, and the run
 * goes on (with n8n's default, stop, the first 429 would end the workflow).
 */
import { generateItems, rl } from '../lib/workflow';
import { measuredNode, planWith, type BenchContext, type Scenario, type SideName } from './types';

const messageCount = (ctx: BenchContext) => (ctx.quick ? 50 : 200);
/** "A maximum of 4 requests per second per app can be issued on a given team or channel." */
const PER_CHANNEL_PER_SECOND = 4;

function plan(ctx: BenchContext, side: SideName, id: string, channels: string[]) {
	const post = { resource: 'channelMessage', contentType: 'text' };
	const message = '=Benchmark {{ $itemIndex }}';
	// One channel: its ID; several: item i goes to channel i mod n.
	const channel =
		channels.length === 1
			? channels[0]
			: `={{ ${JSON.stringify(channels)}[$itemIndex % ${channels.length}] }}`;
	const node =
		side === 'built-in'
			? measuredNode(ctx, 'Post', {
					type: 'n8n-nodes-base.microsoftTeams',
					typeVersion: 2,
					credential: 'builtin-teams',
					onError: 'continueRegularOutput',
					parameters: {
						...post,
						operation: 'create',
						// "From list" mode: the node's ID mode insists on a version-4 UUID, and the
						// demo tenant's IDs are name-based (version 5); the value is the same.
						teamId: rl(ctx.ids.teamId, 'list'),
						channelId: rl(channel, 'list'),
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
						channel: rl(channel),
						message,
					},
				});
	return planWith(id, side, node, [generateItems(messageCount(ctx))], false);
}

export const postTeams: Scenario = {
	id: 'teams',
	title: 'Post 200 Teams channel messages to one channel',
	items: messageCount,
	timeoutMs: 10 * 60_000,
	plan: (ctx, side) => plan(ctx, side, 'teams', [ctx.ids.channelId]),
	limit(ctx) {
		const n = messageCount(ctx);
		return {
			ms: (n / PER_CHANNEL_PER_SECOND) * 1000,
			formula: `${n} posts at Teams' ${PER_CHANNEL_PER_SECOND}/s per channel`,
		};
	},
};

export const postTeamsChannels: Scenario = {
	id: 'teams-4-channels',
	title: 'Post 200 Teams channel messages to 4 channels',
	items: messageCount,
	timeoutMs: 10 * 60_000,
	plan: (ctx, side) => plan(ctx, side, 'teams-4-channels', ctx.ids.channelIds.slice(0, 4)),
	limit(ctx) {
		const perChannel = Math.ceil(messageCount(ctx) / 4);
		return {
			ms: (perChannel / PER_CHANNEL_PER_SECOND) * 1000,
			formula: `${perChannel} posts per channel at ${PER_CHANNEL_PER_SECOND}/s, 4 channels at once`,
		};
	},
};
