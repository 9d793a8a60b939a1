/**
 * The fault-injection suites for the `createOnce` operations (`test/faults/*.test.ts`): the fault
 * kinds, what the side-effect model (`nodes/shared/transport/retry.ts`) says each does at a
 * request of each kind, the request log of a run, and fast retries for node runs.
 *
 * A suite first runs its operation without faults and names every request position (method, a
 * path pattern, the request's side effect); then, for every position and every fault kind, it
 * runs again with the fault at exactly that request (`count: 1`, `skip` for the n-th request to
 * the same path) and checks the outcome against `expectedAt`.
 */
import type { IDataObject } from 'n8n-workflow';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../nodes/shared/transport/retry';
import type { Emulator } from '../emulator/emulator';
import type { FaultRule, RequestLogEntry } from '../emulator/http';
import type { RunNodeResult } from '../harness';

export interface FaultKind {
	name: string;
	rule: Omit<FaultRule, 'path' | 'method' | 'count' | 'skip'>;
}

/** 429 and 503 carry `Retry-After: 1` (1 s, scaled down by `fastRetries`). */
export const FAULT_KINDS: FaultKind[] = [
	{ name: '429 with Retry-After', rule: { kind: 'status', status: 429, retryAfter: 1 } },
	{ name: '503 with Retry-After', rule: { kind: 'status', status: 503, retryAfter: 1 } },
	{ name: '503 without Retry-After', rule: { kind: 'status', status: 503, retryAfter: null } },
	{
		name: '500',
		rule: { kind: 'status', status: 500, retryAfter: null, code: 'InternalServerError' },
	},
	{ name: 'reset-before', rule: { kind: 'reset-before' } },
	{ name: 'reset-after', rule: { kind: 'reset-after' } },
];

/**
 * The side effect of a request position, as the suites name it: the transport's four kinds, with
 * upload fragments split into a fragment the service acknowledges (`uploadFragment`) and the one
 * that completes the file (`uploadLast`), since a lost answer means something else for each.
 */
export type PositionEffect =
	'read' | 'replaceable' | 'createOnce' | 'uploadFragment' | 'uploadLast';

export interface Position {
	name: string;
	method: string;
	/** A regular expression on the request path (no query), `^`-anchored. */
	path: string;
	effect: PositionEffect;
	/** Matching requests before this one in the fault-free run (the fault rule's `skip`). */
	skip: number;
	/** The product a request of this position makes (a message, a file...). */
	creates?: string;
}

/**
 * What the run comes to with the fault at a request of this kind:
 * - `ok`: the transport (or the upload loop) got past it: the operation completed;
 * - `uncertain`: it failed and says the request (or the upload) may have been carried out;
 * - `failed`: it failed plainly; the faulted request was not carried out.
 */
export type Fate = 'ok' | 'uncertain' | 'failed';

export interface Expected {
	fate: Fate;
	/** Requests at this position in all (the faulted one and its repeats). */
	attempts: number;
	/** Upload session status reads (`GET uploadUrl`) the fault adds. */
	statusReads: number;
}

/** The side-effect model of retry.ts and upload.ts, per position kind and fault. */
export function expectedAt(effect: PositionEffect, kind: FaultKind): Expected {
	const rule = kind.rule;
	const status = rule.kind === 'status' ? rule.status : undefined;
	const withRetryAfter = rule.kind === 'status' && rule.retryAfter !== null;
	switch (effect) {
		case 'read':
		case 'replaceable':
			// 429, 503, 504 and any network failure are repeated; a 500 is not.
			return status === 500
				? { fate: 'failed', attempts: 1, statusReads: 0 }
				: { fate: 'ok', attempts: 2, statusReads: 0 };
		case 'createOnce':
			// Repeated only when the answer proves it was not processed: 429, 503 with Retry-After.
			if (status === 429 || (status === 503 && withRetryAfter))
				return { fate: 'ok', attempts: 2, statusReads: 0 };
			return { fate: 'uncertain', attempts: 1, statusReads: 0 };
		case 'uploadFragment':
			// Never repeated by the transport: the loop reads the session's status and resumes from
			// it; after a lost answer (reset-after) the fragment is there and is not sent again.
			return rule.kind === 'reset-after'
				? { fate: 'ok', attempts: 1, statusReads: 1 }
				: { fate: 'ok', attempts: 2, statusReads: 1 };
		case 'uploadLast':
			// The session of a completed upload is gone: after a lost answer the file may be there.
			return rule.kind === 'reset-after'
				? { fate: 'uncertain', attempts: 1, statusReads: 1 }
				: { fate: 'ok', attempts: 2, statusReads: 1 };
	}
}

