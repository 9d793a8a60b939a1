/**
 * JSON batching (`POST /$batch`): items split into batches of 20 in order, at most
 * `concurrency` batch requests in flight, each answer mapped back to its item, throttled
 * members (429/503, and 504 for idempotent members) sent again in a later batch after the
 * longest Retry-After among them, `dependsOn` between items of the same batch.
 *
 * Own code rather than the SDK's BatchRequestContent/BatchResponseContent: those take fetch
 * `Request` objects and read the bodies back out of them (with `request.buffer()`, which Node's
 * fetch lacks), and have no chunking, member retry or item mapping, which is the part we need.
 */
import type { NodeApiError } from 'n8n-workflow';
import { graphApiError, refusedRequestError } from '../errors';
import {
	combinedEffect,
	decideWait,
	HttpMethod,
	mayRetryStatus,
	parseRetryAfter,
	recordWait,
	type SideEffect,
	sleep,
} from './retry';
import type { GraphTransport } from './transport';

export const BATCH_SIZE = 20;

export interface BatchItem {
	method: HttpMethod;
	/** Graph path (`/users/{id}`), relative to the version root; an absolute URL must be on the Graph origin. */
	url: string;
	headers?: Record<string, string>;
	/** JSON body (POST/PATCH/PUT). */
	body?: unknown;
	/** Indices (into the items array) of earlier items this one waits for; kept in the same batch. */
	dependsOn?: number[];
	/** What the member may do to the world; decides whether it is sent again (retry.ts). */
	effect: SideEffect;
}

export interface BatchSuccess {
	ok: true;
	status: number;
	headers: Record<string, string>;
	body: unknown;
}

export interface BatchFailure {
	ok: false;
	status: number;
	headers: Record<string, string>;
	body: unknown;
	error: NodeApiError;
}

export type BatchItemResult = BatchSuccess | BatchFailure;

export interface BatchOptions {
	/** Batch requests in flight at once (default: the transport's `batchConcurrency`). */
	concurrency?: number;
	/** n8n item index of items[0]; item i's errors name `itemIndexOffset + i` (default: no item index). */
	itemIndexOffset?: number;
	/**
	 * Run each batch's members one after another, for members that must not run at once
	 * (Exchange's 4 concurrent requests per mailbox) but do not depend on each other's outcome:
	 * Graph's "same" dependsOn pattern (every member after the first depends on the first; Graph
	 * runs such a batch sequentially). Members Graph did not run because the first failed (424)
	 * are sent again in the next round. Items must then declare no `dependsOn` of their own.
	 */
	serial?: boolean;
	signal?: AbortSignal;
}

interface MemberAnswer {
	id: string;
	status: number;
	headers?: Record<string, string>;
	body?: unknown;
}

/** Splits item indices into runs of at most 20 without separating an item from its dependencies. */
export function planBatches(items: BatchItem[], size = BATCH_SIZE): number[][] {
	const groupStart = items.map((_, i) => i);
	items.forEach((item, i) => {
		for (const dep of item.dependsOn ?? []) {
			if (!Number.isInteger(dep) || dep < 0 || dep >= i)
				throw new Error(
					`Batch item ${i} depends on item ${dep}: dependencies must be earlier items`,
				);
			groupStart[i] = Math.min(groupStart[i], groupStart[dep]);
		}
	});
	// A cut before p is allowed when no item at or after p reaches back before p.
	const minFrom = new Array<number>(items.length + 1).fill(items.length);
	for (let p = items.length - 1; p >= 0; p--) minFrom[p] = Math.min(groupStart[p], minFrom[p + 1]);
	const batches: number[][] = [];
	let start = 0;
	while (start < items.length) {
		let cut = Math.min(items.length, start + size);
		while (cut > start && cut < items.length && minFrom[cut] < cut) cut--;
		if (cut === start)
			throw new Error(`Batch items from ${start} form a dependency chain longer than ${size}`);
		batches.push(Array.from({ length: cut - start }, (_, k) => start + k));
		start = cut;
	}
	return batches;
}

/**
 * Graph runs `dependsOn` only in three patterns (https://learn.microsoft.com/en-us/graph/known-issues,
 * "Request dependencies are limited"): no member depends on another (parallel), each depends on
 * the one before (serial), or every member that depends names the same one member (same). The
 * reason a batch of `items` (by index) breaks that, or undefined.
 */
export function dependsOnProblem(items: BatchItem[], batch: number[]): string | undefined {
	const deps = batch.map((i) => (items[i].dependsOn ?? []).filter((d) => batch.includes(d)));
	if (deps.every((d) => d.length === 0)) return undefined;
	if (deps.some((d) => d.length > 1))
		return 'a member depends on more than one other member; Graph takes one dependency per member';
	const serial = deps.every((d, k) => (k === 0 ? d.length === 0 : d[0] === batch[k - 1]));
	if (serial) return undefined;
	const targets = new Set(deps.filter((d) => d.length).map((d) => d[0]));
	if (targets.size === 1) return undefined;
	return 'Graph runs a batch fully in parallel, fully serial (each member depending on the one before), or with every dependent member naming the same member; this batch mixes them';
}

