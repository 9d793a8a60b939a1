/**
 * Graph's Teams surface, and the Teams Workflows webhook endpoint outside /v1.0:
 * - `/teams` (list: `$filter`, `$select`, `$top`, paging), `/teams/{id}`,
 *   `/teams/{id}/channels` (`$filter`, `$select`; not paged, as Graph), `/teams/{id}/channels/{id}`,
 *   `/teams/{id}/channels/{id}/filesFolder` (a folder named after the channel in the default
 *   library of the team's site, created on first use);
 * - channel messages: `POST .../messages`, `POST .../messages/{id}/replies` (reads, delta,
 *   members, chats lists, chat message reads and the export APIs: `teams-reads.ts`);
 * - chats: `POST /chats` (a one-on-one chat that exists already is returned, not created again; a
 *   group chat is always new, as Graph documents), `/chats/{id}`, `/chats/{id}/members`,
 *   `POST /chats/{id}/messages`;
 * - a Workflows webhook (`/workflows/{id}/triggers/manual/paths/invoke?...&sig=...`, the shape of
 *   Power Automate's "When a Teams webhook request is received" URLs): no bearer token, the `sig`
 *   query parameter is the secret; a delivered adaptive card is posted to the channel by the flow.
 *
 * Message posting is checked as Graph checks it: the catalogue grants application permission for
 * message POSTs only as Teamwork.Migrate.All, so an app token gets the Teams 403 before the
 * handler runs; the signed-in user must be a member of the team or chat; a message over ~28 KB is
 * refused (413); every mention needs its `<at id="n">` marker; every attachment its
 * `<attachment id="...">` marker; a card attachment needs content (valid JSON); a reference
 * attachment must point at an existing SharePoint file (its ID is the file's eTag GUID).
 *
 * Where Microsoft does not document an error's exact code or text, the emulator uses Graph's
 * generic `BadRequest` with a message saying what is wrong; those spots are marked "assumed".
 */
import type { Emulator } from '../emulator';
import type { EmuRequest, EmuResponse } from '../http';
import { readBody } from '../http';
import { type StoredItem } from '../drive-store';
import {
	StoredChannel,
	StoredChat,
	StoredTeam,
	TeamsStore,
	threadId,
	WebhookDelivery,
} from '../teams-store';
import type { Tenant, User } from '../tenant';
import { randomUUID } from 'node:crypto';
import { listResponse, parseSelect } from './odata';
import { GraphContext, GraphError, GraphService } from './service';
import { TeamsReads } from './teams-reads';

/**
 * Teams' message size limit: "approximately 28 KB" (Teams limits and specifications), counted
 * here on the JSON request body (HTML, mentions and cards all count towards it).
 */
export const MESSAGE_SIZE_LIMIT = 28 * 1024;

const CARD = 'application/vnd.microsoft.card.adaptive';
const TEAM_PROPERTIES = [
	'id',
	'createdDateTime',
	'displayName',
	'description',
	'internalId',
	'classification',
	'specialization',
	'visibility',
	'webUrl',
	'isArchived',
	'tenantId',
];
const CHANNEL_PROPERTIES = [
	'id',
	'createdDateTime',
	'displayName',
	'description',
	'email',
	'isArchived',
	'membershipType',
	'tenantId',
	'webUrl',
];

function teamsLink(kind: 'team' | 'channel' | 'chat', thread: string, tail: string): string {
	const encoded = encodeURIComponent(thread).replace(/%3A/g, '%3a');
	return `https://teams.microsoft.com/l/${kind}/${encoded}/${tail}`;
}

/**
 * Per-channel posting limits of Microsoft Teams, from "Microsoft Teams service limits" on
 * https://learn.microsoft.com/en-us/graph/throttling-limits (and the Teams "Throttling limits"
 * page, https://learn.microsoft.com/en-us/graph/throttling-limits#microsoft-teams-service-limits):
 * "A maximum of 4 requests per second per app can be issued on a given team or channel. A maximum
 * of 3000 messages per app per day can be sent to a given channel (except when using migration
 * mode)." Counted per app and channel over channel message and reply POSTs; over either limit
 * the POST is 429 `TooManyRequests` with Retry-After (seconds until the window frees), as
 * https://learn.microsoft.com/en-us/graph/throttling describes 429s (message text assumed).
 * The day is a rolling 24 hours (assumed; the page says "per day"). Tests lower the limits or
 * move the clock: `emu.teams.limits`, `emu.teams.advanceClock(ms)`, or
 * `POST /_emulator/teams/limits { perSecond?, perDay?, advanceMs?, reset? }`.
 */
