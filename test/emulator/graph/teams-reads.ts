/**
 * Graph's Teams reads, written from Microsoft's v1.0 API reference (each behaviour cites its
 * page; "assumed" marks what the pages do not say):
 * - channel messages: list (newest first, `$top` ≤ 50, default 20, `$expand=replies` with up to
 *   1000 replies each), get, replies (list, get), delta (`$filter=lastModifiedDateTime gt`,
 *   `$top`, `$skip`, `$expand=replies`; nextLink pages, then a deltaLink returning only later
 *   changes);
 * - chat messages: list (`$top` ≤ 50, `$orderby` lastModifiedDateTime/createdDateTime desc,
 *   `$filter` on the ordered property), get;
 * - chats of a user (`$filter`, `$top` ≤ 50, `$expand=members,lastMessagePreview`, `$orderby`
 *   lastMessagePreview/createdDateTime desc);
 * - team and channel members;
 * - the metered export APIs `/teams/{id}/channels/getAllMessages` and
 *   `/users/{id}/chats/getAllMessages` (model A / B / evaluation mode, 402 Payment Required);
 * - the Teams protected-API gate for application permissions (granted to every app unless
 *   revoked: `emu.teams.reads.protectedApiRevoked`).
 *
 * Every message's JSON is the chatMessage resource (CSDL); delegated callers must be members of
 * the team (private channel: of the channel) or chat.
 */
import type { Emulator } from '../emulator';
import type { EmuResponse } from '../http';
import { randomUUID } from 'node:crypto';
import {
	threadId,
	type StoredChannel,
	type StoredChat,
	type StoredMessage,
	type StoredTeam,
} from '../teams-store';
import type { Tenant, User } from '../tenant';
import { compileFilter, listResponse, parseSelect, parseTop } from './odata';
import { GraphContext, GraphError, GraphService } from './service';
import type { TeamsService } from './teams';

function bad(message: string): GraphError {
	return new GraphError(400, 'BadRequest', message);
}

function notFound(what: string): GraphError {
	return new GraphError(404, 'NotFound', `${what} not found.`);
}

/** Milliseconds of an ISO date-time, or NaN. */
function ms(value: unknown): number {
	return typeof value === 'string' ? Date.parse(value) : NaN;
}

// Query options ----------------------------------------------------------------------------------

/**
 * `$top` for the Teams message APIs. Out of range: 400 (Graph's code and text assumed; the pages
 * only give the maximum).
 */
function teamsTop(ctx: GraphContext, defaultTop: number, maxTop: number): number {
	const raw = ctx.req.query.get('$top');
	if (raw === null) return defaultTop;
	const top = Number(raw);
	if (!Number.isInteger(top) || top < 1 || top > maxTop)
		throw bad(`Invalid page size specified: '${raw}'. Must be between 1 and ${maxTop} inclusive.`); // assumed
	return top;
}

/**
 * "The other OData query parameters are not currently supported": refused with 400 (the pages say
 * unsupported, not whether Graph refuses or ignores them; refusing assumed, text assumed).
 */
function onlyOptions(ctx: GraphContext, allowed: string[]): void {
	for (const key of ctx.req.query.keys()) {
		if (!key.startsWith('$')) continue;
		if (!allowed.includes(key.toLowerCase()))
			throw bad(
				`Query option '${key.slice(1)}' is not supported for this request. Supported: ${allowed.join(', ')}.`,
			); // assumed
	}
}

/** `$expand=replies` (the only expansion of channel messages); anything else 400 (text assumed). */
function expandReplies(ctx: GraphContext): boolean {
	const raw = ctx.req.query.get('$expand');
	if (raw === null) return false;
	if (raw.trim().toLowerCase() !== 'replies')
		throw bad(`Parsing OData Select and Expand failed: '${raw}' is not supported; only 'replies'.`); // assumed
	return true;
}