/** Every position × fault kind, named for `describe.each` / `it.each`. */
export function matrix(positions: Position[]): Array<[string, string, Position, FaultKind]> {
	return positions.flatMap((p) =>
		FAULT_KINDS.map((k) => [p.name, k.name, p, k] as [string, string, Position, FaultKind]),
	);
}

/** The fault rule for one position: exactly its n-th request, once. */
export function faultAt(position: Position, kind: FaultKind): FaultRule {
	return {
		...kind.rule,
		method: position.method,
		path: position.path,
		skip: position.skip,
		count: 1,
	};
}

// ---------------------------------------------------------------------------------------------
// The request log

export interface Logged {
	method: string;
	path: string;
	status?: number;
	handled: boolean;
	fault?: string;
}

/** Graph, SharePoint and Outlook requests since `mark`: no login requests, no $batch members. */
export function logSince(emu: Emulator, mark: number): Logged[] {
	return emu
		.since(mark)
		.filter(
			(e: RequestLogEntry) =>
				e.batchSeq === undefined &&
				!/\/oauth2\/v2\.0\/|\/discovery\/|openid-configuration|^\/_emulator\//.test(e.url),
		)
		.map((e) => ({
			method: e.method,
			path: e.url.split('?')[0],
			status: e.status,
			handled: e.handled,
			fault: e.fault,
		}));
}

export function matches(position: Pick<Position, 'method' | 'path'>, entry: Logged): boolean {
	return entry.method === position.method && new RegExp(position.path, 'i').test(entry.path);
}

/**
 * Names each request of a fault-free run by the first position pattern it matches (`patterns`
 * in order), counting repeats of one pattern for `skip`. Throws on a request no pattern names.
 */
export function namePositions(log: Logged[], patterns: Array<Omit<Position, 'skip'>>): Position[] {
	const seen = new Map<string, number>();
	return log.map((entry) => {
		const found = patterns.filter((p) => matches(p, entry));
		if (found.length === 0)
			throw new Error(`request ${entry.method} ${entry.path} has no named position`);
		// Several patterns for one path (fragments): the n-th request takes the n-th pattern.
		const key = `${entry.method} ${found[0].path}`;
		const n = seen.get(key) ?? 0;
		seen.set(key, n + 1);
		const pattern = found[Math.min(n, found.length - 1)];
		return { ...pattern, skip: n };
	});
}

/** Requests of `log` at a position: the same method and path pattern. */
export function at(log: Logged[], position: Pick<Position, 'method' | 'path'>): Logged[] {
	return log.filter((e) => matches(position, e));
}

// ---------------------------------------------------------------------------------------------
// Runs

/**
 * Waits scaled down to 1/1000 for node runs (the transport of a node run takes the default
 * policy): Retry-After 1 s and backoff become a millisecond or so, while the decisions stay
 * those of the real policy. Restored after the file.
 */
export function fastRetries(scale = 0.001): void {
	const policy = DEFAULT_RETRY_POLICY as RetryPolicy;
	let saved: number;
	beforeAll(() => {
		saved = policy.waitScale;
		policy.waitScale = scale;
	});
	afterAll(() => {
		policy.waitScale = saved;
	});
}

/** The node's error message and description. */
export function errorText(result: RunNodeResult): string {
	const error = result.error as { message?: string; description?: string } | undefined;
	return `${error?.message ?? ''} ${error?.description ?? ''}`;
}

/** The first output item's JSON. */
export function firstJson(result: RunNodeResult): IDataObject | undefined {
	return result.output?.[0]?.[0]?.json;
}

/** The text a failure whose request may have been carried out (or was) must say. */
export const MAY_HAVE_ACTED =
	/may have (been carried out|carried it out|completed the file)|so it was carried out|was carried out as a copy/;

/** Node settings for n8n's Retry On Fail: two tries, no wait. */
export const RETRY_ON_FAIL = { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 };

export const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------
// The generic suite

