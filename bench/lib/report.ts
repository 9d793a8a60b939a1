/** The benchmark's results: a JSON document and the Markdown table made from it. */
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import type { LatencyModelSettings } from '../../test/emulator/latency-model';
import type { Limit, SideName } from '../scenarios/types';
import { median, type RunResult } from './measure';

export interface SideResult {
	side: SideName;
	/** Why the side was not measured (not built, the built-in cannot do it, ...). */
	unavailable?: string;
	appOnly: boolean;
	runs: RunResult[];
	/** The first failure's message, when a run failed (failed sides are not repeated). */
	error?: string;
	median?: Pick<
		RunResult,
		| 'nodeMs'
		| 'executionMs'
		| 'items'
		| 'failedItems'
		| 'requests'
		| 'graphOperations'
		| 'tokenRequests'
		| 'throttled'
		| 'rssGrowth'
	>;
}

export interface ScenarioResult {
	id: string;
	title: string;
	items: number;
	/** Output items of a complete answer (e.g. every occurrence), when the scenario says. */
	outputItems?: number;
	bytes?: number;
	limit: Limit;
	target?: string;
	notes?: Partial<Record<SideName, string>>;
	sides: Record<SideName, SideResult>;
	/** The control run (once), e.g. the file read alone, to tell the measured node's share apart. */
	control?: { label: string; nodeMs: number; executionMs: number; rssGrowth: number };
}

export interface Machine {
	cpu: string;
	cores: number;
	memoryGiB: number;
	os: string;
	node: string;
	n8n: string;
	/** 1-minute load average before the first scenario (other work on the machine skews timings). */
	loadBefore: number;
}

export interface BenchResults {
	startedAt: string;
	durationSeconds: number;
	machine: Machine;
	latency: LatencyModelSettings;
	runsPerSide: number;
	quick: boolean;
	loopbackBytesPerSecond?: number;
	/** n8n's N8N_DEFAULT_BINARY_DATA_MODE in this run. */
	binaryDataMode: string;
	/** The package's load cost (lib/package-load.ts), one line. */
	packageLoad?: string;
	scenarios: ScenarioResult[];
	tokens: Record<SideName, { tokenRequests: number; items: number; per1000: number }>;
	targets: Array<{ target: string; met: boolean | undefined; detail: string }>;
}

export function machine(n8nVersion: string): Machine {
	const cpu = cpus();
	return {
		cpu: cpu[0]?.model.trim() ?? 'unknown',
		cores: cpu.length,
		memoryGiB: Math.round(totalmem() / 2 ** 30),
		os: `${osType()} ${release()}`,
		node: process.version,
		n8n: n8nVersion,
		loadBefore: Math.round(loadavg()[0] * 100) / 100,
	};
}

export function summarize(side: SideResult): SideResult {
	const ok = side.runs.filter((r) => r.ok);
	if (!ok.length) return side;
	const m = (key: keyof RunResult) => median(ok.map((r) => r[key] as number));
	return {
		...side,
		median: {
			nodeMs: m('nodeMs'),
			executionMs: m('executionMs'),
			items: m('items'),
			failedItems: m('failedItems'),
			requests: m('requests'),
			graphOperations: m('graphOperations'),
			tokenRequests: m('tokenRequests'),
			throttled: m('throttled'),
			rssGrowth: m('rssGrowth'),
		},
	};
}

export function tokenSummary(scenarios: ScenarioResult[]): BenchResults['tokens'] {
	const out = {} as BenchResults['tokens'];
	for (const side of ['ours', 'built-in'] as const) {
		let tokenRequests = 0;
		let items = 0;
		// The 1,000-sends scenario: the first use of its credential on both sides.
		for (const s of scenarios.filter((x) => x.id === 'send')) {
			const r = s.sides[side];
			if (!r.appOnly) continue;
			for (const run of r.runs.filter((x) => x.ok)) {
				tokenRequests += run.tokenRequests;
				items += run.items || s.items;
			}
		}
		out[side] = { tokenRequests, items, per1000: items ? (tokenRequests / items) * 1000 : NaN };
	}
	return out;
}

const MIB = 1024 * 1024;
const seconds = (ms: number) =>
	Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : '–';
const mb = (bytes: number) =>
	Number.isFinite(bytes) ? `${Math.max(0, Math.round(bytes / 1e6))} MB` : '–';

function speedup(s: ScenarioResult): number {
	const ours = s.sides.ours.median;
	const builtin = s.sides['built-in'].median;
	// Times of answers that are not the same (e.g. 50 series masters against 2,000 occurrences)
	// are not compared.
	if (s.outputItems && (ours?.items !== s.outputItems || builtin?.items !== s.outputItems))
		return NaN;
	// Nor are the times of a side whose items failed (e.g. posts refused with 429).
	if (ours?.failedItems || builtin?.failedItems) return NaN;
	return ours?.nodeMs && builtin?.nodeMs ? builtin.nodeMs / ours.nodeMs : NaN;
}