function encodeToken(value: unknown): string {
	return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeToken<T>(raw: string): T {
	try {
		return JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as T;
	} catch {
		throw bad('The skip token is not valid.'); // assumed
	}
}

/** The request's own URL with these query parameters (for nextLink / deltaLink). */
function linkTo(ctx: GraphContext, params: Record<string, string | undefined>): string {
	const q = new URLSearchParams();
	for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
	const path = ctx.req.path.replace(/^\/v1\.0/i, '');
	return `${ctx.root}${path}?${q.toString().replace(/%24/g, '$')}`;
}

/** Sort key of a message: creation time, then ID (IDs are creation milliseconds). */
type Key = [number, string];

function keyOf(json: Record<string, unknown>, prop = 'createdDateTime'): Key {
	return [ms(json[prop]), String(json.id)];
}

function compareKeys(a: Key, b: Key): number {
	if (a[0] !== b[0]) return a[0] - b[0];
	return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * One page of `items`, sorted by `key` (descending when `desc`), after the cursor `after` (the
 * key of the previous page's last item): a cursor rather than an offset, so messages posted
 * while a client pages do not shift the pages.
 */
function pageAfter<T>(
	items: T[],
	key: (item: T) => Key,
	desc: boolean,
	after: Key | undefined,
	top: number,
): { page: T[]; more: boolean } {
	const sign = desc ? -1 : 1;
	const sorted = [...items].sort((a, b) => sign * compareKeys(key(a), key(b)));
	const start = after ? sorted.findIndex((item) => sign * compareKeys(key(item), after) > 0) : 0;
	if (start < 0) return { page: [], more: false };
	return { page: sorted.slice(start, start + top), more: start + top < sorted.length };
}

/** `prop op datetime [and ...]` clauses of a date-range `$filter`. */
interface DateClause {
	prop: string;
	op: string;
	at: number;
}

function dateClauses(filter: string): DateClause[] {
	const clauses: DateClause[] = [];
	for (const part of filter.trim().split(/\s+and\s+/i)) {
		const m = /^\(?\s*([A-Za-z/]+)\s+(eq|ne|gt|ge|lt|le)\s+'?([0-9T:.+\-Z]+)'?\s*\)?$/i.exec(
			part.trim(),
		);
		const at = m ? Date.parse(m[3]) : NaN;
		if (!m || Number.isNaN(at)) throw bad(`Invalid filter clause: '${filter}'.`); // assumed text
		clauses.push({ prop: m[1], op: m[2].toLowerCase(), at });
	}
	return clauses;
}

function matchesClauses(value: number, clauses: DateClause[]): boolean {
	return clauses.every(({ op, at }) =>
		op === 'gt' ? value > at : op === 'lt' ? value < at : op === 'ge' ? value >= at : value <= at,
	);
}

// The metered export APIs -------------------------------------------------------------------------

/**
 * Billing state per app for the metered Teams export APIs (https://learn.microsoft.com/en-us/graph/teams-licenses):
 * - `model=A` and `model=B` need an active Azure billing subscription associated with the app;
 *   `model=A` also needs supported (E5 / DLP) licences in the tenant;
 * - without `model`, evaluation mode: 500 messages per month per tenant per app ("Requests that
 *   return an empty list are charged as one message"); beyond it the calls fail.
 * "Payment-related errors" on that page: all 402 Payment Required, with the sample texts used
 * below (the text around the documented fragments, and the error code, assumed).
 */
export interface MeteredState {
	/** Apps (appId, lower case) whose registration has Azure billing set up. Default: none. */
	billing: Set<string>;
	/** Tenants whose users hold licences supporting model A (E5 / Communications DLP). Default: none. */
	licensedTenants: Set<string>;
	/** Evaluation quota per app per tenant per month (500). */
	evaluationQuota: number;
	/** Messages charged in evaluation mode, by `${appId}|${tenantId}|${YYYY-MM}`. */
	evaluationUsed: Map<string, number>;
}

export const EVALUATION_QUOTA = 500;

function paymentRequired(message: string): GraphError {
	return new GraphError(402, 'PaymentRequired', message); // code assumed
}

const BILLING_MESSAGE =
	'Payment Required. To call this API, the app must be associated with an Azure subscription, see https://aka.ms/teams-api-payment-requirements for details.';
const LICENSE_MESSAGE =
	'Payment Required. The tenant needs a valid license to access this API with model A, see https://aka.ms/teams-api-payment-requirements for details.';
const EVALUATION_MESSAGE =
	'Payment Required. The evaluation capacity for the month has exceeded. To continue beyond the evalution limits complete billing onboarding, see https://aka.ms/teams-api-payment-requirements for details.';

// The service -------------------------------------------------------------------------------------

export class TeamsReads {
	/**
	 * Apps (appId, lower case) whose protected-API access was withdrawn. Every app has it unless
	 * listed here (the demo tenant's apps are treated as approved; tests and the admin API
	 * `POST /_emulator/teams/protected-apis` revoke and grant it).
	 */
	readonly protectedApiRevoked = new Set<string>();
	readonly metered: MeteredState = {
		billing: new Set(),
		licensedTenants: new Set(),
		evaluationQuota: EVALUATION_QUOTA,
		evaluationUsed: new Map(),
	};

	constructor(
		private readonly teams: TeamsService,
		private readonly emu: Emulator,
	) {}

	/**
	 * Protected APIs in Microsoft Teams (https://learn.microsoft.com/en-us/graph/teams-protected-apis):
	 * with application permissions, list/get channel messages, delta, replies, list/get chat
	 * messages and list chat members need access granted beyond permission and consent. Without
	 * it Graph answers 403 Forbidden "Invoked API requires Protected API access in
	 * application-only context when not using Resource Specific Consent. ..." (the text as
	 * clients report it; the page gives none).
	 */
	requireProtectedApiAccess(ctx: GraphContext): void {
		if (ctx.auth.scheme !== 'application') return;
		if (!this.protectedApiRevoked.has(ctx.auth.appId.toLowerCase())) return;
		throw new GraphError(
			403,
			'Forbidden',
			'Invoked API requires Protected API access in application-only context when not using Resource Specific Consent. Visit https://docs.microsoft.com/en-us/graph/teams-protected-apis for more details.',
		);
	}

	// JSON ------------------------------------------------------------------------------------------

	private channelContext(ctx: GraphContext, channel: StoredChannel): string {
		return `${ctx.root}/$metadata#teams('${channel.team.id}')/channels('${encodeURIComponent(channel.id)}')`;
	}

	/**
	 * A root message with its replies, as `$expand=replies` gives it: "By default, a response can
	 * include up to 1000 replies ... use the request URL returned in `replies@odata.nextLink` to
	 * get the next page of replies" (channel-list-messages.md, $expand). Replies newest first (the
	 * page's example 3 and chatmessage-list-replies.md).
	 */
	private withReplies(
		ctx: GraphContext,
		channel: StoredChannel,
		message: StoredMessage,
	): Record<string, unknown> {
		const { page, more } = pageAfter(message.replies, (r) => keyOf(r), true, undefined, 1000);
		const out: Record<string, unknown> = { ...message.json, 'replies@odata.count': page.length };
		if (more) {
			const base = `${ctx.root}/teams/${channel.team.id}/channels/${channel.id}/messages/${String(message.json.id)}/replies`;
			out['replies@odata.nextLink'] =
				`${base}?$skiptoken=${encodeToken({ k: keyOf(page[page.length - 1]) })}`;
		}
		out.replies = page;
		return out;
	}

	/** A channel message (root) by ID; one of another channel is 404, as Graph answers. */
	private rootMessage(channel: StoredChannel, id: string): StoredMessage {
		const message = channel.messages.find((m) => m.json.id === id);
		if (!message) throw notFound(`Message '${id}'`); // text assumed
		return message;
	}

	/** Team and channel membership: aadUserConversationMember (resources/aaduserconversationmember). */
	teamMemberJson(
		team: StoredTeam,
		user: User,
		scope: 'team' | StoredChannel,
	): Record<string, unknown> {
		const owner = team.ownerIds.includes(user.id);
		const thread = scope === 'team' ? team.id : scope.id;
		return {
			'@odata.type': '#microsoft.graph.aadUserConversationMember',
			id: Buffer.from(`${thread}##${user.id}`).toString('base64'),
			// roles: "owner" for owners, "guest" for guests, none for members (conversationmember.md)
			roles: owner ? ['owner'] : user.userType === 'Guest' ? ['guest'] : [],
			displayName: user.displayName,
			visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
			userId: user.id,
			email: user.mail ?? null,
			tenantId: team.tenantId,
		};
	}

	private chatMembers(chat: StoredChat, tenant: Tenant): Record<string, unknown>[] {
		return this.teams.members(chat, tenant);
	}

	/** chat.lastMessagePreview: a chatMessageInfo of the newest message, null without messages. */
	private lastMessagePreview(chat: StoredChat): Record<string, unknown> | null {
		let newest: Record<string, unknown> | undefined;
		for (const m of chat.messages)
			if (!newest || compareKeys(keyOf(m), keyOf(newest)) > 0) newest = m;
		if (!newest) return null;
		return {
			id: newest.id,
			createdDateTime: newest.createdDateTime,
			isDeleted: newest.deletedDateTime != null,
			messageType: newest.messageType,
			eventDetail: null,
			body: newest.body,
			from: newest.from,
		};
	}

	// Routes ----------------------------------------------------------------------------------------

	register(graph: GraphService): void {
		const channelBase = '/teams/:team/channels/:channel/messages';

		// Export APIs first: `getAllMessages` is a literal segment, not a channel or chat ID.
		graph.route('GET', '/teams/:team/channels/getAllMessages', (ctx) =>
			this.channelsGetAllMessages(ctx),
		);
		graph.route('GET', '/users/:user/chats/getAllMessages', (ctx) => this.chatsGetAllMessages(ctx));

		// chatmessage-delta.md
		graph.route('GET', `${channelBase}/delta`, (ctx) => this.delta(ctx));

		// channel-list-messages.md
		graph.route('GET', channelBase, (ctx) => {
			const channel = this.teams.channelOf(ctx);
			this.requireProtectedApiAccess(ctx);
			onlyOptions(ctx, ['$top', '$expand', '$skiptoken']);
			const expand = expandReplies(ctx);
			// "The default page size is 20 messages. You can extend up to 50 channel messages per page."
			const top = teamsTop(ctx, 20, 50);
			const token = ctx.req.query.get('$skiptoken');
			const after = token ? decodeToken<{ k: Key }>(token).k : undefined;
			// Newest first, as the page's examples list them.
			const { page, more } = pageAfter(channel.messages, (m) => keyOf(m.json), true, after, top);
			const body: Record<string, unknown> = {
				'@odata.context': `${this.channelContext(ctx, channel)}/messages`,
				// The page's examples carry the page's item count.
				'@odata.count': page.length,
			};
			if (more)
				body['@odata.nextLink'] = linkTo(ctx, {
					$top: ctx.req.query.get('$top') ?? undefined,
					$expand: ctx.req.query.get('$expand') ?? undefined,
					$skiptoken: encodeToken({ k: keyOf(page[page.length - 1].json) }),
				});
			body.value = page.map((m) => (expand ? this.withReplies(ctx, channel, m) : m.json));
			return { status: 200, body, contractType: 'Collection(chatMessage)' };
		});

		// chatmessage-get.md (channel message)
		graph.route('GET', `${channelBase}/:message`, (ctx) => {
			const channel = this.teams.channelOf(ctx);
			this.requireProtectedApiAccess(ctx);
			const message = this.rootMessage(channel, ctx.params.message);
			return entity(`${this.channelContext(ctx, channel)}/messages`, message.json);
		});

		// chatmessage-list-replies.md: "$top ... Maximum allowed $top value is 50. The other OData
		// query parameters are not currently supported." Newest first (the page's example).
		graph.route('GET', `${channelBase}/:message/replies`, (ctx) => {
			const channel = this.teams.channelOf(ctx);
			this.requireProtectedApiAccess(ctx);
			const message = this.rootMessage(channel, ctx.params.message);
			onlyOptions(ctx, ['$top', '$skiptoken']);
			const top = teamsTop(ctx, 20, 50); // default page size assumed (the page gives none)
			const token = ctx.req.query.get('$skiptoken');
			const after = token ? decodeToken<{ k: Key }>(token).k : undefined;
			const { page, more } = pageAfter(message.replies, (r) => keyOf(r), true, after, top);
			const body: Record<string, unknown> = {
				'@odata.context': `${this.channelContext(ctx, channel)}/messages('${String(message.json.id)}')/replies`,
				'@odata.count': page.length,
			};
			if (more)
				body['@odata.nextLink'] = linkTo(ctx, {
					$top: ctx.req.query.get('$top') ?? undefined,
					$skiptoken: encodeToken({ k: keyOf(page[page.length - 1]) }),
				});
			body.value = page;
			return { status: 200, body, contractType: 'Collection(chatMessage)' };
		});

		// chatmessage-get.md (reply): the reply must belong to that message of that channel.
		graph.route('GET', `${channelBase}/:message/replies/:reply`, (ctx) => {
			const channel = this.teams.channelOf(ctx);
			this.requireProtectedApiAccess(ctx);
			const message = this.rootMessage(channel, ctx.params.message);
			const reply = message.replies.find((r) => r.id === ctx.params.reply);
			if (!reply) throw notFound(`Reply '${ctx.params.reply}'`); // text assumed
			return entity(
				`${this.channelContext(ctx, channel)}/messages('${String(message.json.id)}')/replies`,
				reply,
			);
		});

		// chat-list-messages.md and chatmessage-get.md, on the three paths the pages give.
		for (const prefix of ['/chats/:chat', '/me/chats/:chat', '/users/:user/chats/:chat']) {
			graph.route('GET', `${prefix}/messages`, (ctx) => this.chatMessages(ctx));
			graph.route('GET', `${prefix}/messages/:message`, (ctx) => {
				const chat = this.chatFor(ctx);
				this.requireProtectedApiAccess(ctx);
				const message = chat.messages.find((m) => m.id === ctx.params.message);
				if (!message) throw notFound(`Message '${ctx.params.message}'`); // text assumed
				return entity(`${ctx.root}/$metadata#chats('${chat.id}')/messages`, message);
			});
		}

		// chat-list.md
		const delegatedUser = (ctx: GraphContext): string => {
			if (!ctx.auth.userId)
				throw bad('/me request is only valid with delegated authentication flow.');
			return ctx.auth.userId;
		};
		graph.route('GET', '/me/chats', (ctx) => this.listChats(ctx, delegatedUser(ctx)));
		graph.route('GET', '/chats', (ctx) => this.listChats(ctx, delegatedUser(ctx)));
		graph.route('GET', '/users/:user/chats', (ctx) => {
			const user = ctx.tenant.findUser(ctx.params.user);
			if (!user) throw notFound(`User '${ctx.params.user}'`);
			// Delegated: "the signed-in user" only (chat-list.md, HTTP request); app: any user.
			if (ctx.auth.userId && ctx.auth.userId !== user.id)
				throw new GraphError(
					403,
					'Forbidden',
					'Requested API is only supported for the signed-in user.',
				); // assumed
			return this.listChats(ctx, user.id);
		});

		// team-list-members.md: "$filter, $select, and $top ... The default and maximum page sizes
		// are 100 and 999 objects."
		const memberProps = [
			'id',
			'displayName',
			'roles',
			'userId',
			'email',
			'tenantId',
			'visibleHistoryStartDateTime',
		];
		graph.route('GET', '/teams/:team/members', (ctx) => {
			const team = this.teams.memberTeam(ctx);
			const users = this.teams.store
				.memberIds(team)
				.map((id) => ctx.tenant.findUser(id))
				.filter((u): u is User => !!u);
			return listResponse(ctx, users, {
				context: `teams('${team.id}')/members`,
				type: 'conversationMember',
				defaultTop: 100,
				maxTop: 999,
				properties: memberProps,
				project: (user, select) => pick(this.teamMemberJson(team, user, 'team'), select),
			});
		});
		// channel-list-members.md: "This operation does not support the OData query parameters"
		// (any `$` option refused, assumed): every member at once, `@odata.count` as the example.
		// A standard channel's members are the team's; a private channel's its own.
		const channelMembers = (ctx: GraphContext) => {
			const channel = this.teams.channelOf(ctx);
			const ids = channel.memberIds ?? this.teams.store.memberIds(channel.team);
			const users = ids.map((id) => ctx.tenant.findUser(id)).filter((u): u is User => !!u);
			return { channel, members: users.map((u) => this.teamMemberJson(channel.team, u, channel)) };
		};
		graph.route('GET', '/teams/:team/channels/:channel/members', (ctx) => {
			onlyOptions(ctx, []);
			const { channel, members } = channelMembers(ctx);
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#teams('${channel.team.id}')/channels('${encodeURIComponent(channel.id)}')/members`,
					'@odata.count': members.length,
					value: members,
				},
				contractType: 'Collection(conversationMember)',
			};
		});
		// conversationmember-get.md / team-get-members.md: one membership by its (opaque) ID.
		graph.route('GET', '/teams/:team/channels/:channel/members/:member', (ctx) => {
			const { channel, members } = channelMembers(ctx);
			const member = members.find((m) => m.id === ctx.params.member);
			if (!member) throw notFound(`Member '${ctx.params.member}'`); // text assumed
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#teams('${channel.team.id}')/channels('${encodeURIComponent(channel.id)}')/members/$entity`,
					...member,
				},
				contractType: 'conversationMember',
			};
		});
		graph.route('GET', '/teams/:team/members/:member', (ctx) => {
			const team = this.teams.memberTeam(ctx);
			const member = this.teams.store
				.memberIds(team)
				.map((id) => ctx.tenant.findUser(id))
				.filter((u): u is User => !!u)
				.map((u) => this.teamMemberJson(team, u, 'team'))
				.find((m) => m.id === ctx.params.member);
			if (!member) throw notFound(`Member '${ctx.params.member}'`); // text assumed
			return {
				status: 200,
				body: {
					'@odata.context': `${ctx.root}/$metadata#teams('${team.id}')/members/$entity`,
					...member,
				},
				contractType: 'conversationMember',
			};
		});
	}

	/** The chat of the path; the signed-in user must be a member (TeamsService.chatOf). */
	private chatFor(ctx: GraphContext): StoredChat {
		if (ctx.params.user) {
			const user = ctx.tenant.findUser(ctx.params.user);
			if (!user) throw notFound(`User '${ctx.params.user}'`);
			const chat = this.teams.chatOf(ctx);
			if (!chat.memberIds.includes(user.id)) throw notFound(`Chat '${ctx.params.chat}'`); // assumed
			return chat;
		}
		if (ctx.req.path.toLowerCase().includes('/me/chats/') && !ctx.auth.userId)
			throw bad('/me request is only valid with delegated authentication flow.');
		return this.teams.chatOf(ctx);
	}

	/**
	 * chat-list-messages.md, "Optional query parameters":
	 * - `$top`: "Maximum allowed `$top` value is 50" (default page size not given: 20 assumed);
	 * - `$orderby`: "Currently supports the lastModifiedDateTime (default) and createdDateTime
	 *   properties in descending order. The ascending order is currently not supported." (other
	 *   orders refused with 400, text assumed);
	 * - `$filter`: "The lastModifiedDateTime property supports the gt and lt operators. The
	 *   createdDateTime property supports the lt operator. You can only filter results if the
	 *   request URL contains the $orderBy and $filter query parameters configured for the same
	 *   property; otherwise, the $filter query option is ignored." (other operators on the
	 *   ordered property: 400, assumed);
	 * - "The other OData query parameters are not currently supported."
	 */
	private chatMessages(ctx: GraphContext): EmuResponse {
		const chat = this.chatFor(ctx);
		this.requireProtectedApiAccess(ctx);
		onlyOptions(ctx, ['$top', '$orderby', '$filter', '$skiptoken']);
		const top = teamsTop(ctx, 20, 50);
		const orderby = ctx.req.query.get('$orderby');
		let prop = 'lastModifiedDateTime';
		if (orderby !== null) {
			const m = /^\s*(lastModifiedDateTime|createdDateTime)(?:\s+(asc|desc))?\s*$/i.exec(orderby);
			if (!m)
				throw bad(
					`Invalid $orderby '${orderby}': only lastModifiedDateTime desc and createdDateTime desc are supported.`,
				); // assumed
			if ((m[2] ?? 'asc').toLowerCase() !== 'desc')
				throw bad(`Invalid $orderby '${orderby}': ascending order is not supported.`); // assumed
			prop = m[1].toLowerCase() === 'createddatetime' ? 'createdDateTime' : 'lastModifiedDateTime';
		}
		let messages = chat.messages;
		const filter = ctx.req.query.get('$filter');
		if (filter !== null && orderby !== null) {
			const clauses = dateClauses(filter);
			if (clauses.every((c) => c.prop.toLowerCase() === prop.toLowerCase())) {
				const allowed = prop === 'createdDateTime' ? ['lt'] : ['gt', 'lt'];
				for (const c of clauses)
					if (!allowed.includes(c.op))
						throw bad(`Operator '${c.op}' is not supported for '${prop}' in $filter.`); // assumed
				messages = messages.filter((m) => matchesClauses(ms(m[prop]), clauses));
			}
			// else: configured for another property than $orderby: ignored, as the page says
		}
		const token = ctx.req.query.get('$skiptoken');
		const after = token ? decodeToken<{ k: Key }>(token).k : undefined;
		const { page, more } = pageAfter(messages, (m) => keyOf(m, prop), true, after, top);
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#chats('${encodeURIComponent(chat.id)}')/messages`,
			'@odata.count': page.length, // as the page's examples
		};
		if (more)
			body['@odata.nextLink'] = linkTo(ctx, {
				$top: ctx.req.query.get('$top') ?? undefined,
				$orderby: orderby ?? undefined,
				$filter: filter ?? undefined,
				$skiptoken: encodeToken({ k: keyOf(page[page.length - 1], prop) }),
			});
		body.value = page;
		return { status: 200, body, contractType: 'Collection(chatMessage)' };
	}

	/**
	 * chat-list.md (current v1.0 page): `$expand` ("members" and "lastMessagePreview"), `$top`
	 * ("The maximum allowed $top value is 50"), `$filter`, `$orderby` ("lastMessagePreview/
	 * createdDateTime in descending order. Ascending order is currently not supported"); the
	 * known issue "When this API is called with the $expand=members query parameter, the response
	 * returns a maximum of 25 member items". Page size without `$top`: 50 (assumed).
	 */
	private listChats(ctx: GraphContext, userId: string): EmuResponse {
		const expandRaw = ctx.req.query.get('$expand');
		const expand = new Set<string>();
		if (expandRaw !== null) {
			for (const part of expandRaw.split(',').map((p) => p.trim().toLowerCase())) {
				if (part !== 'members' && part !== 'lastmessagepreview')
					throw bad(`Parsing OData Select and Expand failed: '${expandRaw}' is not supported.`); // assumed
				expand.add(part);
			}
		}
		const top = parseTop(ctx, 50, 50);
		const properties = [
			'id',
			'topic',
			'createdDateTime',
			'lastUpdatedDateTime',
			'chatType',
			'webUrl',
			'tenantId',
			'isHiddenForAllMembers',
		];
		const select = parseSelect(ctx, properties, 'chat');
		let chats = this.teams.store.chatsOf(ctx.tenant.id, userId);
		const filter = ctx.req.query.get('$filter');
		if (filter !== null) {
			const known = (name: string) =>
				properties.some((p) => p.toLowerCase() === name.toLowerCase());
			const predicate = compileFilter(filter, known);
			chats = chats.filter((c) => predicate(this.teams.chatJson(c)));
		}
		const orderby = ctx.req.query.get('$orderby');
		if (orderby !== null) {
			if (!/^\s*lastMessagePreview\/createdDateTime\s+desc\s*$/i.test(orderby))
				throw bad(
					`Invalid $orderby '${orderby}': only lastMessagePreview/createdDateTime desc is supported.`,
				); // assumed
			const last = (c: StoredChat) => ms(this.lastMessagePreview(c)?.createdDateTime) || 0;
			chats = [...chats].sort((a, b) => last(b) - last(a));
		}
		const token = ctx.req.query.get('$skiptoken');
		const offset = token ? Number(decodeToken<{ o: number }>(token).o) || 0 : 0;
		const page = chats.slice(offset, offset + top);
		const context = expand.has('members') ? 'chats(members())' : 'chats';
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#${context}`,
			'@odata.count': page.length,
		};
		if (offset + top < chats.length) {
			const params: Record<string, string | undefined> = {};
			for (const [k, v] of ctx.req.query) params[k] = v;
			params.$skiptoken = encodeToken({ o: offset + top });
			body['@odata.nextLink'] = linkTo(ctx, params);
		}
		body.value = page.map((chat) => {
			const json = pick(this.teams.chatJson(chat), select);
			if (expand.has('members')) json.members = this.chatMembers(chat, ctx.tenant).slice(0, 25);
			if (expand.has('lastmessagepreview')) json.lastMessagePreview = this.lastMessagePreview(chat);
			return json;
		});
		return { status: 200, body, contractType: 'Collection(chat)' };
	}

	/**
	 * chatmessage-delta.md:
	 * - reply chains (root messages, "without the replies" unless `$expand=replies`) "created or
	 *   changed"; a chain changes when its root or one of its replies does;
	 * - `$top` ("The upper limit is 50"; default page size assumed 20), `$skip`, `$expand=replies`,
	 *   `$filter` ("The only property that supports filtering is lastModifiedDateTime, and only
	 *   the gt operator is supported"); query options only on the first request: the nextLink
	 *   and deltaLink carry only `$skiptoken` / `$deltatoken`, as the examples show;
	 * - "Delta will only return messages within the last eight months" (measured on the chain's
	 *   last change: assumed);
	 * - pages oldest first (the examples), each item with "@odata.type"; the last page has a
	 *   `@odata.deltaLink` that returns "messages changed or posted after acquiring" it.
	 */
	private delta(ctx: GraphContext): EmuResponse {
		const channel = this.teams.channelOf(ctx);
		this.requireProtectedApiAccess(ctx);
		interface DeltaState {
			/** Changes after this sequence (undefined: the initial round). */
			f?: number;
			/** The round's upper bound (changes after it belong to the next round). */
			b: number;
			t: number;
			e: boolean;
			/** lastModifiedDateTime gt (ms). */
			m?: number;
			/** Cursor: the previous page's last key. */
			k?: Key;
			/** $skip left to apply (initial request only). */
			s?: number;
		}
		const skiptoken = ctx.req.query.get('$skiptoken');
		const deltatoken = ctx.req.query.get('$deltatoken');
		let state: DeltaState;
		if (skiptoken) {
			state = decodeToken<DeltaState>(skiptoken);
		} else if (deltatoken) {
			const saved = decodeToken<{ f: number; t: number; e: boolean }>(deltatoken);
			state = { f: saved.f, b: this.teams.store.changeSeq, t: saved.t, e: saved.e };
		} else {
			onlyOptions(ctx, ['$top', '$skip', '$filter', '$expand']);
			const top = teamsTop(ctx, 20, 50);
			const expand = expandReplies(ctx);
			const skipRaw = ctx.req.query.get('$skip');
			const skip = skipRaw === null ? 0 : Number(skipRaw);
			if (!Number.isInteger(skip) || skip < 0) throw bad(`Invalid $skip '${skipRaw}'.`); // assumed
			let since: number | undefined;
			const filter = ctx.req.query.get('$filter');
			if (filter !== null) {
				const clauses = dateClauses(filter);
				if (
					clauses.length !== 1 ||
					clauses[0].prop.toLowerCase() !== 'lastmodifieddatetime' ||
					clauses[0].op !== 'gt'
				)
					throw bad(
						`Invalid filter '${filter}': only 'lastModifiedDateTime gt {dateTime}' is supported.`,
					); // assumed text
				since = clauses[0].at;
			}
			state = { b: this.teams.store.changeSeq, t: top, e: expand, m: since, s: skip };
		}
		const eightMonthsAgo = new Date();
		eightMonthsAgo.setUTCMonth(eightMonthsAgo.getUTCMonth() - 8);
		const chainModified = (m: StoredMessage) =>
			Math.max(
				ms(m.json.lastModifiedDateTime),
				...m.replies.map((r) => ms(r.lastModifiedDateTime)),
			);
		const inRound = channel.messages.filter((m) => {
			if (m.changeSeq > state.b) return false;
			if (state.f !== undefined) return m.changeSeq > state.f;
			const modified = chainModified(m);
			if (modified < eightMonthsAgo.getTime()) return false;
			return state.m === undefined || modified > state.m;
		});
		const sorted = [...inRound].sort((a, b) => compareKeys(keyOf(a.json), keyOf(b.json)));
		let start = state.k ? sorted.findIndex((m) => compareKeys(keyOf(m.json), state.k!) > 0) : 0;
		if (start < 0) start = sorted.length;
		start += state.s ?? 0;
		const page = sorted.slice(start, start + state.t);
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#Collection(chatMessage)`,
		};
		if (start + state.t < sorted.length) {
			const next: DeltaState = { ...state, k: keyOf(page[page.length - 1].json), s: 0 };
			body['@odata.nextLink'] = linkTo(ctx, { $skiptoken: encodeToken(next) });
		} else {
			body['@odata.deltaLink'] = linkTo(ctx, {
				$deltatoken: encodeToken({ f: state.b, t: state.t, e: state.e }),
			});
		}
		body.value = page.map((m) => ({
			'@odata.type': '#microsoft.graph.chatMessage',
			...(state.e ? this.withReplies(ctx, channel, m) : m.json),
		}));
		return { status: 200, body, contractType: 'Collection(chatMessage)' };
	}

	// Export (metered) ------------------------------------------------------------------------------

	/**
	 * The `model` query parameter and billing state (teams-licenses.md): A or B need billing set up
	 * for the app (402 otherwise), A also licences in the tenant (402); none is evaluation mode
	 * (402 once the month's quota is used). Returns the function that charges a page.
	 */
	private meter(ctx: GraphContext): (returned: number) => void {
		const model = ctx.req.query.get('model');
		const appId = ctx.auth.appId.toLowerCase();
		if (model !== null) {
			if (model !== 'A' && model !== 'B')
				throw bad(`Query parameter 'model' does not support value '${model}'. Use 'A' or 'B'.`); // assumed
			if (!this.metered.billing.has(appId)) throw paymentRequired(BILLING_MESSAGE);
			if (model === 'A' && !this.metered.licensedTenants.has(ctx.tenant.id))
				throw paymentRequired(LICENSE_MESSAGE);
			return () => undefined;
		}
		const month = new Date().toISOString().slice(0, 7);
		const key = `${appId}|${ctx.tenant.id}|${month}`;
		const used = this.metered.evaluationUsed.get(key) ?? 0;
		// "API calls ... used in evaluation mode in excess of the evaluation quota will fail." A
		// page that crosses the quota is still served (assumed).
		if (used >= this.metered.evaluationQuota) throw paymentRequired(EVALUATION_MESSAGE);
		// "Requests that return an empty list are charged as one message."
		return (returned) => this.metered.evaluationUsed.set(key, used + Math.max(1, returned));
	}

	/**
	 * channel-getallmessages.md / chats-getallmessages.md: application permissions only;
	 * `$top` (maximum not given: 50 assumed, default 20 assumed) and `$filter` "with dateTime range
	 * query on lastModifiedDateTime" (gt / lt joined by and); "The other OData query parameters
	 * aren't currently supported." Oldest first (the examples), replies included.
	 */
	private exportPage(ctx: GraphContext, messages: Record<string, unknown>[]): EmuResponse {
		onlyOptions(ctx, ['$top', '$filter', '$skiptoken']);
		const charge = this.meter(ctx);
		const top = teamsTop(ctx, 20, 50);
		const filter = ctx.req.query.get('$filter');
		let list = messages;
		if (filter !== null) {
			const clauses = dateClauses(filter);
			for (const c of clauses)
				if (c.prop.toLowerCase() !== 'lastmodifieddatetime' || (c.op !== 'gt' && c.op !== 'lt'))
					throw bad(
						`Invalid filter '${filter}': only a lastModifiedDateTime range (gt, lt) is supported.`,
					); // assumed
			list = list.filter((m) => matchesClauses(ms(m.lastModifiedDateTime), clauses));
		}
		const token = ctx.req.query.get('$skiptoken');
		const after = token ? decodeToken<{ k: Key }>(token).k : undefined;
		const { page, more } = pageAfter(list, (m) => keyOf(m), false, after, top);
		charge(page.length);
		const body: Record<string, unknown> = {
			'@odata.context': `${ctx.root}/$metadata#Collection(chatMessage)`,
			'@odata.count': page.length,
		};
		if (more)
			body['@odata.nextLink'] = linkTo(ctx, {
				model: ctx.req.query.get('model') ?? undefined,
				$top: ctx.req.query.get('$top') ?? undefined,
				$filter: filter ?? undefined,
				$skiptoken: encodeToken({ k: keyOf(page[page.length - 1]) }),
			});
		body.value = page.map((m) => ({ '@odata.type': '#microsoft.graph.chatMessage', ...m }));
		return { status: 200, body, contractType: 'Collection(chatMessage)' };
	}

	private channelsGetAllMessages(ctx: GraphContext): EmuResponse {
		const team = this.teams.team(ctx);
		this.requireProtectedApiAccess(ctx);
		// "returns all the messages in all the public and private channels"
		const all = team.channels.flatMap((c) => c.messages.flatMap((m) => [m.json, ...m.replies]));
		return this.exportPage(ctx, all);
	}

	private chatsGetAllMessages(ctx: GraphContext): EmuResponse {
		const user = ctx.tenant.findUser(ctx.params.user);
		if (!user) throw notFound(`User '${ctx.params.user}'`);
		this.requireProtectedApiAccess(ctx);
		// "Get all messages from all chats that a user is a participant in"
		const all = this.teams.store.chatsOf(ctx.tenant.id, user.id).flatMap((c) => c.messages);
		return this.exportPage(ctx, all);
	}

	/** Resets billing, licences, evaluation use and protected-API revocations. */
	resetState(): void {
		this.metered.billing.clear();
		this.metered.licensedTenants.clear();
		this.metered.evaluationUsed.clear();
		this.metered.evaluationQuota = EVALUATION_QUOTA;
		this.protectedApiRevoked.clear();
	}

	// Seeding (admin API `POST /_emulator/teams/messages/seed`) -------------------------------------

	/**
	 * Stores channel messages (with replies and mentions), chats (with members) and chat messages
	 * in bulk, with explicit times and senders; no posting limits, no change notifications. The
	 * messages have the same chatMessage shape as posted ones.
	 */
	seed(input: TeamsSeed): TeamsSeedResult {
		const tenant = input.tenant
			? this.emu.directory.findTenant(input.tenant)
			: this.emu.directory.home;
		if (!tenant) throw new Error(`no tenant ${input.tenant}`);
		const store = this.teams.store;
		const result: TeamsSeedResult = { channels: [], chats: [] };
		for (const entry of input.channels ?? []) {
			const team = store
				.teamsOf(tenant.id)
				.find(
					(t) =>
						t.id === entry.team.toLowerCase() ||
						t.displayName.toLowerCase() === entry.team.toLowerCase(),
				);
			if (!team) throw new Error(`no team ${entry.team}`);
			const channel = team.channels.find(
				(c) =>
					c.id.toLowerCase() === entry.channel.toLowerCase() ||
					c.displayName.toLowerCase() === entry.channel.toLowerCase(),
			);
			if (!channel) throw new Error(`no channel ${entry.channel} in ${team.displayName}`);
			const members = channel.memberIds ?? store.memberIds(team);
			const out = {
				teamId: team.id,
				channelId: channel.id,
				messages: [] as { id: string; replies: string[] }[],
			};
			for (const message of [...(entry.messages ?? []), ...generated(entry.generate, members)]) {
				const json = this.seedJson(tenant, message, { kind: 'channel', channel }, members);
				const stored = store.addRootMessage(channel, json);
				const replies: string[] = [];
				for (const reply of message.replies ?? []) {
					const replyJson = this.seedJson(
						tenant,
						reply,
						{ kind: 'channel', channel, replyTo: String(json.id) },
						members,
					);
					store.addReply(stored, replyJson);
					replies.push(String(replyJson.id));
				}
				out.messages.push({ id: String(json.id), replies });
			}
			result.channels.push(out);
		}
		for (const entry of input.chats ?? []) {
			let chat = entry.id ? store.findChat(tenant.id, entry.id) : undefined;
			if (!chat) {
				const ids = (entry.members ?? []).map((m) => {
					const user = tenant.findUser(m);
					if (!user) throw new Error(`no user ${m}`);
					return user.id;
				});
				if (ids.length < 2) throw new Error('a chat needs at least two members');
				const chatType = entry.chatType ?? (ids.length === 2 ? 'oneOnOne' : 'group');
				const created = entry.createdDateTime ?? new Date().toISOString();
				chat = {
					id:
						entry.id ??
						(chatType === 'oneOnOne'
							? `19:${[...ids].sort().join('_')}@unq.gbl.spaces`
							: threadId(randomUUID(), 'thread.v2')),
					tenantId: tenant.id,
					chatType,
					topic: chatType === 'group' ? (entry.topic ?? null) : null,
					createdDateTime: created,
					lastUpdatedDateTime: created,
					memberIds: ids,
					messages: [],
				};
				const existing = store.findChat(tenant.id, chat.id);
				if (existing) chat = existing;
				else store.chats.push(chat);
			}
			const ids: string[] = [];
			for (const message of [
				...(entry.messages ?? []),
				...generated(entry.generate, chat.memberIds),
			]) {
				const json = this.seedJson(tenant, message, { kind: 'chat', chat }, chat.memberIds);
				chat.messages.push(json);
				if (String(json.createdDateTime) > chat.lastUpdatedDateTime)
					chat.lastUpdatedDateTime = String(json.createdDateTime);
				ids.push(String(json.id));
			}
			result.chats.push({ id: chat.id, memberIds: chat.memberIds, messageIds: ids });
		}
		return result;
	}

	/** A chatMessage (CSDL shape, as graph/teams.ts stores a posted one) from a seed entry. */
	private seedJson(
		tenant: Tenant,
		input: SeedMessage,
		container:
			| { kind: 'channel'; channel: StoredChannel; replyTo?: string }
			| { kind: 'chat'; chat: StoredChat },
		members: string[],
	): Record<string, unknown> {
		const created = input.createdDateTime ? Date.parse(input.createdDateTime) : Date.now();
		if (Number.isNaN(created)) throw new Error(`bad createdDateTime ${input.createdDateTime}`);
		const id = input.id ?? this.teams.store.messageIdAt(created);
		const createdIso = new Date(created).toISOString();
		const sender = tenant.findUser(input.from ?? members[0] ?? '');
		if (!sender) throw new Error(`no sender ${input.from ?? '(no members)'}`);
		const body =
			typeof input.body === 'string' || input.body === undefined
				? { contentType: 'text', content: input.body ?? `Message ${id}` }
				: { contentType: input.body.contentType ?? 'text', content: input.body.content };
		const mentions = (input.mentions ?? []).map((m, i) => {
			const user = tenant.findUser(m.user);
			if (!user) throw new Error(`no mentioned user ${m.user}`);
			const text = m.text ?? user.displayName;
			if (!new RegExp(`<at\\s+id\\s*=\\s*["']?${i}["']?\\s*>`, 'i').test(body.content)) {
				body.content = `${body.content} <at id="${i}">${text}</at>`;
			}
			body.contentType = 'html';
			return {
				id: i,
				mentionText: text,
				mentioned: {
					application: null,
					device: null,
					conversation: null,
					user: {
						'@odata.type': '#microsoft.graph.teamworkUserIdentity',
						id: user.id,
						displayName: user.displayName,
						userIdentityType: 'aadUser',
					},
				},
			};
		});
		const channel = container.kind === 'channel' ? container.channel : undefined;
		const replyTo = container.kind === 'channel' ? container.replyTo : undefined;
		return {
			id,
			replyToId: replyTo ?? null,
			etag: id,
			messageType: 'message',
			createdDateTime: createdIso,
			lastModifiedDateTime: input.lastModifiedDateTime
				? new Date(input.lastModifiedDateTime).toISOString()
				: createdIso,
			lastEditedDateTime: input.lastEditedDateTime ?? null,
			deletedDateTime: null,
			subject: channel && !replyTo ? (input.subject ?? null) : null,
			summary: input.summary ?? null,
			chatId: container.kind === 'chat' ? container.chat.id : null,
			importance: input.importance ?? 'normal',
			locale: 'en-us',
			webUrl: channel
				? `https://teams.microsoft.com/l/message/${encodeURIComponent(channel.id)}/${id}?groupId=${channel.team.id}&tenantId=${channel.team.tenantId}&createdTime=${id}&parentMessageId=${replyTo ?? id}`
				: null,
			policyViolation: null,
			eventDetail: null,
			from: {
				application: null,
				device: null,
				user: {
					'@odata.type': '#microsoft.graph.teamworkUserIdentity',
					id: sender.id,
					displayName: sender.displayName,
					userIdentityType: 'aadUser',
					tenantId: tenant.id,
				},
			},
			body,
			channelIdentity: channel ? { teamId: channel.team.id, channelId: channel.id } : null,
			attachments: [],
			mentions,
			reactions: [],
			messageHistory: [],
		};
	}
}