export interface ChannelPostLimits {
	perSecond: number;
	perDay: number;
}

export const TEAMS_CHANNEL_LIMITS: ChannelPostLimits = { perSecond: 4, perDay: 3000 };
const DAY_MS = 24 * 3600 * 1000;

export class ChannelPostLimiter {
	limits: ChannelPostLimits = { ...TEAMS_CHANNEL_LIMITS };
	/** The limiter's clock (tests may freeze it: `() => fixedMs`). */
	clock: () => number = Date.now;
	/** Added to the clock (tests move time instead of sleeping). */
	offsetMs = 0;
	/** POSTs refused, by reason. */
	readonly refused = { perSecond: 0, perDay: 0 };
	private readonly posts = new Map<string, number[]>();

	now(): number {
		return this.clock() + this.offsetMs;
	}

	reset(): void {
		this.posts.clear();
		this.refused.perSecond = 0;
		this.refused.perDay = 0;
	}

	/** Admits one POST by `appId` to the channel, or throws the 429. */
	admit(appId: string, teamId: string, channelId: string): void {
		const key = `${appId}|${teamId}|${channelId}`;
		const now = this.now();
		const list = (this.posts.get(key) ?? []).filter((t) => t > now - DAY_MS);
		this.posts.set(key, list);
		const lastSecond = list.filter((t) => t > now - 1000);
		if (lastSecond.length >= this.limits.perSecond) {
			this.refused.perSecond += 1;
			const wait = Math.max(1, Math.ceil((lastSecond[0] + 1000 - now) / 1000));
			throw new GraphError(
				429,
				'TooManyRequests',
				`Too many requests: at most ${this.limits.perSecond} requests per second per app on a channel.`,
				{ 'Retry-After': String(wait) },
			);
		}
		if (list.length >= this.limits.perDay) {
			this.refused.perDay += 1;
			const wait = Math.max(
				1,
				Math.ceil((list[list.length - this.limits.perDay] + DAY_MS - now) / 1000),
			);
			throw new GraphError(
				429,
				'TooManyRequests',
				`Too many requests: at most ${this.limits.perDay} messages per app per day to a channel.`,
				{ 'Retry-After': String(wait) },
			);
		}
		list.push(now);
	}
}

function notFound(what: string): GraphError {
	return new GraphError(404, 'NotFound', `${what} not found.`);
}

function forbidden(message: string): GraphError {
	return new GraphError(403, 'Forbidden', message);
}