/** A request pattern of an operation; `creates` names the product a request of it makes. */
export type Pattern = Omit<Position, 'skip'>;

export interface CaseContext {
	/** Unique per run: message text, file name, subject. */
	tag: string;
	/** Whatever `prepare` set up (a message to reply to, a file to copy...). */
	data: IDataObject;
}

export interface FaultOperation {
	name: string;
	/** Request patterns in the order of the fault-free run (fragments: one per fragment). */
	patterns: Pattern[];
	/** Patterns of requests not in the fault-free run (upload status reads, cleanup). */
	extraPatterns?: Pattern[];
	/** The status read pattern of an upload session (`GET uploadUrl`), if any. */
	statusRead?: string;
	prepare?: (tag: string) => Promise<IDataObject>;
	run: (c: CaseContext, settings?: IDataObject) => Promise<RunNodeResult>;
	/** What the service holds of this case's products, by product name. */
	products: (c: CaseContext) => Promise<Record<string, number>> | Record<string, number>;
	/** Checks a successful run's output (ids). */
	checkOutput: (result: RunNodeResult, c: CaseContext) => void;
	/** Requests (pattern names and counts) the fault adds besides its repeats (cleanups, lookups). */
	extraRequests?: (
		position: Position,
		kind: FaultKind,
		expected: Expected,
	) => Record<string, number>;
	/** Products the run leaves besides those `creates` says (a source file, cleanups, drafts). */
	productsAfter?: (
		position: Position,
		handled: boolean,
		expected: Expected,
		counts: Record<string, number>,
	) => Record<string, number>;
	/** Positions run concurrently (names), so a failure at one does not stop the others. */
	concurrent?: string[][];
	/** Overrides the model's expectation (for what the operation does after a failed request). */
	adjust?: (position: Position, kind: FaultKind, expected: Expected) => Expected;
	/** Text a plain failure must say (e.g. "was not posted"). */
	plainFailure?: RegExp;
}

let tagCounter = 0;
export function newTag(prefix: string): string {
	tagCounter += 1;
	return `${prefix}-${process.pid}-${tagCounter}-${Date.now().toString(36)}`;
}

/** Counts of logged requests by pattern name (each request named by the first pattern it matches). */
export function countByPattern(log: Logged[], patterns: Pattern[]): Record<string, number> {
	const out: Record<string, number> = {};
	for (const entry of log) {
		const found = patterns.find((p) => matches(p, entry));
		const name = found ? found.name : `unexpected ${entry.method} ${entry.path}`;
		out[name] = (out[name] ?? 0) + 1;
	}
	return out;
}

function add(counts: Record<string, number>, name: string, n: number): void {
	if (n === 0) return;
	counts[name] = (counts[name] ?? 0) + n;
	if (counts[name] === 0) delete counts[name];
}

/**
 * Declares the suite of one operation: the fault-free reference run (its positions), then one
 * test per position × fault kind.
 */