function lowerHeaders(headers: Record<string, string> | undefined): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [k, v] of Object.entries(headers ?? {})) out[k.toLowerCase()] = String(v);
	return out;
}

/** The member URL relative to the version root (`/users/x?$select=id`). */
function memberUrl(transport: GraphTransport, url: string, itemIndex?: number): string {
	const absolute = transport.resolveUrl(url, undefined, itemIndex);
	const rest = absolute.slice(transport.origin.length);
	return rest.replace(/^\/(v1\.0|beta)(?=\/|\?|$)/i, '') || '/';
}

export async function runBatch(
	transport: GraphTransport,
	items: BatchItem[],
	options: BatchOptions = {},
): Promise<BatchItemResult[]> {
	const results = new Array<BatchItemResult | undefined>(items.length);
	const indexOf = (i: number) =>
		options.itemIndexOffset === undefined ? undefined : options.itemIndexOffset + i;
	const urls = items.map((item, i) => memberUrl(transport, item.url, indexOf(i)));
	let plan: number[][];
	try {
		plan = planBatches(items);
	} catch (error) {
		throw refusedRequestError(
			transport.node,
			'The batch cannot be split into requests of 20',
			(error as Error).message,
		);
	}
	if (!options.serial) {
		for (const batch of plan) {
			const problem = dependsOnProblem(items, batch);
			if (problem)
				throw refusedRequestError(
					transport.node,
					'The batch has dependencies Microsoft Graph does not run',
					`${problem} (items ${batch[0]}-${batch[batch.length - 1]}). No request was made.`,
				);
		}
	}
	const concurrency = Math.max(1, options.concurrency ?? transport.batchConcurrency);

	const fail = (
		i: number,
		status: number,
		headers: Record<string, string>,
		body: unknown,
		extra: {
			attempts: number;
			stoppedBecause?: 'attempts' | 'budget' | 'retry-after-too-long';
			retryAfterMs?: number;
		},
	) => {
		results[i] = {
			ok: false,
			status,
			headers,
			body,
			error: graphApiError(
				transport.node,
				{
					status,
					method: items[i].method,
					url: urls[i],
					body,
					headers,
					scheme: transport.scheme,
					granted: status === 403 ? transport.grants() : undefined,
					effect: items[i].effect,
					...extra,
				},
				{ itemIndex: indexOf(i) },
			),
		};
	};

	const runOne = async (batch: number[]) => {
		let pending = batch;
		const started = Date.now();
		const throttles = new Map<number, number>();
		for (let round = 1; pending.length > 0; round++) {
			const inBatch = new Set(pending);
			const requests = pending.map((i, position) => {
				const item = items[i];
				const headers = { ...(item.headers ?? {}) };
				if (
					item.body !== undefined &&
					!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')
				)
					headers['Content-Type'] = 'application/json';
				// Serial: Graph's "same" pattern, every member after the first depending on the first
				// ("Requests made using this pattern will run sequentially", known issues of JSON
				// batching): one at a time, and a member that fails stops only itself, not the ones
				// after it (with a chain, each later member would answer 424 and need another round).
				const dependsOn = options.serial
					? position > 0
						? [String(pending[0])]
						: []
					: (item.dependsOn ?? []).filter((d) => inBatch.has(d)).map(String);
				return {
					id: String(i),
					method: item.method,
					url: urls[i],
					...(Object.keys(headers).length ? { headers } : {}),
					...(item.body !== undefined ? { body: item.body } : {}),
					...(dependsOn.length ? { dependsOn } : {}),
				};
			});
			let answers: MemberAnswer[];
			try {
				const response = await transport.request<{ responses?: MemberAnswer[] }>({
					method: 'POST',
					url: '/$batch',
					body: { requests },
					// The envelope is as strong as its strongest member: with a createOnce member it is
					// sent again only when the answer proves Graph did not take it.
					effect: combinedEffect(pending.map((i) => items[i].effect)),
					signal: options.signal,
				});
				answers = response?.responses ?? [];
			} catch (error) {
				// The whole batch failed (after the transport's own retries): every pending item gets that error.
				for (const i of pending) {
					results[i] = {
						ok: false,
						status: Number((error as NodeApiError).httpCode ?? 0),
						headers: {},
						body: undefined,
						error: error as NodeApiError,
					};
				}
				return;
			}
			const byId = new Map(answers.map((a) => [a.id, { ...a, headers: lowerHeaders(a.headers) }]));
			const retry: number[] = [];
			let longestRetryAfter: number | undefined;
			for (const i of pending) {
				const answer = byId.get(String(i));
				if (!answer) {
					fail(
						i,
						500,
						{},
						{
							error: {
								code: 'MissingBatchResponse',
								message: `Graph's $batch answer has no response for member ${i}.`,
							},
						},
						{ attempts: round },
					);
					continue;
				}
				const headers = answer.headers;
				const retryAfterMs = parseRetryAfter(headers['retry-after']);
				if (mayRetryStatus(items[i].effect, answer.status, retryAfterMs)) {
					retry.push(i);
					if (retryAfterMs !== undefined)
						longestRetryAfter = Math.max(longestRetryAfter ?? 0, retryAfterMs);
				} else if (answer.status >= 200 && answer.status < 400) {
					results[i] = { ok: true, status: answer.status, headers, body: answer.body };
				}
			}
			// Attempts count per member: each member may be throttled `maxAttempts` times, whatever
			// happens to the others (in a serial batch a throttled member holds up those after it).
			const throttled = [...retry];
			for (const i of throttled) throttles.set(i, (throttles.get(i) ?? 0) + 1);
			// A 424 (failed dependency) whose dependency is being retried is retried with it. In a
			// serial batch a 424 only means "not run because a member before it failed or waits":
			// it runs in a later round and is never counted as an attempt.
			const retrySet = new Set(retry);
			const unrun: number[] = [];
			for (const i of pending) {
				const answer = byId.get(String(i));
				if (!answer || results[i] || retrySet.has(i)) continue;
				if (answer.status === 424 && options.serial && i !== pending[0]) {
					unrun.push(i);
				} else if (
					answer.status === 424 &&
					(items[i].dependsOn ?? []).some((d) => retrySet.has(d))
				) {
					retry.push(i);
					retrySet.add(i);
				} else {
					fail(i, answer.status, answer.headers, answer.body, { attempts: round });
				}
			}
			if (throttled.length === 0) {
				if (unrun.length === 0) return;
				pending = unrun;
				continue;
			}
			// A member throttled `maxAttempts` times gives up; the others wait and go again.
			const exhausted = new Set(
				throttled.filter((i) => (throttles.get(i) ?? 0) >= transport.policy.maxAttempts),
			);
			for (const i of exhausted) {
				const answer = byId.get(String(i))!;
				fail(i, answer.status, answer.headers, answer.body, {
					attempts: throttles.get(i) ?? round,
					stoppedBecause: 'attempts',
					retryAfterMs: longestRetryAfter,
				});
			}
			const stillThrottled = throttled.filter((i) => !exhausted.has(i));
			// Dependants (not serial) wait only on a member that goes again.
			const waiting = retry.filter(
				(i) =>
					!exhausted.has(i) &&
					(stillThrottled.includes(i) ||
						(items[i].dependsOn ?? []).some((d) => stillThrottled.includes(d))),
			);
			for (const i of retry)
				if (!exhausted.has(i) && !waiting.includes(i)) {
					const answer = byId.get(String(i))!;
					fail(i, answer.status, answer.headers, answer.body, { attempts: round });
				}
			const decision =
				stillThrottled.length > 0
					? decideWait(
							transport.policy,
							Math.max(...stillThrottled.map((i) => throttles.get(i) ?? 1)),
							started,
							longestRetryAfter,
						)
					: undefined;
			if (!decision?.retry) {
				for (const i of waiting) {
					const answer = byId.get(String(i))!;
					fail(i, answer.status, answer.headers, answer.body, {
						attempts: throttles.get(i) ?? round,
						stoppedBecause: decision?.reason,
						retryAfterMs: decision?.retryAfterMs,
					});
				}
				if (unrun.length === 0) return;
				pending = unrun;
				continue;
			}
			retry.length = 0;
			retry.push(...waiting);
			// The members not run wait with the throttled ones and go again in the same round.
			retry.push(...unrun);
			recordWait(transport.stats, decision);
			const cancelled = await sleep(
				decision.waitMs * transport.policy.waitScale,
				options.signal,
			).then(
				() => false,
				() => true,
			);
			if (cancelled)
				throw refusedRequestError(
					transport.node,
					'The batch was cancelled',
					'The execution was stopped while throttled members waited to be sent again.',
				);
			pending = retry.sort((a, b) => a - b);
		}
	};

	let nextBatch = 0;
	const worker = async () => {
		while (nextBatch < plan.length) {
			const batch = plan[nextBatch++];
			await runOne(batch);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, plan.length) }, worker));
	return results.map(
		(r, i) =>
			r ??
			({
				ok: false,
				status: 0,
				headers: {},
				body: undefined,
				error: graphApiError(transport.node, {
					status: 500,
					method: items[i].method,
					url: urls[i],
					scheme: transport.scheme,
				}),
			} as BatchFailure),
	);
}