function bad(message: string): GraphError {
	return new GraphError(400, 'BadRequest', message);
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where a message goes: a channel (root or reply) or a chat. */
type Container =
	| { kind: 'channel'; channel: StoredChannel; replyTo?: string }
	| { kind: 'chat'; chat: StoredChat };

export class TeamsService {
	readonly store: TeamsStore;
	/** JSON bodies clients POSTed to message and chat routes, for tests to check against the CSDL. */
	readonly received: { method: string; path: string; type: string; body: unknown }[] = [];
	/** Message, chat and member reads, export (getAllMessages), protected-API and billing state. */
	readonly reads: TeamsReads;
	/** Per-channel posting limits (4 per second, 3,000 per day, per app); see ChannelPostLimiter. */
	readonly channelLimiter = new ChannelPostLimiter();

	/** The per-channel limits in force (tests may lower them). */
	get limits(): ChannelPostLimits {
		return this.channelLimiter.limits;
	}

	set limits(value: ChannelPostLimits) {
		this.channelLimiter.limits = { ...value };
	}

	/** Moves the limiter's clock forward (tests: no sleeping). */
	advanceClock(ms: number): void {
		this.channelLimiter.offsetMs += ms;
	}

	constructor(
		graph: GraphService,
		private readonly emu: Emulator,
	) {
		this.store = new TeamsStore(emu.directory);
		// Reads first: their literal routes (`messages/delta`, `channels/getAllMessages`) must win
		// over this file's `:channel` / `:message` placeholders.
		this.reads = new TeamsReads(this, emu);
		this.reads.register(graph);
		this.register(graph);
	}

	// Test accessors ------------------------------------------------------------------------------

	/** A channel by team and channel display name. */
	channel(teamName: string, channelName: string): StoredChannel {
		return this.store.channel(teamName, channelName);
	}

	/** A webhook posting to a channel (as a Workflows flow set up in Teams); its URL holds the secret. */
	createWebhook(teamName: string, channelName: string): { id: string; url: string } {
		const channel = this.store.channel(teamName, channelName);
		const hook = this.store.addWebhook(channel.team.tenantId, channel.team.id, channel.id);
		const query = new URLSearchParams({
			'api-version': '2016-06-01',
			sp: '/triggers/manual/run',
			sv: '1.0',
			sig: hook.sig,
		});
		return {
			id: hook.id,
			url: `${this.emu.url}/workflows/${hook.id}/triggers/manual/paths/invoke?${query.toString()}`,
		};
	}

	get deliveries(): WebhookDelivery[] {
		return this.store.deliveries;
	}

	/** Chats whose members are exactly these users (IDs or UPNs). */
	chatsWith(...users: string[]): StoredChat[] {
		const tenant = this.emu.directory.home;
		const ids = users.map((u) => tenant.findUser(u)?.id ?? u).sort();
		return this.store.chats.filter(
			(c) =>
				c.memberIds.length === ids.length &&
				[...c.memberIds].sort().every((id, i) => id === ids[i]),
		);
	}

	// JSON ----------------------------------------------------------------------------------------

	teamJson(team: StoredTeam): Record<string, unknown> {
		const general = team.channels[0];
		return {
			id: team.id,
			createdDateTime: team.createdDateTime,
			displayName: team.displayName,
			description: team.description,
			internalId: general.id,
			classification: null,
			specialization: 'none',
			visibility: team.visibility,
			webUrl: `${teamsLink('team', general.id, 'conversations')}?groupId=${team.id}&tenantId=${team.tenantId}`,
			isArchived: false,
			tenantId: team.tenantId,
		};
	}

	channelJson(channel: StoredChannel): Record<string, unknown> {
		const team = channel.team;
		return {
			id: channel.id,
			createdDateTime: channel.createdDateTime,
			displayName: channel.displayName,
			description: channel.description,
			email: '',
			isArchived: false,
			membershipType: channel.membershipType,
			tenantId: team.tenantId,
			webUrl: `${teamsLink('channel', channel.id, encodeURIComponent(channel.displayName))}?groupId=${team.id}&tenantId=${team.tenantId}`,
		};
	}

	chatJson(chat: StoredChat): Record<string, unknown> {
		return {
			id: chat.id,
			topic: chat.topic,
			createdDateTime: chat.createdDateTime,
			lastUpdatedDateTime: chat.lastUpdatedDateTime,
			chatType: chat.chatType,
			webUrl: `${teamsLink('chat', chat.id, '0')}?tenantId=${chat.tenantId}`,
			tenantId: chat.tenantId,
			isHiddenForAllMembers: false,
			onlineMeetingInfo: null,
		};
	}

	memberJson(chat: StoredChat, user: User): Record<string, unknown> {
		return {
			'@odata.type': '#microsoft.graph.aadUserConversationMember',
			id: Buffer.from(`${chat.id}#${user.id}`).toString('base64'),
			roles: user.userType === 'Guest' ? ['guest'] : ['owner'],
			displayName: user.displayName,
			visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
			userId: user.id,
			email: user.mail,
			tenantId: chat.tenantId,
		};
	}

	// Lookups and checks --------------------------------------------------------------------------

	team(ctx: GraphContext): StoredTeam {
		const team = this.store.findTeam(ctx.tenant.id, ctx.params.team);
		if (!team) throw notFound(`Team '${ctx.params.team}'`);
		return team;
	}

	/** The signed-in user must be a member of the team (app tokens: any team of the tenant). */
	memberTeam(ctx: GraphContext): StoredTeam {
		const team = this.team(ctx);
		if (ctx.auth.userId && !this.store.memberIds(team).includes(ctx.auth.userId))
			throw forbidden('The user is not a member of the team.'); // assumed text
		return team;
	}

	channelOf(ctx: GraphContext): StoredChannel {
		const team = this.memberTeam(ctx);
		const channel = this.store.findChannel(team, ctx.params.channel);
		if (!channel) throw notFound(`Channel '${ctx.params.channel}'`);
		// A private channel is visible to its own members only
		// (https://learn.microsoft.com/en-us/microsoftteams/private-channels); text assumed.
		if (ctx.auth.userId && channel.memberIds && !channel.memberIds.includes(ctx.auth.userId))
			throw forbidden('The user is not a member of the channel.'); // assumed text
		return channel;
	}

	chatOf(ctx: GraphContext): StoredChat {
		const chat = this.store.findChat(ctx.tenant.id, ctx.params.chat);
		if (!chat) throw notFound(`Chat '${ctx.params.chat}'`);
		if (ctx.auth.userId && !chat.memberIds.includes(ctx.auth.userId))
			throw forbidden('The user is not a member of the chat.'); // assumed text
		return chat;
	}

	private sender(ctx: GraphContext): Record<string, unknown> {
		const user = ctx.auth.userId ? ctx.tenant.findUser(ctx.auth.userId) : undefined;
		if (!user) {
			const app = ctx.tenant.apps.get(ctx.auth.appId.toLowerCase());
			return {
				application: { id: ctx.auth.appId, displayName: app?.displayName ?? ctx.auth.appId },
				device: null,
				user: null,
			};
		}
		return {
			application: null,
			device: null,
			user: {
				'@odata.type': '#microsoft.graph.teamworkUserIdentity',
				id: user.id,
				displayName: user.displayName,
				userIdentityType: 'aadUser',
				// teamworkUserIdentity is an open type; Graph adds the user's tenant (chatmessage-delta.md example)
				tenantId: ctx.tenant.id,
			},
		};
	}

	private fileByAttachment(tenantId: string, id: string): StoredItem | undefined {
		const item = this.emu.drives.store.itemByUniqueId(id);
		return item && item.drive.site.tenantId === tenantId ? item : undefined;
	}

	/**
	 * Checks a chatMessage POST body as Graph does and returns the message as Graph stores it.
	 */
	private async newMessage(
		ctx: GraphContext,
		container: Container,
	): Promise<Record<string, unknown>> {
		const raw = await readRaw(ctx);
		if (raw.length > MESSAGE_SIZE_LIMIT) {
			// Graph answers 413 "Request Entity Too Large" for messages over Teams' limit.
			throw new GraphError(413, 'RequestEntityTooLarge', 'Request Entity Too Large');
		}
		let input: Record<string, any>;
		try {
			input = JSON.parse(raw.toString('utf8')) as Record<string, any>;
		} catch {
			throw bad('Invalid request body was sent.');
		}
		this.received.push({
			method: ctx.req.method,
			path: ctx.req.path,
			type: 'chatMessage',
			body: input,
		});
		const body = input.body;
		if (!body || typeof body !== 'object' || typeof body.content !== 'string')
			throw bad('Invalid request body was sent.'); // Graph's text for a missing/invalid body
		const contentType = String(body.contentType ?? 'text').toLowerCase();
		if (contentType !== 'text' && contentType !== 'html')
			throw bad(
				`Cannot convert the literal '${body.contentType}' to the expected type 'microsoft.graph.bodyType'.`,
			);
		const importance = String(input.importance ?? 'normal');
		if (!['normal', 'high', 'urgent'].includes(importance))
			throw bad(
				`Cannot convert the literal '${importance}' to the expected type 'microsoft.graph.chatMessageImportance'.`,
			);
		const content: string = body.content;
		const attachments: Record<string, any>[] = Array.isArray(input.attachments)
			? input.attachments
			: [];
		const mentions: Record<string, any>[] = Array.isArray(input.mentions) ? input.mentions : [];
		if (!content.trim() && attachments.length === 0) throw bad('Message body cannot be empty.'); // assumed text

		const cardContents: string[] = [];
		const storedAttachments = attachments.map((a) => {
			if (typeof a?.id !== 'string' || !a.id) throw bad('Attachment id is required.'); // assumed
			const marker = new RegExp(`<attachment\\s+id\\s*=\\s*["']${escapeRegExp(a.id)}["']`, 'i');
			if (!marker.test(content))
				throw bad(`Attachment with id '${a.id}' is not referenced in the message body.`); // assumed
			const type = String(a.contentType ?? '');
			if (type === CARD) {
				if (typeof a.content !== 'string' || !a.content.trim())
					throw bad(`Attachment with id '${a.id}' has no content.`); // assumed
				let card: any;
				try {
					card = JSON.parse(a.content);
				} catch {
					throw bad(`Attachment with id '${a.id}' has invalid adaptive card content.`); // assumed
				}
				if (card?.type !== 'AdaptiveCard')
					throw bad(`Attachment with id '${a.id}' is not an adaptive card.`); // assumed
				cardContents.push(a.content);
			} else if (type === 'reference') {
				const file = this.fileByAttachment(ctx.tenant.id, a.id);
				const webUrl = file
					? (this.emu.drives.itemJson(file, ctx.req.baseUrl).webUrl as string)
					: '';
				if (
					!file?.file ||
					decodeURI(String(a.contentUrl ?? '')).toLowerCase() !== decodeURI(webUrl).toLowerCase()
				)
					throw bad(`Attachment with id '${a.id}' does not point to an existing file.`); // assumed
			} else if (!type) {
				throw bad(`Attachment with id '${a.id}' has no contentType.`); // assumed
			}
			return {
				id: a.id,
				contentType: type,
				contentUrl: a.contentUrl ?? null,
				content: a.content ?? null,
				name: a.name ?? null,
				thumbnailUrl: a.thumbnailUrl ?? null,
				teamsAppId: a.teamsAppId ?? null,
			};
		});

		const seen = new Set<number>();
		const storedMentions = mentions.map((m) => {
			const id = m?.id;
			if (!Number.isInteger(id)) throw bad('Mention id must be an integer.'); // assumed
			if (seen.has(id)) throw bad(`Duplicate mention id '${id}'.`); // assumed
			seen.add(id);
			const marker = new RegExp(`<at\\s+id\\s*=\\s*["']?${id}["']?\\s*>`, 'i');
			const inCard = cardContents.some((c) => c.includes(`<at>${m.mentionText}</at>`));
			if (!marker.test(content) && !inCard)
				throw bad(
					`Neither Body nor adaptive card content contains marker for mention with Id '${id}'.`,
				);
			const mentioned = m.mentioned ?? {};
			if (mentioned.user) {
				const user = ctx.tenant.findUser(String(mentioned.user.id ?? ''));
				if (!user) throw bad(`The mentioned user '${mentioned.user.id}' was not found.`); // assumed
				return {
					id,
					mentionText: m.mentionText ?? user.displayName,
					mentioned: {
						application: null,
						device: null,
						conversation: null,
						user: {
							'@odata.type': '#microsoft.graph.teamworkUserIdentity',
							id: user.id,
							displayName: mentioned.user.displayName ?? user.displayName,
							userIdentityType: 'aadUser',
						},
					},
				};
			}
			const conversation = mentioned.conversation;
			if (!conversation || container.kind !== 'channel')
				throw bad(`Mention with id '${id}' mentions nothing this message can mention.`); // assumed
			const kind = conversation.conversationIdentityType;
			const expected = kind === 'team' ? container.channel.team.id : container.channel.id;
			if ((kind !== 'team' && kind !== 'channel') || String(conversation.id) !== expected)
				throw bad(`Mention with id '${id}' must mention this channel or its team.`); // assumed
			return {
				id,
				mentionText: m.mentionText ?? null,
				mentioned: {
					application: null,
					device: null,
					user: null,
					conversation: {
						id: expected,
						displayName:
							conversation.displayName ??
							(kind === 'team'
								? container.channel.team.displayName
								: container.channel.displayName),
						conversationIdentityType: kind,
					},
				},
			};
		});

		const id = this.store.newMessageId();
		const time = new Date(Number(id)).toISOString();
		const message: Record<string, unknown> = {
			id,
			replyToId: container.kind === 'channel' ? (container.replyTo ?? null) : null,
			etag: id,
			messageType: 'message',
			createdDateTime: time,
			lastModifiedDateTime: time,
			lastEditedDateTime: null,
			deletedDateTime: null,
			subject: container.kind === 'channel' && !container.replyTo ? (input.subject ?? null) : null,
			summary: input.summary ?? null,
			chatId: container.kind === 'chat' ? container.chat.id : null,
			importance,
			locale: 'en-us',
			webUrl:
				container.kind === 'channel'
					? `${teamsLink('channel', container.channel.id, id)}?groupId=${container.channel.team.id}&tenantId=${container.channel.team.tenantId}&createdTime=${id}&parentMessageId=${container.replyTo ?? id}`
					: null,
			policyViolation: null,
			eventDetail: null,
			from: this.sender(ctx),
			body: { contentType, content },
			channelIdentity:
				container.kind === 'channel'
					? { teamId: container.channel.team.id, channelId: container.channel.id }
					: null,
			attachments: storedAttachments,
			mentions: storedMentions,
			reactions: [],
			messageHistory: [],
		};
		return message;
	}

	// Routes --------------------------------------------------------------------------------------

	private register(graph: GraphService): void {
		graph.route('GET', '/teams', (ctx) =>
			listResponse(ctx, this.store.teamsOf(ctx.tenant.id), {
				context: 'teams',
				type: 'team',
				// Graph's page size for /teams is not documented; 100 per page unless $top says otherwise.
				defaultTop: 100,
				maxTop: 999,
				properties: TEAM_PROPERTIES,
				project: (team, select) => pickProps(this.teamJson(team), select),
			}),
		);
		graph.route('GET', '/teams/:team', (ctx) => {
			const select = parseSelect(ctx, TEAM_PROPERTIES, 'team');
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#teams/$entity`,
					...pickProps(this.teamJson(this.team(ctx)), select),
				},
				contractType: 'team',
			};
		});
		graph.route('GET', '/teams/:team/channels', (ctx) => {
			const team = this.memberTeam(ctx);
			if (ctx.req.query.has('$top'))
				throw bad(
					"Query option 'Top' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
				);
			return listResponse(ctx, team.channels, {
				context: `teams('${team.id}')/channels`,
				type: 'channel',
				// Not paged: Graph answers every channel of the team at once.
				defaultTop: 100_000,
				maxTop: 100_000,
				properties: CHANNEL_PROPERTIES,
				project: (channel, select) => pickProps(this.channelJson(channel), select),
			});
		});
		graph.route('GET', '/teams/:team/channels/:channel', (ctx) => {
			const channel = this.channelOf(ctx);
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#teams('${channel.team.id}')/channels/$entity`,
					...this.channelJson(channel),
				},
				contractType: 'channel',
			};
		});
		graph.route('GET', '/teams/:team/channels/:channel/filesFolder', (ctx) => {
			const channel = this.channelOf(ctx);
			const site = this.emu.drives.store.findSite(channel.team.tenantId, channel.team.site);
			const drive = site?.drives.find((d) => d.isDefault) ?? site?.drives[0];
			if (!drive) throw notFound('The team site');
			const folder = this.emu.drives.store.ensureFolders(drive.root, [channel.displayName], {
				application: { id: ctx.auth.appId, displayName: 'Microsoft Teams' },
				user: { id: '', displayName: 'SharePoint App' },
			});
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#teams('${channel.team.id}')/channels('${encodeURIComponent(channel.id)}')/filesFolder/$entity`,
					...this.emu.drives.itemJson(folder, ctx.req.baseUrl),
				},
				contractType: 'driveItem',
			};
		});
		graph.route('POST', '/teams/:team/channels/:channel/messages', async (ctx) => {
			const channel = this.channelOf(ctx);
			this.channelLimiter.admit(ctx.auth.appId, channel.team.id, channel.id);
			const json = await this.newMessage(ctx, { kind: 'channel', channel });
			this.store.addRootMessage(channel, json);
			return messageResponse(
				ctx,
				json,
				`teams('${channel.team.id}')/channels('${channel.id}')/messages`,
			);
		});
		graph.route('POST', '/teams/:team/channels/:channel/messages/:message/replies', async (ctx) => {
			const channel = this.channelOf(ctx);
			this.channelLimiter.admit(ctx.auth.appId, channel.team.id, channel.id);
			const parent = channel.messages.find((m) => m.json.id === ctx.params.message);
			if (!parent) throw notFound(`Message '${ctx.params.message}'`);
			const json = await this.newMessage(ctx, {
				kind: 'channel',
				channel,
				replyTo: ctx.params.message,
			});
			this.store.addReply(parent, json);
			return messageResponse(
				ctx,
				json,
				`teams('${channel.team.id}')/channels('${channel.id}')/messages('${parent.json.id}')/replies`,
			);
		});

		// Chats (reads: graph/teams-reads.ts)
		graph.route('POST', '/chats', async (ctx) => this.createChat(ctx));
		graph.route('GET', '/chats/:chat', (ctx) => ({
			status: 200,
			body: {
				'@odata.context': `${ctx.root}/$metadata#chats/$entity`,
				...this.chatJson(this.chatOf(ctx)),
			},
			contractType: 'chat',
		}));
		graph.route('GET', '/chats/:chat/members', (ctx) => {
			const chat = this.chatOf(ctx);
			this.reads.requireProtectedApiAccess(ctx); // teams-protected-apis.md: list chat members
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#chats('${chat.id}')/members`,
					'@odata.count': chat.memberIds.length,
					value: this.members(chat, ctx.tenant),
				},
				contractType: 'Collection(conversationMember)',
			};
		});
		graph.route('POST', '/chats/:chat/messages', async (ctx) => {
			const chat = this.chatOf(ctx);
			const json = await this.newMessage(ctx, { kind: 'chat', chat });
			chat.messages.push(json);
			chat.lastUpdatedDateTime = json.createdDateTime as string;
			return messageResponse(ctx, json, `chats('${chat.id}')/messages`);
		});
	}

	members(chat: StoredChat, tenant: Tenant): Record<string, unknown>[] {
		return chat.memberIds
			.map((id) => tenant.findUser(id))
			.filter((u): u is User => !!u)
			.map((u) => this.memberJson(chat, u));
	}

	private async createChat(ctx: GraphContext): Promise<EmuResponse> {
		const input = await ctx.json<Record<string, any>>();
		this.received.push({ method: ctx.req.method, path: ctx.req.path, type: 'chat', body: input });
		const chatType = input.chatType;
		if (chatType !== 'oneOnOne' && chatType !== 'group')
			throw bad(
				`Cannot convert the literal '${chatType}' to the expected type 'microsoft.graph.chatType'.`,
			);
		const members: Record<string, any>[] = Array.isArray(input.members) ? input.members : [];
		const ids: string[] = [];
		for (const member of members) {
			if (member?.['@odata.type'] !== '#microsoft.graph.aadUserConversationMember')
				throw bad('Only aadUserConversationMember members are supported.'); // assumed
			const bind = String(member['user@odata.bind'] ?? '');
			const m = /\/users(?:\('([^']+)'\)|\/([^/?]+))$/i.exec(bind);
			const ref = m ? decodeURIComponent(m[1] ?? m[2]) : '';
			const user = ref ? ctx.tenant.findUser(ref) : undefined;
			if (!user) throw new GraphError(404, 'NotFound', `User '${ref || bind}' was not found.`); // assumed
			if (ids.includes(user.id)) throw bad('Duplicate chat member.'); // assumed
			ids.push(user.id);
		}
		if (ctx.auth.userId && !ids.includes(ctx.auth.userId))
			throw forbidden('The signed-in user must be a member of the chat.'); // assumed
		if (chatType === 'oneOnOne' && ids.length !== 2)
			throw bad('A one-on-one chat must have exactly two members.'); // assumed
		if (chatType === 'group' && ids.length < 3)
			throw bad('A group chat must have at least three members.'); // assumed
		const now = new Date().toISOString();
		if (chatType === 'oneOnOne') {
			const id = `19:${[...ids].sort().join('_')}@unq.gbl.spaces`;
			const existing = this.store.findChat(ctx.tenant.id, id);
			if (existing) {
				// "If a one-on-one chat already exists, this operation returns the existing chat."
				return {
					status: 201,
					body: {
						'@odata.context': `${ctx.root}/$metadata#chats/$entity`,
						...this.chatJson(existing),
					},
					contractType: 'chat',
				};
			}
		}
		const chat: StoredChat = {
			id:
				chatType === 'oneOnOne'
					? `19:${[...ids].sort().join('_')}@unq.gbl.spaces`
					: threadId(randomUUID(), 'thread.v2'),
			tenantId: ctx.tenant.id,
			chatType,
			topic: chatType === 'group' ? (input.topic ?? null) : null,
			createdDateTime: now,
			lastUpdatedDateTime: now,
			memberIds: ids,
			messages: [],
		};
		this.store.chats.push(chat);
		return {
			status: 201,
			body: { '@odata.context': `${ctx.root}/$metadata#chats/$entity`, ...this.chatJson(chat) },
			contractType: 'chat',
		};
	}

	// Workflows webhook (outside /v1.0) -----------------------------------------------------------

	isWebhookPath(path: string): boolean {
		return /^\/workflows\/[^/]+\/triggers\/manual\/paths\/invoke$/i.test(path);
	}

	/** A Logic Apps / Power Automate request trigger: `sig` authorises, JSON in, 202 out. */
	async serveWebhook(req: EmuRequest): Promise<EmuResponse> {
		const id = /^\/workflows\/([^/]+)\//i.exec(req.path)![1];
		const hook = this.store.webhooks.get(id);
		const flowError = (status: number, code: string, message: string): EmuResponse => ({
			status,
			headers: {
				'Content-Type': 'application/json; charset=utf-8',
				'x-ms-request-id': req.requestId,
			},
			body: { error: { code, message } },
		});
		req.log.handled = true;
		if (!hook) {
			if (!Buffer.isBuffer(req.body)) req.body.resume();
			return flowError(404, 'WorkflowNotFound', `The workflow '${id}' could not be found.`);
		}
		if (req.query.get('sig') !== hook.sig) {
			if (!Buffer.isBuffer(req.body)) req.body.resume();
			return flowError(
				401,
				'DirectApiInvalidAuthorizationSignature',
				"The provided authorization token is not valid. The request should have a valid authorization header with 'Bearer' scheme or a valid 'sig' query parameter.",
			);
		}
		if (req.method !== 'POST') {
			if (!Buffer.isBuffer(req.body)) req.body.resume();
			return flowError(
				405,
				'TriggerRequestMethodNotValid',
				`The HTTP method for this request is not valid: expected 'Post' and actual '${req.method}'.`,
			);
		}
		const raw = Buffer.isBuffer(req.body) ? req.body : await readBody(req.body, 100 * 1024 * 1024);
		const contentType = String(req.headers['content-type'] ?? '');
		let payload: unknown;
		try {
			payload = JSON.parse(raw.toString('utf8'));
		} catch {
			return flowError(
				400,
				'InvalidRequestContent',
				`The input body for trigger 'manual' of type 'Request' must be of type JSON, but was of type '${contentType.split(';')[0] || 'application/octet-stream'}'.`,
			);
		}
		const delivery: WebhookDelivery = {
			webhookId: id,
			receivedAt: new Date().toISOString(),
			contentType,
			payload,
			hasAuthorization: req.log.hasAuthorization,
			run: { status: 'Succeeded', messageIds: [] },
		};
		this.store.deliveries.push(delivery);
		// The flow runs after the 202; here its "Post card in a chat or channel" step runs at once.
		const attachments = (payload as { attachments?: unknown })?.attachments;
		const cards = Array.isArray(attachments)
			? attachments.filter((a) => (a as { contentType?: unknown })?.contentType === CARD)
			: [];
		if (cards.length === 0) {
			delivery.run = {
				status: 'Failed',
				error: 'The request has no adaptive card attachment to post.',
				messageIds: [],
			};
		} else {
			const team = this.store.findTeam(hook.tenantId, hook.teamId)!;
			const channel = this.store.findChannel(team, hook.channelId)!;
			for (const card of cards as { content?: unknown }[]) {
				const messageId = this.store.newMessageId();
				const attachmentId = randomUUID().replace(/-/g, '');
				const time = new Date(Number(messageId)).toISOString();
				this.store.addRootMessage(channel, {
					id: messageId,
					replyToId: null,
					etag: messageId,
					messageType: 'message',
					createdDateTime: time,
					lastModifiedDateTime: time,
					subject: null,
					importance: 'normal',
					locale: 'en-us',
					from: {
						application: { id: 'flow', displayName: 'Workflows' },
						device: null,
						user: null,
					},
					body: {
						contentType: 'html',
						content: `<attachment id="${attachmentId}"></attachment>`,
					},
					channelIdentity: { teamId: team.id, channelId: channel.id },
					attachments: [
						{
							id: attachmentId,
							contentType: CARD,
							contentUrl: null,
							content: JSON.stringify(card.content ?? null),
							name: null,
							thumbnailUrl: null,
							teamsAppId: null,
						},
					],
					mentions: [],
					reactions: [],
					messageHistory: [],
				});
				delivery.run.messageIds.push(messageId);
			}
		}
		return { status: 202, headers: { 'x-ms-request-id': req.requestId }, body: Buffer.alloc(0) };
	}
}

async function readRaw(ctx: GraphContext): Promise<Buffer> {
	if (Buffer.isBuffer(ctx.req.body)) return ctx.req.body;
	// Larger than Teams' limit but below Graph's 4 MB: read it, then refuse it with 413.
	return await readBody(ctx.req.body, 4 * 1024 * 1024);
}

function messageResponse(
	ctx: GraphContext,
	json: Record<string, unknown>,
	context: string,
	status = 201,
): EmuResponse {
	return {
		status,
		body: { '@odata.context': `${ctx.root}/$metadata#${context}/$entity`, ...json },
		contractType: 'chatMessage',
	};
}

function pickProps(
	full: Record<string, unknown>,
	select: string[] | undefined,
): Record<string, unknown> {
	if (!select) return full;
	const out: Record<string, unknown> = {};
	for (const name of select) if (name in full) out[name] = full[name];
	return out;
}

export function registerTeams(graph: GraphService, emulator: Emulator): TeamsService {
	return new TeamsService(graph, emulator);
}
