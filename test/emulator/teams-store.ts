/**
 * Teams, channels, chats and their messages for the emulator, plus the Teams Workflows webhooks
 * ("Post to a channel when a webhook request is received") and what they delivered.
 *
 * A team is a Microsoft 365 group of the tenant (its members are the group's direct user
 * members); each channel's files folder is a folder named after the channel in the default
 * library of the team's SharePoint site (created on first use, as Teams does).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Directory, Tenant, TeamFixture } from './tenant';

export interface StoredChannel {
	id: string;
	displayName: string;
	description: string | null;
	membershipType: 'standard' | 'private';
	createdDateTime: string;
	team: StoredTeam;
	/** Root messages, each with its replies. */
	messages: StoredMessage[];
	/** Private channels: their members' user IDs (standard channels: the team's members). */
	memberIds?: string[];
}

export interface StoredTeam {
	id: string;
	tenantId: string;
	displayName: string;
	description: string | null;
	visibility: 'private' | 'public';
	createdDateTime: string;
	/** `hostname:/path` of the team's SharePoint site. */
	site: string;
	channels: StoredChannel[];
	/** Group the team belongs to (members: its direct user members). */
	groupId: string;
	/** Members with the owner role (user IDs); the fixture's `owners`. */
	ownerIds: string[];
}

export interface StoredMessage {
	/** The chatMessage as Graph returns it. */
	json: Record<string, unknown>;
	replies: Record<string, unknown>[];
	/**
	 * The store's change sequence when the message or one of its replies last changed (channel
	 * message delta reports a reply chain as changed when either does).
	 */
	changeSeq: number;
}

export interface StoredChat {
	id: string;
	tenantId: string;
	chatType: 'oneOnOne' | 'group';
	topic: string | null;
	createdDateTime: string;
	lastUpdatedDateTime: string;
	memberIds: string[];
	messages: Record<string, unknown>[];
}

export interface StoredWebhook {
	id: string;
	sig: string;
	tenantId: string;
	teamId: string;
	channelId: string;
}

export interface WebhookDelivery {
	webhookId: string;
	receivedAt: string;
	contentType: string;
	/** The parsed JSON payload (undefined when it was not JSON). */
	payload: unknown;
	hasAuthorization: boolean;
	/** What the flow's "Post card in a chat or channel" step did. */
	run: { status: 'Succeeded' | 'Failed'; error?: string; messageIds: string[] };
}

/** Stable `19:<32 hex>@thread.tacv2` from a seed. */
export function threadId(seed: string, suffix = 'thread.tacv2'): string {
	return `19:${createHash('sha256').update(seed).digest('hex').slice(0, 32)}@${suffix}`;
}

export class TeamsStore {
	readonly teams: StoredTeam[] = [];
	readonly chats: StoredChat[] = [];
	readonly webhooks = new Map<string, StoredWebhook>();
	readonly deliveries: WebhookDelivery[] = [];
	/** Message IDs in use (IDs are creation times in milliseconds, kept unique). */
	private readonly messageIds = new Set<string>();
	/** Change sequence for channel message delta (see StoredMessage.changeSeq). */
	private seq = 0;

	constructor(private readonly directory: Directory) {
		for (const tenant of directory.tenants) {
			for (const team of tenant.teams) this.addTeam(tenant, team);
		}
	}

	tenant(id: string): Tenant {
		const tenant = this.directory.findTenant(id);
		if (!tenant) throw new Error(`no tenant ${id}`);
		return tenant;
	}

