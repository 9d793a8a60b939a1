/**
 * Pacing of Teams posts to Microsoft's documented limits, so that posts are not sent only to be
 * answered 429. A request that posts a channel message, a reply or a chat message declares a
 * `pace` target (`channelPace`, `chatPace`); the transport asks the process-wide pacer for a slot
 * before it sends, and hands the slot back when the answer (after any retries) is in. Pacing is
 * not retrying: a 429 that still comes back is the retry layer's (retry.ts, Retry-After).
 *
 * The limits, from "Microsoft Teams service limits" on
 * https://learn.microsoft.com/en-us/graph/throttling-limits (read in Microsoft's docs source,
 * microsoftgraph/microsoft-graph-docs-contrib, concepts/throttling-limits.md; the live page was
 * not reachable from where this was written):
 *
 * - "A maximum of 4 requests per second per app can be issued on a given team or channel."
 *   Paced per app and channel: posts to one channel are spaced 250 ms apart, and the fifth post
 *   leaves no sooner than 1 s after the answer to the first came back (so, whatever the latency,
 *   no 1-second window at Microsoft's end holds five of them).
 * - "A maximum of 3000 messages per app per day can be sent to a given channel (except when
 *   using migration mode)." The pacer counts the posts this process made to the channel in the
 *   last 24 hours and refuses the one that would exceed the cap, before any request. Posts made
 *   by other n8n processes (queue-mode workers, another instance) or other programs with the
 *   same app count at Microsoft's end too, and this counter does not see them: Microsoft's 429
 *   then says so (its Retry-After is hours, longer than the retry layer waits).
 * - Per app per tenant: "POST channel message" 50 rps, "POST 1:1/group chat message" 20 rps
 *   (500 and 200 per app across all tenants). Paced per app over all its channels (chats).
 * - Chats: the page gives no per-chat limit beside the tenant-wide one; a chat is paced like a
 *   channel (4 a second), without a daily cap. Reported later revisions of the page add "one
 *   request per second per user when posting a message in a given chat or channel"; it could not
 *   be checked here, and is not applied: if Graph enforces it, the retry layer waits out its
 *   429s, and `perConversationPerSecond` can be lowered.
 *
 * Posts to one conversation leave one at a time, in the order they asked (first come, first
 * served), across all executions of the process; different conversations are independent.
 *
 * The clock is injectable (`PacingClock`): tests drive a simulated clock and nothing sleeps.
 */

/** What a posting request declares: the conversation it posts to. */
export interface PaceTarget {
	conversation: 'channel' | 'chat';
	/** The conversation's identity: `{teamId}/{channelId}` or the chat ID (case as Graph gives it). */
	id: string;
}

/** Paces a channel message or reply (the channel's own budget and its daily cap). */
export function channelPace(teamId: string, channelId: string): PaceTarget {
	return { conversation: 'channel', id: `${teamId.toLowerCase()}/${channelId}` };
}

/** Paces a chat message. */
export function chatPace(chatId: string): PaceTarget {
	return { conversation: 'chat', id: chatId };
}

export interface PacingLimits {
	/** Posts per second per app on one channel or chat (Teams: 4). */
	perConversationPerSecond: number;
	/** Posts per app per channel in 24 hours (Teams: 3000); chats have no documented cap. */
	perChannelPerDay: number;
	/** Posts per second per app over all channels / all chats of the tenant (Teams: 50 / 20). */
	perAppPerSecond: { channel: number; chat: number };
}

export const TEAMS_POSTING_LIMITS: Readonly<PacingLimits> = Object.freeze({
	perConversationPerSecond: 4,
	perChannelPerDay: 3000,
	perAppPerSecond: Object.freeze({ channel: 50, chat: 20 }),
});

