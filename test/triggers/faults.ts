/**
 * Fault kinds for the trigger fault-injection suites: what the emulator does at one request
 * position of a poll round, and whether the transport's retry absorbs it (the round succeeds
 * with one more request) or the round fails (the state must not move).
 */
import type { FaultRule } from '../emulator/http';

export interface FaultKind {
	name: string;
	rule: Omit<FaultRule, 'path' | 'method'>;
	/** Requests the faulted position takes in all (attempts). */
	attempts: number;
	/** Whether the poll round fails (the transport gives up). */
	fails: boolean;
}

export const FAULT_KINDS: FaultKind[] = [
	{
		name: '429 with Retry-After',
		rule: { kind: 'status', status: 429, retryAfter: 0 },
		attempts: 2,
		fails: false,
	},
	{
		name: '503 with Retry-After',
		rule: { kind: 'status', status: 503, retryAfter: 0 },
		attempts: 2,
		fails: false,
	},
	{
		name: '503 without Retry-After',
		rule: { kind: 'status', status: 503, retryAfter: null },
		attempts: 2,
		fails: false,
	},
	{
		name: 'connection reset before the request was handled',
		rule: { kind: 'reset-before' },
		attempts: 2,
		fails: false,
	},
	{
		name: 'connection reset after the request was handled',
		rule: { kind: 'reset-after' },
		attempts: 2,
		fails: false,
	},
	{
		name: '500',
		rule: { kind: 'status', status: 500, code: 'InternalServerError' },
		attempts: 1,
		fails: true,
	},
	{
		name: '429 six times (retries exhausted)',
		rule: { kind: 'status', status: 429, retryAfter: 0, count: 6 },
		attempts: 6,
		fails: true,
	},
];

/** An exact-path fault rule (the emulator matches `^…` as a regular expression on the path). */
export function exactPath(path: string): string {
	return `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/** The path of a logged URL, without the query. */
export function pathOf(url: string): string {
	return url.split('?')[0];
}