	/** Adds a team on an existing group (tests: `emu.teams.store.addTeam(...)`). */
	addTeam(tenant: Tenant, fixture: TeamFixture): StoredTeam {
		const group = tenant.findGroup(fixture.group);
		if (!group) throw new Error(`fixture: group ${fixture.group} of a team not found`);
		const team: StoredTeam = {
			id: group.id,
			tenantId: tenant.id,
			displayName: group.displayName,
			description: fixture.description ?? group.description ?? null,
			visibility: fixture.visibility ?? 'private',
			createdDateTime: fixture.createdDateTime ?? group.createdDateTime,
			site: fixture.site,
			channels: [],
			groupId: group.id,
			ownerIds: (fixture.owners ?? [])
				.map((o) => tenant.findUser(o)?.id)
				.filter((id): id is string => !!id),
		};
		const channels = fixture.channels ?? [];
		if (!channels.some((c) => c.displayName === 'General'))
			channels.unshift({ displayName: 'General' });
		for (const c of channels) {
			team.channels.push({
				id: c.id ?? threadId(`${team.id}/${c.displayName}`),
				displayName: c.displayName,
				description: c.description ?? null,
				membershipType: c.membershipType ?? 'standard',
				createdDateTime: team.createdDateTime,
				team,
				messages: [],
				memberIds: c.members?.map((m) => tenant.findUser(m)?.id).filter((id): id is string => !!id),
			});
		}
		this.teams.push(team);
		return team;
	}

	teamsOf(tenantId: string): StoredTeam[] {
		return this.teams.filter((t) => t.tenantId === tenantId);
	}

	findTeam(tenantId: string, id: string): StoredTeam | undefined {
		return this.teams.find((t) => t.tenantId === tenantId && t.id === id.toLowerCase());
	}

	findChannel(team: StoredTeam, id: string): StoredChannel | undefined {
		return team.channels.find((c) => c.id.toLowerCase() === id.toLowerCase());
	}

	/** A channel by team display name and channel name (tests). */
	channel(teamName: string, channelName: string): StoredChannel {
		const team = this.teams.find((t) => t.displayName === teamName);
		const channel = team?.channels.find((c) => c.displayName === channelName);
		if (!channel) throw new Error(`no channel ${teamName}/${channelName}`);
		return channel;
	}

	/** User IDs of the team's members (direct user members of its group). */
	memberIds(team: StoredTeam): string[] {
		const tenant = this.tenant(team.tenantId);
		const group = tenant.findGroup(team.groupId);
		return (group?.memberIds ?? []).filter((id) => tenant.findUser(id));
	}

	findChat(tenantId: string, id: string): StoredChat | undefined {
		return this.chats.find((c) => c.tenantId === tenantId && c.id === id);
	}

	chatsOf(tenantId: string, userId: string): StoredChat[] {
		return this.chats.filter((c) => c.tenantId === tenantId && c.memberIds.includes(userId));
	}

	/** Message IDs are the creation time in milliseconds, unique (as Teams'). */
	newMessageId(): string {
		return this.messageIdAt(Date.now());
	}

	/** A message ID for a message created at `ms` (the next free millisecond). */
	messageIdAt(ms: number): string {
		let t = Math.floor(ms);
		while (this.messageIds.has(String(t))) t++;
		this.messageIds.add(String(t));
		return String(t);
	}

	/** The current change sequence (a delta round's upper bound). */
	get changeSeq(): number {
		return this.seq;
	}

	/** Stores a new root message in a channel. */
	addRootMessage(channel: StoredChannel, json: Record<string, unknown>): StoredMessage {
		const message: StoredMessage = { json, replies: [], changeSeq: ++this.seq };
		channel.messages.push(message);
		return message;
	}

	/** Stores a reply; the reply chain counts as changed. */
	addReply(parent: StoredMessage, json: Record<string, unknown>): void {
		parent.replies.push(json);
		parent.changeSeq = ++this.seq;
	}

	/** Marks a reply chain changed (after its root or a reply was edited). */
	touch(message: StoredMessage): void {
		message.changeSeq = ++this.seq;
	}

	/** Registers a Workflows webhook that posts to a channel; returns its ID and signature. */
	addWebhook(tenantId: string, teamId: string, channelId: string): StoredWebhook {
		const hook: StoredWebhook = {
			id: randomBytes(16).toString('hex'),
			sig: randomBytes(32).toString('base64url'),
			tenantId,
			teamId,
			channelId,
		};
		this.webhooks.set(hook.id, hook);
		return hook;
	}
}
