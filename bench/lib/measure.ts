/**
 * One measured run: the workflow runs in n8n (the editor's "Execute workflow"), while the n8n
 * process tree's memory is sampled; afterwards the emulator's request log tells how many HTTP
 * requests, token requests and 429s the run caused, and n8n's execution data how long the measured
 * node took and how many items it returned.
 */
import type { Execution, N8nClient } from '../../scripts/e2e/stack';
import { RssSampler } from './rss';

export interface RunResult {
	ok: boolean;
	error?: string;
	/** The measured node's own execution time (n8n's `executionTime`). */
	nodeMs: number;
	/** The whole execution (trigger to last node). */
	executionMs: number;
	/** Items the measured node returned. */
	items: number;
	/** Of those, items that failed (`{ error }`, the node set to continue on error). */
	failedItems: number;
	/** HTTP requests to Graph and upload URLs (a `$batch` counts once; token requests apart). */
	requests: number;
	/** Graph operations: HTTP requests plus `$batch` members, without the `$batch` envelopes. */
	graphOperations: number;
	tokenRequests: number;
	/** 429 answers, to HTTP requests and to `$batch` members. */
	throttled: number;
	rssGrowth: number;
	rssPeak: number;
	/** The loopback upload throughput measured right before this run (paired scenarios). */
	loopbackBytesPerSecond?: number;
}

export interface LogEntry {
	url: string;
	method: string;
	status?: number;
	batchSeq?: number;
}

export function logStats(
	entries: LogEntry[],
): Pick<RunResult, 'requests' | 'graphOperations' | 'tokenRequests' | 'throttled'> {
	const traffic = entries.filter((e) => !e.url.startsWith('/_emulator/'));
	const isToken = (e: LogEntry) => /\/oauth2\/v2\.0\/token(\?|$)/.test(e.url);
	const isBatch = (e: LogEntry) => /^\/v1\.0\/\$batch(\?|$)/i.test(e.url);
	const http = traffic.filter((e) => e.batchSeq === undefined);
	return {
		requests: http.filter((e) => !isToken(e)).length,
		graphOperations: traffic.filter((e) => !isBatch(e) && !isToken(e)).length,
		tokenRequests: http.filter(isToken).length,
		throttled: traffic.filter((e) => e.status === 429).length,
	};
}

type Admin = <T = any>(method: string, path: string, body?: unknown) => Promise<T>;

export async function measureRun(options: {
	client: N8nClient;
	admin: Admin;
	n8nPid: number;
	workflowId: string;
	trigger: string;
	node: string;
	timeoutMs: number;
}): Promise<RunResult> {
	const { client, admin } = options;
	await admin('DELETE', 'log');
	const sampler = new RssSampler(options.n8nPid);
	sampler.start();
	let execution: Execution | undefined;
	let failure: string | undefined;
	try {
		execution = await client.runWorkflow(options.workflowId, options.trigger, options.timeoutMs);
	} catch (error) {
		failure = (error as Error).message;
	}
	const rss = sampler.stop();
	const { entries } = await admin<{ entries: LogEntry[] }>('GET', 'log?since=0');
	await admin('DELETE', 'log');
	const run = execution?.data?.resultData.runData[options.node]?.[0] as
		| (NonNullable<Execution['data']>['resultData']['runData'][string][number] & {
				executionTime?: number;
		  })
		| undefined;
	const nodeError = run?.error
		? `${run.error.message ?? ''} ${run.error.description ?? ''}`.trim()
		: undefined;
	const execError = execution?.data?.resultData.error;
	const error =
		failure ??
		nodeError ??
		(execError ? `${execError.message ?? ''} ${execError.description ?? ''}`.trim() : undefined) ??
		(execution && execution.status !== 'success' ? `execution ${execution.status}` : undefined);
	const times = execution as unknown as { startedAt?: string; stoppedAt?: string } | undefined;
	const result: RunResult = {
		ok: !error,
		error,
		nodeMs: run?.executionTime ?? NaN,
		executionMs:
			times?.startedAt && times.stoppedAt
				? Date.parse(times.stoppedAt) - Date.parse(times.startedAt)
				: NaN,
		items: run?.data?.main?.[0]?.length ?? 0,
		failedItems: (run?.data?.main?.[0] ?? []).filter(
			(item) => (item?.json as { error?: unknown } | undefined)?.error !== undefined,
		).length,
		...logStats(entries),
		rssGrowth: rss.growth,
		rssPeak: rss.peak,
	};
	if (execution?.id) {
		// Frees the execution's binary data (filesystem mode) before the next run.
		await client.api('DELETE', `/executions/${execution.id}`).catch(() => undefined);
	}
	return result;
}

export function median(values: number[]): number {
	const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
	if (!sorted.length) return NaN;
	const mid = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