/** A message to seed (`POST /_emulator/teams/messages/seed`). */
export interface SeedMessage {
	/** Default: the creation time in milliseconds (the next free one). */
	id?: string;
	/** Sender (UPN or ID); default: the first member of the team or chat. */
	from?: string;
	/** Text, or `{ contentType: 'text' | 'html', content }`; default "Message {id}". */
	body?: string | { contentType?: string; content: string };
	subject?: string;
	summary?: string;
	importance?: 'normal' | 'high' | 'urgent';
	/** ISO date-time; default now. */
	createdDateTime?: string;
	/** Default: createdDateTime. */
	lastModifiedDateTime?: string;
	lastEditedDateTime?: string;
	/** Users mentioned (UPN or ID); `<at id="n">text</at>` is appended to the body when missing. */
	mentions?: { user: string; text?: string }[];
	/** Channel messages only. */
	replies?: SeedMessage[];
}

/** Generated messages: `count` of them, `intervalSeconds` apart (default 60), ending now. */
export interface SeedGenerate {
	count: number;
	repliesPerMessage?: number;
	/** Senders (UPN or ID), used in turn; default the members in turn. */
	from?: string | string[];
	/** First message's creation time; default `count × interval` before now. */
	startDateTime?: string;
	intervalSeconds?: number;
}