/** Time as the pacer sees it: `now()` in ms, and a wait until an instant of that clock. */
export interface PacingClock {
	now(): number;
	sleepUntil(at: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: PacingClock = {
	now: () => Date.now(),
	sleepUntil: (at, signal) =>
		new Promise<void>((resolve, reject) => {
			if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
			const timer = setTimeout(
				() => {
					signal?.removeEventListener('abort', onAbort);
					resolve();
				},
				Math.max(0, at - Date.now()),
			);
			const onAbort = () => {
				clearTimeout(timer);
				reject(signal?.reason ?? new Error('aborted'));
			};
			signal?.addEventListener('abort', onAbort, { once: true });
		}),
};

const SECOND = 1000;
const DAY = 24 * 3600 * SECOND;

/** The post would exceed the daily cap of its channel: refused before any request. */
export class DailyCapError extends Error {
	constructor(
		readonly cap: number,
		readonly sent: number,
		/** When (pacer clock, ms) the oldest counted post leaves the 24-hour window. */
		readonly freesAt: number,
		readonly now: number,
	) {
		const hours = Math.max(1, Math.ceil((freesAt - now) / 3600_000));
		super(
			`Not posted: this would be post ${sent + 1} to the channel in 24 hours, over Teams' limit of ${cap} messages per app per channel per day`,
		);
		this.name = 'DailyCapError';
		this.description = `Microsoft Teams takes at most ${cap} messages a day from one app in one channel, and answers any further post with an error for hours. This n8n process has posted ${sent} messages to this channel with this credential's app in the last 24 hours, so nothing was sent. The next post fits in about ${hours} h. The count is kept per n8n process: posts by other workers or instances, other workflows running elsewhere, or other programs using the same app count at Microsoft's end too, and are not in it. Post to another channel, or spread the posts over days.`;
	}

	readonly description: string;
}

/** A granted slot: `finish` when the answer is in (counted: the post reached Teams, not 429). */
export interface PaceTicket {
	finish(counted: boolean): void;
}

interface Lane {
	/** The end of the queue: the next post waits for it (posts leave one at a time, in order). */
	tail: Promise<void>;
	/** Queued and in-flight posts (the lane is dropped when none and nothing counted). */
	users: number;
	lastSend: number;
	/** Answer times of the last `perConversationPerSecond` posts. */
	answers: number[];
	/** Send times of counted posts in the last 24 hours (channels only). */
	day: number[];
}

export class PostPacer {
	clock: PacingClock;
	limits: PacingLimits;
	/** Posts sent / in flight / refused by the daily cap, and time spent waiting for a slot (ms). */
	readonly stats = { sent: 0, inFlight: 0, refusedDaily: 0, waitedMs: 0 };
	private readonly lanes = new Map<string, Lane>();
	private readonly appWindows = new Map<string, number[]>();

	constructor(options: { clock?: PacingClock; limits?: Partial<PacingLimits> } = {}) {
		this.clock = options.clock ?? realClock;
		this.limits = { ...TEAMS_POSTING_LIMITS, ...(options.limits ?? {}) };
	}

	/** Forgets every lane and count (tests). */
	reset(): void {
		this.lanes.clear();
		this.appWindows.clear();
		Object.assign(this.stats, { sent: 0, inFlight: 0, refusedDaily: 0, waitedMs: 0 });
	}

	/** Posts this process counted to the conversation in the last 24 hours. */
	sentToday(app: string, target: PaceTarget): number {
		const lane = this.lanes.get(laneKey(app, target));
		const now = this.clock.now();
		return lane ? lane.day.filter((t) => t > now - DAY).length : 0;
	}

	/**
	 * Waits for the conversation's turn and slot, then grants it. Throws DailyCapError (nothing
	 * sent) when the channel's daily cap is reached, or the signal's reason when cancelled.
	 */
	async admit(app: string, target: PaceTarget, signal?: AbortSignal): Promise<PaceTicket> {
		const key = laneKey(app, target);
		if (this.lanes.size > 1000) this.prune();
		let lane = this.lanes.get(key);
		if (!lane) {
			lane = { tail: Promise.resolve(), users: 0, lastSend: -Infinity, answers: [], day: [] };
			this.lanes.set(key, lane);
		}
		const owned = lane;
		owned.users += 1;
		const previous = owned.tail;
		let release!: () => void;
		owned.tail = new Promise<void>((resolve) => (release = resolve));
		const leave = () => {
			owned.users -= 1;
			release();
		};
		let granted: number | undefined;
		try {
			await previous;
			granted = await this.slot(owned, app, target, signal);
		} finally {
			// Refused or cancelled: the next post in the queue may go.
			if (granted === undefined) leave();
		}
		const sentAt = granted;
		owned.lastSend = sentAt;
		if (target.conversation === 'channel') owned.day.push(sentAt);
		this.stats.sent += 1;
		this.stats.inFlight += 1;
		let finished = false;
		return {
			finish: (counted: boolean) => {
				if (finished) return;
				finished = true;
				this.stats.inFlight -= 1;
				owned.answers.push(this.clock.now());
				while (owned.answers.length > this.limits.perConversationPerSecond) owned.answers.shift();
				if (!counted && target.conversation === 'channel') {
					const at = owned.day.lastIndexOf(sentAt);
					if (at >= 0) owned.day.splice(at, 1);
				}
				leave();
			},
		};
	}

	/** Drops idle lanes whose pacing and daily count no longer matter. */
	private prune(): void {
		const now = this.clock.now();
		for (const [key, lane] of this.lanes) {
			const last = lane.answers[lane.answers.length - 1] ?? lane.lastSend;
			if (lane.users === 0 && last <= now - SECOND && lane.day.every((t) => t <= now - DAY))
				this.lanes.delete(key);
		}
	}

	/** Waits until the post may leave; returns the send time. */
	private async slot(
		lane: Lane,
		app: string,
		target: PaceTarget,
		signal?: AbortSignal,
	): Promise<number> {
		const { perConversationPerSecond: perSecond, perChannelPerDay: perDay } = this.limits;
		const appKey = `${app}\u0000${target.conversation}`;
		const appLimit = this.limits.perAppPerSecond[target.conversation];
		const started = this.clock.now();
		for (;;) {
			signal?.throwIfAborted();
			const now = this.clock.now();
			if (target.conversation === 'channel') {
				while (lane.day.length && lane.day[0] <= now - DAY) lane.day.shift();
				if (lane.day.length >= perDay) {
					this.stats.refusedDaily += 1;
					throw new DailyCapError(perDay, lane.day.length, lane.day[0] + DAY, now);
				}
			}
			const window = this.appWindows.get(appKey) ?? [];
			while (window.length && window[0] <= now - SECOND) window.shift();
			let at = lane.lastSend + SECOND / perSecond;
			if (lane.answers.length >= perSecond)
				at = Math.max(at, lane.answers[lane.answers.length - perSecond] + SECOND);
			if (window.length >= appLimit) at = Math.max(at, window[window.length - appLimit] + SECOND);
			if (at <= now) {
				window.push(now);
				this.appWindows.set(appKey, window);
				this.stats.waitedMs += now - started;
				return now;
			}
			await this.clock.sleepUntil(at, signal);
		}
	}
}

function laneKey(app: string, target: PaceTarget): string {
	return `${app}\u0000${target.conversation}\u0000${target.id}`;
}

let shared: PostPacer | undefined;

/** The process-wide pacer every transport uses (one per n8n process). */
export function postPacer(): PostPacer {
	shared ??= new PostPacer();
	return shared;
}

/**
 * Sets the process-wide pacer's clock and limits (tests: a simulated clock, a lower daily cap).
 * `reset` also forgets every lane and count.
 */
export function configurePacing(
	options: { clock?: PacingClock; limits?: Partial<PacingLimits>; reset?: boolean } = {},
): PostPacer {
	const pacer = postPacer();
	if (options.clock) pacer.clock = options.clock;
	if (options.limits) pacer.limits = { ...pacer.limits, ...options.limits };
	if (options.reset) pacer.reset();
	return pacer;
}