export function evaluateTargets(results: Omit<BenchResults, 'targets'>): BenchResults['targets'] {
	const get = (id: string) => results.scenarios.find((s) => s.id === id);
	const out: BenchResults['targets'] = [];
	const send = get('send');
	if (send) {
		const x = speedup(send);
		const req = send.sides.ours.median?.requests;
		out.push({
			target: '1,000 sends: >= 8x faster than the built-in, <= 60 requests',
			met: Number.isFinite(x) && req !== undefined ? x >= 8 && req <= 60 : undefined,
			detail: `${Number.isFinite(x) ? `${x.toFixed(1)}x` : 'not compared'}, ${req ?? '–'} requests`,
		});
	}
	const faulty = get('send-faults');
	if (send && faulty) {
		const clean = send.sides.ours.median;
		const hit = faulty.sides.ours.median;
		const ratio = clean && hit ? hit.nodeMs / clean.nodeMs : NaN;
		out.push({
			target: '1,000 sends with 20% transient faults: <= 1.3x the fault-free time',
			met: Number.isFinite(ratio) ? ratio <= 1.3 : undefined,
			detail: Number.isFinite(ratio)
				? `${ratio.toFixed(2)}x (${(hit!.nodeMs / 1000).toFixed(2)} s vs ${(clean!.nodeMs / 1000).toFixed(2)} s), ${hit!.requests} vs ${clean!.requests} requests`
				: 'not measured',
		});
	}
	const big = get('upload-1gib');
	if (big) {
		const m = big.sides.ours.median;
		const throughput = m && big.bytes ? big.bytes / (m.nodeMs / 1000) : NaN;
		// Each run against the loopback measured just before it (same machine load), median;
		// runs without one against the scenario's loopback.
		const paired = big.sides.ours.runs
			.filter((r) => r.ok && r.loopbackBytesPerSecond && big.bytes)
			.map((r) => big.bytes! / (r.nodeMs / 1000) / r.loopbackBytesPerSecond!);
		const share = paired.length
			? median(paired)
			: results.loopbackBytesPerSecond
				? throughput / results.loopbackBytesPerSecond
				: NaN;
		out.push({
			target: '1 GiB upload: peak RSS growth < 150 MB, >= 70% of the loopback throughput',
			met: m ? m.rssGrowth < 150e6 && share >= 0.7 : undefined,
			detail: m
				? `${mb(m.rssGrowth)}, ${(share * 100).toFixed(0)}% of loopback` +
					(paired.length
						? ` (median of ${paired.map((x) => `${(x * 100).toFixed(0)}%`).join(', ')}: each run against a loopback upload just before it)`
						: '')
				: 'not measured',
		});
	}
	const users = get('users');
	if (users) {
		const x = speedup(users);
		const req = users.sides.ours.median?.requests;
		const pages = Math.ceil(users.items / 999);
		out.push({
			target: `${users.items.toLocaleString('en-US')} users: >= 5x faster than the built-in, ${pages} requests`,
			met: Number.isFinite(x) && req !== undefined ? x >= 5 && req <= pages : undefined,
			detail: `${Number.isFinite(x) ? `${x.toFixed(1)}x` : 'not compared'}, ${req ?? '–'} requests`,
		});
	}
	const year = get('calendar-year');
	if (year) {
		const ours = year.sides.ours.median;
		// The built-in's calendar view is its "Include Recurring Event Instances" row.
		const view = get('calendar-year-instances')?.sides['built-in'].median;
		const all = year.outputItems ?? 0;
		out.push({
			target: `calendar view of a year: ours returns all ${all.toLocaleString('en-US')} occurrences, in fewer requests than the built-in's calendar view`,
			met: ours && view ? ours.items === all && ours.requests < view.requests : undefined,
			detail: ours
				? `ours ${ours.items} items in ${ours.requests} requests; built-in defaults ${year.sides['built-in'].median?.items ?? '–'} items (series masters) in ${year.sides['built-in'].median?.requests ?? '–'}; built-in calendar view ${view?.items ?? '–'} items in ${view?.requests ?? '–'} requests`
				: 'not measured',
		});
	}
	const rooms = get('rooms-freebusy');
	if (rooms) {
		const m = rooms.sides.ours.median;
		out.push({
			target: `free/busy of ${rooms.items} rooms: <= 5 requests`,
			met: m ? m.requests <= 5 : undefined,
			detail: m
				? `${m.requests} requests (built-in: ${rooms.sides['built-in'].median?.requests ?? '–'})`
				: 'not measured',
		});
	}
	const meta = get('calendar-metadata');
	if (meta) {
		const m = meta.sides.ours.median;
		out.push({
			target: `calendar metadata of ${meta.items.toLocaleString('en-US')} users: peak RSS growth < 200 MB`,
			met: m ? m.rssGrowth < 200e6 : undefined,
			detail: m ? `${mb(m.rssGrowth)}, ${m.requests} requests, ${m.items} items` : 'not measured',
		});
	}
	const t = results.tokens.ours;
	out.push({
		target: 'one token request per 1,000 app-only items',
		met: t.items ? t.per1000 <= 1 : undefined,
		detail: t.items ? `${t.tokenRequests} token requests for ${t.items} items` : 'not measured',
	});
	return out;
}