export interface TeamsSeed {
	/** Tenant ID or domain; default the home tenant. */
	tenant?: string;
	channels?: {
		/** Team ID or display name. */
		team: string;
		/** Channel ID or display name. */
		channel: string;
		messages?: SeedMessage[];
		generate?: SeedGenerate;
	}[];
	chats?: {
		/** An existing chat to add messages to, or the new chat's ID. */
		id?: string;
		/** Default: oneOnOne for two members, else group. */
		chatType?: 'oneOnOne' | 'group';
		topic?: string;
		/** UPNs or IDs (new chats). */
		members?: string[];
		createdDateTime?: string;
		messages?: SeedMessage[];
		generate?: SeedGenerate;
	}[];
}

export interface TeamsSeedResult {
	channels: { teamId: string; channelId: string; messages: { id: string; replies: string[] }[] }[];
	chats: { id: string; memberIds: string[]; messageIds: string[] }[];
}

function generated(spec: SeedGenerate | undefined, members: string[]): SeedMessage[] {
	if (!spec || !(spec.count > 0)) return [];
	const interval = (spec.intervalSeconds ?? 60) * 1000;
	const start = spec.startDateTime
		? Date.parse(spec.startDateTime)
		: Date.now() - spec.count * interval;
	const senders =
		spec.from === undefined ? members : Array.isArray(spec.from) ? spec.from : [spec.from];
	const out: SeedMessage[] = [];
	for (let i = 0; i < spec.count; i++) {
		const created = start + i * interval;
		const replies: SeedMessage[] = [];
		for (let j = 0; j < (spec.repliesPerMessage ?? 0); j++) {
			replies.push({
				from: senders[(i + j + 1) % senders.length],
				body: `Reply ${j + 1} to message ${i + 1}`,
				createdDateTime: new Date(created + (j + 1) * 1000).toISOString(),
			});
		}
		out.push({
			from: senders[i % senders.length],
			body: `Message ${i + 1}`,
			createdDateTime: new Date(created).toISOString(),
			replies,
		});
	}
	return out;
}

function entity(context: string, json: Record<string, unknown>): EmuResponse {
	return {
		status: 200,
		body: { '@odata.context': `${context}/$entity`, ...json },
		contractType: 'chatMessage',
	};
}

function pick(
	full: Record<string, unknown>,
	select: string[] | undefined,
): Record<string, unknown> {
	if (!select) return full;
	const out: Record<string, unknown> = {};
	if (full['@odata.type']) out['@odata.type'] = full['@odata.type'];
	for (const name of select) if (name in full) out[name] = full[name];
	return out;
}
