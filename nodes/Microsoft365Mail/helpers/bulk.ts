/**
 * Bulk sending through `$batch`, within Exchange's limits:
 * - one `$batch` request at a time per mailbox, of at most 20 `sendMail` members and at most
 *   ~3.9 MB (Graph's 4 MB request limit applies to the envelope);
 * - inside a batch the members form 4 `dependsOn` chains, so Exchange runs at most 4 of them at
 *   once for the mailbox (its MailboxConcurrency limit; Graph runs independent members in
 *   parallel and answers the rest 429 ApplicationThrottled);
 * - mailboxes are served in parallel (at most the transport's batch concurrency at a time);
 * - members Exchange did not carry out (429/503 after the transport's retries, 424 after a
 *   failed dependency) are sent again in a later round; members it refused keep their error;
 * - an optional pace (messages per minute per mailbox) spaces the batches.
 * Results keep the order of the jobs.
 */
import type { IDataObject } from 'n8n-workflow';
import type { BatchItem, GraphTransport } from '../../shared/transport';
import { sleep } from '../../shared/transport/retry';
import { REQUEST_LIMIT } from './attachments';
import { sendDirect, type PreparedSend } from './graph-send';

export const BATCH_MEMBERS = 20;
export const MAILBOX_CONCURRENCY = 4;
const NOT_CARRIED_OUT = new Set([424, 429, 503]);
const ROUNDS = 5;

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

	/** Waits until `count` more messages may go. */
	async take(count: number): Promise<void> {
		if (this.perMinute <= 0) return;
		this.start ??= this.clock.now();
		const due = this.start + Math.ceil((this.sent * 60_000) / this.perMinute);
		const wait = due - this.clock.now();
		if (wait > 0) await this.clock.sleep(wait);
		this.sent += count;
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

/** Batch members for a group: 4 dependsOn chains (member i waits for member i-4). */
export function batchMembers(group: PreparedSend[]): BatchItem[] {
	return group.map((job, i) => ({
		method: 'POST',
		effect: 'createOnce',
		url: `${job.target.path}/sendMail`,
		body: job.body,
		...(i >= MAILBOX_CONCURRENCY ? { dependsOn: [i - MAILBOX_CONCURRENCY] } : {}),
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
		let pending = mailboxJobs;
		for (let round = 1; pending.length > 0; round++) {
			const again: PreparedSend[] = [];
			for (const group of planGroups(pending, pacer.groupLimit)) {
				await pacer.take(group.length);
				const answers = await transport.batch(batchMembers(group), { concurrency: 1 });
				answers.forEach((answer, i) => {
					const job = group[i];
					if (answer.ok) results.set(job, onSent(job, 'batch'));
					else if (NOT_CARRIED_OUT.has(answer.status) && round < ROUNDS) again.push(job);
					else results.set(job, answer.error);
				});
			}
			pending = again;
		}
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