export function markdown(results: BenchResults): string {
	const m = results.machine;
	const l = results.latency;
	const lines = [
		`Measured ${results.startedAt.slice(0, 16).replace('T', ' ')} UTC in ${Math.round(results.durationSeconds / 60)} min on ${m.cpu} (${m.cores} cores, ${m.memoryGiB} GiB), ${m.os}, Node ${m.node}, n8n ${m.n8n}, load average ${m.loadBefore} at the start. ` +
			`Latency model: ${l.requestMs} ms per HTTP request, ${l.mailProcessingMs} ms per message with ${l.mailConcurrency} at a time per mailbox. ` +
			`Medians of ${results.runsPerSide} runs per side, alternating${results.quick ? ' (--quick: smaller sizes)' : ''}. ` +
			`Loopback upload throughput (plain streaming HTTPS client): ${
				results.loopbackBytesPerSecond
					? `${(results.loopbackBytesPerSecond / MIB).toFixed(0)} MiB/s`
					: 'not measured'
			}. n8n binary data mode: ${results.binaryDataMode}.`,
		'',
		...(results.packageLoad ? [results.packageLoad, ''] : []),
		'| # | Scenario | Node | Time | Requests | 429s | Peak RSS growth | Throughput | Limit (model) | Time / limit | Built-in / ours |',
		'| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
	];
	results.scenarios.forEach((s, i) => {
		const x = speedup(s);
		for (const side of ['ours', 'built-in'] as const) {
			const r = s.sides[side];
			const label = side === 'ours' ? 'ours' : 'n8n built-in';
			// Output items against a complete answer, where the scenario has one.
			// and items that failed (a node set to continue on error), out of the items it was given.
			const name =
				s.outputItems && r.median
					? `${label} (${r.median.items.toLocaleString('en-US')} of ${s.outputItems.toLocaleString('en-US')} items)`
					: r.median?.failedItems
						? `${label} (${r.median.failedItems.toLocaleString('en-US')} of ${s.items.toLocaleString('en-US')} items failed)`
						: label;
			const first = side === 'ours';
			const cells = [first ? String(i + 1) : '', first ? s.title : '', name];
			if (r.median) {
				const md = r.median;
				cells.push(
					seconds(md.nodeMs),
					md.graphOperations !== md.requests
						? `${md.requests} (${md.graphOperations} ops)`
						: String(md.requests),
					String(md.throttled),
					mb(md.rssGrowth),
					s.bytes ? `${(s.bytes / MIB / (md.nodeMs / 1000)).toFixed(0)} MiB/s` : '',
					first ? `${seconds(s.limit.ms)} (${s.limit.formula})` : '',
					`${(md.nodeMs / s.limit.ms).toFixed(1)}x`,
					first && Number.isFinite(x) ? `${x.toFixed(1)}x` : '',
				);
			} else {
				const note = s.notes?.[side];
				const why =
					(note && !r.unavailable ? `${note}: ` : '') +
					(r.unavailable ??
						`fails: ${(r.error ?? 'no successful run').replace(/\|/g, '/').replace(/\s+/g, ' ').slice(0, 160)}`);
				cells.push(
					`— ${why}`,
					'',
					'',
					'',
					'',
					first ? `${seconds(s.limit.ms)} (${s.limit.formula})` : '',
					'',
					'',
				);
			}
			lines.push(`| ${cells.join(' | ')} |`);
		}
	});
	const controls = results.scenarios
		.filter((s) => s.control)
		.map(
			(s) =>
				`- ${s.title}: ${s.control!.label} took ${seconds(s.control!.executionMs)} with peak RSS growth ${mb(s.control!.rssGrowth)} (included in both sides' RSS figures).`,
		);
	const t = results.tokens;
	const tok = (side: SideName) =>
		t[side].items
			? `${t[side].per1000.toFixed(2)} (${t[side].tokenRequests} for ${t[side].items} items)`
			: '–';
	lines.push(
		`| ${results.scenarios.length + 1} | Token requests per 1,000 app-only items (the sends, all runs) | ours / n8n built-in | ${tok('ours')} / ${tok('built-in')} | | | | | 1 per credential and process | | |`,
		'',
		'Time: the measured node\'s own execution time in n8n. Requests: HTTP requests to Graph and upload URLs (a `$batch` counts once; "ops" adds its members), token requests apart. Peak RSS growth: n8n process tree, sampled from /proc and the main process\'s VmHWM.',
		'',
		...(controls.length ? ['Controls (one run each):', '', ...controls, ''] : []),
		'Design targets (not timed tests):',
		'',
		...results.targets.map(
			(g) =>
				`- ${g.met === undefined ? '○ not measured' : g.met ? '✓ met' : '✗ missed'}: ${g.target} — ${g.detail}`,
		),
	);
	return lines.join('\n') + '\n';
}
