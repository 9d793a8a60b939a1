/**
 * Bulk sending through `$batch`, within Exchange's limits:
 * - `$batch` requests of at most 20 `sendMail` members and at most ~3.9 MB (Graph's 4 MB request
 *   limit applies to the envelope);
 * - each batch runs its members one after another (Graph's "same" `dependsOn` pattern, which it
 *   documents as running sequentially), and at most 4 batches per mailbox are in flight, so
 *   Exchange runs at most 4 sends at once for a mailbox (its MailboxConcurrency limit);
 * - mailboxes are served in parallel (at most the transport's batch concurrency at a time);
 * - sendMail is `createOnce`: the transport's `$batch` helper sends a member again only when
 *   Graph's answer proves it was not carried out (429, 503 with Retry-After, or 424: not run
 *   because the first member failed); every other failure is that job's result;
 * - an optional pace (messages per minute per mailbox) spaces the batches.
 * Results keep the order of the jobs.
 */
import type { IDataObject } from 'n8n-workflow';
import type { BatchItem, GraphTransport } from '../shared/transport';
import { sleep } from '../shared/transport/retry';
import { REQUEST_LIMIT } from './attachments';
import { sendDirect, type PreparedSend } from './graph-send';

export const BATCH_MEMBERS = 20;
export const MAILBOX_CONCURRENCY = 4;

export interface BulkOptions {
	/** Use `$batch` (else one request per message, one at a time per mailbox). */
	batch: boolean;
	/** Messages per minute per mailbox; 0: no pacing. */
	perMinute: number;
	/** Time source and wait (tests). */
	clock?: { now(): number; sleep(ms: number): Promise<void> };
}

/** Spaces sends so a mailbox sends at most `perMinute` messages per minute. */
export class Pacer {
	private sent = 0;
	private start: number | undefined;

	constructor(
		private readonly perMinute: number,
		private readonly clock: { now(): number; sleep(ms: number): Promise<void> },
	) {}

	/** The largest group that may go out at once. */
	get groupLimit(): number {
		return this.perMinute > 0
			? Math.max(1, Math.min(BATCH_MEMBERS, this.perMinute))
			: BATCH_MEMBERS;
	}

	/** Waits until `count` more messages may go (reserved before waiting: concurrent callers queue up). */
	async take(count: number): Promise<void> {
		if (this.perMinute <= 0) return;
		this.start ??= this.clock.now();
		const due = this.start + Math.ceil((this.sent * 60_000) / this.perMinute);
		this.sent += count;
		const wait = due - this.clock.now();
		if (wait > 0) await this.clock.sleep(wait);
	}
}

/** Groups of at most `limit` jobs and ~3.9 MB of members. */
export function planGroups(jobs: PreparedSend[], limit = BATCH_MEMBERS): PreparedSend[][] {
	const groups: PreparedSend[][] = [];
	let current: PreparedSend[] = [];
	let bytes = 0;
	for (const job of jobs) {
		const size = job.size + 200;
		if (current.length && (current.length >= limit || bytes + size > REQUEST_LIMIT)) {
			groups.push(current);
			current = [];
			bytes = 0;
		}
		current.push(job);
		bytes += size;
	}
	if (current.length) groups.push(current);
	return groups;
}

/** Batch members for a group (run one after another: `transport.batch(…, { serial: true })`). */
export function batchMembers(group: PreparedSend[]): BatchItem[] {
	return group.map((job) => ({
		method: 'POST',
		effect: 'createOnce',
		url: `${job.target.path}/sendMail`,
		body: job.body,
	}));
}

const realClock = { now: () => Date.now(), sleep: async (ms: number) => await sleep(ms) };

/** Sends single-request jobs; one result (output or Error) per job, in job order. */
export async function sendBulk(
	transport: GraphTransport,
	jobs: PreparedSend[],
	options: BulkOptions,
	onSent: (job: PreparedSend, via: string) => IDataObject,
): Promise<Map<PreparedSend, IDataObject | Error>> {
	const results = new Map<PreparedSend, IDataObject | Error>();
	const byMailbox = new Map<string, PreparedSend[]>();
	for (const job of jobs) {
		const list = byMailbox.get(job.target.key) ?? [];
		list.push(job);
		byMailbox.set(job.target.key, list);
	}
	const clock = options.clock ?? realClock;

	const runMailbox = async (mailboxJobs: PreparedSend[]) => {
		const pacer = new Pacer(options.perMinute, clock);
		if (!options.batch || mailboxJobs.length === 1) {
			for (const job of mailboxJobs) {
				await pacer.take(1);
				try {
					await sendDirect(transport, job);
					results.set(job, onSent(job, 'graph'));
				} catch (error) {
					results.set(job, error as Error);
				}
			}
			return;
		}
		// At most 4 serial batches in flight for the mailbox: at most 4 sends at once.
		const groups = planGroups(mailboxJobs, pacer.groupLimit);
		const runGroups = async () => {
			for (let group = groups.shift(); group; group = groups.shift()) {
				await pacer.take(group.length);
				const answers = await transport.batch(batchMembers(group), {
					concurrency: 1,
					serial: true,
				});
				answers.forEach((answer, i) => {
					const job = group[i];
					results.set(job, answer.ok ? onSent(job, 'batch') : answer.error);
				});
			}
		};
		await Promise.all(
			Array.from({ length: Math.min(MAILBOX_CONCURRENCY, groups.length) }, runGroups),
		);
	};

	const queue = [...byMailbox.values()];
	const workers = Array.from(
		{ length: Math.min(queue.length, transport.batchConcurrency) },
		async () => {
			for (let next = queue.shift(); next; next = queue.shift()) await runMailbox(next);
		},
	);
	await Promise.all(workers);
	return results;
}
