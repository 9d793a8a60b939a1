/**
 * Team, channel and chat resource locators: read as `{ mode, value }` and checked here, so a bad
 * ID or a link that does not parse is refused (naming the field) before any request.
 *
 * Teams links ("Get link to channel" / "Get link to team"):
 *   https://teams.microsoft.com/l/channel/19%3a...%40thread.tacv2/General?groupId=<team>&tenantId=<tid>
 *   https://teams.microsoft.com/l/team/19%3a...%40thread.tacv2/conversations?groupId=<team>&tenantId=<tid>
 *   https://teams.microsoft.com/l/chat/19%3a...%40thread.v2/0?tenantId=<tid>
 * (also on teams.cloud.microsoft, teams.microsoft.us and the other clouds' hosts).
 */
import { NodeOperationError, type IExecuteFunctions, type INode } from 'n8n-workflow';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A channel's or chat's thread ID: `19:...@thread.tacv2`, `@thread.skype`, `@thread.v2`, `@unq.gbl.spaces`. */
const THREAD = /^19:[^/?#\s]+@(thread\.(tacv2|skype|v2)|unq\.gbl\.spaces)$/i;

export interface LocatorValue {
	mode?: string;
	value?: unknown;
}

export interface TeamsLink {
	kind: 'channel' | 'team' | 'chat';
	/** The decoded thread ID in the link's path. */
	thread: string;
	/** The team's ID (`groupId`), when the link has one. */
	groupId?: string;
}

/** Parses a Teams link; undefined when it is not one. */
export function parseTeamsLink(text: string): TeamsLink | undefined {
	let url: URL;
	try {
		url = new URL(text.trim());
	} catch {
		return undefined;
	}
	if (url.protocol !== 'https:') return undefined;
	const match = /^\/l\/(channel|team|chat)\/([^/]+)(?:\/|$)/i.exec(url.pathname);
	if (!match) return undefined;
	let thread: string;
	try {
		thread = decodeURIComponent(match[2]);
	} catch {
		return undefined;
	}
	if (!THREAD.test(thread)) return undefined;
	const groupId = url.searchParams.get('groupId') ?? undefined;
	return {
		kind: match[1].toLowerCase() as TeamsLink['kind'],
		thread,
		groupId: groupId && GUID.test(groupId) ? groupId.toLowerCase() : undefined,
	};
}

function fail(node: INode, itemIndex: number, message: string, description: string): never {
	throw new NodeOperationError(node, message, { itemIndex, description });
}

interface LocatorSpec {
	/** Field name as shown (Team, Channel, Chat). */
	field: string;
	/** What a link must be and where to get it. */
	linkHelp: string;
	/** The ID's value from a parsed link, or undefined when the link does not fit. */
	fromLink: (link: TeamsLink | undefined) => string | undefined;
	isId: (value: string) => boolean;
	idHelp: string;
}

/** Reads a resource locator and checks it by `spec`: an empty value, a link that does not parse, or a malformed ID fails the item. */
function readLocator(ctx: IExecuteFunctions, name: string, itemIndex: number, spec: LocatorSpec) {
	const raw = ctx.getNodeParameter(name, itemIndex, undefined, { extractValue: false }) as
		LocatorValue | string | undefined;
	const mode = typeof raw === 'string' ? 'id' : (raw?.mode ?? 'id');
	const value = (typeof raw === 'string' ? raw : String(raw?.value ?? '')).trim();
	const node = ctx.getNode();
	const what = spec.field.toLowerCase();
	if (!value)
		fail(
			node,
			itemIndex,
			`${spec.field} is empty`,
			`Choose a ${what} from the list, paste its link or enter its ID.`,
		);
	if (mode === 'url') {
		const link = parseTeamsLink(value);
		const id = spec.fromLink(link);
		if (!id)
			fail(
				node,
				itemIndex,
				`${spec.field}: "${value}" is not ${spec.linkHelp}`,
				`Paste ${spec.linkHelp}, or choose "By ID". ${spec.idHelp}`,
			);
		return { id, link };
	}
	if (!spec.isId(value))
		fail(
			node,
			itemIndex,
			`${spec.field}: "${value}" is not a ${what} ID`,
			`${spec.idHelp} Choose the ${what} from the list or paste its link.`,
		);
	return { id: value, link: undefined };
}

const TEAM: LocatorSpec = {
	field: 'Team',
	linkHelp: 'a Teams link with a team ID',
	fromLink: (link) => link?.groupId,
	isId: (value) => GUID.test(value),
	idHelp:
		'A team\'s ID is the ID of its Microsoft 365 group (a GUID, the groupId=... in a team link, from the team\'s or a channel\'s "..." menu → "Get link to team").',
};

const CHANNEL: LocatorSpec = {
	field: 'Channel',
	linkHelp: 'a Teams channel link',
	fromLink: (link) => (link?.kind === 'channel' ? link.thread : undefined),
	isId: (value) => THREAD.test(value),
	idHelp:
		'A channel ID looks like 19:...@thread.tacv2; a channel link comes from the channel\'s "..." menu → "Get link to channel" (https://teams.microsoft.com/l/channel/19%3a...%40thread.tacv2/...?groupId=...).',
};

const CHAT: LocatorSpec = {
	field: 'Chat',
	linkHelp: 'a Teams chat link',
	fromLink: (link) => (link?.kind === 'chat' ? link.thread : undefined),
	isId: (value) => THREAD.test(value),
	idHelp:
		'A chat ID looks like 19:...@thread.v2 or 19:..._...@unq.gbl.spaces; a chat link like https://teams.microsoft.com/l/chat/19%3a...%40thread.v2/0.',
};

/** The team's ID from the Team locator (list, link of the team or of one of its channels, or ID). */
export function teamIdFrom(ctx: IExecuteFunctions, itemIndex: number, name = 'team'): string {
	return readLocator(ctx, name, itemIndex, TEAM).id.toLowerCase();
}

/** The channel's ID from the Channel locator; a channel link must belong to `teamId`. */
export function channelIdFrom(
	ctx: IExecuteFunctions,
	itemIndex: number,
	teamId: string,
	name = 'channel',
): string {
	const { id, link } = readLocator(ctx, name, itemIndex, CHANNEL);
	if (link?.groupId && link.groupId !== teamId)
		fail(
			ctx.getNode(),
			itemIndex,
			'Channel: the link is for a channel of another team',
			`The channel link has groupId=${link.groupId}, but Team is ${teamId}. Choose the team the channel belongs to.`,
		);
	return id;
}

/** The chat's ID from the Chat locator (list, link or ID). */
export function chatIdFrom(ctx: IExecuteFunctions, itemIndex: number, name = 'chat'): string {
	return readLocator(ctx, name, itemIndex, CHAT).id;
}

/** Path segment for a thread ID (`19:...@thread.tacv2`). */
export function segment(id: string): string {
	return encodeURIComponent(id);
}