export function describeFaults(emulator: () => Emulator, op: FaultOperation): void {
	describe(op.name, () => {
		let positions: Position[] = [];
		const all = () => [...op.patterns, ...(op.extraPatterns ?? [])];
		// Counts by the first pattern of the same method and path (the n-th fragment PUT is the
		// n-th pattern in order, but its repeats cannot be told apart in the log).
		const grouped = (counts: Record<string, number>) => {
			const out: Record<string, number> = {};
			for (const [name, n] of Object.entries(counts)) {
				const p = all().find((q) => q.name === name)!;
				const first = all().find((q) => q.method === p.method && q.path === p.path)!;
				add(out, first.name, n);
			}
			return out;
		};

		test('fault-free: the requests in order, each product exactly once', async () => {
			const emu = emulator();
			const c: CaseContext = { tag: newTag('ref'), data: {} };
			c.data = (await op.prepare?.(c.tag)) ?? {};
			const mark = emu.mark();
			const result = await op.run(c);
			const log = logSince(emu, mark);
			expect(result.error).toBeUndefined();
			op.checkOutput(result, c);
			expect(log.every((e) => e.status !== undefined && e.status < 400)).toBe(true);
			positions = namePositions(log, op.patterns);
			// Every pattern but the concurrent ones in its place, each once.
			expect([...positions.map((p) => p.name)].sort()).toEqual(
				op.patterns.map((p) => p.name).sort(),
			);
			const products = await op.products(c);
			const made: Record<string, number> = {};
			for (const p of op.patterns.filter((q) => q.creates)) made[p.creates!] = 1;
			expect(products).toEqual(
				op.productsAfter
					? op.productsAfter(positions[0], false, { fate: 'ok', attempts: 1, statusReads: 0 }, made)
					: made,
			);
		});

		describe.each(op.patterns.map((p) => [p.name, p] as const))('fault at %s', (_n, pattern) => {
			test.each(FAULT_KINDS.map((k) => [k.name, k] as const))('%s', async (_k, kind) => {
				const emu = emulator();
				const position = positions.find((p) => p.name === pattern.name);
				expect(position).toBeDefined();
				const index = positions.indexOf(position!);
				let expected = expectedAt(position!.effect, kind);
				if (op.adjust) expected = op.adjust(position!, kind, expected);

				const once = async (settings?: IDataObject) => {
					const c: CaseContext = { tag: newTag('case'), data: {} };
					c.data = (await op.prepare?.(c.tag)) ?? {};
					emu.addFault(faultAt(position!, kind));
					const mark = emu.mark();
					let result: RunNodeResult;
					try {
						result = await op.run(c, settings);
					} finally {
						emu.faults.clear();
					}
					return { c, result, log: logSince(emu, mark) };
				};

				// One run, no n8n retries: what it says, what it sent, what the service holds.
				const { c, result, log } = await once();
				const faulted = log.find((e) => e.fault && matches(position!, e));
				expect(faulted).toBeDefined();
				const handled = faulted!.handled;

				// Requests: those of the reference before the fault (and any concurrent with it), the
				// faulted position's attempts, the upload status reads, the cleanup after a failure.
				const counts: Record<string, number> = {};
				const siblings = new Set(
					(op.concurrent ?? []).filter((g) => g.includes(position!.name)).flat(),
				);
				positions.forEach((p, i) => {
					if (expected.fate === 'ok' || i < index || (siblings.has(p.name) && i !== index))
						add(counts, p.name, 1);
				});
				if (expected.fate === 'ok') add(counts, position!.name, expected.attempts - 1);
				else add(counts, position!.name, expected.attempts);
				if (op.statusRead) add(counts, op.statusRead, expected.statusReads);
				if (op.extraRequests)
					for (const [name, n] of Object.entries(op.extraRequests(position!, kind, expected)))
						add(counts, name, n);
				expect(countByPattern(log, all())).toEqual(grouped(counts));

				// What the node says.
				if (expected.fate === 'ok') {
					expect(result.error).toBeUndefined();
					op.checkOutput(result, c);
				} else {
					expect(result.error).toBeDefined();
					const text = errorText(result);
					if (expected.fate === 'uncertain') expect(text).toMatch(MAY_HAVE_ACTED);
					else {
						expect(text).not.toMatch(MAY_HAVE_ACTED);
						if (op.plainFailure) expect(text).toMatch(op.plainFailure);
					}
				}

				// What the service holds: never twice; exactly once when the operation completed.
				const wanted: Record<string, number> = {};
				positions.forEach((p, i) => {
					if (!p.creates) return;
					const made =
						expected.fate === 'ok' ||
						i < index ||
						(siblings.has(p.name) && i !== index) ||
						(i === index && handled);
					wanted[p.creates] = made ? 1 : 0;
				});
				const products = await op.products(c);
				const want = op.productsAfter
					? op.productsAfter(position!, handled, expected, wanted)
					: wanted;
				expect(products).toEqual(want);

				if (expected.fate === 'ok') return;
				// n8n's Retry On Fail (two tries): a failure that may have acted is not run again (its
				// error stands, no request is sent); a plain failure is, and completes once.
				const again = await once(RETRY_ON_FAIL);
				const againProducts = await op.products(again.c);
				if (expected.fate === 'uncertain') {
					expect(errorText(again.result)).toMatch(MAY_HAVE_ACTED);
					expect(countByPattern(again.log, all())).toEqual(grouped(counts));
					expect(againProducts).toEqual(want);
				} else {
					expect(again.result.error).toBeUndefined();
					op.checkOutput(again.result, again.c);
					for (const name of Object.keys(wanted)) expect(againProducts[name]).toBe(1);
				}
			});
		});
	});
}
